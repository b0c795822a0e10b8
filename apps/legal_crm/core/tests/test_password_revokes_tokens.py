"""A password change or reset — by any path — ends the user's API tokens, as blocking does."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

URL = "/api/v1/counterparties/"


def _token_works(key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(URL).status_code == 200


@pytest.fixture
def user_with_token(make_staff):
    user = make_staff("operator")
    token = Token.objects.create(user=user)
    assert _token_works(token.key)  # and now it is cached, too
    return user, token.key


def test_desk_password_change_drops_the_tokens(client, user_with_token):
    user, key = user_with_token
    client.force_login(user)
    response = client.post(reverse("admin:password_change"), {
        "old_password": "demo", "new_password1": "Vesna-2026-novy", "new_password2": "Vesna-2026-novy"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Token.objects.filter(user=user).exists()
    assert not _token_works(key)


def test_admin_set_password_drops_the_tokens(client, admin_user, user_with_token):
    user, key = user_with_token
    client.force_login(admin_user)
    response = client.post(reverse("admin:auth_user_password_change", args=[user.pk]), {
        "password1": "Vesna-2026-novy", "password2": "Vesna-2026-novy", "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Token.objects.filter(user=user).exists()
    assert not _token_works(key)


def test_set_password_through_code_drops_the_tokens(user_with_token):
    user, key = user_with_token
    user.set_password("Vesna-2026-novy")
    user.save()
    assert not _token_works(key)


def test_a_save_without_a_password_change_keeps_the_tokens(user_with_token):
    user, key = user_with_token
    user.first_name = "Иван"
    user.save()
    assert _token_works(key)
