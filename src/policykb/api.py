"""policykb from Python and Jupyter: one object whose answers show themselves.

    from policykb import KnowledgeBase

    kb = KnowledgeBase.open(data=["my-clusters/"])
    kb.check("js-xinwu-mems-sensors", "jiangsu-2023", as_of=2025)   # a coloured table in Jupyter
    kb.screen("henan-2023", as_of=2025).to_dataframe()              # a pandas DataFrame
    kb.gap("syn-good", "miit-2022", as_of=2024)
    kb.diff("miit-2022", "henan-2023", as_of=2025)
    kb.sweep("henan-2023", "sme-share", "50%", "80%", "5%", as_of=2025).chart()
    kb.report("jiangsu-2023", "jiangsu.html", as_of=2025, lang="zh")

Each answer is a thin view over the library's own result (a Verdict, Gap, PolicyDiff,
Sweep, Binding): its attributes are those of the result (`kb.check(...).status`), `.raw`
is the result itself, `_repr_html_` / `_repr_markdown_` render it, and `to_dataframe()`
converts it (pandas is imported only then; it is not a dependency of policykb).
Anything else is the library's KnowledgeBase (`kb.core`), reachable through this one."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Iterable, Sequence

from policykb.report.htmlkit import MARKS, STATUS_COLOURS, badge, esc, table
from policykb.report.i18n import Words
from policykb.verdicts.model import CRITERION_STATUSES, VERDICT_STATUSES

__all__ = ["KnowledgeBase", "VerdictView", "ScreenView", "GapView", "NearMissesView", "DiffView", "SweepView",
           "BindingView", "Chart"]

MAX_ROWS = 200  # rows a notebook table shows; to_dataframe() has them all
NOWRAP = "white-space:nowrap"


def _pandas():
    try:
        import pandas
    except ImportError:
        raise ImportError("to_dataframe() needs pandas, which is not installed: pip install pandas "
                          "(policykb itself does not depend on it)") from None
    return pandas


def _number(value):
    """A value for a DataFrame: exact integers stay ints, other fractions become floats;
    anything else (bool, int, str, None) as it is."""
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    return value


# ---------------------------------------------------------------------- the front door
class KnowledgeBase:
    """The knowledge base for notebooks and scripts; `core` is the library's
    `policykb.knowledge_base.KnowledgeBase`, whose every other attribute is reachable here."""

    def __init__(self, core, lang: str = "en"):
        self.core = core
        self.lang = lang  # labels of indicators, clusters and measures: "en" or "zh"

    @classmethod
    def open(cls, kb: Path | str | None = None, data: Sequence[Path | str] | Path | str = (),
             policies: Sequence[Path | str] | Path | str = (), shipped_policies: bool = True,
             lang: str = "en") -> "KnowledgeBase":
        """The shipped kb (or folder `kb`) with the `data` folders added and the shipped
        policies plus those in `policies`. A single path may be given bare."""
        from policykb.knowledge_base import KnowledgeBase as Core

        data = [data] if isinstance(data, (str, Path)) else list(data)
        policies = [policies] if isinstance(policies, (str, Path)) else list(policies)
        core = Core.open(kb=Path(kb) if kb is not None else None, data=[Path(p) for p in data],
                         policies=[Path(p) for p in policies], shipped_policies=shipped_policies)
        return cls(core, lang)

    def __getattr__(self, name: str):
        core = self.__dict__.get("core")
        if core is None or name.startswith("__"):
            raise AttributeError(name)
        return getattr(core, name)

    def __repr__(self) -> str:
        return (f"<policykb.KnowledgeBase: {len(self.core.graph.cluster_ids())} clusters, "
                f"measures {', '.join(sorted(self.core.policies))}>")

    def words(self) -> Words:
        return Words(self.lang, self.core.graph.vocabulary())

    # ------------------------------------------------------------ answers
    def check(self, cluster: str, policy: str, as_of: int | None = None) -> "VerdictView":
        """Is `cluster` eligible under `policy` in application year `as_of`, and why."""
        return VerdictView(self.core.check(cluster, policy, as_of), self.words())

    def screen(self, policy: str, as_of: int | None = None) -> "ScreenView":
        """Every cluster's verdict under `policy`."""
        return ScreenView(self.core.screen(policy, as_of), self.words())

    def gap(self, cluster: str, policy: str, as_of: int | None = None) -> "GapView":
        """The data changes that would make `cluster` eligible (checked by evaluating them)."""
        from policykb.research.gap import gap

        return GapView(gap(self.core, cluster, policy, as_of), self.words())

    def near_misses(self, policy: str, as_of: int | None = None, most: int | None = None,
                    limit: int = 10) -> "NearMissesView":
        """Clusters not eligible that fail at most `most` criteria (default: any number),
        fewest first, each with its gap."""
        from policykb.research.near_miss import near_misses

        most = len(self.core.compiled(policy, as_of).policy.criteria) if most is None else most
        return NearMissesView(near_misses(self.core, policy, as_of, most, limit), self.words())

    def diff(self, a: str, b: str, as_of: int | None = None) -> "DiffView":
        """Two measures criterion by criterion, and the clusters whose verdicts differ."""
        from policykb.research.diff import diff

        return DiffView(diff(self.core, a, b, as_of))

    def sweep(self, policy: str, criterion: str, start: str, stop: str, step: str,
              as_of: int | None = None) -> "SweepView":
        """Verdict counts as one criterion's threshold goes from `start` to `stop` by `step`
        (written with units, as on the command line: "50%", "30亿元")."""
        from policykb.research.sweep import sweep

        result = sweep(self.core, policy, criterion, start, stop, step, as_of)
        return SweepView(result, self.core.policy(result.policy).titles.get("zh"))

    def binding(self, policy: str, as_of: int | None = None) -> "BindingView":
        """Per criterion, how many clusters fail it, fail it alone, or cannot be decided on it."""
        from policykb.research.binding import binding

        result = binding(self.core, policy, as_of)
        return BindingView(result, self.core.policy(result.policy).titles.get("zh"))

    def what_if(self, *values: str, thresholds: Iterable[str] = ()) -> "KnowledgeBase":
        """The same knowledge base answering as if these held (nothing is changed):
        values as `CLUSTER.INDICATOR[YEAR]=VALUE`, thresholds as `POLICY.CRITERION=VALUE`."""
        from policykb.research.scenario import parse_set, parse_set_threshold

        vocabulary = self.core.graph.vocabulary()
        changes = [parse_set(v, vocabulary) for v in values] + [parse_set_threshold(t) for t in thresholds]
        return KnowledgeBase(self.core.with_changes(changes), self.lang)

    def report(self, policy: str, path: Path | str, as_of: int | None = None, lang: str | None = None,
               near_misses: int = 10) -> list[Path]:
        """Write the report on `policy` (format by suffix: .html, .md, .xlsx); returns the
        files written."""
        from policykb import report

        report.format_of(path)
        built = report.build(self.core, policy, as_of, lang or self.lang, near_misses)
        return report.write(built, path)


# ---------------------------------------------------------------------- views
class _View:
    """A result with a title and one table, shown as HTML or Markdown."""

    status_columns: frozenset = frozenset()  # column indexes holding statuses
    numeric_columns: frozenset = frozenset()
    column_styles: dict = {}  # column index -> extra CSS for its cells

    def __init__(self, raw):
        self.raw = raw

    def __getattr__(self, name: str):
        raw = self.__dict__.get("raw")
        if raw is None or name.startswith("__") or name.startswith("_repr") or name.startswith("_ipython"):
            raise AttributeError(name)
        return getattr(raw, name)

    # What each view defines: _title() (its lines, the first one bold), _header() and _rows().

    # rendering
    def _cell_html(self, value, column: int) -> str:
        if column in self.status_columns and value:
            return badge(str(value))
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return esc(value).replace("\n", "<br>")

    def _table_html(self) -> str:
        rows = self._rows()
        shown = [[self._cell_html(v, i) for i, v in enumerate(row)] for row in rows[:MAX_ROWS]]
        more = (f'<p style="color:#5f5f5f">… {len(rows) - MAX_ROWS:,} more rows: to_dataframe() has them all</p>'
                if len(rows) > MAX_ROWS else "")
        return table([esc(h) for h in self._header()], shown, numeric=self.numeric_columns,
                     styles=self.column_styles) + more

    def _title_html(self) -> str:
        lines = self._title()
        head = f"<strong>{esc(lines[0])}</strong>" if lines else ""
        rest = "".join(f'<div style="color:#5f5f5f">{esc(line)}</div>' for line in lines[1:])
        return f"<div>{head}{rest}</div>"

    def _repr_html_(self) -> str:
        return f'<div class="policykb">{self._title_html()}{self._table_html()}</div>'

    def _repr_markdown_(self) -> str:
        from policykb.report.markdown import table as md_table

        rows = self._rows()[:MAX_ROWS]
        title = self._title()
        lines = [f"**{title[0]}**", "", *(f"{t}  " for t in title[1:]), ""] if title else []
        return "\n".join(lines + md_table(self._header(), rows, numeric=self.numeric_columns))

    def __repr__(self) -> str:
        title = self._title()
        return f"<{type(self).__name__}: {title[0] if title else ''}>"

    def to_dataframe(self):
        pandas = _pandas()
        return pandas.DataFrame([[_number(v) for v in row] for row in self._rows()], columns=self._header())


def _status_counts(statuses: Iterable[str], order: Sequence[str]) -> str:
    statuses = list(statuses)
    return " · ".join(f"{statuses.count(s)} {s}" for s in order if statuses.count(s))


class VerdictView(_View):
    """One cluster's verdict under one measure (`policykb.verdicts.model.Verdict`)."""

    status_columns = frozenset({2})
    HEADER = ["criterion", "kind", "status", "citation", "source text", "explanation", "inputs", "missing"]
    column_styles = {0: NOWRAP, 1: NOWRAP, 2: NOWRAP, 3: NOWRAP, 4: "min-width:10em", 5: "min-width:18em",
                     6: "min-width:14em;font-size:12px;color:#444"}

    def __init__(self, verdict, words: Words):
        super().__init__(verdict)
        self.words = words

    def _name(self) -> str:
        v = self.raw
        name = v.cluster_name or v.cluster
        return f"{name} ({v.cluster})" if v.cluster_name else v.cluster

    def _title(self) -> list[str]:
        v = self.raw
        synthetic = " [SYNTHETIC DATA]" if v.synthetic else ""
        return [f"{self._name()}{synthetic} under {v.policy}, application year {v.as_of}: {v.status}",
                _status_counts((c.status for c in v.criteria), CRITERION_STATUSES), *(f"note: {n}" for n in v.notes)]

    def _header(self) -> list[str]:
        return self.HEADER

    def _rows(self) -> list[list]:
        rows = []
        for c in self.raw.criteria:
            inputs = "\n".join(" — ".join(self.words.input_line(i)) for i in c.inputs)
            rows.append([c.id, c.kind, c.status, c.citation, c.source_text or "", c.explanation, inputs,
                         ", ".join(c.missing)])
        return rows

    def _title_html(self) -> str:
        v = self.raw
        lines = self._title()
        synthetic = ' <span style="color:#a6530a">[SYNTHETIC DATA]</span>' if v.synthetic else ""
        return (f"<div><strong>{esc(self._name())}</strong>{synthetic} under <code>{esc(v.policy)}</code>, "
                f"application year {v.as_of}: {badge(v.status)}"
                + "".join(f'<div style="color:#5f5f5f">{esc(line)}</div>' for line in lines[1:]) + "</div>")

    def to_json(self) -> dict:
        return self.raw.to_json()

    def to_dataframe(self):
        """One row per criterion, with the cluster, measure, year and overall verdict."""
        pandas = _pandas()
        v = self.raw
        head = ["cluster", "policy", "as_of", "verdict"]
        rows = [[v.cluster, v.policy, v.as_of, v.status, *row] for row in self._rows()]
        return pandas.DataFrame(rows, columns=head + [h.replace(" ", "_") for h in self.HEADER])


class ScreenView(_View):
    """Every cluster's verdict under one measure: a list of VerdictViews, shown as a matrix
    of criterion statuses."""

    numeric_columns = frozenset()

    def __init__(self, verdicts, words: Words):
        super().__init__(list(verdicts))
        self.words = words
        self.criteria = [c.id for c in self.raw[0].criteria] if self.raw else []

    def __len__(self) -> int:
        return len(self.raw)

    def __iter__(self):
        return (VerdictView(v, self.words) for v in self.raw)

    def __getitem__(self, key):
        """By position, or by cluster id."""
        if isinstance(key, str):
            found = next((v for v in self.raw if v.cluster == key), None)
            if found is None:
                raise KeyError(key)
            return VerdictView(found, self.words)
        return VerdictView(self.raw[key], self.words)

    def counts(self) -> dict[str, int]:
        """Clusters per verdict (eligible, ineligible, undetermined)."""
        statuses = [v.status for v in self.raw]
        return {s: statuses.count(s) for s in VERDICT_STATUSES}

    def _title(self) -> list[str]:
        if not self.raw:
            return ["No clusters in the knowledge base."]
        first = self.raw[0]
        counts = " · ".join(f"{n:,} {s}" for s, n in self.counts().items())
        return [f"{first.policy} ({first.policy_title}), application year {first.as_of}: {len(self.raw):,} clusters",
                counts, *(f"note: {n}" for n in first.notes)]

    def _header(self) -> list[str]:
        return ["cluster", "name", "synthetic", "status", *self.criteria]

    @property
    def status_columns(self) -> frozenset:
        return frozenset(range(3, 4 + len(self.criteria)))

    @property
    def column_styles(self) -> dict:
        matrix = {i: "text-align:center;padding:3px 4px;font-size:12px" for i in range(4, 4 + len(self.criteria))}
        return {0: NOWRAP, 1: NOWRAP, 2: NOWRAP + ";font-size:11px;color:#a6530a", 3: NOWRAP, **matrix}

    def _rows(self) -> list[list]:
        rows = []
        for v in self.raw:
            by_id = {c.id: c.status for c in v.criteria}
            rows.append([v.cluster, v.cluster_name or "", v.synthetic, v.status,
                         *(by_id.get(c, "") for c in self.criteria)])
        return rows

    def _cell_html(self, value, column: int) -> str:
        if column > 3 and value:  # a criterion: its mark only, coloured, the status as a tooltip
            return (f'<span title="{esc(value)}" data-status="{esc(value)}" style="color:'
                    f'{STATUS_COLOURS.get(value, "#333")};font-weight:600">{esc(MARKS.get(value, value))}</span>')
        if column == 2:
            return "SYNTHETIC" if value else ""
        return super()._cell_html(value, column)

    def to_dataframe(self, long: bool = False):
        """One row per cluster (a column per criterion's status), or with `long=True` one row
        per cluster and criterion with its explanation and inputs."""
        pandas = _pandas()
        if long:
            frames = [VerdictView(v, self.words).to_dataframe() for v in self.raw]
            return pandas.concat(frames, ignore_index=True) if frames else pandas.DataFrame()
        return pandas.DataFrame(self._rows(), columns=self._header())


class GapView(_View):
    """What a cluster lacks to be eligible (`policykb.research.gap.Gap`)."""

    def __init__(self, gap, words: Words):
        super().__init__(gap)
        self.words = words

    def _title(self) -> list[str]:
        g = self.raw
        lines = [f"{g.cluster} under {g.policy}, application year {g.as_of}: {g.start.status}"]
        if g.start.status == "eligible":
            return lines + ["Already eligible: nothing is missing."]
        outcome = ("eligible (checked by evaluating them)" if g.reachable
                   else f"{g.end.status}: no data change alone makes it eligible")
        lines.append(f"with these {len(g.changes)} change(s): {outcome}")
        return lines + [f"cannot: {b}" for b in g.blockers]

    column_styles = {0: NOWRAP}

    def _header(self) -> list[str]:
        return ["criterion", "change"]

    def _rows(self) -> list[list]:
        from policykb.research.gap import describe

        vocabulary = self.words.gap_vocabulary()
        return [[c.criterion, describe(c, vocabulary)] for c in self.raw.changes]

    def _title_html(self) -> str:
        g = self.raw
        lines = self._title()
        return (f"<div><strong>{esc(g.cluster)}</strong> under <code>{esc(g.policy)}</code>, application year "
                f"{g.as_of}: {badge(g.start.status)}"
                + "".join(f'<div style="color:#5f5f5f">{esc(line)}</div>' for line in lines[1:]) + "</div>")

    def to_json(self) -> dict:
        return self.raw.to_json()

    def to_dataframe(self):
        """One row per change: the criterion it serves, what it sets, before and after."""
        from policykb.explain import format as fmt
        from policykb.research.gap import describe

        pandas = _pandas()
        vocabulary = self.words.gap_vocabulary()
        rows = []
        for c in self.raw.changes:
            change = c.step.change
            value = getattr(change, "value", None)
            rows.append({"criterion": c.criterion, "kind": type(change).__name__,
                         "indicator": getattr(change, "indicator", None), "year": getattr(change, "year", None),
                         "before": _number(c.before), "value": _number(value),
                         "value_exact": fmt.exact(value) if isinstance(value, Fraction) else value,
                         "illustrative": c.step.illustrative, "why": c.step.why, "change": describe(c, vocabulary)})
        columns = ["criterion", "kind", "indicator", "year", "before", "value", "value_exact", "illustrative", "why",
                   "change"]
        return pandas.DataFrame(rows, columns=columns)


class NearMissesView(_View):
    """Clusters closest to eligibility (`policykb.research.near_miss.NearMiss` list)."""

    status_columns = frozenset({2})
    numeric_columns = frozenset({0, 3, 5})

    def __init__(self, misses, words: Words):
        super().__init__(list(misses))
        self.words = words

    def __len__(self) -> int:
        return len(self.raw)

    def __getitem__(self, index: int) -> GapView:
        return GapView(self.raw[index].gap, self.words)

    def __iter__(self):
        return (GapView(m.gap, self.words) for m in self.raw)

    def _title(self) -> list[str]:
        if not self.raw:
            return ["No near misses."]
        first = self.raw[0].gap
        return [f"{len(self.raw)} near miss(es) under {first.policy}, application year {first.as_of}"]

    def _header(self) -> list[str]:
        return ["rank", "cluster", "status", "failing", "criteria not met", "changes", "reachable"]

    def _rows(self) -> list[list]:
        return [[rank, m.cluster, m.gap.start.status, len(m.failing), ", ".join(m.failing), len(m.gap.changes),
                 m.gap.reachable] for rank, m in enumerate(self.raw, start=1)]


class DiffView(_View):
    """Two measures side by side (`policykb.research.diff.PolicyDiff`)."""

    def _title(self) -> list[str]:
        from policykb.research.diff import CATEGORIES

        d = self.raw
        counts = " · ".join(f"{d.count(c)} {c}" for c in CATEGORIES if d.count(c))
        return [f"A {d.a.id} vs B {d.b.id}, application year {d.as_of}",
                f"A: {d.a.titles.get('zh') or d.a.title}", f"B: {d.b.titles.get('zh') or d.b.title}",
                f"{len(d.pairs)} criteria: {counts}",
                f"verdicts: {len(d.differing)} of {d.clusters} clusters differ", *(f"note: {n}" for n in d.notes)]

    def _header(self) -> list[str]:
        return ["criterion", "class", "A", "B", "differences", "looser"]

    def _rows(self) -> list[list]:
        rows = []
        for p in self.raw.pairs:
            side = lambda c: "" if c is None else f"{c.kind}: {c.expression or '(no condition)'}"  # noqa: E731
            differences = "\n".join(f"{x.aspect}: {x.a} vs {x.b}" + (f" ({x.looser} looser)" if x.looser else "")
                                    for x in p.differences)
            rows.append([p.label, p.category, side(p.a), side(p.b), differences, p.looser or ""])
        return rows

    def _verdict_rows(self) -> list[list]:
        return [[d.cluster, d.a_status, d.b_status,
                 "; ".join(f"{c.a or c.b}: {c.a_status or '—'} vs {c.b_status or '—'}" for c in d.causes)]
                for d in self.raw.differing]

    def _repr_html_(self) -> str:
        html = super()._repr_html_()
        rows = self._verdict_rows()
        if not rows:
            return html
        cells = [[esc(r[0]), badge(r[1]), badge(r[2]), esc(r[3])] for r in rows[:MAX_ROWS]]
        header = ["cluster", f"A {self.raw.a.id}", f"B {self.raw.b.id}", "because"]
        return html + "<div><strong>Clusters whose verdicts differ</strong></div>" + table([esc(h) for h in header],
                                                                                          cells)

    def to_dataframe(self):
        """One row per pair of criteria."""
        return super().to_dataframe()

    def verdicts_dataframe(self):
        """One row per cluster whose verdicts differ, with the criteria that cause it."""
        pandas = _pandas()
        return pandas.DataFrame(self._verdict_rows(), columns=["cluster", "a", "b", "because"])

    def to_json(self) -> dict:
        return self.raw.to_json()


class Chart:
    """An SVG chart: shown inline in Jupyter, saved with `save(path)` (.svg or .png)."""

    def __init__(self, svg: str, draw):
        self.svg = svg
        self._draw = draw  # path -> writes the chart (research.charts, atomically)

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        return f"<Chart: SVG, {len(self.svg):,} characters; shown inline in Jupyter, .save(path) as .svg or .png>"

    def save(self, path: Path | str) -> Path:
        return self._draw(path)


class SweepView(_View):
    """Verdict counts per threshold (`policykb.research.sweep.Sweep`)."""

    numeric_columns = frozenset({1, 2, 3})

    def __init__(self, sweep, title_zh: str | None = None):
        super().__init__(sweep)
        self.title_zh = title_zh

    def _title(self) -> list[str]:
        s = self.raw
        lines = [f"{s.policy} · {s.criterion} ({s.kind}): {s.expression or ''}".rstrip(),
                 f"application year {s.as_of} · {s.clusters:,} clusters · shipped threshold {s.op} {s.shipped.written}"]
        return lines + ([f"note: {s.note}"] if s.note else [])

    def _header(self) -> list[str]:
        return ["threshold", "eligible", "ineligible", "undetermined", "shipped"]

    def _rows(self) -> list[list]:
        s = self.raw
        return [[s.written(p.number), p.eligible, p.ineligible, p.undetermined, "← shipped" if p.shipped else ""]
                for p in s.points]

    def to_dataframe(self):
        """One row per threshold: its number (in the unit of `start`) and written form, the counts."""
        pandas = _pandas()
        s = self.raw
        rows = [[_number(p.number), s.written(p.number), p.eligible, p.ineligible, p.undetermined, p.shipped]
                for p in s.points]
        return pandas.DataFrame(rows, columns=["threshold", "written", "eligible", "ineligible", "undetermined",
                                               "shipped"])

    def chart(self) -> Chart:
        from policykb.commands.sweep import chart_title
        from policykb.research import charts

        s = self.raw
        title, unit = chart_title(s, self.title_zh), charts.label(s.unit, s.unit_name)
        return Chart(charts.sweep_svg(s.points, s.shipped_number, title, unit),
                     lambda path: charts.sweep_chart(s.points, s.shipped_number, title, path, unit))


class BindingView(_View):
    """Per criterion, why clusters are not eligible (`policykb.research.binding.Binding`)."""

    numeric_columns = frozenset({2, 3, 4, 5, 6})
    COLUMNS = ("unmet", "alone", "alone_not_met", "unknown", "review")

    def __init__(self, binding, title_zh: str | None = None):
        super().__init__(binding)
        self.title_zh = title_zh

    def _title(self) -> list[str]:
        b = self.raw
        verdicts = ", ".join(f"{b.verdicts.get(v, 0):,} {v}" for v in VERDICT_STATUSES)
        return [f"{b.policy}, application year {b.as_of}: {b.clusters:,} clusters ({verdicts})",
                *([f"note: {b.note}"] if b.note else [])]

    def _header(self) -> list[str]:
        return ["criterion", "kind", *self.COLUMNS]

    def _rows(self) -> list[list]:
        return [[r.criterion, r.kind, *(getattr(r, c) for c in self.COLUMNS)] for r in self.raw.rows]

    def chart(self) -> Chart:
        from policykb.commands.binding import chart_title
        from policykb.research import charts

        b = self.raw
        title = chart_title(b, self.title_zh)
        return Chart(charts.binding_svg(b.rows, title), lambda path: charts.binding_chart(b.rows, title, path))
