"""Ships the roles: fixtures/groups.json is synced into auth groups after every migrate.

The file maps a group name to permission patterns (`app.codename`, with shell wildcards:
`directory.*`, `*.view_*`), less those its `except` patterns name. A shipped group's permissions are set
to exactly what the file says, so running it twice changes nothing; groups administrators create
themselves are left alone.

`except` keeps duties out of a role that holds every right: the administrators' "*" would make them take
new leads in the distribution's turn (leads.take_leads), and leads would wait with somebody who does not
call. A person who should take leads is granted it in the access matrix, as anybody.
"""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, Permission

GROUPS_FILE = Path(settings.BASE_DIR) / "fixtures" / "groups.json"


def load_roles() -> dict:
    return json.loads(GROUPS_FILE.read_text(encoding="utf-8"))


def expand(patterns: list[str], available: dict[str, Permission]) -> set[Permission]:
    chosen = set()
    for pattern in patterns:
        chosen.update(p for label, p in available.items() if fnmatch.fnmatchcase(label, pattern))
    return chosen


def role_permissions(spec: dict, available: dict[str, Permission]) -> set[Permission]:
    """A shipped role's permissions: its patterns, less its `except` patterns."""
    return expand(spec["permissions"], available) - expand(spec.get("except", []), available)


def sync_groups(using="default") -> dict[str, int]:
    available = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.using(using).select_related("content_type")
    }
    counts = {}
    for name, spec in load_roles().items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        perms = role_permissions(spec, available)
        group.permissions.set(perms)
        counts[name] = len(perms)
    return counts


def sync_groups_after_migrate(sender, using="default", **kwargs):
    # Permissions of every app exist only once all apps migrated; post_migrate runs per app, so the
    # core's handler (connected once) runs after contenttypes/auth created theirs for this migrate.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_groups(using=using)
