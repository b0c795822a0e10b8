import datetime
import zoneinfo

import pytest
from django.core.cache import cache

from legal_crm.core.errors import DomainError
from legal_crm.leads import services
from legal_crm.leads.models import AssignmentLog, Lead, LeadSettings
from legal_crm.leads.services.distribution import choose_office, office_is_open, phone_info
from legal_crm.leads.tests.factories import DistributionRuleFactory, LeadFactory, status
from legal_crm.org.models import Employee, OfficeHours
from legal_crm.org.tests.factories import OfficeFactory


def at(tz, *args):
    return datetime.datetime(*args, tzinfo=zoneinfo.ZoneInfo(tz))


def weekday_hours(office, opens=datetime.time(9), closes=datetime.time(18)):
    for day in range(5):
        OfficeHours.objects.create(office=office, weekday=day, opens=opens, closes=closes)


@pytest.mark.django_db
def test_working_hours_follow_office_local_time(office, other_office):
    weekday_hours(office)
    weekday_hours(other_office)
    # Monday 30.11.2026 07:00 UTC = 10:00 Moscow (open), 14:00 Novosibirsk (open)
    assert office_is_open(office.pk, at("UTC", 2026, 11, 30, 7))
    # 13:00 UTC = 16:00 Moscow (open), 20:00 Novosibirsk (closed)
    now = at("UTC", 2026, 11, 30, 13)
    assert office_is_open(office.pk, now) and not office_is_open(other_office.pk, now)
    # 03:00 UTC = 06:00 Moscow (closed), 10:00 Novosibirsk (open)
    now = at("UTC", 2026, 11, 30, 3)
    assert not office_is_open(office.pk, now) and office_is_open(other_office.pk, now)
    # Saturday: no hours row → closed
    assert not office_is_open(office.pk, at("Europe/Moscow", 2026, 12, 5, 12))


@pytest.mark.django_db
def test_rule_by_prefix_skipped_when_office_closed(office, other_office):
    weekday_hours(other_office)
    rule = DistributionRuleFactory(phone_prefix="+7913", office=other_office, priority=1)
    LeadSettings.objects.filter(pk=1).update(default_office=office)
    open_time = at("Asia/Novosibirsk", 2026, 11, 30, 10)
    assert choose_office(phone="+79131234567", now=open_time) == (other_office, rule)
    closed_time = at("Asia/Novosibirsk", 2026, 11, 30, 22)
    assert choose_office(phone="+79131234567", now=closed_time) == (office, None)


@pytest.mark.django_db
def test_landline_time_zone_picks_office_in_that_zone(office):
    ekb = OfficeFactory(code="ekb", name="Екатеринбург", time_zone="Asia/Yekaterinburg")
    assert phone_info("+73432123456").time_zone == "Asia/Yekaterinburg"
    assert phone_info("+79161234567").time_zone == ""  # mobiles: no region in the numbering plan
    office_found, rule = choose_office(phone="+73432123456")
    assert office_found == ekb and rule is None


@pytest.mark.django_db
def test_rule_by_lead_type_and_region(office, other_office):
    from legal_crm.leads.tests.factories import lead_type

    rule = DistributionRuleFactory(lead_type=lead_type("partners"), office=other_office)
    assert choose_office(phone="+79161234567", lead_type_id=lead_type("partners").pk)[0] == other_office
    assert choose_office(phone="+79161234567", lead_type_id=lead_type("online").pk)[0] != other_office or \
        rule is None
    region_rule = DistributionRuleFactory(region="Свердловская обл", office=other_office, priority=1)
    assert choose_office(phone="+73432000000") == (other_office, region_rule)


@pytest.mark.django_db
def test_operator_by_load_and_absence(make_staff, office):
    busy = make_staff("operator")
    free = make_staff("operator")
    make_staff("office_head")  # heads do not take leads
    for _ in range(3):
        LeadFactory(office=office, assigned_to=busy)
    lead, _c = services.lead_intake(actor=None, data=services.IntakeData(phone="+79260000001"))
    assert lead.assigned_to == free
    # Closed leads are not load.
    Lead.objects.filter(assigned_to=busy).update(status=status("converted"))
    LeadFactory(office=office, assigned_to=free)
    cache.clear()  # the load is cached for LOAD_TTL seconds
    lead2, _c = services.lead_intake(actor=None, data=services.IntakeData(phone="+79260000002"))
    assert lead2.assigned_to == busy
    # Absent operators get nothing.
    Employee.objects.filter(user=busy).update(status=Employee.Status.ON_LEAVE)
    cache.clear()
    lead3, _c = services.lead_intake(actor=None, data=services.IntakeData(phone="+79260000003"))
    assert lead3.assigned_to == free
    Employee.objects.filter(user=free).update(status=Employee.Status.BLOCKED)
    cache.clear()
    lead4, _c = services.lead_intake(actor=None, data=services.IntakeData(phone="+79260000004"))
    assert lead4.assigned_to is None and lead4.office == office
    log = AssignmentLog.objects.filter(lead=lead).get()
    assert log.reason == "auto" and log.office == office and log.assigned_to == free


@pytest.mark.django_db
def test_cached_load_counts_leads_handed_out(make_staff, office):
    a = make_staff("operator")
    b = make_staff("operator")
    got = [services.lead_intake(actor=None, data=services.IntakeData(phone=f"+7926111000{i}"))[0].assigned_to
           for i in range(4)]
    assert got == [a, b, a, b]  # balanced without recounting


@pytest.mark.django_db
def test_manual_reassignment_logged_and_checked(make_staff, office, other_office):
    op1 = make_staff("operator")
    op2 = make_staff("operator")
    stranger = make_staff("operator", offices=[other_office])
    head = make_staff("office_head")
    lead = LeadFactory(office=office, assigned_to=op1)
    with pytest.raises(DomainError) as err:
        services.lead_reassign(actor=op1, lead=lead, assigned_to=op2)
    assert err.value.code == "access_denied"
    services.lead_reassign(actor=head, lead=lead, assigned_to=op2, comment="отпуск")
    lead.refresh_from_db()
    assert lead.assigned_to == op2
    log = AssignmentLog.objects.get(lead=lead)
    assert (log.reason, log.previous_assigned_to, log.actor, log.comment) == ("manual", op1, head, "отпуск")
    with pytest.raises(DomainError) as err:
        services.lead_reassign(actor=head, lead=lead, assigned_to=stranger)
    assert err.value.code == "operator_not_in_office"
    lawyer = make_staff("lawyer")  # same office, but does not work leads
    with pytest.raises(DomainError) as err:
        services.lead_reassign(actor=head, lead=lead, assigned_to=lawyer)
    assert err.value.code == "operator_cannot_take_leads"
    with pytest.raises(DomainError) as err:
        services.lead_reassign(actor=head, lead=lead, office=other_office)
    assert err.value.code == "access_denied"  # the head has no access to the other office


@pytest.mark.django_db
def test_parallel_hand_outs_are_all_counted(office):
    """Many workers choosing at once: every lead handed out is counted (Redis: one script call; locally: a lock),
    so the operators end up with equal shares."""
    from legal_crm.core.tests.parallel import at_once
    from legal_crm.leads.services.operator_load import forget_load, take_least_loaded

    now = datetime.datetime.now(datetime.UTC)
    operators = [101, 102, 103, 104]
    forget_load(office.pk)
    got = [take_least_loaded(office.pk, operators=lambda: operators, now=now, limit=0, exclude=set())]

    def worker(_i):
        return [take_least_loaded(office.pk, operators=lambda: operators, now=now, limit=0, exclude=set())
                for _ in range(5)]

    handed_out, errors = at_once(worker, 8)
    assert errors == []
    got += [pk for batch in handed_out for pk in batch]
    assert sorted(got.count(pk) for pk in operators) == [10, 10, 10, 11]
    # The limit and the exclusions are respected; nobody left → None.
    assert got.count(101) == 11  # ties go to the lowest id
    assert take_least_loaded(office.pk, operators=lambda: operators, now=now, limit=11, exclude={101, 102, 103}) == 104
    assert take_least_loaded(office.pk, operators=lambda: operators, now=now, limit=1, exclude=set()) is None
    # Forgetting the load recounts it from the leads (there are none here): shares start again from zero.
    forget_load(office.pk)
    assert take_least_loaded(office.pk, operators=lambda: operators, now=now, limit=1, exclude={101}) == 102


@pytest.mark.django_db
def test_office_without_operators_is_counted_once(office):
    from legal_crm.leads.services.operator_load import forget_load, take_least_loaded

    now = datetime.datetime.now(datetime.UTC)
    forget_load(office.pk)
    calls = []

    def operators():
        calls.append(1)
        return []

    assert take_least_loaded(office.pk, operators=operators, now=now, limit=0, exclude=set()) is None
    assert take_least_loaded(office.pk, operators=operators, now=now, limit=0, exclude=set()) is None
    assert calls == [1]


@pytest.mark.django_db
def test_distributing_again_by_hand_stays_in_the_actors_offices(make_staff, office, other_office):
    DistributionRuleFactory(phone_prefix="+7913", office=other_office, priority=1)  # the rules say: other office
    operator = make_staff("operator")
    head = make_staff("office_head")  # sees `office` only
    lead = LeadFactory(office=office, phone="+79135550001", assigned_to=None)
    services.lead_redistribute(actor=head, lead=lead)
    lead.refresh_from_db()
    assert lead.office == office and lead.assigned_to == operator
    log = AssignmentLog.objects.get(lead=lead)
    assert (log.reason, log.actor, log.office) == ("manual", head, office)
    closed = LeadFactory(office=office, status=status("converted"))
    with pytest.raises(DomainError) as err:
        services.lead_redistribute(actor=head, lead=closed)
    assert err.value.code == "lead_closed"
    with pytest.raises(DomainError) as err:
        services.lead_redistribute(actor=operator, lead=lead)
    assert err.value.code == "access_denied"


@pytest.mark.django_db
def test_an_operator_sent_on_leave_gets_no_more_leads_at_once(make_staff, office, django_capture_on_commit_callbacks):
    """The counted load lists the operators; sending one on leave drops it (no wait for LOAD_TTL)."""
    from legal_crm.org.services import employee_set_status

    admin = make_staff("admin", superuser=True)  # superusers are not handed leads
    first, second = make_staff("operator"), make_staff("operator")
    got = {services.lead_intake(actor=None, data=services.IntakeData(phone=f"+7926333000{i}"))[0].assigned_to
           for i in range(2)}
    assert got == {first, second}  # the load of the office is counted and cached now
    with django_capture_on_commit_callbacks(execute=True):
        employee_set_status(actor=admin, employee=Employee.objects.get(user=first), status=Employee.Status.ON_LEAVE)
    later = [services.lead_intake(actor=None, data=services.IntakeData(phone=f"+7926333001{i}"))[0].assigned_to
             for i in range(3)]
    assert later == [second, second, second]

# --- how staff type prefixes and regions -----------------------------------------------------------------

@pytest.mark.parametrize("typed, stored", [
    ("8 (351)", "+7351"), ("+7 351", "+7351"), ("7351", "+7351"), ("351", "+7351"), ("+7913", "+7913"),
    ("8-912", "+7912"), ("", ""),
])
def test_a_prefix_is_normalised_to_the_e164_form(typed, stored):
    from legal_crm.leads.models.distribution import normalize_prefix

    assert normalize_prefix(typed) == stored


@pytest.mark.django_db
def test_a_prefix_typed_the_russian_way_matches_and_is_stored_normalised(office):
    from django.core.exceptions import ValidationError

    from legal_crm.leads.models import DistributionRule

    rule = DistributionRule(name="Челябинск", phone_prefix="8 (351)", office=office)
    rule.full_clean()
    assert rule.phone_prefix == "+7351"
    rule.save()
    assert choose_office(phone="+73512223344") == (office, rule)
    rule.phone_prefix = "Челябинск"
    with pytest.raises(ValidationError) as err:
        rule.full_clean()
    assert "Префикс — начало номера цифрами" in err.value.message_dict["phone_prefix"][0]


@pytest.mark.django_db
def test_a_prefix_saved_before_normalisation_still_matches(office):
    from legal_crm.leads.models import DistributionRule

    rule = DistributionRuleFactory(office=office)
    DistributionRule.objects.filter(pk=rule.pk).update(phone_prefix="+7 351")  # a row from before, not cleaned
    assert choose_office(phone="+73512223344") == (office, DistributionRule.objects.get(pk=rule.pk))
    assert choose_office(phone="+73432223344")[1] is None


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["Челябинская область", "челябинская обл.", "Челябинская обл", "Челябинская"])
def test_a_region_matches_the_number_directory_however_it_is_typed(office, typed):
    assert phone_info("+73512223344").region == "Челябинская обл."
    rule = DistributionRuleFactory(region=typed, office=office)
    assert choose_office(phone="+73512223344") == (office, rule)
    assert choose_office(phone="+73432223344")[1] is None  # «Свердловская обл»


@pytest.mark.django_db
def test_the_desk_refuses_a_prefix_that_is_not_one(make_staff, office):
    from django.test import Client
    from django.urls import reverse

    from legal_crm.leads.models import DistributionRule

    client = Client()
    client.force_login(make_staff("admin"))
    data = {"name": "Челябинск", "priority": "100", "phone_prefix": "код 351", "time_zone": "", "region": "",
            "lead_type": "", "source": "", "office": str(office.pk), "only_working_hours": "on", "is_active": "on"}
    response = client.post(reverse("admin:leads_distributionrule_add"), data=data)
    assert response.status_code == 200 and "Префикс — начало номера цифрами" in response.content.decode()
    response = client.post(reverse("admin:leads_distributionrule_add"), data={**data, "phone_prefix": "8 (351)"})
    assert response.status_code == 302 and DistributionRule.objects.get().phone_prefix == "+7351"
