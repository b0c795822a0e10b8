"""Reference data shipped with the product: the 16 lead types (SPEC 5.2.2), the statuses and their workflow,
refusal reasons, the default spam rules. A data migration loads them on install; demo and tests reuse
`load_reference_data`."""

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


# The spam rules a fresh install starts with: (set version, name, kind, value, threshold, window in minutes).
# Each set is installed once (LeadSettings.spam_defaults_version records it): an administrator's edits and
# deletions stay. A later release adds a rule with the next set version.
DEFAULT_SPAM_RULES_VERSION = 1
DEFAULT_SPAM_RULES = [
    (1, "Несуществующий номер", "invalid_number", "", None, None),
    (1, "Больше 5 заявок с номера за час", "phone_flood", "", 5, 60),
    (1, "Больше 300 заявок от партнёра за 10 минут", "partner_flood", "", 300, 10),
    (1, "Тестовые имена", "name_blacklist", "test", None, None),
    (1, "Тестовое имя «тест»", "name_blacklist", "тест", None, None),
    (1, "Стоп-слово «реклама»", "stop_word", "реклама", None, None),
    (1, "Стоп-слово «казино»", "stop_word", "казино", None, None),
    (1, "Стоп-слово «casino»", "stop_word", "casino", None, None),
    (1, "Стоп-слово «seo»", "stop_word", "seo", None, None),
]
DEFAULT_SPAM_RULES_ORDER = 100  # after the rules an administrator adds with the default order 0


def install_default_spam_rules(apps=None) -> int:
    """Create the default spam rules of the sets not installed yet; returns how many were created. A rule of
    the same name already there (the demo's, an administrator's) is kept as it is."""
    if apps is None:
        from django.apps import apps as apps
    LeadSettings = apps.get_model("leads", "LeadSettings")
    SpamRule = apps.get_model("leads", "SpamRule")
    if "spam_defaults_version" not in {f.name for f in LeadSettings._meta.get_fields()}:
        return 0  # migrated back to before the field: nothing to record the install in
    settings_row, _c = LeadSettings.objects.get_or_create(pk=1)
    installed = settings_row.spam_defaults_version
    if installed >= DEFAULT_SPAM_RULES_VERSION:
        return 0
    created = 0
    for order, (version, name, kind, value, threshold, window) in enumerate(DEFAULT_SPAM_RULES):
        if version <= installed or SpamRule.objects.filter(name=name).exists():
            continue
        SpamRule.objects.create(name=name, kind=kind, value=value, threshold=threshold, window_minutes=window,
                                order=DEFAULT_SPAM_RULES_ORDER + order)
        created += 1
    LeadSettings.objects.filter(pk=settings_row.pk).update(spam_defaults_version=DEFAULT_SPAM_RULES_VERSION)
    return created


def load_after_migrate(sender, apps=None, using="default", **kwargs) -> None:
    """post_migrate receiver: the same idempotent load, run after every migrate and test flush."""
    from . import refcache

    load_reference_data(apps)
    install_default_spam_rules(apps)
    refcache.bump()  # a flush truncates tables without signals
