"""The desk's home page: banners for today and the user's day (UX.md "Everyone: the home page").

Modules add their own blocks to "My day" through hooks.HOME_BLOCKS: dotted paths to callables
`(request) -> dict | None`, each returning {"key", "title", "rows" | "figures", "empty"}.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.module_loading import import_string

from .selectors import banners_for


def dashboard_callback(request, context):
    user = request.user
    context["banners"] = list(banners_for(user, day=timezone.localdate()))
    blocks = []
    from legal_crm import hooks

    for path in hooks.HOME_BLOCKS:
        block = import_string(path)(request)
        if block:
            blocks.append(block)
    context["home_blocks"] = blocks
    return context
