"""The console in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

A real server (uvicorn, in a thread, on a free port of 127.0.0.1) serves a SQLite database seeded
through the use cases. For each role: sign in, do the main task, switch the language, and for a
merchant check that another merchant's case is not reachable by its address. Screenshots of each
role's main pages, in both languages, go to artefacts/console/ (see docs/console.md).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from aftersales.api.app import create_app
from aftersales.bootstrap import bootstrap
from aftersales.config import Settings
from aftersales.domain.actors import Actor, Role
from aftersales.domain.cases_types import CaseType
from aftersales.domain.clock import ManualClock
from aftersales.services import cases as uc
from aftersales.services.context import Context
from tests.console_support import PASSWORD, add_users
from tests.recall_support import confirmed_recall
from tests.support import START, build_market

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(__file__).resolve().parents[2] / "artefacts" / "console"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# CI installs the browser and says so (.ci/run): there, a missing one is an error, not a skip.
if not CHROMIUM.exists():
    if os.environ.get("AFTERSALES_TEST_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"no Chromium at {CHROMIUM}, and the browser tests must run")
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")


@dataclass
class Site:
    url: str
    ctx: Context
    cases: dict[str, str]  # what the seed made: "due_soon", "escalated", "m2_case", "recall"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seed(ctx: Context, clock: ManualClock) -> dict[str, str]:
    """c2's case at m1 due within the hour; c2's case at m2 escalated; a recall with c1's unit."""
    build_market(ctx)
    add_users(ctx)
    clock.set(START - timedelta(hours=2))
    c2 = Actor(Role.CONSUMER, "c2")
    case = uc.open_case(
        ctx, c2, uc.OpenCase("l4", CaseType.REPAIR, "手机充不进电 the phone will not charge")
    )
    due = case.next_deadline()
    assert due is not None
    # From here on the case's next deadline is half an hour away.
    clock.set(max(due - timedelta(minutes=30), START - timedelta(hours=2)))
    due_soon = case.id
    m2_case = uc.open_case(
        ctx, c2, uc.OpenCase("l2", CaseType.RETURN_REFUND, "毛衣洗后缩水 shrank after washing")
    ).id
    uc.escalate(ctx, Actor(Role.MERCHANT_AGENT, "m2"), m2_case, "washed too hot")
    recall = confirmed_recall(ctx)["recall_id"]
    return {"due_soon": due_soon, "escalated": m2_case, "m2_case": m2_case, "recall": recall}


@contextmanager
def serving(data: Path, seed: Callable[[Context, ManualClock], dict[str, Any]]) -> Iterator[Site]:
    """A fresh database in ``data``, seeded by ``seed`` and served by uvicorn on a free port of
    127.0.0.1, in a thread, for as long as the block runs."""
    import uvicorn

    clock = ManualClock(START)
    ctx = bootstrap(Settings(env="test", data_dir=data), clock=clock)
    seeded = seed(ctx, clock)
    port = _free_port()
    config = uvicorn.Config(create_app(ctx), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield Site(f"http://127.0.0.1:{port}", ctx, seeded)
    finally:
        server.should_exit = True
        thread.join(10)
        ctx.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serving(tmp_path_factory.mktemp("console-site"), _seed) as served:
        yield served


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTEFACTS.glob("*.png"):  # an earlier run's pictures must not pass for this one's
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


def sign_in(page: Any, site: Site, name: str) -> None:
    page.goto(f"{site.url}/console/signin")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/console/signin" not in page.url


def shoot(page: Any, name: str, lang: str) -> None:
    page.screenshot(path=str(ARTEFACTS / f"{name}-{lang}.png"), full_page=True)


def to_chinese(page: Any) -> None:
    page.get_by_role("link", name="中文").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-CN"


def to_english(page: Any) -> None:
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"


def test_consumer_opens_a_case_with_evidence(page: Any, site: Site, tmp_path: Path) -> None:
    photo = tmp_path / "dead-pixels.png"
    photo.write_bytes(PNG)
    sign_in(page, site, "li")
    assert page.get_by_role("heading", name="My orders").is_visible()
    shoot(page, "consumer-orders", "en")
    page.locator("a[href='/console/orders/l1/case']").click()
    page.get_by_label("return and refund").check()
    page.get_by_label("What happened?").fill("屏幕有坏点 / dead pixels on the screen")
    page.get_by_label("Photos, videos or PDF (optional, up to 5)").set_input_files(str(photo))
    page.get_by_role("button", name="Submit request").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Your request was received."
    assert page.get_by_role("link", name="dead-pixels.png", exact=False).is_visible()
    assert page.get_by_text("Policy decision").is_visible()
    shoot(page, "consumer-case", "en")
    to_chinese(page)
    assert page.get_by_role("heading", name="政策判定").is_visible()
    shoot(page, "consumer-case", "zh")
    page.get_by_role("link", name="我的订单").click()
    shoot(page, "consumer-orders", "zh")
    page.get_by_role("link", name="召回通知").click()
    assert page.get_by_role("link", name=site.cases["recall"]).is_visible()
    shoot(page, "consumer-recalls", "zh")
    # Another consumer's case, by its address: the 404 page.
    answer = page.goto(f"{site.url}/console/cases/{site.cases['m2_case']}")
    assert answer is not None and answer.status == 404


def test_merchant_works_the_queue_and_proposes_a_remedy(page: Any, site: Site) -> None:
    sign_in(page, site, "acme")
    assert page.get_by_role("heading", name="Work queue, by SLA deadline").is_visible()
    countdown = page.locator("tr.soon time.countdown").first
    before = countdown.inner_text()
    page.wait_for_timeout(1500)
    assert countdown.inner_text() != before, "the countdown should tick in the browser"
    assert "left" in before and page.get_by_text("due soon").first.is_visible()
    shoot(page, "merchant-queue", "en")
    page.get_by_role("link", name=site.cases["due_soon"]).click()
    page.get_by_label("Remedy", exact=True).select_option("repair")
    page.get_by_label("Amount (yuan)").fill("0")
    page.get_by_role("button", name="Send proposal").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Proposal sent to the consumer."
    assert page.get_by_text("waiting for the consumer").first.is_visible()
    shoot(page, "merchant-case", "en")
    to_chinese(page)
    assert page.get_by_text("待消费者确认").first.is_visible()
    shoot(page, "merchant-case", "zh")
    page.get_by_role("link", name="待办队列").click()
    shoot(page, "merchant-queue", "zh")
    # Merchant Two's case, by its address: not found, and nothing of it shown.
    answer = page.goto(f"{site.url}/console/cases/{site.cases['m2_case']}")
    assert answer is not None and answer.status == 404
    assert page.get_by_role("heading", name="未找到").is_visible()
    assert "毛衣" not in page.content()


def test_operator_arbitrates_from_the_queue(page: Any, site: Site) -> None:
    sign_in(page, site, "op")
    assert page.locator("svg.chart").count() == 7  # six weekly or current, and tiers' exposure
    shoot(page, "operator-overview", "en")
    page.get_by_role("link", name="Arbitration").first.click()
    shoot(page, "operator-arbitration", "en")
    page.get_by_role("link", name=site.cases["escalated"]).click()
    page.get_by_label("In favour of").select_option("merchant")
    page.get_by_label("Liable party").select_option("consumer")
    page.get_by_label("Remedy", exact=True).select_option("reject")
    page.get_by_label("Reasons (shown to both parties)").fill(
        "洗护不当 / washed at 60°C against the label"
    )
    page.get_by_role("button", name="Record the verdict").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "The verdict was recorded."
    assert page.get_by_text("Platform verdict").first.is_visible()
    shoot(page, "operator-case", "en")
    to_chinese(page)
    shoot(page, "operator-case", "zh")
    page.get_by_role("link", name="总览").click()
    assert page.get_by_role("heading", name="每周新增售后单").is_visible()
    shoot(page, "operator-overview", "zh")
    page.get_by_role("link", name="召回").click()
    page.get_by_role("link", name=site.cases["recall"]).click()
    assert page.locator("svg.chart").count() == 1
    shoot(page, "operator-recall", "zh")
    page.get_by_role("link", name="政策版本").click()
    shoot(page, "operator-policies", "zh")


def test_auditor_reads_without_forms(page: Any, site: Site) -> None:
    sign_in(page, site, "audit")
    assert page.get_by_role("heading", name="Cases").is_visible()
    shoot(page, "auditor-cases", "en")
    page.get_by_role("link", name=site.cases["due_soon"]).click()
    assert page.get_by_text("Read-only view.").is_visible()
    assert page.locator("form[action*='/console/cases/']").count() == 0
    shoot(page, "auditor-case", "en")
    to_chinese(page)
    assert page.get_by_text("只读视图。").is_visible()
    shoot(page, "auditor-case", "zh")
    page.get_by_role("link", name="售后单").first.click()
    shoot(page, "auditor-cases", "zh")
    page.get_by_role("link", name="存证日志").click()
    shoot(page, "auditor-ledger", "zh")
    to_english(page)
    assert page.get_by_role("heading", name="Evidence log").is_visible()


def test_pages_fit_a_phone(chromium: Any, site: Site) -> None:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.goto(f"{site.url}/console/signin")
    tab.get_by_label("用户名").fill("acme")
    tab.get_by_label("密码").fill(PASSWORD)
    tab.get_by_role("button", name="登录").click()
    tab.wait_for_load_state()
    assert tab.get_by_role("heading", name="待办队列").is_visible()
    # Nothing wider than the screen but the tables, which scroll inside their own box.
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    tab.screenshot(path=str(ARTEFACTS / "merchant-queue-phone-zh.png"), full_page=True)
    context.close()
