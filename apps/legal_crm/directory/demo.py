"""Demo directories: an SRO, financial managers, counterparties (creditors, a court), tags."""

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


def seed() -> str:
    for group, names in TAGS.items():
        for name in names:
            Tag.objects.get_or_create(group=group, name=name)
    sro, _ = SelfRegulatoryOrganization.objects.get_or_create(inn="7705494552", defaults={
        "full_name": "Ассоциация «Саморегулируемая организация арбитражных управляющих Центрального "
                     "федерального округа»",
        "short_name": "Ассоциация «СРО АУ ЦФО»", "ogrn": "1027700542209", "registry_number": "0002",
        "address": "Москва, ул. Садовая-Кудринская, 20", "email": "info@sro-cfo.example"})
    FinancialManager.objects.get_or_create(inn="500100732259", defaults={
        "last_name": "Арбитражный", "first_name": "Фёдор", "middle_name": "Управляющевич",
        "snils": "112-233-445 95", "registry_number": "12345", "postal_address": "Москва, а/я 15",
        "phone": "+79161234567", "email": "fm@example.ru", "sro": sro})
    for name, inn, kpp, ogrn in CREDITORS:
        Counterparty.objects.get_or_create(inn=inn, defaults={
            "kind": Counterparty.Kind.COMPANY, "role": Counterparty.Role.CREDITOR, "name": name, "kpp": kpp,
            "ogrn": ogrn})
    Counterparty.objects.get_or_create(name="Арбитражный суд города Москвы", defaults={
        "kind": Counterparty.Kind.COMPANY, "role": Counterparty.Role.COURT,
        "address": "Москва, ул. Большая Тульская, 17"})
    return f"{Tag.objects.count()} tags, {Counterparty.objects.count()} counterparties"
