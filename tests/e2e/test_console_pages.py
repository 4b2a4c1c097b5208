"""The console over HTTP, on SQLite and PostgreSQL: sign-in, CSRF, who sees what, languages,
and each role's main task through the pages (the browser tests do the same in Chromium)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from aftersales.api.app import create_app
from aftersales.domain.actors import Actor, Role
from aftersales.domain.clock import ManualClock
from aftersales.services import cases as uc
from aftersales.services.context import Context
from tests.console_support import PASSWORD, add_users, csrf_of, post_form, sign_in
from tests.support import Market, Storage

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
C1, M1 = Actor(Role.CONSUMER, "c1"), Actor(Role.MERCHANT_AGENT, "m1")


@pytest.fixture
def users(ctx: Context, market: Market) -> Context:
    add_users(ctx)
    return ctx


def browser(ctx: Context, name: str | None = None, **headers: str) -> TestClient:
    """A client with its own cookie jar, signed in as ``name`` when one is given."""
    client = TestClient(create_app(ctx), raise_server_exceptions=False, headers=headers)
    if name is not None:
        assert sign_in(client, name).status_code == 303
    return client


def opened_case(ctx: Context, line: str = "l1") -> str:
    cmd = uc.OpenCase(line, uc.CaseType.RETURN_REFUND, "屏幕有坏点 dead pixels")
    return uc.open_case(ctx, C1, cmd).id


# ---- signing in ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "home"),
    [
        ("li", "/console/orders"),
        ("acme", "/console/queue"),
        ("op", "/console/overview"),
        ("audit", "/console/cases"),
    ],
)
def test_sign_in_lands_on_the_home_page_of_the_role(users: Context, name: str, home: str) -> None:
    client = browser(users)
    answer = sign_in(client, name)
    assert answer.status_code == 303
    assert answer.headers["location"] == home
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/console" in cookie
    assert client.get(home).status_code == 200


def test_the_site_root_leads_to_the_console(users: Context) -> None:
    answer = browser(users).get("/", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console"


def test_a_page_asks_for_sign_in_and_returns_there_after_it(users: Context) -> None:
    client = browser(users)
    answer = client.get("/console/cases", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/signin?next=/console/cases"
    form = client.get(answer.headers["location"]).text
    body = {"csrf": csrf_of(form), "name": "li", "password": PASSWORD, "next": "/console/cases"}
    signed = client.post("/console/signin", data=body, follow_redirects=False)
    assert signed.headers["location"] == "/console/cases"


def test_sign_in_never_sends_people_to_another_site(users: Context) -> None:
    client = browser(users)
    form = client.get("/console/signin").text
    body = {"csrf": csrf_of(form), "name": "li", "password": PASSWORD, "next": "//evil.example/"}
    signed = client.post("/console/signin", data=body, follow_redirects=False)
    assert signed.headers["location"] == "/console/orders"


def test_wrong_password_and_unknown_name_get_the_same_refusal(users: Context) -> None:
    wrong = sign_in(browser(users), "li", "not the password")
    unknown = sign_in(browser(users), "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "SESSION" not in wrong.headers.get("set-cookie", "").upper()

    def alert(html: str) -> str:
        found = re.search(r'<div class="alert" role="alert"><p>([^<]+)</p>', html)
        assert found
        return found.group(1)

    assert alert(wrong.text) == alert(unknown.text)


def test_five_failures_pause_sign_in_until_the_lockout_ends(
    users: Context, clock: ManualClock
) -> None:
    client = browser(users)
    for _ in range(5):
        assert sign_in(client, "acme", "wrong password").status_code == 401
    assert sign_in(client, "acme").status_code == 401  # the right password, but paused
    assert sign_in(browser(users), "li").status_code == 303  # others are not affected
    clock.advance(timedelta(minutes=15))
    assert sign_in(client, "acme").status_code == 303


def test_sign_in_form_without_its_cookie_token_is_refused(users: Context) -> None:
    client = browser(users)
    client.get("/console/signin")
    body = {"csrf": "forged", "name": "li", "password": PASSWORD}
    assert client.post("/console/signin", data=body).status_code == 403


def test_signing_out_ends_the_session_everywhere(users: Context) -> None:
    client = browser(users, "li")
    token = client.cookies.get("aftersales_session")
    assert post_form(client, "/console/signout", {}, "/console/orders").status_code == 303
    thief = browser(users)
    thief.cookies.set("aftersales_session", token or "", path="/console")
    assert thief.get("/console/orders", follow_redirects=False).status_code == 303


def test_cookies_are_secure_over_https(users: Context) -> None:
    client = TestClient(create_app(users), base_url="https://testserver")
    assert "Secure" in sign_in(client, "li").headers["set-cookie"]


# ---- CSRF and authorization ---------------------------------------------------------------------


def test_a_form_without_the_session_token_is_refused_and_writes_nothing(
    users: Context, storage: Storage
) -> None:
    case_id = opened_case(users)
    merchant = browser(users, "acme")
    before = storage.snapshot()
    for token in ("", "forged"):
        answer = merchant.post(
            f"/console/cases/{case_id}/message", data={"csrf": token, "body": "hello"}
        )
        assert answer.status_code == 403
        assert "text/html" in answer.headers["content-type"]
    assert storage.snapshot() == before


def test_another_merchants_case_is_not_found_by_its_address(
    users: Context, storage: Storage
) -> None:
    case_id = opened_case(users)
    other = browser(users, "knit")
    page = other.get(f"/console/cases/{case_id}")
    assert page.status_code == 404
    assert "dead pixels" not in page.text and "<h1>未找到</h1>" in page.text
    own_page = other.get("/console/queue").text
    before = storage.snapshot()
    answer = other.post(
        f"/console/cases/{case_id}/propose",
        data={"csrf": csrf_of(own_page), "resolution": "repair", "amount": "0"},
    )
    assert answer.status_code == 404
    assert storage.snapshot() == before
    assert browser(users, "wang").get(f"/console/cases/{case_id}").status_code == 404


def test_pages_of_another_role_answer_not_for_your_role(users: Context) -> None:
    merchant = browser(users, "acme")
    for path in ("/console/orders", "/console/overview", "/console/arbitration"):
        assert merchant.get(path).status_code == 403
    assert browser(users, "li").get("/console/queue").status_code == 403


def test_unknown_and_malformed_addresses_are_the_404_page(users: Context) -> None:
    client = browser(users, "op")
    for path in ("/console/nothing-here", "/console/cases/%00bad", "/console/cases/" + "x" * 50):
        answer = client.get(path)
        assert answer.status_code == 404
        assert "text/html" in answer.headers["content-type"]


# ---- languages ----------------------------------------------------------------------------------


def test_the_language_follows_the_browser_then_the_switch(users: Context) -> None:
    english = browser(users, "li", **{"Accept-Language": "en-US,en;q=0.9"})
    assert "My orders" in english.get("/console/orders").text
    chinese = browser(users, "li", **{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    page = chinese.get("/console/orders").text
    assert "我的订单" in page and 'lang="zh-CN"' in page
    switched = english.get("/console/lang/zh?next=/console/orders", follow_redirects=False)
    assert switched.headers["location"] == "/console/orders"
    assert "我的订单" in english.get("/console/orders").text  # remembered in a cookie
    assert english.get("/console/lang/fr").status_code == 404


# ---- each role's main task ----------------------------------------------------------------------


def test_consumer_opens_a_case_with_evidence_and_accepts_the_merchants_proposal(
    users: Context,
) -> None:
    consumer = browser(users, "li")
    form_page = "/console/orders/l1/case"
    token = csrf_of(consumer.get(form_page).text)
    opened = consumer.post(
        form_page,
        data={"csrf": token, "type": "return_refund", "description": "屏幕有坏点"},
        files={"evidence": ("screen.png", io.BytesIO(PNG), "image/png")},
        follow_redirects=False,
    )
    assert opened.status_code == 303, opened.text
    case_path = opened.headers["location"].split("?")[0]
    page = consumer.get(case_path).text
    assert "screen.png" in page and "image/png" in page

    merchant = browser(users, "acme")
    proposed = post_form(
        merchant,
        f"{case_path}/propose",
        {"resolution": "return_refund", "amount": "2999.00"},
        case_path,
    )
    assert proposed.status_code == 303
    accepted = post_form(consumer, f"{case_path}/accept", {}, case_path)
    assert accepted.status_code == 303
    assert "in service" in browser(users, "audit", **{"Accept-Language": "en"}).get(case_path).text


def test_a_refused_action_shows_the_reason_on_the_case_page(
    users: Context, storage: Storage
) -> None:
    case_id = opened_case(users)
    merchant = browser(users, "acme", **{"Accept-Language": "en"})
    path = f"/console/cases/{case_id}"
    before = storage.snapshot()
    too_much = post_form(
        merchant, f"{path}/propose", {"resolution": "refund_only", "amount": "99999.00"}, path
    )
    assert too_much.status_code == 422
    assert "Please check your input" in too_much.text and "exceeds" in too_much.text
    not_now = post_form(merchant, f"{path}/complete", {"note": ""}, path)
    assert not_now.status_code == 409
    assert "Not possible now" in not_now.text
    assert storage.snapshot() == before


def test_a_file_of_the_wrong_type_refuses_the_opening_and_writes_nothing(
    users: Context, storage: Storage
) -> None:
    consumer = browser(users, "li")
    form_page = "/console/orders/l1/case"
    token = csrf_of(consumer.get(form_page).text)
    before = storage.snapshot()
    refused = consumer.post(
        form_page,
        data={"csrf": token, "type": "repair", "description": "broken"},
        files={"evidence": ("virus.exe", io.BytesIO(b"MZ" + b"\x00" * 100), "image/png")},
    )
    assert refused.status_code == 415
    assert storage.snapshot() == before


def test_operator_arbitrates_an_escalated_case(users: Context) -> None:
    case_id = opened_case(users)
    uc.escalate(users, M1, case_id, "the consumer damaged it")
    operator = browser(users, "op", **{"Accept-Language": "en"})
    assert case_id in operator.get("/console/arbitration").text
    path = f"/console/cases/{case_id}"
    verdict = {
        "verdict": "consumer",
        "liable_party": "merchant",
        "resolution": "return_refund",
        "amount": "2999.00",
        "note": "the pixels were dead on arrival",
    }
    assert post_form(operator, f"{path}/arbitrate", verdict, path).status_code == 303
    case = uc.get_case(users, C1, case_id)
    assert case.arbitration is not None and case.arbitration.operator_id == "op"


def test_auditor_reads_cases_and_the_overview_without_any_form(users: Context) -> None:
    case_id = opened_case(users)
    auditor = browser(users, "audit", **{"Accept-Language": "en"})
    page = auditor.get(f"/console/cases/{case_id}").text
    assert "Read-only view." in page
    assert '<form method="post" action="/console/cases/' not in page
    overview = auditor.get("/console/overview")
    assert overview.status_code == 200 and overview.text.count("<svg") == 7  # 6 + tiers' exposure
    for path in ("/console/recalls", "/console/policies", "/console/ledger"):
        assert auditor.get(path).status_code == 200


@pytest.mark.parametrize("name", ["op", "audit"])
def test_every_link_of_the_overview_opens_for_its_reader(users: Context, name: str) -> None:
    opened_case(users)
    reader = browser(users, name)
    overview = reader.get("/console/overview").text
    main = overview[overview.index('<main id="main"') :]
    links = set(re.findall(r'href="(/console/[^"#]*)"', main))
    assert links  # the tiles link somewhere
    for link in links:
        assert reader.get(link.replace("&amp;", "&")).status_code == 200, (name, link)


def test_the_auditors_overview_sends_the_escalated_cases_to_the_case_list(
    users: Context,
) -> None:
    overview = browser(users, "audit").get("/console/overview").text
    assert 'href="/console/cases?state=escalated"' in overview
    assert 'href="/console/arbitration"' not in overview
    assert 'href="/console/arbitration"' in browser(users, "op").get("/console/overview").text


@pytest.mark.parametrize(
    ("lang", "phone", "beijing"), [("en", "Phones", "Beijing"), ("zh", "手机", "北京")]
)
def test_the_case_summary_names_the_category_and_region(
    users: Context, lang: str, phone: str, beijing: str
) -> None:
    case_id = opened_case(users)
    client = browser(users, "op", **{"Accept-Language": lang})
    page = client.get(f"/console/cases/{case_id}").text
    summary = page[page.index('id="summary"') : page.index('id="decision"')]
    assert f"p1 · {phone}</dd>" in summary and f"<dd>{beijing}</dd>" in summary
    assert "digital/phone" not in summary and "CN-BJ" not in summary


def test_the_case_list_takes_a_state_by_name_and_says_what_it_cannot_use(
    users: Context,
) -> None:
    case_id = opened_case(users)
    chinese = browser(users, "audit", **{"Accept-Language": "zh-CN"})
    for typed in ("awaiting_merchant", "待商家处理", " Waiting for the merchant "):
        found = chinese.get("/console/cases", params={"state": typed})
        assert found.status_code == 200 and case_id in found.text, typed
        assert '<option value="awaiting_merchant" selected>' in found.text, typed
    assert case_id not in chinese.get("/console/cases?state=closed").text
    bad = chinese.get("/console/cases?state=foo")
    assert bad.status_code == 200 and case_id in bad.text  # the filter is left out
    alert = re.search(r'<div class="alert" role="alert">(.*?)</div>', bad.text, re.S)
    assert alert is not None and "状态：“foo”不在可选范围内" in alert.group(1)  # noqa: RUF001


def test_the_overviews_figure_tables_scroll_inside_their_card(users: Context) -> None:
    opened_case(users)
    overview = browser(users, "op").get("/console/overview").text
    tables = re.findall(r'<details class="figures">(.*?)</details>', overview, re.S)
    assert len(tables) >= 4
    for table in tables:
        assert re.search(r'<div class="scroll"><table>.*</table></div>', table, re.S)


def test_long_titles_and_words_break_instead_of_widening_a_phone_screen(users: Context) -> None:
    page = browser(users, "op").get("/console/overview").text
    found = re.search(r'href="(/console/static/console\.css\?v=[0-9a-f]+)"', page)
    assert found is not None
    css = browser(users).get(found.group(1)).text
    rule = re.search(r"^([^{}\n]*)\{\s*overflow-wrap:\s*anywhere;\s*\}", css, re.M)
    assert rule is not None
    assert {"h1", ".explanation", "dd"} <= {s.strip() for s in rule.group(1).split(",")}


def test_every_page_links_a_favicon_the_console_serves(users: Context) -> None:
    for name, path in (("op", "/console/overview"), (None, "/console/signin")):
        page = browser(users, name).get(path).text
        icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
        assert icon is not None, path
        served = browser(users).get(icon.group(1))
        assert served.status_code == 200 and served.headers["content-type"] == "image/svg+xml"
        assert served.text.startswith("<svg")


def test_evidence_added_on_the_case_page_is_served_safely(users: Context) -> None:
    case_id = opened_case(users)
    merchant = browser(users, "acme")
    path = f"/console/cases/{case_id}"
    token = csrf_of(merchant.get(path).text)
    added = merchant.post(
        f"{path}/evidence",
        data={"csrf": token},
        files={"file": ("label.png", io.BytesIO(PNG), "image/png")},
        follow_redirects=False,
    )
    assert added.status_code == 303
    link = re.search(rf'href="({path}/evidence/ev_[0-9a-f]+)"', merchant.get(path).text)
    assert link is not None
    served = browser(users, "li").get(link.group(1))
    assert served.status_code == 200 and served.content == PNG
    assert served.headers["content-type"] == "image/png"
    assert served.headers["content-security-policy"].startswith("sandbox")
    assert browser(users, "knit").get(link.group(1)).status_code == 404


def test_a_body_larger_than_its_files_may_be_is_refused_unread(
    users: Context, storage: Storage
) -> None:
    case_id = opened_case(users)
    consumer = browser(users, "li")
    path = f"/console/cases/{case_id}"
    token = csrf_of(consumer.get(path).text)
    before = storage.snapshot()
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * (users.evidence_max_bytes + 2 * 1024 * 1024)
    answer = consumer.post(
        f"{path}/evidence", data={"csrf": token}, files={"file": ("big.png", big, "image/png")}
    )
    assert answer.status_code == 413
    assert storage.snapshot() == before
