"""Buttons a higher module puts on a lower module's card (hooks.CARD_LINKS): the contract card and the lead card
show them without importing the module that answers them."""

from __future__ import annotations

from django.utils.module_loading import import_string

from legal_crm import hooks


def card_links(user, record) -> list[dict]:
    """The buttons for this user on the card of `record`: [{"label", "url", "name"}], in the hook's order. Each
    provider checks the right itself and returns nothing when the user may not act."""
    links: list[dict] = []
    for path in hooks.CARD_LINKS.get(record._meta.label_lower, ()):
        links.extend(import_string(path)(user, record))
    return links
