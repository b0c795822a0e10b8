"""Reference data shipped with the product: services with their stages, action types, document types.

Loaded by migration 0003 (and again, idempotently, by `load(apps)`): rows are matched by code, so an
administrator's later edits to names and texts survive re-running it only where codes are untouched.
"""

from __future__ import annotations

from decimal import Decimal

SERVICE_GROUPS = [
    # code, name, is_bankruptcy, order
    ("bfl", "Банкротство физических лиц", True, 10),
    ("debt-protection", "Защита от кредиторов и коллекторов", False, 20),
    ("consulting", "Консультации", False, 30),
]

# stage: (name, planned days, optional, client visible, client title)
BFL_JUDICIAL_STAGES = [
    ("Консультация", 1, False, True, "Консультация юриста"),
    ("Заключение договора", 1, False, True, "Договор заключён"),
    ("Сбор документов (ФНС, СФР, БКИ, Росреестр, ГИБДД)", 30, False, True, "Собираем документы"),
    ("Заявление подготовлено", 7, False, True, "Заявление о банкротстве готово"),
    ("Заявление подано в арбитражный суд", 3, False, True, "Заявление подано в суд"),
    ("Оставление без движения", 30, True, True, "Суд запросил дополнительные документы"),
    ("Заседание по проверке обоснованности", 90, False, True, "Суд проверяет заявление"),
    ("Реструктуризация долгов / реализация имущества", 180, False, True, "Идёт процедура банкротства"),
    ("Реестр требований кредиторов", 60, False, True, "Кредиторы заявляют требования"),
    ("Собрание кредиторов", 14, False, True, "Собрание кредиторов"),
    ("Торги", 60, True, True, "Торги по имуществу"),
    ("Отчёт финансового управляющего", 30, False, True, "Финансовый управляющий готовит отчёт"),
    ("Завершение процедуры, освобождение от долгов", 30, False, True, "Суд освобождает от долгов"),
    ("Дело закрыто", 1, False, True, "Дело завершено"),
]

BFL_MFC_STAGES = [
    ("Консультация и проверка условий (долг 25 000 – 1 000 000 ₽)", 1, False, True, "Проверяем, подходит ли МФЦ"),
    ("Заключение договора", 1, False, True, "Договор заключён"),
    ("Сбор документов и справка об окончании исполнительного производства", 20, False, True,
     "Собираем документы"),
    ("Подача заявления в МФЦ", 3, False, True, "Заявление подано в МФЦ"),
    ("Публикация сведений в ЕФРСБ", 3, False, True, "Сведения опубликованы на Федресурсе"),
    ("Процедура внесудебного банкротства (6 месяцев)", 180, False, True, "Идёт внесудебное банкротство"),
    ("Завершение процедуры, освобождение от долгов", 3, False, True, "Вы освобождены от долгов"),
    ("Дело закрыто", 1, False, True, "Дело завершено"),
]

COLLECTORS_STAGES = [
    ("Анализ долгов и действий коллекторов", 3, False, True, "Изучаем ситуацию"),
    ("Уведомление кредиторов о взаимодействии через представителя", 5, False, True,
     "Кредиторы уведомлены, что вы работаете через юриста"),
    ("Жалобы в ФССП, ЦБ и прокуратуру", 30, True, True, "Жалобы на коллекторов поданы"),
    ("Защита в суде", 60, True, True, "Представляем вас в суде"),
    ("Работа завершена", 1, False, True, "Работа завершена"),
]

CONSULTATION_STAGES = [
    ("Консультация проведена", 1, False, True, "Консультация проведена"),
    ("Письменное заключение", 5, True, True, "Готовим письменное заключение"),
]

SERVICES = [
    # code, group, name, price, description, stages
    ("bfl-judicial", "bfl", "Банкротство физических лиц (судебное)", Decimal("150000.00"),
     "Процедура банкротства гражданина через арбитражный суд «под ключ» (127-ФЗ, гл. X).", BFL_JUDICIAL_STAGES),
    ("bfl-mfc", "bfl", "Внесудебное банкротство через МФЦ", Decimal("35000.00"),
     "Сопровождение внесудебного банкротства: долг от 25 000 до 1 000 000 ₽, 6 месяцев, без суда.", BFL_MFC_STAGES),
    ("debt-collectors", "debt-protection", "Защита от коллекторов", Decimal("25000.00"),
     "Прекращение незаконного взаимодействия коллекторов, жалобы, представительство в суде.", COLLECTORS_STAGES),
    ("lawyer-consultation", "consulting", "Консультация юриста", Decimal("3000.00"),
     "Устная консультация и, по желанию, письменное заключение.", CONSULTATION_STAGES),
]

# code, name, description, notification text, publish to portal, services (codes; empty = all)
ACTION_TYPES = [
    ("consultation", "Консультация клиента", "Встреча или звонок с клиентом по делу.", "", False, []),
    ("documents-requested", "Запрошены документы", "Запрос справок и выписок в госорганах.",
     "По договору {contract} мы запросили документы для вашего дела.", True, []),
    ("deposit-paid", "Депозит внесён", "Вознаграждение финансового управляющего внесено на депозит суда.",
     "Депозит на вознаграждение финансового управляющего внесён {date}.", True, ["bfl-judicial"]),
    ("application-filed", "Заявление подано", "Заявление о банкротстве подано в суд или МФЦ.",
     "{date} ваше заявление о банкротстве подано. {text}", True, ["bfl-judicial", "bfl-mfc"]),
    ("hearing-date-set", "Назначено судебное заседание", "Суд назначил дату заседания.",
     "Суд назначил заседание по вашему делу: {text}", True, ["bfl-judicial", "debt-collectors"]),
    ("publication-made", "Сделана публикация", "Публикация в ЕФРСБ (Федресурс) или «Коммерсантъ».",
     "Сведения о вашем деле опубликованы {date}.", True, ["bfl-judicial", "bfl-mfc"]),
    ("creditors-meeting-held", "Проведено собрание кредиторов", "Собрание кредиторов по делу проведено.",
     "{date} прошло собрание кредиторов. {text}", True, ["bfl-judicial"]),
    ("ruling-issued", "Вынесено определение суда", "Суд вынес определение или решение.",
     "Суд вынес решение по вашему делу: {text}", True, ["bfl-judicial", "debt-collectors"]),
    ("complaint-filed", "Подана жалоба", "Жалоба в ФССП, ЦБ или прокуратуру.",
     "Мы подали жалобу: {text}", True, ["debt-collectors"]),
    ("internal-note", "Служебная заметка", "Запись для коллег; клиенту не видна.", "", False, []),
]

# code, name, default group
DOCUMENT_TYPES = [
    ("passport-main", "Паспорт, главная страница", "about_client"),
    ("passport-registration", "Паспорт, страница с регистрацией", "about_client"),
    ("inn", "Свидетельство ИНН", "about_client"),
    ("snils", "СНИЛС", "about_client"),
    ("credit-report", "Кредитная история (БКИ)", "about_client"),
    ("income-certificate", "Справка о доходах", "about_client"),
    ("rosreestr-extract", "Выписка из ЕГРН", "about_client"),
    ("fssp-certificate", "Постановление об окончании исполнительного производства", "about_client"),
    ("signed-contract", "Подписанный договор", "client_company"),
    ("signed-act", "Подписанный акт", "client_company"),
    # What a template prints for signing: not the signed paper the service requires (REQUIRED_DOCUMENTS).
    ("contract-form", "Договор для подписи", "client_company"),
    ("act-form", "Акт для подписи", "client_company"),
    ("termination-request", "Заявление о расторжении", "client_company"),
    ("bankruptcy-application", "Заявление о банкротстве", "by_lawyer"),
    ("court-ruling", "Определение суда", "portal"),
    ("sample", "Образец документа", "samples"),
]

REQUIRED_DOCUMENTS = {
    "bfl-judicial": ["passport-main", "passport-registration", "inn", "snils", "credit-report",
                     "income-certificate", "rosreestr-extract", "signed-contract"],
    "bfl-mfc": ["passport-main", "passport-registration", "snils", "fssp-certificate", "signed-contract"],
    "debt-collectors": ["passport-main", "signed-contract"],
    "lawyer-consultation": ["passport-main"],
}

# code, name, print format, document type, group, service code or None, service group code or None
TEMPLATES = [
    ("contract", "Договор оказания юридических услуг", "contracts/print/contract.html", "contract-form",
     "client_company", None, None),
    ("act", "Акт приёмки оказанных услуг", "contracts/print/act.html", "act-form", "client_company", None, None),
    ("bankruptcy-application", "Заявление о признании гражданина банкротом",
     "contracts/print/bankruptcy_application.html", "bankruptcy-application", "by_lawyer", "bfl-judicial", None),
]

# order, title, group name (the shipped roles of fixtures/groups.json)
TERMINATION_STEPS = [
    (1, "Юрист: беседа с клиентом и расчёт принятых работ", "Юристы"),
    (2, "Руководитель офиса: согласование", "Руководители офисов"),
    (3, "Финансы: расчёт возврата", "Финансисты"),
]


def load(apps) -> None:
    ServiceGroup = apps.get_model("directory", "ServiceGroup")
    Service = apps.get_model("directory", "Service")
    StageTemplate = apps.get_model("contracts", "StageTemplate")
    ActionType = apps.get_model("contracts", "ActionType")
    DocumentType = apps.get_model("contracts", "DocumentType")
    RequiredDocument = apps.get_model("contracts", "RequiredDocument")
    DocumentTemplate = apps.get_model("contracts", "DocumentTemplate")
    TerminationStepTemplate = apps.get_model("contracts", "TerminationStepTemplate")
    Group = apps.get_model("auth", "Group")

    groups = {}
    for code, name, is_bankruptcy, order in SERVICE_GROUPS:
        groups[code], _ = ServiceGroup.objects.get_or_create(
            code=code, defaults={"name": name, "is_bankruptcy": is_bankruptcy, "order": order})
    services = {}
    for code, group, name, price, description, stages in SERVICES:
        services[code], _ = Service.objects.get_or_create(
            code=code, defaults={"group": groups[group], "name": name, "price": price, "description": description})
        for order, (stage, days, optional, visible, client_title) in enumerate(stages, start=1):
            StageTemplate.objects.get_or_create(service=services[code], order=order, defaults={
                "name": stage, "planned_days": days, "is_optional": optional, "client_visible": visible,
                "client_title": client_title})
    for order, (code, name, description, text, publish, service_codes) in enumerate(ACTION_TYPES, start=1):
        action_type, created = ActionType.objects.get_or_create(code=code, defaults={
            "name": name, "description": description, "notification_text": text, "publish_to_portal": publish,
            "order": order * 10})
        if created and service_codes:
            action_type.services.set([services[c] for c in service_codes])
    types = {}
    for order, (code, name, group) in enumerate(DOCUMENT_TYPES, start=1):
        types[code], _ = DocumentType.objects.get_or_create(code=code, defaults={
            "name": name, "group": group, "order": order * 10})
    for service_code, type_codes in REQUIRED_DOCUMENTS.items():
        for order, type_code in enumerate(type_codes, start=1):
            RequiredDocument.objects.get_or_create(service=services[service_code], document_type=types[type_code],
                                                   defaults={"order": order})
    for code, name, print_format, type_code, group, service_code, group_code in TEMPLATES:
        DocumentTemplate.objects.get_or_create(code=code, defaults={
            "name": name, "kind": "html", "print_format": print_format, "document_type": types[type_code],
            "group": group, "service": services.get(service_code), "service_group": groups.get(group_code)})
    for order, title, group_name in TERMINATION_STEPS:
        group, _ = Group.objects.get_or_create(name=group_name)
        TerminationStepTemplate.objects.get_or_create(order=order, defaults={"title": title, "group": group})


def load_after_migrate(sender, apps=None, using="default", **kwargs) -> None:
    """post_migrate receiver: the same idempotent load, run after every migrate and test flush."""
    if apps is None:
        from django.apps import apps
    load(apps)
