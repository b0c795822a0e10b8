"""Reference data shipped with the product: the 16 lead types (SPEC 5.2.2), the statuses and their workflow,
refusal reasons. A data migration loads them on install; demo and tests reuse `load_reference_data`."""

LEAD_TYPES = [
    ("online", "Онлайн-заявка"), ("incoming_call", "Входящий звонок"), ("missed_call", "Пропущенный звонок"),
    ("cold_call", "Холодный звонок"), ("walk_in", "Визит в офис"), ("social", "Социальные сети"),
    ("messenger", "Мессенджер"), ("cross_sale", "Кросс-продажа"), ("partners", "Партнёры"),
    ("online_lawyer", "Онлайн-юрист"), ("dropped_call", "Сорвавшийся звонок"), ("ready_client", "Готовый клиент"),
    ("whatsapp", "WhatsApp"), ("telegram", "Telegram"), ("marketing", "Маркетинг"),
    ("partner_programme", "Партнёрская программа"),
]

# code, name, flags
LEAD_STATUSES = [
    ("new", "Новый", {"is_initial": True, "color": "#2563eb"}),
    ("in_work", "В работе", {"color": "#0891b2"}),
    ("no_answer", "Не дозвонились", {"color": "#a16207"}),
    ("callback", "Перезвонить", {"color": "#ca8a04"}),
    ("thinking", "Думает", {"color": "#7c3aed"}),
    ("meeting", "Назначена встреча", {"color": "#16a34a"}),
    ("converted", "Клиент", {"is_converted": True, "is_final": True, "is_open": False, "color": "#15803d"}),
    ("refusal_expensive", "Отказ: дорого",
     {"is_refusal": True, "needs_reason": True, "reengage_after_days": 30, "is_open": False}),
    ("refusal_not_ready", "Отказ: не готов сейчас",
     {"is_refusal": True, "needs_reason": True, "reengage_after_days": 14, "is_open": False}),
    ("refusal_competitor", "Отказ: выбрал другую компанию",
     {"is_refusal": True, "needs_reason": True, "reengage_after_days": 90, "is_open": False}),
    ("refusal_small_debt", "Отказ: долг меньше порога",
     {"is_refusal": True, "needs_reason": True, "reengage_after_days": 180, "is_open": False}),
    ("refusal_unreachable", "Отказ: не удалось связаться",
     {"is_refusal": True, "needs_reason": False, "reengage_after_days": 7, "is_open": False}),
    ("refusal_not_target", "Отказ: нецелевой",
     {"is_refusal": True, "needs_reason": True, "is_final": True, "is_open": False}),
    ("spam", "Спам", {"is_spam": True, "is_open": False, "color": "#dc2626"}),
]

WORKING = ["new", "in_work", "no_answer", "callback", "thinking", "meeting"]
REFUSALS = [code for code, _n, flags in LEAD_STATUSES if flags.get("is_refusal")]


def _transitions() -> list[tuple[str, str]]:
    pairs = []
    for a in WORKING:
        for b in [*WORKING, "converted", *REFUSALS, "spam"]:
            if a != b and b != "new":
                pairs.append((a, b))
    for r in REFUSALS:
        pairs += [(r, "in_work"), (r, "callback")]
    pairs.append(("spam", "new"))
    return pairs


TRANSITIONS = _transitions()

REFUSAL_REASONS = [
    ("price", "Не устроила цена", ["refusal_expensive"]),
    ("instalment", "Не подошла рассрочка", ["refusal_expensive"]),
    ("later", "Решит позже", ["refusal_not_ready"]),
    ("family", "Нужно посоветоваться с семьёй", ["refusal_not_ready"]),
    ("competitor", "Уже работает с другой компанией", ["refusal_competitor"]),
    ("small_debt", "Долг меньше порога для банкротства", ["refusal_small_debt"]),
    ("not_target", "Вопрос не по нашим услугам", ["refusal_not_target"]),
    ("other", "Другое", []),
]


def load_reference_data(apps=None) -> None:
    """Create or update types, statuses, transitions and reasons. `apps` is the migration registry."""
    if apps is None:
        from django.apps import apps as apps
    LeadType = apps.get_model("leads", "LeadType")
    LeadStatus = apps.get_model("leads", "LeadStatus")
    StatusTransition = apps.get_model("leads", "StatusTransition")
    RefusalReason = apps.get_model("leads", "RefusalReason")
    for order, (code, name) in enumerate(LEAD_TYPES):
        LeadType.objects.update_or_create(code=code, defaults={"name": name, "order": order})
    statuses = {}
    for order, (code, name, flags) in enumerate(LEAD_STATUSES):
        defaults = {"name": name, "order": order * 10, **flags}
        statuses[code], _c = LeadStatus.objects.update_or_create(code=code, defaults=defaults)
    for a, b in TRANSITIONS:
        StatusTransition.objects.get_or_create(from_status=statuses[a], to_status=statuses[b])
    for order, (code, name, status_codes) in enumerate(REFUSAL_REASONS):
        reason, _c = RefusalReason.objects.update_or_create(code=code, defaults={"name": name, "order": order})
        reason.statuses.set([statuses[c] for c in status_codes])


def load_after_migrate(sender, apps=None, using="default", **kwargs) -> None:
    """post_migrate receiver: the same idempotent load, run after every migrate and test flush."""
    from . import refcache

    load_reference_data(apps)
    refcache.bump()  # a flush truncates tables without signals
