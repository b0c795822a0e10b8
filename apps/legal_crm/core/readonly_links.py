"""A read-only foreign key on a desk page links to the related record only for a reader who may open it.

Django's read-only field (and unfold's) links every related object to its change page whoever reads it: an
operator's task showed its rule, a lead its office and its people as links that answered «no rights» (403) or «not
found» (404). The field knows its model admin but not the request; the desk's forms carry it (`desk_request`, set
by DeskAdmin.get_form and get_inline_formsets on the form classes they build for this request), and the link is
kept when the related model's admin would show the record: its view permission and its rows (the selector).
Without a request (a form built elsewhere) the related record is named without a link.
"""

from __future__ import annotations

from django.contrib.admin import helpers
from unfold import fields as unfold_fields

REQUEST_ATTR = "desk_request"


def may_open(model_admin, request, model, obj) -> bool:
    """Would the desk open `obj`'s change page (of `model`'s admin) for this request — the checks change_view
    makes? Answered once per record and request: a page often names one record in several fields (a lead's
    source and its contacts' sources)."""
    if request is None:
        return False
    answers = request.__dict__.setdefault("_desk_may_open", {})
    key = (model._meta.label_lower, obj.pk)
    if key not in answers:
        related = model_admin.admin_site._registry.get(model)
        # A record of an admin that lists every row (reference data: types, sources, statuses) exists — it was just
        # read through the foreign key — so only a scoped admin's rows are asked (DeskAdmin.rows_are_scoped).
        answers[key] = (related is not None and related.has_view_or_change_permission(request, obj)
                        and (not getattr(related, "rows_are_scoped", True)
                             or related.get_queryset(request).filter(pk=obj.pk).exists()))
    return answers[key]


def _scoped(original):
    def get_admin_url(self, remote_field, remote_obj):
        if not may_open(self.model_admin, getattr(self.form, REQUEST_ATTR, None), remote_field.model, remote_obj):
            return str(remote_obj)
        return original(self, remote_field, remote_obj)

    get_admin_url.desk_scoped = True
    return get_admin_url


def install() -> None:
    for cls in (helpers.AdminReadonlyField, unfold_fields.UnfoldAdminReadonlyField):
        method = cls.__dict__["get_admin_url"]
        if not getattr(method, "desk_scoped", False):
            cls.get_admin_url = _scoped(method)
