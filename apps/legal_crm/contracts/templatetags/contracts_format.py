from django import template

from legal_crm.contracts.formatting import format_date, format_money

register = template.Library()


@register.filter(name="rub")
def rub(value):
    return format_money(value)


@register.filter(name="ru_date")
def ru_date(value):
    return format_date(value)
