"""The merchant's own pages in a real headless Chromium: scorecard with its trend chart and an
appeal, programme enrolment (and a 31-product pool refused in the reader's language), content,
alerts and recalls, recurring faults; both languages, a phone's width, and another merchant's
content by its address.

The server and the browser are set up as in ``test_console_browser`` (its helpers are reused);
the seed here adds two months of business and their assessment cycles, so that merchant m1 is
in tier good and may enrol. Screenshots go to the same folder (see docs/console.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from aftersales.domain.actors import Actor, Role
from aftersales.domain.clock import ManualClock
from aftersales.exposure import ContentMetrics
from aftersales.services import alerts, content, cycles
from aftersales.services.context import Context
from tests.browser.test_console_browser import (
    ARGS,
    ARTEFACTS,
    CHROMIUM,
    Site,
    playwright_api,
    serving,
    shoot,
    sign_in,
    to_chinese,
    to_english,
)
from tests.browser.test_console_browser import page as page  # the tab fixture, reused
from tests.console_support import PASSWORD, add_users
from tests.exposure_support import add_products, m1_content, nominated_content
from tests.recall_support import confirmed_recall
from tests.scoring_support import appealable_case, month_of_business
from tests.support import INTEGRATION, build_market
from tests.warning_support import alert_with_recall, stored_alert

OPERATOR = Actor(Role.OPERATOR, "ana")
OCTOBER, NOVEMBER = datetime(2026, 10, 3, 10, tzinfo=UTC), datetime(2026, 11, 3, 10, tzinfo=UTC)
DECEMBER = datetime(2026, 12, 2, 9, tzinfo=UTC)
MINE = ("scorecard", "programme", "content", "alerts", "faults")  # merchant-<page>-*.png


def _seed(ctx: Context, clock: ManualClock) -> dict[str, Any]:
    """Two months of m1's careful and m2's careless business, both cycles run (m1 is good in
    December), 31 more products of m1, its content, an alert handled by a recall, a recall."""
    build_market(ctx)
    add_users(ctx)
    month_of_business(ctx, clock, OCTOBER)
    month_of_business(ctx, clock, NOVEMBER)
    clock.set(DECEMBER)
    cycles.run_cycle(ctx, OPERATOR, "2026-10")
    cycles.run_cycle(ctx, OPERATOR, "2026-11")
    seeded: dict[str, Any] = {"pool": add_products(ctx, "m1", 31)}
    seeded["content"] = item = nominated_content(ctx)["content_id"]
    seen = ContentMetrics(impressions=5200, clicks=410, dwell_seconds=9840, new_fans=37)
    content.add_metrics(ctx, INTEGRATION, item, None, seen)
    content.review(ctx, OPERATOR, item, approved=True, text="清晰的开箱视频 / a clear unboxing")
    m1_content(ctx)
    stored_alert(ctx)
    linked = alert_with_recall(ctx)
    alerts.link_recall(ctx, OPERATOR, linked["alert_id"], linked["recall_id"])
    seeded["linked"] = linked["recall_id"]
    seeded["recall"] = confirmed_recall(ctx)["recall_id"]
    seeded["appealable"] = appealable_case(ctx)["case_id"]
    return seeded


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serving(tmp_path_factory.mktemp("console-merchant-site"), _seed) as served:
        yield served


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """The browser; only this module's earlier pictures are deleted (the other browser tests
    write theirs to the same folder)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for name in MINE:
        for old in ARTEFACTS.glob(f"merchant-{name}*.png"):
            old.unlink()
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def _go(page: Any, menu: str) -> None:
    page.locator("nav.menu").get_by_role("link", name=menu, exact=True).click()
    page.wait_for_load_state()


def test_merchant_reads_its_scorecard_and_appeals_a_case(page: Any, site: Site) -> None:
    sign_in(page, site, "acme")
    _go(page, "Scorecard")
    assert page.get_by_role("heading", name="Service scorecard").is_visible()
    assert page.locator("svg.chart").count() == 1
    assert page.get_by_role("heading", name="What moved the score").is_visible()
    assert page.get_by_role("link", name="2026-10").is_visible()
    page.get_by_label("Case number").fill(site.cases["appealable"])
    page.get_by_label("Why it should not count against you").fill("快递压坏 / crushed in transit")
    page.get_by_role("button", name="Send the appeal").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Your appeal was received."
    assert page.get_by_role("cell", name="waiting for the platform").is_visible()
    shoot(page, "merchant-scorecard", "en")
    to_chinese(page)
    assert page.get_by_role("heading", name="影响得分的因素").is_visible()
    shoot(page, "merchant-scorecard", "zh")


def test_merchant_enrols_a_pool_and_a_31_product_pool_is_refused(page: Any, site: Site) -> None:
    sign_in(page, site, "acme")
    _go(page, "Programme")
    assert page.get_by_text("Eligible", exact=True).is_visible()
    page.get_by_label("A targeted pool (at most 30 products)").check()
    page.get_by_label("Phone X").check()
    page.get_by_label("Sofa").check()
    page.get_by_role("button", name="Enrol").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text().startswith("Enrolled.")
    assert page.get_by_text("a pool of 2 products").is_visible()
    shoot(page, "merchant-programme", "en")
    to_chinese(page)
    page.get_by_label("其他商品编号（可选）").fill(" ".join(site.cases["pool"]))  # noqa: RUF001
    page.get_by_role("button", name="提交报名").click()
    page.wait_for_load_state()
    refusal = page.get_by_role("alert").inner_text()
    assert "定向商品池最多 30 件商品，您选择了 33 件" in refusal  # noqa: RUF001
    shoot(page, "merchant-programme-refused", "zh")
    _go(page, "优质商家计划")
    assert page.get_by_text("定向商品池 2 件").first.is_visible()  # the refusal changed nothing
    shoot(page, "merchant-programme", "zh")


def test_merchant_reads_content_alerts_and_faults(page: Any, site: Site) -> None:
    sign_in(page, site, "acme")
    to_chinese(page)
    _go(page, "内容")
    assert page.get_by_role("heading", name="内容流量阶梯").is_visible()
    shoot(page, "merchant-content", "zh")
    page.locator(f"a[href='/console/merchant/content/{site.cases['content']}']").click()
    assert page.locator("li[aria-current='step']").inner_text() == "放大池"
    assert page.get_by_text("清晰的开箱视频").is_visible()
    shoot(page, "merchant-content-item", "zh")
    _go(page, "预警")
    assert page.get_by_role("link", name=f"召回 {site.cases['linked']}").is_visible()
    assert page.get_by_role("link", name=site.cases["recall"]).is_visible()
    shoot(page, "merchant-alerts", "zh")
    _go(page, "高频故障")
    assert page.locator("svg.chart").count() >= 2
    shoot(page, "merchant-faults", "zh")
    to_english(page)
    assert page.get_by_role("heading", name="Recurring faults of your products").is_visible()
    shoot(page, "merchant-faults", "en")
    _go(page, "Alerts")
    assert page.get_by_text("handled by a recall").is_visible()
    shoot(page, "merchant-alerts", "en")
    _go(page, "Content")
    shoot(page, "merchant-content", "en")


def test_another_merchant_cannot_open_the_first_ones_content(page: Any, site: Site) -> None:
    sign_in(page, site, "knit")
    answer = page.goto(f"{site.url}/console/merchant/content/{site.cases['content']}")
    assert answer is not None and answer.status == 404
    assert "unboxing" not in page.content()
    _go(page, "Alerts")
    assert page.get_by_text("No alert on your products.").is_visible()


def test_the_scorecard_fits_a_phone(chromium: Any, site: Site) -> None:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.goto(f"{site.url}/console/signin")
    tab.get_by_label("用户名").fill("acme")
    tab.get_by_label("密码").fill(PASSWORD)
    tab.get_by_role("button", name="登录").click()
    tab.wait_for_load_state()
    for name in MINE:
        tab.goto(f"{site.url}/console/merchant/{name}")
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390, name
    tab.goto(f"{site.url}/console/merchant/scorecard")
    tab.screenshot(path=str(ARTEFACTS / "merchant-scorecard-phone-zh.png"), full_page=True)
    context.close()
