"""The refusals of the use cases (services/ agents … knowledge) are given in Chinese too: the
English is the detail the API and the CLI have always given, word for word, and
``extra["text"]`` holds it with the Chinese a reader who asks for it is answered in."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any, cast

import pytest

from aftersales.analytics import Window
from aftersales.domain.actors import Actor, Role
from aftersales.domain.catalog import Channel, Merchant, Order, OrderLine
from aftersales.errors import (
    AftersalesError,
    ErrorCode,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    Text,
    ValidationFailed,
)
from aftersales.services import (
    agents,
    assignment,
    assignment_history,
    backtest,
    cases,
    catalog,
    content,
    cycles,
    emergency,
    exposure_events,
    exposure_serving,
    faults,
    knowledge,
)
from aftersales.services.context import Context
from aftersales.store.content import Audience
from aftersales.store.exposure import EventQuery
from aftersales.triage.errors import RevisionMismatch
from tests.support import bilingual

CONSUMER = Actor(Role.CONSUMER, "c1")
MERCHANT = Actor(Role.MERCHANT_AGENT, "m1")
OPERATOR, AUDITOR = Actor(Role.OPERATOR), Actor(Role.AUDITOR)
INTEGRATION = Actor(Role.INTEGRATION)
# Each refusal below is decided before the use case reads anything: it needs no context.
NO_CTX = cast(Context, None)
AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def refusal(call: Callable[[], object]) -> tuple[AftersalesError, Text]:
    with pytest.raises(AftersalesError) as caught:
        call()
    return caught.value, bilingual(caught.value)


def _raise(error: AftersalesError) -> None:
    raise error


# (who does what, the call, the kind of refusal, the English as it always was, the Chinese)
REFUSALS: list[tuple[str, Callable[[], object], type[AftersalesError], str, str]] = [
    (
        "a consumer adds an agent",
        lambda: agents.add_agent(NO_CTX, CONSUMER, cast(Any, None)),
        PermissionDenied,
        "only operators and the integration add agents",
        "只有平台运营或平台系统可以添加客服",
    ),
    (
        "an auditor changes an agent",
        lambda: agents.update_agent(NO_CTX, AUDITOR, "ag_1", agents.AgentUpdate(online=False)),
        PermissionDenied,
        "auditors read agents; they do not change them",
        "审计人员只能查看客服，不能修改",
    ),
    (
        "a consumer lists agents",
        lambda: agents.list_agents(NO_CTX, CONSUMER),
        PermissionDenied,
        "this needs an operator, auditor, integration or merchant token",
        "此操作需要平台运营、审计、平台系统或商家客服的访问令牌",
    ),
    (
        "a merchant assigns a case",
        lambda: assignment.assign(NO_CTX, MERCHANT, "cs_1", assignment.Assign(queue="general")),
        PermissionDenied,
        "only a platform operator assigns cases",
        "只有平台运营可以派发售后单",
    ),
    (
        "an operator assigns a case nowhere",
        lambda: assignment.assign(NO_CTX, OPERATOR, "cs_1", assignment.Assign()),
        ValidationFailed,
        "give an agent_id, a queue or an issue_type",
        "请至少提供 agent_id、queue 或 issue_type 中的一项",
    ),
    (
        "a consumer reads who held a case",
        lambda: assignment_history.case_holdings(NO_CTX, CONSUMER, "cs_1"),
        PermissionDenied,
        "this needs an operator, auditor or merchant token",
        "此操作需要平台运营、审计或商家客服的访问令牌",
    ),
    (
        "a merchant runs a backtest",
        lambda: backtest.backtest(NO_CTX, MERCHANT, cast(Any, None)),
        PermissionDenied,
        "only operators and auditors run backtests",
        "只有平台运营和审计人员可以运行回测",
    ),
    (
        "a merchant opens a case",
        lambda: cases.open_case(NO_CTX, MERCHANT, cases.OpenCase("l1", cast(Any, None), "")),
        PermissionDenied,
        "only consumers open after-sales cases",
        "只有消费者可以申请售后",
    ),
    (
        "a consumer reports conditions nobody knows",
        lambda: cases.open_case(
            NO_CTX, CONSUMER, cases.OpenCase("l1", cast(Any, None), "", {"wet": 1, "bent": 1})
        ),
        ValidationFailed,
        "unknown item condition: bent, wet",
        "未知的商品状况：bent、wet",
    ),
    (
        "a merchant pushes a merchant",
        lambda: catalog.put_merchant(NO_CTX, MERCHANT, Merchant("m1", "M1", ())),
        PermissionDenied,
        "only the marketplace integration can push master data and orders",
        "只有平台系统可以推送主数据和订单",
    ),
    (
        "a merchant lists another merchant's products",
        lambda: catalog.merchant_products(NO_CTX, MERCHANT, "m2"),
        NotFound,
        "merchant m2 not found",
        "找不到商家 m2",
    ),
    (
        "a consumer publishes content",
        lambda: content.publish(NO_CTX, CONSUMER, cast(Any, None)),
        PermissionDenied,
        "only a merchant's agent publishes content",
        "只有商家客服可以发布内容",
    ),
    (
        "a consumer lists content",
        lambda: content.list_contents(NO_CTX, CONSUMER, cast(Any, None)),
        PermissionDenied,
        "this role reads no content",
        "该角色无权查看内容",
    ),
    (
        "a merchant reports content metrics",
        lambda: content.report_metrics(NO_CTX, MERCHANT, date(2026, 11, 1), {}),
        PermissionDenied,
        "only the marketplace's integration reports content metrics",
        "只有平台系统可以上报内容数据",
    ),
    (
        "more active fans than fans",
        lambda: content.put_audience(
            NO_CTX, INTEGRATION, Audience("m1", fans=3, active_fans=5, reported_at=AT)
        ),
        ValidationFailed,
        "active fans (5) cannot exceed fans (3)",
        "活跃粉丝数（5）不能超过粉丝数（3）",
    ),
    (
        "a merchant reviews content",
        lambda: content.review(NO_CTX, MERCHANT, "ct_1", approved=True, text=""),
        PermissionDenied,
        "only an operator reviews content for the amplification pool",
        "只有平台运营可以审核内容是否进入放大池",
    ),
    (
        "a merchant runs a cycle",
        lambda: cycles.run_cycle(NO_CTX, MERCHANT, "2026-10"),
        PermissionDenied,
        "only a platform operator runs assessment cycles",
        "只有平台运营可以运行考核周期",
    ),
    (
        "a consumer reads exposure decisions",
        lambda: exposure_events.list_events(NO_CTX, CONSUMER, EventQuery()),
        PermissionDenied,
        "exposure decisions are read by operators, auditors and merchants",
        "曝光决策仅供平台运营、审计和商家查看",
    ),
    (
        "a merchant ranks",
        lambda: exposure_serving.rank(NO_CTX, MERCHANT, cast(Any, None)),
        PermissionDenied,
        "only the marketplace's integration ranks and reports impressions",
        "只有平台系统可以请求排序和上报曝光",
    ),
    (
        "a consumer reads recurring faults",
        lambda: faults.product_faults(NO_CTX, CONSUMER, "p1"),
        PermissionDenied,
        "recurring faults are for merchants, operators and auditors",
        "常见故障仅供商家、平台运营和审计查看",
    ),
    (
        "a merchant reads another merchant's faults",
        lambda: faults.merchant_faults(NO_CTX, MERCHANT, "m2"),
        NotFound,
        "merchant m2 not found",
        "找不到商家 m2",
    ),
    (
        "a merchant reads the knowledge base",
        lambda: knowledge.list_entries(NO_CTX, MERCHANT, knowledge.KnowledgeQuery()),
        PermissionDenied,
        "operators and auditors read the knowledge base",
        "知识库仅供平台运营和审计查看",
    ),
    (
        "an auditor writes the knowledge base",
        lambda: knowledge.retire_entry(NO_CTX, AUDITOR, "kb_1"),
        PermissionDenied,
        "only operators write the knowledge base",
        "只有平台运营可以编辑知识库",
    ),
]


@pytest.mark.parametrize(
    ("call", "kind", "english", "chinese"),
    [r[1:] for r in REFUSALS],
    ids=[r[0] for r in REFUSALS],
)
def test_a_refusal_a_caller_causes_is_given_in_chinese_with_its_english_as_before(
    call: Callable[[], object], kind: type[AftersalesError], english: str, chinese: str
) -> None:
    error, said = refusal(call)

    assert type(error) is kind
    assert (error.detail, said.zh) == (english, chinese)


def test_an_agent_of_another_pool_is_named_in_chinese_with_whose_cases_it_would_not_serve() -> None:
    ticket = SimpleNamespace(platform=False, merchant_id="m2")

    said = assignment._not_serving("ag_1", cast(Any, ticket))
    platform = assignment._not_serving("ag_1", cast(Any, SimpleNamespace(platform=True)))

    assert said == Text(
        "agent ag_1 does not serve merchant m2's cases", "客服 ag_1 不负责商家 m2 的售后单"
    )
    assert platform.zh == "客服 ag_1 不负责平台的售后单"


def test_several_unknown_references_are_joined_in_chinese_as_in_english_and_listed_in_english() -> (
    None
):
    problems = [
        catalog._unknown_party("consumer", "消费者", "c404"),
        catalog._other_merchants("s3"),
    ]

    error, said = refusal(lambda: _raise(catalog._unknown(problems)))

    assert error.code is ErrorCode.UNKNOWN_REFERENCE
    assert said.en == "consumer c404 is unknown; store s3 belongs to another merchant"
    assert said.zh == "消费者 c404 不存在；店铺 s3 属于其他商家"
    assert error.extra["errors"] == [
        "consumer c404 is unknown",
        "store s3 belongs to another merchant",
    ]


def test_a_stop_sale_hold_names_each_held_line_in_chinese() -> None:
    hold = SimpleNamespace(blocks=lambda product, batch, region: True)
    uow = SimpleNamespace(recalls=SimpleNamespace(holds_in_force=lambda products: [hold]))
    lines = (
        OrderLine("l1", "o9", "p1", 1000, 1, "b1"),
        OrderLine("l2", "o9", "p3", 1000, 1),
    )
    order = Order("o9", "m1", "c1", "s1", Channel.ONLINE, "CN-BJ", AT, lines)

    error, said = refusal(lambda: emergency.check_stop_sale(cast(Any, uow), order))

    assert error.code is ErrorCode.PRODUCT_ON_HOLD
    assert said.en == (
        "line l1: batch b1 of product p1 is on a stop-sale hold; "
        "line l2: product p3 is on a stop-sale hold"
    )
    assert said.zh == "订单商品 l1：商品 p1 的批次 b1 已停售；订单商品 l2：商品 p3 已停售"


def test_a_period_without_orders_gives_its_window_as_days_in_beijing() -> None:
    # October 2026 in China: from 2026-10-01 00:00 CST, which is 2026-09-30 16:00 UTC.
    window = Window(datetime(2026, 9, 30, 16, tzinfo=UTC), datetime(2026, 10, 31, 16, tzinfo=UTC))
    uow = SimpleNamespace(scoring=SimpleNamespace(has_lines=lambda window: False))
    what = Text("period 2026-10", "考核周期 2026-10 ")

    error, said = refusal(lambda: cycles._read(cast(Any, uow), window, what))

    assert isinstance(error, cycles.NothingToAssess)
    assert said.en == (
        "no orders were placed in the window of period 2026-10 (2026-10-01 to 2026-10-31,"
        " China Standard Time): there is nothing to assess"
    )
    assert said.zh == (
        "考核周期 2026-10 的统计窗口（北京时间 2026-10-01 至 2026-10-31）内没有订单，无需考核"
    )


def test_a_final_revision_of_a_weekly_check_asks_for_a_reason_in_chinese() -> None:
    latest = SimpleNamespace(revision=2)
    uow = SimpleNamespace(scoring=SimpleNamespace(latest=lambda kind, period: latest))

    error, said = refusal(lambda: cycles._revision(cast(Any, uow), cycles.WEEKLY, "2026-W44", ""))

    assert isinstance(error, InvalidTransition)
    assert said.zh == "周度检查 2026-W44 已有第 2 版，该版为最终结果；如需计算第 3 版，请填写原因"


def test_metrics_for_a_day_before_publication_are_refused_in_chinese() -> None:
    error, said = refusal(
        lambda: content._check_day("ct_1", date(2026, 11, 2), date(2026, 11, 1), AT)
    )

    assert isinstance(error, ValidationFailed)

    assert said.en == "content ct_1 was published on 2026-11-02, after 2026-11-01"
    assert said.zh == "内容 ct_1 发布于 2026-11-02，晚于所报数据的日期 2026-11-01"


def test_a_change_from_an_old_revision_is_refused_in_both_languages() -> None:
    # The console keeps its own words for it ("the page shows the current version"), the API
    # gives these (console/routing.py, _CONSOLE_WORDS_FIRST).
    with pytest.raises(RevisionMismatch) as caught:
        knowledge._check_revision("kb_1", 3, 2)

    assert caught.value.detail == (
        "entry kb_1 is at revision 3, not 2: read it again, then change that revision"
    )
    assert caught.value.extra["text"].zh == (
        "知识条目 kb_1 当前为第 3 版，而不是第 2 版：请重新读取后，在当前版本上修改"
    )
