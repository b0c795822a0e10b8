"""The portal's URLs. Every id in a path is looked up through the signed-in client's own rows
(tests/test_isolation.py tries each pattern with another client's ids and knows these kwargs)."""

from django.urls import path

from . import views_case, views_money, views_signin

app_name = "portal"

urlpatterns = [
    path("", views_signin.login, name="login"),
    path("code/", views_signin.code, name="code"),
    path("password/", views_signin.password_login, name="password_login"),
    path("logout/", views_signin.logout, name="logout"),
    path("cases/", views_case.home, name="home"),
    path("cases/<int:contract_id>/", views_case.case, name="case"),
    path("cases/<int:contract_id>/documents/", views_case.documents, name="documents"),
    path("cases/<int:contract_id>/money/", views_money.money, name="money"),
    path("cases/<int:contract_id>/feedback/", views_case.feedback, name="feedback"),
    path("documents/<int:document_id>/", views_case.document_download, name="document_download"),
    path("invoices/<int:invoice_id>/pay/", views_money.pay, name="pay"),
    path("payments/<int:payment_id>/", views_money.receipt, name="receipt"),
    path("payments/webhook/", views_money.webhook, name="webhook"),
    path("settings/", views_case.settings_page, name="settings"),
]
