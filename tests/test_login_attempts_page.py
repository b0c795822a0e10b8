"""The desk's list of failed logins (django-axes' access attempts) opens once there is a failed login — the page an
administrator needs after a lockout. Its «статус» column was a lambda reading `obj.status`, which is a method of
axes' admin, not of the row: a 500 as soon as anyone mistyped a password."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


@override_settings(AXES_FAILURE_LIMIT=5)
def test_failed_logins_list_shows_the_state_in_russian(client, admin_user):
    from axes.models import AccessAttempt

    for username, failures in (("lawyer", 2), ("sales", 5)):
        AccessAttempt.objects.create(username=username, ip_address="127.0.0.1", user_agent="Firefox",
                                     http_accept="*/*", path_info="/admin/login/", failures_since_start=failures,
                                     get_data="", post_data="")
    client.force_login(admin_user)
    response = client.get("/admin/axes/accessattempt/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "осталось попыток: 3" in html and "вход заблокирован" in html
    assert "Attempt Remaining" not in html and "Locked Out" not in html
    assert client.get("/admin/axes/accessattempt/", {"o": "7"}).status_code == 200  # sorted by the state


def test_every_login_log_list_opens_with_rows(client, admin_user):
    from axes.models import AccessAttempt, AccessLog
    from django.apps import apps
    from django.contrib import admin

    AccessLog.objects.create(username="lawyer", ip_address="127.0.0.1", user_agent="Firefox", http_accept="*/*",
                             path_info="/admin/login/")
    AccessAttempt.objects.create(username="lawyer", ip_address="127.0.0.1", user_agent="Firefox", http_accept="*/*",
                                 path_info="/admin/login/", failures_since_start=1, get_data="", post_data="")
    client.force_login(admin_user)
    for model in apps.get_app_config("axes").get_models():
        if admin.site.is_registered(model):
            url = f"/admin/axes/{model._meta.model_name}/"
            assert client.get(url).status_code == 200, url
