"""The access matrix (issue 10, item 3): rows are the product's sections and records in Russian, technical models
hidden, each right in exactly one cell; a person's cell is inherit / grant / revoke with its effective result and
source; only administrators save; the access history reads as sentences."""

from collections import Counter

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from legal_crm.core import access
from legal_crm.core.access_history import describe_entries, short_name
from legal_crm.core.access_matrix import (
    build_matrix,
    is_technical_model,
    matrix_permissions,
    perm_title,
    person_matrix,
)
from legal_crm.core.audit import audit_for
from legal_crm.core.errors import DomainError
from legal_crm.core.models import AuditLog, PermissionOverride, User

pytestmark = pytest.mark.django_db


def perm(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def person_cell(user, label):
    for _section, rows in person_matrix(user):
        for _row, actions, special in rows:
            for pc in [*actions, *special]:
                if pc is not None and f"{pc.cell.permission.content_type.app_label}.{pc.cell.permission.codename}" \
                        == label:
                    return pc
    raise AssertionError(f"{label} has no cell")


def test_matrix_rows_hide_technical_models():
    labels = [row.model_label for section in build_matrix() for row in section.rows]
    assert labels, "the matrix has rows"
    assert not [label for label in labels if ".historical" in label]
    for technical in ("axes.", "sessions.", "contenttypes.", "admin.", "authtoken.", "auth.permission",
                      "core.eventoutbox", "core.permissionoverride", "leads.intakelock"):
        assert not [label for label in labels if label.startswith(technical)], technical
    assert {"contracts.contract", "leads.lead", "auth.group", "org.employee"} <= set(labels)
    assert len(labels) == len(set(labels)), "one row per record"


def test_matrix_follows_the_sidebar_names_and_order():
    sections = build_matrix()
    titles = [s.title for s in sections]
    assert titles[:4] == ["Маркетинг", "Продажи", "Исполнение", "Финансы"]
    sales = next(s for s in sections if s.title == "Продажи")
    assert [r.model_label for r in sales.rows[:3]] == ["leads.lead", "leads.plannedcall", "leads.script"]
    contract = next(r for s in sections for r in s.rows if r.model_label == "contracts.contract")
    assert contract.title == "Договоры"
    assert [c.title for c in contract.actions] == ["просмотр", "добавление", "изменение", "удаление"]
    assert "Подписывает договоры" in [c.title for c in contract.special]


def test_every_product_permission_appears_in_exactly_one_cell():
    cells = Counter(p.pk for p in matrix_permissions())
    assert set(cells.values()) == {1}
    product = [p for p in Permission.objects.select_related("content_type")
               if not is_technical_model(p.content_type.model_class())]
    assert {p.pk for p in product} == set(cells)
    technical = Permission.objects.filter(content_type__app_label__in=["axes", "sessions", "contenttypes", "admin"])
    assert technical.exists() and not set(technical.values_list("pk", flat=True)) & set(cells)


def test_rights_are_named_in_russian():
    assert perm_title(perm("contracts.view_contract")) == "Договоры: просмотр"
    assert perm_title(perm("leads.reassign_lead")) == "Лиды: Переназначает лиды"
    assert perm_title(perm("marketing.manage_partner_token")) == "Партнёры: Выпускает токены API партнёров"
    assert all("Can " not in c.full_title for s in build_matrix() for r in s.rows for c in r.cells)


def test_person_cell_shows_effective_result_and_source(make_staff, admin_user, roles):
    seller = make_staff("sales")
    cell = person_cell(seller, "billing.view_invoice")
    assert (cell.setting, cell.effective) == ("inherit", True)
    assert roles["sales"].name in cell.source
    cell = person_cell(seller, "org.view_office")
    assert (cell.setting, cell.effective, cell.source) == ("inherit", False, "нет в группах")

    access.permission_overrides_apply(actor=admin_user, user=seller,
                                      changes={perm("billing.view_invoice"): False,
                                               perm("org.view_office"): True})
    cell = person_cell(seller, "billing.view_invoice")
    assert (cell.setting, cell.effective, cell.source) == ("revoke", False, "лично")
    cell = person_cell(seller, "org.view_office")
    assert (cell.setting, cell.effective, cell.source) == ("grant", True, "лично")

    # Who may change a record may open it (the desk's rule): a revoked view under a kept change says so.
    access.permission_overrides_apply(actor=admin_user, user=seller, changes={perm("contracts.view_contract"): False})
    cell = person_cell(seller, "contracts.view_contract")
    assert (cell.setting, cell.effective, cell.source) == ("revoke", True, "входит в право «изменение»")


def test_administrator_saves_a_persons_matrix(client, admin_user, make_staff):
    seller = make_staff("sales")
    assert seller.has_perm("billing.view_invoice")  # now cached
    PermissionOverride.objects.create(user=seller, permission=perm("org.view_office"), granted=True)
    client.force_login(admin_user)
    url = reverse("admin:org_employee_access", args=[seller.employee.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-perm="billing.view_invoice"' in html
    assert "Can add" not in html and "historical" not in html.lower()

    response = client.post(url, {f"perm_{perm('billing.view_invoice').pk}": "revoke",
                                 f"perm_{perm('org.view_office').pk}": "inherit",
                                 f"perm_{perm('leads.view_lead').pk}": "inherit"})
    assert response.status_code == 302
    seller = fresh(seller)
    assert not seller.has_perm("billing.view_invoice")  # the cached set was dropped
    assert not seller.has_perm("org.view_office")
    assert seller.has_perm("leads.view_lead")
    assert dict(PermissionOverride.objects.filter(user=seller).values_list("permission__codename", "granted")) \
        == {"view_invoice": False}
    row = audit_for(seller).get(action="access.overrides")
    assert row.actor == admin_user
    assert sorted(describe_entries([row])[row.pk]) == sorted([
        f"{short_name(admin_user)}: отозвано право «Счета: просмотр»",
        f"{short_name(admin_user)}: снята личная настройка права «Офисы: просмотр», решают группы",
    ])
    html = client.get(url).content.decode()
    assert "лично" in html


def test_the_matrix_page_also_sets_groups(client, admin_user, make_staff, roles):
    seller = make_staff("sales")
    client.force_login(admin_user)
    url = reverse("admin:org_employee_access", args=[seller.employee.pk])
    response = client.post(url, {"groups_shown": "1", "groups": [roles["sales"].pk, roles["lawyer"].pk]})
    assert response.status_code == 302
    assert set(fresh(seller).groups.all()) == {roles["sales"], roles["lawyer"]}
    row = audit_for(seller).get(action="access.groups")
    assert describe_entries([row])[row.pk] == [f"{short_name(admin_user)}: добавление в группу «{roles['lawyer'].name}»"]


def test_an_unknown_group_is_refused_and_nothing_changes(client, admin_user, make_staff, roles):
    seller = make_staff("sales")
    client.force_login(admin_user)
    url = reverse("admin:org_employee_access", args=[seller.employee.pk])
    response = client.post(url, {"groups_shown": "1", "groups": [roles["lawyer"].pk, "x"],
                                 f"perm_{perm('contracts.view_contract').pk}": "grant"})
    assert response.status_code == 200 and "Выберите группы из списка." in response.content.decode()
    assert set(fresh(seller).groups.all()) == {roles["sales"]}
    assert not PermissionOverride.objects.filter(user=seller).exists()


def test_an_unknown_setting_is_refused(client, admin_user, make_staff):
    seller = make_staff("sales")
    client.force_login(admin_user)
    url = reverse("admin:org_employee_access", args=[seller.employee.pk])
    response = client.post(url, {f"perm_{perm('contracts.view_contract').pk}": "maybe"})
    assert response.status_code == 200
    assert "Неизвестная настройка права" in response.content.decode()
    assert not PermissionOverride.objects.filter(user=seller).exists()


@pytest.mark.parametrize("role", ["hr", "office_head", "sales"])
def test_non_administrator_cannot_open_or_post_the_matrix(client, make_staff, role):
    actor = make_staff(role)
    seller = make_staff("sales")
    client.force_login(actor)
    url = reverse("admin:org_employee_access", args=[seller.employee.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {f"perm_{perm('contracts.view_contract').pk}": "revoke",
                                 "groups_shown": "1", "groups": []})
    assert response.status_code == 403
    assert not PermissionOverride.objects.filter(user=seller).exists()
    assert fresh(seller).groups.exists()
    assert not AuditLog.objects.filter(action__startswith="access.").exists()


def test_non_administrator_is_refused_by_the_services(make_staff, roles):
    hr = make_staff("hr")
    seller = make_staff("sales")
    group = roles["sales"]
    before = set(group.permissions.all())
    with pytest.raises(DomainError) as exc:
        access.permission_overrides_apply(actor=hr, user=seller, changes={perm("contracts.view_contract"): False})
    assert exc.value.code == "access_denied"
    with pytest.raises(DomainError):
        access.group_permissions_set_within(actor=hr, group=group, permissions=[], within=matrix_permissions())
    assert set(group.permissions.all()) == before
    assert not PermissionOverride.objects.filter(user=seller).exists()


def test_group_page_is_a_matrix_of_checkboxes(client, admin_user, roles):
    group = roles["sales"]
    client.force_login(admin_user)
    url = reverse("admin:auth_group_change", args=[group.pk])
    html = client.get(url).content.decode()
    assert "access-matrix" in html
    assert f'value="{perm("contracts.view_contract").pk}" data-perm="contracts.view_contract"' in html
    assert "Can add" not in html and "historical" not in html.lower() and "axes" not in html


def test_group_matrix_saves_through_the_service_and_keeps_technical_rights(client, admin_user, make_staff):
    group = Group.objects.create(name="Стажёры")
    technical = perm("sessions.view_session")
    group.permissions.add(technical, perm("leads.view_lead"))
    member = make_staff("sales")
    member.groups.add(group)
    client.force_login(admin_user)
    url = reverse("admin:auth_group_change", args=[group.pk])
    response = client.post(url, {"name": group.name,
                                 "permissions": [perm("contracts.view_contract").pk, perm("org.view_office").pk]})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(group.permissions.all()) == {technical, perm("contracts.view_contract"), perm("org.view_office")}
    row = audit_for(group).get(action="access.group_permissions")
    who = short_name(admin_user)
    assert describe_entries([row])[row.pk] == [
        f"{who}: группе «Стажёры» дано право «Договоры: просмотр»",
        f"{who}: группе «Стажёры» дано право «Офисы: просмотр»",
        f"{who}: у группы «Стажёры» забрано право «Лиды: просмотр»",
    ]
    member_row = audit_for(member).get(action="access.group_permissions")
    assert f"{who}: у группы «Стажёры» забрано право «Лиды: просмотр»" in describe_entries([member_row])[member_row.pk]

    # The group's «История» says the same in words, not Django's «Изменено права.»
    history = client.get(reverse("admin:auth_group_history", args=[group.pk])).content.decode()
    assert f"{who}: группе «Стажёры» дано право «Договоры: просмотр»." in history
    assert "Изменено права" not in history


def test_history_sentences(admin_user, make_staff, roles):
    admin_user.last_name, admin_user.first_name = "Администраторов", "Андрей"
    admin_user.save()
    seller = make_staff("sales")
    access.permission_override_set(actor=admin_user, user=seller, permission=perm("contracts.view_contract"),
                                   granted=False)
    access.permission_override_set(actor=admin_user, user=seller, permission=perm("contracts.view_contract"),
                                   granted=True)
    access.user_groups_set(actor=admin_user, user=seller, groups=[roles["lawyer"]])
    rows = list(audit_for(seller).order_by("id"))
    described = describe_entries(rows)
    assert [described[r.pk] for r in rows] == [
        ["Администраторов А.: отозвано право «Договоры: просмотр»"],
        ["Администраторов А.: выдано право «Договоры: просмотр»"],
        [f"Администраторов А.: добавление в группу «{roles['lawyer'].name}»",
         f"Администраторов А.: исключение из группы «{roles['sales'].name}»"],
    ]


def test_employee_page_and_audit_log_show_sentences_not_dicts(client, admin_user, make_staff):
    seller = make_staff("sales")
    access.permission_override_set(actor=admin_user, user=seller, permission=perm("contracts.view_contract"),
                                   granted=False)
    client.force_login(admin_user)
    html = client.get(reverse("admin:org_employee_change", args=[seller.employee.pk])).content.decode()
    assert f"{short_name(admin_user)}: отозвано право «Договоры: просмотр»" in html
    assert "contracts.view_contract&#x27;: False" not in html and "{&#x27;" not in html
    assert reverse("admin:org_employee_access", args=[seller.employee.pk]) in html
    assert 'name="personal_grants"' not in html and 'name="personal_revokes"' not in html

    html = client.get(reverse("admin:core_auditlog_changelist")).content.decode()
    assert "отозвано право «Договоры: просмотр»" in html
    row = audit_for(seller).get()
    html = client.get(reverse("admin:core_auditlog_change", args=[row.pk])).content.decode()
    assert "отозвано право «Договоры: просмотр»" in html


def test_a_new_group_is_made_on_the_matrix(client, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:auth_group_add")
    assert 'data-perm="leads.take_leads"' in client.get(url).content.decode()
    response = client.post(url, {"name": "Стажёры", "permissions": [perm("leads.take_leads").pk]})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(Group.objects.get(name="Стажёры").permissions.all()) == [perm("leads.take_leads")]


def test_a_technical_right_cannot_be_posted_on_the_group_matrix(client, admin_user):
    group = Group.objects.create(name="Стажёры")
    client.force_login(admin_user)
    response = client.post(reverse("admin:auth_group_change", args=[group.pk]),
                           {"name": group.name, "permissions": [perm("axes.view_accessattempt").pk]})
    assert response.status_code == 200  # the form refuses a choice it does not offer
    assert not group.permissions.exists()


def test_read_only_group_page_shows_the_matrix_not_raw_names(client, make_staff, roles):
    hr = make_staff("hr")
    roles["hr"].permissions.add(perm("auth.view_group"))
    client.force_login(hr)
    response = client.get(reverse("admin:auth_group_change", args=[roles["sales"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "access-matrix" in html and "Подписывает договоры" in html
    assert 'data-perm="contracts.view_contract" aria-label="Договоры: просмотр" title="Договоры: просмотр" checked ' \
           'disabled' in html
    assert "Can view" not in html and "Can add" not in html


def test_group_page_shows_its_history_as_sentences(client, admin_user, roles):
    group = roles["sales"]
    access.group_permissions_set(actor=admin_user, group=group,
                                 permissions=[*group.permissions.all(), perm("leads.reassign_lead")])
    client.force_login(admin_user)
    html = client.get(reverse("admin:auth_group_change", args=[group.pk])).content.decode()
    assert f"{short_name(admin_user)}: группе «{group.name}» дано право «Лиды: Переназначает лиды»" in html


def test_office_changes_and_nameless_actors_read_as_sentences(admin_user, make_staff, office, other_office):
    from legal_crm.org import services as org_services

    seller = make_staff("sales")
    org_services.employee_offices_set(actor=admin_user, employee=seller.employee, offices=[other_office])
    row = audit_for(seller.employee).get(action="employee.offices")
    who = short_name(admin_user)
    assert describe_entries([row])[row.pk] == [f"{who}: добавлен офис «{other_office.name}»",
                                               f"{who}: убран офис «{office.name}»"]
    nameless = User(username="robot")
    assert short_name(nameless) == "robot" and short_name(None) == "Система"


def test_no_two_rows_of_a_section_share_a_name():
    """Each row of the matrix names its model apart: «Тип лида по умолчанию» stood twice under «Продажи» (the
    source's and the partner's)."""
    from collections import Counter

    from legal_crm.core.access_matrix import _model_title, _ordered_models

    names = Counter((section, _model_title(model).lower()) for section, model in _ordered_models())
    assert [key for key, count in names.items() if count > 1] == []


def test_module_report_rights_have_a_row_of_their_own(client, admin_user):
    """QA: finance's report rights (declared on Certificate: Django keeps permissions per model) stood in the row
    «Сертификаты» and the history named them «Сертификаты: Видит выручку…»; the leads-by-source report's right stood
    under «Партнёры» the same way."""
    from legal_crm.core.access_matrix import MODULE_ROWS, titles_for_labels

    sections = {s.title: s for s in build_matrix()}
    rows = {row.title: row for row in sections["Финансы"].rows}
    reports = rows["Финансовые отчёты"]
    assert [c.title for c in reports.special] == ["Видит дебиторскую задолженность",
                                                  "Видит выручку, валовую прибыль и оплаты через кабинет"]
    assert reports.actions == [None, None, None, None]
    assert not [c for c in rows["Сертификаты"].cells if c.permission.codename.startswith(("view_rev", "view_rec"))]
    assert [r.title for r in sections["Финансы"].rows].index("Финансовые отчёты") == \
        [r.title for r in sections["Финансы"].rows].index("Сертификаты") - 1
    marketing = {row.title: row for row in sections["Маркетинг"].rows}
    assert [c.title for c in marketing["Маркетинговые отчёты"].special] == ["Видит отчёт «Лиды по источникам»"]
    assert [c.title for c in marketing["Партнёры"].special] == ["Выпускает токены API партнёров"]

    assert perm_title(perm("finance.view_revenue")) == \
        "Финансовые отчёты: Видит выручку, валовую прибыль и оплаты через кабинет"
    assert titles_for_labels(["finance.view_receivables", "marketing.view_lead_report"]) == {
        "finance.view_receivables": "Финансовые отчёты: Видит дебиторскую задолженность",
        "marketing.view_lead_report": "Маркетинговые отчёты: Видит отчёт «Лиды по источникам»"}
    for label in MODULE_ROWS:  # every mapped right exists (a renamed codename would fall back silently)
        perm(label)

    group = Group.objects.create(name="Аналитики")
    access.group_permissions_set(actor=admin_user, group=group, permissions=[perm("finance.view_revenue")])
    client.force_login(admin_user)
    html = client.get(reverse("admin:auth_group_change", args=[group.pk])).content.decode()
    assert 'data-row="finance:reports"' in html and "Финансовые отчёты" in html
    assert "дано право «Финансовые отчёты: Видит выручку, валовую прибыль и оплаты через кабинет»" in html
    assert "Сертификаты: Видит" not in html
