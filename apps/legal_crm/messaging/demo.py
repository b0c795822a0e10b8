"""Demo message templates and a regional tag («телефон горячей линии» per office region). Rows that exist are left
as they are (core.seeding.find_or_create): a user may have edited them."""

from __future__ import annotations

from legal_crm.core.seeding import find_or_create

from .models import CustomTag, CustomTagValue, Kind, MessageTemplate

HOTLINE = {"code": "hotline_phone", "label": "Телефон горячей линии", "default_value": "8 800 100-20-30",
           "region_source": CustomTag.RegionSource.OFFICE}
HOTLINE_BY_REGION = {"77": "+7 495 100-20-30", "66": "+7 343 100-20-30", "54": "+7 383 100-20-30"}

TEMPLATES = [
    ("Напоминание о платеже", Kind.SMS,
     "{first_name}, напоминаем: по договору {contract_number} к оплате {amount_due} до {next_payment_date}. "
     "Вопросы: {hotline_phone}"),
    ("Напоминание о заседании", Kind.SMS,
     "{first_name}, напоминаем о судебном заседании по вашему делу. Юрист позвонит накануне. Офис: {office_phone}"),
    ("Добро пожаловать", Kind.WHATSAPP,
     "Здравствуйте, {name}! Спасибо, что выбрали нас. Наш офис: {office_address}, схема проезда: {office_map}. "
     "Горячая линия: {hotline_phone}"),
]


def seed() -> str:
    tag, _ = find_or_create(CustomTag, {"code": HOTLINE["code"]},
                            {k: v for k, v in HOTLINE.items() if k != "code"})
    for region, value in HOTLINE_BY_REGION.items():
        find_or_create(CustomTagValue, {"tag": tag, "region": region}, {"value": value})
    made = 0
    for name, kind, text in TEMPLATES:
        _row, created = find_or_create(MessageTemplate, {"name": name, "office": None}, {"kind": kind, "text": text})
        made += created
    return f"message templates: {made} new, tag {{{tag.code}}}"
