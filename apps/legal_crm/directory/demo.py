"""Demo directories: an SRO, financial managers, counterparties (creditors, a court), tags."""

from legal_crm.core.seeding import find_or_create

from .models import Counterparty, FinancialManager, SelfRegulatoryOrganization, Tag

TAGS = {
    Tag.Group.CLIENT: ["VIP", "Пенсионер", "Ипотека", "Повторный клиент"],
    Tag.Group.LEAD: ["Горячий", "Перезвонить вечером", "Сомневается"],
    Tag.Group.QUESTIONNAIRE: ["Банкротство", "Долги по МФО"],
    Tag.Group.KNOWLEDGE: ["Скрипты", "Судебная практика"],
}

CREDITORS = [
    ("ПАО Сбербанк", "7707083893", "773601001", "1027700132195"),
    ("АО «Тинькофф Банк»", "7710140679", "771301001", "1027739642281"),
    ("ООО МФК «Займер»", "4205271785", "540601001", "1134205019189"),
]
COURT = "Арбитражный суд города Москвы"
FINANCIAL_MANAGER_INN = "500100732259"


def seed() -> str:
    for group, names in TAGS.items():
        for name in names:
            Tag.objects.get_or_create(group=group, name=name)
    sro, _ = find_or_create(SelfRegulatoryOrganization, {"inn": "7705494552"}, {
        "full_name": "Ассоциация «Саморегулируемая организация арбитражных управляющих Центрального "
                     "федерального округа»",
        "short_name": "Ассоциация «СРО АУ ЦФО»", "ogrn": "1027700542209", "registry_number": "0002",
        "address": "Москва, ул. Садовая-Кудринская, 20", "email": "info@sro-cfo.example"})
    find_or_create(FinancialManager, {"inn": FINANCIAL_MANAGER_INN}, {
        "last_name": "Арбитражный", "first_name": "Фёдор", "middle_name": "Управляющевич",
        "snils": "112-233-445 95", "registry_number": "12345", "postal_address": "Москва, а/я 15",
        "phone": "+79161234567", "email": "fm@example.ru", "sro": sro})
    for name, inn, kpp, ogrn in CREDITORS:
        # A user's card of the same bank (with or without its КПП) is the bank: it is used as it is.
        find_or_create(Counterparty, {"inn": inn}, {
            "kind": Counterparty.Kind.COMPANY, "role": Counterparty.Role.CREDITOR, "name": name, "kpp": kpp,
            "ogrn": ogrn})
    find_or_create(Counterparty, {"name": COURT, "role": Counterparty.Role.COURT}, {
        "kind": Counterparty.Kind.COMPANY,
        "address": "Москва, ул. Большая Тульская, 17"})
    return f"{Tag.objects.count()} tags, {Counterparty.objects.count()} counterparties"
