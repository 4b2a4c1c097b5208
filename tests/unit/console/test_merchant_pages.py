"""The merchant pages' words: every value they name has its text in both languages, a refusal
that carries its reason in both is shown in the reader's, and the enrolment form is read as
the API's body."""

# ruff: noqa: RUF001

from __future__ import annotations

import pytest
from starlette.datastructures import FormData

from aftersales.console.i18n import Translator
from aftersales.console.pages.merchant_alerts import STATUSES
from aftersales.console.pages.merchant_common import category_name, event_name, named, span
from aftersales.console.pages.merchant_content import KINDS
from aftersales.console.pages.merchant_programme import _chosen
from aftersales.console.routing import explained
from aftersales.console.texts import TEXTS
from aftersales.errors import NotFound, ValidationFailed
from aftersales.exposure import EventKind, Penalty, enrol
from aftersales.exposure.texts import not_your_product
from aftersales.scoring import Tier
from aftersales.scoring.texts import TIER_NAMES
from aftersales.services.scoring_appeals import ACCEPTED, PENDING, REJECTED
from tests.support import START

EN, ZH = Translator("en"), Translator("zh")


def test_every_value_the_merchant_pages_name_has_a_text() -> None:
    keys = [
        *KINDS.values(),
        *STATUSES.values(),
        *(f"merchant.event.{k.value}" for k in EventKind),
        *(f"merchant.penalty.{p.value}" for p in Penalty),
        *(f"merchant.appeal.{s}" for s in (PENDING, ACCEPTED, REJECTED)),
    ]
    assert [k for k in keys if k not in TEXTS] == []


def test_a_refusal_with_its_reason_in_both_languages_is_shown_in_the_readers() -> None:
    refusal = not_your_product("p9")
    error = NotFound(refusal.en, text=refusal)
    assert explained(ZH, error) == {
        "title": "未找到",
        "detail": "在您的商品中找不到商品 p9",
        "extra": "",
    }
    assert explained(EN, error)["detail"] == "product p9 not found among your products"


def test_a_refusal_in_english_only_keeps_the_consoles_explanation_and_its_words() -> None:
    shown = explained(ZH, ValidationFailed("amount: too large"))
    assert shown == {"title": "请检查您填写的内容", "detail": "", "extra": "amount: too large"}


def test_the_domains_pool_refusal_carries_both_languages() -> None:
    owners = {f"x{n}": "m1" for n in range(31)}
    with pytest.raises(ValidationFailed) as caught:
        enrol(
            merchant_id="m1",
            cycle_id="2026-11",
            tier=Tier.GOOD,
            mode="pool",
            product_ids=list(owners),
            owners=owners,
            at=START,
        )
    assert explained(ZH, caught.value)["detail"] == "定向商品池最多 30 件商品，您选择了 31 件"


def test_the_enrolment_form_is_read_as_the_apis_body() -> None:
    form = FormData(
        [("mode", "pool"), ("product_ids", "p1"), ("product_ids", "p3"), ("more", "p9，p1 p7")]
    )
    assert _chosen(form) == {"mode": "pool", "product_ids": ["p1", "p3", "p9", "p7"]}
    store = FormData([("mode", "store"), ("product_ids", "p1"), ("more", "p2")])
    assert _chosen(store) == {"mode": "store"}
    assert _chosen(FormData()) == {"mode": ""}


def test_names_fall_back_to_the_stored_value() -> None:
    assert named(ZH, TIER_NAMES, Tier, "good") == "良好"
    assert named(EN, TIER_NAMES, Tier, "platinum") == "platinum"
    assert event_name(ZH, "enrolled") == "已报名" and event_name(ZH, "new_kind") == "new_kind"
    assert category_name(ZH, "*") == "全部类目" and category_name(EN, "digital/phone") == "Phones"
    assert category_name(EN, "pets/toys") == "pets/toys"


def test_a_span_ends_on_the_last_day_before_its_end() -> None:
    from aftersales.services.exposure_tiers import cycle_at

    cycle = cycle_at(START)
    assert span(EN, cycle.start, cycle.end) == "2026-11-01 to 2026-11-30"
