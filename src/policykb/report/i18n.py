"""The words of a report in Chinese or English, and the graph's labels in the chosen language.

Labels come from the knowledge graph (rdfs:label @zh / @en: indicators, cluster names) and
from the policy files (title zh / title en); a missing label in the chosen language falls
back to the other one, then to the id. Explanations are the engine's own sentences
(English); what they name (indicators in inputs, missing data, gap changes) is labelled
in the chosen language."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from policykb.explain import format as fmt
from policykb.vocabulary import BOOLEAN

LANGUAGES = ("zh", "en")
HTML_LANG = {"zh": "zh-CN", "en": "en"}

STATUS = {
    "zh": {"eligible": "符合条件", "ineligible": "不符合条件", "undetermined": "待定",
           "met": "符合", "unmet": "不符合", "unknown": "未知", "review": "待评审"},
    "en": {"eligible": "eligible", "ineligible": "ineligible", "undetermined": "undetermined",
           "met": "met", "unmet": "unmet", "unknown": "unknown", "review": "review"},
}
KIND = {
    "zh": {"hard": "硬性", "soft": "一般（原则上）", "qualitative": "定性"},
    "en": {"hard": "hard", "soft": "soft", "qualitative": "qualitative"},
}

TEXT = {
    "zh": {
        "report": "集群认定报告",
        "contents": "目录",
        "summary": "概要",
        "binding": "约束性条件",
        "near_misses": "接近符合的集群",
        "clusters": "各集群说明",
        "measure": "政策",
        "measure_id": "政策编号",
        "title": "标题",
        "document": "文号",
        "issuer": "发布机关",
        "effective": "施行日期",
        "source": "来源",
        "as_of": "申报年度",
        "as_of_note": "“近三年”指申报年度之前的三个完整年度",
        "version_note": "版本说明",
        "cluster_count": "集群数",
        "verdicts": "认定结论",
        "criterion_statuses": "各条件状态（全部集群合计）",
        "status": "状态",
        "count": "数量",
        "provenance": "数据来源",
        "provenance_real": ("真实集群（{n}个）只载有公开发布的数字，每个数字注明来源；其余情况一律视为未知"
                            "（缺失数据从不当作零），因此多数真实集群的结论为“待定”，并列出所缺数据。"),
        "provenance_synthetic": "合成集群（{n}个）为测试数据，均标注“合成数据”。",
        "colon": "：",
        "explanations_note": "条件说明由规则引擎生成（英文）；指标名称按中文标签显示。",
        "cluster": "集群",
        "cluster_id": "编号",
        "province": "省份",
        "county": "县（市、区）",
        "industry": "主导产业",
        "synthetic": "合成数据",
        "synthetic_column": "合成数据",
        "real": "真实",
        "criterion": "条件",
        "kind": "类型",
        "citation": "出处",
        "source_text": "原文",
        "explanation": "说明",
        "inputs": "输入数据",
        "missing": "缺少数据",
        "assessment": "专家评审",
        "notes": "备注",
        "chart": "图：各条件未满足的集群数",
        "chart_title": "{title}\n各条件未满足的集群数（申报年度{year}）",
        "definitions": "列的含义",
        "def_unmet": "未满足该条件的集群",
        "def_alone": "仅此条件未满足、其余条件均满足：唯此一项使其不能认定",
        "def_alone_not_met": "此条件未满足、未知或待评审，其余条件均满足",
        "def_unknown": "数据不足以判断该条件的集群",
        "def_review": "一般性条件未达到，或定性条件尚无专家评审：待专家决定",
        "near_intro": "尚未符合条件、且未满足条件最少的集群（前{limit}个），以及使其符合条件所需的最少数据变更。",
        "near_none": "没有尚未符合条件的集群。",
        "near_skipped": "（未计算：--near-misses 0）",
        "rank": "排名",
        "failing": "未满足的条件",
        "changes": "所需变更",
        "reachable": "可达",
        "reachable_yes": "经评估：做出这些变更后符合条件",
        "reachable_no": "仅靠数据变更无法符合条件（变更后为：{status}）",
        "blockers": "无法改变",
        "eg_note": "标有 e.g. 的数值代表需公布的数据：满足所述界限的任何数值均可。",
        "overview": "集群一览",
        "none": "无",
        "yes": "是",
        "no": "否",
        "back": "返回目录",
        "generated_by": "由 policykb {version} 生成",
    },
    "en": {
        "report": "Cluster eligibility report",
        "contents": "Contents",
        "summary": "Summary",
        "binding": "Binding criteria",
        "near_misses": "Near misses",
        "clusters": "Clusters",
        "measure": "Measure",
        "measure_id": "Measure id",
        "title": "Title",
        "document": "Document",
        "issuer": "Issuer",
        "effective": "Effective",
        "source": "Source",
        "as_of": "Application year",
        "as_of_note": "\"the last three years\" are the three completed years before it",
        "version_note": "Version note",
        "cluster_count": "Clusters",
        "verdicts": "Verdicts",
        "criterion_statuses": "Criterion statuses (all clusters together)",
        "status": "Status",
        "count": "Count",
        "provenance": "Provenance of the data",
        "provenance_real": ("Real clusters ({n}) carry only the published figures, each with its source; "
                            "everything else about them is unknown (missing data is never taken as zero), so most "
                            "real clusters come out undetermined with a list of what is missing. "),
        "provenance_synthetic": "Synthetic clusters ({n}) are test data and are marked SYNTHETIC.",
        "colon": ": ",
        "explanations_note": "",
        "cluster": "Cluster",
        "cluster_id": "Id",
        "province": "Province",
        "county": "County",
        "industry": "Leading industry",
        "synthetic": "SYNTHETIC",
        "synthetic_column": "synthetic",
        "real": "real",
        "criterion": "Criterion",
        "kind": "Kind",
        "citation": "Citation",
        "source_text": "Source text",
        "explanation": "Explanation",
        "inputs": "Inputs",
        "missing": "Missing",
        "assessment": "Assessment",
        "notes": "Notes",
        "chart": "Figure: clusters not meeting each criterion",
        "chart_title": "{title}: clusters not meeting each criterion, application year {year}",
        "definitions": "What the columns count",
        "def_unmet": "clusters that fail the criterion",
        "def_alone": "unmet here and met on every other criterion: it alone keeps them from eligibility",
        "def_alone_not_met": "not met here (unmet, unknown or review) and met on every other criterion",
        "def_unknown": "clusters whose data cannot decide the criterion",
        "def_review": "soft criterion failed, or qualitative one without an assessment: awaits an expert",
        "near_intro": "The clusters not yet eligible that fail the fewest criteria (top {limit}), with the "
                      "smallest set of data changes that would make each eligible.",
        "near_none": "No cluster is short of eligibility.",
        "near_skipped": "(not computed: --near-misses 0)",
        "rank": "#",
        "failing": "Criteria not met",
        "changes": "Changes needed",
        "reachable": "Reachable",
        "reachable_yes": "eligible with these changes (checked by evaluating them)",
        "reachable_no": "no data change alone makes it eligible (with these changes: {status})",
        "blockers": "Cannot change",
        "eg_note": "Values marked 'e.g.' stand for data to publish: any value meeting the stated bound will do.",
        "overview": "Clusters at a glance",
        "none": "none",
        "yes": "yes",
        "no": "no",
        "back": "back to contents",
        "generated_by": "generated by policykb {version}",
    },
}

BINDING_COLUMNS = ("unmet", "alone", "alone_not_met", "unknown", "review")


class Words:
    """The report's words and labels in one language."""

    def __init__(self, lang: str, vocabulary):
        if lang not in LANGUAGES:
            raise ValueError(f"unknown report language {lang!r}; one of {', '.join(LANGUAGES)}")
        self.lang = lang
        self.vocabulary = vocabulary

    def __getitem__(self, key: str) -> str:
        return TEXT[self.lang][key]

    def status(self, status: str) -> str:
        return STATUS[self.lang].get(status, status)

    def kind(self, kind: str) -> str:
        return KIND[self.lang].get(kind, kind)

    # ------------------------------------------------------------ labels from the graph
    def pick(self, zh: str | None, en: str | None, fallback: str = "") -> str:
        first, second = (zh, en) if self.lang == "zh" else (en, zh)
        return first or second or fallback

    def cluster_name(self, record) -> str:
        return self.pick(record.name_zh, record.name_en, record.id)

    def policy_title(self, policy) -> str:
        return self.pick(policy.titles.get("zh"), policy.titles.get("en"), policy.id)

    def indicator(self, name: str) -> str:
        found = self.vocabulary.indicators.get(name)
        return self.pick(found.label_zh, found.label_en, name) if found else name

    def missing(self, item: str) -> str:
        """A missing-data entry ("total_output 2021", "assessment of frontier") with the
        indicator named by its label."""
        if self.lang == "zh" and item.startswith("assessment of "):
            return f"{item[len('assessment of '):]} 的专家评审"
        name, space, rest = item.partition(" ")
        if name in self.vocabulary.indicators:
            return self.indicator(name) + space + rest
        return item

    def value(self, item) -> str:
        """An input's value in its indicator's display unit (亿元, %, km2 ...)."""
        value = item.value
        if isinstance(value, bool):
            return self["yes"] if value else self["no"]
        indicator = self.vocabulary.indicators.get(item.indicator)
        if isinstance(value, (int, Fraction)):
            if indicator is not None and indicator.dimension != BOOLEAN:
                return fmt.quantity(Fraction(value), indicator.dimension)
            return fmt.decimal(Fraction(value), 4) + (f" {item.unit}" if item.unit else "")
        return str(value)

    def input_line(self, item) -> tuple[str, str]:
        """(what = value, where it comes from) for one input of a criterion."""
        year = f" {item.year}" if item.year is not None else ""
        where = item.source or ""
        if item.record and not (where and item.record.startswith(where)):
            where = f"{where} [{item.record}]" if where else item.record
        elif item.record:
            where = item.record  # the source is the file the record names a row of
        return f"{self.indicator(item.indicator)}{year} = {self.value(item)}", where

    def gap_vocabulary(self):
        """The vocabulary with English labels replaced by the chosen language's, for
        `research.gap.describe` (which names indicators by `label_en`)."""
        if self.lang == "en":
            return self.vocabulary
        indicators = {name: replace(ind, label_en=ind.label_zh or ind.label_en)
                      for name, ind in self.vocabulary.indicators.items()}
        return replace(self.vocabulary, indicators=indicators)
