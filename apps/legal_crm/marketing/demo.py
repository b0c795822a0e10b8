"""Demo ad sources and partners (each partner with an API user and token). Idempotent."""

from __future__ import annotations

from rest_framework.authtoken.models import Token

from legal_crm.core.models import User
from legal_crm.core.seeding import find_or_create

from .models import AdSource, Partner

SOURCES = [
    ("site-bfl", "Сайт bankrotstvo-pro.ru", "site", "online",
     "Клиент оставил заявку на сайте: обещана бесплатная консультация и расчёт стоимости банкротства."),
    ("yandex-direct", "Яндекс Директ — банкротство", "context", "online",
     "Объявление «Спишем долги законно». Уточните сумму долга и число кредиторов."),
    ("vk-ads", "ВКонтакте — таргет", "social", "social", "Реклама в ленте ВК, акция «Консультация 0 ₽»."),
    ("whatsapp", "WhatsApp-бот", "messenger", "whatsapp", "Клиент написал в WhatsApp; отвечайте в том же канале."),
    ("telegram", "Telegram-канал", "messenger", "telegram", "Подписчик канала о списании долгов."),
    ("call-8800", "Звонок на 8-800", "phone", "incoming_call", "Номер из наружной рекламы и с визиток."),
    ("radio", "Радио «Маяк»", "media", "marketing", "Ролик на радио, кодовое слово «Свобода» — скидка 10 %."),
    ("recommendation", "Рекомендация клиента", "referral", "cross_sale",
     "Клиента порекомендовал действующий клиент: спросите, кто именно, — ему положен бонус."),
    ("lidogen", "Лидогенератор «ЛидПро»", "partner", "partners", "Лиды партнёра, оплата за целевой лид."),
    ("partner-program", "Партнёрская программа агентов", "partner", "partner_programme",
     "Лиды от агентов; агенту начисляется вознаграждение после договора."),
]

PARTNERS = [
    ("Лидогенератор «ЛидПро»", "lidogen", "api-lidpro", "demo-lidpro-token-0000000000000000000001",
     {"tel": "phone", "fio": "name", "lead_id": "external_id"}),
    ("Агентская сеть «Партнёр+»", "partner-program", "api-partnerplus", "demo-partnerplus-token-00000000000000002",
     {}),
]


def seed() -> str:
    sources = {}
    for code, name, channel, _type_code, info in SOURCES:  # the lead type: leads' seeder (leads sit above)
        sources[code], _c = find_or_create(AdSource, {"code": code}, {
            "name": name, "channel": channel, "operator_info": info,
            "expects_mobile": channel not in ("phone", "media"), "is_active": True})
    for name, source_code, login, key, mapping in PARTNERS:
        user, _c = User.objects.get_or_create(username=login, defaults={"first_name": name[:150], "is_staff": False})
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        find_or_create(Partner, {"name": name}, {
            "api_user": user, "default_source": sources[source_code], "field_mapping": mapping, "is_active": True,
            "contact_name": "Менеджер партнёра", "contact_phone": "+7 495 000-00-00"})
        if not Token.objects.filter(user=user).exists():
            Token.objects.create(user=user, key=key)
    return f"источников: {len(SOURCES)}, партнёров: {len(PARTNERS)} (токены API выпущены)"
