"""Signal plumbing only: reference tables changed → the intake's cached copy is dropped. (Business events are
emitted by the services — e.g. a segment threshold's change by leads.services.segment_threshold_save.)"""

from django.db.models.signals import post_delete, post_save


def _bump(sender, **kwargs):
    from legal_crm.core.cache import drop_now_and_after_commit

    from . import refcache

    drop_now_and_after_commit(refcache.bump)


def connect() -> None:
    from django.apps import apps

    labels = ["leads.LeadStatus", "leads.LeadType", "leads.StatusTransition", "leads.SpamRule",
              "leads.DistributionRule", "leads.LeadSettings", "leads.SourceLeadType", "leads.PartnerLeadType",
              "marketing.AdSource", "marketing.Partner",
              "org.Office", "org.OfficeHours"]
    for label in labels:
        model = apps.get_model(label)
        post_save.connect(_bump, sender=model, dispatch_uid=f"leads-refcache-save-{label}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"leads-refcache-delete-{label}")
