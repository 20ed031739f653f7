"""Limits on input (policykb/limits.py): past each one a located PolicyKBError, never a
RecursionError, a hang or a crash; at each one, input still works."""

from __future__ import annotations

import time
from fractions import Fraction
from decimal import Decimal
from pathlib import Path

import pytest

from helpers import HEADER, criterion, policy as checked_policy
from policykb import limits
from policykb.cli import main
from policykb.errors import PolicyKBError
from policykb.graph import csv_rows, turtle
from policykb.graph.store import KnowledgeGraph
from policykb.graph.values import parse_number
from policykb.limits import number_in_range
from policykb.language.parser import parse_file, parse_text

DATA = Path(__file__).resolve().parents[1] / "cli" / "data"
N = limits.MAX_NESTING
FLAG = "pillar_industry"
COMPARISON = "total_output >= 1亿元 in the latest year"


def refused(text: str) -> str:
    with pytest.raises(PolicyKBError) as excinfo:
        parse_text(text, "deep.policy")
    return str(excinfo.value)


# ------------------------------------------------------------------ nesting
@pytest.mark.parametrize("depth", [10_000, 1_000, N + 1])
def test_nested_parentheses_past_the_limit_are_a_located_error(depth):
    text = HEADER + criterion("(" * depth + FLAG + ")" * depth)
    line = text.count("\n", 0, text.index("(")) + 1
    column = text.index("(") - text.rfind("\n", 0, text.index("(")) + N  # the (N+1)th parenthesis
    started = time.monotonic()
    message = refused(text)
    assert message.startswith(f"deep.policy:{line}:{column}: error: parentheses are nested more than {N} deep.")
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("depth", [10_000, N + 1])
def test_not_repeated_past_the_limit_is_a_located_error(depth):
    message = refused(HEADER + criterion("not " * depth + FLAG))
    assert f"error: more than {N} 'not' in a row" in message and message.startswith("deep.policy:10:")


def test_conditions_nested_past_the_limit_without_many_parentheses_or_nots_are_a_located_error():
    # Three levels (or, and, not) per parenthesis: 22 parentheses, 66 conditions deep.
    level = f"({COMPARISON} or {COMPARISON} and not "
    text = HEADER + criterion(level * 22 + FLAG + ")" * 22)
    message = refused(text)
    assert f"error: conditions (not, and, or) are nested more than {N} deep" in message
    assert message.startswith("deep.policy:10:")


def test_10000_alternating_levels_are_refused_before_anything_recurses():
    text = HEADER + criterion(f"(not ({COMPARISON} and " * 10_000 + FLAG + "))" * 10_000)
    assert "nested more than" in refused(text)


def test_parentheses_in_strings_and_comments_do_not_count():
    text = HEADER.replace('document "test"', 'document "' + "(" * 500 + '"') + "# " + "(" * 500 + "\n" + \
        criterion(FLAG).replace('article "1"', 'article """' + "(" * 500 + '"""')
    assert parse_text(text, "t.policy").criteria[0].id == "c"


@pytest.mark.parametrize("condition", [
    "(" * N + FLAG + ")" * N,
    "not " * N + FLAG,
    f"({COMPARISON} and " * (N - 1) + FLAG + ")" * (N - 1),
    f"({COMPARISON} or not " * (N // 2) + FLAG + ")" * (N // 2),
], ids=["parentheses", "not", "and", "or-not"])
def test_conditions_at_the_limit_work_end_to_end(tmp_path, capsys, condition):
    checked_policy(criterion(condition))  # parses and checks
    file = tmp_path / "deep.policy"
    file.write_text(HEADER + criterion(condition), encoding="utf-8")
    for argv in (["lint", str(file)],
                 ["check", "syn-good", "--policy", "test-policy", "--as-of", "2024", "--format", "json"],
                 ["gap", "syn-bad", "--policy", "test-policy", "--as-of", "2024"],
                 ["program", "--policy", "test-policy"]):
        common = [] if argv[0] == "lint" else ["--policies", str(file), "--data", str(DATA)]
        assert main(argv + common) == 0, capsys.readouterr().err
        assert "Traceback" not in capsys.readouterr().err


def _definitions(count: int) -> str:
    chain = "".join(f"define d{i} = d{i + 1}\n" for i in range(count - 1))
    return chain + f"define d{count - 1} = total_output\n" + criterion("d0 >= 1亿元 in the latest year")


def test_a_chain_of_definitions_at_the_limit_works():
    checked_policy(_definitions(N))


@pytest.mark.parametrize("count", [N + 1, 5_000])
def test_a_chain_of_definitions_past_the_limit_is_a_located_error(count):
    started = time.monotonic()
    with pytest.raises(PolicyKBError) as excinfo:
        checked_policy(_definitions(count))
    assert f"definitions refer to definitions more than {N} deep: d0 -> d1 -> d2 -> ... -> d{N}" in str(excinfo.value)
    assert f"test.policy:{10 + count}:" in str(excinfo.value)  # where d0 is used
    assert time.monotonic() - started < 20


# ------------------------------------------------------------------ policy files
def test_a_10_mb_policy_file_is_refused_at_once(tmp_path, capsys):
    file = tmp_path / "huge.policy"
    filler = "# " + "x" * 98 + "\n"
    file.write_text(HEADER + filler * 100_000 + criterion(FLAG), encoding="utf-8")
    assert file.stat().st_size > 10_000_000
    started = time.monotonic()
    assert main(["lint", str(file)]) == 1
    out = capsys.readouterr().out
    assert f"{file}: error: the file is larger than 2,000,000 bytes, the most a policy file may hold." in out
    assert time.monotonic() - started < 5
    assert main(["policies", "--policies", str(file)]) == 1
    assert "larger than 2,000,000 bytes" in capsys.readouterr().err


def test_a_policy_file_at_the_size_limit_is_read(tmp_path):
    text = HEADER + criterion(FLAG)
    text += "#" * (limits.MAX_POLICY_BYTES - len(text.encode("utf-8")))
    file = tmp_path / "big.policy"
    file.write_text(text, encoding="utf-8")
    assert file.stat().st_size == limits.MAX_POLICY_BYTES
    assert parse_file(file).id == "test-policy"
    file.write_text(text + "#", encoding="utf-8")
    with pytest.raises(PolicyKBError, match="larger than 2,000,000 bytes"):
        parse_file(file)


def test_a_10_mb_nested_policy_text_is_refused_quickly():
    text = HEADER + criterion("(" * 5_000_000 + FLAG + ")" * 5_000_000)
    started = time.monotonic()
    assert "parentheses are nested" in refused(text)
    assert time.monotonic() - started < 5


# ------------------------------------------------------------------ CSV
CLUSTERS_HEADER = "id,name_zh,name_en,province,county,leading_industry,area_km2\n"


def _import(tmp_path: Path, files: dict[str, str | bytes]) -> str | None:
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    try:
        KnowledgeGraph.open().add_csv_folder(folder)
    except PolicyKBError as error:
        return str(error)
    return None


def test_a_csv_field_at_the_limit_is_read_and_one_past_it_is_a_located_error(tmp_path):
    at = "名" * limits.MAX_CSV_FIELD_CHARS
    assert _import(tmp_path, {"clusters.csv": CLUSTERS_HEADER + f"syn-a,{at},A,Henan,某县,x,1\n"}) is None
    message = _import(tmp_path, {"clusters.csv": CLUSTERS_HEADER + f"syn-a,{at}名,A,Henan,某县,x,1\n"})
    assert message == (f"{tmp_path}/data/clusters.csv:2:name_zh: error: a field is longer than 10,000 characters, "
                       "the most a CSV field may hold. Is a quote (\") left open? A quoted field runs on until the "
                       "next quote.")


def test_a_quote_left_open_runs_into_the_csv_modules_own_limit_with_the_same_message(tmp_path):
    rows = "".join(f"syn-{i},名,A,Henan,某县,x,1\n" for i in range(20_000))
    message = _import(tmp_path, {"clusters.csv": CLUSTERS_HEADER + 'syn-a,"open quote,A,Henan,某县,x,1\n' + rows})
    assert message is not None and "clusters.csv:" in message
    assert "a field is longer than 10,000 characters" in message


def test_a_csv_file_past_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    content = CLUSTERS_HEADER + "syn-a,名,A,Henan,某县,x,1\n"
    monkeypatch.setattr(csv_rows, "MAX_CSV_BYTES", len(content.encode("utf-8")))
    assert _import(tmp_path, {"clusters.csv": content}) is None
    message = _import(tmp_path, {"clusters.csv": content + "\n"})
    assert message == (f"{tmp_path}/data/clusters.csv: error: the file is larger than {len(content.encode()):,} "
                       "bytes, the most a CSV file may hold. Split the data into several folders.")
    assert limits.MAX_CSV_BYTES == 256 * 1024 * 1024


@pytest.mark.parametrize("value", ["1e999999999", "1e-999999999", "1" + "0" * 101, "0." + "0" * 100 + "1"])
def test_a_number_with_too_many_digits_is_refused_at_once(tmp_path, value):
    started = time.monotonic()
    message = _import(tmp_path, {"clusters.csv": CLUSTERS_HEADER + "syn-a,名,A,Henan,某县,x,1\n",
                                 "observations.csv": "cluster,indicator,year,value,unit,source\n"
                                                     f"syn-a,total_output,2023,{value},CNY,test\n"})
    assert message is not None and "observations.csv:2:value: error:" in message
    assert "has too many digits. Expected at most 100 digits before the decimal point and after it." in message
    assert time.monotonic() - started < 5


def test_numbers_within_the_digit_limit_are_exact():
    assert parse_number("1" + "0" * 99) == 10 ** 99
    assert parse_number("0." + "0" * 99 + "1") == Fraction(1, 10 ** 100)
    assert parse_number("1e99") == 10 ** 99 and parse_number("1e100") is None
    assert parse_number("0e999999999") == 0
    assert not number_in_range(Decimal("NaN")) and not number_in_range(Decimal("Infinity"))


# ------------------------------------------------------------------ Turtle
def test_a_turtle_file_past_the_size_limit_is_refused(tmp_path, monkeypatch):
    file = tmp_path / "extra.ttl"
    file.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "c" .\n', encoding="utf-8")
    monkeypatch.setattr(turtle, "MAX_TURTLE_BYTES", file.stat().st_size)
    assert len(turtle.load_turtle(file)) == 1
    with file.open("a", encoding="utf-8") as out:
        out.write("\n")
    with pytest.raises(PolicyKBError) as excinfo:
        turtle.load_turtle(file)
    assert str(excinfo.value) == (f"{file}: error: the file is larger than {file.stat().st_size - 1:,} bytes, "
                                  "the most a Turtle file may hold.")
    assert limits.MAX_TURTLE_BYTES == 1024 ** 3


def test_read_at_most_never_reads_more_than_it_needs(tmp_path):
    assert limits.read_at_most("/dev/zero", 1000) is None  # endless: read 1,001 bytes, then stop
    (tmp_path / "f").write_bytes(b"abc")
    assert limits.read_at_most(tmp_path / "f", 3) == b"abc"
    assert limits.read_at_most(tmp_path / "f", 2) is None
