"""Admin sign-in guessing is throttled (django-axes on Wagtail's login view)."""

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", "e@example.com", "right-pw-42")


def sign_in(client, password, username="editor"):
    return client.post(LOGIN, {"username": username, "password": password})


def test_ten_wrong_passwords_lock_the_account_out_from_that_address(editor):
    attacker = Client(REMOTE_ADDR="203.0.113.50")
    answers = [sign_in(attacker, f"guess-{n}").status_code for n in range(10)]
    assert answers[:4] == [200] * 4  # the form again, "didn't match"
    assert set(answers[5:]) == {429}, answers
    locked = sign_in(attacker, "right-pw-42")  # the right password does not open it now
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Sign-in locked for a while" in text and "5 wrong passwords in a row" in text
    assert "0:15:00" in text
    assert "_auth_user_id" not in attacker.session

    # The owner, from their own address, still signs in; the lock is per account and address.
    owner = Client(REMOTE_ADDR="198.51.100.9")
    assert sign_in(owner, "right-pw-42").status_code == 302


def test_axes_reset_lifts_the_lock(editor):
    attacker = Client(REMOTE_ADDR="203.0.113.51")
    for n in range(5):
        sign_in(attacker, f"guess-{n}")
    assert sign_in(attacker, "right-pw-42").status_code == 429
    call_command("axes_reset", verbosity=0)
    assert sign_in(attacker, "right-pw-42").status_code == 302


def test_a_right_password_resets_the_count(editor):
    client = Client(REMOTE_ADDR="203.0.113.52")
    for n in range(4):
        assert sign_in(client, f"guess-{n}").status_code == 200
    assert sign_in(client, "right-pw-42").status_code == 302
    client.logout()
    for n in range(4):
        assert sign_in(client, f"again-{n}").status_code == 200  # counted from zero again
