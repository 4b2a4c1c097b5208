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
    assert client_for(users, "op").get(f"{PATH}?period=2026-11").status_code == 404


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
