"""Log in through the real login form in Chromium and check each role's sidebar (issue 2, "Security base")."""

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_operator_and_admin_see_their_own_sidebars(page, make_staff, sign_in):
    make_staff("operator", username="operator")
    make_staff("admin", username="admin")

    sign_in(page, "operator")
    text = page.content()
    assert "Справочники" in text
    assert "Контрагенты" in text
    assert "Администрирование" not in text
    assert "Сотрудники" not in text

    sign_in(page, "admin")  # a fresh session: the fixture clears the cookies
    text = page.content()
    assert "Справочники" in text
    assert "Администрирование" in text
    assert "Сотрудники" in text


@pytest.mark.django_db(transaction=True)
def test_wrong_password_stays_on_the_login_form(page, live_server, make_staff):
    make_staff("operator", username="operator")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "operator")
    page.fill("input[name=password]", "wrong")
    # The answer is the login page again, at the same URL: wait for it to load, or the checks below could read the
    # page that is being left.
    with page.expect_navigation(wait_until="load"):
        page.click("button[type=submit], input[type=submit]")
    assert "/admin/login/" in page.url
    assert page.locator("input[name=password]").is_visible()
    assert "введите корректные" in page.content()  # the form says why, in Russian
