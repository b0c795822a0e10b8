"""`{{ opts|accusative }}`: a model's name in the accusative, for the desk's templates («Добавить контрагента»)."""

from django import template

from legal_crm.core.case_forms import accusative as _accusative

register = template.Library()


@register.filter
def accusative(opts) -> str:
    return _accusative(opts)
