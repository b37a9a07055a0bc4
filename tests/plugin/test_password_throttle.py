"""A review's page password cannot be guessed at speed: per client address and page."""

import pytest
from django.test import Client, override_settings
from wagtail.models import PageViewRestriction

pytestmark = pytest.mark.django_db

LIMIT = {"PASSWORD_ATTEMPTS": 3, "PASSWORD_LOCKOUT_SECONDS": 120}


@pytest.fixture
def protected(make_review):
    def make(slug):
        review = make_review(film_title=f"Locked {slug}", slug=slug)
        restriction = PageViewRestriction.objects.create(
            page=review, restriction_type=PageViewRestriction.PASSWORD, password="swordfish"
        )
        return review, f"/_util/authenticate_with_password/{restriction.pk}/{review.pk}/"

    return make


def guess(client, action, password, page_url):
    return client.post(action, {"password": password, "return_url": page_url})


@override_settings(REVIEW_PAGES=LIMIT)
def test_wrong_passwords_lock_the_form_for_that_address_and_page(protected):
    review, action = protected("locked-one")
    other_review, other_action = protected("locked-two")
    reader = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert guess(reader, action, "wrong", review.url).status_code == 200
    refused = guess(reader, action, "swordfish", review.url)  # even the right one, for now
    assert refused.status_code == 429
    assert refused["Retry-After"] == "120"
    assert "Too many wrong passwords for this page from your address" in refused.content.decode()
    assert "Try again in 2 minutes" in refused.content.decode()
    assert "Locked locked-one" not in reader.get(review.url).content.decode()
    # Another page, and another address, are not locked.
    assert guess(reader, other_action, "swordfish", other_review.url).status_code == 302
    neighbour = Client(REMOTE_ADDR="198.51.100.2")
    assert guess(neighbour, action, "swordfish", review.url).status_code == 302
    assert "Locked locked-one" in neighbour.get(review.url).content.decode()


@override_settings(REVIEW_PAGES=LIMIT)
def test_a_right_password_within_the_limit_opens_the_page(protected):
    review, action = protected("locked-three")
    reader = Client(REMOTE_ADDR="203.0.113.8")
    assert guess(reader, action, "wrong", review.url).status_code == 200
    assert guess(reader, action, "swordfish", review.url).status_code == 302
    assert "Locked locked-three" in reader.get(review.url).content.decode()


@override_settings(REVIEW_PAGES={"PASSWORD_ATTEMPTS": 0})
def test_no_limit_when_turned_off(protected):
    review, action = protected("locked-four")
    reader = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(15):
        assert guess(reader, action, "wrong", review.url).status_code == 200


def test_the_default_limit_is_ten(protected):
    review, action = protected("locked-five")
    reader = Client(REMOTE_ADDR="203.0.113.10")
    statuses = [guess(reader, action, "wrong", review.url).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
