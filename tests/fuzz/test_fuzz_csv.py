"""Fuzzing the CSV import: random and damaged CSV folders either import, or raise a
PolicyKBError naming the file (and the row and column of a row-level problem), and a
failed import leaves the knowledge graph exactly as it was.

Folders are the valid test folder (tests/data/graph/valid) or a random one built from
the vocabulary, then damaged: wrong, extra, missing, duplicated or reordered columns; bad
numbers ("1,000", "NaN", "inf", "1e400", "--5", "", " "); unknown units, titles,
indicators, incident kinds, severities and clusters; duplicate rows; rows with too many
or too few fields; BOMs; other encodings (GBK, UTF-16); CRLF and CR line ends; quotes
and newlines inside fields; huge fields; empty files; a header alone; files of the wrong
name; random bytes. Each folder is imported by `KnowledgeGraph.add_csv_folder` in a
worker process (see grammar_gen.WorkerPool) into the shipped knowledge graph, whose
fingerprint (number of triples and a hash of the sorted triples) must not change when the
import fails. After a successful import the facts are read back (`kg.facts()`), which
must work or raise PolicyKBError.

A damage with a known place (a bad value in one cell, a row with a field too many, a
duplicate row...) must be reported at that file, physical line and column name.

Run with POLICYKB_FUZZ_EXAMPLES=5000 for a longer run (see test_fuzz_policies.py for the
other settings). The summary line reads
  fuzz csv: 200 inputs, 30 imported, 170 rejected, 0 failures (...)
"""

from __future__ import annotations

import codecs
import csv
import io
import random
import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import grammar_gen as gen
from grammar_gen import Outcome, Tally, WorkerPool, examples, scaled

PLAIN_EXAMPLES = examples(200)
CLI_SAMPLE = scaled(3, 200)
CLI_TIMEOUT = max(gen.TIMEOUT, 30.0)
ME = "test_fuzz_csv"
HYPOTHESIS = gen.hypothesis_settings(PLAIN_EXAMPLES)
# `policykb screen` over the shipped kb plus a folder: import, facts, engine, verdicts.
SCREEN = ["screen", "--policy", "miit-2022", "--as-of", "2024", "--data"]
VALID = gen.ROOT / "tests" / "data" / "graph" / "valid"
LAYOUT = {
    "clusters.csv": ("id", "name_zh", "name_en", "province", "county", "leading_industry", "area_km2"),
    "observations.csv": ("cluster", "indicator", "year", "value", "unit", "source"),
    "enterprises.csv": ("id", "name", "cluster", "in_leading_industry", "titles"),
    "incidents.csv": ("cluster", "year", "kind", "severity", "description"),
    "assessments.csv": ("cluster", "policy", "criterion", "result", "assessor", "date"),
}
# Values that are never a number (each must be reported where it stands).
BAD_NUMBERS = ("1,000", "NaN", "nan", "inf", "-inf", "Infinity", "--5", "+-1", "1.2.3", "1e", "e5", ".", "-", "0x10",
               "1/2", "½", "1 000", "5%", "四", "1e4e5", "40亿元", "1_000", "sNaN", "1e+", "0b1", "1e5.5", "∞")
# Values that look odd but may well be numbers; only the contract is checked.
ODD_NUMBERS = ("1e400", "1e-400", "0.0000000000000000000000000000001", "-0", "+5", ".5", "5.", "007", "1E3",
               "１２", "٣", "١٠", "١e5", "９e９", "9" * 400, "9" * 5000, "4e9", "1e308", "1e309", "2.5e-3", "0e0",
               "-1e-400", "1e4299", "1e-4299", "1e4300", "1e5000", "-1e5000", "1e-5000", "1e100000", "0.1e-100000",
               "1e-7000000")


# ============================================================== jobs (run in a worker)
_STATE: dict = {}


def _pristine():
    if "kg" not in _STATE:
        _STATE["kg"], _STATE["fingerprint"] = gen.fresh_graph()
    return _STATE["kg"], _STATE["fingerprint"]


def warm() -> bool:
    _pristine()
    return True


def import_job(folder: str) -> dict:
    """add_csv_folder on the shipped graph; a failure must leave it as it was."""
    from policykb.errors import PolicyKBError

    kg, before = _pristine()
    try:
        with gen.quiet_rdflib():
            added = kg.add_csv_folder(folder)
    except PolicyKBError:
        after = gen.graph_fingerprint(kg)
        if after != before:
            _STATE.clear()
            raise AssertionError(f"the graph changed after a failed import: {before[0]} triples before, "
                                 f"{after[0]} after (hash {before[1][:12]} -> {after[1][:12]})") from None
        raise
    _STATE.clear()  # the graph holds the folder now: the next input starts from a fresh one
    result = {"added": added}
    try:
        with gen.quiet_rdflib():
            result["clusters"] = len(kg.facts().clusters)
    except PolicyKBError as error:  # reading back may refuse conflicting facts, located
        result["facts_error"] = [asdict(d) for d in error.diagnostics]
    return result


# ============================================================== folders
@dataclass
class CsvFile:
    header: list[str]
    rows: list[list[str]]
    encoding: str = "utf-8"
    bom: bool = False
    newline: str = "\n"
    quoting: int = csv.QUOTE_MINIMAL
    raw: bytes | None = None  # replaces the serialized bytes (byte-level damage)

    def serialize(self) -> tuple[bytes, list[int]]:
        """The bytes, and the physical line on which each row starts (header = 1)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator=self.newline, quoting=self.quoting)
        starts = []
        writer.writerow(self.header)
        for row in self.rows:
            starts.append(len(re.findall(r"\r\n|\r|\n", out.getvalue())) + 1)
            writer.writerow(row)
        text = out.getvalue()
        data = text.encode(self.encoding, "surrogatepass" if self.encoding.startswith("utf-8") else "replace")
        if self.bom and self.encoding == "utf-8":
            data = codecs.BOM_UTF8 + data
        return (self.raw if self.raw is not None else data), starts


@dataclass
class Folder:
    files: dict[str, CsvFile] = field(default_factory=dict)
    extra: dict[str, bytes] = field(default_factory=dict)  # files outside the layout
    how: list[str] = field(default_factory=list)
    # Where an error is due: (file name, the row itself, column name or None for the row,
    # "*" for any column). Rows are held by identity, so rows inserted or removed later
    # move the expectation along.
    expect: list[tuple[str, list, str | None]] = field(default_factory=list)
    damaged: dict[int, int] = field(default_factory=dict)  # id(row) -> cells damaged
    copies: dict[int, list] = field(default_factory=dict)  # id(copy) -> the row it duplicates
    # A field longer than the csv module's limit ends the reading of its file: no row after
    # it is checked, so no error is due there. File name -> that row.
    stops: dict[str, list] = field(default_factory=dict)

    def write(self, folder: Path) -> tuple[dict[str, bytes], list[tuple[str, int, str | None]]]:
        """Write the folder; return its files' bytes and the expected (path, line, column)s."""
        folder.mkdir(parents=True)
        written, starts = {}, {}
        for name, f in self.files.items():
            data, starts[name] = f.serialize()
            (folder / name).write_bytes(data)
            written[str(folder / name)] = data
        for name, data in self.extra.items():
            (folder / name).write_bytes(data)
            written[str(folder / name)] = data
        expected = []
        for name, row, column in self.expect:
            f = self.files.get(name)
            if f is None or f.raw is not None or not _utf8(written[str(folder / name)]):
                continue  # a file that is not UTF-8 is refused whole: no row of it is read
            index = next((i for i, r in enumerate(f.rows) if r is row), None)
            stop = self.stops.get(name)
            stop_at = next((i for i, r in enumerate(f.rows) if r is stop), None) if stop is not None else None
            if stop_at is not None and index is not None and index > stop_at:
                continue
            original = self.copies.get(id(row))
            if original is not None and (original != row or not any(o is original for o in f.rows)):
                continue  # no longer a duplicate
            if index is not None and self.damaged.get(id(row), 0) <= 1:
                expected.append((str(folder / name), starts[name][index], column))
        return written, expected


def valid_folder() -> Folder:
    folder = Folder(how=["tests/data/graph/valid"])
    for name in LAYOUT:
        text = (VALID / name).read_text(encoding="utf-8-sig")
        header, *rows = list(csv.reader(io.StringIO(text)))
        folder.files[name] = CsvFile(header, rows, bom=name == "observations.csv")
    return folder


def random_folder(rng: random.Random) -> Folder:
    """A folder built from the vocabulary: valid unless the dice say otherwise."""
    names = gen.names()
    units = names.units
    folder = Folder(how=["random folder"])
    clusters = [f"fz-{rng.randint(0, 10**6)}-{n}" for n in range(rng.randint(1, 6))]
    provinces = ("Jiangsu", "河南", "Zhejiang", "广东省", "", "Henan")
    folder.files["clusters.csv"] = CsvFile(list(LAYOUT["clusters.csv"]), [
        [c, gen.chinese(rng), rng.choice(("SYNTHETIC fuzz", "", "Cluster, Ltd.")), rng.choice(provinces),
         rng.choice(("常熟市", "", "SYNTHETIC 县")), gen.chinese(rng, 1), rng.choice(("", "50", "100", "0.5"))]
        for c in clusters])
    rows, seen = [], set()
    for _ in range(rng.randint(0, 25)):
        cluster, (indicator, (dimension, per_year)) = rng.choice(clusters), rng.choice(list(names.indicators.items()))
        year = str(rng.randint(2019, 2024)) if per_year else ""
        if (cluster, indicator, year) in seen or indicator == "area_km2":
            continue
        seen.add((cluster, indicator, year))
        if dimension == "boolean":
            value, unit = rng.choice(("true", "false", "TRUE")), ""
        else:
            value = rng.choice(("0", "1", "12", "40", "4e9", "100") if dimension in ("count", "persons") else
                               ("0", "1", "12", "40", "250.41", "4e9", "0.3", "100"))
            unit = rng.choice(["", *units.get(dimension, [])])
            if dimension == "percent" and unit == "ratio":
                value = rng.choice(("0", "0.3", "1"))
        rows.append([cluster, indicator, year, value, unit, rng.choice(("SYNTHETIC yearbook", "", gen.chinese(rng)))])
    folder.files["observations.csv"] = CsvFile(list(LAYOUT["observations.csv"]), rows)
    if rng.random() < 0.6:
        folder.files["enterprises.csv"] = CsvFile(list(LAYOUT["enterprises.csv"]), [
            [f"{c}-e{n}", "SYNTHETIC enterprise", c, rng.choice(("true", "false")),
             ";".join(rng.sample(names.titles, rng.randint(0, 2)))]
            for n, c in enumerate(rng.choices(clusters, k=rng.randint(0, 6)))])
    if rng.random() < 0.5:
        folder.files["incidents.csv"] = CsvFile(list(LAYOUT["incidents.csv"]), [
            [rng.choice(clusters), str(rng.randint(2019, 2024)), rng.choice(names.kinds), rng.choice(names.severities),
             gen.chinese(rng)] for _ in range(rng.randint(0, 4))])
    if rng.random() < 0.4:
        folder.files["assessments.csv"] = CsvFile(list(LAYOUT["assessments.csv"]), [
            [c, rng.choice(names.policies), rng.choice(names.criteria), rng.choice(("met", "unmet")), "SYNTHETIC",
             rng.choice(("2024-05-01", "2024", ""))] for c in dict.fromkeys(rng.choices(clusters, k=2))])
    return folder


# ============================================================== damage
def _set(rng, folder: Folder, name: str, column: str, value: str, expect: bool,
         when=lambda row, header: True) -> None:
    """Put `value` in `column` of a random row of `name` (one for which `when` holds)."""
    f = folder.files.get(name)
    candidates = [row for row in f.rows if len(row) == len(f.header) and any(v.strip() for v in row)] \
        if f and column in f.header else []
    candidates = [row for row in candidates if when(row, f.header)]
    if not candidates:
        return
    row = rng.choice(candidates)
    row[f.header.index(column)] = value
    folder.damaged[id(row)] = folder.damaged.get(id(row), 0) + 1
    folder.how.append(f"{name} row {f.rows.index(row) + 1} {column} = {value[:40]!r}")
    if expect:
        folder.expect.append((name, row, column))


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _position(rows: list, row) -> int:
    return next((i for i, r in enumerate(rows) if r is row), len(rows))


def _numeric(row, header) -> bool:
    indicator = row[header.index("indicator")] if "indicator" in header else ""
    return gen.names().indicators.get(indicator, ("boolean",))[0] != "boolean"


def damage(rng: random.Random, folder: Folder) -> None:
    """One random damage; records what it did and where an error must be reported."""
    names = gen.names()
    op = rng.choice((
        "bad_number", "bad_number", "odd_number", "bad_area", "unknown_unit", "unknown_indicator", "unknown_title",
        "unknown_kind", "unknown_severity", "unknown_cluster", "bad_year", "bad_boolean", "bad_result",
        "duplicate_row", "extra_field", "missing_field", "rename_column", "drop_column", "add_column",
        "duplicate_column", "reorder_columns", "empty_file", "header_only", "bom", "encoding", "newlines",
        "embedded", "huge_field", "payload", "nul", "drop_file", "wrong_file_name", "bytes", "blank_rows",
        "strip_spaces", "quote_all"))
    name = rng.choice([n for n in folder.files] or ["observations.csv"])
    f = folder.files.get(name)
    if op == "bad_number":
        _set(rng, folder, "observations.csv", "value", rng.choice(BAD_NUMBERS), True, _numeric)
    elif op == "odd_number":
        _set(rng, folder, rng.choice(("observations.csv", "clusters.csv")), rng.choice(("value", "area_km2")),
             rng.choice(ODD_NUMBERS), False)
    elif op == "bad_area":
        _set(rng, folder, "clusters.csv", "area_km2", rng.choice([b for b in BAD_NUMBERS if b.strip()]), True)
    elif op == "unknown_unit":
        _set(rng, folder, "observations.csv", "unit", rng.choice(("亿圆", "USD", "％", "km", "pct", "100m cny", "元/年")),
             True)
    elif op == "unknown_indicator":
        _set(rng, folder, "observations.csv", "indicator", rng.choice((gen.typo(rng, "total_output"), "产值",
                                                                      gen.PAYLOADS[0], "total output")), True)
    elif op == "unknown_title":
        _set(rng, folder, "enterprises.csv", "titles", rng.choice(("little_gaint", "小巨人", "high_tech;unicorn")),
             True)
    elif op == "unknown_kind":
        _set(rng, folder, "incidents.csv", "kind", rng.choice(("fire", "安全", "Safety ")), True)
    elif op == "unknown_severity":
        _set(rng, folder, "incidents.csv", "severity", rng.choice(("huge", "较大", "")), True)
    elif op == "unknown_cluster":
        _set(rng, folder, rng.choice(("observations.csv", "incidents.csv", "enterprises.csv")), "cluster",
             rng.choice(("no-such-cluster", "t-alpah", "集群", "")), True)
    elif op == "bad_year":
        _set(rng, folder, rng.choice(("observations.csv", "incidents.csv")), "year",
             rng.choice(("20x3", "23", "2023.0", "二〇二三", "-2023", "99999")), True,
             lambda row, header: "indicator" not in header or row[header.index("indicator")] in names.indicators)
    elif op == "bad_boolean":
        _set(rng, folder, "enterprises.csv", "in_leading_industry", rng.choice(("yes", "1", "是", "")), True)
    elif op == "bad_result":
        _set(rng, folder, "assessments.csv", "result", rng.choice(("passed", "MET!", "")), True)
    elif op == "duplicate_row" and f and f.rows:
        i = rng.randrange(len(f.rows))
        copy = list(f.rows[i])
        f.rows.insert(i + 1, copy)
        folder.how.append(f"{name}: row {i + 1} twice")
        if name != "incidents.csv" and any(v.strip() for v in copy):  # a second incident is another incident
            folder.expect.append((name, copy, "*"))
            folder.copies[id(copy)] = f.rows[i]
    elif op in ("extra_field", "missing_field") and f and f.rows:
        row = rng.choice(f.rows)
        if op == "extra_field":
            row.append(rng.choice(("x", "", "1,2")))
        elif len(row) > 1:
            row.pop(rng.randrange(len(row)))
        else:
            return
        folder.how.append(f"{name}: row {f.rows.index(row) + 1} has {len(row)} fields")
        folder.damaged[id(row)] = folder.damaged.get(id(row), 0) + 1
        if any(v.strip() for v in row) and len(row) != len(f.header):
            folder.expect.append((name, row, None))
    elif op == "rename_column" and f:
        j = rng.randrange(len(f.header))
        new = rng.choice((gen.typo(rng, f.header[j]), f.header[j].upper(), f.header[j] + " ", "", "名称", "\ufeff" + f.header[j]))
        folder.how.append(f"{name}: column {f.header[j]!r} renamed {new!r}")
        f.header[j] = new
    elif op == "drop_column" and f:
        j = rng.randrange(len(f.header))
        folder.how.append(f"{name}: column {f.header[j]!r} dropped")
        del f.header[j]
        for row in f.rows:
            if j < len(row):
                del row[j]
    elif op == "add_column" and f:
        f.header.append(rng.choice(("notes", "value", "备注", "")))
        for row in f.rows:
            row.append(gen.chinese(rng, 1))
        folder.how.append(f"{name}: column {f.header[-1]!r} added")
    elif op == "duplicate_column" and f:
        j = rng.randrange(len(f.header))
        f.header.append(f.header[j])
        for row in f.rows:
            row.append(row[j] if j < len(row) else "")
        folder.how.append(f"{name}: column {f.header[j]!r} twice")
    elif op == "reorder_columns" and f:
        order = list(range(len(f.header)))
        rng.shuffle(order)
        f.header = [f.header[k] for k in order]
        f.rows = [[row[k] for k in order if k < len(row)] for row in f.rows]
        folder.how.append(f"{name}: columns reordered")
    elif op == "empty_file" and f:
        f.raw = rng.choice((b"", b"\n", b"\r\n\r\n", codecs.BOM_UTF8, b" ", b","))
        folder.how.append(f"{name}: {f.raw!r}")
    elif op == "header_only" and f:
        f.rows = []
        folder.how.append(f"{name}: header only")
    elif op == "bom" and f:
        f.bom = not f.bom
        if rng.random() < 0.3:
            f.header[0] = "\ufeff" + f.header[0]
        folder.how.append(f"{name}: BOM {f.bom}, header {f.header[0]!r}")
    elif op == "encoding" and f:
        f.encoding = rng.choice(("gbk", "gb18030", "utf-16", "utf-16-le", "utf-32", "latin-1", "big5", "utf-8"))
        folder.how.append(f"{name}: encoded as {f.encoding}")
    elif op == "newlines" and f:
        f.newline = rng.choice(("\r\n", "\r", "\n", "\n\n"))
        folder.how.append(f"{name}: line ends {f.newline!r}")
    elif op == "embedded" and f and f.rows:
        text_columns = [c for c in ("name_zh", "name_en", "source", "description", "name", "assessor", "leading_industry")
                        if c in f.header]
        if text_columns:
            _set(rng, folder, name, rng.choice(text_columns),
                 rng.choice(('say "hi", twice', "two\nlines", "cr\rlf\r\n", '"', '""', "a,b", "'", "\n\n\n")), False)
    elif op == "huge_field" and f and f.rows:
        size = rng.choice((10_001, 131_073, 1_000_000))
        _set(rng, folder, name, rng.choice(f.header), rng.choice(("a", "字", '"')) * size, False)
        touched = [row for row in f.rows if any(len(v) == size for v in row)]
        if size > csv.field_size_limit() and touched:
            previous = folder.stops.get(name)
            first = min(touched + ([previous] if previous is not None else []), key=lambda r: _position(f.rows, r))
            folder.stops[name] = first
    elif op == "payload" and f and f.rows:
        _set(rng, folder, name, rng.choice(f.header), rng.choice(gen.PAYLOADS), False)
    elif op == "nul" and f and f.rows:
        _set(rng, folder, name, rng.choice(f.header), "a\x00b", False)
    elif op == "drop_file" and folder.files:
        del folder.files[name]
        folder.how.append(f"{name} removed")
    elif op == "wrong_file_name":
        new = rng.choice(("Clusters.csv", "observation.csv", "data.csv", "clusters.CSV", "notes.txt", ".csv"))
        folder.extra[new] = b"id\n"
        folder.how.append(f"extra file {new}")
    elif op == "bytes" and f:
        data, _ = f.serialize()
        f.raw = gen.mutate_bytes(rng, data, folder.how)
        folder.how[-1] = f"{name}: {folder.how[-1]}"
    elif op == "blank_rows" and f:
        f.rows.insert(rng.randint(0, len(f.rows)), [""] * len(f.header))
        folder.how.append(f"{name}: a row of empty cells")
    elif op == "quote_all" and f:
        f.quoting = csv.QUOTE_ALL
        folder.how.append(f"{name}: every field quoted")
    elif op == "strip_spaces" and f and f.rows:
        i = rng.randrange(len(f.rows))
        f.rows[i] = [f"  {v} " for v in f.rows[i]]
        folder.how.append(f"{name}: row {i + 1} padded with spaces")


def make_folder(rng: random.Random) -> Folder:
    folder = valid_folder() if rng.random() < 0.5 else random_folder(rng)
    for _ in range(rng.choice((0, 1, 1, 1, 2, 3))):
        damage(rng, folder)
    # An expectation holds only while the header and the rows around it are intact.
    broken = {n for n, f in folder.files.items() if f.raw is not None or f.encoding not in ("utf-8", "latin-1")
              or sorted(h.strip() for h in f.header) != sorted(LAYOUT[n]) or
              any(h.startswith("\ufeff") for h in f.header)}
    if folder.extra:
        broken |= set(folder.files)
    folder.expect = [e for e in folder.expect if e[0] not in broken]
    return folder


# ============================================================== checks
def judge(outcome: Outcome, folder_path: Path, written: dict[str, bytes], expected) -> list[str]:
    problems = []
    if outcome.status == "rejected":
        diagnostics = outcome.value
        if not diagnostics:
            problems.append("PolicyKBError without diagnostics")
        problems += csv_location_problems(diagnostics, folder_path, written)
        for path, line, column in expected:
            if not any(d["file"] == path and d["line"] == line and (column == "*" or d["column"] == column)
                       for d in diagnostics):
                shown = "; ".join(f"{Path(d['file'] or '').name}:{d['line']}:{d['column']}: {d['message'][:80]}"
                                  for d in diagnostics[:6])
                problems.append(f"no diagnostic at {Path(path).name}:{line}:{column} (got: {shown})")
    elif outcome.status == "ok":
        if expected:
            problems.append(f"imported, but an error was due at {[(Path(p).name, l, c) for p, l, c in expected]}")
        problems += csv_location_problems(outcome.value.get("facts_error", []), folder_path, written, strict=False)
    if gen.pwned():
        problems.append(f"a payload ran: {gen.PWNED} exists")
    return problems


def csv_location_problems(diagnostics, folder_path: Path, written: dict[str, bytes], strict: bool = True) -> list[str]:
    """Every diagnostic names a file of the folder (or the folder; with strict=False any
    existing file); lines are physical lines of that file (CR, LF and CRLF each end one);
    columns are column names."""
    problems = []
    for d in diagnostics:
        file, line, column = d.get("file"), d.get("line"), d.get("column")
        shown = f"{file}:{line}:{column}: {d.get('message', '')[:100]!r}"
        if not file:
            problems.append(f"diagnostic names no file: {shown}")
            continue
        if file == str(folder_path):
            if line is not None:
                problems.append(f"a line of a folder: {shown}")
            continue
        if file not in written:
            if strict or not Path(file).is_file():
                problems.append(f"diagnostic names a file not in the folder: {shown}")
            continue
        if line is None:
            if column is not None:
                problems.append(f"column without a line: {shown}")
            continue
        text = gen.decode_for_positions(written[file])
        lines = len(re.split(r"\r\n|\r|\n", text))
        if not isinstance(line, int) or not 1 <= line <= lines:
            problems.append(f"line outside the file ({lines} lines): {shown}")
        if column is not None and not isinstance(column, str):
            problems.append(f"column is not a column name: {shown}")
        name = Path(file).name
        if isinstance(column, str) and line != 1 and column not in LAYOUT.get(name, ()):
            problems.append(f"column {column!r} is not a column of {name}: {shown}")
        if "not valid UTF-8" in d.get("message", ""):
            expected = gen.first_invalid_utf8(written[file])
            if expected and line != expected[0]:
                problems.append(f"invalid UTF-8 reported on line {line}, the first bad byte is on line "
                                f"{expected[0]}: {shown}")
    return problems


# ============================================================== fixtures and tests
@pytest.fixture(scope="module")
def pool():
    workers = WorkerPool(size=gen.WORKERS, warm=(f"{ME}:warm", ()))
    yield workers
    workers.close()
    assert not gen.pwned(), f"a payload ran: {gen.PWNED} exists"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz-csv")


def test_fuzz_csv(pool, workdir):
    """The plain loop: PLAIN_EXAMPLES folders, each from a seed of its own, on all workers;
    then `policykb screen --data FOLDER` on a sample."""
    tally = Tally("csv", accepted_word="imported")
    pending = {}
    located = [0]
    kept: list[tuple[Path, bool]] = []

    def jobs():
        for n in range(PLAIN_EXAMPLES):
            folder = make_folder(random.Random(f"csv:{n}"))
            path = workdir / f"in-{n}"
            written, expected = folder.write(path)
            bug = gen.left_out("csv", written)
            if bug:
                tally.leave_out(bug)
                shutil.rmtree(path)
                continue
            located[0] += bool(expected)
            pending[n] = (path, folder, written, expected)
            yield n, f"{ME}:import_job", (str(path),)

    for n, outcome in pool.map(jobs()):
        path, folder, written, expected = pending.pop(n)
        problems = judge(outcome, path, written, expected)
        what = f"seed 'csv:{n}' ({'; '.join(folder.how)[:300]})"
        if problems or outcome.failed:
            what += f"; folder kept at {gen.keep_failure(f'csv-{n}', folder=path)}"
        tally.add(outcome, problems, what)
        if len(kept) < 100 and outcome.status in ("ok", "rejected"):
            kept.append((path, outcome.status == "ok"))
        else:
            shutil.rmtree(path, ignore_errors=True)

    rng = random.Random("csv:cli")
    imported = [p for p, ok in kept if ok]
    sample = rng.sample(imported, min(len(imported), (CLI_SAMPLE + 1) // 2))
    sample += rng.sample([p for p, ok in kept if not ok], min(len(kept) - len(imported), CLI_SAMPLE - len(sample)))
    statuses = [0, 0]
    for path in sample:
        outcome = pool.run("grammar_gen:cli_job", [*SCREEN, str(path)], timeout=CLI_TIMEOUT)
        problems = gen.cli_problems(outcome)
        if outcome.status == "ok":
            statuses[outcome.value[0] != 0] += 1
        if problems or outcome.failed:
            tally.failures.append(f"policykb screen --data {gen.keep_failure(f'cli-{path.name}', folder=path)}"
                                  + "".join("\n    " + p for p in [outcome.describe()] * outcome.failed + problems))
    report = tally.report()
    gen.publish(f"fuzz csv: {located[0]} inputs had a damage with a known place; policykb screen --data on "
          f"{sum(statuses)} folders ({statuses[0]} exit 0, {statuses[1]} exit 1)")
    assert not tally.failures, report


def test_fuzz_csv_hypothesis(pool, workdir):
    """The same property under hypothesis (derandomized; deadline 2 s per input)."""
    tally = Tally("csv (hypothesis)", accepted_word="imported")
    counter = iter(range(10**9))

    @HYPOTHESIS
    @given(rng=st.randoms(use_true_random=False))
    def one(rng):
        folder = make_folder(rng)
        path = workdir / f"h-{next(counter)}"
        written, expected = folder.write(path)
        bug = gen.left_out("csv", written)
        if bug:
            tally.leave_out(bug)
            shutil.rmtree(path)
        assume(bug is None)
        outcome = pool.run(f"{ME}:import_job", str(path))
        problems = judge(outcome, path, written, expected)
        tally.add(outcome, problems, "; ".join(folder.how)[:300])
        if problems or outcome.failed:
            kept = gen.keep_failure(f"csv-{path.name}", folder=path)
            raise AssertionError(f"{outcome.describe()} {problems}; folder kept at {kept}")
        shutil.rmtree(path, ignore_errors=True)

    try:
        one()
    finally:
        gen.publish(tally.summary())
