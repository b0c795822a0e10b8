"""The lead change page printed by the project's single-pass templates (admin/includes/desk_fieldset.html,
admin/edit_inline/readonly_tabular.html): the same fields, logs, management forms and errors as unfold's."""

import re

import pytest
from django.utils import timezone

from legal_crm.core.validators import format_phone
from legal_crm.leads.models import LeadContact, LeadStatus
from legal_crm.leads.tests.factories import LeadFactory, status

LIST = "/admin/leads/lead/"


def _form_data(lead, **changes):
    data = {"name": lead.name, "status": lead.status_id, "office": lead.office_id, "comment": "", "segment": "",
            "refusal_reason": "", "assigned_to": "", "status_comment": "", "_save": "1"}
    for prefix, count in (("contacts", lead.contacts.count()), ("status_log", 0), ("assignments", 0),
                          ("planned_calls", 0)):
        data.update({f"{prefix}-TOTAL_FORMS": count, f"{prefix}-INITIAL_FORMS": count})
    data.update(changes)
    return data


@pytest.mark.django_db
def test_change_page_shows_fields_read_only_values_and_logs(client, make_staff, office):
    lead = LeadFactory(office=office, name="Кузнецова Анна", utm_source="yandex-direct")
    LeadContact.objects.create(lead=lead, at=timezone.now(), phone=lead.phone, name="Кузнецова",
                               utm_campaign="осень-2026", comment="Коллекторы звонят")
    client.force_login(make_staff("operator"))
    html = client.get(f"{LIST}{lead.pk}/change/").content.decode()
    # Inputs keep unfold's per-field line class; read-only values are printed once, each in its own box.
    for name in ("name", "status", "office", "assigned_to", "comment"):
        assert f"field-{name} " in html or f'field-{name}"' in html, name
    assert html.count(">yandex-direct</div>") == 1
    # The log under the lead: its heading, its row and the formset's management form the POST needs.
    assert "Обращения" in html and "осень-2026" in html and "Коллекторы звонят" in html
    assert 'name="contacts-TOTAL_FORMS" value="1"' in html and 'name="contacts-0-id"' in html
    assert re.search(r'data-label="UTM: кампания">\s*<div class="flex flex-row gap-3 items-center">', html)
    # The contact's number as staff read it; no title above a log row repeating its cells (its str()).
    assert format_phone(lead.phone) in re.search(r'data-label="Телефон">(.*?)</td>', html, re.S).group(1)
    assert "group/title" not in html


@pytest.mark.django_db
def test_a_refused_save_comes_back_with_the_error_on_its_field(client, make_staff, office):
    lead = LeadFactory(office=office, status=status("in_work"))
    needs_reason = LeadStatus.objects.filter(needs_reason=True).order_by("order").first()
    client.force_login(make_staff("operator"))
    r = client.post(f"{LIST}{lead.pk}/change/", _form_data(lead, status=needs_reason.pk))
    assert r.status_code == 200
    html = r.content.decode()
    line = re.search(r'<div class="field-line[^"]*field-refusal_reason[^"]*"\s*>', html)
    assert line and " errors" in line.group(0)
    assert 'class="mt-2 text-red-600 text-xs dark:text-red-500"' in html
    said = re.search(r'<ul class="errorlist" id="id_refusal_reason_error"><li>([^<]+)</li>', html).group(1)
    assert said.lower().count("причину отказа") == 1, said  # the service's message, not repeated by its hint
    lead.refresh_from_db()
    assert lead.status.code == "in_work"
