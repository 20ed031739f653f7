"""Each lint check finds what it is for, and nothing on a clean policy."""

from helpers import HEADER, criterion, policy, vocabulary
from policykb.language.parser import parse_text
from policykb.lint import lint_policy


def findings(text: str, others: dict | None = None) -> list[str]:
    checked = policy(text)
    report = lint_policy(checked, {**(others or {}), checked.id: checked}, vocabulary())
    return [d.render() for d in report.findings]


def cited(require: str, text: str = "", cid: str = "c") -> str:
    source = f'  text "{text}"\n' if text else ""
    return f'criterion {cid} {{\n  kind hard\n  article "第一条"\n{source}  require {require}\n}}\n'


def test_a_clean_policy_has_no_findings():
    assert findings(cited("total_output >= 40亿元 in the latest year", "近三年产值均在40亿元以上")) == []


def test_impossible_conjunction():
    found = findings(cited("standards >= 10 and standards < 5"))
    assert any("can never hold (>= 10 and < 5 exclude each other)" in f for f in found)


def test_share_over_100_percent_is_impossible():
    found = findings(cited("share of sme_output in total_output > 100% in the latest year"))
    assert any("> 100% can never hold" in f and ": error:" in f for f in found)


def test_always_true_comparison_and_disjunction():
    assert any("holds for every possible value" in f for f in findings(cited("standards >= 0")))
    found = findings(cited("standards >= 5 or standards < 10"))
    assert any(">= 5 or < 10 holds for every value" in f for f in found)


def test_operator_contradicting_the_wording():
    found = findings(cited("share of leading_output in total_output >= 70% in the latest year",
                           "主导产业占集群总产值比例高于70%"))
    assert any("the text says '高于70%' (>)" in f and "Write '> 70%'" in f for f in found)
    found = findings(cited("total_output > 40亿元 in the latest year", "近三年产值均在40亿元以上"))
    assert any("'40亿元以上' (>=)" in f for f in found)
    found = findings(cited("area_km2 < 100 km2", "占地面积不超过100平方公里"))
    assert any("'不超过100平方公里' (<=)" in f for f in found)


def test_missing_citation_and_metadata():
    text = 'criterion c {\n  kind hard\n  require standards >= 1\n}\n'
    found = findings(text)
    assert any("criterion 'c' cites no article" in f for f in found)
    bare = parse_text('policy bare { }\n' + text, "bare.policy")
    from policykb.language.checker import check_policy
    check_policy(bare, vocabulary())
    report = lint_policy(bare, {"bare": bare}, vocabulary())
    assert any("has no document" in d.render() for d in report.findings)


def test_clause_coverage():
    text = cited("standards >= 1") + 'clause "第一条"\nclause "第二条" omitted "funding, no condition"\nclause "第三条"\n'
    checked = policy(text)
    report = lint_policy(checked, {checked.id: checked}, vocabulary())
    assert report.coverage == ["第一条: encoded by c", "第二条: left out — funding, no condition",
                               "第三条: not yet accounted for"]
    assert any("'第三条' is not yet accounted for" in d.render() for d in report.findings)


def test_unused_definition():
    text = "define unused = share of sme_output in total_output\n" + cited("standards >= 1")
    assert any("'unused' is defined but no criterion uses it" in f for f in findings(text))


def test_criterion_meaning_changed_across_versions():
    old = parse_text(HEADER.replace("test-policy", "old-version") + cited("standards >= 1"), "old.policy")
    from policykb.language.checker import check_policy
    check_policy(old, vocabulary())
    new = parse_text(HEADER.replace("}", "  supersedes old-version\n}", 1) + cited("pilot_projects >= 1"), "new.policy")
    check_policy(new, vocabulary())
    report = lint_policy(new, {"old-version": old, new.id: new}, vocabulary())
    found = [d.render() for d in report.findings]
    assert any("reads pilot_projects here but standards in old-version" in f for f in found)
