"""Password guessing is throttled per address and per account: the account typed counts every
try from every address together, whether or not the account exists, and with Redis storage the
counts are shared by all the workers."""

from __future__ import annotations

import multiprocessing

import pytest

from tests.web.sign_in_worker import guess, warm_up

#: one account's limit low, the per-address limit out of the way
ACCOUNT_LIMIT = {
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_SIGN_IN_ACCOUNT": "3/minute",
    "RATELIMIT_SIGN_IN": "100/minute",
}


def attempt(client, login, address, password="a guess"):
    return client.post(
        "/login", data={"login": login, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


@pytest.fixture
def person(make_user):
    return make_user(username="mei-lin")


@pytest.mark.config(**ACCOUNT_LIMIT)
def test_guesses_at_one_account_from_many_addresses_are_refused_past_its_limit(person, client):
    statuses = [attempt(client, "mei-lin", f"192.0.2.{n}").status_code for n in range(1, 6)]
    assert statuses == [401, 401, 401, 429, 429]
    # even the right password waits: the guesser cannot tell it from a wrong one
    assert attempt(client, "mei-lin", "192.0.2.9", password="password123").status_code == 429
    assert attempt(client, "someone-else", "192.0.2.1").status_code == 401  # another account


@pytest.mark.config(**ACCOUNT_LIMIT)
def test_an_account_that_does_not_exist_is_throttled_the_same(person, client):
    """Refusing only real accounts would tell a guesser which names exist."""
    real = [attempt(client, "mei-lin", f"192.0.2.{n}").status_code for n in range(1, 6)]
    ghost = [attempt(client, "no-such-person", f"198.51.100.{n}").status_code for n in range(1, 6)]
    assert real == ghost


@pytest.mark.config(**ACCOUNT_LIMIT)
def test_the_account_counts_however_it_is_typed(person, client):
    for typed in ("mei-lin", " MEI-LIN ", "Mei-Lin"):
        assert attempt(client, typed, "192.0.2.1").status_code == 401
    assert attempt(client, "mei-lin", "192.0.2.2").status_code == 429


@pytest.mark.config(**ACCOUNT_LIMIT)
def test_a_refused_sign_in_shows_the_form_again_with_the_name_typed(person, client, text_of):
    for n in range(3):
        attempt(client, "mei-lin", f"192.0.2.{n}")
    response = attempt(client, "mei-lin", "192.0.2.7", password="typed-secret")
    page = text_of(response)
    assert response.status_code == 429 and 0 < int(response.headers["Retry-After"]) <= 60
    assert 'value="mei-lin"' in page and "Too many in a short time: wait" in page
    assert "typed-secret" not in page


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_SIGN_IN_ACCOUNT="2/minute")
def test_confirming_sign_out_everywhere_counts_as_a_try_on_the_account(person, client, login):
    login(person)
    for _ in range(2):
        assert client.post("/settings/devices/everywhere", data={"password": "guess"}).status_code == 422
    assert client.post("/settings/devices/everywhere", data={"password": "guess"}).status_code == 429


def _in_two_workers(database_url, redis_url, limits, login, first, second):
    """Each worker (a process of its own, as gunicorn's) tries from its own addresses."""
    run = (database_url, redis_url, limits, login)
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as one, context.Pool(1) as two:
        warming = two.apply_async(warm_up)
        statuses = one.apply(guess, (*run, first))
        warming.get(timeout=60)
        return statuses + two.apply(guess, (*run, second))


@pytest.mark.slow
def test_two_workers_sharing_redis_count_one_accounts_guesses_together(redis_limits, database_url, person):
    limits = {"RATELIMIT_SIGN_IN_ACCOUNT": "4/minute", "RATELIMIT_SIGN_IN": "100/minute"}
    addresses = [f"192.0.2.{n}" for n in range(1, 7)]
    statuses = _in_two_workers(database_url, redis_limits, limits, "mei-lin", addresses[:3], addresses[3:])
    assert statuses == [401, 401, 401, 401, 429, 429]


@pytest.mark.slow
def test_two_workers_sharing_redis_count_one_addresses_guesses_together(redis_limits, database_url, person):
    limits = {"RATELIMIT_SIGN_IN": "4/minute", "RATELIMIT_SIGN_IN_ACCOUNT": "100/minute"}
    same = ["203.0.113.5"] * 3
    statuses = _in_two_workers(database_url, redis_limits, limits, "mei-lin", same, same)
    assert statuses == [401, 401, 401, 401, 429, 429]
