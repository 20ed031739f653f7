"""Finding, parsing, resolving and checking policy files.

Every file is parsed first, then `extends` / `uses` are resolved across all of them (a
policy may extend one in another folder), then each complete policy is checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from policykb.errors import Diagnostic, PolicyKBError
from policykb.language.ast import Policy
from policykb.language.checker import check_policy
from policykb.language.parser import parse_file
from policykb.language.resolve import resolve_each
from policykb.language.versions import check_lineage
from policykb.vocabulary import Vocabulary


@dataclass
class LoadedPolicies:
    policies: dict[str, Policy] = field(default_factory=dict)  # checked, complete policies
    libraries: dict[str, Policy] = field(default_factory=dict)


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


def parse_files(paths: Iterable[Path]) -> tuple[dict[str, Policy], list[Diagnostic]]:
    """Parse each file once (by resolved path); duplicate ids are errors."""
    parsed: dict[str, Policy] = {}
    errors: list[Diagnostic] = []
    seen: set[Path] = set()
    for path in paths:
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        try:
            policy = parse_file(path)
        except PolicyKBError as error:
            errors += error.diagnostics
            continue
        if policy.id in parsed:
            errors.append(Diagnostic(f"policy id '{policy.id}' is already defined in {parsed[policy.id].file}",
                                     **policy.span.where(), hint="each policy file needs its own id"))
            continue
        parsed[policy.id] = policy
    return parsed, errors


def load_policies(folders: Iterable[Path], vocabulary: Vocabulary) -> LoadedPolicies:
    """Every policy in `folders`, complete and checked; all files' errors together."""
    parsed, errors = parse_files(policy_files(folders))
    loaded = check_all(parsed, vocabulary, errors)
    if errors:
        raise PolicyKBError(errors)
    return loaded


def check_all(parsed: dict[str, Policy], vocabulary: Vocabulary, errors: list[Diagnostic],
              only: set[str] | None = None) -> LoadedPolicies:
    """Resolve and check `parsed` (or the ids in `only`); problems are appended to `errors`."""
    resolved, problems = resolve_each(parsed)
    errors += problems
    errors += check_lineage(resolved)
    loaded = LoadedPolicies()
    for policy in resolved.values():
        if only is not None and policy.id not in only:
            continue
        try:
            check_policy(policy, vocabulary)
        except PolicyKBError as error:
            errors += error.diagnostics
            continue
        (loaded.libraries if policy.is_library else loaded.policies)[policy.id] = policy
    return loaded


def load_policy(path: Path, vocabulary: Vocabulary, context: Iterable[Path] = ()) -> tuple[Policy, dict[str, Policy]]:
    """One policy file, resolved against the policies in `context` (for `extends`), and
    the context's policies that could be checked (for checks across versions)."""
    own, errors = parse_files([Path(path)])
    if errors:
        raise PolicyKBError(errors)
    target = next(iter(own.values()))
    # The context only serves to resolve `extends` / `uses`: its own problems, and a
    # policy with the target's id (the file being linted is usually one of them), are not
    # this file's business.
    others, _ = parse_files(p for p in policy_files(context) if p.resolve() != Path(path).resolve())
    parsed = {**{k: v for k, v in others.items() if k != target.id}, target.id: target}
    loaded = check_all(parsed, vocabulary, errors, only={target.id})
    if errors:
        own_errors = [e for e in errors if e.file == target.file]
        raise PolicyKBError(own_errors or errors)
    found = loaded.policies.get(target.id) or loaded.libraries[target.id]
    others = check_all({k: v for k, v in parsed.items()}, vocabulary, [])
    return found, {**others.policies, found.id: found}
