from django import template

from legal_crm.core.formatting import format_date, format_money
from legal_crm.core.money import format_typed
from legal_crm.core.validators import format_phone

register = template.Library()


register.filter("rub", format_money)  # 1234567.8 → 1 234 567,80 ₽
register.filter("ru_date", format_date)  # 27.11.2026
register.filter("phone", format_phone)  # +79161234567 → +7 916 123-45-67
register.filter("typed", format_typed)  # an amount in a money box, as people type it: 1500,50 (the desk forms' way)
