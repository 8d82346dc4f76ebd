"""Times are shown in the site's time zone (GOVWIKI_TIMEZONE) and deadlines entered in it; the
API and the database keep UTC."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from govwiki import create_app
from govwiki.models import Consultation

SHANGHAI = pytest.mark.config(TIMEZONE="Asia/Shanghai")
#: 09:30 UTC is 17:30 in Shanghai
DEADLINE = datetime(2031, 5, 1, 9, 30, tzinfo=timezone.utc)


def _new(client, closes_at: str):
    return client.post(
        "/consultations/new",
        data={
            "title": "Park opening hours",
            "summary": "Tell us.",
            "edit_policy": "edit",
            "visibility": "public",
            "closes_at": closes_at,
        },
    )


def test_utc_is_the_default(client, make_consultation, text_of):
    consultation = make_consultation(closes_at=DEADLINE)
    assert "2031-05-01 09:30 UTC" in text_of(client.get(f"/consultations/{consultation.slug}"))


@SHANGHAI
def test_pages_show_times_in_the_sites_zone(client, make_consultation, text_of):
    consultation = make_consultation(closes_at=DEADLINE)
    html = text_of(client.get(f"/consultations/{consultation.slug}"))
    assert "2031-05-01 17:30 UTC+8" in html and "09:30 UTC" not in html
    assert 'datetime="2031-05-01T09:30:00+00:00"' in html


@SHANGHAI
def test_a_deadline_is_entered_in_the_sites_zone_and_stored_in_utc(client, session, official, login, text_of):
    login(official)
    assert "Deadline (Asia/Shanghai, UTC+8)" in text_of(client.get("/consultations/new"))
    assert _new(client, "2031-05-01T17:30").status_code == 302
    consultation = session.scalar(select(Consultation).where(Consultation.title == "Park opening hours"))
    assert consultation.closes_at == DEADLINE
    assert 'value="2031-05-01T17:30"' in text_of(client.get(f"/consultations/{consultation.slug}"))


@SHANGHAI
def test_the_deadline_label_is_translated(client, official, login, text_of):
    login(official)
    assert "截止时间（Asia/Shanghai, UTC+8）" in text_of(client.get("/consultations/new?lang=zh"))


@SHANGHAI
def test_the_api_stays_utc(client, make_consultation):
    consultation = make_consultation(closes_at=DEADLINE)
    data = client.get(f"/api/v1/consultations/{consultation.slug}").get_json()
    assert data["closes_at"] == "2031-05-01T09:30:00+00:00"


@SHANGHAI
def test_the_markdown_report_uses_the_sites_zone(client, make_consultation, text_of):
    consultation = make_consultation(closes_at=DEADLINE)
    assert "Deadline: 2031-05-01 17:30 UTC+8." in text_of(
        client.get(f"/consultations/{consultation.slug}/report.md")
    )


def test_the_environment_sets_the_zone(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVWIKI_TIMEZONE", "Asia/Shanghai")
    assert create_app(instance=str(tmp_path / "inst")).config["TIMEZONE"] == "Asia/Shanghai"


def test_an_unknown_zone_stops_the_app_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVWIKI_TIMEZONE", "Asia/Shangai")
    with pytest.raises(RuntimeError, match="GOVWIKI_TIMEZONE.*Asia/Shangai"):
        create_app(instance=str(tmp_path / "inst"))
