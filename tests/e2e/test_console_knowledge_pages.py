"""The knowledge base's console pages over HTTP, on SQLite and PostgreSQL: the list and its
filter, the preview (nothing written), an entry's page with its history, edit, a stale edit
refused with the reader's text kept, retire and put back, a new entry, bad input said beside
its field in both languages, and who may see and do what."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aftersales.domain.actors import Actor, Role
from aftersales.services import knowledge as kb
from aftersales.services.context import Context
from tests.console_support import add_users, browser, csrf_of, post_form
from tests.dispatch_support import PHONE_DEFECT
from tests.knowledge_support import SCREEN_STEP, screen_entry
from tests.support import Market, Storage

OPERATOR = Actor(Role.OPERATOR)
LIST = "/console/knowledge"
SHIPPED = "quality_defect.digital"


@pytest.fixture
def users(ctx: Context, market: Market) -> Context:
    add_users(ctx)
    return ctx


def screen_form(**changes: Any) -> dict[str, Any]:
    """The new-entry form for dead pixels on an Acme X1, as a browser sends it."""
    return {
        "id": "screen.acme_x1",
        "issue_types": ["quality_defect"],
        "categories": ["digital/phone"],
        "brands": "",
        "models": "X1",
        "keywords": "坏点\ndead pixel",
        "zh.lead": "屏幕坏点可以先自检。",
        "zh.steps": SCREEN_STEP,
        "en.lead": "Dead pixels can be checked first.",
        "en.steps": "Run Settings → Display → Pixel check and screenshot the result.",
    } | changes


def edit_form(client: TestClient, entry_id: str) -> dict[str, Any]:
    """The entry page's edit form as the browser shows it: its fields and hidden revision."""
    page = client.get(f"{LIST}/{entry_id}").text
    form = page.split(f'action="/console/knowledge/{entry_id}/edit"', 1)[1].split("</form>")[0]
    values: dict[str, Any] = {"issue_types": [], "categories": []}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form):
        if name not in ("issue_types", "categories", "csrf"):
            values[name] = html.unescape(value)
    for name in ("issue_types", "categories"):
        values[name] = re.findall(rf'name="{name}" value="([^"]+)" checked', form)
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', form):
        values[name] = html.unescape(text)
    return values


def knowledge_rows(storage: Storage) -> Any:
    snapshot = storage.snapshot()
    return snapshot["knowledge_entries"], snapshot["knowledge_revisions"]


# ---- the list and the preview -------------------------------------------------------------------


def test_the_list_shows_every_entry_with_its_origin_in_both_languages(users: Context) -> None:
    kb.create_entry(users, OPERATOR, screen_entry())
    english = browser(users, "op").get(LIST)
    assert english.status_code == 200
    assert f'href="/console/knowledge/{SHIPPED}"' in english.text
    assert 'href="/console/knowledge/screen.acme_x1"' in english.text
    assert "shipped default" in english.text and "added by operators" in english.text
    assert "Dead pixels can be checked first." in english.text  # the lead, as its title
    assert 'href="/console/knowledge" aria-current="page"' in english.text  # in the menu
    chinese = browser(users, "op", "zh").get(LIST)
    assert "首次回复知识库" in chinese.text and "运营新增" in chinese.text
    assert "屏幕坏点可以先自检。" in chinese.text and "中文 · 英文" in chinese.text


def test_the_filter_keeps_the_entries_that_say_the_text(users: Context) -> None:
    kb.create_entry(users, OPERATOR, screen_entry())
    client = browser(users, "op")
    found = client.get(f"{LIST}?q=PIXEL+check").text
    assert 'href="/console/knowledge/screen.acme_x1"' in found
    assert f'href="/console/knowledge/{SHIPPED}"' not in found
    assert "1 of 1 entries shown." in found
    assert "No entry matches." in client.get(f"{LIST}?q=nothing-says-this").text
    kb.retire_entry(users, OPERATOR, "screen.acme_x1")
    assert "screen.acme_x1" not in client.get(f"{LIST}?q=pixel").text
    assert "screen.acme_x1" in client.get(f"{LIST}?q=pixel&retired=true").text


def test_a_preview_shows_the_entry_and_the_reply_and_writes_nothing(
    users: Context, storage: Storage
) -> None:
    client = browser(users, "op")
    before = knowledge_rows(storage)
    ask = {"text": PHONE_DEFECT, "category": "digital/phone", "brand": "Acme", "model": "X1"}
    shown = post_form(client, f"{LIST}/preview", ask, LIST)
    assert shown.status_code == 200
    assert f'href="/console/knowledge/{SHIPPED}"' in shown.text
    assert "quality defect" in shown.text and "A preview: nothing was saved." in shown.text
    assert PHONE_DEFECT in shown.text  # the complaint stays in the form
    kb.create_entry(users, OPERATOR, screen_entry())
    after = knowledge_rows(storage)
    english = post_form(client, f"{LIST}/preview", ask | {"language": "en"}, LIST)
    assert 'href="/console/knowledge/screen.acme_x1"' in english.text
    assert "Hello," in english.text and "Pixel check" in english.text
    assert knowledge_rows(storage) == after != before  # only the create wrote


def test_a_blank_or_malformed_preview_is_refused_in_the_readers_language(users: Context) -> None:
    client = browser(users, "op", "zh")
    blank = post_form(client, f"{LIST}/preview", {"text": "  ", "brand": "Acme"}, LIST)
    assert blank.status_code == 422
    assert "此项必填。" in blank.text and 'value="Acme"' in blank.text
    odd = post_form(client, f"{LIST}/preview", {"text": "坏了", "category": "moon"}, LIST)
    assert odd.status_code == 422 and "平台不认识此值。" in odd.text


# ---- an entry: history, edit, stale edit, retire, put back --------------------------------------


def test_an_operator_edits_a_shipped_entry_and_the_history_keeps_both_texts(
    users: Context,
) -> None:
    client = browser(users, "op")
    page = f"{LIST}/{SHIPPED}"
    shown = client.get(page)
    assert shown.status_code == 200 and "revision 0" in shown.text
    assert "shipped with the platform" in shown.text
    form = edit_form(client, SHIPPED)
    assert form["revision"] == "0" and form["issue_types"]
    form["zh.steps"] = "先拍照留证。\n联系客服。"
    done = post_form(client, f"{page}/edit", form, page)
    assert done.status_code == 303 and done.headers["location"].endswith("done=kb_saved")
    after = client.get(done.headers["location"]).text
    assert "The entry was saved." in after and "shipped, edited by operators" in after
    view = kb.get_entry(users, OPERATOR, SHIPPED)
    assert view.revision == 1 and view.document["zh"]["steps"] == ["先拍照留证。", "联系客服。"]
    assert [(r.revision, r.action) for r in view.history] == [(0, "shipped"), (1, "edited")]
    assert "Put the shipped text back" in after


def test_a_stale_edit_is_refused_and_the_readers_text_stays_in_the_form(
    users: Context, storage: Storage
) -> None:
    kb.create_entry(users, OPERATOR, screen_entry())
    page = f"{LIST}/screen.acme_x1"
    mine, theirs = browser(users, "op"), browser(users, "op")
    form = edit_form(mine, "screen.acme_x1")
    other = edit_form(theirs, "screen.acme_x1") | {"en.lead": "Someone else's lead."}
    assert post_form(theirs, f"{page}/edit", other, page).status_code == 303
    before = knowledge_rows(storage)
    form["en.lead"] = "My own lead."
    stale = post_form(mine, f"{page}/edit", form, page)
    assert stale.status_code == 412
    assert "Someone else saved this entry while you were editing it" in stale.text
    assert 'value="My own lead."' in stale.text  # kept, not lost
    assert "Someone else&#39;s lead." in stale.text  # the current text is shown
    assert knowledge_rows(storage) == before  # nothing was overwritten
    again = dict(form) | {"revision": re.findall(r'name="revision" value="(\d+)"', stale.text)[0]}
    saved = mine.post(f"{page}/edit", data={"csrf": csrf_of(stale.text), **again})
    assert saved.status_code == 200  # followed the redirect: saved knowingly
    assert kb.get_entry(users, OPERATOR, "screen.acme_x1").document["en"]["lead"] == "My own lead."


def test_a_stale_edit_in_chinese_says_so_in_chinese(users: Context) -> None:
    client = browser(users, "op", "zh")
    page = f"{LIST}/{SHIPPED}"
    form = edit_form(client, SHIPPED)
    kb.replace_entry(users, OPERATOR, SHIPPED, screen_entry(id=SHIPPED), 0)
    stale = post_form(client, f"{page}/edit", form | {"zh.lead": "我的开头语"}, page)
    assert stale.status_code == 412 and "其他人保存了此条目" in stale.text
    assert 'value="我的开头语"' in stale.text


def test_bad_input_is_said_beside_each_field_and_nothing_is_lost(
    users: Context, storage: Storage
) -> None:
    client = browser(users, "op", "zh")
    page = f"{LIST}/{SHIPPED}"
    before = knowledge_rows(storage)
    form = edit_form(client, SHIPPED) | {
        "zh.lead": "   ",
        "keywords": "坏点\n电",
        "en.steps": "",
        "issue_types": [],
    }
    refused = post_form(client, f"{page}/edit", form, page)
    assert refused.status_code == 422
    assert "请检查您填写的内容" in refused.text and refused.text.count("此项必填。") == 3
    assert "每个关键词至少 2 个字。" in refused.text
    assert "坏点\n电</textarea>" in refused.text  # the reader's input, as typed
    unknown = post_form(client, f"{page}/edit", form | _valid(categories=["digital/tablet"]), page)
    assert unknown.status_code == 422 and "未通过检查" in unknown.text
    assert "unknown categories digital/tablet" in unknown.text
    english = browser(users, "op")
    too_long = post_form(english, f"{page}/edit", form | _valid(**{"en.lead": "x" * 301}), page)
    assert too_long.status_code == 422 and "Too long: at most 300 characters." in too_long.text
    assert knowledge_rows(storage) == before


def test_an_operator_retires_an_entry_and_puts_its_text_back(users: Context) -> None:
    kb.create_entry(users, OPERATOR, screen_entry())
    client = browser(users, "op")
    page = f"{LIST}/screen.acme_x1"
    retired = post_form(client, f"{page}/retire", {"revision": "1"}, page)
    assert retired.status_code == 303 and retired.headers["location"].endswith("done=kb_retired")
    shown = client.get(page).text
    assert "saving it brings it back into use" in shown and "/retire" not in shown
    assert kb.get_entry(users, OPERATOR, "screen.acme_x1").retired
    again = post_form(client, f"{page}/retire", {"revision": "2"}, page)
    assert again.status_code == 409
    stale = post_form(client, f"{page}/restore", {"revision": "1", "source": "1"}, page)
    assert stale.status_code == 412 and "Someone else changed this" in stale.text
    back = post_form(client, f"{page}/restore", {"revision": "2", "source": "1"}, page)
    assert back.status_code == 303
    view = kb.get_entry(users, OPERATOR, "screen.acme_x1")
    assert not view.retired and [r.action for r in view.history][-1] == "restored"
    missing = post_form(client, f"{page}/restore", {"revision": "3", "source": "9"}, page)
    assert missing.status_code == 422


def test_the_shipped_text_comes_back_after_an_edit(users: Context) -> None:
    shipped = kb.get_entry(users, OPERATOR, SHIPPED).document
    kb.replace_entry(users, OPERATOR, SHIPPED, screen_entry(id=SHIPPED), 0)
    client = browser(users, "op")
    page = f"{LIST}/{SHIPPED}"
    done = post_form(client, f"{page}/restore", {"revision": "1", "source": "0"}, page)
    assert done.status_code == 303
    assert "The earlier text was put back." in client.get(done.headers["location"]).text
    view = kb.get_entry(users, OPERATOR, SHIPPED)
    assert view.document == shipped and view.revision == 2


# ---- a new entry --------------------------------------------------------------------------------


def test_an_operator_adds_an_entry_and_a_taken_id_is_refused(users: Context) -> None:
    client = browser(users, "op")
    new = f"{LIST}/new"
    assert 'action="/console/knowledge/new"' in client.get(new).text
    done = post_form(client, new, screen_form(), new)
    assert done.status_code == 303
    assert done.headers["location"] == f"{LIST}/screen.acme_x1?done=kb_created"
    view = kb.get_entry(users, OPERATOR, "screen.acme_x1")
    assert view.origin == "operator" and view.document["keywords"] == ["坏点", "dead pixel"]
    assert view.document["zh"]["steps"] == [SCREEN_STEP]
    taken = post_form(client, new, screen_form(**{"en.lead": "Another."}), new)
    assert taken.status_code == 409 and "An entry with this id exists" in taken.text
    assert 'value="Another."' in taken.text
    shipped = post_form(client, new, screen_form(id=SHIPPED), new)
    assert shipped.status_code == 409


def test_a_new_entry_with_bad_input_is_refused_with_everything_kept(
    users: Context, storage: Storage
) -> None:
    client = browser(users, "op", "zh")
    new = f"{LIST}/new"
    before = knowledge_rows(storage)
    bad = post_form(client, new, screen_form(id="Bad Id!", **{"zh.steps": ""}), new)
    assert bad.status_code == 422
    assert "请使用 1 至 64 个小写字母" in bad.text and "此项必填。" in bad.text
    assert 'value="Bad Id!"' in bad.text and "dead pixel</textarea>" in bad.text
    assert 'value="digital/phone" checked' in bad.text
    other = post_form(client, new, screen_form(issue_types=["other"]), new)
    assert other.status_code == 422
    assert knowledge_rows(storage) == before


# ---- who may see and do what --------------------------------------------------------------------


def test_the_auditor_reads_without_a_form_and_other_roles_are_refused(users: Context) -> None:
    auditor = browser(users, "audit")
    listed = auditor.get(LIST)
    entry = auditor.get(f"{LIST}/{SHIPPED}")
    assert listed.status_code == entry.status_code == 200
    assert "Read-only view." in entry.text and "/edit" not in entry.text
    assert "/console/knowledge/preview" not in listed.text
    assert 'href="/console/knowledge"' in listed.text  # in the auditor's menu
    token = csrf_of(entry.text)
    page = f"{LIST}/{SHIPPED}"
    assert auditor.post(f"{page}/retire", data={"csrf": token, "revision": "0"}).status_code == 403
    assert auditor.post(f"{LIST}/preview", data={"csrf": token, "text": "x"}).status_code == 403
    assert auditor.get(f"{LIST}/new").status_code == 403
    for name in ("acme", "li"):
        client = browser(users, name)
        assert client.get(LIST).status_code == 403
        assert client.get(f"{LIST}/{SHIPPED}").status_code == 403
    assert kb.get_entry(users, OPERATOR, SHIPPED).revision == 0


def test_forged_tokens_unknown_entries_and_bad_addresses(users: Context) -> None:
    client = browser(users, "op")
    page = f"{LIST}/{SHIPPED}"
    forged = client.post(f"{page}/edit", data={"csrf": "forged", "revision": "0"})
    assert forged.status_code == 403
    assert client.get(f"{LIST}/no.such.entry").status_code == 404
    assert client.get(f"{LIST}/Not An Id").status_code == 404
    missing = post_form(client, f"{LIST}/no.such.entry/edit", screen_form(revision="0"), LIST)
    assert missing.status_code == 404
    signed_out = browser(users).get(LIST, follow_redirects=False)
    assert signed_out.status_code == 303  # not signed in: the sign-in page
    assert kb.get_entry(users, OPERATOR, SHIPPED).revision == 0


# ---- helpers ------------------------------------------------------------------------------------


def _valid(**changes: Any) -> dict[str, Any]:
    """The fields the bad-input test broke, right again, with ``changes``."""
    return {
        "zh.lead": "请先自检。",
        "keywords": "坏点",
        "en.steps": "Take a photo.",
        "issue_types": ["quality_defect"],
    } | changes
