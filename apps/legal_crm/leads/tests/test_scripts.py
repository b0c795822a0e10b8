"""Call scripts: entering on events, moving by hand, the scheduled job, messages "to send", the log."""

import datetime

import pytest
from django.utils import timezone

from legal_crm import hooks
from legal_crm.core.errors import DomainError
from legal_crm.core.models import AuditLog
from legal_crm.leads import handlers_scripts, jobs_scripts
from legal_crm.leads.models import (
    LeadStatus,
    RefusalReason,
    ScriptEnrollment,
    ScriptMessage,
    ScriptMove,
    ScriptStep,
)
from legal_crm.leads.services import IntakeData, lead_intake, lead_set_status, planned_call_create
from legal_crm.leads.services import scripts as svc

from .factories import AdSourceFactory, LeadFactory, lead_type, status
from .factories_scripts import enroll, make_script

pytestmark = pytest.mark.django_db
State = ScriptEnrollment.State
Kind = ScriptStep.Kind



@pytest.fixture
def lead(office):
    return LeadFactory(office=office, name="Иван Петров", phone="+79161112233")


def test_handlers_and_the_job_are_wired_in_hooks():
    assert "legal_crm.leads.handlers_scripts.on_lead_created" in hooks.DOC_EVENTS["leads.lead_created"]
    assert "legal_crm.leads.handlers_scripts.on_lead_status_changed" in hooks.DOC_EVENTS["leads.lead_status_changed"]
    assert "legal_crm.leads.handlers_scripts.on_lead_converted" in hooks.DOC_EVENTS["leads.lead_converted"]
    assert "legal_crm.leads.handlers_scripts.on_lead_marked_spam" in hooks.DOC_EVENTS["leads.lead_marked_spam"]
    assert "legal_crm.leads.handlers_scripts.on_lead_reengaged" in hooks.DOC_EVENTS["leads.lead_reengaged"]
    assert "legal_crm.leads.handlers_scripts.on_call_planned" in hooks.DOC_EVENTS["leads.call_planned"]
    assert "legal_crm.leads.jobs_scripts.advance_scripts" in hooks.SCHEDULER_EVENTS["cron"]["*/5 * * * *"]
    assert "legal_crm.leads.demo_scripts.seed" in hooks.DEMO_SEEDERS
    assert hooks.DEMO_SEEDERS.index("legal_crm.leads.demo_scripts.seed") > hooks.DEMO_SEEDERS.index(
        "legal_crm.leads.demo.seed")


def test_a_new_lead_from_the_intake_enters_matching_arrival_scripts(office, django_capture_on_commit_callbacks):
    AdSourceFactory(code="site-bfl", name="Сайт БФЛ")
    script, steps = make_script("call", "reached", start_on_arrival=True)
    other_source_script, _ = make_script("call", start_on_arrival=True)
    other_source_script.sources.set([AdSourceFactory(code="tv", name="ТВ")])
    phone_type_script, _ = make_script("call", start_on_arrival=True)
    phone_type_script.lead_types.set([lead_type("incoming_call")])
    not_arrival, _ = make_script("call")
    with django_capture_on_commit_callbacks(execute=True):
        lead, created = lead_intake(actor=None, data=IntakeData(phone="8 916 555-44-33", name="Ольга",
                                                                source="site-bfl"))
    assert created
    cards = ScriptEnrollment.objects.filter(lead=lead)
    assert [c.script_id for c in cards] == [script.pk]
    card = cards.get()
    assert card.step == steps[0] and card.state == State.ACTIVE and card.trigger == "arrival"
    assert card.next_action_at is None  # a call step without a timeout waits for the operator
    move = ScriptMove.objects.get(enrollment=card)
    assert move.reason == "enrolled" and move.from_step is None and move.to_step == steps[0] and move.actor is None
    assert not ScriptEnrollment.objects.filter(script__in=[other_source_script, phone_type_script, not_arrival]).exists()


def test_entering_is_idempotent_and_skips_spam(lead, office):
    _script, _ = make_script("call", start_on_arrival=True)
    handlers_scripts.on_lead_created(lead_id=lead.pk, type="online")
    handlers_scripts.on_lead_created(lead_id=lead.pk, type="online")
    assert ScriptEnrollment.objects.filter(lead=lead).count() == 1
    assert ScriptMove.objects.filter(enrollment__lead=lead).count() == 1
    spam = LeadFactory(office=office, is_spam=True, status=status("spam"))
    handlers_scripts.on_lead_created(lead_id=spam.pk)
    assert not ScriptEnrollment.objects.filter(lead=spam).exists()
    handlers_scripts.on_lead_created(lead_id=987654)  # a lead deleted meanwhile: nothing happens


def test_an_inactive_or_empty_script_takes_nobody(lead):
    make_script("call", start_on_arrival=True, is_active=False)
    make_script(start_on_arrival=True)
    assert svc.enroll_on_event(lead_id=lead.pk, trigger="arrival") == 0
    assert not ScriptEnrollment.objects.exists()


def test_a_status_change_starts_scripts_filtered_by_that_status(operator, lead,
                                                                django_capture_on_commit_callbacks):
    script, steps = make_script("call", "refuse", start_on_status=True)
    script.statuses.set([status("callback")])
    with django_capture_on_commit_callbacks(execute=True):
        lead_set_status(actor=operator, lead=lead, status=status("in_work"))
    assert not ScriptEnrollment.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        lead_set_status(actor=operator, lead=lead, status=status("callback"))
    card = ScriptEnrollment.objects.get()
    assert card.trigger == "status" and card.step == steps[0]


def test_a_stale_status_event_is_ignored(lead):
    _script, _ = make_script("call", start_on_status=True)
    handlers_scripts.on_lead_status_changed(lead_id=lead.pk, to_status="callback")  # the lead is "new" now
    assert not ScriptEnrollment.objects.exists()


def test_a_planned_call_starts_planned_call_scripts(operator, lead, django_capture_on_commit_callbacks):
    _script, _steps = make_script("call", start_on_planned_call=True)
    with django_capture_on_commit_callbacks(execute=True):
        planned_call_create(actor=operator, lead=lead, due_at=timezone.now() + datetime.timedelta(hours=2))
    assert ScriptEnrollment.objects.get().trigger == "planned_call"


def test_a_refusal_moves_active_cards_to_the_refusal_column(operator, lead, django_capture_on_commit_callbacks):
    _script, steps = make_script("call", "reached", "refuse")
    _no_refuse_script, other_steps = make_script("call", "reached")
    card = enroll(lead, steps[0])
    other = enroll(lead, other_steps[0])
    with django_capture_on_commit_callbacks(execute=True):
        lead_set_status(actor=operator, lead=lead, status=status("refusal_unreachable"))
    card.refresh_from_db()
    other.refresh_from_db()
    assert card.step == steps[2] and card.state == State.REFUSED and card.finished_at is not None
    assert other.state == State.ACTIVE  # no refusal column there: the card stays for a person to decide
    assert ScriptMove.objects.get(enrollment=card).reason == "auto"


def test_re_engagement_reopens_a_finished_card_at_the_first_step(lead):
    _script, steps = make_script("whatsapp", ("wait", 24), "call", "refuse", start_on_reengage=True)
    card = enroll(lead, steps[3], state=State.REFUSED)
    handlers_scripts.on_lead_reengaged(lead_id=lead.pk, from_status="refusal_expensive", to_status="new")
    card.refresh_from_db()
    assert card.step == steps[0] and card.state == State.ACTIVE and card.finished_at is None
    assert card.trigger == "reengage" and card.next_action_at is not None
    assert ScriptMove.objects.get(enrollment=card).from_step == steps[3]


def test_the_job_sends_messages_waits_and_moves_cards_on(lead, office):
    office.phone = "+74951234567"
    office.save()
    script, steps = make_script("sms", ("wait", 3), ("call", 2), "refuse")
    start = timezone.now()
    handlers_scripts.on_lead_created(lead_id=lead.pk)  # not an arrival script: nothing
    svc.lead_enroll(actor=None, lead=lead, script=script, now=start)
    card = ScriptEnrollment.objects.get()
    assert card.next_action_at == start

    assert svc.advance_due_enrollments(now=start) == 1
    card.refresh_from_db()
    message = ScriptMessage.objects.get()
    assert message.text == "Иван Петров, здравствуйте! Офис: Москва."
    assert message.channel == "sms" and message.phone == "+79161112233" and message.status == "taken"
    assert card.step == steps[1] and card.next_action_at == start + datetime.timedelta(hours=3)

    assert svc.advance_due_enrollments(now=start + datetime.timedelta(hours=2)) == 0  # still waiting
    assert svc.advance_due_enrollments(now=start + datetime.timedelta(hours=3, minutes=1)) == 1
    card.refresh_from_db()
    assert card.step == steps[2]
    # the call step gives the operator 2 hours, then the card moves on by itself
    later = start + datetime.timedelta(hours=6)
    assert svc.advance_due_enrollments(now=later) == 1
    card.refresh_from_db()
    assert card.step == steps[3] and card.state == State.REFUSED and card.next_action_at is None
    assert list(ScriptMove.objects.filter(enrollment=card).order_by("id").values_list("reason", flat=True)) == [
        "enrolled", "auto", "auto", "auto"]
    assert ScriptMessage.objects.count() == 1


def test_running_the_job_twice_sends_one_message(lead):
    _script, steps = make_script("whatsapp", "call")
    card = enroll(lead, steps[0])
    card.next_action_at = card.step_entered_at
    card.save()
    svc.enrollment_advance(enrollment_id=card.pk, now=timezone.now())
    svc.enrollment_advance(enrollment_id=card.pk, now=timezone.now())
    assert jobs_scripts.advance_scripts() == 0
    assert ScriptMessage.objects.count() == 1
    card.refresh_from_db()
    assert card.step == steps[1]


def test_consecutive_message_steps_run_in_one_pass(lead):
    script, steps = make_script("sms", "whatsapp", "call")
    svc.lead_enroll(actor=None, lead=lead, script=script)
    assert svc.advance_due_enrollments() == 2
    assert sorted(ScriptMessage.objects.values_list("channel", flat=True)) == ["sms", "whatsapp"]
    assert ScriptEnrollment.objects.get().step == steps[2]


def test_a_last_automatic_step_without_a_next_one_stops(lead):
    _script, steps = make_script("call", ("wait", 1))
    card = enroll(lead, steps[1], at=timezone.now() - datetime.timedelta(hours=2))
    card.next_action_at = timezone.now() - datetime.timedelta(hours=1)
    card.save()
    assert svc.advance_due_enrollments() == 0
    card.refresh_from_db()
    assert card.next_action_at is None and card.step == steps[1]


def test_message_tags(lead, office):
    office.address = "Москва, ул. Марксистская, 3"
    office.phone = "+74951234567"
    office.save()
    text = svc.render_message("{first_name}: {office_address}, {office_phone}, {phone} {unknown}", lead)
    assert text == "Иван: Москва, ул. Марксистская, 3, +7 495 123-45-67, +7 916 111-22-33 {unknown}"


def test_an_operator_moves_a_card_and_the_move_is_logged(operator, lead):
    _script, steps = make_script("call", "sms", "reached")
    card = enroll(lead, steps[0])
    card = svc.enrollment_move(actor=operator, enrollment=card, step=steps[2])
    assert card.state == State.REACHED and card.finished_at is not None
    move = ScriptMove.objects.get(enrollment=card)
    assert (move.from_step, move.to_step, move.reason, move.actor) == (steps[0], steps[2], "manual", operator)
    audit = AuditLog.objects.get(action="leads.script_move")
    assert audit.actor == operator and audit.after["state"] == "reached"
    # back into work: a message step acts at once
    card = svc.enrollment_move(actor=operator, enrollment=card, step=steps[1])
    assert card.state == State.ACTIVE and card.finished_at is None and card.next_action_at is not None


def test_a_card_dragged_to_the_refusal_column_refuses_the_lead(operator, lead):
    from legal_crm.leads.models import LeadStatusLog, RefusalReason

    _script, steps = make_script("call", "refuse", "refuse")
    steps[2].refusal_status, steps[2].refusal_reason = status("refusal_expensive"), RefusalReason.objects.get(
        code="price")
    steps[2].save()
    card = svc.enrollment_move(actor=operator, enrollment=enroll(lead, steps[0]), step=steps[1])
    lead.refresh_from_db()
    assert card.state == State.REFUSED
    assert lead.status.code == "refusal_unreachable"  # no status set on the column: the refusal without a reason
    log = LeadStatusLog.objects.get(lead=lead)
    assert (log.actor, log.to_status.code) == (operator, "refusal_unreachable") and steps[1].name in log.comment
    other = LeadFactory(office=lead.office, status=status("in_work"))
    svc.enrollment_move(actor=operator, enrollment=enroll(other, steps[0]), step=steps[2])
    other.refresh_from_db()
    assert (other.status.code, other.refusal_reason.code) == ("refusal_expensive", "price")


def test_the_job_refuses_the_lead_when_its_card_reaches_the_refusal_column(lead):
    script, _steps = make_script(("wait", 1), "refuse")
    start = timezone.now()
    svc.lead_enroll(actor=None, lead=lead, script=script, now=start)
    svc.advance_due_enrollments(now=start + datetime.timedelta(hours=2))
    lead.refresh_from_db()
    assert lead.status.code == "refusal_unreachable"
    assert ScriptEnrollment.objects.get().state == State.REFUSED


def test_a_refusal_column_whose_status_was_switched_off_does_not_stop_the_job(lead):
    script, steps = make_script(("wait", 1), "refuse")
    steps[1].refusal_status = status("refusal_competitor")
    steps[1].refusal_reason = RefusalReason.objects.get(code="competitor")
    steps[1].save()
    LeadStatus.objects.filter(code="refusal_competitor").update(is_active=False)
    start = timezone.now()
    svc.lead_enroll(actor=None, lead=lead, script=script, now=start)
    assert svc.advance_due_enrollments(now=start + datetime.timedelta(hours=2)) == 1
    lead.refresh_from_db()
    assert lead.status.code == "new" and ScriptEnrollment.objects.get().state == State.REFUSED


def test_a_switched_off_script_stops_acting(lead):
    script, steps = make_script("sms", "call")
    start = timezone.now()
    svc.lead_enroll(actor=None, lead=lead, script=script, now=start)
    script.is_active = False
    script.save()
    assert svc.advance_due_enrollments(now=start + datetime.timedelta(minutes=1)) == 0
    assert not ScriptMessage.objects.exists() and ScriptEnrollment.objects.get().step == steps[0]
    script.is_active = True
    script.save()
    assert svc.advance_due_enrollments(now=start + datetime.timedelta(minutes=2)) == 1
    assert ScriptMessage.objects.count() == 1


def test_a_refusal_column_with_a_status_needing_a_reason_must_name_it():
    from django.core.exceptions import ValidationError

    _script, steps = make_script("call", "refuse")
    steps[0].refusal_status = status("refusal_unreachable")
    with pytest.raises(ValidationError) as err:
        steps[0].full_clean()  # only a refusal column sets a status
    assert "refusal_status" in err.value.message_dict
    steps[1].refusal_status = status("refusal_expensive")
    with pytest.raises(ValidationError) as err:
        steps[1].full_clean()
    assert "refusal_reason" in err.value.message_dict


def test_conversion_and_spam_finish_the_cards(operator, lead, django_capture_on_commit_callbacks):
    from legal_crm.leads.services import lead_mark_converted

    _script, steps = make_script("call", "reached", "refuse")
    card = enroll(lead, steps[0])
    with django_capture_on_commit_callbacks(execute=True):
        lead_mark_converted(lead_id=lead.pk, actor=operator)  # its contract was signed
    card.refresh_from_db()
    assert card.step == steps[1] and card.state == State.REACHED
    spam_lead = LeadFactory(office=lead.office)
    spam_card = enroll(spam_lead, steps[0])
    handlers_scripts.on_lead_marked_spam(lead_id=spam_lead.pk, rule_id=1, rule_kind="stop_word")
    spam_card.refresh_from_db()
    assert spam_card.step == steps[2] and spam_card.state == State.REFUSED


def test_moves_are_checked(operator, lead):
    _script, steps = make_script("call", "reached")
    _other_script, other_steps = make_script("call")
    card = enroll(lead, steps[0])
    with pytest.raises(DomainError) as exc:
        svc.enrollment_move(actor=operator, enrollment=card, step=other_steps[0])
    assert exc.value.code == "wrong_script" and exc.value.message == "Этот шаг относится к другому скрипту."
    with pytest.raises(DomainError) as exc:
        svc.enrollment_move(actor=operator, enrollment=card, step=steps[0])
    assert exc.value.code == "same_step"
    assert not ScriptMove.objects.exists()


@pytest.mark.parametrize("role, allowed", [
    ("operator", True), ("sales", True), ("office_head", True), ("admin", True),
    ("lawyer", False), ("finance", False), ("hr", False), ("marketer", False),
])
def test_who_may_move_cards(make_staff, role, allowed, lead):
    user = make_staff(role)
    _script, steps = make_script("call", "handover")
    card = enroll(lead, steps[0])
    if allowed:
        assert svc.enrollment_move(actor=user, enrollment=card, step=steps[1]).state == State.HANDED_OVER
    else:
        with pytest.raises(DomainError) as exc:
            svc.enrollment_move(actor=user, enrollment=card, step=steps[1])
        assert exc.value.code == "access_denied"


def test_cards_of_another_office_cannot_be_moved(make_staff, other_office, lead):
    stranger = make_staff("operator", offices=[other_office])
    _script, steps = make_script("call", "handover")
    card = enroll(lead, steps[0])
    with pytest.raises(DomainError) as exc:
        svc.enrollment_move(actor=stranger, enrollment=card, step=steps[1])
    assert exc.value.code == "access_denied"
    card.refresh_from_db()
    assert card.step == steps[0] and not ScriptMove.objects.exists()


def test_manual_enrolment_needs_the_permission_and_steps(make_staff, lead):
    lawyer = make_staff("lawyer")
    script, _ = make_script("call")
    with pytest.raises(DomainError):
        svc.lead_enroll(actor=lawyer, lead=lead, script=script)
    empty, _ = make_script()
    with pytest.raises(DomainError) as exc:
        svc.lead_enroll(actor=None, lead=lead, script=empty)
    assert exc.value.code == "script_empty"


def test_advertising_steps_send_only_to_those_who_agreed(office):
    _script, steps = make_script("whatsapp", "call")
    steps[0].is_advertising = True
    steps[0].save()
    agreed = LeadFactory(office=office, consent_ads=True)
    refused = LeadFactory(office=office, consent_ads=False)
    for lead in (agreed, refused):
        svc.lead_enroll(actor=None, lead=lead, script=steps[0].script)
    assert svc.advance_due_enrollments() == 2
    assert ScriptMessage.objects.get(lead=agreed).status == "taken"
    assert ScriptMessage.objects.get(lead=refused).status == "cancelled"
    assert set(ScriptEnrollment.objects.values_list("step", flat=True)) == {steps[1].pk}


def test_the_scheduler_runs_the_job_by_its_hooks_path(lead):
    from legal_crm.core import scheduler

    _script, steps = make_script("sms", "call")
    svc.lead_enroll(actor=None, lead=lead, script=steps[0].script)
    assert scheduler.run_job("legal_crm.leads.jobs_scripts.advance_scripts") == 1
    assert scheduler.run_job("legal_crm.leads.jobs_scripts.advance_scripts") == 0
    assert "cron */5 * * * *:legal_crm.leads.jobs_scripts.advance_scripts" in scheduler.beat_schedule()


@pytest.mark.django_db(transaction=True)
def test_two_handlers_entering_one_lead_at_once_make_one_card(office):
    from django.db import connection

    from legal_crm.core.tests.parallel import at_once
    from legal_crm.leads.reference import load_reference_data

    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs MariaDB")
    load_reference_data()
    lead = LeadFactory(office=office)
    _script, steps = make_script("call", "reached")
    results, errors = at_once(lambda _i: svc.lead_enroll(actor=None, lead=lead, script=steps[0].script), 4)
    assert errors == []
    assert len([r for r in results if r is not None]) == 1
    assert ScriptEnrollment.objects.filter(lead=lead).count() == 1
    assert ScriptMove.objects.filter(enrollment__lead=lead).count() == 1


def _clean_errors(obj) -> dict:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        obj.full_clean()
    return err.value.message_dict


@pytest.mark.parametrize("kind", ["sms", "whatsapp"])
def test_a_message_step_needs_a_text(kind):
    _script, steps = make_script(kind)
    steps[0].message_text = "  "
    assert "нужен текст сообщения" in _clean_errors(steps[0])["message_text"][0]


def test_unknown_substitutions_in_a_message_are_named():
    _script, steps = make_script("sms")
    steps[0].message_text = "{first_name}, ждём вас: {office_address}, {office_phone}. {имя} {date} {date}"
    message = _clean_errors(steps[0])["message_text"][0]
    assert message == "Неизвестные метки: {имя}, {date}. Выберите метку из списка."
    steps[0].message_text = "{name}, {first_name}: {phone}, {office}, {office_address}, {office_phone}"
    steps[0].full_clean()
    steps[0].message_text = "Текст без подстановок"
    steps[0].full_clean()


def test_a_refusal_reason_must_fit_the_refusal_status():
    _script, steps = make_script("refuse")
    step = steps[0]
    step.refusal_status = status("refusal_expensive")
    step.refusal_reason = RefusalReason.objects.get(code="later")  # a reason of «не готов сейчас»
    message = _clean_errors(step)["refusal_reason"][0]
    assert "«Решит позже» не подходит к статусу «Отказ: дорого»" in message
    step.refusal_reason = RefusalReason.objects.get(code="price")
    step.full_clean()
    step.refusal_reason = RefusalReason.objects.get(code="other")  # no statuses: fits any
    step.full_clean()
    step.refusal_status = None
    assert "вместе со статусом" in _clean_errors(step)["refusal_reason"][0]


def test_an_active_script_needs_a_start_event():
    script, _steps = make_script("call", name="Без запуска")
    errors = _clean_errors(script)
    assert "событие запуска" in errors["__all__"][0]
    script.is_active = False
    script.full_clean()
    script.is_active, script.start_on_planned_call = True, True
    script.full_clean()
