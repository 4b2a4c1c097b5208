"""The API's refusals of bad input in Chinese: pydantic's common error types, the API's own
validators' reasons, and the JSON refusals of the msgspec bodies.

A request that prefers Chinese (``Accept-Language``) reads these in the problem's ``detail`` and
each error's ``msg``, the English kept under ``details`` (``problems``). An error type without a
wording here stays in English. Kept apart from the handlers so that a translator edits one file.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aftersales.scoring.texts import Text

__all__ = ["ERROR_TYPES", "SEPARATOR", "in_chinese", "misfit", "not_json"]

SEPARATOR = "；"  # between the errors of one detail

# pydantic's error type -> its message, with the same {placeholders} as pydantic's own template.
ERROR_TYPES: dict[str, str] = {
    "missing": "缺少必填项",
    "string_too_short": "至少应有 {min_length} 个字符",
    "string_too_long": "最多只能有 {max_length} 个字符",
    "string_pattern_mismatch": "格式不符合要求（应匹配 {pattern}）",
    "string_type": "应为文本字符串",
    "string_unicode": "应为文本字符串，无法按 Unicode 解读",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应大于或等于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应小于或等于 {le}",
    "multiple_of": "应为 {multiple_of} 的倍数",
    "finite_number": "应为有限的数字",
    "int_type": "应为整数",
    "int_parsing": "应为整数，无法把文本解析为整数",
    "int_from_float": "应为整数，不能带小数部分",
    "float_type": "应为数字",
    "float_parsing": "应为数字，无法把文本解析为数字",
    "bool_type": "应为布尔值",
    "bool_parsing": "应为布尔值，无法识别该输入",
    "enum": "应为以下之一：{expected}",
    "literal_error": "应为以下之一：{expected}",
    "extra_forbidden": "不允许多余的字段",
    "json_invalid": "JSON 无效：{error}",
    "uuid_type": "应为 UUID",
    "uuid_parsing": "应为有效的 UUID：{error}",
    "date_type": "应为日期",
    "date_parsing": "应为 YYYY-MM-DD 格式的日期：{error}",
    "date_from_datetime_parsing": "应为日期或日期时间：{error}",
    "datetime_type": "应为日期时间",
    "datetime_parsing": "应为有效的日期时间：{error}",
    "datetime_from_date_parsing": "应为日期时间或日期：{error}",
    "timezone_aware": "应带时区",
    "list_type": "应为列表",
    "too_short": "至少应有 {min_length} 项，实际 {actual_length} 项",
    "too_long": "最多只能有 {max_length} 项，实际 {actual_length} 项",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "value_error": "取值无效：{error}",
}

# The reasons inside ``{error}``: the common ones of pydantic's date parser, and those the API's
# own validators give (``raise ValueError(...)`` in the schemas). Others are quoted in English.
_REASONS: dict[str, str] = {
    "input is too short": "输入太短",
    "invalid character in year": "年份中有无效字符",
    "invalid character in month": "月份中有无效字符",
    "invalid character in day": "日期中有无效字符",
    "invalid date separator, expected `-`": "日期分隔符无效，应为 `-`",
    "invalid datetime separator, expected `T`, `t`, `_` or space": (
        "日期与时间的分隔符无效，应为 `T`、`t`、`_` 或空格"
    ),
    "month value is outside expected range of 1-12": "月份应在 1 到 12 之间",
    "day value is outside expected range": "日期超出该月的天数",
    "hour value is outside expected range of 0-23": "小时应在 0 到 23 之间",
    "minute value is outside expected range of 0-59": "分钟应在 0 到 59 之间",
    "second value is outside expected range of 0-59": "秒应在 0 到 59 之间",
    "timezone offset must be less than 24 hours": "时区偏移应小于 24 小时",
    "unexpected extra characters at the end of the input": "输入末尾有多余的字符",
    "text cannot contain the NUL character (U+0000)": "文本不能包含 NUL 字符（U+0000）",
    "give online, capacity, or both": "请给出 online、capacity 或两者",
    "give an agent_id, a queue, an issue_type, or several": (
        "请给出 agent_id、queue、issue_type 中的一项或几项"
    ),
    "a dismissal takes a reason only, no scope or remedies": "驳回只需理由，不带范围或补救方式",
}


def in_chinese(error: Mapping[str, Any]) -> str | None:
    """The error's message in Chinese; None for a type without a wording here."""
    template = ERROR_TYPES.get(str(error.get("type", "")))
    if template is None:
        return None
    context = {k: _shown(k, v) for k, v in (error.get("ctx") or {}).items()}
    try:
        return template.format_map(context)
    except (KeyError, IndexError, ValueError):  # a context this template does not expect
        return None


def _shown(key: str, value: Any) -> str:
    text = str(value)
    if key == "expected":  # "'a', 'b' or 'c'"
        return text.replace(" or ", ", ").replace(", ", "、")
    if key == "error":
        return _REASONS.get(text, text)
    return text


def not_json(reason: str | None = None) -> Text:
    """A body that is not JSON, with the parser's reason if it gave one (in English)."""
    if reason is None:
        return Text("the body is not valid JSON", "请求体不是有效的 JSON")
    return Text(f"the body is not valid JSON: {reason}", f"请求体不是有效的 JSON：{reason}")


def misfit(reason: str) -> Text:
    """A JSON body whose fields do not fit, with the parser's reason (and the field's place)."""
    return Text(f"the body does not fit: {reason}", f"请求体的字段不符合要求：{reason}")
