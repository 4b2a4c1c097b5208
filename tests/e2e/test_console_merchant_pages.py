"""The merchant's own console pages over HTTP, on SQLite and PostgreSQL: scorecard (with
appeals), programme (with enrolment), content, alerts and recalls, recurring faults.

Each page is read in both languages by its merchant, and by the other merchant, who must see
nothing of the first one's; each form works, refuses bad input with the service's reason in the
reader's language, and then writes nothing.
"""

# ruff: noqa: RUF001

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from fastapi.testclient import TestClient

from aftersales.domain.actors import Actor, Role
from aftersales.domain.clock import ManualClock
from aftersales.services import alerts, cycles, programme
from aftersales.services import cases as uc
from aftersales.services import content as content_service
from aftersales.services.context import Context
from aftersales.store.content import ContentQuery
from tests.console_support import add_users, client_for, csrf_of, post_form
from tests.exposure_support import add_products, m1_content, nominated_content, use_tiers
from tests.recall_support import confirmed_recall
from tests.scoring_support import appealable_case, month_of_business
from tests.support import Market, Storage
from tests.warning_support import alert_with_recall, stored_alert

OPERATOR = Actor(Role.OPERATOR, "ana")
M1 = Actor(Role.MERCHANT_AGENT, "m1")
PLACED = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
DECEMBER = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
EN, ZH = {"Accept-Language": "en"}, {"Accept-Language": "zh-CN"}
PAGES = ("scorecard", "programme", "content", "alerts", "faults")


@pytest.fixture
def users(ctx: Context, market: Market) -> Context:
    add_users(ctx)
    return ctx


def _text(html: str) -> str:
    """The words of a page, without its markup."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _alert(html: str) -> str:
    found = re.search(r'<div class="alert" role="alert">(.*?)</div>', html, re.S)
    assert found, "the page shows no refusal"
    return _text(found.group(1))


# ---- every page, every role ---------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_each_merchant_page_is_in_the_menu_and_speaks_both_languages(
    users: Context, name: str
) -> None:
    path = f"/console/merchant/{name}"
    english = client_for(users, "acme", **EN).get(path)
    chinese = client_for(users, "acme", **ZH).get(path)
    assert english.status_code == chinese.status_code == 200
    assert f'<a href="{path}" aria-current="page">' in english.text
    assert 'lang="en"' in english.text and 'lang="zh-CN"' in chinese.text
    assert "<h1>" in english.text and "Traceback" not in english.text


@pytest.mark.parametrize("who", ["li", "op", "audit"])
def test_merchant_pages_are_not_for_other_roles(users: Context, who: str) -> None:
    client = client_for(users, who)
    for name in PAGES:
        assert client.get(f"/console/merchant/{name}").status_code == 403
    assert client_for(users).get("/console/merchant/scorecard", follow_redirects=False).headers[
        "location"
    ] == ("/console/signin?next=/console/merchant/scorecard")


# ---- scorecard ----------------------------------------------------------------------------------


@pytest.fixture
def scored(users: Context, clock: ManualClock) -> Context:
    """October (the market's few orders: not enough data) and November (a month of business)."""
    month_of_business(users, clock, PLACED)
    clock.set(DECEMBER)
    cycles.run_cycle(users, OPERATOR, "2026-10")
    cycles.run_cycle(users, OPERATOR, "2026-11")
    return users


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return _text(html[start : html.index("</section>", start)])


def test_the_scorecard_shows_tier_score_intervals_trend_and_factors(scored: Context) -> None:
    from aftersales.scoring.texts import METRIC_NAMES
    from aftersales.services.scorecards import get_scorecard

    card = get_scorecard(scored, M1, "m1")[1]
    page = client_for(scored, "acme", **EN).get("/console/merchant/scorecard")
    assert page.status_code == 200
    words = _text(page.text)
    assert "Service scorecard" in words and "2026-11, revision 1" in words
    assert "standard Tier" in words  # a first scored cycle never promotes
    assert f"{card.score:.1f} score of 100" in words
    assert "90% interval" in words and "per 1,000 orders to" in words
    factors = _section(page.text, "factors")
    moved = card.card["explanation"]["factors"]
    assert moved, "the first scored cycle is compared with the peer middle"
    for f in moved:
        name = METRIC_NAMES[f["metric"]].en
        change = f["points"] - f["points_before"]
        assert f"{name} {f['points_before']:.1f} {f['points']:.1f}" in factors
        assert f"{change:+.1f}" in factors.replace("▲ ", "").replace("▼ ", "")
    assert page.text.count("<svg") == 1  # the trend
    assert 'href="/console/merchant/scorecard?period=2026-10"' in page.text
    assert "not enough data" in words  # October's tier, in the trend table
    chinese = _text(client_for(scored, "acme", **ZH).get("/console/merchant/scorecard").text)
    assert "服务质量评分" in chinese and "90% 区间" in chinese and "影响得分的因素" in chinese
    assert "得分" in chinese and "满意度（4-5 星）" in chinese


def test_each_merchant_reads_only_its_own_scorecard(scored: Context) -> None:
    from aftersales.services.scorecards import get_scorecard

    own = get_scorecard(scored, Actor(Role.MERCHANT_AGENT, "m2"), "m2")[1]
    other = get_scorecard(scored, M1, "m1")[1]
    assert own.score is not None and other.score is not None
    assert f"{own.score:.1f}" != f"{other.score:.1f}"
    page = _text(client_for(scored, "knit", **EN).get("/console/merchant/scorecard").text)
    assert f"{own.score:.1f} score of 100" in page
    assert f"{other.score:.1f} score of 100" not in page


def test_a_past_period_opens_and_one_without_a_cycle_is_not_found(scored: Context) -> None:
    client = client_for(scored, "acme", **EN)
    october = client.get("/console/merchant/scorecard?period=2026-10")
    assert october.status_code == 200 and "2026-10, revision 1" in october.text
    assert "Quality-merchant programme now" not in october.text  # the latest card's only
    assert client.get("/console/merchant/scorecard?period=2026-09").status_code == 404
    assert client.get("/console/merchant/scorecard?period=last").status_code == 404
    assert client.get("/console/merchant/scorecard?period=2026-13").status_code == 422


def test_before_any_cycle_the_scorecard_says_there_is_none_yet(users: Context) -> None:
    page = client_for(users, "acme", **EN).get("/console/merchant/scorecard")
    assert page.status_code == 200
    assert "No assessment cycle has scored your shop yet" in page.text


def test_a_merchant_appeals_a_case_that_counts_against_it(users: Context) -> None:
    case_id = appealable_case(users)["case_id"]
    client = client_for(users, "acme", **EN)
    path = "/console/merchant/scorecard"
    sent = post_form(
        client, "/console/merchant/appeals", {"case_id": case_id, "reason": "courier"}, path
    )
    assert sent.status_code == 303 and sent.headers["location"].startswith(f"{path}?done=appeal")
    page = _text(client.get(sent.headers["location"]).text)
    assert "Your appeal was received." in page
    assert f"{case_id} waiting for the platform courier" in page


def test_appeals_refused_say_why_in_the_readers_language_and_write_nothing(
    users: Context, storage: Storage
) -> None:
    own = appealable_case(users)["case_id"]
    from aftersales.services.scoring_appeals import file_appeal

    file_appeal(users, M1, own, "first")
    others = uc.open_case(
        users, Actor(Role.CONSUMER, "c2"), uc.OpenCase("l2", uc.CaseType.REPAIR, "shrank")
    ).id
    path, action = "/console/merchant/scorecard", "/console/merchant/appeals"
    chinese, english = client_for(users, "acme", **ZH), client_for(users, "acme", **EN)
    before = storage.snapshot()
    twice = post_form(chinese, action, {"case_id": own, "reason": "again"}, path)
    foreign = post_form(english, action, {"case_id": others, "reason": "not ours"}, path)
    empty = post_form(english, action, {"case_id": own, "reason": "  "}, path)
    forged = english.post(action, data={"csrf": "forged", "case_id": own, "reason": "x"})
    assert (twice.status_code, foreign.status_code, empty.status_code) == (409, 404, 422)
    assert forged.status_code == 403
    assert f"售后单 {own} 已申诉过" in _alert(twice.text)
    assert f"case {others} not found" in _alert(foreign.text)
    assert "shrank" not in foreign.text  # nothing of the other merchant's case
    assert "Please check your input" in _alert(empty.text)
    assert ">not ours</textarea>" in foreign.text  # what was typed is kept
    assert storage.snapshot() == before


# ---- programme ----------------------------------------------------------------------------------


@pytest.fixture
def tiers(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    return use_tiers(monkeypatch, {"m1": "good", "m2": "excellent"})


def test_an_eligible_merchant_enrols_a_pool_from_the_page(
    users: Context, tiers: dict[str, str]
) -> None:
    client = client_for(users, "acme", **EN)
    path = "/console/merchant/programme"
    page = _text(client.get(path).text)
    assert "Eligible" in page and "Not enrolled" in page and "Phone X" in page
    assert "Wool sweater" not in page  # m2's product is not offered
    token = csrf_of(client.get(path).text)
    sent = client.post(
        path,
        data={"csrf": token, "mode": "pool", "product_ids": ["p1", "p3"], "more": "p1"},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    enrolled = _text(client.get(sent.headers["location"]).text)
    assert "Enrolled. The boost starts at the next serving refresh." in enrolled
    assert "a pool of 2 products" in enrolled
    view = programme.programme_status(users, M1, "m1")
    assert view.enrolment is not None
    assert sorted(view.enrolment.enrolment.product_ids) == ["p1", "p3"]
    chinese = _text(client_for(users, "acme", **ZH).get(path).text)
    assert "已报名" in chinese and "定向商品池 2 件" in chinese


def test_a_store_wide_enrolment_sends_no_products(users: Context, tiers: dict[str, str]) -> None:
    client = client_for(users, "acme", **EN)
    path = "/console/merchant/programme"
    token = csrf_of(client.get(path).text)
    data = {"csrf": token, "mode": "store", "product_ids": ["p1"]}
    assert client.post(path, data=data, follow_redirects=False).status_code == 303
    view = programme.programme_status(users, M1, "m1")
    assert view.enrolment is not None and view.enrolment.enrolment.mode.value == "store"


def test_refused_enrolments_show_the_services_reason_in_both_languages(
    users: Context, tiers: dict[str, str], storage: Storage
) -> None:
    pool = add_products(users, "m1", 31)
    path = "/console/merchant/programme"
    english, chinese = client_for(users, "acme", **EN), client_for(users, "acme", **ZH)

    def enrol(client: TestClient, **data: object) -> tuple[int, str]:
        token = csrf_of(client.get(path).text)
        answer = client.post(path, data={"csrf": token, **data}, follow_redirects=False)
        return answer.status_code, _alert(answer.text).strip() if answer.status_code != 303 else ""

    before = storage.snapshot()
    assert enrol(english, mode="pool", product_ids=pool) == (
        422,
        "Please check your input a targeted pool holds at most 30 products, got 31",
    )
    assert enrol(chinese, mode="pool", more=" ".join(pool)) == (
        422,
        "请检查您填写的内容 定向商品池最多 30 件商品，您选择了 31 件",
    )
    assert enrol(english, mode="pool", product_ids=["p1", "p2"])[0] == 404
    assert "product p2 not found among your products" in enrol(english, mode="pool", more="p2")[1]
    assert "在您的商品中找不到商品 p2" in enrol(chinese, mode="pool", more="p2")[1]
    assert enrol(english, mode="pool")[0] == 422  # an empty pool
    assert "定向商品池至少需要一件商品" in enrol(chinese, mode="pool")[1]
    assert enrol(english, mode="half")[0] == 422
    assert enrol(english, mode="pool", more="p1 bad/id")[0] == 422
    refused = english.post(path, data={"csrf": "", "mode": "store"})
    assert refused.status_code == 403
    assert storage.snapshot() == before


def test_a_merchant_that_is_not_eligible_sees_why_and_no_form(
    users: Context, tiers: dict[str, str], storage: Storage
) -> None:
    tiers["m1"] = "standard"
    client = client_for(users, "acme", **EN)
    path = "/console/merchant/programme"
    page = client.get(path).text
    assert "Not eligible" in page and 'action="/console/merchant/programme"' not in page
    assert "Tier standard this cycle" in _text(page)
    before = storage.snapshot()
    token = csrf_of(page)
    refused = client.post(path, data={"csrf": token, "mode": "store"})
    assert refused.status_code == 409
    assert "Not eligible this cycle" in _alert(refused.text)
    assert storage.snapshot() == before


def test_another_merchants_programme_page_shows_nothing_of_the_first(
    users: Context, tiers: dict[str, str]
) -> None:
    programme.enrol_merchant(users, M1, programme.Enrol("pool", ("p1", "p3")))
    page = _text(client_for(users, "knit", **EN).get("/console/merchant/programme").text)
    # The words only: a random CSRF token in the markup may well contain "p3".
    assert "Not enrolled" in page and "Phone X" not in page
    assert not re.search(r"\bp[13]\b", page)


# ---- content ------------------------------------------------------------------------------------


def test_content_pages_show_the_stage_its_history_and_metrics(users: Context) -> None:
    plain = m1_content(users)["content_id"]
    waiting = nominated_content(users)["content_id"]
    client = client_for(users, "acme", **EN)
    listing = _text(client.get("/console/merchant/content").text)
    assert "unboxing" in listing and "organic" in listing and "boost" in listing
    assert "Waiting for the platform's review" in listing
    item = client.get(f"/console/merchant/content/{waiting}")
    assert item.status_code == 200
    words = _text(item.text)
    assert "Metrics the next daily run judges" in words and "impressions" in words
    assert 'aria-current="step"' in item.text
    chinese = _text(client_for(users, "acme", **ZH).get(f"/console/merchant/content/{plain}").text)
    assert "自然流量" in chinese and "阶段变化与原因" in chinese


def test_another_merchants_content_is_not_found(users: Context) -> None:
    item = m1_content(users)["content_id"]
    other = client_for(users, "knit", **EN)
    page = other.get(f"/console/merchant/content/{item}")
    assert page.status_code == 404 and "unboxing" not in page.text
    assert "unboxing" not in other.get("/console/merchant/content").text
    assert other.get("/console/merchant/content/%00bad").status_code == 404


def test_a_merchant_publishes_an_item_from_the_content_page(users: Context) -> None:
    client = client_for(users, "acme", **EN)
    path = "/console/merchant/content"
    listing = _text(client.get(path).text)
    assert "Publish an item" in listing and "Phone X" in listing
    assert "Wool sweater" not in listing  # m2's product is not offered
    token = csrf_of(client.get(path).text)
    data = {"csrf": token, "kind": "short_video", "title": " Setting up the X ", "more": "p1，p3"}
    sent = client.post(path, data=data, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"].startswith(f"{path}/")
    item = _text(client.get(sent.headers["location"]).text)
    assert "Published. The item starts at cold start" in item and "Setting up the X" in item
    (record,) = content_service.list_contents(users, M1, ContentQuery(limit=5))
    assert record.title == "Setting up the X" and record.item.kind.value == "short_video"
    assert sorted(record.item.product_ids) == ["p1", "p3"]
    assert "Setting up the X" in _text(client.get(path).text)
    chinese = _text(client_for(users, "acme", **ZH).get(path).text)
    assert "发布内容" in chinese and "关联商品" in chinese


def test_refused_publications_show_the_reason_and_write_nothing(
    users: Context, storage: Storage
) -> None:
    path = "/console/merchant/content"
    english, chinese = client_for(users, "acme", **EN), client_for(users, "acme", **ZH)

    def publish(client: TestClient, **data: object) -> tuple[int, str]:
        token = csrf_of(client.get(path).text)
        answer = client.post(path, data={"csrf": token, **data}, follow_redirects=False)
        return answer.status_code, _alert(answer.text).strip() if answer.status_code != 303 else ""

    before = storage.snapshot()
    status, said = publish(english, kind="post", title="No products")
    assert status == 422 and "product_ids" in said
    status, said = publish(english, kind="post", title="   ", product_ids=["p1"])
    assert status == 422 and "title" in said
    assert publish(english, kind="poem", title="x", product_ids=["p1"])[0] == 422
    status, said = publish(english, kind="post", title="Not mine", more="p2")
    assert status == 404 and "p2" in said
    status, said = publish(chinese, kind="post", title="不是我的", more="p2")
    assert status == 404 and "p2" in said
    answer = english.post(path, data={"csrf": "", "kind": "post", "title": "x", "more": "p1"})
    assert answer.status_code == 403
    assert storage.snapshot() == before
    kept = english.post(
        path,
        data={"csrf": csrf_of(english.get(path).text), "kind": "live_replay", "title": "Kept"},
    )
    assert 'value="Kept"' in kept.text and '<option value="live_replay" selected>' in kept.text


def test_a_stage_change_is_listed_with_its_reason(users: Context) -> None:
    item = nominated_content(users)["content_id"]
    from aftersales.services.content import review

    review(users, OPERATOR, item, approved=True, text="lovely")
    page = _text(client_for(users, "acme", **EN).get(f"/console/merchant/content/{item}").text)
    assert "stage changed" in page and "amplification pool" in page


# ---- alerts and recalls -------------------------------------------------------------------------


def test_alerts_and_recalls_on_the_merchants_products(users: Context) -> None:
    stored_alert(users)  # on m1's phone p1
    linked = alert_with_recall(users)
    alerts.link_recall(users, OPERATOR, linked["alert_id"], linked["recall_id"])
    recall = confirmed_recall(users)["recall_id"]
    page = client_for(users, "acme", **EN).get("/console/merchant/alerts").text
    assert "p1 in CN-BJ: many cases" in page
    assert f'href="/console/recalls/{linked["recall_id"]}"' in page
    assert "handled by a recall" in page
    assert f'href="/console/recalls/{recall}"' in page
    chinese = client_for(users, "acme", **ZH).get("/console/merchant/alerts").text
    assert "CN-BJ地区 p1 售后单偏多" in chinese and "已转入召回" in chinese


def test_another_merchant_sees_none_of_the_alerts_or_recalls(users: Context) -> None:
    stored_alert(users)
    recall = confirmed_recall(users)["recall_id"]
    page = client_for(users, "knit", **EN).get("/console/merchant/alerts").text
    assert "No alert on your products." in page
    assert "many cases" not in page and recall not in page


# ---- recurring faults ---------------------------------------------------------------------------


def _complaints(ctx: Context) -> tuple[str, str, str]:
    c1, c2 = Actor(Role.CONSUMER, "c1"), Actor(Role.CONSUMER, "c2")
    phone = [
        uc.open_case(ctx, c1, uc.OpenCase("l1", uc.CaseType.REPAIR, "屏幕闪烁 screen flickers")).id,
        uc.open_case(ctx, c2, uc.OpenCase("l4", uc.CaseType.REPAIR, "屏幕闪烁 flickering")).id,
    ]
    sweater = uc.open_case(ctx, c2, uc.OpenCase("l2", uc.CaseType.REPAIR, "洗后缩水 shrank")).id
    return phone[0], phone[1], sweater


def test_recurring_faults_of_the_merchants_products_with_counts_and_examples(
    users: Context,
) -> None:
    first, second, sweater = _complaints(users)
    page = client_for(users, "acme", **EN).get("/console/merchant/faults").text
    words = _text(page)
    assert "Phone X" in words and "2 cases" in words and "「屏幕闪烁」" in words
    assert f'href="/console/cases/{first}"' in page and f'href="/console/cases/{second}"' in page
    assert "Wool sweater" not in words and sweater not in page
    assert page.count("<svg") == 2  # cases per product, and the phone's problems by half
    chinese = _text(client_for(users, "acme", **ZH).get("/console/merchant/faults").text)
    assert "商品高频故障" in chinese and "2 单售后" in chinese
    other = _text(client_for(users, "knit", **EN).get("/console/merchant/faults").text)
    assert "Wool sweater" in other and "Phone X" not in other and first not in other


def test_without_cases_the_faults_page_says_so(users: Context) -> None:
    page = client_for(users, "knit", **EN).get("/console/merchant/faults").text
    assert "No case about your products in the last 90 days." in page
