"""The shipped roles are synced idempotently from fixtures/groups.json; the desk is Russian unless the user
switches."""

import json
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import translation

from legal_crm.core.access_sync import expand, load_roles, sync_groups

pytestmark = pytest.mark.django_db


def test_sync_groups_is_idempotent_and_leaves_other_groups_alone():
    custom = Group.objects.create(name="Стажёры")
    custom.permissions.add(Permission.objects.get(codename="view_counterparty"))
    first = sync_groups()
    snapshot = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    assert sync_groups() == first
    assert {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()} == snapshot
    assert list(custom.permissions.values_list("codename", flat=True)) == ["view_counterparty"]
    assert set(first) == set(load_roles())


def _labels(group):
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_a_role_synced_for_the_first_time_gets_exactly_the_file(roles):
    """A new installation, or a role from before ShippedRole: nothing to merge with, the file decides."""
    from legal_crm.core.models import ShippedRole

    operators = roles["operator"]
    ShippedRole.objects.filter(group=operators).delete()
    operators.permissions.clear()
    sync_groups()
    assert operators.permissions.filter(codename="view_counterparty").exists()
    assert ShippedRole.objects.get(group=operators).permissions == sorted(_labels(operators))


def test_the_administrators_changes_to_a_shipped_role_survive_an_update(roles):
    operators = roles["operator"]
    taken = Permission.objects.get(content_type__app_label="directory", codename="view_counterparty")
    given = Permission.objects.get(content_type__app_label="core", codename="view_auditlog")
    assert taken in operators.permissions.all() and given not in operators.permissions.all()
    operators.permissions.remove(taken)
    operators.permissions.add(given)
    sync_groups()
    assert taken not in operators.permissions.all()
    assert given in operators.permissions.all()


def test_an_update_adds_newly_shipped_rights_and_takes_dropped_ones_with_history(client, roles, make_staff):
    """What the file gives now and did not last time is added; what it gave and gives no more is taken; the role's
    history tells both as the update's doing."""
    from legal_crm.core.audit import audit_for
    from legal_crm.core.models import ShippedRole

    operators = roles["operator"]
    member = make_staff("operator")
    base = ShippedRole.objects.get(group=operators)
    new_one = "directory.view_counterparty"  # as if this update's file gives it for the first time
    dropped = "core.view_auditlog"  # as if the last file gave it and this one does not
    operators.permissions.remove(Permission.objects.get(content_type__app_label="directory",
                                                        codename="view_counterparty"))
    operators.permissions.add(Permission.objects.get(content_type__app_label="core", codename="view_auditlog"))
    base.permissions = sorted((set(base.permissions) - {new_one}) | {dropped})
    base.save()
    sync_groups()
    assert new_one in _labels(operators) and dropped not in _labels(operators)
    assert ShippedRole.objects.get(group=operators).permissions == sorted(_labels(operators))
    assert audit_for(operators).filter(action="access.group_permissions", actor=None).count() == 1
    assert audit_for(member).filter(action="access.group_permissions").count() == 1

    client.force_login(make_staff("admin"))
    page = client.get(reverse("admin:auth_group_change", args=[operators.pk])).content.decode()
    assert "Обновление программы: группе" in page and "Обновление программы: у группы" in page


def test_patterns_expand_with_wildcards():
    available = {f"{p.content_type.app_label}.{p.codename}": p
                 for p in Permission.objects.select_related("content_type")}
    chosen = {f"{p.content_type.app_label}.{p.codename}" for p in expand(["directory.view_*"], available)}
    assert "directory.view_counterparty" in chosen
    assert all(label.startswith("directory.view_") for label in chosen)
    assert len(expand(["*"], available)) == len(available)


def test_every_role_has_a_distinct_name_and_only_known_permissions():
    roles = load_roles()
    assert len({spec["role"] for spec in roles.values()}) == len(roles)
    available = {f"{p.content_type.app_label}.{p.codename}": p
                 for p in Permission.objects.select_related("content_type")}
    for name, spec in roles.items():
        for pattern in spec["permissions"]:
            assert expand([pattern], available), f"{name}: {pattern} matches no permission"


def test_russian_by_default_even_for_an_english_browser(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "ru"
    assert "Пароль" in response.content.decode()


def test_english_when_the_user_switched(client):
    client.cookies["django_language"] = "en"
    response = client.get("/admin/login/")
    assert response["Content-Language"] == "en"


def test_unfold_strings_are_russian_and_english_after_the_switch():
    """django-unfold ships no translations; locale/ru holds its strings, in the words Django's admin uses."""
    with translation.override("ru"):
        assert translation.gettext("Choose file to upload") == "Выберите файл для загрузки"
        assert translation.gettext("Apply Filters") == "Применить фильтры"
        assert translation.gettext("Save") == "Сохранить"  # the same word as Django's own catalog
        assert [translation.ngettext("%(counter)s result", "%(counter)s results", n) % {"counter": n}
                for n in (1, 3, 5, 21)] == ["1 результат", "3 результата", "5 результатов", "21 результат"]
        assert translation.gettext("Сроки") == "Сроки"  # the project's own msgids are Russian already
    with translation.override("en"):
        assert translation.gettext("Choose file to upload") == "Choose file to upload"
        assert translation.gettext("Сроки") == "Timeline"


def test_desk_file_field_and_list_are_russian(client, admin_user):
    client.force_login(admin_user)
    form = client.get(reverse("admin:contracts_documenttemplate_add")).content.decode()
    assert "Выберите файл для загрузки" in form
    assert "Choose file to upload" not in form
    assert "Сохранить и продолжить редактирование" in form
    changelist = client.get(reverse("admin:contracts_documenttemplate_changelist")).content.decode()
    assert "Введите текст для поиска" in changelist and "Фильтры" in changelist and "Тёмная" in changelist
    assert "Type to search" not in changelist and "Filters" not in changelist

    client.cookies["django_language"] = "en"
    form = client.get(reverse("admin:contracts_documenttemplate_add")).content.decode()
    assert "Choose file to upload" in form
    assert "Выберите файл для загрузки" not in form


def test_the_two_box_picker_speaks_plain_russian(client, admin_user):
    """The offices/groups picker's hints come from Django's JavaScript catalog; locale/ru/djangojs.po corrects its
    doubled «и и» and straight quotes."""
    client.force_login(admin_user)
    script = client.get(reverse("admin:jsi18n")).content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S).group(1))
    remove = catalog['Remove %s by selecting them and then select the "Remove" arrow button.']
    assert remove == "Выделите элементы в списке «%s» и нажмите стрелку влево, чтобы убрать их из выбранных."
    assert not [text for text in catalog.values() if "и и " in str(text)]


def test_the_administrator_is_told_what_updates_do_to_a_shipped_role(client, roles, make_staff):
    """access_sync keeps the administrator's changes to a shipped role: its page says so and what an update may
    still change; a group of their own does not carry the note."""
    client.force_login(make_staff("admin"))
    note = "Встроенная роль: ваши изменения её прав сохраняются"
    page = client.get(reverse("admin:auth_group_change", args=[roles["marketer"].pk])).content.decode()
    assert note in page
    own = Group.objects.create(name="Стажёры")
    assert note not in client.get(reverse("admin:auth_group_change", args=[own.pk])).content.decode()


def test_a_taken_value_is_refused_in_plain_russian(roles):
    """Django's Russian said «Группа с таким Имя уже существует» (the label in the nominative); locale/ru quotes it."""
    from django.core.exceptions import ValidationError

    with translation.override("ru"), pytest.raises(ValidationError) as exc:
        Group(name=roles["operator"].name).validate_unique()
    assert exc.value.message_dict["name"] == ["Группа с таким значением поля «Имя» уже есть."]


def test_an_inlines_add_link_reads_in_plain_russian():
    """Django's Russian said «Добавить еще один Переход статусов»."""
    with translation.override("ru"):
        text = translation.gettext("Add another %(verbose_name)s") % {"verbose_name": "Переход статусов"}
    assert text == "Добавить строку «Переход статусов»"
