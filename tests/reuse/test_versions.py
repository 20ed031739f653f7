"""Versions of a measure: `supersedes`, `expires`, and which version answers a year."""

import pytest

from policykb.errors import PolicyKBError
from policykb.knowledge_base import KnowledgeBase

CRITERION = 'criterion output {\n  article "1"\n  require total_output >= THRESHOLD in each of the last 3 years\n}\n'


def version(pid: str, effective: str, threshold: str, extra: str = "") -> str:
    return (f'policy {pid} {{\n  title zh "测"\n  title en "T"\n  document "d"\n  effective {effective}\n{extra}}}\n'
            + CRITERION.replace("THRESHOLD", threshold))


@pytest.fixture
def kb(tmp_path):
    (tmp_path / "v1.policy").write_text(version("prov-2018", "2018-05-01", "20亿元"), encoding="utf-8")
    (tmp_path / "v2.policy").write_text(version("prov-2021", "2021-07-01", "30亿元", "  supersedes prov-2018\n"),
                                        encoding="utf-8")
    (tmp_path / "v3.policy").write_text(version("prov-2024", "2024-03-01", "40亿元",
                                                "  supersedes prov-2021\n  expires 2026-12-31\n"), encoding="utf-8")
    return KnowledgeBase.open(policies=[tmp_path], shipped_policies=False)


@pytest.mark.parametrize("asked, year, answered, noted", [
    ("prov-2018", 2019, "prov-2018", False),
    ("prov-2018", 2020, "prov-2018", False),
    ("prov-2018", 2021, "prov-2021", True),   # superseded on 2021-07-01: the version in force on 31 December
    ("prov-2024", 2022, "prov-2021", True),
    ("prov-2021", 2025, "prov-2024", True),
    ("prov-2024", 2026, "prov-2024", False),
])
def test_the_version_in_force_answers(kb, asked, year, answered, noted):
    chosen, note = kb.version(asked, year)
    assert chosen.id == answered
    assert (note is not None) == noted
    if noted:
        assert f"{asked} is not in force in {year}; answering under {answered}" in note


@pytest.mark.parametrize("year", [2017, 2027])
def test_no_version_in_force_is_a_clear_answer(kb, year):
    with pytest.raises(PolicyKBError) as caught:
        kb.statuses("prov-2021", year)
    message = caught.value.render()
    assert f"no version of prov-2021 is in force in application year {year}" in message
    assert "prov-2018 (2018-05-01 – 2021-06-30)" in message and "prov-2024 (2024-03-01 – 2026-12-31)" in message


def test_the_note_reaches_the_verdict(kb, tmp_path):
    verdicts = kb.screen("prov-2018", 2025)
    assert verdicts == [] or verdicts[0].notes
    compiled = kb.compiled("prov-2018", 2025)
    assert compiled.policy.id == "prov-2024"
    assert compiled.note.startswith("prov-2018 is not in force in 2025")


@pytest.mark.parametrize("extra, message", [
    ("  supersedes nothing-2000\n", "'supersedes nothing-2000': no policy with that id is loaded"),
    ("  expires 2017-01-01\n", "expires (2017-01-01) before it takes effect (2018-05-01)"),
])
def test_version_mistakes(tmp_path, extra, message):
    (tmp_path / "v.policy").write_text(version("prov-2018", "2018-05-01", "20亿元", extra), encoding="utf-8")
    with pytest.raises(PolicyKBError) as caught:
        KnowledgeBase.open(policies=[tmp_path], shipped_policies=False)
    assert message in caught.value.render()
