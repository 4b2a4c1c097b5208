"""The operator's console pages over HTTP, on SQLite and PostgreSQL: alerts on a map and in a list
(acknowledge, link to a recall, dismiss), the programme and its review queue (approve, decline),
dispatch (move a case), the overview's tier charts and policy backtests; each in both languages,
with CSRF, bad input and who may see what."""

# ruff: noqa: RUF001

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from aftersales.domain.actors import Actor, Role
from aftersales.domain.cases_types import CaseType
from aftersales.exposure import ContentMetrics, Stage
from aftersales.policy import default_pack_dir
from aftersales.services import alerts, content, recalls
from aftersales.services import cases as uc
from aftersales.services.agents import list_agents
from aftersales.services.context import Context
from aftersales.services.policy import activate
from aftersales.services.programme import Enrol, enrol_merchant
from aftersales.triage.agents import Agent
from aftersales.warning import AlertStatus
from tests.console_support import add_users, browser, post_form
from tests.dispatch_support import m1_agent
from tests.exposure_support import nominated_content, store_monthly_cycle
from tests.operator_support import alert, scored_cycle, waiting_case
from tests.recall_support import recall_review
from tests.support import INTEGRATION, Market, Storage
from tests.warning_support import alert_with_recall, stored_alert

OPERATOR = Actor(Role.OPERATOR, "op")


@pytest.fixture
def users(ctx: Context, market: Market) -> Context:
    add_users(ctx)
    return ctx


def fitting_agent(ctx: Context, name: str, queue: str, load: int) -> str:
    """An online agent of m1 for the queue with room, stored as it is: it has not yet looked at
    the backlog (as after a restart), so the waiting case is still there for it."""
    now = ctx.clock.now()
    agent = Agent(
        f"ag_{name.lower()}", "m1", name, (queue,), ("zh", "en"), (), 3, True, load, now, now
    )
    with ctx.uow() as uow:
        uow.agents.add(agent)
        uow.commit()
    return agent.id


def forms_to(html: str, prefix: str) -> list[str]:
    """The actions of the page's POST forms that start with ``prefix``."""
    return [
        a for a in re.findall(r'<form method="post" action="([^"]+)"', html) if a.startswith(prefix)
    ]


# ---- alerts -------------------------------------------------------------------------------------


def test_alerts_show_on_the_province_map_and_in_the_list_in_both_languages(users: Context) -> None:
    beijing = [alert(users, n, region="CN-BJ") for n in range(2)]
    canton = alert(users, region="CN-GD", product="p2", merchant="m2")
    english = browser(users, "op").get("/console/alerts")
    assert english.status_code == 200
    assert 'aria-label="Beijing, alerts: 2"' in english.text
    assert 'aria-label="Guangdong, alerts: 1"' in english.text
    assert 'aria-label="Tibet, alerts: 0"' in english.text  # every province has its tile
    for alert_id in [*beijing, canton]:
        assert f'href="/console/alerts/{alert_id}"' in english.text
    chinese = browser(users, "op", "zh").get("/console/alerts")
    assert 'aria-label="北京：2 条预警"' in chinese.text and "各省预警数量" in chinese.text


def test_a_province_shows_its_own_alerts_while_the_map_keeps_every_province(users: Context) -> None:
    beijing = stored_alert(users, region="CN-BJ")
    canton = stored_alert(users, region="CN-GD")
    alerts.dismiss(users, OPERATOR, canton, "a data error")
    client = browser(users, "op")
    only_bj = client.get("/console/alerts?region=CN-BJ").text
    assert f"/console/alerts/{beijing}" in only_bj and f"/console/alerts/{canton}" not in only_bj
    assert 'aria-label="Guangdong, alerts: 1"' in only_bj
    still_open = client.get("/console/alerts?status=open").text
    assert f"/console/alerts/{beijing}" in still_open
    assert f"/console/alerts/{canton}" not in still_open
    assert 'aria-label="Guangdong, alerts: 0"' in still_open


def test_alert_filters_take_names_and_say_what_they_cannot_use(users: Context) -> None:
    beijing = stored_alert(users, region="CN-BJ")
    canton = stored_alert(users, region="CN-GD")
    client = browser(users, "op", "zh")
    for typed in ("Guangdong", "广东", "cn-gd"):
        found = client.get("/console/alerts", params={"region": typed}).text
        assert f"/console/alerts/{canton}" in found and f"/console/alerts/{beijing}" not in found
        assert '<option value="CN-GD" selected>' in found
    by_name = client.get("/console/alerts", params={"status": "待处理"})
    assert f"/console/alerts/{canton}" in by_name.text
    said = {
        ("status", "foo"): "状态：“foo”不在可选范围内",
        ("region", "XX"): "地区：“XX”不在可选范围内",
        ("region", "CN-XX"): "地区：“CN-XX”不在可选范围内",
        ("since", "2026-13-01"): "不是有效日期",
    }
    for (name, value), words in said.items():
        page = client.get("/console/alerts", params={name: value})
        assert page.status_code == 200, (name, value)
        alert_box = re.search(r'<div class="alert" role="alert">(.*?)</div>', page.text, re.S)
        assert alert_box is not None and words in alert_box.group(1), (name, value)
        assert page.text.index('role="alert"') < page.text.index('<form method="get"')
        assert f"/console/alerts/{beijing}" in page.text  # the filter is left out


def test_alerts_name_their_category_region_and_who_raised_them(users: Context) -> None:
    product = stored_alert(users, category="appliance/heater", region="CN-XJ")
    whole = stored_alert(users, product=None, category="appliance/heater", region="CN-XJ")
    for lang, heater, xinjiang, run in (
        ("en", "Heaters", "Xinjiang", "the early-warning run"),
        ("zh", "取暖器", "新疆", "预警系统"),
    ):
        client = browser(users, "op", lang)
        listed = client.get("/console/alerts").text
        assert f"{heater} · {xinjiang}</a>" in listed and f"p1 · {heater}" in listed
        assert "appliance/heater ·" not in listed
        for alert_id in (product, whole):
            page = client.get(f"/console/alerts/{alert_id}").text
            facts = page[page.index('id="facts-h"') : page.index('id="recent-h"')]
            assert f"<dd>{heater}</dd>" in facts and "appliance/heater" not in facts
            history = page[page.index('id="history-h"') :]
            assert run in history and " warning</li>" not in history


def test_an_operator_acknowledges_links_and_dismisses_alerts(users: Context) -> None:
    client = browser(users, "op")
    target = alert_with_recall(users)
    page = f"/console/alerts/{target['alert_id']}"
    assert forms_to(client.get(page).text, page) == [
        f"{page}/acknowledge",
        f"{page}/link-recall",
        f"{page}/dismiss",
    ]
    done = post_form(client, f"{page}/acknowledge", {}, page)
    assert done.status_code == 303 and done.headers["location"].endswith("done=alert_acknowledged")
    assert "The alert is acknowledged." in client.get(done.headers["location"]).text
    linked = post_form(client, f"{page}/link-recall", {"recall_id": target["recall_id"]}, page)
    assert linked.status_code == 303
    record = alerts.get_alert(users, OPERATOR, target["alert_id"])
    assert record.status is AlertStatus.LINKED_TO_RECALL and record.recall_id == target["recall_id"]
    assert forms_to(client.get(page).text, page) == []  # final: nothing more to do
    other = alert(users, 3)
    other_page = f"/console/alerts/{other}"
    post_form(client, f"{other_page}/dismiss", {"reason": "子午线测试数据 test data"}, other_page)
    assert alerts.get_alert(users, OPERATOR, other).dismissal_reason == "子午线测试数据 test data"


def test_refused_alert_reviews_show_the_reason_and_change_nothing(users: Context) -> None:
    client = browser(users, "op", "zh")
    alert_id = stored_alert(users)
    page = f"/console/alerts/{alert_id}"
    blank = post_form(client, f"{page}/dismiss", {"reason": "   "}, page)
    assert blank.status_code == 422 and "请检查您填写的内容" in blank.text
    unknown = post_form(client, f"{page}/link-recall", {"recall_id": "rc_nope"}, page)
    assert unknown.status_code == 422
    bad_id = post_form(client, f"{page}/link-recall", {"recall_id": "no spaces allowed"}, page)
    assert bad_id.status_code == 422
    assert alerts.get_alert(users, OPERATOR, alert_id).status is AlertStatus.OPEN
    alerts.dismiss(users, OPERATOR, alert_id, "done elsewhere")
    token = re.search(r'name="csrf" value="([^"]+)"', client.get(page).text)
    assert token is not None
    late = client.post(f"{page}/acknowledge", data={"csrf": token.group(1)})
    assert late.status_code == 409
    forged = client.post(f"{page}/acknowledge", data={"csrf": "forged"})
    assert forged.status_code == 403
    assert alerts.get_alert(users, OPERATOR, alert_id).status is AlertStatus.DISMISSED


def suggested(html: str) -> set[str]:
    """The recall ids the link form's list suggests."""
    found = re.search(r'<datalist id="recall-choices">(.*?)</datalist>', html, re.S)
    assert found is not None
    return set(re.findall(r'<option value="([^"]+)"', found.group(1)))


def test_the_link_form_suggests_only_recalls_the_alert_can_be_linked_to(users: Context) -> None:
    heaters = [recall_review(users) for _ in range(2)]
    phone = recalls.open_review(users, OPERATOR, recalls.OpenReview("hot", product_id="p1"))
    one = stored_alert(users, product=heaters[0]["product_id"], category="appliance/heater")
    whole = stored_alert(users, product=None, category="appliance/heater")
    client = browser(users, "op")
    assert suggested(client.get(f"/console/alerts/{one}").text) == {heaters[0]["recall_id"]}
    category_page = client.get(f"/console/alerts/{whole}").text
    assert suggested(category_page) == {h["recall_id"] for h in heaters}
    assert phone.recall.id not in category_page
    assert "2 recalls of products in this category" in category_page
    nothing = stored_alert(users, product=None, category="food/fresh")
    assert suggested(client.get(f"/console/alerts/{nothing}").text) == set()


def test_a_refused_review_keeps_what_was_typed(users: Context) -> None:
    alert_id = stored_alert(users)
    page = f"/console/alerts/{alert_id}"
    client = browser(users, "op", "zh")
    unknown = post_form(client, f"{page}/link-recall", {"recall_id": "rc_nope"}, page)
    assert unknown.status_code == 422 and 'value="rc_nope"' in unknown.text
    long = "x" * 2001
    too_long = post_form(client, f"{page}/dismiss", {"reason": long}, page)
    assert too_long.status_code == 422 and f">{long}</textarea>" in too_long.text
    assert alerts.get_alert(users, OPERATOR, alert_id).status is AlertStatus.OPEN


def test_the_auditor_reads_alerts_without_a_form_and_others_may_not(users: Context) -> None:
    alert_id = stored_alert(users)
    auditor = browser(users, "audit")
    listed = auditor.get("/console/alerts")
    page = auditor.get(f"/console/alerts/{alert_id}")
    assert listed.status_code == page.status_code == 200
    assert "Read-only view." in page.text and forms_to(page.text, "/console/alerts") == []
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    refused = auditor.post(f"/console/alerts/{alert_id}/acknowledge", data={"csrf": token.group(1)})
    assert refused.status_code == 403
    assert alerts.get_alert(users, OPERATOR, alert_id).status is AlertStatus.OPEN
    for name in ("acme", "li"):
        assert browser(users, name).get("/console/alerts").status_code == 403
    operator = browser(users, "op")
    assert operator.get("/console/alerts/al_nope").status_code == 404
    assert operator.get("/console/alerts?region=CN-BJ&status=lost").status_code == 200
    assert operator.get("/console/alerts?after=garbage").status_code == 200


def test_the_alert_list_pages_back_by_week(users: Context) -> None:
    made = [
        alert(users, n // 2, score=float(n + 2), region=("CN-BJ", "CN-SH")[n % 2])
        for n in range(51)
    ]
    client = browser(users, "op")
    first = client.get("/console/alerts").text
    older = re.search(r'<a href="(/console/alerts\?after=[^"]+)">Older', first)
    assert older is not None
    second = client.get(older.group(1).replace("&amp;", "&")).text
    shown = {a for a in made if f"/console/alerts/{a}" in first} | {
        a for a in made if f"/console/alerts/{a}" in second
    }
    assert shown == set(made)


# ---- the programme and its review queue ---------------------------------------------------------


def test_an_operator_approves_a_nominated_item_into_the_amplification_pool(users: Context) -> None:
    item = nominated_content(users)["content_id"]
    content.add_metrics(users, INTEGRATION, item, None, ContentMetrics(12_000, 720, 14_400.0, 30))
    client = browser(users, "op")
    page = client.get("/console/programme").text
    assert "unboxing" in page and "12,000" in page and "6.0%" in page and "20.0 s" in page
    action = f"/console/programme/content/{item}/approve"
    done = post_form(client, action, {"note": "fine"}, "/console/programme")
    assert done.status_code == 303
    assert "the item is in the amplification pool" in client.get(done.headers["location"]).text
    view = content.get_content(users, OPERATOR, item)
    assert view.record.item.stage is Stage.AMPLIFICATION_POOL
    assert f"/console/programme/content/{item}/approve" not in client.get("/console/programme").text
    again = post_form(client, action, {}, "/console/programme")
    assert again.status_code == 409


def test_declining_needs_a_reason_and_the_chinese_page_says_so(users: Context) -> None:
    item = nominated_content(users)["content_id"]
    client = browser(users, "op", "zh")
    page = client.get("/console/programme").text
    assert "待审核进入放大池" in page and "批准进入放大池" in page
    action = f"/console/programme/content/{item}/decline"
    blank = post_form(client, action, {"reason": " "}, "/console/programme")
    assert blank.status_code == 422
    assert content.get_content(users, OPERATOR, item).record.item.nominated_on is not None
    declined = post_form(client, action, {"reason": "画面模糊 blurry"}, "/console/programme")
    assert declined.status_code == 303
    item_now = content.get_content(users, OPERATOR, item).record.item
    assert item_now.nominated_on is None and item_now.stage is Stage.BOOST


def test_the_programme_board_shows_each_merchants_standing(users: Context) -> None:
    store_monthly_cycle(users, "2026-10", {"m1": "good", "m2": "restricted"})
    enrol_merchant(users, Actor(Role.MERCHANT_AGENT, "m1"), Enrol("store"))
    english = browser(users, "op").get("/console/programme").text
    rows = dict(
        re.findall(r'<th scope="row" class="mono nowrap">(m\d)</th>(.*?)</tr>', english, re.S)
    )
    assert "the whole store" in rows["m1"] and "search: × 1.10" in rows["m1"]
    assert "exposure capped" in rows["m2"] and "50%" in rows["m2"]
    chinese = browser(users, "op", "zh").get("/console/programme").text
    assert "全店" in chinese and "曝光受限" in chinese


def test_the_auditor_reads_the_programme_without_forms_and_merchants_may_not(
    users: Context,
) -> None:
    item = nominated_content(users)["content_id"]
    auditor = browser(users, "audit")
    page = auditor.get("/console/programme")
    assert page.status_code == 200 and "unboxing" in page.text
    assert forms_to(page.text, "/console/programme") == []
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    refused = auditor.post(
        f"/console/programme/content/{item}/approve", data={"csrf": token.group(1)}
    )
    assert refused.status_code == 403
    assert browser(users, "acme").get("/console/programme").status_code == 403
    operator = browser(users, "op")
    missing = post_form(
        operator, "/console/programme/content/ct_nope/approve", {}, "/console/programme"
    )
    assert missing.status_code == 404


# ---- dispatch -----------------------------------------------------------------------------------


def test_an_operator_gives_a_waiting_case_to_an_agent(users: Context) -> None:
    case_id = waiting_case(users)
    agent = m1_agent(users)["agent_id"]  # works "general": the phone case does not reach it
    client = browser(users, "op")
    page = client.get("/console/dispatch").text
    assert "M1 agent" in page and case_id in page and "0/3" in page
    moved = post_form(
        client,
        "/console/dispatch/assign",
        {"case_id": case_id, "agent_id": agent},
        "/console/dispatch",
    )
    assert moved.status_code == 303
    assert "The case was moved." in client.get(moved.headers["location"]).text
    with users.uow(read_only=True) as uow:
        held = uow.assignments.get(case_id)
    assert held is not None and held.agent_id == agent
    assert "1/3" in client.get("/console/dispatch").text


def test_a_case_moves_to_another_queue_and_bad_moves_are_refused(users: Context) -> None:
    case_id = waiting_case(users)
    client = browser(users, "op", "zh")
    page = client.get("/console/dispatch").text
    assert "各队列积压" in page and "等待分配的售后单" in page
    moved = post_form(
        client,
        "/console/dispatch/assign",
        {"case_id": case_id, "queue": "general"},
        "/console/dispatch",
    )
    assert moved.status_code == 303
    with users.uow(read_only=True) as uow:
        held = uow.assignments.get(case_id)
    assert held is not None and held.ticket.queue == "general"
    refusals = {
        "bad number": ({"case_id": "x y", "queue": "general"}, 422),
        "unknown queue": ({"case_id": case_id, "queue": "night_shift"}, 422),
        "unknown case": ({"case_id": "cs_nope", "queue": "general"}, 404),
        "unknown agent": ({"case_id": case_id, "agent_id": "ag_nope"}, 422),
    }
    for name, (body, status) in refusals.items():
        answer = post_form(client, "/console/dispatch/assign", body, "/console/dispatch")
        assert answer.status_code == status, name
    with users.uow(read_only=True) as uow:
        assert uow.assignments.get(case_id) == held


def test_the_move_forms_defaults_give_a_waiting_case_to_the_least_loaded_agent_who_fits(
    users: Context,
) -> None:
    case_id = waiting_case(users)
    with users.uow(read_only=True) as uow:
        held = uow.assignments.get(case_id)
    assert held is not None and held.agent_id is None
    client = browser(users, "op")
    defaults = {"case_id": case_id, "queue": "", "agent_id": ""}
    waits = post_form(client, "/console/dispatch/assign", defaults, "/console/dispatch")
    assert waits.status_code == 303
    assert "it keeps waiting" in client.get(waits.headers["location"]).text
    busy, free = (
        fitting_agent(users, name, held.ticket.queue, load) for name, load in (("B", 1), ("F", 0))
    )
    moved = post_form(client, "/console/dispatch/assign", defaults, "/console/dispatch")
    assert moved.status_code == 303
    assert "The case was moved." in client.get(moved.headers["location"]).text
    with users.uow(read_only=True) as uow:
        taken = uow.assignments.get(case_id)
    assert taken is not None and taken.agent_id == free != busy


def test_the_move_forms_defaults_on_a_held_case_say_what_to_choose_and_keep_the_form(
    users: Context, storage: Storage
) -> None:
    case_id = waiting_case(users)
    with users.uow(read_only=True) as uow:
        held = uow.assignments.get(case_id)
    assert held is not None
    agent = fitting_agent(users, "F", held.ticket.queue, 0)
    client = browser(users, "op", "zh")
    given = {"case_id": case_id, "agent_id": agent}
    assert post_form(client, "/console/dispatch/assign", given, "/console/dispatch").is_redirect
    before = storage.snapshot()
    defaults = {"case_id": case_id, "queue": "", "agent_id": ""}
    refused = post_form(client, "/console/dispatch/assign", defaults, "/console/dispatch")
    assert refused.status_code == 422
    assert f"这张售后单已由客服 {agent} 处理" in refused.text
    assert f'value="{case_id}"' in refused.text
    unknown = {"case_id": case_id, "queue": "general", "agent_id": "ag_nope"}
    kept = post_form(client, "/console/dispatch/assign", unknown, "/console/dispatch")
    assert kept.status_code == 422 and f'value="{case_id}"' in kept.text
    assert '<option value="general" selected>' in kept.text
    assert storage.snapshot() == before


def test_an_operator_adds_an_agent_who_takes_the_waiting_case(users: Context) -> None:
    case_id = waiting_case(users)
    with users.uow(read_only=True) as uow:
        held = uow.assignments.get(case_id)
    assert held is not None and held.agent_id is None
    client = browser(users, "op")
    body = {
        "name": " Wang Fang ",
        "merchant_id": "m1",
        "queues": [held.ticket.queue, "general"],
        "languages": ["zh", "en"],
        "categories": "digital，appliance",
        "capacity": "4",
        "online": "on",
    }
    added = post_form(client, "/console/dispatch/agents", body, "/console/dispatch")
    assert added.status_code == 303, added.text
    assert "Agent added." in client.get(added.headers["location"]).text
    (agent,), _ = list_agents(users, OPERATOR, merchant_id="m1")
    assert agent.name == "Wang Fang" and agent.capacity == 4 and agent.online
    assert agent.categories == ("digital", "appliance") and agent.languages == ("zh", "en")
    with users.uow(read_only=True) as uow:
        taken = uow.assignments.get(case_id)
    assert taken is not None and taken.agent_id == agent.id
    assert "1/4" in client.get("/console/dispatch").text


def test_an_agent_goes_offline_and_back_with_more_room(users: Context) -> None:
    agent = m1_agent(users)["agent_id"]
    client = browser(users, "op", "zh")
    path = f"/console/dispatch/agents/{agent}"
    assert path in client.get("/console/dispatch").text
    off = post_form(client, path, {"capacity": "3"}, "/console/dispatch")  # unticked: offline
    assert off.status_code == 303
    assert "已保存" in client.get(off.headers["location"]).text
    (found,), _ = list_agents(users, OPERATOR, merchant_id="m1")
    assert not found.online and found.capacity == 3
    back = post_form(client, path, {"online": "on", "capacity": "6"}, "/console/dispatch")
    assert back.status_code == 303
    (found,), _ = list_agents(users, OPERATOR, merchant_id="m1")
    assert found.online and found.capacity == 6


def test_bad_agents_are_refused_with_the_form_kept_and_nothing_written(
    users: Context, storage: Storage
) -> None:
    agent = m1_agent(users)["agent_id"]
    client = browser(users, "op")
    before = storage.snapshot()
    good = {"name": "Li", "queues": ["general"], "languages": ["zh"], "capacity": "2"}
    refusals = {
        "no name": ({**good, "name": "  "}, 422),
        "no queue": ({**good, "queues": []}, 422),
        "no language": ({**good, "languages": []}, 422),
        "a language we do not read": ({**good, "languages": ["fr"]}, 422),
        "no capacity": ({**good, "capacity": ""}, 422),
        "zero capacity": ({**good, "capacity": "0"}, 422),
        "capacity in words": ({**good, "capacity": "lots"}, 422),
        "bad category": ({**good, "categories": "Digital Phones!"}, 422),
        "unknown merchant": ({**good, "merchant_id": "m-nobody"}, 422),
    }
    for name, (body, status) in refusals.items():
        answer = post_form(client, "/console/dispatch/agents", body, "/console/dispatch")
        assert answer.status_code in (status, 404), (name, answer.status_code)
        assert 'role="alert"' in answer.text, name
    kept = post_form(
        client, "/console/dispatch/agents", {**good, "capacity": "0"}, "/console/dispatch"
    )
    assert 'value="Li"' in kept.text
    path = f"/console/dispatch/agents/{agent}"
    for capacity in ("0", "x", "100000"):
        answer = post_form(
            client, path, {"online": "on", "capacity": capacity}, "/console/dispatch"
        )
        assert answer.status_code == 422, capacity
    nobody = post_form(
        client, "/console/dispatch/agents/ag_nope", {"online": "on"}, "/console/dispatch"
    )
    assert nobody.status_code == 404
    forged = client.post("/console/dispatch/agents", data={**good, "csrf": ""})
    assert forged.status_code == 403
    assert storage.snapshot() == before


def test_the_auditor_reads_dispatch_without_forms_and_merchants_may_not(users: Context) -> None:
    case_id = waiting_case(users)
    auditor = browser(users, "audit")
    page = auditor.get("/console/dispatch")
    assert page.status_code == 200 and case_id in page.text
    assert forms_to(page.text, "/console/dispatch") == []
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    body = {"csrf": token.group(1), "case_id": case_id, "queue": "general"}
    assert auditor.post("/console/dispatch/assign", data=body).status_code == 403
    agent = {"csrf": token.group(1), "name": "x", "queues": "general", "capacity": "1"}
    assert auditor.post("/console/dispatch/agents", data=agent).status_code == 403
    assert browser(users, "acme").get("/console/dispatch").status_code == 403


# ---- the overview's tiers, policy backtests -----------------------------------------------------


def test_the_overview_charts_scores_and_exposure_by_tier(users: Context) -> None:
    scored_cycle(users)
    item = nominated_content(users)["content_id"]  # m1's
    content.add_metrics(users, INTEGRATION, item, None, ContentMetrics(1_000, 50, 600.0, 2))
    english = browser(users, "op").get("/console/overview").text
    assert "Scores by tier, cycle 2026-10" in english and "Exposure share by tier" in english
    scores, exposure = english.split('id="c-scores"')[1].split('id="c-exposure"')
    rows = dict(re.findall(r'<tr><th scope="row">([a-z ]+)</th>(.*?)</tr>', scores))
    assert rows["good"] == "<td>1</td><td>55.5</td><td>55.5</td><td>55.5</td>"
    assert rows["watch"] == "<td>1</td><td>31.0</td><td>31.0</td><td>31.0</td>"
    shares = dict(re.findall(r'<tr><th scope="row">([a-z ]+)</th>(.*?)</tr>', exposure))
    assert shares["good"] == "<td>1</td><td>50%</td><td>1,000</td><td>100%</td>"
    assert shares["watch"] == "<td>1</td><td>50%</td><td>0</td><td>0%</td>"
    chinese = browser(users, "audit", "zh").get("/console/overview").text
    assert "各等级得分分布（2026-10 周期）" in chinese and "各等级曝光占比" in chinese


def test_before_the_first_cycle_the_overview_says_so(users: Context) -> None:
    page = browser(users, "op").get("/console/overview").text
    assert "No assessment cycle has run yet." in page
    assert "not enough data" in page  # every merchant, until a cycle scores it


def test_a_policy_version_is_backtested_on_recent_cases(users: Context, tmp_path: Path) -> None:
    uc.open_case(
        users, Actor(Role.CONSUMER, "c1"), uc.OpenCase("l1", CaseType.REPAIR, "坏了 broken")
    )
    copy = tmp_path / "pack"
    shutil.copytree(default_pack_dir(), copy)
    pack = activate(users, OPERATOR, copy, run_pack_tests=False)
    client = browser(users, "op")
    listing = client.get("/console/policies").text
    link = re.search(r'href="(/console/policies/(\d+)/backtest\?days=28)"', listing)
    assert link is not None
    report = client.get(link.group(1))
    assert report.status_code == 200
    assert f"Backtest of policy version {pack.version}" in report.text
    assert re.search(r'<span class="big">1</span> cases', report.text)
    assert re.search(r'<span class="big">0</span> decided differently', report.text)
    current = browser(users, "audit", "zh").get("/console/policies/current/backtest?days=7")
    assert current.status_code == 200 and "当前生效的政策包" in current.text
    rule = next(copy.rglob("*.yaml"))
    rule.write_text(rule.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    edited = client.get(link.group(1))
    assert edited.status_code == 422 and "changed after it was activated" in edited.text
    assert client.get("/console/policies/current/backtest?days=5").status_code == 422
    assert client.get("/console/policies/999/backtest").status_code == 404
    assert client.get("/console/policies/latest/backtest").status_code == 404
    assert browser(users, "acme").get("/console/policies/current/backtest").status_code == 403
