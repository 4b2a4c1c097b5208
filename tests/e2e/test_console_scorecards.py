"""The operator's scorecard pages over HTTP, on SQLite and PostgreSQL: a period's scorecards by
tier and category, one merchant's card, and the attribution appeals accepted or rejected; both
languages, CSRF, bad input, and who may see and do what."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest

from aftersales.domain.actors import Actor, Role
from aftersales.domain.clock import ManualClock
from aftersales.services import cycles, scorecards, scoring_appeals
from aftersales.services.context import Context
from aftersales.store.scoring import CardQuery
from tests.console_support import add_users, client_for, post_form
from tests.scoring_support import month_of_business, pending_appeal
from tests.support import Market, Storage

OPERATOR = Actor(Role.OPERATOR, "ana")
PLACED = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
DECEMBER = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
EN, ZH = {"Accept-Language": "en"}, {"Accept-Language": "zh-CN"}
PATH = "/console/scorecards"


@pytest.fixture
def users(ctx: Context, market: Market) -> Context:
    add_users(ctx)
    return ctx


@pytest.fixture
def scored(users: Context, clock: ManualClock) -> Context:
    month_of_business(users, clock, PLACED)
    clock.set(DECEMBER)
    cycles.run_cycle(users, OPERATOR, "2026-11")
    return users


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_operators_list_a_periods_scorecards_by_tier_and_category(scored: Context) -> None:
    cycle, cards = scorecards.list_scorecards(scored, OPERATOR, None, CardQuery())
    client = client_for(scored, "op", **EN)
    page = client.get(PATH)
    assert page.status_code == 200
    assert f'<a href="{PATH}" aria-current="page">' in page.text
    words = _text(page.text)
    assert "Merchant scorecards" in words and f"{cycle.period}, revision 1" in words
    for card in cards:
        assert f'href="{PATH}/{card.merchant_id}"' in page.text
    tier = cards[0].tier
    only = client.get(PATH, params={"tier": tier, "period": cycle.period})
    listed = set(re.findall(rf'href="{PATH}/([^"?]+)\?period=', only.text))
    assert listed == {c.merchant_id for c in cards if c.tier == tier}
    for card in cards:
        for breach in card.card["breaches"]:
            assert "over the" in words and breach["level"] in words
    none = client.get(PATH, params={"category": "food/fresh"})
    assert none.status_code == 200 and f'href="{PATH}/m1"' not in none.text
    chinese = _text(client_for(scored, "op", **ZH).get(PATH).text)
    assert "商家服务评分" in chinese and "待处理的归责申诉" in chinese


def test_the_category_filter_is_a_choice_of_named_categories(scored: Context) -> None:
    _, cards = scorecards.list_scorecards(scored, OPERATOR, None, CardQuery())
    phones = {c.merchant_id for c in cards if c.category.startswith("digital/phone")}
    assert phones
    chinese = client_for(scored, "op", **ZH)
    page = chinese.get(PATH).text
    assert '<select id="category" name="category">' in page
    assert '<option value="digital/phone">数码 · 手机</option>' in page
    for typed in ("digital/phone", "手机", "Phone", "phones", " Phones "):
        found = chinese.get(PATH, params={"category": typed})
        assert found.status_code == 200, typed
        assert '<option value="digital/phone" selected>' in found.text, typed
        assert set(re.findall(rf'href="{PATH}/([^"?]+)"', found.text)) >= phones, typed


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_filter_values_that_do_not_fit_are_said_above_the_filter(
    scored: Context, lang: str
) -> None:
    client = client_for(scored, "op", **(EN if lang == "en" else ZH))
    said = {
        ("period", "2026-13"): ("is not a period", "不是有效的考核期"),
        ("period", "soon"): ("is not a period", "不是有效的考核期"),
        ("period", "2025-01"): ("has no assessment cycle", "没有考核周期"),
        ("category", "Digital Phones!"): ("is not a category we know", "不是已知类目"),
        ("category", "家具城"): ("is not a category we know", "不是已知类目"),
        ("tier", "platinum"): ("is not one of the choices", "不在可选范围内"),
    }
    for (name, value), words in said.items():
        page = client.get(PATH, params={name: value})
        assert page.status_code == 200, (name, value)
        alert = re.search(r'<div class="alert" role="alert">(.*?)</div>', page.text, re.S)
        assert alert is not None, (name, value)
        assert words[lang == "zh"] in unescape(alert.group(1)), (name, value)
        assert page.text.index('role="alert"') < page.text.index('<form method="get"')
        assert f'href="{PATH}/m1' in page.text  # the latest cycle's cards, unfiltered


def test_the_list_names_the_peer_group_each_card_was_placed_in(scored: Context) -> None:
    """The group the percentile is taken in, with its volume band: not the merchant's own
    category, which a small marketplace pools into the whole market's group."""
    _, cards = scorecards.list_scorecards(scored, OPERATOR, None, CardQuery())
    listed = client_for(scored, "op", **EN).get(PATH).text
    for card in cards:
        group = card.card["peer_group"]
        row = re.search(rf'href="{PATH}/{card.merchant_id}["?].*?</tr>', listed, re.S)
        assert row is not None
        words = _text(row.group(0))
        if group["category"] == "*":
            assert "all categories" in words
        if group["band"] != "*":
            assert f"{group['band']} orders" in words


def test_a_merchants_card_opens_as_the_merchant_sees_it(scored: Context) -> None:
    cycle, card = scorecards.get_scorecard(scored, OPERATOR, "m1")
    for who in ("op", "audit"):
        page = client_for(scored, who, **EN).get(f"{PATH}/m1")
        assert page.status_code == 200
        words = _text(page.text)
        assert "Service scorecard · m1" in words and "What moved the score" in words
        assert "Figures with their 90% intervals" in words
        assert card.card["explanation"]["en"].split(".")[0] in words
        assert 'action="/console/merchant/appeals"' not in page.text
        assert f'href="{PATH}/m1?period={cycle.period}"' in page.text
    chinese = _text(client_for(scored, "op", **ZH).get(f"{PATH}/m1").text)
    assert card.card["explanation"]["zh"][:6] in chinese
    assert client_for(scored, "op").get(f"{PATH}/nobody").status_code == 404
    assert client_for(scored, "op").get(f"{PATH}/m1?period=2026-01").status_code == 404
    assert client_for(scored, "op").get(f"{PATH}/m1?period=soon").status_code in (404, 422)


def test_before_any_cycle_the_list_says_so(users: Context) -> None:
    page = client_for(users, "op", **EN).get(PATH)
    assert page.status_code == 200 and "No assessment cycle has been run yet" in _text(page.text)
    month = client_for(users, "op", **EN).get(f"{PATH}?period=2026-11")
    assert month.status_code == 200 and "Period 2026-11 has no assessment cycle" in month.text


@pytest.mark.parametrize("who", ["li", "acme"])
def test_scorecard_pages_are_not_for_consumers_or_merchants(scored: Context, who: str) -> None:
    client = client_for(scored, who)
    assert client.get(PATH).status_code == 403
    assert client.get(f"{PATH}/m1").status_code == 403


def test_an_operator_accepts_and_rejects_appeals_with_a_reason(scored: Context) -> None:
    first = pending_appeal(scored)["appeal_id"]
    second = pending_appeal(scored)["appeal_id"]
    client = client_for(scored, "op", **EN)
    page = client.get(PATH)
    assert f'action="{PATH}/appeals/{first}/accept"' in page.text
    assert "not our fault" in _text(page.text)
    sent = post_form(client, f"{PATH}/appeals/{first}/accept", {"reason": "courier lost it"}, PATH)
    assert sent.status_code == 303 and "done=appeal_accepted" in sent.headers["location"]
    assert "Appeal accepted" in _text(client.get(sent.headers["location"]).text)
    sent = post_form(client, f"{PATH}/appeals/{second}/reject", {"reason": "photos show it"}, PATH)
    assert sent.status_code == 303
    decided = {a.id: a for a in scoring_appeals.list_appeals(scored, OPERATOR)}
    accepted, rejected = decided[first], decided[second]
    assert (accepted.state, accepted.decision_reason) == ("accepted", "courier lost it")
    assert (rejected.state, rejected.decision_reason) == ("rejected", "photos show it")
    assert f"{PATH}/appeals/" not in client.get(PATH).text  # nothing waits any more


def test_refused_decisions_say_why_and_write_nothing(scored: Context, storage: Storage) -> None:
    appeal = pending_appeal(scored)["appeal_id"]
    english, chinese = client_for(scored, "op", **EN), client_for(scored, "op", **ZH)
    auditor = client_for(scored, "audit", **EN)
    before = storage.snapshot()
    blank = post_form(english, f"{PATH}/appeals/{appeal}/accept", {"reason": "  "}, PATH)
    assert blank.status_code == 422 and 'role="alert"' in blank.text
    assert post_form(chinese, f"{PATH}/appeals/{appeal}/reject", {}, PATH).status_code == 422
    missing = post_form(english, f"{PATH}/appeals/nope/accept", {"reason": "x"}, PATH)
    assert missing.status_code == 404
    forged = english.post(f"{PATH}/appeals/{appeal}/accept", data={"csrf": "", "reason": "x"})
    assert forged.status_code == 403
    assert f"{PATH}/appeals/{appeal}/accept" not in auditor.get(PATH).text
    assert auditor.post(f"{PATH}/appeals/{appeal}/accept", data={"reason": "x"}).status_code == 403
    assert storage.snapshot() == before
    post_form(english, f"{PATH}/appeals/{appeal}/accept", {"reason": "ok"}, PATH)
    again = post_form(english, f"{PATH}/appeals/{appeal}/reject", {"reason": "no"}, PATH)
    assert again.status_code == 409 and "already accepted" in _text(again.text)
