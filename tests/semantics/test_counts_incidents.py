"""Distinct counts of titled enterprises (list vs published counts) and incident records."""

import pytest

from helpers import Facts, statuses

ANY_TWO = "number of enterprises titled specialized_new_sme, high_tech >= 3"
LEADING = "number of enterprises in the leading industry titled single_champion, little_giant >= 1"


class TestEnterpriseList:
    def test_an_enterprise_with_two_titles_counts_once(self):
        facts = Facts("a").listed("a").enterprise("a", "e1", "specialized_new_sme;high_tech") \
            .enterprise("a", "e2", "high_tech")
        assert statuses(ANY_TWO, facts)["a"] == "unmet"
        facts.enterprise("a", "e3", "specialized_new_sme")
        assert statuses(ANY_TWO, facts)["a"] == "met"

    def test_leading_industry_qualifier(self):
        facts = Facts("a", "b").listed("a").listed("b").enterprise("a", "e1", "little_giant", leading=False) \
            .enterprise("b", "e2", "single_champion", leading=True)
        assert statuses(LEADING, facts) == {"a": "unmet", "b": "met"}

    def test_a_complete_list_with_no_titled_enterprise_is_unmet(self):
        facts = Facts("a").listed("a").enterprise("a", "e1", "")
        assert statuses(ANY_TWO, facts)["a"] == "unmet"

    def test_the_list_overrides_published_counts(self):
        facts = Facts("a").listed("a").enterprise("a", "e1", "high_tech").obs("a", "high_tech_enterprises", 50)
        assert statuses(ANY_TWO, facts)["a"] == "unmet"


class TestPublishedCounts:
    @pytest.mark.parametrize("counts, expected", [
        ({"specialized_new_smes": 3}, "met"),                          # largest reaches it
        ({"specialized_new_smes": 1, "high_tech_enterprises": 1}, "unmet"),  # sum below
        ({"specialized_new_smes": 2, "high_tech_enterprises": 1}, "unknown"),  # between bounds
        ({"specialized_new_smes": 2}, "unknown"),                       # one count missing
        ({}, "unknown"),
    ])
    def test_bounds(self, counts, expected):
        facts = Facts("a")
        for indicator, value in counts.items():
            facts.obs("a", indicator, value)
        assert statuses(ANY_TWO, facts)["a"] == expected

    def test_strict_threshold(self):
        facts = Facts("a").obs("a", "specialized_new_smes", 3).obs("a", "high_tech_enterprises", 0)
        assert statuses("number of enterprises titled specialized_new_sme, high_tech > 3", facts)["a"] == "unmet"


COMPLIANCE = """no incident in the last 3 years {
    safety, quality, environment: serious or worse
    network_security, data_security: major or worse
    tax, legal: any severity
    credit: serious or worse
}"""


class TestIncidents:
    @pytest.mark.parametrize("kind, severity, expected", [
        ("safety", "minor", "met"), ("safety", "serious", "unmet"), ("environment", "extraordinary", "unmet"),
        ("network_security", "serious", "met"), ("data_security", "major", "unmet"),
        ("tax", "minor", "unmet"), ("legal", "minor", "unmet"),
        ("credit", "minor", "met"), ("credit", "serious", "unmet"),
    ])
    def test_kind_and_severity(self, kind, severity, expected):
        facts = Facts("a").no_incidents("a").incident("a", 2022, kind, severity)
        assert statuses(COMPLIANCE, facts)["a"] == expected

    @pytest.mark.parametrize("year, expected", [(2020, "met"), (2021, "unmet"), (2023, "unmet"), (2024, "met")])
    def test_window_is_the_last_three_completed_years(self, year, expected):
        facts = Facts("a").no_incidents("a").incident("a", year, "tax", "minor")
        assert statuses(COMPLIANCE, facts, as_of=2024)["a"] == expected

    def test_no_record_is_unknown_but_a_recorded_incident_is_unmet(self):
        facts = Facts("a", "b").incident("b", 2022, "tax", "minor")
        assert statuses(COMPLIANCE, facts) == {"a": "unknown", "b": "unmet"}
