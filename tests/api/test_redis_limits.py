"""Rate limits counted in Redis (GOVWIKI_RATELIMIT_STORAGE_URL=redis://…), against a real
redis-server the tests start themselves (tests/redis_server.py)."""

from __future__ import annotations

import multiprocessing

import pytest
import redis

from govwiki.extensions import limiter
from tests.api.limit_worker import save_page, warm_up

BODY = "Article 1. Stalls open at six.\n"


@pytest.fixture
def page(make_page):
    return make_page(body=BODY)


@pytest.fixture
def headers(page, bearer):
    return bearer(page.consultation.created_by)


def save(client, page, headers, body, base):
    return client.put(
        f"/api/v1/pages/{page.slug}", json={"body": body, "base_revision": base}, headers=headers
    )


@pytest.mark.config(RATELIMIT_EDITS="1/minute")
def test_a_save_over_the_limit_is_429_with_retry_after_and_counted_in_redis(
    redis_limits, client, page, headers
):
    assert save(client, page, headers, BODY + "First.\n", 1).status_code == 200
    response = save(client, page, headers, BODY + "Second.\n", 2)
    error = response.get_json()["error"]
    assert response.status_code == 429 and error["code"] == "rate_limited"
    assert 0 < int(response.headers["Retry-After"]) <= 60 and error["your_body"] == BODY + "Second.\n"
    with redis.Redis.from_url(redis_limits) as server:
        assert any(b"edits" in key for key in server.keys("*"))  # the count is in Redis, not in memory


@pytest.mark.slow
def test_two_workers_sharing_redis_count_against_one_limit(redis_limits, database_url, page, session):
    """Two processes, as two gunicorn workers: each alone would allow three saves."""
    from govwiki.services import accounts

    token = accounts.create_token(session, page.consultation.created_by, "workers")
    run = (database_url, redis_limits, "3/minute", token, page.slug)
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as first, context.Pool(1) as second:
        warming = second.apply_async(warm_up)
        first_statuses = first.apply(save_page, (*run, 2))
        warming.get(timeout=60)
        second_statuses = second.apply(save_page, (*run, 2))
    assert first_statuses == [200, 200]
    assert second_statuses == [200, 429]


@pytest.fixture
def unreachable_redis(app_config):
    """A Redis URL nobody answers at; the limiter's "storage is down" state is reset afterwards
    (it is one object per process, and the next app must start with its storage trusted)."""
    app_config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:9/0")
    yield
    limiter._storage_dead = False


@pytest.mark.config(RATELIMIT_EDITS="2/minute")
def test_when_redis_is_down_writes_go_on_and_each_worker_still_counts(
    unreachable_redis, client, page, headers
):
    statuses = [save(client, page, headers, BODY + f"{n}.\n", n).status_code for n in (1, 2, 3)]
    assert statuses == [200, 200, 429]
