"""Demo leads: reference data, spam and distribution rules, ~200 leads in every status across the demo
offices, planned calls (some overdue). Idempotent: a second run adds nothing."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from legal_crm.core.models import User
from legal_crm.core.phone_parts import sync_parts
from legal_crm.core.seeding import find_or_create
from legal_crm.marketing.models import AdSource, Partner
from legal_crm.org.models import Office

from .models import (
    AssignmentLog,
    DistributionRule,
    Lead,
    LeadContact,
    LeadPhonePart,
    LeadSettings,
    LeadStatus,
    LeadStatusLog,
    LeadType,
    PlannedCall,
    RefusalReason,
    SourceLeadType,
    SpamRule,
)
from .reference import load_reference_data

DEMO_CAMPAIGN = "demo-seed"
TOTAL = 200
FIRST = ["Иван", "Мария", "Сергей", "Ольга", "Алексей", "Наталья", "Дмитрий", "Елена", "Андрей", "Татьяна",
         "Павел", "Светлана", "Николай", "Ирина", "Владимир", "Анна"]
LAST = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
        "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров"]
COMMENTS = ["Долг по кредитам около 800 тыс.", "Три кредита и микрозаймы, просрочка полгода",
            "Хочет узнать про банкротство через МФЦ", "Коллекторы звонят, нужна консультация", "",
            "Ипотека, боится потерять квартиру", "Долг 1,5 млн, пенсионер"]
PREFIX_OFFICE = [("+7343", "ekb"), ("+7922", "ekb"), ("+7912", "ekb"), ("+7383", "nsk"), ("+7913", "nsk"),
                 ("+7923", "nsk")]
SPAM_RULES = [
    ("Номер из чёрного списка", "phone_blacklist", "+79000000000", None, None),
    ("Тестовые имена", "name_blacklist", "test", None, None),
    ("Стоп-слово «реклама»", "stop_word", "реклама", None, None),
    ("Городской номер там, где нужен мобильный", "not_mobile", "", None, None),
    ("Несуществующий номер", "invalid_number", "", None, None),
    ("Больше 5 заявок с номера за час", "phone_flood", "", 5, 60),
    ("Больше 300 заявок от партнёра за 10 минут", "partner_flood", "", 300, 10),
]
# What a seeded spam lead looks like, one kind after another, so that a content rule above catches it; the
# lead then carries the rule the intake's spam check (find_spam_rule) names for it.
SPAM_SHAPES = [
    {"name": "Test"},                                                   # «Тестовые имена»
    {"comment": "Реклама: кредиты без отказа, звоните прямо сейчас"},   # «Стоп-слово «реклама»»
    {"phone": "+79000000000"},                                          # «Номер из чёрного списка»
    {"phone": "invalid"},                                               # «Несуществующий номер»
]


def seed_reference() -> None:
    load_reference_data()
    for order, (name, kind, value, threshold, window) in enumerate(SPAM_RULES):
        # find_or_create: the shipped defaults of the same name (reference.py) and an administrator's edits stay.
        find_or_create(SpamRule, {"name": name}, {
            "kind": kind, "value": value, "threshold": threshold, "window_minutes": window, "order": order})
    offices = {o.code: o for o in Office.objects.filter(code__in=["msk", "ekb", "nsk"])}
    for priority, (prefix, code) in enumerate(PREFIX_OFFICE, start=10):
        if code in offices:
            find_or_create(DistributionRule, {"name": f"Номера {prefix} → {offices[code].city}"}, {
                "priority": priority, "phone_prefix": prefix, "office": offices[code], "only_working_hours": True})
    settings_row = LeadSettings.load()
    if settings_row.default_office_id is None and "msk" in offices:
        settings_row.default_office = offices["msk"]
        settings_row.save()


def _spam_shape(index: int, *, phone: str, name: str, comment: str) -> dict:
    """The phone, name and comment of the index-th seeded spam lead (see SPAM_SHAPES)."""
    shape = {"phone": phone, "name": name, "comment": comment, **SPAM_SHAPES[index % len(SPAM_SHAPES)]}
    if shape["phone"] == "invalid":  # seven equal digits: a number no person has, a different one each time
        shape["phone"] = f"+79{index % 10}{index % 7}{str(index % 10) * 7}"
    return shape


def _spam_rule(*, phone: str, name: str, comment: str, source) -> SpamRule | None:
    from .services.spam import find_spam_rule

    return find_spam_rule(phone=phone, name=name, comment=comment, source=source, recent={})


def _partner_of_source() -> dict[int, Partner]:
    """Each partner source's partner (the first by id when several share one)."""
    found: dict[int, Partner] = {}
    for partner in Partner.objects.filter(default_source__isnull=False).order_by("-pk"):
        found[partner.default_source_id] = partner
    return found


def _tidy_earlier_seed() -> None:
    """Demo sites seeded before: segments without answers were made up (the questionnaire computes them), spam
    leads lacked the rule that caught them, and partners' leads were dealt to the partners in turn whatever their
    source (the agents' network got «ЛидПро»'s leads). Only the seed's own leads and their first contact are
    touched (its campaign and its «demo-N» numbers)."""
    by_source = _partner_of_source()
    demo = Lead.objects.filter(utm_campaign=DEMO_CAMPAIGN, partner__isnull=False, external_id__startswith="demo-")
    for lead_id, source_id, partner_id in demo.values_list("pk", "source_id", "partner_id"):
        partner = by_source.get(source_id)
        if partner is not None and partner.pk != partner_id:
            Lead.objects.filter(pk=lead_id).update(partner=partner)
            LeadContact.objects.filter(lead_id=lead_id, utm_campaign=DEMO_CAMPAIGN, partner_id=partner_id).update(
                partner=partner)
    Lead.objects.filter(utm_campaign=DEMO_CAMPAIGN, score__isnull=True).exclude(segment="").update(segment="")
    ruleless = Lead.objects.filter(utm_campaign=DEMO_CAMPAIGN, is_spam=True, spam_rule__isnull=True)
    for index, lead in enumerate(ruleless.select_related("source").order_by("id")):
        shape = _spam_shape(index, phone=lead.phone, name=lead.name, comment=lead.comment)
        rule = _spam_rule(source=lead.source, **shape)
        if rule is not None:
            Lead.objects.filter(pk=lead.pk).update(spam_rule=rule, **shape)
            lead.contacts.update(phone=shape["phone"], name=shape["name"], comment=shape["comment"])


def seed() -> str:
    seed_reference()
    _seed_source_lead_types()
    _tidy_earlier_seed()
    if Lead.objects.filter(utm_campaign=DEMO_CAMPAIGN).count() >= TOTAL:
        return "лиды уже созданы"
    rnd = random.Random(2026)
    offices = list(Office.objects.filter(code__in=["msk", "ekb", "nsk"]).order_by("code"))
    if not offices:
        return "нет демо-офисов: сначала org.demo"
    statuses = list(LeadStatus.objects.order_by("order"))
    types = list(LeadType.objects.order_by("order"))
    sources = list(AdSource.objects.order_by("code"))
    partner_of_source = _partner_of_source()
    source_types = {row.source_id: row.lead_type for row in SourceLeadType.objects.select_related("lead_type")}
    reasons = {s.pk: list(RefusalReason.objects.filter(statuses=s)) for s in statuses if s.is_refusal}
    staff = {o.pk: list(User.objects.filter(employee__offices=o, groups__permissions__codename="take_leads")
                        .distinct().order_by("pk")) for o in offices}
    now = timezone.now()
    made = 0
    start = Lead.objects.filter(utm_campaign=DEMO_CAMPAIGN).count()
    spam_made = Lead.objects.filter(utm_campaign=DEMO_CAMPAIGN, is_spam=True).count()
    for i in range(start, TOTAL):
        status = statuses[i % len(statuses)]
        office = offices[i % len(offices)]
        created = now - datetime.timedelta(days=rnd.randint(0, 60), hours=rnd.randint(0, 23),
                                           minutes=rnd.randint(0, 59))
        changed = min(created + datetime.timedelta(hours=2), now)  # the status it has, set a little later
        source = sources[i % len(sources)] if sources else None
        # A partner's leads come from its own ad source (not the next partner in turn: «ЛидПро» under agents').
        partner = partner_of_source.get(source.pk) if source is not None and source.channel == "partner" else None
        operators = staff.get(office.pk) or []
        person = {"phone": f"+79{rnd.choice([16, 26, 22, 13, 85])}{5000000 + i:07d}",
                  "name": f"{LAST[i % len(LAST)]}{'а' if i % 2 else ''} {FIRST[i % len(FIRST)]}",
                  "comment": COMMENTS[i % len(COMMENTS)]}
        spam_rule = None
        if status.is_spam:
            person = _spam_shape(spam_made, **person)
            spam_rule = _spam_rule(source=source, **person)
            spam_made += 1
        lead = Lead.objects.create(
            phone=person["phone"], name=person["name"], spam_rule=spam_rule,
            office=office, assigned_to=operators[i % len(operators)] if operators and not status.is_spam else None,
            type=source_types.get(getattr(source, "pk", None)) or types[i % len(types)],
            status=status, status_changed_at=changed, source=source, partner=partner,
            external_id=f"demo-{i}" if partner else None, comment=person["comment"],
            utm_source=getattr(source, "code", ""), utm_campaign=DEMO_CAMPAIGN,
            consent_personal_data=True, consent_at=created, consent_source=getattr(source, "name", "Сайт"),
            consent_text="Согласен на обработку персональных данных в соответствии с 152-ФЗ.",
            consent_ads=i % 3 == 0, is_spam=status.is_spam,
            refusal_reason=(reasons.get(status.pk) or [None])[0] if status.is_refusal else None,
            last_contact_at=created,  # no segment: it comes from the questionnaire's answers (demo_scripts)
        )
        Lead.objects.filter(pk=lead.pk).update(created_at=created)
        sync_parts(LeadPhonePart, "lead", lead.pk, lead.phone, created=True)
        # The logs at the lead's own moments (their `at` is auto_now_add: set after), not at the seeding's.
        contact = LeadContact.objects.create(lead=lead, phone=lead.phone, name=lead.name, source=source,
                                             partner=partner, comment=lead.comment, utm_campaign=DEMO_CAMPAIGN)
        LeadContact.objects.filter(pk=contact.pk).update(at=created)
        logged = LeadStatusLog.objects.create(lead=lead, to_status=status)
        LeadStatusLog.objects.filter(pk=logged.pk).update(at=changed)
        assigned = AssignmentLog.objects.create(lead=lead, office=office, assigned_to=lead.assigned_to)
        AssignmentLog.objects.filter(pk=assigned.pk).update(at=created)
        if status.is_open and i % 4 == 0:
            due = now + datetime.timedelta(hours=rnd.randint(-72, 72))
            PlannedCall.objects.create(lead=lead, due_at=due, assignee=lead.assigned_to,
                                       comment="Перезвонить, уточнить сумму долга")
        made += 1
    overdue = PlannedCall.objects.overdue().filter(lead__utm_campaign=DEMO_CAMPAIGN).count()
    return f"лидов создано: {made}, запланированных звонков просрочено: {overdue}"


def _seed_source_lead_types() -> None:
    """The demo sources' default lead types (marketing.demo.SOURCES names them; marketing sits below leads)."""
    from legal_crm.marketing.demo import SOURCES

    types = {t.code: t for t in LeadType.objects.all()}
    for code, _name, _channel, type_code, _info in SOURCES:
        source = AdSource.objects.filter(code=code).first()
        if source is not None and type_code in types:
            SourceLeadType.objects.update_or_create(source=source, defaults={"lead_type": types[type_code]})
