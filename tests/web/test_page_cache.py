"""Signed-out readers get cached page HTML, and every change they could see shows at once."""

from govwiki.services import consultations, pages, proposals


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
    assert english != chinese and "登录" in chinese


def test_signed_in_readers_are_not_served_the_readers_copy(client, make_page, login):
    page = make_page()
    _read(client, page)
    login(page.consultation.created_by)
    assert f"/pages/{page.slug}/edit" in _read(client, page)


def test_a_view_with_a_query_string_is_not_cached_for_others(app, client, make_page):
    page = make_page()
    _read(client, page, ref="evil-marker")
    assert "govwiki_page_cache" not in app.extensions or not app.extensions["govwiki_page_cache"]._entries
    assert "evil-marker" not in _read(client, page)


def test_a_plain_view_is_cached(app, client, make_page):
    page = make_page()
    _read(client, page)
    assert len(app.extensions["govwiki_page_cache"]._entries) == 1
