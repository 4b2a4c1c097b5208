"""The refusals of the capability packages (exposure, recall, warning, policy, triage) give their
reason in Chinese as well, with the English word for word as it was (decision 0043)."""

# ruff: noqa: RUF001

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from aftersales.domain.actors import Actor, Role
from aftersales.errors import AftersalesError, ErrorCode, Text
from aftersales.exposure import (
    Candidates,
    ContentItem,
    ContentKind,
    ContentMetrics,
    ExposureConfig,
    RankRequest,
    Stage,
    approve,
    check_request,
    enrol,
    parse_slot,
)
from aftersales.policy import Facts
from aftersales.recall import (
    Recall,
    RecallState,
    RecallTerms,
    RecallUnit,
    Remedy,
    Scope,
    Trigger,
    UnitState,
)
from aftersales.scoring import Tier
from aftersales.triage.agents import check_profile
from aftersales.triage.corpus import load_corpus
from aftersales.triage.knowledge_entry import parse_entry
from aftersales.warning import AlertReview
from tests.support import bilingual

AT = datetime(2026, 11, 6, 2, 0, tzinfo=UTC)
OPERATOR = Actor(Role.OPERATOR, "op1")
MERCHANT = Actor(Role.MERCHANT_AGENT, "m1")
SYSTEM = Actor(Role.SYSTEM, "emergency_plan")
# Latin words of three letters or more: an English fragment left in a Chinese sentence.
ENGLISH_WORD = re.compile(r"\b[a-z]{3,}\b")


def refusal(error: pytest.ExceptionInfo[AftersalesError]) -> Text:
    return bilingual(error.value)


# ---- exposure: what the ranking system and merchants are told ---------------------------------


def rank_request(**change: Any) -> RankRequest:
    candidates = Candidates(["a", "b", "a"], ["m1", "m2", "m1"], [0.5, 0.4, 0.3])
    return replace(RankRequest("feed", "u1", candidates, 2), **change)


def test_a_rank_request_with_duplicate_items_is_refused_in_both_languages() -> None:
    with pytest.raises(AftersalesError) as refused:
        check_request(rank_request(), ExposureConfig())

    text = refusal(refused)
    assert text.en == "duplicate item ids among the candidates: a"
    assert text.zh == "候选商品中有重复的商品 id：a"
    assert refused.value.extra["duplicates"] == ["a"]


def test_k_out_of_range_and_an_unknown_slot_are_refused_in_chinese() -> None:
    with pytest.raises(AftersalesError) as k:
        check_request(rank_request(k=0), ExposureConfig())
    with pytest.raises(AftersalesError) as slot:
        parse_slot("banner")

    assert refusal(k).en == "k must be a whole number from 1 to 200, got 0"
    assert refusal(k).zh == "k 须为 1 到 200 之间的整数，实际为 0"
    assert refusal(slot).en == "unknown slot 'banner' (known: search, feed, mini_detail)"
    assert refusal(slot).zh == "未知的流量位 'banner'（可选：search, feed, mini_detail）"


def test_a_too_large_rank_request_keeps_its_code_and_says_why_in_chinese() -> None:
    many = Candidates([f"i{n}" for n in range(3)], ["m"] * 3, [1.0] * 3)
    with pytest.raises(AftersalesError) as refused:
        check_request(rank_request(candidates=many), ExposureConfig(max_candidates=2))

    assert refused.value.code is ErrorCode.RANK_REQUEST_TOO_LARGE
    assert refusal(refused).en == "a rank request takes at most 2 candidates, got 3"
    assert refusal(refused).zh == "每次排序请求最多 2 个候选商品，本次为 3 个"


def test_content_metrics_that_cannot_be_are_refused_in_chinese() -> None:
    with pytest.raises(AftersalesError) as refused:
        ContentMetrics(impressions=2, clicks=3)

    assert refusal(refused).en == "clicks (3) cannot exceed impressions (2)"
    assert refusal(refused).zh == "点击量（3）不能超过曝光量（2）"


def test_a_pool_with_another_merchants_product_is_refused_in_chinese() -> None:
    with pytest.raises(AftersalesError) as refused:
        enrol(
            merchant_id="m1",
            cycle_id="c1",
            tier=Tier.GOOD,
            mode="pool",
            product_ids=["p9"],
            owners={"p9": "m2"},
            at=AT,
        )

    assert refusal(refused).en == (
        "product p9 belongs to another merchant; a pool takes only your own"
    )
    assert refusal(refused).zh == "商品 p9 属于其他商家，定向商品池只能选择您自己的商品"


def test_reviewing_content_that_was_not_nominated_names_its_stage_in_chinese() -> None:
    item = ContentItem("ct1", "m1", ContentKind.POST, ("p1",), date(2026, 11, 1), Stage.COLD_START)
    with pytest.raises(AftersalesError) as merchant:
        approve(item, MERCHANT, on=date(2026, 11, 6), at=AT)
    with pytest.raises(AftersalesError) as early:
        approve(item, OPERATOR, on=date(2026, 11, 6), at=AT)

    assert refusal(merchant).zh == "只有平台运营人员可以审核内容是否进入放大池"
    assert refusal(early).en.startswith("content ct1 is in stage cold_start and not nominated")
    assert "「冷启动」" in refusal(early).zh
    assert not ENGLISH_WORD.search(refusal(early).zh.replace("ct1", ""))


def test_a_bad_exposure_setting_is_refused_in_chinese() -> None:
    with pytest.raises(AftersalesError) as refused:
        ExposureConfig(throttle=2.0)

    assert refusal(refused).en == "throttle must be within (0, 1), got 2.0"
    assert refusal(refused).zh == "throttle 须在 (0, 1) 之内，实际为 2.0"


# ---- recall: operators, merchants and buyers ---------------------------------------------------


def review() -> Recall:
    return Recall.open_review(
        "rc_1",
        product_id="ph",
        merchant_id="m1",
        batch_ids=("hb1",),
        hazard="leaks current",
        trigger=Trigger.CLUSTER,
        terms=RecallTerms(),
        by=SYSTEM,
        at=AT,
    )


def test_only_an_operator_confirms_a_recall_and_the_chinese_names_the_action() -> None:
    with pytest.raises(AftersalesError) as refused:
        review().confirm(MERCHANT, scope=Scope(), remedies=[], terms=RecallTerms(), at=AT)

    assert refusal(refused).en == "only a platform operator can confirm a recall"
    assert refusal(refused).zh == "只有平台运营人员可以确认召回"


def test_a_decided_recall_refuses_a_second_decision_with_its_state_in_chinese() -> None:
    recall = review()
    recall.dismiss(OPERATOR, "false alarm", AT)
    with pytest.raises(AftersalesError) as refused:
        recall.dismiss(OPERATOR, "again", AT)

    assert recall.state is RecallState.DISMISSED
    assert refusal(refused).en == "cannot dismiss recall rc_1: it was already dismissed"
    assert refusal(refused).zh == "召回 rc_1 当前状态为「已排除」，无法排除"
    assert refused.value.extra["state"] == "dismissed"


def test_every_problem_of_a_confirmation_is_listed_in_both_languages() -> None:
    scope = Scope(
        batch_ids=("hb1", "hb1"), produced_from=date(2026, 9, 2), produced_to=date(2026, 9, 1)
    )
    with pytest.raises(AftersalesError) as refused:
        review().confirm(
            OPERATOR, scope=scope, remedies=[Remedy.REFUND], terms=RecallTerms(), at=AT
        )

    english = [
        "the production range ends before it starts",
        "a batch is listed twice",
        "offer at least 2 different remedies",
    ]
    assert refused.value.extra["errors"] == english
    assert refusal(refused).en == "; ".join(english)
    assert refusal(refused).zh == (
        "生产日期范围的截止日早于起始日；有批次重复列出；请至少提供 2 种不同的补救方式"
    )


def test_a_remedy_the_recall_does_not_offer_is_refused_with_the_offered_ones_in_chinese() -> None:
    unit = RecallUnit(
        "rc_1", "hl1", "oh1", "c1", "m1", "CN-BJ", 1, UnitState.NOTIFIED, notified_at=AT
    )
    buyer = Actor(Role.CONSUMER, "c1")
    with pytest.raises(AftersalesError) as refused:
        unit.step(buyer, Remedy.REPAIR, [Remedy.REFUND, Remedy.REPLACEMENT], "", AT)

    assert refused.value.code is ErrorCode.REMEDY_NOT_OFFERED
    assert refusal(refused).en == (
        "repair is not offered by this recall; choose one of: refund, replacement"
    )
    assert refusal(refused).zh == "本次召回不提供「维修」，请从以下方式中选择：退款、换新"


# ---- warning: operators reviewing an alert ----------------------------------------------------


def test_a_dismissed_alert_cannot_be_acknowledged_and_says_so_in_chinese() -> None:
    alert = AlertReview("al_1")
    alert.dismiss("a promotion doubled the sales", OPERATOR, AT)
    with pytest.raises(AftersalesError) as refused:
        alert.acknowledge(OPERATOR, AT)
    with pytest.raises(AftersalesError) as merchant:
        AlertReview("al_2").link_recall("rc_1", MERCHANT, AT)

    assert refusal(refused).en == "cannot acknowledge alert al_1: it is dismissed"
    assert refusal(refused).zh == "预警 al_1 当前状态为「已排除」，无法确认跟进此预警"
    assert refusal(merchant).en == "only a platform operator may link an alert to a recall"
    assert refusal(merchant).zh == "只有平台运营人员可以将此预警关联到召回"


# ---- policy: the facts a consumer's report adds to ---------------------------------------------


def test_invalid_case_facts_list_each_problem_in_both_languages() -> None:
    facts = {
        "case_type": "return_refund",
        "category": "apparel",
        "channel": "by_post",
        "amount": 100,
        "issue_type": "other",
        "days_since_delivery": 3,
        "attributes": {"intact": "yes"},
    }
    with pytest.raises(AftersalesError) as refused:
        Facts.from_json(facts)

    assert refused.value.extra["errors"] == [
        "channel: expected one of online, offline, got str 'by_post'",
        "attributes.intact: expected bool, got str 'yes'",
    ]
    assert refusal(refused).zh == (
        "售后单信息有误：channel：应为可选值之一（online、offline），实际为 str 'by_post'；"
        "attributes.intact：应为布尔值，实际为 str 'yes'"
    )


# ---- triage: agents, knowledge entries, a training corpus --------------------------------------


def test_an_agent_profile_lists_its_problems_in_both_languages() -> None:
    with pytest.raises(AftersalesError) as refused:
        check_profile(
            merchant_id="m1",
            queues=["general", "arbitration"],
            languages=["fr"],
            categories=[],
            capacity=5,
            merchant_queues=["general"],
        )

    english = ["queue arbitration is served by platform agents only", "unknown language fr"]
    assert refused.value.extra["errors"] == english
    assert refusal(refused).zh == "队列 arbitration 仅由平台客服处理；未知的语言 fr"


def test_a_knowledge_entry_names_each_field_in_both_languages() -> None:
    entry = {"id": "kb.x", "issue_types": ["malfunction"], "zh": {"lead": "您好"}, "en": "hi"}
    with pytest.raises(AftersalesError) as refused:
        parse_entry(entry)

    assert refusal(refused).en == (
        "entry (kb.x): zh.steps must not be empty: a reply needs at least one concrete step;"
        " en: expected a mapping with a lead and steps (zh and en are both required)"
    )
    assert refusal(refused).zh == (
        "条目（kb.x）：zh.steps 不能为空：回复至少需要一个具体步骤；"
        "en：应为包含 lead 和 steps 的映射（zh 和 en 都必须填写）"
    )


def test_a_bad_corpus_line_is_refused_with_its_place_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"text": "屏幕不亮"}\n', encoding="utf-8")
    with pytest.raises(AftersalesError) as refused:
        load_corpus(tmp_path)

    assert refusal(refused).en.startswith("a.jsonl:1: issue_type must be one of ")
    assert refusal(refused).zh.startswith("a.jsonl:1：issue_type 须为以下之一：")
