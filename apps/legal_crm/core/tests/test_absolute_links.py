"""core.absolute_links: links that leave the system are built on PUBLIC_URL; an absolute one is kept."""

from legal_crm.core.absolute_links import absolute_url, is_absolute


def test_a_path_is_put_on_public_url(settings):
    settings.PUBLIC_URL = "http://127.0.0.1:8000/"
    assert absolute_url("/portal/") == "http://127.0.0.1:8000/portal/"
    assert absolute_url("portal/") == "http://127.0.0.1:8000/portal/"
    assert absolute_url("/admin/x/", base="https://desk.example.ru") == "https://desk.example.ru/admin/x/"
    assert absolute_url("/admin/x/", base="") == "http://127.0.0.1:8000/admin/x/"


def test_an_absolute_link_and_nothing_stay_as_they_are(settings):
    settings.PUBLIC_URL = "http://127.0.0.1:8000"
    for link in ("https://lk.example.ru/", "http://x.ru/portal/", "//cdn.example.ru/a", ""):
        assert absolute_url(link) == link
    assert is_absolute("https://lk.example.ru") and not is_absolute("/portal/")
