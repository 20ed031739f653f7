"""Each construct of the policy language parses to its typed AST node."""

from fractions import Fraction

import pytest

from helpers import HEADER, criterion, policy
from policykb.language.parser import parse_text
from policykb.operators.comparison import Comparison, EachYear, LatestYear
from policykb.operators.flag import Flag
from policykb.operators.growth import Growth
from policykb.operators.indicator_value import IndicatorValue
from policykb.operators.logic import AllOf, AnyOf, Negation
from policykb.operators.no_incident import IncidentGroup, NoIncident
from policykb.operators.per_capita import PerCapita
from policykb.operators.recorded import Recorded
from policykb.operators.share import Share
from policykb.operators.titled_count import TitledCount


def condition(text: str):
    return policy(criterion(text)).criteria[0].condition


def test_metadata():
    parsed = parse_text(HEADER.replace("}", '  issuer "工信部"\n  jurisdiction "CN"\n  source "https://example.org/m"\n'
                                            '  validity 3 years\n  review "复核"\n}') + criterion("pillar_industry"))
    assert parsed.id == "test-policy"
    assert parsed.titles == {"zh": "测试", "en": "Test"}
    assert (parsed.issuer, parsed.jurisdiction, parsed.source_url) == ("工信部", "CN", "https://example.org/m")
    assert parsed.effective.isoformat() == "2023-01-01"
    assert (parsed.validity_years, parsed.review) == (3, "复核")


def test_criterion_fields_and_chinese_text():
    text = HEADER + '''criterion sme-share {
  kind soft
  article "第五条"
  paragraph "第（二）项"
  text "中小企业产值占集群总产值70%以上"
  summary "SME share"
  note "注释 \\"quoted\\""
  require share of sme_output in total_output >= 70% in the latest year
}'''
    c = parse_text(text).criteria[0]
    assert (c.id, c.kind, str(c.citation)) == ("sme-share", "soft", "第五条 第（二）项")
    assert c.source_text == "中小企业产值占集群总产值70%以上"
    assert c.note == '注释 "quoted"'
    assert c.expression == "share of sme_output in total_output >= 70% in the latest year"
    assert (c.span.line, c.span.column) == (7, 11)


def test_long_string_spans_lines():
    text = HEADER + 'criterion c {\n  kind qualitative\n  text """第一行\n第二行"""\n}'
    assert parse_text(text).criteria[0].source_text == "第一行\n第二行"


def test_comments_are_ignored():
    text = "# 注释\n" + HEADER + "criterion c { # here\n kind hard # and here\n require pillar_industry }\n"
    assert isinstance(parse_text(text).criteria[0].condition, Flag)


@pytest.mark.parametrize("text, unit, value", [
    ("total_output >= 40亿元 in the latest year", "亿元", 4_000_000_000),
    ("total_output >= 5000万元 in the latest year", "万元", 50_000_000),
    ("total_output >= 4_000_000_000 CNY in the latest year", "CNY", 4_000_000_000),
    ("area_km2 <= 100 km2", "km2", 100),
    ("cloud_adoption >= 30% in the latest year", "%", 30),
    ("standards >= 3", None, 3),
])
def test_thresholds_with_units(text, unit, value):
    node = condition(text)
    assert isinstance(node, Comparison)
    assert node.threshold.unit_text == unit
    assert node.threshold.value == Fraction(value)


def test_windows():
    assert condition("total_output >= 40亿元 in each of the last 3 years").window == EachYear(3)
    assert condition("total_output >= 40亿元 in the latest year").window == LatestYear()
    assert condition("area_km2 <= 100 km2").window is None


def test_measures():
    assert condition("share of sme_output in total_output >= 70% in the latest year").measure == \
        Share("sme_output", "total_output")
    assert condition("invention_patents per 10000 employees >= 15 in the latest year").measure == \
        PerCapita("invention_patents", 10000, "employees")
    assert condition("average annual growth of total_output over the last 3 years > 10%").measure == \
        Growth("total_output", 3)
    assert isinstance(condition("area_km2 <= 100 km2").measure, IndicatorValue)
    counted = condition("number of enterprises in the leading industry titled single_champion, little_giant >= 1")
    assert (counted.measure.titles, counted.measure.leading_only) == (("single_champion", "little_giant"), True)
    assert condition("number of enterprises titled high_tech >= 10").measure.leading_only is False


def test_logic_and_precedence():
    node = condition("chain_map or sharing_mechanism and not key_chain")
    assert isinstance(node, AnyOf)
    assert isinstance(node.parts[1], AllOf)
    assert isinstance(node.parts[1].parts[1], Negation)
    assert isinstance(condition("(chain_map or key_chain) and pillar_industry"), AllOf)


def test_recorded_and_incidents():
    assert isinstance(condition("recorded county"), Recorded)
    node = condition("no incident in the last 2 years { tax: any severity credit, legal: serious or worse }")
    assert isinstance(node, NoIncident)
    assert node.years == 2
    assert node.groups == (IncidentGroup(("tax",), None), IncidentGroup(("credit", "legal"), "serious"))


def test_shipped_policies_parse_with_the_criteria_ids_of_criteria_md(shipped_policies):
    expected = {
        "miit-2022": ["county", "area", "output", "sme-share", "leading-share", "growth", "quality-firms",
                      "compliance", "innovation", "digital", "green", "governance"],
        "jiangsu-2023": ["area", "pillar", "frontier", "key-chain", "output", "sme-share", "leading-growth",
                         "leading-share", "quality-firms", "innovation", "rd-growth", "patent-growth",
                         "patent-density", "standards", "cloud", "industrial-internet", "pilots"],
        "henan-2023": ["governance", "compliance", "pillar", "frontier", "area", "output", "sme-share",
                       "leading-share", "quality-firms", "chain", "rd-intensity", "patent-density", "standards",
                       "industrial-internet", "green"],
    }
    expected["guangdong-2023"] = expected["miit-2022"]  # the national numbers, by `extends`
    assert {pid: [c.id for c in p.criteria] for pid, p in shipped_policies.items()} == expected
