"""Signal plumbing only: reference tables changed → the intake's cached copy is dropped; segment thresholds
changed → an event asks for the leads' segments to be recomputed (in the background)."""

from django.db.models.signals import post_delete, post_save


def _bump(sender, **kwargs):
    from legal_crm.core.cache import drop_now_and_after_commit

    from . import refcache

    drop_now_and_after_commit(refcache.bump)


def _thresholds_changed(sender, instance, **kwargs):
    from legal_crm.core.events import emit

    emit("leads.segment_thresholds_changed", service_id=instance.service_id)


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
    threshold = apps.get_model("leads.SegmentThreshold")
    post_save.connect(_thresholds_changed, sender=threshold, dispatch_uid="leads-thresholds-save")
    post_delete.connect(_thresholds_changed, sender=threshold, dispatch_uid="leads-thresholds-delete")
