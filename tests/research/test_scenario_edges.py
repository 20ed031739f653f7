"""What-if changes (`--set`, `--set-threshold`, `kb.what_if`): every way a change can be
written wrong is bad input naming the option and what was expected; a change about one
cluster leaves the others alone; added enterprises close a gap in a complete list.

Two SYNTHETIC clusters and a small measure written here; application year 2024 reads 2023."""

from __future__ import annotations

import textwrap

import pytest

from policykb import api
from policykb.cli import main
from policykb.errors import PolicyKBError
from policykb.research.scenario import AddEnterprises

POLICY = "what-if-2023"
AS_OF = 2024
FILES = {
    "clusters.csv": """\
        id,name_zh,name_en,province,county,leading_industry,area_km2
        syn-wi-a,合成甲,SYNTHETIC what-if A,Henan,合成县,bearings,80
        syn-wi-b,合成乙,SYNTHETIC what-if B,Henan,合成县,bearings,
        """,
    "observations.csv": """\
        cluster,indicator,year,value,unit,source
        syn-wi-a,total_output,2023,35,100M CNY,synthetic
        syn-wi-a,sme_output,2023,12,100M CNY,synthetic
        syn-wi-b,total_output,2022,20,100M CNY,synthetic
        """,
    # syn-wi-a's list is complete: one little giant in the leading industry, one outside it
    "enterprises.csv": """\
        id,name,cluster,in_leading_industry,titles
        syn-wi-e1,SYNTHETIC firm 1,syn-wi-a,true,little_giant
        syn-wi-e2,SYNTHETIC firm 2,syn-wi-a,false,little_giant
        """,
}
CRITERIA = {"output": "total_output >= 30亿元 in the latest year",
            "firms": "number of enterprises in the leading industry titled little_giant >= 2",
            "pillar": "pillar_industry",
            "scale": "total_output >= 30亿元 in the latest year and sme_output >= 10亿元 in the latest year",
            "panel": None}  # qualitative


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    data, policies = tmp_path_factory.mktemp("what-if-data"), tmp_path_factory.mktemp("what-if-policies")
    for name, text in FILES.items():
        (data / name).write_text(textwrap.dedent(text), encoding="utf-8")
    text = f'policy {POLICY} {{\n  title zh "假设"\n  title en "What-if (test)"\n  effective 2023-01-01\n}}\n'
    for number, (cid, require) in enumerate(CRITERIA.items(), start=1):
        body = f"  kind hard\n  require {require}\n" if require else "  kind qualitative\n"
        text += f'criterion {cid} {{\n{body}  article "{number}"\n}}\n'
    (policies / "w.policy").write_text(text, encoding="utf-8")
    return data, policies  # beside the shipped kb


@pytest.fixture(scope="module")
def kb(folders):
    data, policies = folders
    return api.KnowledgeBase.open(data=data, policies=policies, shipped_policies=False)


def statuses(kb, cluster: str) -> dict[str, str]:
    verdict = kb.check(cluster, POLICY, AS_OF).raw
    return {"*": verdict.status, **{c.id: c.status for c in verdict.criteria}}


@pytest.mark.parametrize("value, message", [
    ("syn-wi-a total_output=1", "--set syn-wi-a total_output=1: error: a what-if value is written "
                                "CLUSTER.INDICATOR[YEAR]=VALUE. Expected for example "
                                "js-xinwu-mems-sensors.total_output[2023]=260亿元."),
    ("syn-wi-a.total_outptu[2023]=1亿元", "--set syn-wi-a.total_outptu[2023]=1亿元: error: unknown indicator "
                                         "'total_outptu'. Did you mean 'total_output'?"),
    ("syn-wi-a.total_output=45亿元", "--set syn-wi-a.total_output=45亿元: error: 'total_output' is recorded per "
                                    "year. Expected total_output[YEAR]=VALUE."),
    ("syn-wi-a.area_km2[2023]=50km2", "--set syn-wi-a.area_km2[2023]=50km2: error: 'area_km2' is not recorded per "
                                      "year. Expected area_km2=VALUE."),
    ("syn-wi-a.pillar_industry=yes", "--set syn-wi-a.pillar_industry=yes: error: 'pillar_industry' is yes/no. "
                                     "Expected true or false."),
    ("syn-wi-a.total_output[2023]=45%", "--set syn-wi-a.total_output[2023]=45%: error: unit mismatch: 45% is "
                                        "percent, but this quantity is money. Expected a money unit: 100M CNY, "
                                        "亿元, 10k CNY, 万元, CNY, yuan, 元."),
])
def test_a_value_written_wrong_is_bad_input_at_the_option(kb, value, message):
    with pytest.raises(PolicyKBError) as raised:
        kb.what_if(value)
    assert raised.value.render() == message


@pytest.mark.parametrize("threshold, message", [
    ("what-if-2023.output", "a changed threshold is written POLICY.CRITERION=VALUE. "
                            "Expected for example henan-2023.sme-share=60%."),
    ("what-if-2024.output=1", "no policy with id 'what-if-2024'. Did you mean 'what-if-2023'?"),
    ("what-if-2023.outptu=1", "'what-if-2023' has no criterion 'outptu'. Did you mean 'output'?"),
    ("what-if-2023.scale=1亿元", "criterion 'scale' has 2 comparisons; a threshold can be changed only where there "
                                "is exactly one. Write a policy that overrides the criterion instead."),
    ("what-if-2023.panel=1", "criterion 'panel' has 0 comparisons; a threshold can be changed only where there "
                             "is exactly one. Write a policy that overrides the criterion instead."),
    ("what-if-2023.output=45%", "unit mismatch: 45% is percent, but this quantity is money. "
                                "Expected a money unit: 100M CNY, 亿元, 10k CNY, 万元, CNY, yuan, 元."),
])
def test_a_threshold_written_wrong_is_bad_input_at_the_option(kb, threshold, message):
    with pytest.raises(PolicyKBError) as raised:
        kb.what_if(thresholds=[threshold])
    [diagnostic] = raised.value.diagnostics
    assert diagnostic.file.startswith("--set-threshold what-if-202")
    assert diagnostic.render() == f"{diagnostic.file}: error: {message}"


def test_on_the_command_line_it_exits_1_with_the_option_named(folders, capsys):
    data, policies = folders
    status = main(["check", "syn-wi-a", "--policy", POLICY, "--data", str(data), "--policies", str(policies),
                   "--as-of", str(AS_OF), "--set", "syn-wi-a.pillar_industry=1"])
    captured = capsys.readouterr()
    assert (status, captured.out) == (1, "")
    assert captured.err == ("--set syn-wi-a.pillar_industry=1: error: 'pillar_industry' is yes/no. "
                            "Expected true or false.\n")


def test_a_yes_no_value_and_a_missing_year_are_answered_as_if_so(kb):
    assert statuses(kb, "syn-wi-a")["pillar"] == "unknown"  # never taken as false
    assert statuses(kb.what_if("syn-wi-a.pillar_industry=true"), "syn-wi-a")["pillar"] == "met"
    assert statuses(kb.what_if("syn-wi-a.pillar_industry=false"), "syn-wi-a")["pillar"] == "unmet"
    assert statuses(kb, "syn-wi-b")["output"] == "unknown"  # nothing for 2023, never taken as zero
    changed = kb.what_if("syn-wi-b.total_output[2023]=30亿元")
    verdict = changed.check("syn-wi-b", POLICY, AS_OF).raw
    assert verdict.criterion("output").status == "met"
    assert verdict.notes == ["what-if: syn-wi-b.total_output[2023] = 3000000000 (canonical unit; not in the kb)"]


def test_a_change_about_one_cluster_leaves_the_others_alone(kb):
    changed = kb.what_if("syn-wi-b.total_output[2023]=30亿元", "syn-wi-b.pillar_industry=true")
    before, after = kb.check("syn-wi-a", POLICY, AS_OF).raw, changed.check("syn-wi-a", POLICY, AS_OF).raw
    assert after.to_json() == before.to_json() and after.notes == []
    screened = {v.cluster: v.criterion("pillar").status for v in changed.screen(POLICY, AS_OF).raw
                if v.cluster.startswith("syn-")}
    assert screened == {"syn-wi-a": "unknown", "syn-wi-b": "met"}


def test_enterprises_added_to_a_complete_list_are_counted(kb):
    assert statuses(kb, "syn-wi-a")["firms"] == "unmet"  # 1 little giant in the leading industry, 2 needed
    gap = kb.gap("syn-wi-a", POLICY, AS_OF).raw
    [added] = [c.step.change for c in gap.changes if c.criterion == "firms"]
    assert added == AddEnterprises("syn-wi-a", "little_giant", 1, True)
    assert (gap.reachable, gap.end.status) == (True, "eligible")
    verdict = kb.core.with_changes([added]).check("syn-wi-a", POLICY, AS_OF)
    firms = verdict.criterion("firms")
    assert firms.status == "met"
    assert [i.indicator for i in firms.inputs] == ["enterprise syn-wi-e1", "enterprise syn-wi-a/what-if-little_giant-1"]
    assert {i.source for i in firms.inputs if "what-if" in i.indicator} == {"what-if (not in the knowledge base)"}
    too_few = kb.core.with_changes([AddEnterprises("syn-wi-a", "little_giant", 1, False)])  # not in the leading one
    assert too_few.check("syn-wi-a", POLICY, AS_OF).criterion("firms").status == "unmet"
