"""The refusals at the platform's edges give their reason in Chinese too: who may call the API,
the assessment calendar, the orders the marketplace pushes, the scorer's settings, console
forms, the simulation's options. The English is what it always was (``detail``)."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import BaseModel, Field

from aftersales.api.deps import _admitted, admit, bad_cursor
from aftersales.console.forms import parse
from aftersales.domain.actors import Actor, Role
from aftersales.domain.catalog import Channel, Order, OrderLine, check_placed
from aftersales.domain.sign_in import check_password
from aftersales.errors import (
    AuthenticationFailed,
    PermissionDenied,
    ValidationFailed,
)
from aftersales.scoring.calendar import Period, Week
from aftersales.scoring.parameters import ScoringConfig, Weights
from aftersales.simulation.params import plan_span
from tests.support import bilingual

NOW = datetime(2026, 11, 15, 3, 0, tzinfo=UTC)


def test_a_role_refusal_names_the_roles_in_chinese_with_their_codes() -> None:
    with pytest.raises(PermissionDenied) as refused:
        _admitted(Actor(Role.CONSUMER, "c1"), (Role.OPERATOR, Role.MERCHANT_AGENT))

    text = bilingual(refused.value)
    assert text.en == "this needs one of the roles: operator, merchant_agent"
    assert text.zh == "此操作仅限以下角色：平台运营（operator）、商家客服（merchant_agent）"


def test_a_call_without_a_token_is_refused_in_chinese_too() -> None:
    with pytest.raises(AuthenticationFailed) as refused:
        admit(None, None, Role.OPERATOR)  # type: ignore[arg-type]  # refused before ctx is read

    text = bilingual(refused.value)
    assert text.en == "send a bearer token in the Authorization header"
    assert text.zh == "请在 Authorization 请求头中携带 Bearer 令牌"


def test_a_cursor_not_given_out_by_the_api_is_refused_in_chinese_too() -> None:
    text = bilingual(bad_cursor())
    assert text.en == "the cursor is not one this API gave out"
    assert "游标" in text.zh


@pytest.mark.parametrize(
    ("refuse", "en", "zh"),
    [
        (
            lambda: Period.parse("2026-13"),
            "a period is a month written YYYY-MM (2026-11), not '2026-13'",
            "考核周期按月计，须写作 YYYY-MM（如 2026-11），不能是 '2026-13'",
        ),
        (
            lambda: Period.parse("2027-01").check_closed(NOW),
            "period 2027-01 is in the future",
            "考核周期 2027-01 尚未开始",
        ),
        (
            lambda: Week.parse("2026-W54"),
            "there is no week 2026-W54",
            "不存在 2026-W54 这一周",
        ),
        (
            lambda: Week.parse("2026-W46").check_closed(NOW),
            "week 2026-W46 has not ended yet",
            "2026-W46 这一周尚未结束",
        ),
    ],
    ids=["not a month", "a future month", "no such week", "a week still running"],
)
def test_the_assessment_calendar_refuses_in_both_languages(
    refuse: Callable[[], object], en: str, zh: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        refuse()

    assert (bilingual(refused.value).en, bilingual(refused.value).zh) == (en, zh)


def test_an_open_month_says_when_it_closes_in_beijing_time() -> None:
    with pytest.raises(ValidationFailed) as refused:
        Period.parse("2026-11").check_closed(NOW)

    text = bilingual(refused.value)
    assert text.en == "period 2026-11 is still open: it closes 2026-12-01 00:00 China Standard Time"
    assert text.zh == "考核周期 2026-11 尚未结束：将于 2026-12-01 00:00（北京时间）结束"


def test_each_problem_of_a_pushed_order_is_said_in_chinese_and_listed_in_english() -> None:
    placed = datetime(2026, 1, 1, tzinfo=UTC)
    lines = (OrderLine("l1", "o1", "p1", -1, 0), OrderLine("l1", "o1", "p1", 100, 1))

    with pytest.raises(ValidationFailed) as refused:
        Order("o1", "m1", "c1", "s1", Channel.ONLINE, "CN-BJ", placed, lines)

    text = bilingual(refused.value)
    english = [
        "order line ids must be unique",
        "line l1: quantity must be at least 1",
        "line l1: unit price cannot be negative",
    ]
    assert refused.value.extra["errors"] == english
    assert text.en == "; ".join(english)
    assert text.zh == "订单商品的 id 不能重复；商品 l1：数量至少为 1；商品 l1：单价不能为负数"


def test_an_order_from_the_future_is_refused_in_beijing_time() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    order = Order(
        "o1", "m1", "c1", "s1", Channel.ONLINE, "CN-BJ", now + timedelta(hours=1),
        (OrderLine("l1", "o1", "p1", 100, 1),),
    )  # fmt: skip

    with pytest.raises(ValidationFailed) as refused:
        check_placed(order, now)

    text = bilingual(refused.value)
    assert text.en == (
        "placed_at 2026-01-01T01:00:00+00:00 is in the future (it is 2026-01-01T00:00:00+00:00 now)"
    )
    assert text.zh == (
        "placed_at 2026-01-01 09:00:00（北京时间）晚于当前时间（现在是 2026-01-01 08:00:00）"
    )


def test_a_short_password_is_refused_in_chinese_too() -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_password("short")

    assert bilingual(refused.value).zh == "密码须为 10 到 256 个字符；用几个词连成一句即可"


@pytest.mark.parametrize(
    ("refuse", "zh"),
    [
        (
            lambda: Weights.of({"case_rate": 0.5, "satisfaction": 0.6}),
            "各项权重之和须为 1，实际为 1.1",
        ),
        (lambda: ScoringConfig(interval=1.5), "interval 须在 0 到 1 之间，实际为 1.5"),
    ],
    ids=["weights that do not sum to 1", "an interval outside (0, 1)"],
)
def test_the_scorers_settings_are_refused_in_chinese_too(
    refuse: Callable[[], object], zh: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        refuse()

    assert bilingual(refused.value).zh == zh


def test_a_console_form_names_each_wrong_field_in_chinese_as_the_api_does() -> None:
    class Form(BaseModel):
        reason: str = Field(min_length=1)
        score: int

    with pytest.raises(ValidationFailed) as refused:
        parse(Form, {"reason": ""})

    text = bilingual(refused.value)
    assert text.en == ("reason: String should have at least 1 character; score: Field required")
    assert text.zh == "reason: 至少应有 1 个字符；score: 缺少必填项"


def test_the_simulations_options_are_refused_piece_by_piece_in_chinese() -> None:
    with pytest.raises(ValidationFailed) as refused:
        plan_span(days=0, cycles=500, start=None, today=date(2026, 1, 1))

    text = bilingual(refused.value)
    assert refused.value.extra["errors"] == [
        "give --days or --cycles, not both",
        "--days must be between 1 and 3,660 (got 0)",
        "--cycles must be between 1 and 120 (got 500)",
    ]
    assert text.zh == (
        "--days 和 --cycles 只能给出其一；--days 须在 1 到 3,660 之间（实际为 0）；"
        "--cycles 须在 1 到 120 之间（实际为 500）"
    )
