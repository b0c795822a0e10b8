"""Demo notifications: a few unread ones in the demo users' bells, and the operators' quiet hours and digest.
Looked up by natural keys (find_or_create): a second run adds nothing, an administrator's settings are kept."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.translation import gettext as _

from legal_crm.core.seeding import find_or_create

from ..models import Notification, NotificationSchedule
from . import counter

# login, kind, title, text, link
DEMO = [
    ("operator", "leads.lead_assigned", _("Вам передан лид"), _("Новый лид с сайта: перезвоните в течение 15 минут."),
     "/admin/leads/lead/"),
    ("operator", "leads.call_due", _("Пора звонить"), _("Запланированный звонок клиенту: уточнить долги по анкете."),
     "/admin/leads/plannedcall/"),
    ("office_head", "contracts.contract_signed", _("Подписан договор"), _("Договор банкротства подписан в офисе."),
     "/admin/contracts/contract/"),
    ("finance", "billing.invoices_overdue", _("Просрочены счета офиса"), _("Проверьте оплаты по просроченным счетам."),
     "/admin/billing/invoice/?is_overdue__exact=1"),
    ("lawyer", "quality.complaint_assigned", _("Вам назначена жалоба"), _("Клиент жалуется на сроки: ответьте до срока."),
     "/admin/quality/complaint/"),
]


def seed() -> str:
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in={row[0] for row in DEMO})}
    made = 0
    for login, kind, title, text, link in DEMO:
        user = users.get(login)
        if user is None:
            continue
        _row, created = find_or_create(Notification, {"user": user, "kind": kind, "subject_type": "demo",
                                                      "subject_id": kind}, {"title": title, "text": text, "link": link})
        made += created
    counter.recount([u.pk for u in users.values()])  # rows written directly, not through notify()
    operators = Group.objects.filter(name="Операторы колл-центра").first()
    if operators is not None:
        find_or_create(NotificationSchedule, {"group": operators}, {
            "quiet_from": datetime.time(22), "quiet_to": datetime.time(8), "digest_at": datetime.time(9),
            "digest_after_hours": 24})
    return f"уведомлений: {Notification.objects.filter(subject_type='demo').count()} (новых {made})"
