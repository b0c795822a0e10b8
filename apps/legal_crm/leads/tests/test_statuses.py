import datetime

import pytest
from django.utils import timezone

from legal_crm import hooks
from legal_crm.core.errors import DomainError
from legal_crm.leads import services
from legal_crm.leads.models import Lead, LeadStatus, LeadStatusLog, LeadType, RefusalReason
from legal_crm.leads.reference import LEAD_TYPES
from legal_crm.leads.tests.factories import LeadFactory, status


@pytest.mark.django_db
def test_reference_data_shipped_by_migration():
    assert LeadType.objects.count() == 16 == len(LEAD_TYPES)
    assert {"online", "incoming_call", "missed_call", "cold_call", "walk_in", "social", "messenger", "cross_sale",
            "partners", "online_lawyer", "dropped_call", "ready_client", "whatsapp", "telegram", "marketing",
            "partner_programme"} == set(LeadType.objects.values_list("code", flat=True))
    assert LeadStatus.objects.filter(is_initial=True).count() == 1
    assert LeadStatus.objects.filter(is_refusal=True).count() >= 5
    assert LeadStatus.objects.filter(is_spam=True).exists() and LeadStatus.objects.filter(is_converted=True).exists()


def test_events_declared():
    for name in ("leads.lead_created", "leads.lead_status_changed", "leads.lead_reengaged", "leads.clients_merged",
                 "leads.lead_assigned", "leads.lead_marked_spam", "leads.lead_contact_added"):
        assert name in hooks.DOC_EVENTS
    assert "legal_crm.leads.jobs.reengage_refused_leads" in hooks.SCHEDULER_EVENTS["daily"]


@pytest.mark.django_db
def test_allowed_move_logged_and_event_emitted(make_staff, office, django_capture_on_commit_callbacks, monkeypatch):
    calls = []
    monkeypatch.setitem(hooks.DOC_EVENTS, "leads.lead_status_changed", ["x.y"])
    monkeypatch.setattr("legal_crm.core.events.call_handler", lambda path, event, payload: calls.append(payload))
    from legal_crm.core import jobs as core_jobs

    monkeypatch.setattr(core_jobs.run_event_handler, "apply_async",
                        lambda args, **options: calls.append(args[2]), raising=False)
    operator = make_staff("operator")
    lead = LeadFactory(office=office)
    with django_capture_on_commit_callbacks(execute=True):
        services.lead_set_status(actor=operator, lead=lead, status=status("in_work"), comment="позвонил")
    lead.refresh_from_db()
    assert lead.status.code == "in_work"
    log = LeadStatusLog.objects.get(lead=lead)
    assert (log.from_status.code, log.to_status.code, log.actor, log.comment) == ("new", "in_work", operator, "позвонил")
    assert calls and calls[0]["to_status"] == "in_work" and calls[0]["from_status"] == "new"


@pytest.mark.django_db
def test_disallowed_move_refused(make_staff, office):
    operator = make_staff("operator")
    lead = LeadFactory(office=office, status=status("converted"))
    with pytest.raises(DomainError) as err:
        services.lead_set_status(actor=operator, lead=lead, status=status("in_work"))
    assert err.value.code == "transition_not_allowed" and "status" in err.value.fields
    lead = LeadFactory(office=office)
    with pytest.raises(DomainError) as err:
        services.lead_set_status(actor=operator, lead=lead, status=status("new"))
    assert err.value.code == "same_status"


@pytest.mark.django_db
def test_leaving_spam_is_a_restore_with_its_own_permission(make_staff, office):
    operator, head = make_staff("operator"), make_staff("office_head")
    assert not operator.has_perm("leads.restore_spam") and head.has_perm("leads.restore_spam")
    lead = LeadFactory(office=office, status=status("spam"), is_spam=True, assigned_to=None)
    with pytest.raises(DomainError) as err:
        services.lead_set_status(actor=operator, lead=lead, status=status("new"))
    assert err.value.code == "access_denied"
    lead.refresh_from_db()
    assert lead.is_spam and lead.status.code == "spam"
    services.lead_set_status(actor=head, lead=lead, status=status("new"))
    lead.refresh_from_db()
    assert not lead.is_spam and lead.status.code == "new"
    assert lead.assigned_to is not None  # distributed like a new lead


@pytest.mark.django_db
def test_client_status_only_through_conversion(make_staff, office):
    operator = make_staff("operator")
    lead = LeadFactory(office=office, status=status("in_work"))
    assert "converted" not in [s.code for s in services.allowed_next_statuses(lead)]
    with pytest.raises(DomainError) as err:
        services.lead_set_status(actor=operator, lead=lead, status=status("converted"))
    assert err.value.code == "conversion_required" and "status" in err.value.fields
    lead.refresh_from_db()
    assert lead.status.code == "in_work" and lead.client_id is None


@pytest.mark.django_db
def test_refusal_needs_reason_fitting_the_status(make_staff, office):
    operator = make_staff("operator")
    lead = LeadFactory(office=office, status=status("in_work"))
    with pytest.raises(DomainError) as err:
        services.lead_set_status(actor=operator, lead=lead, status=status("refusal_expensive"))
    assert err.value.code == "reason_required" and "refusal_reason" in err.value.fields
    with pytest.raises(DomainError) as err:
        services.lead_set_status(actor=operator, lead=lead, status=status("refusal_expensive"),
                                 reason=RefusalReason.objects.get(code="competitor"))
    assert err.value.code == "reason_not_for_status"
    services.lead_set_status(actor=operator, lead=lead, status=status("refusal_expensive"),
                             reason=RefusalReason.objects.get(code="price"))
    lead.refresh_from_db()
    assert lead.refusal_reason.code == "price"
    # Reasons fitting any refusal ("other") are accepted everywhere.
    lead2 = LeadFactory(office=office, status=status("in_work"))
    services.lead_set_status(actor=operator, lead=lead2, status=status("refusal_not_ready"),
                             reason=RefusalReason.objects.get(code="other"))


@pytest.mark.django_db
def test_status_change_needs_permission_and_scope(make_staff, office, other_office):
    lead = LeadFactory(office=other_office)
    with pytest.raises(DomainError):
        services.lead_set_status(actor=make_staff("operator"), lead=lead, status=status("in_work"))
    with pytest.raises(DomainError):
        services.lead_set_status(actor=make_staff("hr"), lead=LeadFactory(office=office), status=status("in_work"))


@pytest.mark.django_db
def test_reengagement_job_reopens_after_n_days(office):
    from legal_crm.leads.jobs import reengage_refused_leads

    refused = status("refusal_not_ready")  # 14 days
    old = LeadFactory(office=office, status=refused,
                      status_changed_at=timezone.now() - datetime.timedelta(days=15))
    fresh = LeadFactory(office=office, status=refused,
                        status_changed_at=timezone.now() - datetime.timedelta(days=3))
    final = LeadFactory(office=office, status=status("refusal_not_target"),
                        status_changed_at=timezone.now() - datetime.timedelta(days=400))
    assert reengage_refused_leads() == 1
    assert reengage_refused_leads() == 0  # idempotent
    assert Lead.objects.get(pk=old.pk).status.code == "new"
    assert Lead.objects.get(pk=fresh.pk).status == refused
    assert Lead.objects.get(pk=final.pk).status.code == "refusal_not_target"
    assert LeadStatusLog.objects.filter(lead=old, to_status__code="new").exists()
    assert old.assignments.filter(reason="reengage").exists()


# --- configuration of the statuses in the desk ---------------------------------------------------------

def _clean_errors(obj) -> dict:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        obj.full_clean()
    return err.value.message_dict


def _status_form(obj: LeadStatus, *transitions: LeadStatus, **changes) -> dict:
    """The status change form as the desk posts it, with new rows of transitions out of the status."""
    data = {"code": obj.code, "name": obj.name, "order": obj.order, "color": obj.color,
            "reengage_after_days": obj.reengage_after_days or "",
            "reengage_status": obj.reengage_status_id or ""}
    for flag in ("is_initial", "is_open", "is_refusal", "needs_reason", "is_final", "is_spam", "is_converted",
                 "is_active"):
        if getattr(obj, flag):
            data[flag] = "on"
    data.update({"transitions_out-TOTAL_FORMS": str(len(transitions)), "transitions_out-INITIAL_FORMS": "0",
                 "transitions_out-MIN_NUM_FORMS": "0", "transitions_out-MAX_NUM_FORMS": "1000"})
    for index, target in enumerate(transitions):
        data[f"transitions_out-{index}-to_status"] = str(target.pk)
        data[f"transitions_out-{index}-from_status"] = str(obj.pk)
    data.update(changes)
    return data


def _desk(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_transition_to_the_same_status_is_a_form_error_not_a_500(admin_user):
    from django.urls import reverse

    converted = status("converted")
    url = reverse("admin:leads_leadstatus_change", args=[converted.pk])
    response = _desk(admin_user).post(url, data=_status_form(converted, converted))
    assert response.status_code == 200
    assert "Переход из статуса в него же не нужен" in response.content.decode()
    assert not converted.transitions_out.exists()


@pytest.mark.django_db
def test_a_duplicate_transition_names_the_field_in_russian(admin_user):
    from django.urls import reverse

    converted, in_work = status("converted"), status("in_work")
    url = reverse("admin:leads_leadstatus_change", args=[converted.pk])
    response = _desk(admin_user).post(url, data=_status_form(converted, in_work, in_work))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Исправьте повторяющееся значение поля «В статус»: каждый переход указывается один раз." in html
    assert "данные для поля to_status" not in html and "for to_status" not in html
    assert not converted.transitions_out.exists()
    response = _desk(admin_user).post(url, data=_status_form(converted, in_work))
    assert response.status_code == 302 and list(converted.transitions_out.values_list("to_status", flat=True)) == [
        in_work.pk]


@pytest.mark.django_db
def test_reengagement_is_configured_on_refusal_statuses_only():
    thinking = status("thinking")
    thinking.reengage_after_days = 10
    assert "только статусам отказа" in _clean_errors(thinking)["reengage_after_days"][0]
    expensive = status("refusal_expensive")
    for target in ("spam", "refusal_not_ready", "converted", "refusal_expensive"):
        expensive.reengage_status = status(target)
        assert f"«{status(target).name}» для этого не подходит" in _clean_errors(expensive)["reengage_status"][0]
    expensive.reengage_status = status("callback")
    expensive.full_clean()


@pytest.mark.django_db
def test_only_one_status_is_initial(admin_user):
    from django.urls import reverse

    in_work = status("in_work")
    in_work.is_initial = True
    assert "Начальный статус уже есть: «Новый»" in _clean_errors(in_work)["is_initial"][0]
    status("new").full_clean()
    url = reverse("admin:leads_leadstatus_change", args=[in_work.pk])
    response = _desk(admin_user).post(url, data=_status_form(status("in_work"), is_initial="on"))
    assert response.status_code == 200 and "Начальный статус уже есть: «Новый»" in response.content.decode()
    assert LeadStatus.objects.filter(is_initial=True).count() == 1


def test_every_shipped_status_has_flags_that_agree():
    """The statuses shipped by the migration (and reused by demo and tests) pass the rule they must keep."""
    from legal_crm.leads.reference import LEAD_STATUSES

    for code, name, flags in LEAD_STATUSES:
        assert LeadStatus(code=code, name=name, **flags).flag_conflicts() == [], code


@pytest.mark.django_db
def test_the_loaded_statuses_pass_their_own_validation():
    for shipped in LeadStatus.objects.all():
        shipped.full_clean()


@pytest.mark.django_db
def test_contradictory_flags_are_refused_in_words():
    """A status could be spam, client and final at once: each contradiction is its own Russian error."""
    spam = status("spam")
    spam.is_converted = True
    assert "одновременно спамом и клиентом" in _clean_errors(spam)["is_converted"][0]
    spam.is_converted, spam.is_refusal = False, True
    assert "одновременно спамом и отказом" in _clean_errors(spam)["is_refusal"][0]
    converted = status("converted")
    converted.is_refusal = True
    assert "одновременно отказом и клиентом" in _clean_errors(converted)["is_refusal"][0]
    converted.is_refusal, converted.is_open = False, True
    assert "не бывают «в работе»" in _clean_errors(converted)["is_open"][0]
    new = status("new")
    new.is_spam, new.is_final = True, True
    errors = _clean_errors(new)
    assert errors["is_initial"] == ["Начальный статус получают новые лиды, он не может быть отмечен как «спам», "
                                    "«конечный»."]
    thinking = status("thinking")
    thinking.needs_reason = True
    assert "только в статусах отказа" in _clean_errors(thinking)["needs_reason"][0]
    expensive = status("refusal_expensive")
    expensive.is_open = True
    assert _clean_errors(expensive)["is_open"] == [
        "Статус отказа не бывает «в работе»: отказавшийся лид считался бы в нагрузке оператора. Снимите отметку "
        "«в работе» (лид вернётся в работу сам, если задан возврат через N дней)."]
    not_target = status("refusal_not_target")  # final and refusal: one message, not two
    not_target.is_open = True
    assert len(_clean_errors(not_target)["is_open"]) == 1


@pytest.mark.django_db
def test_the_desk_refuses_a_status_that_is_spam_client_and_final_at_once(admin_user):
    from django.urls import reverse

    spam = status("spam")
    url = reverse("admin:leads_leadstatus_change", args=[spam.pk])
    response = _desk(admin_user).post(url, data=_status_form(spam, is_converted="on", is_final="on"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Статус не может быть одновременно спамом и клиентом" in html
    spam.refresh_from_db()
    assert not spam.is_converted and not spam.is_final
    add = _desk(admin_user).post(reverse("admin:leads_leadstatus_add"), data={
        **_status_form(LeadStatus(code="junk_client", name="Мусорный клиент", order=5, color="#000000",
                                  is_active=True), is_spam="on", is_converted="on"),
        "transitions_out-TOTAL_FORMS": "0"})
    assert add.status_code == 200 and "одновременно спамом и клиентом" in add.content.decode()
    assert not LeadStatus.objects.filter(code="junk_client").exists()
    fine = _desk(admin_user).post(url, data=_status_form(spam, is_final="on"))
    assert fine.status_code == 302


# --- the re-engagement period and the colour are bounded --------------------------------------------------------

REENGAGE_ERROR = ("Укажите число дней от 1 до 3650 (десять лет) или оставьте поле пустым, чтобы не возвращать "
                  "лиды в работу автоматически.")


@pytest.mark.django_db
def test_the_reengagement_period_is_one_day_to_ten_years():
    expensive = status("refusal_expensive")
    for days in (0, 3651, 99_999_999_999):
        expensive.reengage_after_days = days
        assert _clean_errors(expensive)["reengage_after_days"] == [REENGAGE_ERROR], days
    for days in (1, 3650, None):
        expensive.reengage_after_days = days
        expensive.full_clean()


@pytest.mark.django_db
def test_the_desk_refuses_a_reengagement_period_past_ten_years_in_words(admin_user):
    from django.urls import reverse

    add_url = reverse("admin:leads_leadstatus_add")
    new = LeadStatus(code="refusal_later", name="Отказ: позже", order=50, color="#a16207", is_refusal=True,
                     is_open=False, is_active=True)
    for days in ("99999999999", "-5", "0"):
        response = _desk(admin_user).post(add_url, data=_status_form(new, reengage_after_days=days))
        html = response.content.decode()
        assert response.status_code == 200, days
        assert REENGAGE_ERROR in html, days
        assert "больше либо равно" not in html and "меньше либо равно" not in html, days
    assert not LeadStatus.objects.filter(code="refusal_later").exists()
    page = _desk(admin_user).get(add_url).content.decode()
    assert 'min="1"' in page and 'max="3650"' in page
    response = _desk(admin_user).post(add_url, data=_status_form(new, reengage_after_days="3650"))
    assert response.status_code == 302
    assert LeadStatus.objects.get(code="refusal_later").reengage_after_days == 3650


@pytest.mark.django_db
def test_the_database_refuses_a_period_out_of_range_in_words():
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("ru"), pytest.raises(ValidationError) as exc:
        LeadStatus(code="x", name="x", is_refusal=True, reengage_after_days=5000).validate_constraints()
    assert REENGAGE_ERROR in exc.value.messages


@pytest.mark.django_db
def test_the_reengagement_job_skips_a_status_it_cannot_date_and_brings_back_the_others(office, monkeypatch, caplog):
    """A period with no date (saved before the bound) stopped the job at that status: no refused lead of any
    status came back. It is logged and skipped."""
    from legal_crm.leads.jobs import reengage_refused_leads

    expensive, not_ready = status("refusal_expensive"), status("refusal_not_ready")
    stuck = LeadFactory(office=office, status=expensive, status_changed_at=timezone.now() - datetime.timedelta(days=400))
    due = LeadFactory(office=office, status=not_ready, status_changed_at=timezone.now() - datetime.timedelta(days=15))
    real_filter = LeadStatus.objects.filter

    def with_a_typo_first(*args, **kwargs):
        rows = real_filter(*args, **kwargs)
        if not kwargs.get("is_refusal"):
            return rows
        rows = sorted(rows, key=lambda s: s.pk != expensive.pk)
        rows[0].reengage_after_days = 99_999_999_999
        return rows

    monkeypatch.setattr(LeadStatus.objects, "filter", with_a_typo_first)
    with caplog.at_level("WARNING", logger="legal_crm.leads.services.statuses"):
        assert reengage_refused_leads() == 1
    assert Lead.objects.get(pk=due.pk).status.code == "new"
    assert Lead.objects.get(pk=stuck.pk).status == expensive
    assert "refusal_expensive" in caplog.text and "99999999999" in caplog.text


@pytest.mark.django_db
def test_a_status_colour_is_a_web_colour(admin_user):
    from django.urls import reverse

    message = "Укажите цвет как на веб-странице: решётка и шесть шестнадцатеричных цифр, например #2563eb."
    thinking = status("thinking")
    for color in ("not a color", "red", "#12345", "#gggggg", "2563eb"):
        thinking.color = color
        assert message in _clean_errors(thinking)["color"], color
    thinking.color = "#A0b1C2"
    thinking.full_clean()
    url = reverse("admin:leads_leadstatus_change", args=[status("thinking").pk])
    response = _desk(admin_user).post(url, data=_status_form(status("thinking"), color="not a c"))
    assert response.status_code == 200 and message in response.content.decode()
    assert status("thinking").color == "#7c3aed"


@pytest.mark.django_db
def test_a_new_refusal_status_left_in_work_by_default_is_refused_on_the_checkbox(admin_user):
    """«в работе» is ticked on a new status: a refusal saved so counted its refused leads in the operator's load."""
    from django.urls import reverse

    add_url = reverse("admin:leads_leadstatus_add")
    new = LeadStatus(code="refusal_later", name="Отказ: позже", order=50, color="#a16207", is_refusal=True,
                     is_open=True, is_active=True)
    response = _desk(admin_user).post(add_url, data=_status_form(new))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["is_open"] == [
        "Статус отказа не бывает «в работе»: отказавшийся лид считался бы в нагрузке оператора. Снимите отметку "
        "«в работе» (лид вернётся в работу сам, если задан возврат через N дней)."]
    assert not LeadStatus.objects.filter(code="refusal_later").exists()
    new.is_open = False
    assert _desk(admin_user).post(add_url, data=_status_form(new)).status_code == 302
