import datetime

import pytest
from django.utils import timezone

from legal_crm.core.errors import DomainError
from legal_crm.leads import services
from legal_crm.leads.models import Lead, LeadStatusLog, SpamRule
from legal_crm.leads.tests.factories import AdSourceFactory, PartnerFactory, SpamRuleFactory, status


def intake(phone, **kw):
    partner = kw.pop("partner", None)
    now = kw.pop("now", None)
    return services.lead_intake(actor=None, data=services.IntakeData(phone=phone, **kw), partner=partner, now=now)


@pytest.mark.django_db
@pytest.mark.parametrize("kind,value,payload", [
    ("phone_blacklist", "8 (916) 000-11-22", {"phone": "+79160001122"}),
    ("name_blacklist", "Тест", {"phone": "+79160001123", "name": "тест"}),
    ("stop_word", "реклама", {"phone": "+79160001124", "comment": "Это РЕКЛАМА ваших услуг"}),
    ("not_mobile", "", {"phone": "+74951234567"}),
    ("invalid_number", "", {"phone": "+79111111111"}),
])
def test_rule_marks_lead_as_spam_and_keeps_it(office, kind, value, payload):
    rule = SpamRuleFactory(kind=kind, value=value)
    lead, created = intake(**payload)
    assert created
    lead.refresh_from_db()
    assert lead.is_spam and lead.spam_rule == rule and lead.status.code == "spam"
    assert lead.assigned_to is None
    assert Lead.objects.filter(pk=lead.pk).exists()


@pytest.mark.django_db
def test_clean_lead_is_not_spam(office):
    SpamRuleFactory(kind="stop_word", value="реклама")
    SpamRuleFactory(kind="not_mobile")
    SpamRuleFactory(kind="invalid_number")
    lead, _c = intake("+79161234560", name="Анна", comment="Нужна консультация")
    assert not lead.is_spam and lead.status.code == "new"


@pytest.mark.django_db
def test_not_mobile_ignored_when_source_expects_landlines(office):
    SpamRuleFactory(kind="not_mobile")
    AdSourceFactory(code="call", channel="phone", expects_mobile=False)
    lead, _c = intake("+74951234567", source="call")
    assert not lead.is_spam


@pytest.mark.django_db
def test_phone_flood(office):
    from legal_crm.leads.models import LeadSettings

    s = LeadSettings.load()
    s.dedup_window_hours = 0  # every post is a new lead, so the flood rule decides
    s.save()
    rule = SpamRuleFactory(kind="phone_flood", threshold=3, window_minutes=60)
    results = [intake("+79167770011")[0] for _ in range(4)]
    assert [r.is_spam for r in results] == [False, False, False, True]
    assert results[-1].spam_rule == rule
    # Posts older than the window do not count.
    assert not intake("+79167770011", now=timezone.now() + datetime.timedelta(hours=2))[0].is_spam


@pytest.mark.django_db
def test_phone_flood_of_repeats_puts_an_untouched_lead_to_spam(office, make_staff):
    """Within the dedup window the repeats join one lead; a flood of them sends it to spam — unless somebody
    is already working on it."""
    rule = SpamRuleFactory(kind="phone_flood", threshold=3, window_minutes=60)
    results = [intake("+79167770022") for _ in range(4)]
    assert [created for _lead, created in results] == [True, False, False, False]
    lead = Lead.objects.get(phone="+79167770022")
    assert lead.is_spam and lead.status.code == "spam" and lead.spam_rule == rule
    assert lead.contacts_count == 4
    log = LeadStatusLog.objects.filter(lead=lead).order_by("pk").last()
    assert (log.from_status.code, log.to_status.code, log.comment, log.actor) == ("new", "spam", rule.name, None)

    worked, _c = intake("+79167770033")
    services.lead_set_status(actor=make_staff("operator"), lead=worked, status=status("in_work"))
    for _ in range(4):
        intake("+79167770033")
    worked.refresh_from_db()
    assert not worked.is_spam and worked.status.code == "in_work"


@pytest.mark.django_db
def test_partner_flood_only_for_that_partner(office):
    p1, p2 = PartnerFactory(), PartnerFactory()
    SpamRuleFactory(kind="partner_flood", threshold=2, window_minutes=10, partner=p1)
    flags = [intake(f"+7916888000{i}", partner=p1)[0].is_spam for i in range(3)]
    assert flags == [False, False, True]
    assert not intake("+79168880009", partner=p2)[0].is_spam


@pytest.mark.django_db
def test_inactive_rule_does_nothing(office):
    SpamRuleFactory(kind="phone_blacklist", value="+79160001122", is_active=False)
    assert not intake("+79160001122")[0].is_spam


@pytest.mark.django_db
def test_restore_from_spam_by_hand(make_staff, office):
    SpamRuleFactory(kind="stop_word", value="казино")
    operator = make_staff("operator")
    head = make_staff("office_head")
    lead, _c = intake("+79161112200", comment="казино")
    assert lead.is_spam and lead.office == office
    with pytest.raises(DomainError) as err:
        services.lead_restore_from_spam(actor=operator, lead=lead)
    assert err.value.code == "access_denied"
    lead = services.lead_restore_from_spam(actor=head, lead=lead)
    lead.refresh_from_db()
    assert not lead.is_spam and lead.status.code == "new"
    assert lead.spam_rule is not None  # the rule that fired stays on record
    assert lead.assigned_to == operator  # distributed like a new lead
    assert lead.status_log.filter(from_status__code="spam", to_status__code="new").exists()
    with pytest.raises(DomainError) as err:
        services.lead_restore_from_spam(actor=head, lead=lead)
    assert err.value.code == "not_spam"


@pytest.mark.django_db
def test_rule_kinds_cover_spec():
    assert set(SpamRule.Kind.values) == {"phone_blacklist", "name_blacklist", "stop_word", "not_mobile",
                                         "invalid_number", "phone_flood", "partner_flood"}


@pytest.mark.parametrize("phone,invalid", [
    # Real numbers, counting sequences included (+7 901 234-56-78 was marked spam for its digits).
    ("+79161234567", False), ("+79169876543", False), ("+79031112233", False),
    ("+79012345678", False), ("+79998765432", False), ("+74951234567", False), ("+78001234567", False),
    ("+4930123456", False),
    # One digit repeated, no such range, wrong length.
    ("+79160000000", True), ("+79111111111", True), ("+79000000000", True), ("+79999999999", True),
    ("+76001234567", True), ("+71234567890", True), ("+7916123456", True), ("+791612345678", True),
    ("+3", True), ("", True),
])
def test_invalid_number_heuristic_spares_real_numbers(phone, invalid):
    from legal_crm.leads.services.spam import looks_invalid

    assert looks_invalid(phone) is invalid


@pytest.mark.django_db
def test_invalid_number_rule_lets_a_real_ascending_number_through(office):
    rule = SpamRule.objects.get(kind="invalid_number", name="Несуществующий номер")  # shipped by default
    lead, created = intake("+7 901 234-56-78")
    assert created and not lead.is_spam and lead.status.code == "new"
    lead, created = intake("+7 916 000-00-00")
    assert created and lead.is_spam and lead.spam_rule == rule


@pytest.mark.django_db
def test_a_lead_sent_to_spam_by_a_flood_of_repeats_has_nobody_to_call_it(office, make_staff):
    operator = make_staff("operator")
    SpamRuleFactory(kind="phone_flood", threshold=2, window_minutes=60)
    first, _c = intake("+79167770044")
    assert first.assigned_to == operator
    for _ in range(3):
        intake("+79167770044")
    first.refresh_from_db()
    assert first.is_spam and first.assigned_to is None and first.office == office

# --- configuration of the rules -------------------------------------------------------------------------

def _clean_errors(rule) -> dict:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        rule.full_clean()
    return err.value.message_dict


@pytest.mark.django_db
def test_a_blacklisted_phone_must_be_a_phone_and_is_stored_in_e164():
    rule = SpamRule(name="Чёрный список", kind=SpamRule.Kind.PHONE_BLACKLIST, value="8 916 abc")
    assert "«8 916 abc» — не номер телефона" in _clean_errors(rule)["value"][0]
    rule.value = "8 (916) 000-11-22"
    rule.full_clean()
    assert rule.value == "+79160001122"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["phone_blacklist", "name_blacklist", "stop_word"])
def test_lists_and_stop_words_need_a_value(kind):
    rule = SpamRule(name="Пустое", kind=kind, value="   ")
    assert "укажите значение" in _clean_errors(rule)["value"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["phone_flood", "partner_flood"])
def test_flood_rules_need_a_threshold_and_a_window_of_at_least_one(kind):
    rule = SpamRule(name="Флуд", kind=kind, threshold=0, window_minutes=0)
    errors = _clean_errors(rule)
    assert "Порог — не меньше 1" in errors["threshold"][0] and "Окно — не меньше 1" in errors["window_minutes"][0]
    rule.threshold, rule.window_minutes = 3, 15
    rule.full_clean()
    rule.threshold = rule.window_minutes = None  # empty keeps the default of services/spam.py
    rule.full_clean()


@pytest.mark.django_db
def test_threshold_window_and_partner_only_on_the_kinds_that_use_them():
    rule = SpamRule(name="Стоп", kind=SpamRule.Kind.STOP_WORD, value="реклама", threshold=5, window_minutes=60,
                    partner=PartnerFactory())
    errors = _clean_errors(rule)
    assert errors["threshold"] == ["Порог задаётся только правилам флуда."]
    assert errors["window_minutes"] == ["Окно задаётся только правилам флуда."]
    assert "Партнёр задаётся только правилу" in errors["partner"][0]


@pytest.mark.django_db
def test_the_desk_shows_rule_errors_instead_of_saving(make_staff):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(make_staff("admin"))
    shipped = SpamRule.objects.count()  # the default rules a fresh install has
    data = {"name": "Флуд с номера", "kind": "phone_flood", "value": "", "threshold": "0", "window_minutes": "60",
            "partner": "", "order": "0", "is_active": "on"}
    response = client.post(reverse("admin:leads_spamrule_add"), data=data)
    assert response.status_code == 200 and "Порог — не меньше 1 заявки" in response.content.decode()
    response = client.post(reverse("admin:leads_spamrule_add"), data={
        **data, "kind": "phone_blacklist", "value": "не номер", "threshold": "", "window_minutes": ""})
    assert response.status_code == 200 and "«не номер» — не номер телефона" in response.content.decode()
    assert SpamRule.objects.count() == shipped
    response = client.post(reverse("admin:leads_spamrule_add"), data={
        **data, "kind": "phone_blacklist", "value": "8 916 000-11-22", "threshold": "", "window_minutes": ""})
    assert response.status_code == 302 and SpamRule.objects.get(kind="phone_blacklist").value == "+79160001122"


@pytest.mark.django_db
def test_a_partners_retries_of_one_lead_never_make_it_spam(office):
    """A partner re-sending its lead's external id (a lost answer, a replayed queue) retries one request: the
    phone flood rule counted each retry as another post and turned the partner's own lead to spam on the sixth."""
    SpamRuleFactory(kind="phone_flood", threshold=3, window_minutes=60)
    partner = PartnerFactory()
    results = [intake("+79167770044", partner=partner, external_id="RETRY-1") for _ in range(7)]
    assert [created for _lead, created in results] == [True] + [False] * 6
    lead = Lead.objects.get(phone="+79167770044")
    assert not lead.is_spam and lead.status.code == "new"
    # The same phone posted by the partner as other leads of theirs is a flood again.
    for i in range(4):
        intake("+79167770044", partner=partner, external_id=f"OTHER-{i}")
    lead.refresh_from_db()
    assert lead.is_spam
