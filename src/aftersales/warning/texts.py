"""Every sentence the warning package shows people, in English and Chinese.

Kept in one place so that a translator edits one file. The Chinese uses Chinese punctuation,
as readers expect, hence the file-wide exemption from ruff's ambiguous-character rule.
"""

# ruff: noqa: RUF001

from __future__ import annotations

__all__ = ["METHOD_NAMES", "REASON_TEXT", "TEMPLATES"]

# Reason value -> (en, zh).
REASON_TEXT: dict[str, tuple[str, str]] = {
    "future_date": (
        "the week asked for has not ended yet",
        "所查询的周尚未结束",
    ),
    "too_short": (
        "the series is too new to know what is normal",
        "该序列历史太短，无法判断正常水平",
    ),
    "missing_current": (
        "there is no count for the week asked for",
        "所查询的周没有计数",
    ),
    "zeros_only": (
        "the series has no cases at all, so there is nothing to compare with",
        "该序列从未出现售后单，无从比较",
    ),
    "too_many_gaps": (
        "too many weeks of the history are missing to estimate the normal level",
        "历史数据缺失过多，无法估计正常水平",
    ),
    "missing_exposure": (
        "the number of units sold or in service is missing or zero for this week",
        "本周的销量或在保数量缺失或为零",
    ),
    "negative_exposure": (
        "the number of units sold or in service is negative, which cannot be right",
        "销量或在保数量为负数，数据有误",
    ),
    "no_convergence": (
        "the model of the normal level could not be fitted to this history",
        "无法用该历史数据拟合正常水平模型",
    ),
    "low_count": (
        "too few cases in the last weeks to raise an alarm (minimum-count rule)",
        "最近几周售后单太少，按最低数量规则不发出预警",
    ),
}

# Method value -> (en, zh).
METHOD_NAMES: dict[str, tuple[str, str]] = {
    "farrington_flexible": ("improved Farrington method", "改进 Farrington 方法"),
    "ears_c1": ("EARS C1, recent weeks only", "EARS C1（仅用近几周）"),
    "ears_c2": ("EARS C2, recent weeks only", "EARS C2（仅用近几周）"),
    "ears_c3": ("EARS C3, recent weeks only", "EARS C3（仅用近几周）"),
    "cusum": ("CUSUM of sustained excess", "累积和（持续偏高）"),
}

# Explanations; fields: who, week, observed, expected, threshold, method, p, weeks, score.
TEMPLATES: dict[str, tuple[str, str]] = {
    "week": (
        "{who}: {observed} cases in the week of {week}, {expected} expected; more than "
        "{threshold} would be unusual ({method}{p}).",
        "{who}：{week} 当周 {observed} 单，预期 {expected} 单；超过 {threshold} 单即属异常"
        "（{method}{p}）。",
    ),
    "run": (
        "{who}: cases have run above the usual level for {weeks} weeks up to the week of "
        "{week}: {observed} against {expected} expected ({method} {score}, threshold "
        "{threshold}).",
        "{who}：截至 {week} 当周，已连续 {weeks} 周高于正常水平，共 {observed} 单，预期 "
        "{expected} 单（{method} {score}，阈值 {threshold}）。",
    ),
    "group": (
        "{count} alerts in {scope} ({products} series): {observed} cases against {expected} "
        "expected; strongest: {top}.",
        "{scope} 共 {count} 条预警（{products} 个序列）：{observed} 单，预期 {expected} 单；"
        "最突出：{top}。",
    ),
    "scope_both": ("{category} in {region}", "{region}地区 {category}"),
    "scope_category": ("{category}, all regions", "{category}（全部地区）"),
    "scope_region": ("all categories in {region}", "{region}地区（全部品类）"),
    "who": ("{thing} in {region}", "{region}地区 {thing}"),
    "p": (", p {p}", "，p {p}"),
}
