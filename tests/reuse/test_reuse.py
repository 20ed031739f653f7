"""extends / override / drop, definitions and libraries, declared vocabulary: end to end."""

import json
from pathlib import Path

import pytest

from policykb.cli import main
from policykb.errors import PolicyKBError
from policykb.knowledge_base import KnowledgeBase

HEAD = 'title zh "测试"\n  title en "Test"\n  document "test"\n  effective 2023-01-01'

TIGHTER = f'''policy tighter-2023 extends miit-2022 {{
  {HEAD}
}}
override criterion output {{
  threshold 50亿元
}}
override criterion area {{
  kind hard
}}
drop criterion digital because "this province's text has no digital section"
criterion pilots {{
  kind hard
  article "第九条"
  require pilot_projects >= 2
}}
'''


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tighter(tmp_path):
    write(tmp_path, "tighter.policy", TIGHTER)
    return KnowledgeBase.open(policies=[tmp_path])


def test_extends_inherits_overrides_drops_and_adds(tighter):
    policy = tighter.policy("tighter-2023")
    ids = [c.id for c in policy.criteria]
    assert ids == ["county", "area", "output", "sme-share", "leading-share", "growth", "quality-firms",
                   "compliance", "innovation", "green", "governance", "pilots"]
    assert policy.criterion("area").kind == "hard"
    assert policy.criterion("output").condition.threshold_value == 5_000_000_000
    assert policy.inherited["sme-share"] == "miit-2022"
    assert policy.validity_years == 3  # designation rules are inherited
    # The parent is untouched.
    assert tighter.policy("miit-2022").criterion("output").condition.threshold_value == 4_000_000_000


def test_overridden_threshold_decides(tmp_path):
    write(tmp_path, "tighter.policy", TIGHTER)
    data = tmp_path / "data"
    data.mkdir()
    write(data, "clusters.csv", "id,name_zh,name_en,province,county,leading_industry,area_km2\n"
                                "syn-x,合成,SYNTHETIC,Henan,县,x,120\n")
    write(data, "observations.csv", "cluster,indicator,year,value,unit,source\n" + "".join(
        f"syn-x,total_output,{y},45,100M CNY,synthetic\n" for y in (2021, 2022, 2023)))
    kb = KnowledgeBase.open(policies=[tmp_path], data=[data])
    assert kb.check("syn-x", "miit-2022", 2024).criterion("output").status == "met"
    tight = kb.check("syn-x", "tighter-2023", 2024)
    assert tight.criterion("output").status == "unmet"
    assert tight.criterion("area").status == "unmet"  # hard now, where MIIT says review
    assert kb.check("syn-x", "miit-2022", 2024).criterion("area").status == "review"


def test_definitions_and_libraries(tmp_path):
    write(tmp_path, "shared.policy", 'library shared\n'
                                     'define sme_share = share of sme_output in total_output\n'
                                     'define patents_per_10k = invention_patents per 10000 employees\n')
    write(tmp_path, "user.policy", f'policy user-2023 {{\n  {HEAD}\n  uses shared\n}}\n'
                                   'criterion sme-share {\n  article "1"\n'
                                   '  require sme_share >= 70% in the latest year\n}\n'
                                   'criterion patents {\n  article "2"\n'
                                   '  require patents_per_10k >= 15 in the latest year\n}\n')
    kb = KnowledgeBase.open(policies=[tmp_path], shipped_policies=False)
    policy = kb.policy("user-2023")
    assert type(policy.criterion("sme-share").condition.measure).__name__ == "Share"
    assert policy.used_definitions == {"sme_share", "patents_per_10k"}
    assert "shared" in kb.loaded.libraries


def test_declared_indicator_end_to_end(tmp_path, capsys):
    write(tmp_path, "export.policy", f'''policy export-2024 {{
  {HEAD}
}}
indicator export_share {{
  unit percent
  yearly
  label zh "出口交货值占比"
  label en "export share of output"
}}
enterprise title provincial_giant {{
  label zh "省级专精特新"
  label en "provincial specialized SME"
  counted by provincial_giants
}}
criterion exports {{
  article "第三条"
  require export_share >= 20% in the latest year
}}
criterion provincial-firms {{
  article "第四条"
  require number of enterprises titled provincial_giant >= 2
}}
example "exports on the boundary" {{
  as of 2024
  data {{
    export_share 2023 = 20%
    provincial_giants = 2
  }}
  expect {{ exports met  provincial-firms met  verdict eligible }}
}}
''')
    data = tmp_path / "data"
    data.mkdir()
    write(data, "clusters.csv", "id,name_zh,name_en,province,county,leading_industry,area_km2\n"
                                "syn-e,合成,SYNTHETIC,Henan,县,x,\n")
    write(data, "observations.csv", "cluster,indicator,year,value,unit,source\n"
                                    "syn-e,export_share,2023,0.19,ratio,synthetic\n"
                                    "syn-e,provincial_giants,,3,,synthetic\n")
    policies = ["--policies", str(tmp_path)]
    assert main(["lint", str(tmp_path / "export.policy"), *policies]) == 0
    assert main(["test", str(tmp_path / "export.policy"), *policies]) == 0
    capsys.readouterr()
    assert main(["check", "syn-e", "--policy", "export-2024", "--as-of", "2024", "--data", str(data),
                 "--format", "json", *policies]) == 0
    verdict = json.loads(capsys.readouterr().out)
    statuses = {c["id"]: c["status"] for c in verdict["criteria"]}
    assert statuses == {"exports": "unmet", "provincial-firms": "met"}
    exports = next(c for c in verdict["criteria"] if c["id"] == "exports")
    assert "Export share of output" in exports["explanation"]
    assert main(["screen", "--policy", "export-2024", "--as-of", "2024", "--data", str(data), *policies]) == 0


def test_undeclared_indicator_in_data_is_refused_without_the_policy(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    write(data, "clusters.csv", "id,name_zh,name_en,province,county,leading_industry,area_km2\nsyn-e,合,S,H,县,x,\n")
    write(data, "observations.csv", "cluster,indicator,year,value,unit,source\nsyn-e,export_share,2023,19,%,s\n")
    with pytest.raises(PolicyKBError, match="unknown indicator 'export_share'"):
        KnowledgeBase.open(data=[data])


@pytest.mark.parametrize("text, message", [
    ("policy a-1 extends a-1 {\n}\n", "'extends' goes round in a circle: a-1 -> a-1"),
    ("policy a-1 extends nowhere-2000 {\n}\n", "'extends nowhere-2000': no policy with that id is loaded"),
    ("policy a-1 {\n}\noverride criterion output {\n  kind soft\n}\n", "'override' needs a policy that extends another"),
    ("policy a-1 extends miit-2022 {\n}\ndrop criterion outptu because \"x\"\n",
     "'drop criterion outptu': 'miit-2022' has no such criterion"),
    ("policy a-1 extends miit-2022 {\n}\ncriterion output {\n  require standards >= 1\n}\n",
     "criterion 'output' is inherited from 'miit-2022'"),
    ("policy a-1 extends miit-2022 {\n}\noverride criterion quality-firms {\n  threshold 3\n}\n",
     "'threshold' needs a criterion with exactly one comparison; 'quality-firms' has 2"),
])
def test_reuse_mistakes(tmp_path, text, message):
    write(tmp_path, "a.policy", text)
    with pytest.raises(PolicyKBError) as caught:
        KnowledgeBase.open(policies=[tmp_path])
    assert message in caught.value.render()
