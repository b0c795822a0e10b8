"""Reads of the directories."""

from django.db.models import Q, QuerySet

from legal_crm.core.phone_parts import matching_owner_ids, searched_digits
from legal_crm.core.validators import digits, normalize_phone

from .models import Counterparty, CounterpartyPhonePart, FinancialManager, Tag


def counterparty_list_visible_to(user) -> QuerySet[Counterparty]:
    """Counterparties the user may see. Courts, creditors, bailiffs… are shared reference data; a client card is
    seen by the offices the person is a lead or has a contract in (the higher modules say which, through
    hooks.COUNTERPARTY_OFFICE_LINKS), and by everyone while it is linked to no office yet."""
    from django.utils.module_loading import import_string

    from legal_crm import hooks
    from legal_crm.org.selectors import office_ids_visible_to

    qs = Counterparty.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    ids = office_ids_visible_to(user)
    if ids is None:
        return qs
    links = [import_string(path) for path in hooks.COUNTERPARTY_OFFICE_LINKS]
    linked_here, linked_anywhere = Q(), Q()
    for link in links:
        linked_here |= link(ids)
        linked_anywhere |= link(None)
    visible = ~Q(role=Counterparty.Role.CLIENT) | linked_here | ~linked_anywhere if links else Q()
    return qs.filter(visible)


def client_link(rows: QuerySet, office_ids) -> Q:
    """For hooks.COUNTERPARTY_OFFICE_LINKS: the card is the `client` of one of `rows` (a model with client and
    office) in these offices — in any office when office_ids is None."""
    from django.db.models import Exists, OuterRef

    rows = rows.filter(client=OuterRef("pk"))
    if office_ids is not None:
        rows = rows.filter(office__in=office_ids)
    return Q(Exists(rows))


PHONE_PART_MATCHES_MAX = 2000


def counterparty_ids_by_phone_part(text: str) -> list[int] | None:
    """Ids of the cards whose phone holds the digits typed (any contiguous part of four or more: the tail, the
    middle, the beginning), from a range read on the phone parts' key; None when it is not a phone search."""
    variants = searched_digits(text)
    if variants is None:
        return None
    return matching_owner_ids(CounterpartyPhonePart, "counterparty", variants, PHONE_PART_MATCHES_MAX)


def counterparty_search_condition(query: str) -> Q:
    """Name prefix, exact ИНН, any way of typing a phone or any contiguous part of its digits — each an indexed
    lookup (a name prefix is LIKE 'text%', on the name's index)."""
    condition = Q(name__istartswith=query) | Q(short_name__istartswith=query)
    ds = digits(query)
    if ds and len(ds) in (10, 12):
        condition |= Q(inn=ds)
    phone = normalize_phone(query)
    if phone:
        condition |= Q(phone=phone)
    part_ids = counterparty_ids_by_phone_part(query)
    if part_ids:
        condition |= Q(pk__in=part_ids)
    return condition


def counterparty_search(query: str = "", role: str | None = None, *, user=None) -> QuerySet[Counterparty]:
    """Find counterparties by counterparty_search_condition; with `user`, among those the user may see."""
    qs = Counterparty.objects.all() if user is None else counterparty_list_visible_to(user)
    if role:
        qs = qs.filter(role=role)
    query = (query or "").strip()
    if not query:
        return qs
    return qs.filter(counterparty_search_condition(query))


def active_financial_managers() -> QuerySet[FinancialManager]:
    return FinancialManager.objects.filter(is_active=True).select_related("sro")


def tags_of(group: str) -> QuerySet[Tag]:
    return Tag.objects.filter(group=group)


def counterparty_same_entity(inn: str, kpp: str = "", *, exclude_pk=None) -> Counterparty | None:
    """The card of the same legal entity, if one exists; the oldest first. Same ИНН and КПП; a card without a КПП
    (a person, or a company typed without it) is the same entity as any card of its ИНН — only two cards that both
    give different КПП are separate branches. Cards without an ИНН are never the same entity."""
    if not inn:
        return None
    qs = Counterparty.objects.filter(Q(kpp=kpp) | Q(kpp=""), inn=inn) if kpp else Counterparty.objects.filter(inn=inn)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("created_at", "pk").first()
