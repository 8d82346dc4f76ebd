"""The interface in English and Simplified Chinese."""
from __future__ import annotations

from pathlib import Path


def test_language_switch_renders_chinese_interface(client, make_consultation, text_of):
    make_consultation(title="Bicycle lanes")
    html = text_of(client.get("/?lang=zh"))
    assert '<html lang="zh-Hans">' in html
    assert "征求意见" in html
    assert "Bicycle lanes" in html


def test_chosen_language_is_remembered(client, text_of):
    client.get("/?lang=zh")
    assert '<html lang="zh-Hans">' in text_of(client.get("/"))


def test_english_is_the_default(client, text_of):
    html = text_of(client.get("/"))
    assert '<html lang="en">' in html and "Consultations" in html


def test_status_and_policy_names_are_translated(client, make_consultation, text_of):
    consultation = make_consultation(edit_policy="suggest")
    html = text_of(client.get(f"/consultations/{consultation.slug}?lang=zh"))
    assert "进行中" in html
    assert "Residents can suggest changes" not in html


def test_language_links_keep_the_current_page(client, make_page, text_of):
    page = make_page()
    html = text_of(client.get(f"/pages/{page.slug}/history"))
    assert f'href="/pages/{page.slug}/history?lang=zh"' in html


def test_every_interface_string_has_a_chinese_translation():
    catalog = _catalog()
    missing = [
        message for message in _extracted_messages()
        if message not in catalog or not _translated(catalog[message])
    ]
    assert missing == []


def _translated(entry) -> bool:
    strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
    return all(strings)


def test_compiled_catalog_matches_the_po_file():
    import gettext

    with (TRANSLATIONS / "messages.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [m.id for m in _catalog() if isinstance(m.id, str) and m.id and compiled.gettext(m.id) != m.string]
    assert stale == []


TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations/zh/LC_MESSAGES"


def _catalog():
    from babel.messages.pofile import read_po

    with (TRANSLATIONS / "messages.po").open("rb") as handle:
        return read_po(handle)


def _extracted_messages() -> set[str]:
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    root = Path(__file__).resolve().parents[2]
    method_map = [
        ("govwiki/web/**.py", "python"), ("govwiki/services/**.py", "python"), ("govwiki/core/**.py", "python"),
        ("templates/**.html", "jinja2"),
    ]
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "N_": None, "Message": None}
    found = extract_from_dir(str(root), method_map, keywords=keywords)
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}
