"""Login throttling: wrong passwords lock an account (and an address) for a while, with a Vietnamese
message and 429, without checking the password any more; a success resets the account's count."""

import pytest
from django.core.cache import cache

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache(settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCKOUT_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def attempt(client, username, password, address="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_an_account_is_locked_after_wrong_passwords_even_for_the_right_one(client):
    user = make_user()
    for _ in range(3):
        assert attempt(client, user.username, "sai-mat-khau").status_code == 200
    locked = attempt(client, user.username, PASSWORD)
    assert locked.status_code == 429 and "tạm khóa đăng nhập" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked by it.
    other = make_user()
    assert attempt(client, other.username, PASSWORD).status_code == 302


def test_the_lock_ends_when_its_time_is_over(client):
    user = make_user()
    for _ in range(3):
        attempt(client, user.username, "sai")
    assert attempt(client, user.username, PASSWORD).status_code == 429
    cache.clear()  # the counters expire with LOGIN_LOCKOUT_SECONDS
    assert attempt(client, user.username, PASSWORD).status_code == 302


def test_a_success_resets_the_accounts_count(client):
    user = make_user()
    for _ in range(2):
        attempt(client, user.username, "sai")
    assert attempt(client, user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        attempt(client, user.username, "sai")
    assert attempt(client, user.username, PASSWORD).status_code == 302  # 2 + 2 never reached 3


def test_password_spraying_from_one_address_is_stopped(client):
    users = [make_user() for _ in range(13)]
    for user in users[:12]:  # one wrong guess each: no account reaches its limit
        attempt(client, user.username, "Mat-khau-2024", address="10.9.9.9")
    blocked = attempt(client, users[12].username, PASSWORD, address="10.9.9.9")
    assert blocked.status_code == 429
    assert attempt(client, users[12].username, PASSWORD, address="10.1.1.1").status_code == 302
