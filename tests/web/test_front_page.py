"""The front page: its cost does not grow with the number of consultations, and the HTML kept
for signed-out readers always shows the consultations as they are now."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from flask import url_for
from sqlalchemy import event

from govwiki.services import consultations
from tests.web.conftest import escaped


@pytest.fixture
def statements(db):
    """The SQL statements run while the block runs: `with statements() as seen: ...`."""

    @contextmanager
    def recording():
        seen: list[str] = []

        def record(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield seen
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return recording


def _front_page_statements(client, statements, make_consultation, count: int) -> tuple[int, int]:
    """Open consultations until there are `count`; statements of the first and second GET /."""
    for _ in range(count):
        make_consultation()
    with statements() as first:
        assert client.get("/").status_code == 200
    with statements() as second:
        assert client.get("/").status_code == 200
    return len(first), len(second)


def test_signed_out_front_page_queries_do_not_grow_with_consultations(client, statements, make_consultation):
    few = _front_page_statements(client, statements, make_consultation, 3)
    # 60 more: past the 50 of the first screen, so the page also shows its pagination
    many = _front_page_statements(client, statements, make_consultation, 60)
    assert few == many
    assert many[1] == 1  # kept HTML: the listing's stamp (its total and rows, one statement), nothing else


def test_signed_in_front_page_queries_do_not_grow_with_consultations(
    client, statements, make_consultation, resident, login
):
    login(resident)
    few = _front_page_statements(client, statements, make_consultation, 3)
    many = _front_page_statements(client, statements, make_consultation, 60)
    assert few == many


def test_kept_front_page_reads_no_consultation_rows(client, statements, make_consultation):
    make_consultation(title="Bicycle lanes", summary="A long summary")
    client.get("/")
    with statements() as seen:
        assert "Bicycle lanes" in client.get("/").get_data(as_text=True)
    assert not any("summary" in statement for statement in seen)


def test_a_changed_title_shows_at_once(client, session, official, make_consultation, text_of):
    consultation = make_consultation(title="Bicycle lanes")
    assert "Bicycle lanes" in text_of(client.get("/"))
    consultations.update_consultation(session, official, consultation, {"title": "Tram lines"})
    page = text_of(client.get("/"))
    assert "Tram lines" in page and "Bicycle lanes" not in page


def test_a_new_consultation_and_a_change_of_status_show_at_once(
    client, session, official, make_consultation, text_of
):
    withdrawn = make_consultation(title="Bicycle lanes")
    text_of(client.get("/"))
    make_consultation(title="Tram lines")
    consultations.update_consultation(session, official, withdrawn, {"status": "withdrawn"})
    page = text_of(client.get("/"))
    assert "Tram lines" in page and "badge-withdrawn" in page


def test_status_filter_and_page_number_each_get_their_own_page(
    client, session, official, make_consultation, text_of
):
    make_consultation(title="Topic A")
    make_consultation(title="Topic B")
    closed = make_consultation(title="Topic C")
    consultations.update_consultation(session, official, closed, {"status": "closed"})
    assert "Topic C" in text_of(client.get("/"))
    assert "Topic C" not in text_of(client.get("/?status=open"))
    first, second = text_of(client.get("/?per_page=2")), text_of(client.get("/?per_page=2&page=2"))
    assert "Topic C" in first and "Topic A" not in first
    assert "Topic A" in second and "Topic C" not in second


def test_each_language_gets_its_own_front_page(client, make_consultation, text_of):
    make_consultation()
    english = text_of(client.get("/"))
    chinese = text_of(client.get("/", headers={"Accept-Language": "zh-CN"}))
    assert 'lang="en"' in english and "<h1>Consultations</h1>" in english
    assert 'lang="zh-Hans"' in chinese and "<h1>Consultations</h1>" not in chinese
    assert text_of(client.get("/")) == english


def test_the_sign_in_link_comes_back_to_the_page_asked_for(app, client, make_consultation, text_of):
    make_consultation()
    text_of(client.get("/?page=1&per_page=50"))
    with app.test_request_context():
        back = url_for("auth.login", next="/?per_page=50&page=1")
    assert escaped(back) in text_of(client.get("/?per_page=50&page=1"))


def test_a_query_with_other_arguments_is_rendered_afresh(client, statements, make_consultation):
    make_consultation()
    client.get("/?utm_source=mail")
    with statements() as seen:
        client.get("/?utm_source=mail")
    assert any("summary" in statement for statement in seen)


def test_a_pending_message_shows_on_the_front_page_once(client, make_consultation, text_of):
    make_consultation()
    text_of(client.get("/"))
    with client.session_transaction() as flask_session:
        flask_session["_flashes"] = [("info", "Your report was received.")]
    assert "Your report was received." in text_of(client.get("/"))
    assert "Your report was received." not in text_of(client.get("/"))
