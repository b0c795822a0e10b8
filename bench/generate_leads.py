"""Generate N leads (default 1,000,000) for the lead benchmarks, fast, on MariaDB.

    DATABASE_URL=mysql://root@127.0.0.1:3306/legalcrm_bench_leads .venv/bin/python bench/generate_leads.py --leads 1000000

Creates the organisation the intake needs (3 offices, 30 operators, ad sources, partners with API tokens,
spam and distribution rules) and then the leads with multi-row INSERTs (mysqlclient's executemany), 10,000
rows a batch, with their first contact for the last week. Old leads are mostly closed (client, refusal, spam),
recent ones mostly open — as on a real sales floor, which is what operator load counts. Phones are unique
random mobiles; partners' leads carry external ids. Returns the objects the benchmark needs.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "apps"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legal_crm.settings.test")

BATCH = 10_000
OPERATORS_PER_OFFICE = 10
BENCH_PASSWORD = "bench-pass"


from scratch_db import recreate_database  # noqa: E402 - bench/ is on sys.path


def setup_org() -> dict:
    """Offices, operators, sources, partners, rules. Idempotent."""
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from legal_crm.core.access_sync import load_roles, sync_groups
    from legal_crm.core.models import User
    from legal_crm.leads.demo import seed_reference
    from legal_crm.leads.models import SpamRule
    from legal_crm.marketing.demo import seed as seed_marketing
    from legal_crm.org.demo import OFFICES
    from legal_crm.org.models import Employee, Office

    sync_groups()
    roles = {spec["role"]: Group.objects.get(name=name) for name, spec in load_roles().items()}
    offices = []
    for data in OFFICES:
        office, _c = Office.objects.update_or_create(code=data["code"], defaults=data)
        offices.append(office)
    operators = {}
    for office in offices:
        operators[office.pk] = []
        for i in range(OPERATORS_PER_OFFICE):
            user, created = User.objects.get_or_create(username=f"bench-{office.code}-op{i}", defaults={
                "first_name": "Оператор", "last_name": f"{office.city} {i}", "is_staff": True})
            if created:
                user.set_password(BENCH_PASSWORD)
                user.save()
                user.groups.add(roles["operator"])
                emp = Employee.objects.create(user=user, main_office=office)
                emp.offices.add(office)
            operators[office.pk].append(user.pk)
    admin, created = User.objects.get_or_create(username="bench-admin", defaults={"is_staff": True,
                                                                                 "is_superuser": True})
    if created:
        admin.set_password(BENCH_PASSWORD)
        admin.save()
        Employee.objects.create(user=admin, main_office=offices[0]).offices.add(*offices)
    seed_marketing()
    seed_reference()
    # The benchmark's partner sends hundreds a minute: its flood limit is set above the benchmark's rate.
    SpamRule.objects.filter(kind="partner_flood").update(threshold=5000, window_minutes=1)
    site_user, created = User.objects.get_or_create(username="bench-site", defaults={"is_staff": False})
    if created:
        site_user.groups.add(roles["operator"])
        Employee.objects.create(user=site_user, main_office=offices[0]).offices.add(offices[0])
    site_token, _c = Token.objects.get_or_create(user=site_user)
    partner_token = Token.objects.get(user__username="api-lidpro")
    return {"offices": offices, "operators": operators, "site_token": site_token.key,
            "partner_token": partner_token.key, "admin": admin}


def _phone(rnd: random.Random, used: set) -> str:
    while True:
        p = f"+79{rnd.choice('0123456789')}{rnd.randrange(10**8):08d}"
        if p not in used:
            used.add(p)
            return p


def generate(n: int, seed: int = 2026, progress=print) -> dict:
    from django.db import connection
    from django.utils import timezone

    from legal_crm.leads.models import Lead, LeadContact, LeadStatus, LeadType, RefusalReason, SourceLeadType
    from legal_crm.marketing.models import AdSource, Partner

    org = setup_org()
    existing = Lead.objects.count()
    if existing >= n:
        progress(f"уже есть {existing} лидов")
        fill_missing_phone_parts(progress)
        generate_questionnaires_and_scripts(random.Random(seed), progress)
        return org
    rnd = random.Random(seed + existing)
    statuses = {s.code: s for s in LeadStatus.objects.all()}
    open_codes = [c for c, s in statuses.items() if s.is_open]
    closed_codes = ["converted"] * 3 + [c for c, s in statuses.items() if s.is_refusal] + ["spam"]
    reasons = {s.pk: RefusalReason.objects.filter(statuses=s).values_list("pk", flat=True).first()
               for s in statuses.values() if s.is_refusal}
    types = {t.code: t.pk for t in LeadType.objects.all()}
    sources = list(AdSource.objects.all())
    source_types = dict(SourceLeadType.objects.values_list("source_id", "lead_type_id"))
    partners = {p.default_source_id: p.pk for p in Partner.objects.all()}
    offices = org["offices"]
    operators = org["operators"]
    now = timezone.now().replace(tzinfo=None)  # MariaDB stores naive UTC
    lead_fields = [f for f in Lead._meta.concrete_fields if not f.primary_key]
    cols = ", ".join(f"`{f.column}`" for f in lead_fields)
    sql = f"INSERT INTO `{Lead._meta.db_table}` ({cols}) VALUES ({', '.join(['%s'] * len(lead_fields))})"
    used: set = set(Lead.objects.values_list("phone", flat=True)) if existing else set()
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SET unique_checks=0, foreign_key_checks=0")
        done = existing
        while done < n:
            size = min(BATCH, n - done)
            rows, recent = [], []
            for i in range(done, done + size):
                age_days = rnd.random() ** 1.6 * 365  # more leads recently
                created = now - datetime.timedelta(days=age_days, seconds=rnd.randrange(86400))
                recent_lead = age_days < 30
                code = (rnd.choice(open_codes) if recent_lead and rnd.random() < 0.7 else rnd.choice(closed_codes))
                st = statuses[code]
                office = offices[i % len(offices)]
                src = sources[i % len(sources)]
                partner_id = partners.get(src.pk)
                phone = _phone(rnd, used)
                values = {
                    "created_at": created, "updated_at": created, "phone": phone,
                    "name": f"Клиент {i}", "office_id": office.pk,
                    "assigned_to_id": None if st.is_spam else rnd.choice(operators[office.pk]),
                    "type_id": source_types.get(src.pk) or types["online"], "status_id": st.pk,
                    "status_changed_at": created + datetime.timedelta(hours=3),
                    "refusal_reason_id": reasons.get(st.pk), "source_id": src.pk, "partner_id": partner_id,
                    "external_id": f"gen-{i}" if partner_id else None, "utm_source": src.code, "utm_medium": "cpc",
                    "utm_campaign": "bench", "comment": "", "consent_personal_data": 1, "consent_ads": i % 3 == 0,
                    "consent_text": "", "consent_at": created, "consent_source": src.name[:200], "consent_ip": None,
                    "is_spam": st.is_spam, "spam_rule_id": None, "segment": "", "score": None, "service_id": None,
                    "client_id": None, "last_contact_at": created, "contacts_count": 1,
                }
                rows.append(tuple(values[f.attname] for f in lead_fields))
                if age_days < 7:
                    recent.append((phone, created, values["name"], src.pk, partner_id))
            cur.executemany(sql, rows)
            if recent:
                phones = [r[0] for r in recent]
                ids = dict(Lead.objects.filter(phone__in=phones).values_list("phone", "id"))
                LeadContact.objects.bulk_create(
                    [LeadContact(lead_id=ids[p], phone=p, name=nm, source_id=s, partner_id=pt)
                     for p, _at, nm, s, pt in recent], batch_size=BATCH)
                # auto_now_add stamped them now; give each its lead's time
                cur.execute(f"UPDATE `{LeadContact._meta.db_table}` c JOIN `{Lead._meta.db_table}` l "
                            "ON l.id = c.lead_id SET c.`at` = l.created_at WHERE l.id >= %s", [min(ids.values())])
            done += size
            rate = (done - existing) / (time.perf_counter() - started)
            progress(f"  лидов: {done:,} ({rate:,.0f}/с)".replace(",", " "))
        cur.execute("SET unique_checks=1, foreign_key_checks=1")
        cur.execute(f"ANALYZE TABLE `{Lead._meta.db_table}`, `{LeadContact._meta.db_table}`")
        cur.fetchall()
    fill_missing_phone_parts(progress)
    generate_questionnaires_and_scripts(rnd, progress)
    return org


def fill_missing_phone_parts(progress=print, batch: int = 20_000) -> None:
    """The phone-part key of the leads inserted above (the intake writes it for its own leads; these INSERTs
    bypass it): without it, search by a part of the number finds none of the generated leads."""
    from django.db import connection

    from legal_crm.core.phone_parts import phone_parts
    from legal_crm.leads.models import Lead, LeadPhonePart

    leads, parts = Lead._meta.db_table, LeadPhonePart._meta.db_table
    insert = f"INSERT INTO `{parts}` (`lead_id`, `part`) VALUES (%s, %s)"
    written, last_id = 0, 0
    with connection.cursor() as cur:
        while True:
            cur.execute(f"SELECT l.id, l.phone FROM `{leads}` l WHERE l.id > %s AND l.phone <> '' AND NOT EXISTS "
                        f"(SELECT 1 FROM `{parts}` p WHERE p.lead_id = l.id) ORDER BY l.id LIMIT {batch}", [last_id])
            rows = cur.fetchall()
            if not rows:
                break
            cur.executemany(insert, [(pk, part) for pk, phone in rows for part in phone_parts(phone)])
            written += len(rows)
            last_id = rows[-1][0]
            progress(f"  ключ частей номера: {written:,} лидов".replace(",", " "))


def generate_questionnaires_and_scripts(rnd: random.Random, progress=print, cards: int = 20_000) -> None:
    """Answered questionnaires (with score and segment) and script cards for the newest open leads, so the
    lead card and the call-script boards are measured on realistic data. Skipped when cards exist."""
    from django.utils import timezone

    from legal_crm.leads.models import Lead, LeadAnswer, ScriptEnrollment
    from legal_crm.leads.scripts.demo import questionnaire_and_scripts

    service, questions, scripts = questionnaire_and_scripts()
    if ScriptEnrollment.objects.filter(script__in=scripts).count() >= cards:
        return
    now = timezone.now()
    lead_ids = list(Lead.objects.filter(status__is_open=True, is_spam=False).order_by("-created_at")
                    .values_list("id", flat=True)[:cards])
    numbers = [q for q in questions if q.kind == "number"][:3]
    steps_by_script = {script.pk: list(script.steps.all()) for script in scripts}
    answers, enrollments = [], []
    for index, lead_id in enumerate(lead_ids):
        script = scripts[index % len(scripts)]
        steps = steps_by_script[script.pk]
        entered = now - datetime.timedelta(hours=rnd.randrange(1, 96))
        enrollments.append(ScriptEnrollment(script=script, lead_id=lead_id, step=steps[index % len(steps)],
                                            trigger=ScriptEnrollment.Trigger.ARRIVAL, entered_at=entered,
                                            step_entered_at=entered, next_action_at=entered))
        if index % 2 == 0:
            for question, value in zip(numbers, (rnd.randrange(100_000, 3_000_000), rnd.randrange(1, 12),
                                                 rnd.randrange(0, 24)), strict=False):
                answers.append(LeadAnswer(lead_id=lead_id, question=question, number_value=value,
                                          points=rnd.randrange(0, 30)))
    ScriptEnrollment.objects.bulk_create(enrollments, batch_size=BATCH, ignore_conflicts=True)
    LeadAnswer.objects.bulk_create(answers, batch_size=BATCH, ignore_conflicts=True)
    answered = lead_ids[::2]
    for segment, chunk in (("Горячий", answered[::3]), ("Тёплый", answered[1::3]), ("Холодный", answered[2::3])):
        Lead.objects.filter(pk__in=chunk).update(service=service, segment=segment, score=rnd.randrange(10, 90))
    progress(f"  карточек в скриптах: {len(enrollments)}, анкет: {len(answered)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--recreate", action="store_true", help="drop and recreate the database first")
    args = parser.parse_args()
    if args.recreate:
        recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    generate(args.leads)
    print(f"готово за {time.perf_counter() - t:.0f} с")


if __name__ == "__main__":
    main()
