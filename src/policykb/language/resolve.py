"""Parsed files -> complete policies: `extends`, `override`, `drop` and `uses` applied.

A policy that extends another starts from a copy of its parent's criteria (in the parent's
order), replaces the fields its `override` blocks give, removes what it drops (the reason
is kept), then adds its own criteria. Definitions and vocabulary declarations come from
the parent, then from the libraries it `uses`, then from the policy itself. Metadata is
the policy's own, except the designation rules (validity, review), which are inherited
when not restated."""

from __future__ import annotations

import copy
from dataclasses import replace

from policykb.errors import Diagnostic, PolicyKBError
from policykb.language.ast import Criterion, Override, Policy
from policykb.suggest import did_you_mean

CRITERION_FIELDS = {"kind": "kind", "source_text": "source_text", "summary": "summary", "note": "note"}


def resolve_all(parsed: dict[str, Policy]) -> dict[str, Policy]:
    """Resolve every policy of `parsed` (libraries included, unchanged); all problems at once."""
    resolved, problems = resolve_each(parsed)
    if problems:
        raise PolicyKBError(problems)
    return resolved


def resolve_each(parsed: dict[str, Policy]) -> tuple[dict[str, Policy], list[Diagnostic]]:
    """Every policy that resolves, and the problems of those that do not (one broken file
    does not stop the others)."""
    problems: list[Diagnostic] = []
    resolved: dict[str, Policy] = {}
    for policy_id in parsed:
        try:
            _resolve(policy_id, parsed, resolved, ())
        except PolicyKBError as error:
            problems += [d for d in error.diagnostics if d not in problems]
    return resolved, problems


def _resolve(policy_id: str, parsed: dict[str, Policy], resolved: dict[str, Policy], chain: tuple[str, ...]) -> Policy:
    if policy_id in resolved:
        return resolved[policy_id]
    policy = parsed[policy_id]
    if policy_id in chain:
        cycle = " -> ".join(chain[chain.index(policy_id):] + (policy_id,))
        raise PolicyKBError.single(f"'extends' goes round in a circle: {cycle}", **policy.span.where(),
                                   hint="a policy cannot extend itself, directly or through others")
    result = copy.deepcopy(policy)
    problems: list[Diagnostic] = []
    if policy.extends:  # the parent's definitions first: its criteria were written against them
        parent = _find(policy.extends, parsed, policy, "extends", problems, want_library=False)
        if parent is not None:
            _inherit(result, _resolve(parent.id, parsed, resolved, chain + (policy_id,)), problems)
    elif policy.overrides or policy.drops:
        first = (policy.overrides + policy.drops)[0]
        problems.append(Diagnostic(f"'{'override' if isinstance(first, Override) else 'drop'}' needs a "
                                   f"policy that extends another", **first.span.where(),
                                   hint=f"write 'policy {policy.id} extends OTHER-ID'"))
    for library in policy.uses:
        _merge_shared(result, _find(library, parsed, policy, "uses", problems, want_library=True), problems)
    if problems:
        raise PolicyKBError(problems)
    resolved[policy_id] = result
    return result


def _find(target: str, parsed: dict[str, Policy], policy: Policy, word: str, problems: list[Diagnostic],
          want_library: bool) -> Policy | None:
    found = parsed.get(target)
    kind = "library" if want_library else "policy"
    if found is not None and found.is_library != want_library:
        fix = f"write 'uses {target}' in the policy block" if found.is_library else f"write 'extends {target}'"
        problems.append(Diagnostic(f"'{word} {target}': '{target}' is a {'library' if found.is_library else 'policy'}",
                                   **policy.span.where(), hint=fix))
        return None
    if found is None:
        candidates = [p.id for p in parsed.values() if p.is_library == want_library]
        problems.append(Diagnostic(f"'{word} {target}': no {kind} with that id is loaded", **policy.span.where(),
                                   hint=did_you_mean(target, candidates) or
                                   "load the file that defines it (--policies), or check the id"))
        return None
    return found


def _merge_shared(child: Policy, source: Policy | None, problems: list[Diagnostic]) -> None:
    """Definitions and declarations of `source` that `child` does not restate. A name that
    `source` defines differently from `child` would silently change the meaning of
    criteria written against one of them: refused."""
    if source is None:
        return
    for name, definition in source.definitions.items():
        mine = child.definitions.get(name)
        if mine is not None and repr(mine.measure) != repr(definition.measure):
            problems.append(Diagnostic(f"'{name}' is defined here and, differently, by '{source.id}' "
                                       f"(line {definition.span.line} of {definition.span.file})",
                                       **mine.span.where(), hint="give one of them another name"))
        child.definitions.setdefault(name, copy.deepcopy(definition))
    declared = {d.name for d in child.indicator_declarations}
    child.indicator_declarations[:0] = [d for d in source.indicator_declarations if d.name not in declared]
    declared = {d.name for d in child.title_declarations}
    child.title_declarations[:0] = [d for d in source.title_declarations if d.name not in declared]


def _inherit(child: Policy, parent: Policy, problems: list[Diagnostic]) -> None:
    _merge_shared(child, parent, problems)
    criteria = {c.id: copy.deepcopy(c) for c in parent.criteria}
    origin = {c.id: parent.inherited.get(c.id, parent.id) for c in parent.criteria}
    for override in child.overrides:
        if override.criterion_id not in criteria:
            problems.append(_not_inherited("override", override.criterion_id, override.span, parent, criteria))
            continue
        criteria[override.criterion_id] = _apply(criteria[override.criterion_id], override, problems)
    for drop in child.drops:
        if criteria.pop(drop.criterion_id, None) is None:
            problems.append(_not_inherited("drop", drop.criterion_id, drop.span, parent, criteria))
    for own in child.criteria:
        if own.id in criteria:
            problems.append(Diagnostic(f"criterion '{own.id}' is inherited from '{parent.id}'", **own.span.where(),
                                       hint=f"write 'override criterion {own.id} {{ ... }}' to change it, or "
                                            f"give the new criterion another id"))
    child.inherited = {cid: origin[cid] for cid in criteria}
    child.criteria = list(criteria.values()) + [c for c in child.criteria if c.id not in criteria]
    child.validity_years = child.validity_years if child.validity_years is not None else parent.validity_years
    child.review = child.review or parent.review


def _not_inherited(word: str, criterion_id: str, span, parent: Policy, criteria: dict) -> Diagnostic:
    return Diagnostic(f"'{word} criterion {criterion_id}': '{parent.id}' has no such criterion", **span.where(),
                      hint=did_you_mean(criterion_id, criteria) or "inherited: " + ", ".join(criteria))


def _apply(criterion: Criterion, override: Override, problems: list[Diagnostic]) -> Criterion:
    fields = override.fields
    changed = {name: fields[key] for key, name in CRITERION_FIELDS.items() if key in fields}
    if "article" in fields or "paragraph" in fields:
        changed["citation"] = replace(criterion.citation, **{k: fields[k] for k in ("article", "paragraph")
                                                              if k in fields})
    if "require" in fields:
        changed["condition"], changed["expression"] = fields["require"], fields.get("expression")
    result = replace(criterion, **changed, span=override.span)
    if override.threshold is not None:
        _replace_threshold(result, override, problems)
    result.overridden = {*fields, *(["threshold"] if override.threshold is not None else [])}
    return result


def _replace_threshold(criterion: Criterion, override: Override, problems: list[Diagnostic]) -> None:
    from policykb.operators.comparison import comparisons

    found = list(comparisons(criterion.condition)) if criterion.condition is not None else []
    if len(found) != 1:
        problems.append(Diagnostic(
            f"'threshold' needs a criterion with exactly one comparison; '{criterion.id}' has {len(found)}",
            **override.threshold.span.where(), hint="restate the whole condition with 'require ...'"))
        return
    found[0].threshold = override.threshold
    if criterion.expression:
        criterion.expression += f" (threshold {override.threshold.written})"
