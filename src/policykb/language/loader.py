"""Finding, parsing and checking policy files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from policykb.errors import Diagnostic, PolicyKBError
from policykb.language.ast import Policy
from policykb.language.checker import check_policy
from policykb.language.parser import parse_file
from policykb.vocabulary import Vocabulary


@dataclass
class LoadedPolicies:
    policies: dict[str, Policy] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)


def policy_files(folders: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        folder = Path(folder)
        if folder.is_file():
            files.append(folder)
        elif folder.is_dir():
            files += sorted(folder.glob("*.policy"))
        else:
            raise PolicyKBError.single("no such policy file or folder", file=str(folder))
    return files


def load_policy(path: Path, vocabulary: Vocabulary) -> tuple[Policy, list[Diagnostic]]:
    policy = parse_file(path)
    return policy, check_policy(policy, vocabulary)


def load_policies(folders: Iterable[Path], vocabulary: Vocabulary) -> LoadedPolicies:
    """Every policy in `folders`; all files' errors are reported together."""
    loaded, errors = LoadedPolicies(), []
    for path in policy_files(folders):
        try:
            policy, warnings = load_policy(path, vocabulary)
        except PolicyKBError as error:
            errors += error.diagnostics
            continue
        if policy.id in loaded.policies:
            errors.append(Diagnostic(f"policy id '{policy.id}' is already defined in "
                                     f"{loaded.policies[policy.id].file}", **policy.span.where()))
            continue
        loaded.policies[policy.id] = policy
        loaded.warnings += warnings
    if errors:
        raise PolicyKBError(errors)
    return loaded
