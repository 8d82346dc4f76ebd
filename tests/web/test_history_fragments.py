"""History rows and diff bodies are kept as finished HTML (web.fragments): the kept HTML never
shows what a reader may not do, an old name, another language, or a list that a new revision
changed."""

from __future__ import annotations

from govwiki.services import consultations, pages, suspensions

LONG = "".join(f"Clause {i}: stalls pay the fee.\n" for i in range(40))


def save(session, user, page, body, summary=""):
    base = pages.head_revision(session, page).number
    return pages.save_page(session, user, page, body=body, summary=summary, base_revision=base).revision


def test_history_rows_show_the_words_each_revision_changed(client, session, make_page, official, text_of):
    page = make_page(body="The market opens at dawn.\n")
    save(session, official, page, "The market opens at noon, daily.\n")
    html = text_of(client.get(f"/pages/{page.slug}/history"))
    row = html.split('id="to-2"')[1].split("</tr>")[0]
    assert "+2</span>" in row and "−1</span>" in row


def test_history_rows_offer_reverting_only_to_those_who_may(
    client, session, make_page, official, make_user, login, text_of
):
    page = make_page(body="v1\n")
    save(session, official, page, "v2\n")
    login(official)
    assert "Revert to this" in text_of(client.get(f"/pages/{page.slug}/history"))
    login(make_user())
    assert "Revert to this" not in text_of(client.get(f"/pages/{page.slug}/history"))


def test_history_rows_follow_a_new_revision(client, session, make_page, official, text_of):
    page = make_page(body="v1\n")
    save(session, official, page, "v2\n", "second")
    assert "second" in text_of(client.get(f"/pages/{page.slug}/history"))
    save(session, official, page, "v3\n", "third")
    html = text_of(client.get(f"/pages/{page.slug}/history"))
    assert "third" in html and html.index("third") < html.index("second")
    assert 'value="3" id="to-3"\n                 checked' in html


def test_history_rows_show_an_author_as_they_are_now(
    client, session, make_page, official, make_user, text_of
):
    page = make_page(body="v1\n")
    author = make_user(display_name="Rosa Before")
    save(session, author, page, "v2\n")
    assert "Rosa Before" in text_of(client.get(f"/pages/{page.slug}/history"))
    author.display_name = "Rosa After"
    session.commit()
    assert "Rosa After" in text_of(client.get(f"/pages/{page.slug}/history"))
    suspensions.suspend_user(session, make_user("admin"), author.username, reason="spam")
    assert "(suspended)" in text_of(client.get(f"/pages/{page.slug}/history"))


def test_history_rows_are_in_each_readers_language(client, session, make_page, official, login, text_of):
    page = make_page(body="v1\n")
    save(session, official, page, "v2\n")
    login(official)
    assert "回退到此版本" in text_of(client.get(f"/pages/{page.slug}/history?lang=zh"))
    english = text_of(client.get(f"/pages/{page.slug}/history?lang=en"))
    assert "Revert to this" in english and "回退到此版本" not in english


def test_a_folded_diff_is_in_each_readers_language(client, session, make_page, official, text_of):
    page = make_page(body=LONG)
    save(session, official, page, LONG.replace("Clause 20:", "Clause twenty:"))
    chinese = text_of(client.get(f"/pages/{page.slug}/diff?lang=zh"))
    english = text_of(client.get(f"/pages/{page.slug}/diff?lang=en"))
    assert "行未改动内容" in chinese and "unchanged lines" not in chinese
    assert "unchanged lines" in english and "行未改动内容" not in english
    assert "<ins>twenty</ins>" in english and "<ins>twenty</ins>" in chinese


def test_the_side_labels_name_the_revisions_compared(client, session, make_page, official, text_of):
    page = make_page(body="One.\n")
    for body in ("Two.\n", "One.\n"):  # revision 3 has revision 1's text: the same pair of texts
        save(session, official, page, body)
    first = text_of(client.get(f"/pages/{page.slug}/diff?from=1&to=2&view=side"))
    second = text_of(client.get(f"/pages/{page.slug}/diff?from=3&to=2&view=side"))
    assert ">Revision 1</th>" in first and ">Revision 3</th>" in second


def test_history_of_a_draft_stays_hidden_once_its_rows_are_kept(
    client, session, make_page, make_consultation, official, make_user, login, bearer
):
    page = make_page(make_consultation(status="draft"), body="Secret plan.\n")
    login(official)
    assert client.get(f"/pages/{page.slug}/history").status_code == 200
    resident = make_user()
    login(resident)
    assert client.get(f"/pages/{page.slug}/history").status_code == 404
    assert client.get(f"/api/v1/pages/{page.slug}/revisions", headers=bearer(resident)).status_code == 404


def test_history_rows_follow_a_change_of_status(
    client, session, make_page, make_consultation, official, login, text_of
):
    consultation = make_consultation()
    page = make_page(consultation, body="v1\n")
    save(session, official, page, "v2\n")
    login(official)
    assert "Revert to this" in text_of(client.get(f"/pages/{page.slug}/history"))
    consultations.update_consultation(session, official, consultation, {"status": "withdrawn"})
    assert "Revert to this" not in text_of(client.get(f"/pages/{page.slug}/history"))
