"""A refused action on the case page, on SQLite and PostgreSQL: the page comes back with the
reason in the reader's language and the refused form as the reader left it (text, amounts,
selects, stars), every other form at its defaults, and nothing written."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from aftersales.domain.actors import Actor, Role
from aftersales.domain.cases_types import CaseType
from aftersales.services import cases as uc
from aftersales.services.context import Context
from tests.console_support import add_users, browser, post_form
from tests.ledger_cases import arbitrated_case
from tests.support import Market, Storage

C1, M1, OP = Actor(Role.CONSUMER, "c1"), Actor(Role.MERCHANT_AGENT, "m1"), Actor(Role.OPERATOR)
NOTE = 'Dead on arrival: <script>alert("x")</script> & the box was sealed'
VERDICT = {
    "verdict": "consumer",
    "liable_party": "logistics",
    "resolution": "refund_only",
    "amount": "5000.00",  # the consumer paid 2,999.00 for the line
    "note": NOTE,
}


@pytest.fixture
def users(ctx: Context, market: Market) -> Context:
    add_users(ctx)
    return ctx


def opened_case(ctx: Context) -> str:
    cmd = uc.OpenCase("l1", CaseType.RETURN_REFUND, "屏幕有坏点 dead pixels")
    return uc.open_case(ctx, C1, cmd).id


def escalated_case(ctx: Context) -> str:
    case_id = opened_case(ctx)
    uc.escalate(ctx, M1, case_id, "the consumer damaged it")
    return case_id


def first_remedy(ctx: Context, case_id: str) -> str:
    assessment = uc.get_case(ctx, OP, case_id).assessment
    assert assessment is not None
    remedy: str = assessment["decision"]["resolutions"][0]["type"]
    return remedy


# ---- reading the page as a browser would fill its forms -----------------------------------------


def form_of(html: str, action: str) -> str:
    found = re.search(rf'<form method="post" action="[^"]*/{action}".*?</form>', html, re.S)
    assert found, f"the page has no {action} form"
    return found.group(0)


def chosen(form: str, name: str) -> str | None:
    """The option a select shows: the one marked ``selected``, else the first (as browsers do)."""
    select = re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', form, re.S)
    assert select, f"no select {name}"
    options = re.findall(r'<option value="([^"]*)"( selected)?>', select.group(1))
    marked = [value for value, selected in options if selected]
    assert len(marked) <= 1
    return marked[0] if marked else options[0][0]


def preselected(form: str, name: str) -> str | None:
    """The option marked ``selected`` in a select, if any."""
    select = re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', form, re.S)
    assert select, f"no select {name}"
    marked = re.findall(r'<option value="([^"]*)" selected>', select.group(1))
    return marked[0] if marked else None


def value_of(form: str, name: str) -> str:
    field = re.search(rf'<input[^>]* name="{name}"[^>]*>', form)
    assert field, f"no input {name}"
    value = re.search(r' value="([^"]*)"', field.group(0))
    return unescape(value.group(1)) if value else ""


def text_of(form: str, name: str) -> str:
    area = re.search(rf'<textarea[^>]* name="{name}"[^>]*>(.*?)</textarea>', form, re.S)
    assert area, f"no textarea {name}"
    return unescape(area.group(1))


def checked(form: str, name: str) -> list[str]:
    return re.findall(rf'<input type="radio" name="{name}" value="([^"]*)" checked', form)


def alert(html: str) -> str:
    found = re.search(r'<div class="alert" role="alert">(.*?)</div>', html, re.S)
    assert found, "the page shows no refusal"
    return unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


def refused(client: TestClient, case_id: str, action: str, data: dict[str, str]) -> str:
    path = f"/console/cases/{case_id}"
    answer = post_form(client, f"{path}/{action}", data, path)
    assert answer.status_code == 422, answer.text
    return answer.text


# ---- the operator's verdict ---------------------------------------------------------------------


def test_verdict_form_starts_with_the_policys_first_remedy(users: Context) -> None:
    case_id = escalated_case(users)
    page = browser(users, "op").get(f"/console/cases/{case_id}").text
    assert preselected(form_of(page, "arbitrate"), "resolution") == first_remedy(users, case_id)


def test_refused_verdict_keeps_every_field_and_says_why_in_chinese(
    users: Context, storage: Storage
) -> None:
    case_id = escalated_case(users)
    operator = browser(users, "op", lang="zh")
    before = storage.snapshot()
    page = refused(operator, case_id, "arbitrate", VERDICT)
    assert storage.snapshot() == before
    form = form_of(page, "arbitrate")
    assert chosen(form, "verdict") == "consumer"
    assert chosen(form, "liable_party") == "logistics"
    assert chosen(form, "resolution") == "refund_only"
    assert value_of(form, "amount") == "5000.00"
    assert text_of(form, "note") == NOTE
    assert "<script>" not in page and "&lt;script&gt;" in page  # the reader's text, escaped
    said = alert(page)
    assert "金额超过了消费者为该商品实付的金额（¥2,999.00）" in said
    assert "exceeds" not in said  # the platform's English words are not shown on a Chinese page


def test_refused_verdict_in_english_says_why_in_english(users: Context) -> None:
    case_id = escalated_case(users)
    page = refused(browser(users, "op", lang="en"), case_id, "arbitrate", VERDICT)
    said = alert(page)
    assert "The amount is more than the consumer paid for this line (¥2,999.00)." in said
    assert "Details: the amount exceeds what was paid for the line (2999.00)" in said


def test_a_verdict_for_the_merchant_with_a_remedy_is_named(users: Context) -> None:
    case_id = escalated_case(users)
    wrong = VERDICT | {"verdict": "merchant", "resolution": "exchange", "amount": "0.00"}
    page = refused(browser(users, "op", lang="zh"), case_id, "arbitrate", wrong)
    assert "裁决支持商家时，处理方式须为「不予处理」。" in alert(page)
    assert chosen(form_of(page, "arbitrate"), "verdict") == "merchant"


def test_a_verdict_without_reasons_names_the_field(users: Context) -> None:
    case_id = escalated_case(users)
    blank = VERDICT | {"amount": "100.00", "note": "   "}
    page = refused(browser(users, "op", lang="zh"), case_id, "arbitrate", blank)
    assert "裁决理由（双方可见）：此项必填。" in alert(page)
    form = form_of(page, "arbitrate")
    assert value_of(form, "amount") == "100.00" and chosen(form, "liable_party") == "logistics"


# ---- the merchant's proposal and other forms ----------------------------------------------------


def test_refused_proposal_keeps_its_fields_and_leaves_the_others_alone(
    users: Context, storage: Storage
) -> None:
    case_id = opened_case(users)
    merchant = browser(users, "acme", lang="zh")
    default = form_of(merchant.get(f"/console/cases/{case_id}").text, "propose")
    before = storage.snapshot()
    sent = {"resolution": "refund_only", "amount": "99999.00"}
    page = refused(merchant, case_id, "propose", sent)
    assert storage.snapshot() == before
    form = form_of(page, "propose")
    assert chosen(form, "resolution") == "refund_only" != chosen(default, "resolution")
    assert value_of(form, "amount") == "99999.00"
    assert text_of(form_of(page, "message"), "body") == ""  # another form, at its default
    assert value_of(form_of(page, "escalate"), "reason") == ""
    assert "金额超过了消费者为该商品实付的金额（¥2,999.00）" in alert(page)
    assert "exceeds" not in alert(page)


def test_a_rejection_with_an_amount_is_named(users: Context) -> None:
    case_id = opened_case(users)
    sent = {"resolution": "reject", "amount": "10.00"}
    page = refused(browser(users, "acme", lang="en"), case_id, "propose", sent)
    assert "“no remedy” carries no amount: set the amount to 0." in alert(page)
    assert value_of(form_of(page, "propose"), "amount") == "10.00"


def test_a_refund_of_nothing_is_named(users: Context) -> None:
    case_id = opened_case(users)
    sent = {"resolution": "refund_only", "amount": "0.00"}
    page = refused(browser(users, "acme", lang="zh"), case_id, "propose", sent)
    assert "「仅退款」需要填写大于零的金额。" in alert(page)
    assert chosen(form_of(page, "propose"), "resolution") == "refund_only"


def test_too_long_a_message_is_kept_and_named(users: Context) -> None:
    case_id = opened_case(users)
    body = "坏点" * 2501
    page = refused(browser(users, "acme", lang="zh"), case_id, "message", {"body": body})
    assert "消息内容：过长，最多 5000 个字符。" in alert(page)
    assert text_of(form_of(page, "message"), "body") == body
    assert value_of(form_of(page, "propose"), "amount") == "2999.00"  # the proposal's default


def test_an_action_the_state_does_not_allow_is_named_with_the_state(users: Context) -> None:
    case_id = opened_case(users)
    path = f"/console/cases/{case_id}"
    merchant = browser(users, "acme", lang="zh")
    answer = post_form(merchant, f"{path}/complete", {"note": "换了屏幕"}, path)
    assert answer.status_code == 409
    said = alert(answer.text)
    assert "售后单当前状态为「待商家处理」" in said and "cannot" not in said


# ---- the consumer's rating and appeal -----------------------------------------------------------


def test_refused_rating_keeps_the_stars_and_the_comment(users: Context) -> None:
    case_id = arbitrated_case(users)  # resolved for the consumer
    comment = "慢" * 2001
    page = refused(
        browser(users, "li", lang="zh"), case_id, "rate", {"score": "2", "comment": comment}
    )
    assert "评价内容（可选）：过长，最多 2000 个字符。" in alert(page)
    form = form_of(page, "rate")
    assert checked(form, "score") == ["2"]
    assert value_of(form, "comment") == comment
    assert text_of(form_of(page, "appeal"), "reason") == ""


def test_an_appeal_without_a_reason_names_the_field(users: Context) -> None:
    case_id = arbitrated_case(users)  # resolved for the consumer
    page = refused(browser(users, "li", lang="en"), case_id, "appeal", {"reason": " "})
    assert "Reason: please fill this in." in alert(page)
    assert checked(form_of(page, "rate"), "score") == []
