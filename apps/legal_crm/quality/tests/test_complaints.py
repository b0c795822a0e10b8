import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from legal_crm.billing.tests.factories import ContractFactory
from legal_crm.core.errors import DomainError
from legal_crm.core.models import AuditLog
from legal_crm.quality import selectors
from legal_crm.quality.models import Complaint
from legal_crm.quality.services import complaint_assign, complaint_close, complaint_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(office):
    return ContractFactory(office=office)


@pytest.fixture
def staff(make_staff, office):
    return {role: make_staff(role, offices=[office]) for role in ("sales", "lawyer", "office_head", "finance")}


def file(actor, contract, **kw):
    kw.setdefault("text", "Юрист не отвечает на звонки вторую неделю.")
    return complaint_file(actor=actor, contract=contract, **kw)


def test_full_cycle(staff, contract):
    lawyer, head, sales = staff["lawyer"], staff["office_head"], staff["sales"]
    complaint = file(sales, contract, about_employee=lawyer, source="phone")
    assert complaint.status == "new" and complaint.complainant == str(contract.client)
    assert complaint.deadline == timezone.localdate() + datetime.timedelta(days=10)
    complaint = complaint_assign(actor=head, complaint=complaint, responsible=sales)
    assert complaint.status == "in_work" and complaint.responsible == sales
    complaint = complaint_close(actor=sales, complaint=complaint, resolution="Провели беседу, юрист позвонил клиенту.")
    assert complaint.status == "closed" and complaint.closed_by == sales
    assert list(AuditLog.objects.filter(object_id=str(complaint.pk)).order_by("id").values_list("action", flat=True)) \
        == ["complaint.file", "complaint.assign", "complaint.close"]
    assert complaint.history.count() == 3
    with pytest.raises(DomainError) as err:
        complaint_assign(actor=head, complaint=complaint, responsible=sales)
    assert err.value.code == "complaint_closed"


def test_bad_input(staff, contract, make_staff, other_office):
    head, lawyer = staff["office_head"], staff["lawyer"]
    with pytest.raises(DomainError) as err:
        file(lawyer, contract, text="  плохо ")
    assert err.value.code == "text_required" and "символов" in err.value.fields["text"]
    with pytest.raises(DomainError) as err:
        file(lawyer, contract, deadline=datetime.date(2020, 1, 1))
    assert err.value.code == "deadline_past"
    complaint = file(lawyer, contract, about_employee=staff["sales"])
    with pytest.raises(DomainError) as err:
        complaint_close(actor=head, complaint=complaint, resolution="Разобрались во всём подробно.")
    assert err.value.code == "not_assigned"
    with pytest.raises(DomainError) as err:
        complaint_assign(actor=head, complaint=complaint, responsible=staff["sales"])
    assert err.value.code == "responsible_is_subject"
    outsider = make_staff("lawyer", offices=[other_office])
    with pytest.raises(DomainError) as err:
        complaint_assign(actor=head, complaint=complaint, responsible=outsider)
    assert err.value.code == "responsible_no_access"
    complaint_assign(actor=head, complaint=complaint, responsible=lawyer)
    with pytest.raises(DomainError) as err:
        complaint_close(actor=lawyer, complaint=complaint, resolution="   ")
    assert err.value.code == "resolution_required"
    assert Complaint.objects.get().status == "in_work"


def test_permissions_per_role(staff, contract, make_staff, other_office):
    head, lawyer, sales, finance = staff["office_head"], staff["lawyer"], staff["sales"], staff["finance"]
    with pytest.raises(DomainError) as err:
        file(finance, contract)
    assert err.value.code == "access_denied"
    stranger = make_staff("sales", offices=[other_office])
    with pytest.raises(DomainError) as err:
        file(stranger, contract)
    assert err.value.code == "access_denied"
    complaint = file(lawyer, contract)
    with pytest.raises(DomainError) as err:
        complaint_assign(actor=lawyer, complaint=complaint, responsible=sales)
    assert err.value.code == "access_denied"
    complaint_assign(actor=head, complaint=complaint, responsible=sales)
    with pytest.raises(DomainError) as err:
        complaint_close(actor=lawyer, complaint=complaint, resolution="Решение принято без ответственного.")
    assert err.value.code == "access_denied"
    complaint_close(actor=head, complaint=complaint, resolution="Руководитель решил вопрос сам.")
    assert list(selectors.complaint_list_visible_to(lawyer)) == [complaint]
    assert list(selectors.complaint_list_visible_to(stranger)) == []
    assert list(selectors.complaint_list_visible_to(finance)) == []


def test_desk_pages(client, staff, contract):
    head, sales = staff["office_head"], staff["sales"]
    contract.sales_manager = sales  # sales name only the contracts they sold (issue 10, item 15)
    contract.save(update_fields=["sales_manager"])
    client.force_login(sales)
    url = reverse("admin:quality_complaint_file")
    assert contract.number in client.get(url + f"?contract={contract.pk}").content.decode()
    short = client.post(url, {"contract_number": contract.number, "source": "office", "text": "плохо"})
    assert "символов" in short.content.decode()
    response = client.post(url, {"contract_number": contract.number, "source": "office",
                                 "about_employee": staff["lawyer"].pk,
                                 "text": "Юрист опоздал на заседание, клиент недоволен."})
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert client.get(reverse("admin:quality_complaint_assign", args=[complaint.pk])).status_code == 403
    client.force_login(head)
    assert client.get(reverse("admin:quality_complaint_changelist") + "?status__exact=new").status_code == 200
    response = client.post(reverse("admin:quality_complaint_assign", args=[complaint.pk]), {"responsible": sales.pk})
    assert response.status_code == 302
    client.force_login(sales)
    response = client.post(reverse("admin:quality_complaint_close", args=[complaint.pk]),
                           {"resolution": "Заменили юриста, клиент согласен."})
    assert response.status_code == 302
    page = client.get(reverse("admin:quality_complaint_change", args=[complaint.pk])).content.decode()
    assert "закрыл(а) с решением" in page
    assert Complaint.objects.get().status == "closed"


def test_home_block(rf, staff, contract):
    from legal_crm.quality.home import complaints_block

    head, sales, lawyer = staff["office_head"], staff["sales"], staff["lawyer"]
    complaint = file(lawyer, contract)
    request = rf.get("/")
    request.user = head
    block = complaints_block(request)
    assert len(block["rows"]) == 1 and "нужен ответственный" in block["rows"][0]["note"]
    request.user = sales
    assert complaints_block(request) is None
    complaint_assign(actor=head, complaint=complaint, responsible=sales)
    block = complaints_block(request)
    assert block["rows"][0]["url"].endswith(f"/{complaint.pk}/change/")
    request.user = staff["finance"]
    assert complaints_block(request) is None


def test_only_people_who_work_complaints_can_be_made_responsible(staff, contract, make_staff, office):
    from django.contrib.auth.models import Permission

    from legal_crm.core.models import PermissionOverride
    from legal_crm.quality.forms import ComplaintAssignForm

    head, lawyer, sales, finance = staff["office_head"], staff["lawyer"], staff["sales"], staff["finance"]
    operator = make_staff("operator", offices=[office])
    complaint = file(sales, contract, about_employee=lawyer)
    choices = set(ComplaintAssignForm(office_id=office.pk).fields["responsible"].queryset)
    assert {head, sales} <= choices
    assert operator not in choices and finance not in choices
    view = Permission.objects.get(content_type__app_label="quality", codename="view_complaint")
    PermissionOverride.objects.create(user=sales, permission=view, granted=False)  # revoked personally
    PermissionOverride.objects.create(user=finance, permission=view, granted=True)  # granted personally
    choices = set(ComplaintAssignForm(office_id=office.pk).fields["responsible"].queryset)
    assert sales not in choices and finance in choices
    with pytest.raises(DomainError) as err:
        complaint_assign(actor=head, complaint=complaint, responsible=operator)
    assert err.value.code == "responsible_cannot_work"
    assert Complaint.objects.get(pk=complaint.pk).responsible is None


def test_the_work_log_names_the_responsible(client, staff, contract, admin_user):
    head, lawyer, sales = staff["office_head"], staff["lawyer"], staff["sales"]
    complaint = file(sales, contract, about_employee=lawyer)
    complaint_assign(actor=head, complaint=complaint, responsible=sales)
    client.force_login(admin_user)
    html = client.get(reverse("admin:quality_complaint_change", args=[complaint.pk])).content.decode()
    assert f"ответственный: — → {sales}" in html.replace("&#x27;", "'")
    assert "В работе" in html


def test_a_complaint_names_an_employee_of_the_actors_offices_or_of_the_contract(staff, contract, make_staff,
                                                                                other_office, client):
    """The form listed every employee of the company and the service took any: sales of one office filed a
    complaint about another office's employee."""
    stranger = make_staff("lawyer", offices=[other_office])
    with pytest.raises(DomainError) as err:
        file(staff["sales"], contract, about_employee=stranger)
    assert err.value.code == "employee_out_of_scope" and "about_employee" in err.value.fields
    contract.lawyers.add(stranger)  # working on this contract from another office: may be named
    assert file(staff["sales"], contract, about_employee=stranger).about_employee == stranger
    client.force_login(staff["sales"])
    html = client.get(reverse("admin:quality_complaint_file")).content.decode()
    assert str(staff["lawyer"].pk) in html and f'value="{stranger.pk}"' not in html
