"""The desk's admin site: unfold's, with Django's list of every application built only where a page shows it.

Django's each_context builds `available_apps` (every registered model: its permissions, URLs and translated names,
sorted by name) for every desk page — about a tenth of the lead list's time — while the desk shows its own sidebar
(legal_crm.navigation) and unfold's «all applications» panel is off, so no page read it. Here the list is built
on first use: pages that show it (a user without any sidebar item, the admin's own index) get the same list.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import sites
from django.utils.functional import SimpleLazyObject
from unfold.apps import DefaultAppConfig
from unfold.sites import UnfoldAdminSite


class DeskAdminSite(UnfoldAdminSite):
    def get_app_list(self, request, app_label=None):
        parent = super().get_app_list
        return SimpleLazyObject(lambda: parent(request, app_label))


class UnfoldConfig(DefaultAppConfig):
    """unfold's app (its templates, static files and tags) with the desk's site as the default admin site."""

    default = False

    def ready(self):
        site = DeskAdminSite()
        admin.site = site
        sites.site = site
