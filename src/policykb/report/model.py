"""What a report says, gathered once and rendered as HTML, Markdown or XLSX."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from policykb.research.binding import Binding, binding
from policykb.research.gap import describe
from policykb.research.near_miss import NearMiss, near_misses
from policykb.report.i18n import BINDING_COLUMNS, TEXT, Words
from policykb.verdicts.model import CRITERION_STATUSES, VERDICT_STATUSES, Verdict

NEAR_MISSES = 10  # how many near misses a report lists by default


@dataclass
class Report:
    words: Words
    policy: object            # the version of the measure in force (language.ast.Policy)
    asked: str                # the policy id asked for
    as_of: int
    verdicts: list[Verdict]   # every cluster, in id order
    clusters: dict            # id -> graph.records.ClusterRecord
    binding: Binding
    near_misses: list[NearMiss] | None  # None: not computed
    near_limit: int
    note: str | None = None   # which version answers, when another than the one asked
    chart_svg: str | None = field(default=None, repr=False)

    @property
    def lang(self) -> str:
        return self.words.lang

    def verdict_counts(self) -> dict[str, int]:
        tally = Counter(v.status for v in self.verdicts)
        return {s: tally[s] for s in VERDICT_STATUSES}

    def criterion_counts(self) -> dict[str, int]:
        tally = Counter(c.status for v in self.verdicts for c in v.criteria)
        return {s: tally[s] for s in CRITERION_STATUSES}

    def real_and_synthetic(self) -> tuple[int, int]:
        synthetic = sum(1 for v in self.verdicts if self.clusters[v.cluster].synthetic)
        return len(self.verdicts) - synthetic, synthetic

    def provenance(self) -> str:
        real, synthetic = self.real_and_synthetic()
        text = self.words["provenance_real"].format(n=real) if real else ""
        text += self.words["provenance_synthetic"].format(n=synthetic) if synthetic else ""
        return text.strip()

    def chart_title(self) -> str:
        """The chart's title: Chinese where matplotlib has a CJK font (else English)."""
        from policykb.research import charts

        en = TEXT["en"]["chart_title"].format(title=self.policy.id, year=self.as_of)
        if self.lang != "zh":
            return en
        zh = TEXT["zh"]["chart_title"].format(title=self.policy.titles.get("zh") or self.policy.id, year=self.as_of)
        return charts.label(zh, en)

    def binding_rows(self) -> list[tuple]:
        return [(r.criterion, r.kind, *(getattr(r, c) for c in BINDING_COLUMNS)) for r in self.binding.rows]

    def change_lines(self, miss: NearMiss) -> list[tuple[str, str]]:
        """(criterion, one sentence) per change of a near miss's gap, in the report's language."""
        vocabulary = self.words.gap_vocabulary()
        order = {c.id: i for i, c in enumerate(self.policy.criteria)}
        changes = sorted(miss.gap.changes, key=lambda c: order.get(c.criterion, len(order)))  # stable: by year within
        return [(c.criterion, describe(c, vocabulary)) for c in changes]

    def cluster_name(self, cluster_id: str) -> str:
        return self.words.cluster_name(self.clusters[cluster_id])


def build(kb, policy_id: str, as_of: int | None = None, lang: str = "en",
          near: int = NEAR_MISSES) -> Report:
    """Everything a report on `policy_id` in application year `as_of` says, over `kb` (a
    `policykb.knowledge_base.KnowledgeBase`)."""
    words = Words(lang, kb.graph.vocabulary())  # a bad language fails before any work
    compiled = kb.compiled(policy_id, as_of)
    verdicts = kb.screen(policy_id, as_of)
    clusters = {record.id: record for record in kb.graph.clusters()}
    found = None
    if near > 0:
        # The collector stays on here: holding it off halves the time but lets the garbage of
        # every gap round (engines, policy copies) pile up, ten times the memory.
        found = near_misses(kb, policy_id, as_of, most=len(compiled.policy.criteria), limit=near)
    return Report(words, compiled.policy, policy_id, compiled.as_of, verdicts, clusters,
                  binding(kb, policy_id, as_of), found, near, compiled.note)


def chart_svg(report: Report) -> str:
    """The binding chart as SVG text (cached on the report)."""
    if report.chart_svg is None:
        from policykb.research import charts

        report.chart_svg = charts.binding_svg(report.binding.rows, report.chart_title())
    return report.chart_svg


def chart_file(report: Report, path) -> None:
    """The binding chart written as a PNG or SVG file (atomically, by research.charts)."""
    from policykb.research import charts

    charts.binding_chart(report.binding.rows, report.chart_title(), path)
