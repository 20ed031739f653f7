"""Vocabulary declared in policy files: new indicators and enterprise titles.

A declaration adds to the kb's vocabulary for the policy that makes it (and the policies
that extend it or use its library); the knowledge base also writes it into the graph, so
CSV import accepts the new names and explanations label them. Declaring a name the kb
already has is allowed only with the same meaning."""

from __future__ import annotations

from dataclasses import replace

from policykb.errors import Diagnostic
from policykb.language.ast import IndicatorDeclaration, Policy, TitleDeclaration
from policykb.suggest import did_you_mean
from policykb.vocabulary import COUNT, Indicator, Title, Vocabulary


def declared_vocabulary(policy: Policy, vocabulary: Vocabulary) -> tuple[Vocabulary, list[Diagnostic]]:
    """`vocabulary` plus the policy's declarations, and the problems with them."""
    problems: list[Diagnostic] = []
    indicators, titles = dict(vocabulary.indicators), dict(vocabulary.titles)
    for declaration in policy.indicator_declarations:
        indicator = _indicator(declaration, vocabulary, problems)
        if indicator is not None:
            _add(indicators, indicator, declaration, problems, "indicator")
    for declaration in policy.title_declarations:
        title = Title(declaration.name, declaration.labels.get("en", ""), declaration.labels.get("zh", ""),
                      declaration.count_indicator)
        _add(titles, title, declaration, problems, "enterprise title")
        if declaration.count_indicator and declaration.count_indicator not in indicators:
            indicators[declaration.count_indicator] = Indicator(
                declaration.count_indicator, COUNT, False, f"number of {title.label_en or title.name}",
                f"{title.label_zh}数量" if title.label_zh else "", counts_title=title.name)
    return replace(vocabulary, indicators=indicators, titles=titles), problems


def _indicator(declaration: IndicatorDeclaration, vocabulary: Vocabulary, problems: list[Diagnostic]):
    canonical = {u.name: u for u in vocabulary.units.values() if u.factor == 1}
    unit = vocabulary.unit(declaration.unit) if declaration.unit else None
    if unit is None or unit.factor != 1:
        problems.append(Diagnostic(
            f"indicator '{declaration.name}' needs its unit" + (f"; '{declaration.unit}' is not a canonical unit"
                                                               if declaration.unit else ""),
            **declaration.span.where(), expected="unit " + " | ".join(sorted(canonical)),
            hint=did_you_mean(declaration.unit or "", canonical)))
        return None
    return Indicator(declaration.name, unit.dimension, declaration.yearly, declaration.labels.get("en", ""),
                     declaration.labels.get("zh", ""), declaration.description or "")


def _add(table: dict, item, declaration: IndicatorDeclaration | TitleDeclaration, problems, what: str) -> None:
    existing = table.get(item.name)
    if existing is None:
        table[item.name] = item
        return
    if _meaning(existing) != _meaning(item):
        problems.append(Diagnostic(f"{what} '{item.name}' is already in the vocabulary as {_meaning(existing)}, "
                                   f"but this declaration makes it {_meaning(item)}", **declaration.span.where(),
                                   hint="use the existing one, or choose another name"))


def _meaning(item) -> str:
    if isinstance(item, Indicator):
        return f"{item.dimension}, {'per year' if item.per_year else 'not per year'}"
    return f"counted by {item.count_indicator}" if item.count_indicator else "without a count indicator"
