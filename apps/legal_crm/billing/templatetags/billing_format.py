from django import template

from legal_crm.billing.services.common import format_rub

register = template.Library()


@register.filter
def rub(value):
    """1234567.8 → 1 234 567,80 ₽"""
    if value is None or value == "":
        return ""
    return format_rub(value)
