"""Readers get cached page views, and every change they could see shows at once: each test runs
signed out and signed in (a resident's copy is shared by every resident: web/skeleton.py)."""

import pytest
from sqlalchemy import event

from govwiki.models import Consultation, Page
from govwiki.services import comments, consultations, pages, proposals

from tests.web.test_comments_display import hide


@pytest.fixture(autouse=True, params=["signed out", "resident"])
def viewer(request, login, make_user):
    return login(make_user()) if request.param == "resident" else None


def _read(client, page, **query):
    return client.get(f"/pages/{page.slug}", query_string=query).get_data(as_text=True)


def test_a_new_revision_shows_to_readers_at_once(client, session, make_page):
    page = make_page(body="Old wording.\n")
    _read(client, page)
    pages.save_page(session, page.consultation.created_by, page, body="New wording.\n", base_revision=1)
    assert "New wording." in _read(client, page)


def test_a_status_change_shows_to_readers_at_once(client, session, make_page):
    page = make_page()
    _read(client, page)
    consultations.update_consultation(
        session, page.consultation.created_by, page.consultation, {"title": "Renamed consultation"}
    )
    assert "Renamed consultation" in _read(client, page)


def test_a_new_suggestion_updates_the_open_count(client, session, make_page, make_user):
    page = make_page(body="Some text.\n")
    before = _read(client, page)
    proposals.submit_proposal(
        session, make_user(), page, body="Other text.\n", base_revision=1, summary="why"
    )
    after = _read(client, page)
    assert before != after and "1" in after


def test_each_language_has_its_own_cached_page(client, make_page):
    page = make_page()
    english = _read(client, page, lang="en")
    chinese = _read(client, page, lang="zh")
    assert english != chinese and 'lang="zh-Hans"' in chinese and "讨论" in chinese


def test_signed_in_readers_are_not_served_the_signed_out_copy(client, make_page, login):
    page = make_page()
    _read(client, page)
    login(page.consultation.created_by)
    assert f"/pages/{page.slug}/edit" in _read(client, page)


def test_a_view_with_a_query_string_is_not_cached_for_others(app, client, make_page):
    page = make_page()
    _read(client, page, ref="evil-marker")
    assert "govwiki_page_cache" not in app.extensions or not app.extensions["govwiki_page_cache"].keys()
    assert "evil-marker" not in _read(client, page)


def test_a_plain_view_is_cached(app, client, make_page):
    page = make_page()
    _read(client, page)
    assert len(app.extensions["govwiki_page_cache"]) == 1


def test_a_new_comment_shows_to_readers_at_once(client, session, make_page, make_user):
    page = make_page()
    _read(client, page)
    comments.post_comment(session, make_user(), page, body="A brand new comment.")
    assert "A brand new comment." in _read(client, page)


def test_an_edited_comment_shows_to_readers_at_once(client, session, make_page, make_user):
    page = make_page()
    author = make_user()
    comment = comments.post_comment(session, author, page, body="First words.")
    assert "First words." in _read(client, page)
    comments.edit_comment(session, author, comment, body="Better words.")
    html = _read(client, page)
    assert "Better words." in html and "First words." not in html


def test_a_deleted_comment_goes_from_readers_at_once(client, session, make_page, make_user):
    page = make_page()
    author = make_user()
    comment = comments.post_comment(session, author, page, body="Regretted words.")
    assert "Regretted words." in _read(client, page)
    comments.delete_comment(session, author, comment)
    assert "Regretted words." not in _read(client, page)


def test_a_hidden_comment_goes_from_readers_at_once(client, session, make_page, make_user):
    page = make_page()
    comment = comments.post_comment(session, make_user(), page, body="Rude words.")
    assert "Rude words." in _read(client, page)
    hide(session, comment, "Rude")
    html = _read(client, page)
    assert "Rude words." not in html and "Hidden by a moderator: Rude" in html


def test_a_support_shows_to_readers_at_once(client, session, make_page, make_user):
    page = make_page()
    comment = comments.post_comment(session, make_user(), page, body="Worth supporting.")
    _read(client, page)
    comments.support_comment(session, make_user(), comment)
    html = _read(client, page)
    assert "1 supporter" in html or '<span class="support-count">+1</span>' in html


def test_the_discussion_version_is_part_of_the_key(app, client, session, make_page, make_user):
    """Without the version in the key a reader would be served the page as it was."""
    page = make_page()
    _read(client, page)
    (key,) = app.extensions["govwiki_page_cache"].keys()
    comments.post_comment(session, make_user(), page, body="New.")
    _read(client, page)
    keys = app.extensions["govwiki_page_cache"].keys()
    assert len(keys) == 2
    (new,) = [k for k in keys if k != key]
    changed = [n for n, (a, b) in enumerate(zip(key, new)) if a != b]
    assert changed == [len(key) - 1], "only the discussion version (last) tells the two apart"


@pytest.mark.config(PAGE_CACHE_BYTES=20_000)
def test_the_cache_holds_no_more_bytes_than_configured(app, client, make_page):
    """A page view is larger than 20 KB here: it is served, and not kept."""
    page = make_page(body="Long text. " * 2000 + "\n")  # 22 KB of text alone
    assert "Long text." in _read(client, page)
    assert (
        len(app.extensions["govwiki_page_cache"]) == 0
        and app.extensions["govwiki_page_cache"].bytes_held == 0
    )


def test_a_strangers_cached_view_builds_no_page_or_consultation_object(client, make_page, viewer):
    """A signed-out reader's view is looked up by plain facts (services/shown_pages.py): once it
    is cached, serving it again loads neither object (building them was a third of the view).
    A signed-in reader's view loads the page (its header rides in the page's query)."""
    page = make_page()
    _read(client, page)
    loaded = []

    def record(target, _context):
        loaded.append(target)

    for model in (Page, Consultation):
        event.listen(model, "load", record)
    try:
        text = _read(client, page)
    finally:
        for model in (Page, Consultation):
            event.remove(model, "load", record)
    assert "First text." in text
    assert (loaded == []) == (viewer is None)
