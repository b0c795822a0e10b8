"""The path in the desk header names each step once: «Договоры › Договоры» reads «Договоры»."""

from __future__ import annotations

import re

from django.urls import reverse

from legal_crm.core.templatetags.desk_lists import without_repeated_titles


def test_a_part_named_like_the_next_one_is_left_out():
    parts = [{"title": "Договоры", "link": "/a/"}, {"title": "договоры", "link": "/a/c/"}, {"title": "Д-1", "link": ""}]
    assert [p["link"] for p in without_repeated_titles(parts)] == ["/a/c/", ""]
    assert without_repeated_titles([]) == []


def test_the_contract_list_header_says_contracts_once(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:contracts_contract_changelist")).content.decode()
    crumbs = re.findall(r'class="align-middle inline-block leading-5 min-w-0 truncate tracking-tight">\s*([^<]+?)\s*<',
                        page)
    assert crumbs == ["Договоры"]


def test_an_admins_own_page_is_named_after_its_list(client, admin_user):
    # DeskAdmin.page_context: a page of its own (here the notification settings) reads «Раздел › Список › Страница».
    client.force_login(admin_user)
    page = client.get(reverse("admin:messaging_notification_mine")).content.decode()
    crumbs = re.findall(r'class="align-middle inline-block leading-5 min-w-0 truncate tracking-tight">\s*([^<]+?)\s*<',
                        page)
    assert crumbs == ["Сообщения", "Уведомления", "Мои уведомления"]


def test_an_unfiltered_list_does_not_offer_to_show_all(client, admin_user):
    # «(Показать все)» in the header clears a search or filter; on the whole list there is nothing more to show.
    client.force_login(admin_user)
    url = reverse("admin:contracts_contract_changelist")

    def header(params):
        page = client.get(url, params).content.decode()
        return page[page.index("<h1"):page.index("</h1>")]

    assert "Показать все" not in header({}) and "Показать все" not in header({"p": "1"})
    assert "Показать все" in header({"q": "нет такого договора"})
