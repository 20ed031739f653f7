"""Regressions for bugs the fuzzers found (tests/fuzz, grammar_gen.LEFT_OUT):

- policy-utf8-position: invalid UTF-8 is reported at the line and *character* column of
  its first bad byte, also after a BOM and after non-ASCII text;
- policy-long-string: a string of megabytes that is not closed, or not expected, is
  rejected at once (it took ~6.5 us per character: 30 s for 1.9 MB) with a short message;
- policy-test-wide-condition: a condition joins at most MAX_CONDITION_PARTS conditions
  (a 1,001-way `or` made `policykb test` take six minutes), and the engine adds a rule in
  time linear in its body (it was quadratic in pyDatalog).
"""

from __future__ import annotations

import codecs
import time
from fractions import Fraction

import pytest

from helpers import HEADER, Facts, criterion, policy, statuses
from policykb.datalog.program import Atom, Compare, Not, Program, Var
from policykb.engine.pydatalog_engine import DatalogEngine
from policykb.errors import PolicyKBError
from policykb.language.parser import parse_file, parse_text
from policykb.limits import MAX_CONDITION_PARTS, MAX_POLICY_BYTES

BOM = codecs.BOM_UTF8
HEADER_LINES = HEADER.count("\n")
FLAG = "pillar_industry"


def refusal(text: str, file: str = "bad.policy") -> str:
    with pytest.raises(PolicyKBError) as caught:
        parse_text(text, file)
    return caught.value.render()


def refusal_of_file(path, data: bytes) -> str:
    path.write_bytes(data)
    with pytest.raises(PolicyKBError) as caught:
        parse_file(path)
    return caught.value.render()


# A bound that tells a hang from an answer, as the fuzzers' watchdog does (their default
# POLICYKB_FUZZ_TIMEOUT): the inputs below took 30 s to hours before their fixes and a
# fraction of a second after. Not a performance target: those live in bench/.
HANG_SECONDS = 10.0


def timed(work) -> tuple[object, float]:
    """`work()` and the CPU seconds it took (all threads of this process: the engine has
    its own), which other processes on a busy machine do not inflate."""
    started = time.process_time()
    result = work()
    return result, time.process_time() - started


# ------------------------------------------------------------------ policy-utf8-position
class TestInvalidUtf8Position:
    def test_after_chinese_text_the_column_counts_characters_not_bytes(self, tmp_path):
        data = HEADER.encode() + '# 集群规模\n  # 说明 '.encode() + b"\xff\n"
        message = refusal_of_file(tmp_path / "p.policy", data)
        # "  # 说明 " is 7 characters (11 bytes): the bad byte is character 8.
        assert message == (f"{tmp_path / 'p.policy'}:{HEADER_LINES + 2}:8: error: the file is not valid UTF-8. "
                           "Save it as UTF-8.")

    def test_after_a_bom_the_column_does_not_count_the_bom(self, tmp_path):
        message = refusal_of_file(tmp_path / "p.policy", BOM + "# 集".encode() + b"\xff\n")
        assert message.startswith(f"{tmp_path / 'p.policy'}:1:4: error: the file is not valid UTF-8.")

    def test_after_a_bom_a_bad_byte_at_a_line_start_is_on_its_own_line(self, tmp_path):
        # Counted 3 bytes short, this bad byte was reported on the line above.
        message = refusal_of_file(tmp_path / "p.policy", BOM + b"#\n#\n\xff\n")
        assert message.startswith(f"{tmp_path / 'p.policy'}:3:1: error:")

    def test_a_truncated_character_is_reported_where_it_starts(self, tmp_path):
        data = HEADER.encode() + "# 集".encode() + "群".encode()[:2]
        message = refusal_of_file(tmp_path / "p.policy", data)
        assert message.startswith(f"{tmp_path / 'p.policy'}:{HEADER_LINES + 1}:4: error:")

    def test_a_bom_alone_is_read_as_an_empty_file(self, tmp_path):
        message = refusal_of_file(tmp_path / "p.policy", BOM)
        assert "not valid UTF-8" not in message and "ends too early" in message


# ------------------------------------------------------------------ policy-long-string
LONG = 1_900_000  # characters: a line just under the 2 MB a policy file may hold


@pytest.fixture(scope="module", autouse=True)
def warm_parser():
    """Build the Lark parser before anything is timed."""
    parse_text(HEADER, "warm.policy")


class TestLongStrings:
    @pytest.mark.parametrize("content", ["x", "字", '\\"', "\\\\a"], ids=["ascii", "chinese", "escaped-quotes",
                                                                         "escapes"])
    def test_an_unclosed_string_of_megabytes_is_rejected_at_once(self, content):
        text = HEADER + 'clause "' + content * (LONG // len(content.encode("utf-8")))
        assert len(text.encode("utf-8")) <= MAX_POLICY_BYTES  # a file policykb would read
        message, seconds = timed(lambda: refusal(text))
        assert message == (f"bad.policy:{HEADER_LINES + 1}:8: error: unexpected character '\"'. "
                           'Expected a quoted text "...".')
        assert seconds < HANG_SECONDS

    def test_an_unclosed_string_in_a_condition_is_rejected_at_once(self):
        text = HEADER + criterion(f'{FLAG} and "' + "x" * LONG)
        message, seconds = timed(lambda: refusal(text))
        assert message.startswith(f"bad.policy:{HEADER_LINES + 4}:31: error: unexpected character '\"'.")
        assert seconds < HANG_SECONDS

    def test_an_unexpected_string_of_megabytes_is_rejected_at_once_and_quoted_short(self):
        text = HEADER + criterion('"' + "x" * LONG + '"')
        message, seconds = timed(lambda: refusal(text))
        assert message.startswith(f"bad.policy:{HEADER_LINES + 4}:11: error: unexpected '\"{'x' * 59}...' "
                                  f"({LONG + 2:,} characters). Expected one of ")
        assert len(message) < 400
        assert seconds < HANG_SECONDS

    def test_an_unclosed_triple_quoted_string_of_megabytes_is_rejected_at_once(self):
        text = HEADER + 'clause """' + "x\n" * (LONG // 2)
        message, seconds = timed(lambda: refusal(text))
        assert "error: unexpected character '\"'" in message
        assert seconds < HANG_SECONDS

    def test_an_unexpected_string_of_normal_length_is_quoted_whole(self):
        token = '"' + "y" * 58 + '"'  # 60 characters: still quoted whole
        message = refusal(HEADER + token)
        assert f"error: unexpected '{token}'. Expected one of " in message and "characters)" not in message

    def test_strings_still_read_escapes_and_several_lines(self):
        parsed = parse_text(HEADER.replace('document "test"', 'document "say \\"hi\\" \\\\ done\\\\"') +
                            'clause """first line\n"quoted" second line"""\n', "ok.policy")
        assert parsed.document == 'say "hi" \\ done\\'
        assert parsed.clauses[0].citation == 'first line\n"quoted" second line'

    def test_an_escaped_quote_does_not_close_a_string(self):
        message = refusal(HEADER + 'clause "not closed \\"\n')
        assert message.startswith(f"bad.policy:{HEADER_LINES + 1}:8: error: unexpected character '\"'.")


# ------------------------------------------------------------------ policy-test-wide-condition
def joined(word: str, count: int) -> str:
    return f" {word} ".join([FLAG] * count)


class TestWideConditions:
    @pytest.mark.parametrize("word", ["or", "and"])
    def test_a_condition_joining_more_than_the_limit_is_a_located_error(self, word):
        message, seconds = timed(lambda: refusal(HEADER + criterion(joined(word, 5_000))))
        assert message == (
            f"bad.policy:{HEADER_LINES + 4}:11: error: this condition joins 5,000 conditions with 'and' / 'or'. "
            f"Expected at most {MAX_CONDITION_PARTS} in one condition. A measure's condition joins a handful: "
            "split a long 'and' into several criteria, and record a long list of alternatives as one yes/no "
            "indicator in the data.")
        assert seconds < HANG_SECONDS

    def test_parts_of_nested_conditions_count_together(self):
        half = MAX_CONDITION_PARTS // 2
        condition = f"({joined('or', half)}) and (not {joined('and', half + 1)})"
        message = refusal(HEADER + criterion(condition))
        assert f"joins {MAX_CONDITION_PARTS + 1} conditions" in message

    def test_an_override_is_limited_too(self):
        text = HEADER.replace("policy test-policy {", "policy test-policy extends base {") + \
            f"override criterion c {{\n  require {joined('or', MAX_CONDITION_PARTS + 1)}\n}}\n"
        assert f"{HEADER_LINES + 2}:11: error: this condition joins" in refusal(text)

    def test_a_condition_at_the_limit_is_evaluated(self):
        facts = Facts("yes", "no").obs("yes", FLAG, True).obs("no", FLAG, False)
        condition = joined("or", MAX_CONDITION_PARTS)
        assert statuses(condition, facts) == {"yes": "met", "no": "unmet"}
        policy(criterion(joined("and", MAX_CONDITION_PARTS)))  # parses and checks

    def test_the_engine_adds_a_rule_in_time_linear_in_its_body(self):
        # pyDatalog's `&` / `<=` rebuild the body per literal: 3,000 literals took 20 s;
        # built once, they take 0.4 s.
        c, v = Var("C"), Var("V")
        wide = Program()
        body = [Atom("cluster", (c,)), Atom("obs", (c, "x", None, v)), Compare(v, ">=", 5)]
        wide.add(Atom("wide", (c,)), *body, *[Atom("cluster", (c,))] * 3_000, Not(Atom("flagged", (c,))))
        wide.add(Atom("flagged", (c,)), Atom("obs", (c, "flag", None, True)))
        engine = DatalogEngine()
        engine.assert_facts([("cluster", "a"), ("cluster", "b"), ("cluster", "c"),
                             ("obs", "a", "x", None, Fraction(7)), ("obs", "b", "x", None, Fraction(3)),
                             ("obs", "c", "x", None, Fraction(9)), ("obs", "c", "flag", None, True)])
        _, seconds = timed(lambda: engine.load_program(wide))
        try:
            assert engine.clusters_in("wide") == {"a"}
        finally:
            engine.close()
        assert seconds < HANG_SECONDS
