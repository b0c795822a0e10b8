"""Fixtures of the lead and marketing tests (their conftest.py files import them)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_reference_cache():
    """Reference data is cached; each test starts from its own database state."""
    from legal_crm.leads import refcache

    cache.clear()
    refcache.forget_local()
    yield
    cache.clear()
    refcache.forget_local()


@pytest.fixture
def site_user(make_staff):
    """A website integration user: a staff account allowed to add leads."""
    return make_staff("operator")


@pytest.fixture
def partner_with_token(db):
    from rest_framework.authtoken.models import Token

    from legal_crm.core.models import User
    from legal_crm.leads.tests.factories import AdSourceFactory, PartnerFactory

    user = User.objects.create(username="partner-api")
    source = AdSourceFactory(code="partner-feed", name="Лидогенератор", channel="partner")
    partner = PartnerFactory(name="Лидогенератор", api_user=user, default_source=source)
    token = Token.objects.create(user=user)
    return partner, token.key


@pytest.fixture
def site_client(site_user):
    """An API client signed in as the website integration."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(site_user)
    return client


@pytest.fixture
def partner_client(partner_with_token):
    """An API client sending the partner's token."""
    from rest_framework.test import APIClient

    _partner, key = partner_with_token
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client
