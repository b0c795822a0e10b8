from django import template

from legal_crm.core.formatting import format_money as format_rub

register = template.Library()


register.filter("rub", format_rub)  # 1234567.8 → 1 234 567,80 ₽


@register.simple_tag
def contract_money(contract):
    """The Money tab's data for a card that includes the tab without computing it."""
    from legal_crm.billing.selectors import contract_money_context

    return contract_money_context(contract) if contract is not None and getattr(contract, "pk", None) else {}


@register.filter
def in_words(value):
    """12500.50 → «Двенадцать тысяч пятьсот рублей 50 копеек»"""
    from legal_crm.billing.words import amount_in_words

    return amount_in_words(value) if value not in (None, "") else ""
