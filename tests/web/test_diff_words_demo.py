"""The demo's "Draft rules", revision 2 → 3: an expert adds two clauses around kept words.

The diff (web and API) shows "后划定便民摊点区域" kept, blame credits it to revision 1, and the
counts say characters (字) for Chinese."""

import re

import pytest

KEPT = "后划定便民摊点区域"


@pytest.fixture
def demo(runner):
    assert runner.invoke(args=["govwiki", "demo"]).exit_code == 0


def test_api_diff_keeps_the_words_between_the_added_clauses(client, demo):
    data = client.get("/api/v1/pages/draft-rules/diff?from=2&to=3").get_json()
    assert {"op": "equal", "text": KEPT} in data["ops"]
    assert {"op": "insert", "text": "并听取周边居民和商户意见"} in data["ops"]
    assert all(KEPT not in o["text"] for o in data["ops"] if o["op"] != "equal")
    assert data["stats"] == {
        "inserted": 22,
        "deleted": 0,
        "inserted_words": 0,
        "deleted_words": 0,
        "inserted_characters": 22,
        "deleted_characters": 0,
    }


def test_api_blame_credits_the_kept_words_to_revision_1(client, demo):
    spans = client.get("/api/v1/pages/draft-rules/blame?revision=3").get_json()["spans"]
    holding = [s for s in spans if KEPT in s["text"]]
    assert len(holding) == 1 and holding[0]["revision"] == 1
    added = [s for s in spans if "并听取周边居民和商户意见" in s["text"]]
    assert added and added[0]["revision"] == 3


def test_web_diff_in_chinese_counts_characters(client, demo, text_of):
    html = text_of(client.get("/pages/draft-rules/diff?from=2&to=3&lang=zh"))
    assert f"<span>{KEPT}</span>" in html
    counts = html.split('class="diff-stats"')[1].split("</p>")[0]
    assert "插入 22 个字" in counts and "删除 0 个字" in counts and "词" not in counts


def test_web_diff_in_english_counts_words_and_characters_apart(client, demo, text_of):
    html = text_of(client.get("/pages/draft-rules/diff?from=2&to=3"))
    assert "22 characters inserted" in html and "0 characters deleted" in html
    html = text_of(client.get("/pages/draft-rules/diff?from=1&to=3"))
    assert "9 words and 22 characters inserted" in html and "0 words deleted" in html


def test_web_blame_marks_the_kept_words_with_revision_1(client, demo, text_of):
    html = text_of(client.get("/pages/draft-rules/blame?revision=3&lang=zh"))
    blame = html.split('class="blame"')[1]
    assert re.search(
        r"r3 · 刘洋 Prof. Liu Yang \(受邀专家\)</summary>((?!</details>).)*</details>并听取周边居民和商户意见</div>",
        blame,
    )
    assert KEPT in blame.split("并听取周边居民和商户意见")[1].split("r3 ·")[0]


def test_openapi_describes_every_count_a_diff_returns(client, demo):
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["Diff"]
    stats = client.get("/api/v1/pages/draft-rules/diff?from=2&to=3").get_json()["stats"]
    assert set(schema["properties"]["stats"]["properties"]) == set(stats)
