"""The one table of document events and scheduled jobs (Frappe's hooks.py).

DOC_EVENTS: event name → dotted paths of handlers. `core.events.emit()` writes the handlers to the outbox
in the surrounding transaction, and the relay (a Celery task, in-process in the embedded default) runs them
after it commits, each in its own savepoint (core/outbox.py); a handler takes the event's payload as keyword
arguments and must be idempotent.

SCHEDULER_EVENTS: "hourly" / "daily" / "weekly" → job paths, and "cron" → {"m h dom mon dow": [...]}.
They become Celery beat's schedule; `manage.py run_job PATH` or `manage.py run_scheduled daily` run
them without a beat process (the embedded default). Times are UTC; jobs that follow an office's local
time look it up themselves. Every job is safe to run twice.

HOME_BLOCKS: blocks of the desk's home page ("My day"), each `(request) -> dict | None`.
DEMO_SEEDERS: what `manage.py seed_demo` runs, lower modules first; each is idempotent.
"""

from django.utils.translation import gettext_lazy as _

DOC_EVENTS: dict[str, list[str]] = {
    "org.employee_blocked": [
        "legal_crm.org.handlers.end_sessions_of_blocked",
        "legal_crm.org.handlers.revoke_tokens_of_blocked",
    ],
    "org.employee_status_changed": [
        "legal_crm.leads.handlers_load.recount_offices_of_employee",
    ],
    "org.offboarding_completed": [],
    "core.access_changed": [],
    # messaging: a message sent, delivered or failed; the owner of its subject ("leads.scriptmessage", …) follows it
    "messaging.message_status_changed": [
        "legal_crm.leads.scripts.handlers_messaging.on_message_status_changed",
        "legal_crm.leads.handlers_notifications.on_message_status_changed",
    ],
    # messaging: a lead or client replied (SMS, WhatsApp; not a «СТОП», which only opts out); the owners of the
    # number's lead and contracts tell the responsible employee (a person told once per message)
    "messaging.message_received": [
        "legal_crm.leads.handlers_notifications.on_message_received",
        "legal_crm.contracts.handlers_notifications.on_message_received",
    ],
    # telephony: a call starts ringing (incoming: the pop-up), ends (result answered/missed/dropped…), and the
    # employee's result after it; leads type, create or re-open leads and close planned calls through them
    "telephony.call_ringing": [],
    "telephony.call_ended": [
        "legal_crm.leads.handlers_telephony.on_call_ended",
    ],
    "telephony.call_result_saved": [
        "legal_crm.leads.handlers_telephony.on_call_result_saved",
    ],
    # leads
    "leads.lead_created": [
        "legal_crm.leads.scripts.handlers.on_lead_created",
    ],
    "leads.lead_contact_added": [],
    "leads.lead_updated": [],
    "leads.lead_assigned": [
        "legal_crm.leads.handlers_notifications.on_lead_assigned",
        "legal_crm.leads.handlers_tasks.on_lead_assigned",
    ],
    "leads.lead_status_changed": [
        "legal_crm.leads.scripts.handlers.on_lead_status_changed",
    ],
    "leads.lead_refused": [
        "legal_crm.leads.scripts.handlers.on_lead_refused",
    ],
    "leads.lead_reengaged": [
        "legal_crm.leads.scripts.handlers.on_lead_reengaged",
    ],
    "leads.lead_marked_spam": [
        "legal_crm.leads.scripts.handlers.on_lead_marked_spam",
    ],
    "leads.lead_restored_from_spam": [],
    # A refused lead applied again within the dedup window and was re-opened (services/intake.py).
    "leads.lead_reopened": [],
    "leads.lead_converted": [
        "legal_crm.leads.scripts.handlers.on_lead_converted",
    ],
    "leads.clients_merged": [
        "legal_crm.contracts.handlers.on_clients_merged",
    ],
    "leads.call_planned": [
        "legal_crm.leads.scripts.handlers.on_call_planned",
    ],
    "leads.call_done": [],
    "leads.lead_scored": [],
    "leads.segment_thresholds_changed": [
        "legal_crm.leads.handlers_questionnaire.resegment",
    ],
    "leads.script_step_entered": [],
    # marketing
    "marketing.partner_token_issued": [],
    # contracts
    "contracts.contract_created": [],
    # a draft's service changed (contract_update): payload contract_id, office_id, service_id, previous_service_id
    "contracts.contract_service_changed": [
        "legal_crm.finance.handlers_revenue.on_contract_service_changed",
    ],
    "contracts.contract_signed": [
        "legal_crm.leads.handlers_contracts.on_contract_signed",
        "legal_crm.contracts.handlers_notifications.on_contract_signed",
        "legal_crm.contracts.handlers_tasks.on_contract_signed",
        "legal_crm.portal.handlers.open_access_on_signing",
        "legal_crm.finance.handlers_bonuses.on_contract_signed",
    ],
    "contracts.contract_work_started": [
        "legal_crm.contracts.handlers_tasks.on_contract_work_started",
    ],
    "contracts.contract_completed": [
        "legal_crm.quality.reviews.handlers.on_contract_completed",
        "legal_crm.contracts.handlers_tasks.on_contract_completed",
    ],
    "contracts.stage_finished": [
        "legal_crm.quality.reviews.handlers.on_stage_finished",
    ],
    "contracts.action_published": [
        "legal_crm.portal.news.on_action_published",
    ],
    "contracts.document_published": [],
    "contracts.termination_requested": [
        "legal_crm.contracts.handlers_tasks.on_termination_requested",
    ],
    # a stage went into work (started by hand, or the next one after a stage finished)
    "contracts.stage_started": [
        "legal_crm.contracts.handlers_tasks.on_stage_started",
    ],
    # the bankruptcy case's court hearing got a date (set or moved)
    "contracts.hearing_date_set": [
        "legal_crm.contracts.handlers_tasks.on_hearing_date_set",
    ],
    # the client uploaded a document in the portal: the contract's lawyers are told
    "contracts.client_document_uploaded": [
        "legal_crm.contracts.handlers_client_uploads.notify_lawyers_of_client_upload",
    ],
    "contracts.termination_decided": [
        "legal_crm.billing.handlers.stop_billing_of_terminated",
        "legal_crm.contracts.handlers_tasks.on_termination_decided",
    ],
    # billing
    "billing.invoice_issued": [
        "legal_crm.portal.news.on_invoice_issued",
    ],
    "billing.invoice_cancelled": [],
    "billing.payment_registered": [
        "legal_crm.finance.handlers_bonuses.on_payment_registered",
        "legal_crm.finance.handlers_agents.on_payment_registered",
        "legal_crm.finance.handlers_revenue.on_payment_registered",
    ],
    "billing.payment_refunded": [
        "legal_crm.finance.handlers_agents.on_payment_refunded",
        "legal_crm.finance.handlers_revenue.on_payment_refunded",
    ],
    "billing.advance_applied": [],
    "billing.schedule_created": [],
    "billing.subscription_started": [],
    "billing.subscription_stopped": [],
    "billing.subscription_invoices_generated": [],
    "billing.invoices_overdue": [
        "legal_crm.billing.handlers_notifications.on_invoices_overdue",
    ],
    # finance
    "finance.certificate_issued": [],
    "finance.certificate_redeemed": [],
    "finance.bonus_accrued": [],
    "finance.bonuses_spent": [],
    # a payroll run approved: its total goes to the books once (payload: run_id, office_id, posting, amount, period)
    "finance.payroll_posted": ["legal_crm.finance.handlers_books.on_payroll_posted"],
    "finance.plan_submitted": ["legal_crm.finance.handlers_notifications.on_plan_submitted"],
    "finance.plan_decided": ["legal_crm.finance.handlers_notifications.on_plan_decided"],
    # quality
    "quality.complaint_filed": [],
    "quality.complaint_assigned": [
        "legal_crm.quality.handlers_notifications.on_complaint_assigned",
        "legal_crm.quality.handlers_tasks.on_complaint_assigned",
    ],
    "quality.complaint_closed": [],
    # a review left (by link, portal or recorded from a call); a negative one opens its case
    "quality.review_left": [
        "legal_crm.quality.reviews.handlers.task_for_negative",
        "legal_crm.quality.reviews.handlers.notify_negative",
    ],
    "quality.review_case_closed": [],
    # violations: recorded (by hand or by the daily job, a batch of ids), appealed by the offender, decided
    "quality.violations_recorded": [
        "legal_crm.quality.violations.handlers_notifications.on_violations_recorded",
    ],
    "quality.violation_appealed": [
        "legal_crm.quality.violations.handlers_notifications.on_violation_appealed",
    ],
    "quality.violation_decided": [
        "legal_crm.quality.violations.handlers_notifications.on_violation_decided",
    ],
    # campaigns
    "campaigns.campaign_started": [],
    "campaigns.campaign_paused": [],
    "campaigns.campaign_resumed": [],
    "campaigns.campaign_cancelled": [],
    "campaigns.campaign_finished": [],
    # todos: the staff notifications (messaging) subscribe to these
    "todos.task_created": [],
    "todos.task_assigned": [
        "legal_crm.todos.handlers_notifications.on_task_assigned",
    ],
    "todos.task_done": [],
    "todos.task_due_soon": [
        "legal_crm.todos.handlers_notifications.on_task_due_soon",
    ],
    "todos.task_overdue": [
        "legal_crm.todos.handlers_notifications.on_task_overdue",
    ],
    # portal
    "portal.access_opened": [],
}

SCHEDULER_EVENTS: dict = {
    "hourly": [],
    "daily": [
        "legal_crm.org.jobs.expire_banners",
        "legal_crm.org.jobs.apply_due_dismissals",
        "legal_crm.leads.jobs.reengage_refused_leads",
        "legal_crm.contracts.jobs.flag_overdue_terminations",
        "legal_crm.contracts.jobs_notifications.notify_termination_deadlines",
        "legal_crm.billing.jobs.generate_subscription_invoices",
        "legal_crm.billing.jobs.issue_schedule_invoices",
        "legal_crm.billing.jobs.mark_overdue_invoices",
        "legal_crm.finance.jobs.expire_bonuses",
        # the daily revenue summary's last days rebuilt from billing's rows (finance.services.revenue_days)
        "legal_crm.finance.jobs.rebuild_recent_revenue_days",
        "legal_crm.core.deliveries.prune",
        "legal_crm.core.scheduler.prune_runs",
        "legal_crm.todos.jobs.run_condition_rules",
        "legal_crm.todos.jobs.send_reminders",
        "legal_crm.todos.jobs.notify_overdue",
        "legal_crm.portal.jobs.close_access_without_contracts",
        "legal_crm.portal.jobs.prune_login_codes",
        "legal_crm.quality.violations.jobs.detect_violations",
    ],
    "weekly": [],
    "cron": {
        # Events whose relay request was lost (broker down, process killed) wait at most a minute.
        "* * * * *": [
            "legal_crm.core.outbox.relay",
            # Reactions that failed, retried with backoff (core.deliveries).
            "legal_crm.core.deliveries.retry_due",
            # Messages whose send request was lost, retries that came due, stale "sending" rows (messaging.outbox).
            "legal_crm.messaging.jobs.send_queued",
            # Campaigns' next batches, within their day limits and the recipients' local sending hours.
            "legal_crm.campaigns.jobs.dispatch_due",
            # Employees linking Telegram (/start CODE) when the bot has no webhook.
            "legal_crm.messaging.notifications.telegram_link.poll_updates",
            # Planned calls that came due: their operator is told once.
            "legal_crm.leads.jobs_notifications.notify_calls_due",
        ],
        # Recordings the PBXs reported, fetched into media storage (telephony.jobs).
        "*/10 * * * *": [
            "legal_crm.telephony.jobs.fetch_recordings",
        ],
        # Yesterday's daily call summary rebuilt from the call log, once the PBXs' late records are in.
        "30 3 * * *": [
            "legal_crm.telephony.jobs.rebuild_yesterdays_summary",
        ],
        "*/5 * * * *": [
            "legal_crm.leads.scripts.jobs.advance_scripts",
            "legal_crm.messaging.jobs.poll_statuses",
            # The daily digest of unread notifications, at each group's time in each employee's own time zone.
            "legal_crm.messaging.notifications.digest.send_digests",
        ],
    },
}

# What each scheduled job is called in the desk (the job log's list, filter and page); a job added to
# SCHEDULER_EVENTS gets its title here (core/tests/test_scheduler.py checks). A run of a job no longer listed shows
# its path.
JOB_TITLES: dict[str, str] = {
    "legal_crm.org.jobs.expire_banners": _("Архив старых баннеров"),
    "legal_crm.org.jobs.apply_due_dismissals": _("Блокировка уволенных сотрудников"),
    "legal_crm.leads.jobs.reengage_refused_leads": _("Возврат отказных лидов в работу"),
    "legal_crm.contracts.jobs.flag_overdue_terminations": _("Просроченные заявления о расторжении"),
    "legal_crm.contracts.jobs_notifications.notify_termination_deadlines": _("Напоминания о сроках расторжения"),
    "legal_crm.billing.jobs.generate_subscription_invoices": _("Счета по абонементам"),
    "legal_crm.billing.jobs.issue_schedule_invoices": _("Счета по графикам платежей"),
    "legal_crm.billing.jobs.mark_overdue_invoices": _("Отметка просроченных счетов"),
    "legal_crm.finance.jobs.expire_bonuses": _("Сгорание бонусов"),
    "legal_crm.finance.jobs.rebuild_recent_revenue_days": _("Пересчёт выручки за последние дни"),
    "legal_crm.core.deliveries.prune": _("Очистка закрытых сбоев обработки"),
    "legal_crm.core.scheduler.prune_runs": _("Очистка журнала заданий"),
    "legal_crm.todos.jobs.run_condition_rules": _("Автоматические задачи по правилам"),
    "legal_crm.todos.jobs.send_reminders": _("Напоминания о задачах"),
    "legal_crm.todos.jobs.notify_overdue": _("Уведомления о просроченных задачах"),
    "legal_crm.portal.jobs.close_access_without_contracts": _("Закрытие кабинетов клиентов без договоров"),
    "legal_crm.portal.jobs.prune_login_codes": _("Очистка кодов входа в кабинет"),
    "legal_crm.quality.violations.jobs.detect_violations": _("Поиск нарушений"),
    "legal_crm.core.outbox.relay": _("Обработка событий"),
    "legal_crm.core.deliveries.retry_due": _("Повтор сбоев обработки"),
    "legal_crm.messaging.jobs.send_queued": _("Отправка сообщений из очереди"),
    "legal_crm.campaigns.jobs.dispatch_due": _("Отправка рассылок"),
    "legal_crm.messaging.notifications.telegram_link.poll_updates": _("Привязка Telegram сотрудников"),
    "legal_crm.leads.jobs_notifications.notify_calls_due": _("Напоминания о запланированных звонках"),
    "legal_crm.telephony.jobs.fetch_recordings": _("Загрузка записей разговоров"),
    "legal_crm.telephony.jobs.rebuild_yesterdays_summary": _("Пересчёт статистики звонков за вчера"),
    "legal_crm.leads.scripts.jobs.advance_scripts": _("Шаги сценариев по лидам"),
    "legal_crm.messaging.jobs.poll_statuses": _("Статусы доставки сообщений"),
    "legal_crm.messaging.notifications.digest.send_digests": _("Сводки непрочитанных уведомлений"),
}

HOME_BLOCKS: list[str] = [
    "legal_crm.core.home.operations_block",
    "legal_crm.todos.home.my_tasks_block",
    "legal_crm.leads.home.my_figures_block",
    "legal_crm.leads.home.my_calls_block",
    "legal_crm.leads.home.my_leads_block",
    "legal_crm.billing.home.overdue_invoices_block",
    "legal_crm.quality.home.complaints_block",
    "legal_crm.quality.reviews.home.open_cases_block",
    "legal_crm.quality.violations.home.my_violations_block",
    # the figures of each role (UX.md «Мой день»), each from the module that owns them
    "legal_crm.contracts.home.operator_block",
    "legal_crm.contracts.home.sales_block",
    "legal_crm.contracts.home.lawyer_block",
    "legal_crm.quality.home.complaint_figures_block",
    "legal_crm.quality.reviews.home.nps_figures_block",
    "legal_crm.billing.home.money_figures_block",
    "legal_crm.leads.home.office_calls_block",
    "legal_crm.org.home.hr_block",
    "legal_crm.leads.home.marketer_block",
]

# Extra rows of the lead card's timeline (leads/selectors/card.py): `(lead, lead_ids, user, client_ids) -> list[dict]`
# (client_ids: the person's client cards, linked or found by phone) with
# "at", "kind", "title" and optionally "text", "url". Contracts, payments, calls and messages add theirs here.
# Which client cards an office-scoped employee sees (directory.selectors.counterparty_list_visible_to):
# `(office_ids) -> Q` on Counterparty — "linked to one of these offices"; office_ids=None: "linked to any office".
COUNTERPARTY_OFFICE_LINKS: list[str] = [
    "legal_crm.leads.selectors.client_office_link",
    "legal_crm.contracts.selectors.client_office_link",
]

# What a desk form offers and pre-fills for a foreign key or many-to-many to these models — its choice list, the
# label of a raw-id field, an id in the URL (`?lead=`, `?contract=`, `?client=`, `?office=`): `(user) -> QuerySet`
# (core/admin_base.py DeskAdmin). An id outside it is not found, so a URL is no way to read another office's row.
DESK_CHOICE_SCOPES: dict[str, str] = {
    "org.Office": "legal_crm.org.selectors.office_list_visible_to",
    "directory.Counterparty": "legal_crm.directory.selectors.counterparty_list_visible_to",
    "leads.Lead": "legal_crm.leads.selectors.lead_list_visible_to",
    "contracts.Contract": "legal_crm.contracts.selectors.contracts_referable_by",
    "messaging.MessageTemplate": "legal_crm.messaging.selectors.template_list_visible_to",
}

LEAD_TIMELINE_SOURCES: list[str] = [
    "legal_crm.telephony.timeline.lead_timeline",
    "legal_crm.contracts.timeline.lead_timeline",
    "legal_crm.billing.timeline.lead_timeline",
    "legal_crm.quality.reviews.timeline.lead_timeline",
    "legal_crm.messaging.timeline.lead_timeline",
]

# Parts a higher module adds to a lower module's desk page (core.admin_base.DeskExtension: inlines, list columns,
# read-only sections, URLs), by the page's model: so the lower module's admin never imports the higher module.
DESK_EXTENSIONS: dict[str, list[str]] = {
    "marketing.adsource": ["legal_crm.leads.admin.marketing.AdSourceExtension"],
    "marketing.partner": ["legal_crm.leads.admin.marketing.PartnerExtension"],
    "directory.counterparty": ["legal_crm.portal.desk_client.ClientPortalExtension",
                               "legal_crm.telephony.client_card.ClientCallExtension",
                               "legal_crm.quality.reviews.admin.ClientReviewsExtension",
                               "legal_crm.messaging.timeline.ClientMessagesExtension"],
}

# Buttons a higher module puts on the contract card and the lead card (core.card_links): the card's model →
# dotted paths `(user, record) -> list[{"label", "url", "name"}]`, empty when the user may not act (the provider checks
# the right; the page it links to checks it and the office scope again).
CARD_LINKS: dict[str, list[str]] = {
    "contracts.contract": ["legal_crm.quality.reviews.card_links.record_review"],
    "leads.lead": ["legal_crm.quality.reviews.card_links.record_review"],
}

# What a client paid on a contract (contracts.money.paid_amount: refunds, terminations): `(contract) -> Decimal`.
# None: no payments module in this build, nothing was paid through the system.
CONTRACT_PAID_AMOUNT: str | None = "legal_crm.billing.selectors.contract_paid_total"

# Tabs of the contract card (contracts/desk.py) that a higher module fills: tab → `(request, contract) -> str`, the
# name of a template included in the tab with the card's context. A tab nobody fills shows the card's own stub.
CONTRACT_CARD_TABS: dict[str, str] = {
    "money": "legal_crm.billing.card_tabs.money_tab",
}

# The subject types whose owners follow their messages' states: messaging emits `messaging.message_status_changed`
# only for messages about these (a campaign's 100,000 messages would each cost the relay a round of handlers that
# ignore them). A module that subscribes to that event for a new subject type adds it here.
MESSAGE_FOLLOWED_SUBJECTS = {"leads.scriptmessage"}

# Tags of message texts that higher modules answer (messaging/tags.py): code → (dotted path of a bulk resolver
# `(recipients: list[Recipient]) -> {index or recipient: value}`, label of the desk's chip). A resolver answers all
# the recipients with a constant number of queries (a campaign renders 100,000 at once).
MESSAGE_TAGS: dict[str, tuple[str, str]] = {
    "contract_number": ("legal_crm.contracts.message_tags.contract_number", _("Номер договора")),
    "amount_due": ("legal_crm.billing.message_tags.amount_due", _("Сумма к оплате")),
    "next_payment_date": ("legal_crm.billing.message_tags.next_payment_date", _("Дата следующего платежа")),
    "unsubscribe_link": ("legal_crm.campaigns.unsubscribe.unsubscribe_links", _("Ссылка для отписки")),
}

# Who a message may go to, for the template preview (messaging's desk): `(user, query: str, limit) -> list[Recipient]`
# — leads and clients the user sees whose phone or name matches. Answered by leads (messaging never imports it).
MESSAGE_RECIPIENT_LOOKUP: list[str] = [
    "legal_crm.leads.message_recipients.lookup",
]

# Kinds of staff notifications (messaging.notifications.notify): code → label and default methods ("in_app",
# "telegram", "email"). The module that owns the event registers its kinds; administrators narrow them per group
# («Уведомления: настройки групп»), each employee per kind («Мои уведомления»).
NOTIFICATION_KINDS: dict[str, dict] = {
    "leads.lead_assigned": {"label": _("Мне передан лид"), "methods": ("in_app", "telegram")},
    "leads.call_due": {"label": _("Пора звонить: запланированный звонок"), "methods": ("in_app", "telegram")},
    "leads.message_failed": {"label": _("Не ушло сообщение по моему лиду"), "methods": ("in_app",)},
    "messaging.reply_received": {"label": _("Клиент ответил на сообщение по моему лиду или договору"),
                                 "methods": ("in_app", "telegram")},
    "contracts.contract_signed": {"label": _("Подписан договор в моём офисе"), "methods": ("in_app",)},
    "contracts.termination_deadline": {"label": _("Скоро срок ответа на заявление о расторжении"),
                                       "methods": ("in_app", "email")},
    "billing.invoices_overdue": {"label": _("Просрочены счета моего офиса"), "methods": ("in_app", "email")},
    "quality.complaint_assigned": {"label": _("Мне назначена жалоба"), "methods": ("in_app", "email")},
    "quality.review_negative": {"label": _("Отрицательный отзыв клиента обо мне или моём офисе"),
                                "methods": ("in_app", "email")},
    "todos.task_assigned": {"label": _("Мне поставлена задача"), "methods": ("in_app", "telegram")},
    "todos.task_due_soon": {"label": _("Скоро срок моей задачи"), "methods": ("in_app", "telegram")},
    "todos.task_overdue": {"label": _("Мои задачи просрочены"), "methods": ("in_app", "email")},
    "finance.plan_submitted": {"label": _("План офиса ждёт согласования"), "methods": ("in_app", "email")},
    "finance.plan_decided": {"label": _("Мой план утверждён или возвращён"), "methods": ("in_app",)},
    "quality.violation_recorded": {"label": _("За мной зафиксировано нарушение"), "methods": ("in_app", "email")},
    "quality.violation_appealed": {"label": _("Нарушение обжаловано — нужно решение"), "methods": ("in_app",)},
    "quality.violation_decided": {"label": _("Решение по моему обжалованию"), "methods": ("in_app", "email")},
}

# Telephony asks the higher modules (telephony/selectors.py, desk.py):
# who is calling — `(phone_e164, user) -> list[dict]` ("kind", "title", "url", "subtitle"), records the user sees;
TELEPHONY_CALLER_CARDS: list[str] = [
    "legal_crm.leads.telephony_cards.caller_cards",
]
# what a «Позвонить» button stands for — subject → `(pk, user) -> dict | None` (phone, office_id, lead_id,
# counterparty_id, contract_id, planned_call_id), None when the user may not see the record;
TELEPHONY_CALL_SUBJECTS: dict[str, str] = {
    "lead": "legal_crm.leads.telephony_cards.lead_subject",
    "planned_call": "legal_crm.leads.telephony_cards.planned_call_subject",
    "contract": "legal_crm.contracts.telephony_subjects.contract_subject",
    "client": "legal_crm.telephony.client_card.client_subject",
}
# the pop-up's «создать лид» for an unknown number — `(call) -> url` (a POST target);
TELEPHONY_NEW_CALLER_URL: str | None = "legal_crm.leads.telephony_cards.new_lead_url"
# whether a user sees the records of a call (its recording) — `(call, user) -> bool | None`.
TELEPHONY_CALL_ACCESS: list[str] = [
    "legal_crm.leads.telephony_cards.call_access",
    "legal_crm.contracts.telephony_subjects.call_access",
]
# the ad sources a company number can be tied to — `() -> list[(code, name, is_active)]`; None: no marketing module.
TELEPHONY_AD_SOURCES: str | None = "legal_crm.marketing.selectors.source_choices"

# Payment methods whose balance a higher module keeps (billing.services.payments.method_provider): method →
# `(*, actor, payment, invoice, reference) -> None`, run inside billing's payment transaction; it spends the
# balance or raises DomainError (then nothing of the payment is written). A method without a provider is refused.
PAYMENT_METHOD_PROVIDERS: dict[str, str] = {
    "certificate": "legal_crm.finance.services.certificates.certificate_redeem",
    "bonus": "legal_crm.finance.services.bonuses.bonuses_spend",
}

# A refund of such a payment gives the amount back to the balance (billing.services.payments.payment_refund):
# method → `(*, actor, payment, refund) -> None`, run inside the refund's transaction.
PAYMENT_METHOD_REFUND_PROVIDERS: dict[str, str] = {
    "certificate": "legal_crm.finance.services.certificates.certificate_restore",
    "bonus": "legal_crm.finance.services.bonuses.bonuses_restore",
}

DEMO_SEEDERS: list[str] = [
    "legal_crm.org.demo.seed",
    "legal_crm.directory.demo.seed",
    "legal_crm.messaging.demo.seed",
    "legal_crm.telephony.demo.seed",
    "legal_crm.todos.demo.seed",  # its rules first: the contracts seeded next get their automatic tasks
    "legal_crm.marketing.demo.seed",
    "legal_crm.leads.demo.seed",
    "legal_crm.leads.scripts.demo.seed",
    "legal_crm.contracts.demo.seed",
    # billing and quality run after the contracts' seeder (they bill and complain on its contracts)
    "legal_crm.billing.demo.seed",
    "legal_crm.quality.demo.seed",
    "legal_crm.quality.reviews.demo.seed",
    "legal_crm.quality.violations.demo.seed",
    "legal_crm.campaigns.demo.seed",
    "legal_crm.messaging.notifications.demo.seed",
    "legal_crm.finance.demo.seed",
    "legal_crm.finance.demo_books.seed",
]

# What the audit log's actions are called in the desk (its list, filter and the contract card's history).
AUDIT_LABELS: dict[str, str] = {
    "access.groups": _("Доступ: группы"), "access.overrides": _("Доступ: личные настройки"),
    "access.group_permissions": _("Доступ: права группы"),
    "employee.create": _("Сотрудник принят"), "employee.status": _("Статус сотрудника"),
    "employee.dismiss": _("Сотрудник уволен"), "employee.offices": _("Офисы сотрудника"),
    "counterparty.create": _("Контрагент создан"), "counterparty.update": _("Контрагент изменён"),
    "counterparty.delete": _("Контрагент удалён"), "counterparty.merge_duplicates": _("Дубли контрагента объединены"),
    "employee.update": _("Сотрудник изменён"), "api.token_issued": _("Выдан токен API"),
    "leads.call_updated": _("Звонок перенесён"), "leads.segment_thresholds": _("Пороги сегментов изменены"),
    "record.create": _("Запись создана"), "record.update": _("Запись изменена"), "record.delete": _("Запись удалена"),
    "marketing.partner_token": _("Партнёр: токен API"), "marketing.partner_api_user": _("Партнёр: пользователь API"),
    "leads.intake": _("Лид принят"), "leads.update": _("Лид изменён"), "leads.status": _("Статус лида"),
    "leads.reassign": _("Лид передан"), "leads.restore_spam": _("Лид восстановлен из спама"),
    "leads.reopen": _("Лид открыт заново после повторного обращения"),
    "leads.distribution_rule_create": _("Правило распределения создано"),
    "leads.distribution_rule_change": _("Правило распределения изменено"),
    "leads.distribution_rule_delete": _("Правило распределения удалено"),
    "leads.questionnaire": _("Анкета лида"), "leads.call_planned": _("Звонок запланирован"),
    "leads.call_done": _("Звонок выполнен"), "leads.convert": _("Лид стал клиентом"),
    "leads.client_linked": _("Лид связан с карточкой клиента"),
    "leads.client_created": _("Клиент создан из лида"), "leads.clients_merge": _("Карточки клиентов объединены"),
    "leads.script_enroll": _("Лид в скрипте"), "leads.script_move": _("Карточка скрипта перенесена"),
    "contract.create": _("Договор создан"), "contract.update": _("Договор изменён"),
    "contract_numbering.set": _("Префикс номеров договоров изменён"),
    "contract.sign": _("Договор подписан"), "contract.start_work": _("Передан в работу"),
    "contract.complete": _("Договор исполнен"), "contract.terminate": _("Договор расторгнут"),
    "contract.general_info": _("Общие сведения"), "contracts.clients_merged": _("Договоры переданы при объединении"),
    "stage.start": _("Этап начат"), "stage.finish": _("Этап завершён"), "stage.skip": _("Этап пропущен"),
    "stage.expense": _("Расход по этапу"), "stage.extra_work": _("Дополнительная работа"),
    "action.add": _("Действие"), "action.publish": _("Действие опубликовано"),
    "action.unpublish": _("Действие скрыто"), "document.upload": _("Документ загружен"),
    "document.generate": _("Документ сформирован"), "document.publish": _("Документ опубликован"),
    "document.unpublish": _("Документ скрыт"), "template.save": _("Шаблон документа"),
    "bankruptcy.update": _("Сведения о банкротстве"), "bankruptcy.creditor": _("Долг кредитору добавлен"),
    "bankruptcy.creditor_update": _("Долг кредитору изменён"), "bankruptcy.creditor_remove": _("Долг кредитору удалён"),
    "bankruptcy.property": _("Имущество"), "termination.request": _("Заявление о расторжении"),
    "termination.retention": _("Попытка удержания"), "termination.approve": _("Расторжение согласовано"),
    "termination.decide": _("Решение по расторжению"),
    "invoice.issue": _("Счёт выставлен"), "invoice.cancel": _("Счёт отменён"),
    "invoice.advance_apply": _("Аванс зачтён"), "payment.register": _("Оплата принята"),
    "payment.refund": _("Возврат"), "payment.document": _("Документ оплаты"),
    "schedule.create": _("График платежей"), "schedule.cancel": _("График отменён"),
    "subscription.start": _("Абонемент начат"), "subscription.stop": _("Абонемент остановлен"),
    "complaint.file": _("Жалоба подана"), "complaint.assign": _("Жалоба назначена"),
    "complaint.close": _("Жалоба закрыта"),
    "messaging.channel": _("Канал отправки"), "messaging.retry": _("Сообщение: повторная отправка"),
    "messaging.opt_out": _("Отказ от рассылок"),
    "messaging.template": _("Шаблон сообщения"), "messaging.template_delete": _("Шаблон сообщения удалён"),
    "messaging.custom_tag": _("Метка сообщений"), "messaging.custom_tag_delete": _("Метка сообщений удалена"),
    "campaigns.create": _("Рассылка создана"), "campaigns.update": _("Рассылка изменена"),
    "campaigns.start": _("Рассылка запущена"), "campaigns.pause": _("Рассылка приостановлена"),
    "campaigns.resume": _("Рассылка продолжена"), "campaigns.cancel": _("Рассылка отменена"),
    "messaging.notification_rules": _("Уведомления группы настроены"),
    "messaging.notification_preferences": _("Мои уведомления изменены"),
    "messaging.telegram_code": _("Код привязки Telegram выдан"), "messaging.telegram_link": _("Telegram привязан"),
    "messaging.telegram_unlink": _("Telegram отвязан"),
    "telephony.call_start": _("Звонок через АТС"), "telephony.call_result": _("Итог звонка"),
    "telephony.pbx": _("Настройки АТС"),
    "document.client_upload": _("Клиент загрузил документ"),
    "portal.open": _("Кабинет клиента открыт"), "portal.close": _("Кабинет клиента закрыт"),
    "portal.invite": _("Приглашение в кабинет"), "portal.block": _("Кабинет заблокирован"),
    "portal.unblock": _("Кабинет разблокирован"), "portal.sign_in": _("Вход в кабинет"),
    "portal.password": _("Пароль кабинета"), "portal.preferences": _("Уведомления кабинета"),
    "portal.rating": _("Оценка клиента"), "portal.payment_start": _("Оплата онлайн начата"),
    "delivery.retry": _("Сбой обработки: повтор"), "delivery.resolve": _("Сбой обработки закрыт"),
    "certificate.issue": _("Сертификат выпущен"), "certificate.cancel": _("Сертификат аннулирован"),
    "certificate.redeem": _("Оплата сертификатом"), "bonus.accrue": _("Бонусы начислены"),
    "bonus.spend": _("Оплата бонусами"), "finance.overdue_reminder": _("Напоминание о просрочке"),
    "certificate.restore": _("Возврат на сертификат"), "bonus.restore": _("Возврат бонусов"),
    "discount.give": _("Скидка по договору"), "bonus.referral": _("Рекомендация клиента"),
    "agent.approve": _("Вознаграждение агента согласовано"), "agent.pay": _("Вознаграждение агента выплачено"),
    "payroll.compute": _("Зарплата рассчитана"), "payroll.approve": _("Зарплата утверждена и проведена"),
    "task.create": _("Задача поставлена"), "task.update": _("Задача изменена"),
    "task.postpone": _("Срок задачи перенесён"), "task.done": _("Задача выполнена"),
    "task.confirm": _("Выполнение задачи подтверждено"), "task.cancel": _("Задача отменена"),
    "task.reassign": _("Задача передана"), "task.comment": _("Комментарий к задаче"),
    "task.checklist": _("Чек-лист задачи"), "task_rule.save": _("Правило автоматических задач сохранено"),
    "task_rule.delete": _("Правило автоматических задач удалено"),
    "budget_plan.create": _("План доходов и расходов создан"), "budget_plan.lines": _("План: суммы изменены"),
    "budget_plan.submit": _("План отправлен на согласование"), "budget_plan.approve": _("План утверждён"),
    "budget_plan.return": _("План возвращён на доработку"), "budget_plan.reopen": _("Утверждённый план открыт заново"),
    "accounting.entry": _("Запись учёта внесена"), "accounting.reverse": _("Запись учёта сторнирована"),
    "review.create": _("Отзыв клиента"), "review.analyse": _("Разбор отзыва"),
    "review_rule.save": _("Запрос отзывов настроен"),
    "violation.record": _("Нарушение зафиксировано"), "violation.detect": _("Нарушение выявлено автоматически"),
    "violation.appeal": _("Нарушение обжаловано"), "violation.decide": _("Решение по обжалованию нарушения"),
    "violation_rule.save": _("Правило нарушений сохранено"), "violation_pause.save": _("Пауза проверки нарушений"),
    "violation_pause.delete": _("Пауза проверки нарушений удалена"),
}

# The audit entries' keys that are not fields of their record (core.history_text): what each is called and how its
# value reads — "money", "date", "model:<app.Model>" (an id → that record's name; other text stays as it is, a stored
# file's path as its file name), "field:<app.Model>.<field>" (as that field shows it), a {value: words} table, or the
# dotted path of a function value → words (used also for a plain text field of that name that keeps a code: a task
# rule's «trigger»). A key missing here is shown as it was written: a test seeds the demo and
# reads every entry of the audit log, so a service writing a new key adds it here.
AUDIT_KEYS: dict[str, tuple[str, object]] = {
    "amount": (_("сумма"), "money"), "refund": (_("к возврату"), "money"), "advance": (_("аванс"), "money"),
    "from_advance": (_("из аванса"), "money"), "total": (_("итого"), "money"),
    "date": (_("дата"), "date"), "due": (_("срок"), "date"), "expires_on": (_("действует по"), "date"),
    "reason": (_("причина"), None), "title": (_("название"), None), "kind": (_("вид"), None),
    "creditor": (_("кредитор"), None), "property": (_("имущество"), None), "stage": (_("этап"), None),
    "step": (_("шаг"), "model:leads.ScriptStep"), "script": (_("скрипт"), "model:leads.Script"),
    "size": (_("размер"), "django.template.defaultfilters.filesizeformat"),
    "document": (_("документ"), "model:contracts.ContractDocument"),
    "request": (_("заявление"), "model:contracts.TerminationRequest"),
    "template": (_("шаблон"), "legal_crm.contracts.desk.template_name"),
    "action": (_("действие"), "legal_crm.contracts.desk.action_name"),
    "type": (_("тип"), "legal_crm.contracts.desk.action_type_name"),
    "published": (_("в кабинете клиента"), None), "code": (_("код"), None),
    "about": (_("на кого"), "model:core.User"), "case": (_("разбор"), "field:quality.Review.case_status"),
    "recipients": (_("получателей"), None), "to_send": (_("к отправке"), None),
    "employees": (_("сотрудников"), None), "lines": (_("строки"), "legal_crm.finance.audit_words.lines_text"),
    "answers": (_("ответы анкеты"), "legal_crm.leads.audit_words.answers_text"),
    "by": (_("способ входа"), {"code": _("код из SMS"), "password": _("пароль")}),
    "active": (_("действует"), None), "days": (_("через дней"), None), "description": (_("описание"), None),
    # a code kept in a plain text field (its words live in a registry, not in the field's choices)
    "trigger": (_("событие или условие"), "legal_crm.todos.triggers.trigger_label"),
}

# Records whose fields name the keys of an action's audit entries besides the entry's own record (the bankruptcy
# data is written on the contract's entry): action prefix → model labels.
AUDIT_MODELS: dict[str, list[str]] = {
    "bankruptcy.": ["contracts.BankruptcyCase"], "contract.": ["contracts.BankruptcyCase"],
    "leads.script_": ["leads.ScriptEnrollment"], "payment.": ["billing.Payment"], "employee.": ["core.User"],
}

# Conditions the daily job of automatic tasks checks (todos.jobs.run_condition_rules), answered by the module
# owning the records: trigger → `(params, today) -> iterable of dict(record_type, record_id, office_id, candidates,
# label)` — the records meeting the condition today (each once: the job keys tasks by rule, record and day).
TASK_CONDITIONS: dict[str, list[str]] = {
    "invoice_overdue": ["legal_crm.billing.handlers_tasks.invoices_overdue_days"],
    "contract_idle": ["legal_crm.contracts.handlers_tasks.contracts_idle_days"],
}

# How a task's linked record is shown (todos): record type → `(ids, user) -> {id: (title, url)}`, by the owning
# module; url None where the user may not open the record (todos.links.scoped_links).
TASK_RECORD_LINKS: dict[str, str] = {
    "leads.lead": "legal_crm.leads.handlers_tasks.lead_links",
    "contracts.contract": "legal_crm.contracts.handlers_tasks.contract_links",
    "billing.invoice": "legal_crm.billing.handlers_tasks.invoice_links",
    "quality.complaint": "legal_crm.quality.handlers_tasks.complaint_links",
    "quality.review": "legal_crm.quality.reviews.handlers.review_links",
    # records a violation points at (quality/violations: todos.links.record_links)
    "leads.plannedcall": "legal_crm.leads.handlers_tasks.planned_call_links",
    "todos.task": "legal_crm.todos.links.task_links",
}

# The violations payroll deducts for (finance.payroll_figures.violations_by_employee): a dotted path of
# `(employee_ids, (first_day, last_day)) -> {employee id: {"amount": Decimal, "count": int, "pending": int, …}}` —
# the period's violations of those employees that count (amount: their own deductions summed; 0 → the position's
# deduction per violation). Quality answers it (quality.selectors.violations_for_payroll); None: no violations
# module in this build, nothing is deducted.
PAYROLL_VIOLATIONS: str | None = "legal_crm.quality.selectors.violations_for_payroll"

# A discount asked for when a contract is made (contracts.services.contract_create(discount={...})): a dotted path of
# `(*, actor, contract, scheme, value, approved_by=None) -> Decimal`, the contract's price after the discount, run
# inside the creation's transaction; a refusal is a DomainError and no contract is made. Finance answers it;
# None: no discounts in this build, a contract asked with a discount is refused.
CONTRACT_DISCOUNT: str | None = "legal_crm.finance.services.discounts.discount_apply"
# What contracts' create form offers for it: `(user) -> {"schemes": [(id, label)], "approvers": QuerySet[User]}`.
CONTRACT_DISCOUNT_CHOICES: str | None = "legal_crm.finance.services.discounts.discount_choices"
