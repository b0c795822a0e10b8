from django import template

from legal_crm.core.formatting import format_date, format_money

register = template.Library()


register.filter("rub", format_money)  # 1234567.8 → 1 234 567,80 ₽
register.filter("ru_date", format_date)  # 27.11.2026
