"""Writes of campaigns: the draft, the start (recipients frozen, cost planned), pause, resume and cancel.

Queueing the messages is the dispatcher's (dispatch.py), run by the scheduler every minute.
"""

from __future__ import annotations

import datetime
import re

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.guard import ensure
from legal_crm.org.selectors import office_ids_visible_to

from . import audience, perms
from .cost import SUBJECT_TYPE, estimate
from .models import DAILY_LIMIT_ERROR, DAILY_LIMIT_MAX, DAILY_LIMIT_MIN, Campaign, CampaignRecipient
from .render import campaign_text, render
from .selectors import campaign_list_visible_to

AUDITED = ("name", "office_id", "kind", "text", "is_advertising", "audience", "segment", "debt_min",
           "last_contact_after", "last_contact_before", "starts_at", "daily_limit", "weekdays", "hours_from",
           "hours_to")
MAX_TEXT = 2000


def _on(field: str, message: str) -> tuple[str, dict]:
    """(message, {field: message}): a refusal shown on the form's field as well."""
    return message, {field: message}


def _snapshot(campaign: Campaign) -> dict:
    return {f: (str(v) if v is not None and not isinstance(v, (bool, int, str)) else v)
            for f in AUDITED for v in [getattr(campaign, f)]}


def _ensure_office(actor, office_id) -> None:
    ids = office_ids_visible_to(actor)
    if ids is not None and office_id not in ids:
        raise DomainError("access_denied", *_on("office", _(
            "Выберите свой офис: рассылку по всем офисам создаёт тот, кому доступны все офисы.")))


def _locked(actor, campaign: Campaign) -> Campaign:
    """The campaign under its row lock, if the actor may see it (another office's is "not found")."""
    visible = actor is None or campaign_list_visible_to(actor).filter(pk=campaign.pk).exists()
    row = Campaign.objects.select_for_update().filter(pk=campaign.pk).first() if visible else None
    if row is None:
        raise DomainError("not_found", _("Рассылка не найдена или вам недоступна."))
    return row


def validate(campaign: Campaign) -> None:
    from legal_crm.messaging import tags

    if not (campaign.name or "").strip():
        raise DomainError("name_required", *_on("name", _("Назовите рассылку.")))
    if campaign.kind not in Campaign.Kind.values:
        raise DomainError("bad_kind", *_on("kind", _("Выберите канал: SMS, WhatsApp или e-mail.")))
    text = campaign_text(campaign)
    if not text:
        raise DomainError("text_required", *_on("text", _("Введите текст рассылки или выберите шаблон.")))
    if len(text) > MAX_TEXT:
        raise DomainError("text_required", *_on("text", _("Текст длиннее %(n)s символов.") % {"n": MAX_TEXT}))
    tags.validate(text)
    if campaign.audience not in Campaign.Audience.values:
        raise DomainError("no_audience", *_on("audience", _("Выберите, кому рассылка: лидам, клиентам или всем.")))
    if campaign.debt_min is not None and campaign.audience == Campaign.Audience.LEADS:
        raise DomainError("no_audience", *_on("debt_min", _(
            "Долг есть только у клиентов: выберите клиентов в «Кому».")))
    if campaign.debt_min is not None and campaign.debt_min < 0:
        raise DomainError("bad_limit", *_on("debt_min", _("Сумма долга не может быть отрицательной.")))
    campaign.weekdays = weekdays_parse(campaign.weekdays or "")
    if campaign.hours_from is None or campaign.hours_to is None or campaign.hours_from >= campaign.hours_to:
        raise DomainError("bad_hours", *_on("hours_to", _(
            "Время «до» должно быть позже времени «с» (в пределах суток).")))
    if campaign.daily_limit is not None and not DAILY_LIMIT_MIN <= campaign.daily_limit <= DAILY_LIMIT_MAX:
        raise DomainError("bad_limit", *_on("daily_limit", str(DAILY_LIMIT_ERROR)))
    if (campaign.last_contact_after and campaign.last_contact_before
            and campaign.last_contact_after > campaign.last_contact_before):
        raise DomainError("bad_period", *_on("last_contact_before", _("Конец периода раньше начала.")))


# What people put between the days' numbers: «1,2,3», «1 2 3», «1; 3; 5».
_WEEKDAY_SEPARATORS = re.compile(r"[\s,;]+")


def weekdays_parse(text: str) -> str:
    """The sending days as stored: digits 1 (Monday) … 7 (Sunday), each once, in order («531», «1, 3, 5» and
    «1 3 5» are «135»). A digit that names no day («89») is named in the refusal; any other sign («пн-пт», «1-5»)
    gets the plain rule — nothing is dropped or guessed."""
    rule = _("Дни недели — цифры от 1 (понедельник) до 7 (воскресенье), каждая один раз.")
    days = "".join(_WEEKDAY_SEPARATORS.split(text.strip()))
    if not all(ch.isascii() and ch.isdigit() for ch in days):
        raise DomainError("bad_weekdays", *_on("weekdays", _(
            "Пишите номера дней цифрами подряд, например 12345 (1 — понедельник … 7 — воскресенье).")))
    junk = list(dict.fromkeys(ch for ch in days if ch not in "1234567"))
    if junk:
        shown = ", ".join(f"«{ch}»" for ch in junk)
        raise DomainError("bad_weekdays", *_on("weekdays", _("Нет такого дня недели: %(days)s. %(rule)s") % {
            "days": shown, "rule": rule}))
    if not days or len(set(days)) != len(days):
        raise DomainError("bad_weekdays", *_on("weekdays", rule))
    return "".join(sorted(days))


@transaction.atomic
def campaign_save(*, actor, campaign: Campaign, statuses=None, services=None, tags=None) -> Campaign:
    """Create a draft or change it (only a draft changes: a started campaign's audience is frozen)."""
    creating = campaign.pk is None
    ensure(actor, perms.ADD_CAMPAIGN if creating else perms.CHANGE_CAMPAIGN)
    before = None
    if not creating:
        old = _locked(actor, campaign)
        if old.status != Campaign.Status.DRAFT:
            raise DomainError("wrong_status", _("Изменить можно только черновик рассылки."))
        before = _snapshot(old)
        campaign.status = old.status
    _ensure_office(actor, campaign.office_id)
    validate(campaign)
    if creating:
        campaign.created_by = actor
        campaign.status = Campaign.Status.DRAFT
    campaign.save()
    for name, values in (("statuses", statuses), ("services", services), ("tags", tags)):
        if values is not None:
            getattr(campaign, name).set(values)
    audit(actor=actor, action="campaigns.create" if creating else "campaigns.update", obj=campaign, before=before,
          after=_snapshot(campaign))
    return campaign


def preview(*, actor, campaign: Campaign, first: int = 20) -> dict:
    """Who the campaign would reach now and what they would get (the first `first`), with the counts and the
    planned cost. Reads only: nothing is frozen."""
    ensure(actor, perms.VIEW_CAMPAIGN)
    rows = audience.recipients(actor, campaign)
    return _plan(campaign, rows, first=first)


def _plan(campaign: Campaign, rows: list[CampaignRecipient], *, first: int) -> dict:
    pending = [r for r in rows if r.status == CampaignRecipient.Status.PENDING]
    texts = render(campaign, pending) if pending else []
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    cost = estimate(campaign.kind, texts, sample_to=pending[0].address if pending else None,
                    office_id=pending[0].office_id if pending else campaign.office_id)
    return {"rows": rows, "counts": counts, "sample": list(zip(pending[:first], texts[:first], strict=True)),
            "estimate": cost, "total": len(rows), "to_send": len(pending)}


@transaction.atomic
def campaign_start(*, actor, campaign: Campaign, now: datetime.datetime | None = None) -> Campaign:
    """Freeze the recipients, plan the cost and hand the campaign to the dispatcher (at `starts_at`, else now)."""
    ensure(actor, perms.RUN_CAMPAIGN)
    now = now or timezone.now()
    campaign = _locked(actor, campaign)
    if campaign.status != Campaign.Status.DRAFT:
        raise DomainError("wrong_status", _("Запустить можно только черновик рассылки."))
    validate(campaign)
    if campaign.starts_at and campaign.starts_at < now - datetime.timedelta(minutes=5):
        raise DomainError("start_in_past", *_on("starts_at", _(
            "Время начала уже прошло: укажите будущее или оставьте пустым.")))
    rows = audience.recipients(actor, campaign)
    plan = _plan(campaign, rows, first=0)
    if not plan["to_send"]:
        raise DomainError("empty_audience", _("Некому отправлять: под условия не подошёл ни один получатель "
                                              "(или все без согласия, отказались, без адреса)."))
    _insert_recipients(campaign.pk, rows)
    campaign.planned_cost = plan["estimate"].total
    campaign.cost_source = str(plan["estimate"].source)[:200]
    campaign.started_at = now
    campaign.status = (Campaign.Status.SCHEDULED if campaign.starts_at and campaign.starts_at > now
                       else Campaign.Status.RUNNING)
    campaign.save(update_fields=["planned_cost", "cost_source", "started_at", "status", "updated_at"])
    audit(actor=actor, action="campaigns.start", obj=campaign,
          after={"status": campaign.status, "recipients": len(rows), "to_send": plan["to_send"],
                 "planned_cost": str(campaign.planned_cost)})
    emit("campaigns.campaign_started", campaign_id=campaign.pk, recipients=plan["to_send"])
    return campaign


RECIPIENT_COLUMNS = ("address", "name", "office_id", "lead_id", "counterparty_id", "contract_id", "region", "status")


def _insert_recipients(campaign_id: int, rows: list[CampaignRecipient], chunk: int = 2000) -> None:
    """The frozen recipients by multi-row INSERTs (the ORM's bulk_create prepared every field of 100,000 rows in
    Python: most of a large campaign's start)."""
    qn = connection.ops.quote_name
    head = (f"INSERT INTO {qn(CampaignRecipient._meta.db_table)} "
            f"({qn('campaign_id')}, {', '.join(qn(c) for c in RECIPIENT_COLUMNS)}) VALUES ")
    one = f"({int(campaign_id)}, " + ", ".join(["%s"] * len(RECIPIENT_COLUMNS)) + ")"
    with connection.cursor() as cursor:
        for i in range(0, len(rows), chunk):
            part = rows[i:i + chunk]
            cursor.execute(head + ", ".join([one] * len(part)),
                           [v for r in part for v in (r.address, r.name, r.office_id, r.lead_id, r.counterparty_id,
                                                      r.contract_id, r.region, r.status)])


def _move(actor, campaign: Campaign, *, allowed: tuple, to: str, action: str, refusal: str,
          also=None) -> Campaign:
    ensure(actor, perms.RUN_CAMPAIGN)
    campaign = _locked(actor, campaign)
    if campaign.status not in allowed:
        raise DomainError("wrong_status", refusal)
    before = campaign.status
    campaign.status = to
    fields = ["status", "updated_at"]
    if to in (Campaign.Status.CANCELLED, Campaign.Status.FINISHED):
        campaign.finished_at = timezone.now()
        fields.append("finished_at")
    campaign.save(update_fields=fields)
    after = {"status": to, **(also(campaign) if also else {})}
    audit(actor=actor, action=action, obj=campaign, before={"status": before}, after=after)
    return campaign


@transaction.atomic
def campaign_pause(*, actor, campaign: Campaign) -> Campaign:
    campaign = _move(actor, campaign, allowed=(Campaign.Status.SCHEDULED, Campaign.Status.RUNNING),
                     to=Campaign.Status.PAUSED, action="campaigns.pause",
                     refusal=_("Приостановить можно только идущую или запланированную рассылку."))
    emit("campaigns.campaign_paused", campaign_id=campaign.pk)
    return campaign


@transaction.atomic
def campaign_resume(*, actor, campaign: Campaign) -> Campaign:
    campaign = _move(actor, campaign, allowed=(Campaign.Status.PAUSED,), to=Campaign.Status.RUNNING,
                     action="campaigns.resume", refusal=_("Продолжить можно только приостановленную рассылку."))
    emit("campaigns.campaign_resumed", campaign_id=campaign.pk)
    return campaign


@transaction.atomic
def campaign_cancel(*, actor, campaign: Campaign) -> Campaign:
    """Stop for good: waiting recipients are cancelled, and so are their messages still in the outbox queue
    (one already being sent goes out: the provider may have it)."""
    from legal_crm.messaging.services import messages_cancel

    def cancel_rest(row: Campaign) -> dict:
        pending = CampaignRecipient.objects.filter(campaign=row, status=CampaignRecipient.Status.PENDING).update(
            status=CampaignRecipient.Status.CANCELLED)
        unsent = messages_cancel(actor_or_none=actor, subject_type=SUBJECT_TYPE, subject_id=row.pk,
                                 reason=_("Рассылка отменена."))
        return {"pending_cancelled": pending, "messages_cancelled": unsent}

    campaign = _move(actor, campaign,
                     allowed=(Campaign.Status.SCHEDULED, Campaign.Status.RUNNING, Campaign.Status.PAUSED),
                     to=Campaign.Status.CANCELLED, action="campaigns.cancel", also=cancel_rest,
                     refusal=_("Отменить можно только запланированную, идущую или приостановленную рассылку."))
    emit("campaigns.campaign_cancelled", campaign_id=campaign.pk)
    return campaign
