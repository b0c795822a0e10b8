import pytest

from legal_crm.core.errors import DomainError
from legal_crm.directory.models import Counterparty
from legal_crm.leads import services
from legal_crm.leads.models import ClientMerge
from legal_crm.leads.tests.factories import LeadFactory, status

INN = "500100732259"


@pytest.mark.django_db
def test_convert_creates_client_once_by_phone(make_staff, office):
    op = make_staff("operator")
    lead = LeadFactory(office=office, phone="+79161230001", name="Петров Пётр", status=status("meeting"))
    lead, client, created = services.lead_convert_to_client(actor=op, lead=lead)
    assert created and client.phone == "+79161230001" and client.name == "Петров Пётр"
    assert lead.client == client and lead.status.code == "meeting"  # «Клиент» comes with the signed contract
    again = LeadFactory(office=office, phone="+79161230001", status=status("in_work"))
    _l, client2, created2 = services.lead_convert_to_client(actor=op, lead=again)
    assert client2 == client and not created2
    assert Counterparty.objects.count() == 1


@pytest.mark.django_db
def test_mark_converted_sets_the_client_status_once(make_staff, office, django_capture_on_commit_callbacks):
    from legal_crm.leads.models import LeadStatusLog

    sales = make_staff("sales")
    lead = LeadFactory(office=office, phone="+79161230009", status=status("refusal_expensive"), is_spam=False)
    lead, client, _created = services.lead_convert_to_client(actor=sales, lead=lead)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.lead_mark_converted(lead_id=lead.pk, actor=sales)
    assert callbacks  # the status events (leads.lead_converted finishes the script cards) were queued
    lead.refresh_from_db()
    assert lead.status.code == "converted" and lead.client == client and lead.refusal_reason is None
    services.lead_mark_converted(lead_id=lead.pk, actor=sales)  # the hook ran twice: nothing more happens
    log = LeadStatusLog.objects.get(lead=lead, to_status__code="converted")
    assert log.from_status.code == "refusal_expensive" and log.actor == sales


@pytest.mark.django_db
def test_convert_finds_client_by_inn(make_staff, office):
    op = make_staff("operator")
    existing = Counterparty.objects.create(name="Сидоров", inn=INN, phone="+79990000000")
    lead = LeadFactory(office=office, phone="+79161230002")
    _l, client, created = services.lead_convert_to_client(actor=op, lead=lead, inn=INN)
    assert client == existing and not created
    with pytest.raises(DomainError) as err:
        services.lead_convert_to_client(actor=op, lead=LeadFactory(office=office), inn="500111732259")
    assert err.value.code == "invalid_inn"


@pytest.mark.django_db
def test_merge_moves_leads_and_keeps_history(make_staff, office):
    head = make_staff("admin")  # merging client cards needs every office: a client is shared by all of them
    survivor = Counterparty.objects.create(name="Иванов Иван", phone="+79161230003")
    duplicate = Counterparty.objects.create(name="Иванов И.", inn=INN, email="i@example.ru")
    leads = [LeadFactory(office=office, client=duplicate) for _ in range(2)]
    with pytest.raises(DomainError):
        services.clients_merge(actor=make_staff("operator"), survivor=survivor, duplicate=duplicate)
    merge = services.clients_merge(actor=head, survivor=survivor, duplicate=duplicate)
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert {lead.pk for lead in survivor.leads.all()} == {lead.pk for lead in leads}
    assert survivor.inn == INN and survivor.email == "i@example.ru"
    assert duplicate.inn == "" and "Объединён" in duplicate.note
    assert merge.merged_snapshot["inn"] == INN and sorted(merge.moved_lead_ids) == sorted(lead.pk for lead in leads)
    assert ClientMerge.objects.count() == 1
    assert services.find_client(inn=INN) == survivor


@pytest.mark.django_db
def test_merge_refuses_different_inn(make_staff):
    head = make_staff("admin")
    a = Counterparty.objects.create(name="А", inn=INN)
    b = Counterparty.objects.create(name="Б", inn="7830002293")
    with pytest.raises(DomainError) as err:
        services.clients_merge(actor=head, survivor=a, duplicate=b)
    assert err.value.code == "inn_conflict"


@pytest.mark.django_db
def test_merge_from_the_counterparty_list(client, make_staff, office):
    survivor = Counterparty.objects.create(name="Иванов Иван", phone="+79161230009")
    duplicate = Counterparty.objects.create(name="Иванов И.", inn=INN)
    lead = LeadFactory(office=office, client=duplicate)
    url = "/admin/directory/counterparty/"
    selected = {"action": "merge_duplicates", "_selected_action": [survivor.pk, duplicate.pk]}
    client.force_login(make_staff("operator"))  # may not merge: the action is not offered
    assert "merge_duplicates" not in client.get(url).content.decode()
    client.force_login(make_staff("admin"))
    page = client.post(url, selected)
    assert page.status_code == 200 and "Объединение дублей" in page.content.decode()
    assert "Иванов И." in page.content.decode() and Counterparty.objects.get(pk=duplicate.pk).inn == INN
    r = client.post(url, {**selected, "confirm": "1", "survivor": survivor.pk})
    assert r.status_code == 302
    lead.refresh_from_db()
    survivor.refresh_from_db()
    assert lead.client == survivor and survivor.inn == INN
    assert ClientMerge.objects.get().merged_id == duplicate.pk
    assert client.get("/admin/leads/clientmerge/").status_code == 200


@pytest.mark.django_db
def test_the_merge_confirmation_refuses_a_survivor_that_is_not_one_of_the_two(client, make_staff):
    a = Counterparty.objects.create(name="Иванов Иван", phone="+79161230012")
    b = Counterparty.objects.create(name="Иванов И.", phone="+79161230013")
    other = Counterparty.objects.create(name="Сидоров", phone="+79161230014")
    client.force_login(make_staff("admin"))
    selected = {"action": "merge_duplicates", "_selected_action": [a.pk, b.pk], "confirm": "1"}
    for survivor in ("", "x", other.pk):
        page = client.post("/admin/directory/counterparty/", {**selected, "survivor": survivor}, follow=True)
        assert page.status_code == 200 and "Выберите запись, которая останется." in page.content.decode()
    assert not ClientMerge.objects.exists() and Counterparty.objects.count() == 3


@pytest.mark.django_db
def test_merge_needs_access_to_every_office(make_staff, office):
    from django.contrib.auth.models import Permission

    a = Counterparty.objects.create(name="А", phone="+79161230010")
    b = Counterparty.objects.create(name="Б", phone="+79161230011")
    head = make_staff("office_head")
    assert not head.has_perm("leads.merge_clients")
    head.user_permissions.add(Permission.objects.get(codename="merge_clients"))  # one office is not enough
    head = type(head).objects.get(pk=head.pk)  # a fresh user: permissions are cached on the instance
    assert head.has_perm("leads.merge_clients")
    with pytest.raises(DomainError) as err:
        services.clients_merge(actor=head, survivor=a, duplicate=b)
    assert err.value.code == "access_denied" and not ClientMerge.objects.exists()
