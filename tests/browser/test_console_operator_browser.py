"""The operator's pages in a real headless Chromium: the operator approves a content item into the
amplification pool, works an alert from the province map, moves a waiting case, reads the tier
charts and a policy backtest, in both languages; the auditor reads alerts without a form; the
map and the review queue fit a phone.

The server, browser and helpers are those of ``test_console_browser`` (skipped alike without
Chromium); this module seeds its own market and saves its screenshots beside the others' in
artefacts/console/ (docs/console.md), deleting only its own earlier ones.
"""

# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from aftersales.domain.actors import Actor, Role
from aftersales.domain.clock import ManualClock
from aftersales.exposure import ContentMetrics, Stage
from aftersales.services import alerts, content, knowledge
from aftersales.services.context import Context
from aftersales.warning import AlertStatus
from tests.browser.test_console_browser import (
    ARGS,
    ARTEFACTS,
    CHROMIUM,
    PASSWORD,
    Site,
    playwright_api,
    serving,
    shoot,
    sign_in,
    to_chinese,
    to_english,
)
from tests.console_support import add_users
from tests.dispatch_support import m1_agent
from tests.exposure_support import nominated_content
from tests.operator_support import alert, scored_cycle, waiting_case
from tests.support import INTEGRATION, START, build_market
from tests.warning_support import alert_with_recall

MINE = ("operator-programme", "operator-alert", "operator-dispatch", "operator-tiers")
MINE += ("operator-backtest", "auditor-alerts", "operator-knowledge")


def _seed(ctx: Context, clock: ManualClock) -> dict[str, str]:
    """Alerts in four provinces (one with a recall to link), m1's post nominated for the
    amplification pool, tiers from October's cycle, an agent of m1 and a case waiting."""
    build_market(ctx)
    add_users(ctx)
    clock.set(START)
    regions = ("CN-BJ", "CN-BJ", "CN-BJ", "CN-GD", "CN-GD", "CN-SC", "CN-ZJ")
    for n, region in enumerate(regions):
        alert(ctx, n, region=region, score=2.0 + n)
    worked = alert_with_recall(ctx)
    item = nominated_content(ctx)["content_id"]
    content.add_metrics(ctx, INTEGRATION, item, None, ContentMetrics(12_000, 720, 14_400.0, 30))
    scored_cycle(ctx)
    agent = m1_agent(ctx)["agent_id"]
    waiting = waiting_case(ctx)
    return {"alert": worked["alert_id"], "content": item, "agent": agent, "waiting": waiting}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serving(tmp_path_factory.mktemp("console-operator-site"), _seed) as served:
        yield served


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTEFACTS.glob("*.png"):  # only this module's pictures: the others are not ours
        if old.name.startswith(MINE):
            old.unlink()
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def test_operator_approves_content_into_the_amplification_pool(page: Any, site: Site) -> None:
    sign_in(page, site, "op")
    page.get_by_role("link", name="Programme").click()
    assert page.get_by_role("heading", name="Waiting for the amplification pool").is_visible()
    assert page.get_by_text("12,000").is_visible()
    shoot(page, "operator-programme", "en")
    page.get_by_label("Note (optional)").fill("清晰实用 clear and useful")
    page.get_by_role("button", name="Approve for the amplification pool").click()
    page.wait_for_load_state()
    notice = page.get_by_role("status").inner_text()
    assert notice == "Approved: the item is in the amplification pool."
    assert page.get_by_text("Nothing is waiting for a review.").is_visible()
    view = content.get_content(site.ctx, Actor(Role.OPERATOR), site.cases["content"])
    assert view.record.item.stage is Stage.AMPLIFICATION_POOL
    to_chinese(page)
    assert page.get_by_role("heading", name="流量激励与审核队列").is_visible()
    assert page.get_by_text("暂无待审核的内容。").is_visible()
    shoot(page, "operator-programme", "zh")


def test_operator_works_an_alert_from_the_map(page: Any, site: Site) -> None:
    sign_in(page, site, "op")
    to_chinese(page)
    page.get_by_role("link", name="预警").first.click()
    assert page.get_by_role("heading", name="各省预警数量").is_visible()
    assert page.locator("svg.map a").count() == 34
    shoot(page, "operator-alerts", "zh")
    page.get_by_role("link", name="广东：2 条预警").click()
    page.wait_for_load_state()
    assert "region=CN-GD" in page.url
    assert page.locator("ul.alerts li").count() == 2
    page.goto(f"{site.url}/console/alerts/{site.cases['alert']}")
    page.get_by_role("button", name="确认：我来跟进").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "已确认跟进此预警。"
    shoot(page, "operator-alert", "zh")
    to_english(page)
    recall = page.get_by_label("Recall number")
    recall.fill(recall.evaluate("el => el.list.options[0].value"))
    page.get_by_role("button", name="Link", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "The alert is linked to the recall."
    shoot(page, "operator-alert", "en")
    record = alerts.get_alert(site.ctx, Actor(Role.OPERATOR), site.cases["alert"])
    assert record.status is AlertStatus.LINKED_TO_RECALL
    page.get_by_role("link", name="Alerts").first.click()
    shoot(page, "operator-alerts", "en")


def test_operator_gives_a_waiting_case_to_an_agent(page: Any, site: Site) -> None:
    sign_in(page, site, "op")
    page.get_by_role("link", name="Dispatch").click()
    assert page.get_by_role("heading", name="Backlog by queue").is_visible()
    shoot(page, "operator-dispatch", "en")
    page.get_by_role("button", name="Give").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "The case was moved."
    with site.ctx.uow(read_only=True) as uow:
        held = uow.assignments.get(site.cases["waiting"])
    assert held is not None and held.agent_id == site.cases["agent"]
    to_chinese(page)
    assert page.get_by_role("heading", name="各队列积压").is_visible()
    shoot(page, "operator-dispatch", "zh")


def test_operator_reads_the_tiers_and_a_backtest(page: Any, site: Site) -> None:
    sign_in(page, site, "op")
    assert page.get_by_role("heading", name="Scores by tier, cycle 2026-10").is_visible()
    assert page.get_by_role("heading", name="Exposure share by tier").is_visible()
    page.locator("#c-scores").scroll_into_view_if_needed()
    shoot(page, "operator-tiers", "en")
    page.get_by_role("link", name="Policy versions").click()
    page.get_by_role("link", name="last 28 days").click()
    assert page.get_by_text("the pack in force now").is_visible()
    shoot(page, "operator-backtest", "en")
    to_chinese(page)
    assert page.get_by_role("heading", name="可能的变化").is_visible()
    shoot(page, "operator-backtest", "zh")
    page.get_by_role("link", name="总览").click()
    assert page.get_by_role("heading", name="各等级曝光占比").is_visible()
    shoot(page, "operator-tiers", "zh")


def test_auditor_reads_alerts_without_forms(page: Any, site: Site) -> None:
    sign_in(page, site, "audit")
    page.get_by_role("link", name="Alerts").click()
    assert page.locator("svg.map").is_visible()
    shoot(page, "auditor-alerts", "en")
    page.locator("ul.alerts a").first.click()
    assert page.get_by_text("Read-only view.").is_visible()
    assert page.locator("form[action^='/console/alerts/']").count() == 0
    to_chinese(page)
    assert page.get_by_text("只读视图。").is_visible()
    page.get_by_role("link", name="预警").first.click()
    shoot(page, "auditor-alerts", "zh")


def test_operator_tries_a_complaint_and_edits_a_knowledge_entry(page: Any, site: Site) -> None:
    sign_in(page, site, "op")
    page.get_by_role("link", name="Knowledge base").click()
    page.get_by_label("The complaint").fill("屏幕有坏点，刚用两天")
    page.get_by_role("button", name="Show the reply").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="The reply it would get").is_visible()
    assert page.get_by_text("A preview: nothing was saved.").is_visible()
    shoot(page, "operator-knowledge", "en")
    page.locator("a[href='/console/knowledge/quality_defect.digital']").first.click()
    page.locator("#kb-zh-lead").fill("商品有质量问题，我们会尽快处理，请先保留好凭证。")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "The entry was saved."
    view = knowledge.get_entry(site.ctx, Actor(Role.OPERATOR), "quality_defect.digital")
    assert view.revision == 1 and view.document["zh"]["lead"].startswith("商品有质量问题")
    to_chinese(page)
    assert page.get_by_text("系统默认，运营已修改").is_visible()
    assert page.get_by_role("button", name="恢复为系统默认内容").is_visible()
    shoot(page, "operator-knowledge-entry", "zh")


@pytest.mark.parametrize(
    "path", ["/console/alerts", "/console/programme", "/console/dispatch", "/console/knowledge"]
)
def test_operator_pages_fit_a_phone(chromium: Any, site: Site, path: str) -> None:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.goto(f"{site.url}/console/signin?next={path}")
    tab.get_by_label("用户名").fill("op")
    tab.get_by_label("密码").fill(PASSWORD)
    tab.get_by_role("button", name="登录").click()
    tab.wait_for_load_state()
    assert tab.url.endswith(path)
    # Nothing wider than the screen but the tables, which scroll inside their own box.
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    if path == "/console/alerts":
        assert tab.locator("svg.map").bounding_box()["width"] <= 390
        tab.screenshot(path=str(ARTEFACTS / "operator-alerts-phone-zh.png"), full_page=True)
    context.close()
