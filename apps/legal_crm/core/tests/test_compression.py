"""Desk pages go out gzip-compressed, only where BREACH cannot use it (core/compression.py)."""

import gzip

import pytest


@pytest.fixture
def desk(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.django_db
def test_a_desk_page_is_compressed_for_a_browser_that_accepts_gzip(desk):
    r = desk.get("/admin/leads/lead/", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert r.status_code == 200 and r["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in r["Vary"]
    assert b'id="changelist"' in gzip.decompress(r.content)
    assert "Content-Encoding" not in desk.get("/admin/leads/lead/")  # a client that did not ask gets it plain


@pytest.mark.django_db
def test_answers_to_posts_token_pages_and_the_api_are_not_compressed(desk):
    gz = {"HTTP_ACCEPT_ENCODING": "gzip"}
    assert "Content-Encoding" not in desk.post("/admin/directory/counterparty/add/", {"name": "x" * 300}, **gz)
    assert "Content-Encoding" not in desk.get("/admin/authtoken/tokenproxy/", **gz)
    assert "Content-Encoding" not in desk.get("/api/v1/leads/", **gz)
