"""The spreadsheet layout of data-dictionary.md, and reading it into located rows.

Every row keeps its file and physical line (header = 1), and every problem is a Diagnostic
naming the file, the line and the column *name*. Rows are read streaming: a folder of
100,000 clusters must not be held twice in memory.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from policykb.errors import Diagnostic
from policykb.limits import MAX_CSV_BYTES, MAX_CSV_FIELD_CHARS

from policykb.suggest import did_you_mean

# File name -> its columns, in the documented order. The order in a file may differ; the
# set of columns may not.
LAYOUT: dict[str, tuple[str, ...]] = {
    "clusters.csv": ("id", "name_zh", "name_en", "province", "county", "leading_industry", "area_km2"),
    "observations.csv": ("cluster", "indicator", "year", "value", "unit", "source"),
    "enterprises.csv": ("id", "name", "cluster", "in_leading_industry", "titles"),
    "incidents.csv": ("cluster", "year", "kind", "severity", "description"),
    "assessments.csv": ("cluster", "policy", "criterion", "result", "assessor", "date"),
}


@dataclass(frozen=True)
class Row:
    file: str
    line: int
    fields: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.fields[column]

    @property
    def record(self) -> str:
        """Where the row came from, as stored in the graph: 'path/observations.csv:12'."""
        return f"{self.file}:{self.line}"

    def error(self, column: str | None, message: str, expected: str | None = None,
              hint: str | None = None) -> Diagnostic:
        return Diagnostic(message, file=self.file, line=self.line, column=column, expected=expected, hint=hint)


def read_rows(path: Path, problems: list[Diagnostic]) -> Iterator[Row]:
    """Rows of the layout file `path`; header and encoding problems go to `problems`.

    After a header problem no row is produced: without the right columns no row can be
    read safely.
    """
    columns = LAYOUT[path.name]
    name = str(path)
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            problems.append(Diagnostic(f"the file is larger than {MAX_CSV_BYTES:,} bytes, the most a CSV file may "
                                       "hold", file=name, hint="split the data into several folders"))
            return
        with path.open(encoding="utf-8-sig", newline="") as handle:  # -sig strips a BOM
            reader = csv.reader(handle)
            header = next(reader, None)
            if not _header_ok(name, header, columns, problems):
                return
            header = [h.strip() for h in header]
            previous_end = reader.line_num
            for values in reader:
                line, previous_end = previous_end + 1, reader.line_num
                values = [v.strip() for v in values]
                if not any(values):
                    continue  # blank lines and rows of empty cells (spreadsheet exports) are no rows
                long = next((i for i, v in enumerate(values) if len(v) > MAX_CSV_FIELD_CHARS), None)
                if long is not None:
                    problems.append(_too_long(name, line, header[long] if long < len(header) else None))
                    continue
                if len(values) != len(header):
                    problems.append(Diagnostic(
                        f"row has {len(values)} fields, the header has {len(header)}", file=name, line=line,
                        expected=", ".join(header), hint="quote a field that contains a comma"))
                    continue
                yield Row(name, line, dict(zip(header, values)))
    except UnicodeDecodeError:
        problems.append(_encoding_problem(path))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # the csv module's own limit (131,072)
            problems.append(_too_long(name, reader.line_num, None))
        else:
            problems.append(Diagnostic(f"malformed CSV: {exc}", file=name, line=reader.line_num))
    except OSError as exc:
        problems.append(Diagnostic(f"cannot read file: {exc.strerror or exc}", file=name))


def _too_long(name: str, line: int, column: str | None) -> Diagnostic:
    return Diagnostic(f"a field is longer than {MAX_CSV_FIELD_CHARS:,} characters, the most a CSV field may hold",
                      file=name, line=line, column=column,
                      hint="is a quote (\") left open? A quoted field runs on until the next quote")


def _header_ok(name: str, header: list[str] | None, columns: tuple[str, ...],
               problems: list[Diagnostic]) -> bool:
    expected = ",".join(columns)
    if header is None or not any(h.strip() for h in header):
        problems.append(Diagnostic("the header row is missing", file=name, line=1, expected=expected))
        return False
    found = [h.strip() for h in header]
    ok = True
    seen: set[str] = set()
    for h in found:
        if h in seen:
            problems.append(Diagnostic(f"column '{h}' appears twice in the header", file=name, line=1, column=h,
                                       expected=expected))
            ok = False
        seen.add(h)
        if h not in columns:
            missing = [c for c in columns if c not in found]
            problems.append(Diagnostic(f"unknown column '{h}'", file=name, line=1, column=h, expected=expected,
                                       hint=did_you_mean(h, missing or columns)))
            ok = False
    for c in columns:
        if c not in seen:
            problems.append(Diagnostic(f"column '{c}' is missing from the header", file=name, line=1, column=c,
                                       expected=expected))
            ok = False
    return ok


def _encoding_problem(path: Path) -> Diagnostic:
    data = path.read_bytes()
    try:
        data.decode("utf-8")  # a BOM is valid UTF-8, so offsets stay file offsets
        offset = 0
    except UnicodeDecodeError as exc:
        offset = exc.start
    return Diagnostic("file is not valid UTF-8", file=str(path), line=data.count(b"\n", 0, offset) + 1,
                      expected="UTF-8 text", hint="save the spreadsheet as 'CSV UTF-8'")
