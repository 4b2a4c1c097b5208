"""A refusal of the case the console has no words of its own for is shown in the case's own
reason, in the reader's language, under the title of its kind and with the API's status: the
console knows a refusal by its code, never by its English wording."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from html import unescape

import pytest

from aftersales.domain.actors import Actor, Role
from aftersales.domain.cases_types import CaseType, ResolutionType
from aftersales.services import cases as uc
from aftersales.services.context import Context
from tests.console_support import add_users, browser, post_form
from tests.ledger_cases import arbitrated_case
from tests.support import Market, Storage

C1, M1 = Actor(Role.CONSUMER, "c1"), Actor(Role.MERCHANT_AGENT, "m1")


@pytest.fixture
def users(ctx: Context, market: Market) -> Context:
    add_users(ctx)
    return ctx


def alert(html: str) -> str:
    found = re.search(r'<div class="alert" role="alert">(.*?)</div>', html, re.S)
    assert found, "the page shows no refusal"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def test_rating_twice_is_said_in_chinese_under_the_title_of_a_conflict(
    users: Context, storage: Storage
) -> None:
    case_id = arbitrated_case(users)  # resolved for the consumer
    uc.rate(users, C1, case_id, 5, "quick")
    path = f"/console/cases/{case_id}"
    consumer = browser(users, "li", lang="zh")
    before = storage.snapshot()

    answer = post_form(consumer, f"{path}/rate", {"score": "1"}, path)

    assert answer.status_code == 409
    said = alert(answer.text)
    assert "当前无法执行" in said and "该服务已评价过，每个售后单只能评价一次" in said
    assert "already" not in said
    assert storage.snapshot() == before


def test_rating_twice_in_english_is_said_once_in_the_cases_words(users: Context) -> None:
    case_id = arbitrated_case(users)
    uc.rate(users, C1, case_id, 5, "quick")
    path = f"/console/cases/{case_id}"

    answer = post_form(browser(users, "li", lang="en"), f"{path}/rate", {"score": "1"}, path)

    said = alert(answer.text)
    assert "Not possible now" in said
    assert said.count("the service has already been rated") == 1


def test_an_action_of_the_other_party_is_refused_in_the_readers_language(
    users: Context, storage: Storage
) -> None:
    cmd = uc.OpenCase("l1", CaseType.RETURN_REFUND, "屏幕有坏点 dead pixels")
    case_id = uc.open_case(users, C1, cmd).id
    uc.propose(users, M1, case_id, ResolutionType.REPAIR, 0)
    path = f"/console/cases/{case_id}"
    merchant = browser(users, "acme", lang="zh")
    before = storage.snapshot()

    answer = post_form(merchant, f"{path}/accept", {}, path)

    assert answer.status_code == 403
    said = alert(answer.text)
    assert "您的角色无权使用此页面" in said and "只有该售后单的消费者可以执行此操作" in said
    assert storage.snapshot() == before
