"""Demo questionnaires and call scripts: the bankruptcy questionnaire with its segments, and two scripts with
leads on their boards. Runs after the leads seeder (hooks.DEMO_SEEDERS); re-running it changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from legal_crm.core.seeding import find_or_create
from legal_crm.directory.models import Service, ServiceGroup

from ..models import (
    AnswerOption,
    Lead,
    LeadStatus,
    LeadType,
    NumberRange,
    Question,
    Script,
    ScriptEnrollment,
    ScriptStep,
    SegmentThreshold,
)
from ..services import questionnaire as questionnaire_services
from . import services as script_services

D = Decimal

# text, kind, unit, hint, options [(text, points)] or ranges [(min, max, points)]
BANKRUPTCY_QUESTIONS = [
    ("Общая сумма долгов", "number", "₽", "Все кредиты, займы, долги по ЖКХ и налогам вместе.",
     [(None, D("300000"), 0), (D("300000"), D("500000"), 10), (D("500000"), D("1000000"), 25),
      (D("1000000"), D("3000000"), 35), (D("3000000"), None, 40)]),
    ("Сколько кредиторов", "number", "шт.", "Банки, МФО, физлица — каждый считается отдельно.",
     [(None, D("2"), 0), (D("2"), D("4"), 5), (D("4"), D("8"), 10), (D("8"), None, 15)]),
    ("Просрочка по платежам", "number", "мес.", "Сколько месяцев назад был последний платёж.",
     [(None, D("1"), 0), (D("1"), D("3"), 5), (D("3"), D("6"), 10), (D("6"), None, 15)]),
    ("Имущество", "choice", "", "Единственное жильё не забирают.",
     [("Нет имущества", 15), ("Только единственное жильё", 10), ("Автомобиль", 0),
      ("Второе жильё или земля", -10), ("Ипотечная квартира", -5)]),
    ("Официальный доход в месяц", "choice", "", "",
     [("Нет дохода", 10), ("До прожиточного минимума", 10), ("До 50 000 ₽", 5), ("Больше 50 000 ₽", -5)]),
    ("Сделки с имуществом за последние 3 года", "choice", "", "Продажа, дарение — финуправляющий их проверит.",
     [("Не было", 5), ("Были", -10)]),
    ("Есть исполнительные производства", "choice", "", "", [("Да", 10), ("Нет", 0), ("Не знает", 0)]),
    ("Что важно клиенту", "text", "", "Своими словами: чего он ждёт от процедуры.", 0),
]
SEGMENTS = [("Горячий", 70, "#dc2626"), ("Тёплый", 40, "#ca8a04"), ("Холодный", 0, "#2563eb")]

SCRIPTS = [
    {
        "name": "Новая онлайн-заявка", "start_on_arrival": True,
        "description": "Первые сутки после заявки с сайта: звонок, SMS, повторный звонок.",
        "types": ["online", "partners", "marketing"],
        "steps": [
            ("Первый звонок", "call", 2, ""),
            ("SMS «не дозвонились»", "sms", 0, "{name}, здравствуйте! Это юридическая компания, вы оставили "
             "заявку на консультацию по долгам. Перезвоним в ближайшее время. Тел. {office_phone}"),
            ("Ждём 3 часа", "wait", 3, ""),
            ("Повторный звонок", "call", 0, ""),
            ("Дозвонились", "reached", 0, ""),
            ("Передан юристу", "handover", 0, ""),
            ("Отказ", "refuse", 0, ""),
        ],
    },
    {
        "name": "Возврат отказников", "start_on_reengage": True,
        "description": "Лиды, вернувшиеся в работу после отказа: WhatsApp, пауза, звонок.",
        "types": [],
        "steps": [
            ("WhatsApp-приветствие", "whatsapp", 0, "{name}, добрый день! Ситуация с долгами не решилась? "
             "Бесплатная консультация в офисе: {office_address}.", True),
            ("Ждём сутки", "wait", 24, ""),
            ("Звонок", "call", 0, ""),
            ("Дозвонились", "reached", 0, ""),
            ("Передан оператору", "handover", 0, ""),
            ("Отказ", "refuse", 0, ""),
        ],
    },
]


def _bankruptcy_service() -> Service:
    group, _created = ServiceGroup.objects.get_or_create(
        code="bfl", defaults={"name": "Банкротство физических лиц", "is_bankruptcy": True})
    service = Service.objects.filter(group=group, is_active=True).order_by("id").first()
    if service is None:
        service, _created = Service.objects.get_or_create(code="bfl-court", defaults={
            "group": group, "name": "Банкротство через суд «под ключ»", "price": D("150000.00")})
    return service


def _questionnaire(service: Service) -> list[Question]:
    questions = []
    for order, (text, kind, unit, hint, scoring) in enumerate(BANKRUPTCY_QUESTIONS):
        question, created = find_or_create(Question, {"service": service, "text": text}, {
            "order": order * 10, "kind": kind, "unit": unit, "hint": hint,
            "text_points": scoring if kind == "text" else 0})
        if created and kind == "choice":
            for index, (option, points) in enumerate(scoring):
                AnswerOption.objects.create(question=question, order=index, text=option, points=points)
        if created and kind == "number":
            for low, high, points in scoring:
                NumberRange.objects.create(question=question, min_value=low, max_value=high, points=points)
        questions.append(question)
    for segment, score, color in SEGMENTS:
        SegmentThreshold.objects.get_or_create(service=service, min_score=score,
                                               defaults={"segment": segment, "color": color})
    return questions


def _scripts() -> list[Script]:
    made = []
    for spec in SCRIPTS:
        script, created = Script.objects.get_or_create(name=spec["name"], defaults={
            "description": spec["description"], "start_on_arrival": spec.get("start_on_arrival", False),
            "start_on_reengage": spec.get("start_on_reengage", False)})
        if created:
            script.lead_types.set(LeadType.objects.filter(code__in=spec["types"]))
            for order, (name, kind, hours, text, *advertising) in enumerate(spec["steps"]):
                ScriptStep.objects.create(script=script, order=order * 10, name=name, kind=kind, wait_hours=hours,
                                          message_text=text, is_advertising=bool(advertising))
        made.append(script)
    return made


def _answer_some(leads: list[Lead], service: Service, questions: list[Question]) -> None:
    debt, creditors, overdue, prop, income = questions[:5]
    profiles = [
        {debt.pk: "1850000", creditors.pk: "7", overdue.pk: "8", prop.pk: prop.options.order_by("order")[0].pk,
         income.pk: income.options.order_by("order")[1].pk},
        {debt.pk: "620000", creditors.pk: "3", overdue.pk: "2", prop.pk: prop.options.order_by("order")[1].pk},
        {debt.pk: "240000", creditors.pk: "1", overdue.pk: "0"},
    ]
    for lead, answers in zip(leads, profiles, strict=False):
        if lead.score is None:
            questionnaire_services.lead_answers_save(actor=None, lead=lead, answers=answers, service=service)


def _fill_boards(scripts: list[Script], leads: list[Lead]) -> int:
    """Spread demo leads over the columns, with realistic times on each step."""
    placed = 0
    now = timezone.now()
    for script_index, script in enumerate(scripts):
        steps = list(script.steps.order_by("order", "id"))
        chunk = leads[script_index::len(scripts)]
        for index, lead in enumerate(chunk):
            if ScriptEnrollment.objects.filter(script=script, lead=lead).exists():
                continue
            card = script_services.lead_enroll(actor=None, lead=lead, script=script,
                                               trigger=ScriptEnrollment.Trigger.MANUAL,
                                               now=now - datetime.timedelta(hours=index * 3 + 1))
            if card is None:
                continue
            step = steps[index % len(steps)]
            if step.pk != card.step_id and step.kind not in ScriptStep.AUTOMATIC:
                script_services.enrollment_move(actor=None, enrollment=card, step=step,
                                                now=now - datetime.timedelta(minutes=25 * index + 5))
            placed += 1
    return placed


def questionnaire_and_scripts() -> tuple[Service, list[Question], list[Script]]:
    """The bankruptcy questionnaire and the demo scripts (the bench generator reuses them). Idempotent."""
    service = _bankruptcy_service()
    return service, _questionnaire(service), _scripts()


def seed() -> str:
    service, questions, scripts = questionnaire_and_scripts()
    open_statuses = LeadStatus.objects.filter(is_open=True, is_spam=False)
    leads = list(Lead.objects.filter(status__in=open_statuses, is_spam=False, office__isnull=False)
                 .select_related("office").order_by("id")[:24])
    _answer_some(leads[:3], service, questions)
    # Boards are filled once: cards placed in a refusal column refuse their leads, so the open leads picked
    # above are other ones on a second run.
    placed = 0 if ScriptEnrollment.objects.filter(script__in=scripts).exists() else _fill_boards(scripts, leads)
    return (f"{len(questions)} questions, {len(scripts)} scripts, "
            f"{ScriptEnrollment.objects.count()} cards ({placed} placed now)")
