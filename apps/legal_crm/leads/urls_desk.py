"""Desk pages of the leads module that live beside the lead's admin pages (/admin/leads/lead/<id>/card/)."""

from .admin.lead_card import card_urls

urlpatterns = card_urls()
