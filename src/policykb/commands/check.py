"""`policykb check`: is one cluster eligible under a measure, or under every measure in
force (`--all`), and why."""

from __future__ import annotations

from policykb.commands.common import Output, add_what_if, add_year, kb_paths, open_kb, style
from policykb.errors import PolicyKBError
from policykb.explain import render_json, render_rdf, render_text
from policykb.knowledge_base import KnowledgeBase
from policykb.language.versions import period
from policykb.research.designations import designations, held

NAME = "check"
HELP = "is one cluster eligible under a measure, and why"


def configure(parser) -> None:
    parser.add_argument("cluster", help="cluster id (see `policykb screen` for the ids)")
    parser.add_argument("--policy", metavar="ID", help="policy id (see `policykb policies`); or --all")
    parser.add_argument("--all", action="store_true", dest="all_policies",
                        help="the verdict under every measure in force in the application year, as a table")
    parser.add_argument("--explain", action="store_true", help="with --all: every verdict in full after the table")
    add_year(parser)
    add_what_if(parser)


def run(args) -> Output:
    if (args.policy is None) == (not args.all_policies):
        raise PolicyKBError.single("say which measure: give exactly one of --policy ID and --all",
                                   expected="--policy ID (one measure) or --all (every measure in force)")
    kb = open_kb(args)
    # An out-of-range year is bad input, not a reason to skip every measure.
    year = KnowledgeBase._year(args.as_of)
    ids, skipped = in_force(kb, year) if args.all_policies else ([args.policy], [])
    if args.all_policies:
        elsewhere = [pid for pid in ids if kb.jurisdiction_applies(pid, args.cluster) is False]
        skipped += [f"{pid} (applies in {kb.policy(pid).jurisdiction}, not where the cluster lies)" for pid in elsewhere]
        ids = [pid for pid in ids if pid not in elsewhere]
    verdicts = [kb.check(args.cluster, pid, args.as_of) for pid in ids]
    found = designations(kb)
    for pid, verdict in zip(ids, verdicts):
        verdict.designations = [d.to_json(verdict.as_of) for d in held(found, args.cluster, {pid, verdict.policy})]
    warnings = _validation_warnings(kb, args.cluster, args.format)
    if args.format in render_rdf.FORMATS:
        return Output(render_rdf.render(verdicts, kb, args.format, used=kb_paths(args)))
    if args.format == "json":
        return Output(_with_warnings(render_json.render_screen(verdicts) if args.all_policies
                                     else render_json.render_verdict(verdicts[0]), warnings))
    if not args.all_policies:
        return Output(_full(verdicts[0], found))
    text = _table(kb, args.cluster, year, verdicts, skipped, found)
    if args.explain:
        text += "".join("\n" + _full(v, found) for v in verdicts)
    return Output(text)


def _validation_warnings(kb, cluster: str, fmt: str) -> list[dict]:
    """The violations of the SHACL shapes (kb/shapes.ttl) about `cluster` and its records: the
    verdict reasons over that data. Printed on stderr, except with --format json, whose verdicts
    carry them as a "warnings" list."""
    import dataclasses
    import sys

    violations = kb.validation([cluster]).concerning(cluster)
    if violations and fmt != "json":
        print(f"warning: the data about {cluster} breaks the SHACL shapes of the kb, and the verdict reasons over it "
              f"(`policykb validate --cluster {cluster}`):", file=sys.stderr)
        for violation in violations:
            print(dataclasses.replace(violation.diagnostic, severity="warning").render(), file=sys.stderr)
    return [violation.to_json() for violation in violations]


def _with_warnings(text: str, warnings: list[dict]) -> str:
    """The JSON verdict (or list of verdicts) with a "warnings" list, when there are any."""
    if not warnings:
        return text
    import json

    data = json.loads(text)
    for verdict in data if isinstance(data, list) else [data]:
        verdict["warnings"] = warnings
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def in_force(kb, year: int) -> tuple[list[str], list[str]]:
    """The measures in force in application year `year`, and why each other one is skipped."""
    ids, skipped = [], []
    for pid in kb.policies:
        try:
            version, _ = kb.version(pid, year)
        except PolicyKBError:
            skipped.append(f"{pid} (no version in force in {year}; in force {period(kb.policy(pid), kb.policies)})")
            continue
        if version.id != pid:  # another version of its lineage answers, and is listed itself
            skipped.append(f"{pid} (not in force in {year}; {version.id} is)")
        else:
            ids.append(pid)
    return ids, skipped


def _full(verdict, found) -> str:
    """The verdict as `render_text` writes it, with a line per designation held after the counts."""
    lines = render_text.render_verdict(verdict, style()).split("\n")
    held_lines = [f"  designation: {d.describe(verdict.as_of)}"
                  for d in held(found, verdict.cluster, {verdict.policy})]
    return "\n".join(lines[:3] + held_lines + lines[3:])


def _table(kb, cluster: str, year: int, verdicts, skipped: list[str], found) -> str:
    record = kb.graph.cluster(cluster)
    name = f"{record.name_zh or record.name_en} ({cluster})" if (record.name_zh or record.name_en) else cluster
    statuses = ("met", "unmet", "unknown", "review")
    header = ("policy", "status", *statuses, "designation", "unmet")
    rows = []
    for v in verdicts:
        tally = [str(len(v.by_status(s))) for s in statuses]
        listed = held(found, cluster, {v.policy})
        designation = ", ".join(f"{d.list_year} list" + (f" ({d.standing(year)})" if d.standing(year) else "")
                                for d in listed)
        rows.append((v.policy, v.status, *tally, designation, ", ".join(c.id for c in v.by_status("unmet"))))
    widths = [max(render_text.width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [f"{name}, application year {year}: {len(verdicts)} measures in force", ""]
    for row in [header, *rows]:
        cells = [render_text.pad(c, w) if i < 2 or i >= 6 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))]
        if row is not header:
            cells[1] = style().paint(cells[1], row[1])
        lines.append("  ".join(cells).rstrip())
    notes = list(dict.fromkeys(n for v in verdicts for n in v.notes))
    lines += [""] * bool(skipped or notes) + [f"skipped: {s}" for s in skipped] + [f"note: {n}" for n in notes]
    return "\n".join(lines) + "\n"
