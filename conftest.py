"""Fixtures every module's tests may use: the shipped roles and staff of each role."""

import uuid

import pytest
from django.contrib.auth.models import Group

from legal_crm.core.access_sync import load_roles

ROLE_GROUPS = {spec["role"]: name for name, spec in load_roles().items()}


def pytest_configure(config):
    """LCRM_TEST_CLOCK=2026-12-31T23:30:00+03:00 runs the whole suite as if started at that moment (the clock keeps
    ticking from there): the suite must pass at a year's, a month's or a day's edge in any office's time zone."""
    import os

    moment = os.environ.get("LCRM_TEST_CLOCK")
    if moment:
        import time_machine

        config._lcrm_clock = time_machine.travel(moment, tick=True)
        config._lcrm_clock.start()


def pytest_unconfigure(config):
    clock = getattr(config, "_lcrm_clock", None)
    if clock is not None:
        clock.stop()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: counters, cached permissions and tokens of an earlier test never
    leak in (on SQLite a new row may reuse an earlier test's id). clear() deletes only this worker's keys."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _process_copies_follow_the_data(monkeypatch):
    """The per-process copies (reference data, user names) live until the data changes, never for N seconds of wall
    time: on a slow machine a TTL that runs out between two requests would change what a test measures. Their
    invalidation by signals is what keeps them right in one process, and tests run in one process. Each test starts
    without a copy: a rolled-back test fires no signal, so its copy would otherwise outlive its rows."""
    import math

    from legal_crm.core import user_names
    from legal_crm.leads import refcache

    monkeypatch.setattr(refcache, "LOCAL_TTL", math.inf)
    monkeypatch.setattr(user_names, "TTL", math.inf)
    refcache.forget_local()
    user_names._names.clear()


@pytest.fixture
def roles(db):
    """The shipped groups, synced from fixtures/groups.json (post_migrate already did it once)."""
    from legal_crm.core.access_sync import sync_groups

    sync_groups()
    return {role: Group.objects.get(name=name) for role, name in ROLE_GROUPS.items()}


@pytest.fixture
def office(db):
    from legal_crm.org.tests.factories import OfficeFactory

    return OfficeFactory(code="msk", name="Москва", time_zone="Europe/Moscow")


@pytest.fixture
def other_office(db):
    from legal_crm.org.tests.factories import OfficeFactory

    return OfficeFactory(code="nsk", name="Новосибирск", time_zone="Asia/Novosibirsk")


@pytest.fixture
def make_staff(roles, office):
    """make_staff("operator", offices=[...]) → a User of that role, employed in those offices."""
    from legal_crm.org.tests.factories import EmployeeFactory, UserFactory

    def make(role: str, *, offices=None, username: str | None = None, superuser: bool = False):
        offices = offices or [office]
        user = UserFactory(username=username or f"{role}-{uuid.uuid4().hex[:8]}",
                           groups=[roles[role]], is_superuser=superuser)
        EmployeeFactory(user=user, main_office=offices[0], offices=offices)
        return user

    return make


@pytest.fixture
def admin_user(make_staff):
    return make_staff("admin", username="root-admin")


@pytest.fixture
def operator(make_staff):
    """A call-centre operator of `office`."""
    return make_staff("operator")


@pytest.fixture
def finance(make_staff, office):
    """A finance officer of `office`."""
    return make_staff("finance", offices=[office])


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, shared by the tests of one module."""
    import os
    from pathlib import Path

    if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
        pytest.skip("Chromium is not installed (in CI it must be)")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    """A fresh Russian-locale page of its own browser context."""
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def sign_in(live_server):
    """sign_in(page, user) signs `user` (or a username) in through the desk's login form, password "demo", and
    waits for the desk's exact home URL: a glob such as "**/admin/" also matches the login page itself
    (…/login/?next=/admin/), so a test could go on before the sign-in had landed. The page's cookies are cleared
    first, so one page may sign in as one person after another; before that the page leaves the desk, whose
    long-poll (the incoming-call pop-up) could otherwise answer late with a CSRF cookie that no longer matches the
    login form's token ("CSRF token from POST incorrect")."""

    def sign_in(page, user):
        page.goto("about:blank")
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/admin/login/?next=/admin/")
        page.fill("input[name=username]", getattr(user, "username", user))
        page.fill("input[name=password]", "demo")
        page.click("[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")

    return sign_in


@pytest.fixture
def desk_viewport():
    """The window size of page_as's pages; a module that needs another size overrides this fixture."""
    return {"width": 1440, "height": 1000}


@pytest.fixture
def page_as(browser, live_server, desk_viewport):
    """page_as(user, **context_options) → a page of a new Russian-locale browser context that is already signed in as
    `user`: the test client's session cookie, no login form (tests of the form itself use sign_in)."""
    from django.conf import settings
    from django.test import Client

    contexts = []

    def open_as(user, **options):
        client = Client()
        client.force_login(user)
        context = browser.new_context(**{"locale": "ru-RU", "viewport": desk_viewport, **options})
        contexts.append(context)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield open_as
    for context in contexts:
        context.close()
