"""The incoming-call feed is polled only by those who may call: other roles get the call window's script with
`?live=0` and open desk pages without a refused request (they used to get a 403 on every page)."""

from __future__ import annotations

import pytest
from django.urls import reverse

LIVE = "/admin/telephony/call/live/"


def test_the_script_tells_whether_to_poll(client, make_staff):
    finance, operator = make_staff("finance"), make_staff("operator")
    client.force_login(finance)
    page = client.get(reverse("admin:index")).content.decode()
    assert "telephony/call_window.js?live=0" in page
    client.force_login(operator)
    page = client.get(reverse("admin:index")).content.decode()
    assert "telephony/call_window.js\"" in page and "live=0" not in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_only_a_caller_polls_the_feed(page, live_server, make_staff, sign_in):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))

    sign_in(page, make_staff("finance", username="feed-finance"))
    page.goto(live_server.url + reverse("admin:index"))
    page.wait_for_load_state("networkidle")  # reached only because nothing long-polls: the feed would hold a request
    assert not [u for u in requests if LIVE in u]

    sign_in(page, make_staff("operator", username="feed-operator"))
    with page.expect_request(lambda r: LIVE in r.url):
        page.goto(live_server.url + reverse("admin:index"))
