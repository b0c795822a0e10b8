from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "legal_crm.core"
    label = "core"
    verbose_name = _("Ядро")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import (
            checks,  # noqa: F401  registers the project's check --deploy warnings
            perm_cache,
            readonly_links,
            sqlite_like,
            token_auth,
            unfold_lists,
            user_names,
        )
        from .access_sync import sync_groups_after_migrate

        unfold_lists.install()
        readonly_links.install()  # a related record linked only for a reader who may open it
        perm_cache.connect()
        token_auth.connect()
        user_names.connect()
        sqlite_like.connect()  # case-insensitive LIKE in every alphabet on SQLite

        # Framework plumbing: the shipped groups are re-synced after every migrate.
        post_migrate.connect(sync_groups_after_migrate, sender=self)
