"""Comments about paragraphs and quoted passages on the web: the counts and links beside each
paragraph, the marked passages, the paragraph filter, the forms without JavaScript, and what a
comment shows once its passage has changed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from govwiki.models import Comment
from govwiki.services import comments, pages
from govwiki.services.comments import Target

from tests.web.conftest import XSS, escaped

BODY = (
    "# Opening hours\n\n"
    "Markets open at eight and close at six.\n\n"
    "Vendors need a permit from the district office.\n\n"
    "Permits cost ten yuan a month.\n"
)
OPENING, PERMIT, COST = 1, 2, 3  # the paragraphs (0 is the heading)


@pytest.fixture
def page(make_page):
    return make_page(body=BODY)


def _read(client, page, **query) -> str:
    return client.get(f"/pages/{page.slug}", query_string=query).get_data(as_text=True)


def _para(html: str, number: int) -> str:
    """The wrapper of paragraph `number` in the page text: the block and its tools."""
    start = html.index(f'<div class="para" id="para-{number}">')
    return html[start : html.index("</div>", html.index("</p>", start))]


def _discussion(html: str) -> str:
    return html[html.index('id="discussion"') :]


def test_every_paragraph_has_a_plain_link_to_comment_on_it(client, page):
    html = _read(client, page)
    for number in (OPENING, PERMIT, COST):
        assert f'data-para="{number}"' in _para(html, number)
        assert f'/pages/{page.slug}/comments/new?paragraph={number}"' in _para(html, number)
    heading = html[
        html.index('<div class="para" id="para-0">') : html.index('<div class="para" id="para-1">')
    ]
    assert "comments/new" not in heading  # a heading names what follows; it invites no comment


def test_each_paragraph_shows_how_many_comments_are_about_it(client, session, page, make_user):
    author = make_user()
    first = comments.post_comment(session, author, page, body="Too early.", target=Target(paragraph=OPENING))
    comments.post_comment(session, author, page, body="Agreed.", parent_id=first.id)
    comments.post_comment(session, author, page, body="Too dear.", target=Target(paragraph=COST))
    html = _read(client, page)
    assert "2 comments" in _para(html, OPENING) and "1 comment" in _para(html, COST)
    assert f'href="/pages/{page.slug}?paragraph={OPENING}#discussion"' in _para(html, OPENING)
    assert "para-count" not in _para(html, PERMIT)


def test_the_discussion_can_be_filtered_to_one_paragraph(client, session, page, make_user):
    author = make_user()
    comments.post_comment(session, author, page, body="About the hours.", target=Target(paragraph=OPENING))
    comments.post_comment(session, author, page, body="About the cost.", target=Target(paragraph=COST))
    comments.post_comment(session, author, page, body="About the whole page.")
    html = _discussion(_read(client, page, paragraph=COST))
    assert (
        "About the cost." in html and "About the hours." not in html and "About the whole page." not in html
    )
    assert f"Comments on paragraph {COST + 1}" in html and "show all" in html
    assert "Permits cost ten yuan a month." in html
    assert all(words in _discussion(_read(client, page)) for words in ("About the hours.", "About the cost."))


@pytest.mark.parametrize("junk", ["-1", "99", "abc", "1e9"])
def test_a_filter_on_no_paragraph_shows_everything(client, session, page, make_user, junk):
    comments.post_comment(session, make_user(), page, body="About the whole page.")
    response = client.get(f"/pages/{page.slug}", query_string={"paragraph": junk})
    assert response.status_code == 200 and "About the whole page." in response.get_data(as_text=True)


def test_a_paragraph_is_commented_on_without_javascript(client, session, page, resident, login):
    login(resident)
    form = client.get(f"/pages/{page.slug}/comments/new", query_string={"paragraph": PERMIT})
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and "Vendors need a permit from the district office." in html
    assert f'name="paragraph" type="hidden" value="{PERMIT}"' in html
    response = client.post(
        f"/pages/{page.slug}/comments", data={"body": "Which office?", "paragraph": PERMIT}
    )
    assert response.status_code == 302
    comment = session.scalar(select(Comment))
    assert (comment.anchor_paragraph, comment.placed_paragraph, comment.anchor_quote) == (
        PERMIT,
        PERMIT,
        None,
    )


def test_a_quoted_passage_is_commented_on_through_the_form_fields(client, session, page, resident, login):
    login(resident)
    query = {"paragraph": PERMIT, "quote": "district office", "near": "31"}
    form = client.get(f"/pages/{page.slug}/comments/new", query_string=query).get_data(as_text=True)
    assert '<mark class="quoted">district office</mark>' in form
    response = client.post(f"/pages/{page.slug}/comments", data={"body": "Which one?", **query})
    assert response.status_code == 302
    comment = session.scalar(select(Comment))
    assert comment.anchor_quote == "district office" and comment.placed_paragraph == PERMIT
    html = _read(client, page)
    assert '<mark class="quoted">district office</mark>' in _para(html, PERMIT)
    assert "district office</a></blockquote>" in _discussion(html)


def test_a_quote_not_on_the_page_is_refused_with_the_text(client, session, page, resident, login):
    login(resident)
    fields = {"body": "My careful words.", "paragraph": PERMIT, "quote": "words nowhere on the page"}
    response = client.post(f"/pages/{page.slug}/comments", data=fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "My careful words.</textarea>" in html
    assert "the quoted text is not on the current page" in html
    assert session.scalar(select(Comment)) is None


def test_a_hidden_or_deleted_comment_marks_no_passage(client, session, page, make_user):
    author = make_user()
    comment = comments.post_comment(
        session, author, page, body="Hmm.", target=Target(paragraph=COST, quote="ten yuan")
    )
    assert '<mark class="quoted">ten yuan</mark>' in _para(_read(client, page), COST)
    comments.delete_comment(session, author, comment)
    assert "<mark" not in _para(_read(client, page), COST)


def test_a_comment_on_a_changed_passage_says_so_and_links_to_its_revision(client, session, page, make_user):
    comment = comments.post_comment(
        session, make_user(), page, body="Ten is too much.", target=Target(paragraph=COST, quote="ten yuan")
    )
    owner = page.consultation.created_by
    pages.save_page(
        session, owner, page, body=BODY.replace("ten yuan a month", "nothing at all"), base_revision=1
    )
    html = _discussion(_read(client, page))
    session.refresh(comment)
    assert comment.outdated  # moved by the first read of the new head
    shown = html[html.index(f'id="comment-{comment.id}"') :]
    assert "<p>ten yuan</p></blockquote>" in shown and "This passage has changed since." in shown
    assert f'href="/pages/{page.slug}?revision=1#para-{COST}"' in shown
    old = _read(client, page, revision=1)
    assert f'<div class="para" id="para-{COST}">' in old
    assert '<mark class="quoted">ten yuan</mark> a month' in _para(old, COST)


def test_marks_survive_an_edit_elsewhere(client, session, page, make_user):
    comments.post_comment(
        session, make_user(), page, body="Hmm.", target=Target(paragraph=COST, quote="ten yuan")
    )
    owner = page.consultation.created_by
    pages.save_page(session, owner, page, body=BODY.replace("eight", "nine"), base_revision=1)
    assert '<mark class="quoted">ten yuan</mark>' in _para(_read(client, page), COST)


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', XSS])
def test_a_quote_is_escaped_in_the_text_the_discussion_and_the_form(
    client, session, make_page, resident, login, payload
):
    page = make_page(body=f"Before {payload} after.\n")
    comments.post_comment(session, resident, page, body="Odd.", target=Target(paragraph=0, quote=payload))
    login(resident)
    for html in (
        _read(client, page),
        client.get(
            f"/pages/{page.slug}/comments/new", query_string={"paragraph": 0, "quote": payload, "near": 7}
        ).get_data(as_text=True),
        client.get(f"/pages/{page.slug}/comments/new", query_string={"quote": payload}).get_data(
            as_text=True
        ),
    ):
        assert payload not in html
        assert escaped(payload) in html or re.search("&lt;|&#34;|&quot;", html)


def test_the_inline_form_template_can_carry_a_paragraph_and_a_quote(client, page, resident, login):
    login(resident)
    html = _read(client, page)
    template = html[html.index('<template id="comment-form-template">') :]
    for name in ("paragraph", "quote", "near", "parent_id"):
        assert f'name="{name}"' in template


def test_a_paragraph_named_on_an_older_revision_is_followed_to_the_head(
    client, session, page, resident, login
):
    login(resident)
    form = client.get(f"/pages/{page.slug}/comments/new", query_string={"paragraph": COST}).get_data(
        as_text=True
    )
    assert 'name="revision" type="hidden" value="1"' in form
    owner = page.consultation.created_by
    moved = BODY.replace("# Opening hours\n\n", "# Opening hours\n\nA new first paragraph.\n\n")
    pages.save_page(session, owner, page, body=moved, base_revision=1)
    fields = {"body": "Too dear.", "paragraph": COST, "revision": 1}
    assert client.post(f"/pages/{page.slug}/comments", data=fields).status_code == 302
    comment = session.scalar(select(Comment))
    assert comment.placed_paragraph == COST + 1 and comment.revision_number == 2


def test_a_paragraph_gone_since_the_form_was_opened_is_refused_with_the_text(
    client, session, page, resident, login
):
    login(resident)
    owner = page.consultation.created_by
    pages.save_page(
        session, owner, page, body=BODY.replace("Permits cost ten yuan a month.\n", ""), base_revision=1
    )
    fields = {"body": "Too dear.", "paragraph": COST, "revision": 1}
    response = client.post(f"/pages/{page.slug}/comments", data=fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Too dear.</textarea>" in html
    assert "has changed since you opened the form" in html
    assert (
        'name="paragraph" type="hidden" value=""' in html
        and 'name="revision" type="hidden" value="2"' in html
    )
    assert session.scalar(select(Comment)) is None
