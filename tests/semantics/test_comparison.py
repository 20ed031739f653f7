"""Comparisons, windows and derived quantities: exact on the boundary, unknown when data
is missing, never zero for a missing value."""

import pytest

from helpers import Facts, statuses

YI = 100_000_000


@pytest.mark.parametrize("value, expected", [(4_000_000_000, "met"), (4_000_000_001, "met"),
                                             (3_999_999_999, "unmet")])
def test_at_least_includes_the_boundary(value, expected):
    facts = Facts("a").obs("a", "total_output", value, 2023)
    assert statuses("total_output >= 40亿元 in the latest year", facts)["a"] == expected


@pytest.mark.parametrize("value, expected", [(4_000_000_000, "unmet"), (4_000_000_001, "met")])
def test_more_than_excludes_the_boundary(value, expected):
    # 4000000001 would round to 4e9 under pyDatalog's default float precision.
    facts = Facts("a").obs("a", "total_output", value, 2023)
    assert statuses("total_output > 40亿元 in the latest year", facts)["a"] == expected


@pytest.mark.parametrize("op, value, expected", [("<=", 100, "met"), ("<=", "100.000001", "unmet"),
                                                 ("<", 100, "unmet"), ("<", "99.99", "met"), ("=", 100, "met"),
                                                 ("=", 101, "unmet")])
def test_upper_bounds_and_equality(op, value, expected):
    facts = Facts("a").obs("a", "area_km2", value)
    assert statuses(f"area_km2 {op} 100 km2", facts)["a"] == expected


def test_missing_value_is_unknown_not_zero():
    facts = Facts("a", "b").obs("b", "area_km2", 0)
    result = statuses("area_km2 <= 100 km2", facts)
    assert result == {"a": "unknown", "b": "met"}


@pytest.mark.parametrize("unit, number", [("亿元", "40"), ("万元", "400000"), ("元", "4000000000"),
                                          ("CNY", "4000000000")])
def test_money_units_in_thresholds_are_exact(unit, number):
    facts = Facts("a", "b").obs("a", "total_output", 4 * 10**9, 2023).obs("b", "total_output", 4 * 10**9 - 1, 2023)
    result = statuses(f"total_output >= {number} {unit} in the latest year", facts)
    assert result == {"a": "met", "b": "unmet"}


class TestEachYear:
    REQUIRE = "total_output >= 40亿元 in each of the last 3 years"

    def test_met_only_when_every_year_meets(self):
        facts = Facts("a").yearly("a", "total_output", {2021: 40 * YI, 2022: 41 * YI, 2023: 50 * YI})
        assert statuses(self.REQUIRE, facts)["a"] == "met"

    def test_one_failing_year_is_unmet_even_with_another_missing(self):
        facts = Facts("a").yearly("a", "total_output", {2021: 39 * YI, 2023: 50 * YI})
        assert statuses(self.REQUIRE, facts)["a"] == "unmet"

    def test_a_missing_year_with_the_others_met_is_unknown(self):
        facts = Facts("a").yearly("a", "total_output", {2021: 40 * YI, 2023: 50 * YI})
        assert statuses(self.REQUIRE, facts)["a"] == "unknown"

    def test_window_follows_the_application_year(self):
        facts = Facts("a").yearly("a", "total_output", {2020: 10 * YI, 2021: 40 * YI, 2022: 40 * YI, 2023: 40 * YI})
        assert statuses(self.REQUIRE, facts, as_of=2024)["a"] == "met"
        assert statuses(self.REQUIRE, facts, as_of=2023)["a"] == "unmet"
        assert statuses(self.REQUIRE, facts, as_of=2025)["a"] == "unknown"


class TestShare:
    REQUIRE = "share of sme_output in total_output >= 70% in the latest year"

    @pytest.mark.parametrize("sme, total, expected", [(70, 100, "met"), (69_999_999, 100_000_000, "unmet"),
                                                      (7, 10, "met"), (0, 10, "unmet")])
    def test_exact_ratio_on_the_boundary(self, sme, total, expected):
        facts = Facts("a").obs("a", "sme_output", sme, 2023).obs("a", "total_output", total, 2023)
        assert statuses(self.REQUIRE, facts)["a"] == expected

    def test_zero_or_missing_total_is_unknown(self):
        facts = Facts("a", "b").obs("a", "sme_output", 5, 2023).obs("a", "total_output", 0, 2023) \
            .obs("b", "sme_output", 5, 2023)
        assert statuses(self.REQUIRE, facts) == {"a": "unknown", "b": "unknown"}

    def test_parts_of_another_year_do_not_mix(self):
        facts = Facts("a").obs("a", "sme_output", 80, 2022).obs("a", "total_output", 100, 2023)
        assert statuses(self.REQUIRE, facts)["a"] == "unknown"

    def test_fractional_percent_threshold(self):
        require = "share of rd_expenditure in total_output >= 1.5% in the latest year"
        facts = Facts("a", "b").obs("a", "rd_expenditure", 15, 2023).obs("a", "total_output", 1000, 2023) \
            .obs("b", "rd_expenditure", 1499, 2023).obs("b", "total_output", 100000, 2023)
        assert statuses(require, facts) == {"a": "met", "b": "unmet"}


class TestPerCapita:
    REQUIRE = "invention_patents per 10000 employees >= 15 in the latest year"

    @pytest.mark.parametrize("patents, people, expected", [(15, 10000, "met"), (3, 2000, "met"),
                                                           (15, 9999, "met"), (15, 10001, "unmet"), (14, 9334, "unmet")])
    def test_exact(self, patents, people, expected):
        facts = Facts("a").obs("a", "invention_patents", patents, 2023).obs("a", "employees", people, 2023)
        assert statuses(self.REQUIRE, facts)["a"] == expected

    def test_zero_employees_is_unknown(self):
        facts = Facts("a").obs("a", "invention_patents", 5, 2023).obs("a", "employees", 0, 2023)
        assert statuses(self.REQUIRE, facts)["a"] == "unknown"


class TestGrowth:
    REQUIRE = "average annual growth of total_output over the last 3 years >= 10%"

    @pytest.mark.parametrize("first, last, expected", [(100, 121, "met"), (100, "120.99", "unmet"),
                                                       (1000000, 1210000, "met"), (1000000, 1209999, "unmet")])
    def test_compound_rate_decided_without_roots(self, first, last, expected):
        facts = Facts("a").obs("a", "total_output", first, 2021).obs("a", "total_output", last, 2023)
        assert statuses(self.REQUIRE, facts)["a"] == expected

    def test_strict_growth_excludes_exactly_ten_percent(self):
        facts = Facts("a").obs("a", "total_output", 100, 2021).obs("a", "total_output", 121, 2023)
        require = "average annual growth of total_output over the last 3 years > 10%"
        assert statuses(require, facts)["a"] == "unmet"

    def test_middle_year_is_not_needed(self):
        facts = Facts("a").obs("a", "total_output", 100, 2021).obs("a", "total_output", 200, 2023)
        assert statuses(self.REQUIRE, facts)["a"] == "met"

    @pytest.mark.parametrize("first", [0, -5])
    def test_no_rate_from_zero_or_negative(self, first):
        facts = Facts("a").obs("a", "total_output", first, 2021).obs("a", "total_output", 100, 2023)
        assert statuses(self.REQUIRE, facts)["a"] == "unknown"

    def test_missing_end_year_is_unknown(self):
        facts = Facts("a").obs("a", "total_output", 100, 2021).obs("a", "total_output", 300, 2022)
        assert statuses(self.REQUIRE, facts)["a"] == "unknown"


def test_percent_indicator_compared_in_percent():
    facts = Facts("a", "b").obs("a", "cloud_adoption", 30, 2023).obs("b", "cloud_adoption", "29.99", 2023)
    assert statuses("cloud_adoption >= 30% in the latest year", facts) == {"a": "met", "b": "unmet"}
