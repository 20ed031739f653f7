"""Located errors: syntax errors with what was expected, checker errors with suggestions."""

import pytest

from helpers import HEADER, criterion, policy
from policykb.errors import PolicyKBError
from policykb.language.parser import parse_file, parse_text


def error_of(text: str) -> str:
    with pytest.raises(PolicyKBError) as caught:
        policy(text) if text.startswith("criterion") else parse_text(text, "bad.policy")
    return caught.value.render()


def check_error(require: str, kind: str = "hard") -> str:
    return error_of(criterion(require, kind))


HEADER_LINES = HEADER.count("\n")


class TestSyntax:
    def test_missing_threshold_names_what_was_expected(self):
        message = error_of(HEADER + "criterion c { require total_output >= in the latest year }")
        assert message.startswith(f"bad.policy:{HEADER_LINES + 1}:")
        assert "unexpected 'in'" in message and "a number" in message

    def test_unclosed_block(self):
        message = error_of(HEADER + "criterion c {\n  kind hard\n")
        assert "ends too early" in message and "'}'" in message

    def test_full_width_operator_gets_a_hint(self):
        message = error_of(HEADER + "criterion c { require area_km2 ≤ 100 km2 }")
        assert "Write <= instead" in message

    def test_unknown_field(self):
        message = error_of(HEADER + "criterion c { threshold 5 }")
        assert "unexpected 'threshold'" in message and "'require'" in message

    def test_unknown_kind(self):
        assert "hard, soft or qualitative" in error_of(HEADER + "criterion c { kind mandatory }")

    def test_bad_date(self):
        message = error_of(HEADER.replace("2023-01-01", "2023-02-30"))
        assert "'2023-02-30' is not a calendar date" in message and ":5:" in message

    def test_duplicate_field(self):
        message = error_of(HEADER + "criterion c { require pillar_industry require key_chain }")
        assert "'require' is given twice" in message


class TestChecker:
    def test_unknown_indicator_with_suggestion(self):
        message = check_error("total_outptu >= 40亿元 in the latest year")
        assert "unknown indicator 'total_outptu'" in message and "Did you mean 'total_output'" in message
        assert message.startswith("test.policy:10:")

    def test_unit_mismatch_money_vs_percent(self):
        message = check_error("total_output >= 70% in the latest year")
        assert "unit mismatch" in message and "money" in message

    def test_share_needs_percent(self):
        assert "unit mismatch" in check_error("share of sme_output in total_output >= 40亿元 in the latest year")

    def test_money_needs_a_unit(self):
        assert "has no unit" in check_error("total_output >= 40 in the latest year")

    def test_unknown_unit(self):
        assert "unknown unit 'dollars'" in check_error("total_output >= 40 dollars in the latest year")

    def test_per_year_indicator_needs_a_window(self):
        assert "which years" in check_error("total_output >= 40亿元")

    def test_static_indicator_takes_no_window(self):
        assert "takes no time window" in check_error("area_km2 <= 100 km2 in the latest year")

    def test_boolean_compared_with_number(self):
        assert "yes/no indicator" in check_error("pillar_industry >= 1")

    def test_number_used_as_flag(self):
        assert "cannot stand alone" in check_error("standards")

    def test_unknown_title_and_incident_kind(self):
        assert "Did you mean 'little_giant'" in check_error("number of enterprises titled litle_giant >= 1")
        message = check_error("no incident in the last 3 years { saftey: serious or worse }")
        assert "unknown incident kind 'saftey'" in message and "'safety'" in message
        assert "unknown severity 'grave'" in check_error("no incident in the last 3 years { tax: grave or worse }")

    def test_count_must_be_a_minimum(self):
        assert "is a minimum" in check_error("number of enterprises titled high_tech <= 3")

    def test_growth_window(self):
        assert "at least 2 years" in check_error("average annual growth of total_output over the last 1 years > 10%")

    def test_duplicate_criterion_id(self):
        message = error_of(criterion("pillar_industry") + criterion("key_chain"))
        assert "duplicate criterion id 'c'" in message

    def test_hard_without_condition_and_qualitative_with_one(self):
        assert "has no 'require'" in error_of(criterion(""))
        assert "qualitative criterion 'c' has a 'require'" in check_error("pillar_industry", kind="qualitative")

    def test_every_error_is_reported_at_once(self):
        with pytest.raises(PolicyKBError) as caught:
            policy(criterion("total_outptu >= 1亿元 in the latest year", cid="a") + criterion("standars >= 1", cid="b"))
        assert len(caught.value.diagnostics) == 2


def test_invalid_utf8_is_located(tmp_path):
    path = tmp_path / "broken.policy"
    path.write_bytes(HEADER.encode() + b"criterion c {\n  text \"\xff\xfe\"\n}")
    with pytest.raises(PolicyKBError) as caught:
        parse_file(path)
    assert f"broken.policy:{HEADER_LINES + 2}:9: error: the file is not valid UTF-8" in caught.value.render()


def test_missing_file():
    with pytest.raises(PolicyKBError, match="cannot read the policy file"):
        parse_file("/nonexistent/x.policy")
