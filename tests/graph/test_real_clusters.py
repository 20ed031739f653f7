"""kb/data/real-clusters.ttl: every cluster of real-clusters.md, only its published figures."""

from __future__ import annotations

from fractions import Fraction

import pytest

from policykb.graph.namespaces import RDFS, cluster_iri

# id: (province, county-level area, leading industry, list level, list year or None)
CLUSTERS = {
    "js-changshu-fluorine-materials": ("江苏省", "常熟市", "电子氟材料", "national", 2022),
    "js-liyang-power-batteries": ("江苏省", "溧阳市", "动力电池", "national", 2022),
    "js-huishan-basic-components": ("江苏省", "无锡市惠山区", "智能基础零部件制造", "national", 2022),
    "js-tongshan-safety-emergency": ("江苏省", "徐州市铜山区", "安全应急", "national", 2022),
    "js-yuhuatai-rail-power": ("江苏省", "南京市雨花台区", "轨道交通动力装备", "national", 2022),
    "ha-changyuan-cranes": ("河南省", "长垣市", "门桥式起重机械", "national", 2022),
    "ha-xiangcheng-carbon-silicon": ("河南省", "襄城县", "碳硅新材料", "national", 2022),
    "ha-yexian-nylon": ("河南省", "叶县", "尼龙材料", "national", 2022),
    "ha-xinan-bearings": ("河南省", "新安县", "轴承制造", "national", 2022),
    "js-xishan-electric-vehicles": ("江苏省", "无锡市锡山区", "电动车及零部件", "national", 2023),
    "js-xinbei-nev-electrical": ("江苏省", "常州市新北区", "新能源汽车电气设备", "national", 2023),
    "ha-zhongmu-special-vehicles": ("河南省", "中牟县", "新能源专用车制造", "national", 2023),
    "js-xinwu-mems-sensors": ("江苏省", "无锡市新吴区", "物联网MEMS传感器", "national", 2024),
    "ha-gongyi-aluminium": ("河南省", "巩义市", "高精铝制造", "national", 2024),
    "ha-pingqiao-green-home": ("河南省", "信阳市平桥区", "绿色家居", "national", 2024),
    "ha-qibin-satellites": ("河南省", "鹤壁市淇滨区", "商业卫星装备制造及应用", "national", 2024),
    "js-wujiang-imitation-fibre": ("江苏省", "苏州市吴江区", "仿真纤维材料", "national", 2025),
    "ha-xinxiang-screening": ("河南省", "新乡县", "振动筛分装备", "national", 2025),
    "ha-mengjin-electronic-chemicals": ("河南省", "洛阳市孟津区", "电子化工材料", "national", 2025),
    "ha-guangshan-down": ("河南省", "光山县", "羽绒制品", "national", 2025),
    "ha-xixia-special-steel": ("河南省", "西峡县", "特钢新材料", "national", 2025),
    "js-jingjiang-car-body-parts": ("江苏省", "靖江市", "轻量化车身零部件", "provincial", 2023),
    "ha-changyuan-medical-devices": ("河南省", "长垣市", "高端医疗器械及卫材", "provincial", 2025),
    "ha-runan-electric-vehicles": ("河南省", "汝南县", "新能源电动车", "provincial", None),
    "ha-fangcheng-superhard-materials": ("河南省", "方城县", "超硬材料", "provincial", None),
}

# (cluster, indicator, year): (value in the canonical unit, text the source must quote)
FIGURES = {
    ("js-xinwu-mems-sensors", "total_output", 2023): (25_041_000_000, "total output 250.41亿"),
    ("js-xinwu-mems-sensors", "sme_count", 2023): (143, "143 SMEs"),
    ("js-xinwu-mems-sensors", "specialized_new_smes", None): (46, "46 专精特新"),
    ("js-xinwu-mems-sensors", "little_giants", None): (18, "18 小巨人"),
    ("js-wujiang-imitation-fibre", "total_output", 2024): (27_499_000_000, "total output 274.99亿"),
    ("js-wujiang-imitation-fibre", "sme_count", 2024): (73, "73 SMEs"),
    ("js-wujiang-imitation-fibre", "specialized_new_smes", None): (37, "37 专精特新"),
    ("js-wujiang-imitation-fibre", "little_giants", None): (3, "3 小巨人"),
    ("js-wujiang-imitation-fibre", "single_champions", None): (2, "2 单项冠军"),
    ("js-jingjiang-car-body-parts", "sme_count", 2022): (149, "149 SMEs"),
    ("js-jingjiang-car-body-parts", "specialized_new_smes", None): (7, "7 专精特新"),
    ("js-jingjiang-car-body-parts", "single_champions", None): (1, "1 单项冠军"),
    ("js-jingjiang-car-body-parts", "standards", None): (6, "6 national or industry standards"),
    ("js-jingjiang-car-body-parts", "invention_patents", 2022): (107, "107 invention patents"),
    ("js-tongshan-safety-emergency", "enterprise_count", 2020): (529, "2020: 529 firms"),
    ("js-tongshan-safety-emergency", "total_output", 2020): (41_600_000_000, "2020: output 416亿"),
    ("js-tongshan-safety-emergency", "enterprise_count", 2021): (573, "2021: 573 firms"),
    ("js-tongshan-safety-emergency", "total_output", 2021): (48_000_000_000, "2021: output 480亿"),
    ("js-tongshan-safety-emergency", "specialized_new_smes", None): (42, "42 专精特新"),
    ("js-tongshan-safety-emergency", "high_tech_enterprises", None): (125, "125 high-tech"),
    ("ha-qibin-satellites", "specialized_new_smes", None): (33, "33 专精特新 (national or provincial)"),
    ("ha-qibin-satellites", "little_giants", None): (5, "5 小巨人"),
    ("ha-fangcheng-superhard-materials", "area_km2", None): (23, "development zone 23 km2"),
    ("js-liyang-power-batteries", "little_giants", None): (4, "4 小巨人 (high-tech zone)"),
}


def test_every_real_cluster_is_present_and_nothing_else(kg):
    assert set(kg.cluster_ids()) == set(CLUSTERS)


@pytest.mark.parametrize("cluster_id", sorted(CLUSTERS))
def test_cluster_facts(kg, cluster_id):
    province, county, industry, level, year = CLUSTERS[cluster_id]
    record = kg.cluster(cluster_id)
    assert (record.province, record.county, record.leading_industry) == (province, county, industry)
    assert record.name_zh and record.name_en and not record.synthetic
    assert record.provenance.source.startswith("real-clusters.md")
    designation = kg.query(f"""
        SELECT ?level ?year WHERE {{ cluster:{cluster_id} pkb:designatedIn ?list . ?list pkb:level ?level .
                                     OPTIONAL {{ ?list pkb:year ?year }} }}""").rows
    assert [(str(lv), y.toPython() if y is not None else None) for lv, y in designation] == [(level, year)]


def test_exactly_the_published_figures(kg):
    observations = kg.facts().observations
    got = {(o.cluster, o.indicator, o.year): o.value for o in observations}
    assert got == {key: Fraction(value) for key, (value, _) in FIGURES.items()}
    assert len(observations) == len(FIGURES)


@pytest.mark.parametrize("key", sorted(FIGURES, key=str))
def test_each_figure_cites_its_source(kg, key):
    [observation] = [o for o in kg.facts([key[0]]).observations if (o.cluster, o.indicator, o.year) == key]
    source = observation.provenance.source
    assert source.startswith("real-clusters.md: press reprints of the")
    assert FIGURES[key][1] in source


def test_unpublished_figures_are_unknown(kg):
    facts = kg.facts(["js-changshu-fluorine-materials", "ha-changyuan-cranes", "ha-runan-electric-vehicles"])
    assert facts.observations == ()  # e.g. no total_output for 常熟: it is unknown, not zero
    everything = kg.facts()
    # no enterprise lists, incidents, assessments or completeness claims are invented either
    assert everything.enterprises == everything.incidents == everything.assessments == ()
    assert everything.complete_records == ()


@pytest.mark.parametrize("cluster_id, text", [
    ("ha-changyuan-cranes", "over 1,200 firms"),
    ("ha-changyuan-cranes", "372.56亿"),
    ("ha-runan-electric-vehicles", "output over 80亿 (2024)"),
    ("js-tongshan-safety-emergency", "output over 500亿"),
    ("js-jingjiang-car-body-parts", "output about 280亿"),
    ("js-liyang-power-batteries", "more than 160 battery firms"),
    ("ha-pingqiao-green-home", "16.89%"),
    ("ha-qibin-satellites", "254 industrial firms"),
    ("ha-fangcheng-superhard-materials", "27 firms"),
])
def test_inexact_figures_are_kept_as_comments_only(kg, cluster_id, text):
    comments = [str(c) for c in kg.graph.objects(cluster_iri(cluster_id), RDFS.comment)]
    assert any(text in c for c in comments)


def test_first_batch_statistics_are_on_the_list_not_on_a_cluster(kg):
    rows = kg.query("SELECT ?c WHERE { ?list pkb:level 'national' ; pkb:year 2022 ; rdfs:comment ?c }").rows
    assert len(rows) == 1 and "474 little giants" in str(rows[0][0])
