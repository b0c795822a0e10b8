"""Ships the roles: fixtures/groups.json is synced into auth groups after every migrate.

The file maps a group name to permission patterns (`app.codename`, with shell wildcards:
`directory.*`, `*.view_*`), less those its `except` patterns name. Groups administrators create themselves are
left alone.

A shipped role is synced three ways, the way a package manager merges a changed config file: ShippedRole keeps
what the file gave the role last time, so an update adds only the rights the file newly gives (a new module's
`*.view_*`) and takes only the rights the file stopped giving. What the administrator changed in the role stays:
a right they took away is not given back, a right they added is not taken. A role synced for the first time (a new
installation, or one from before ShippedRole) is set to exactly the file. Running the sync twice changes nothing.
Every change the sync makes to an existing role is written to the role's access history, as «Система».

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
from django.utils import timezone

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


def _label(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


def sync_groups(using="default") -> dict[str, int]:
    """{role: how many rights the file gives it}; the groups' rights merged as the module's docstring says."""
    from django.db import transaction

    from .access import group_permissions_apply
    from .models import ShippedRole

    available = {_label(p): p for p in Permission.objects.using(using).select_related("content_type")}
    counts = {}
    with transaction.atomic(using=using):
        for name, spec in load_roles().items():
            group, _ = Group.objects.using(using).get_or_create(name=name)
            shipped = {_label(p) for p in role_permissions(spec, available)}
            base = ShippedRole.objects.using(using).filter(group=group).first()
            before = {_label(p) for p in group.permissions.select_related("content_type")}
            if base is None:
                after = shipped
            else:
                last = set(base.permissions)
                after = (before | (shipped - last)) - (last - shipped)
            if after != before:
                permissions = [available[label] for label in after if label in available]
                if base is None:  # the role is being set up (a data migration may have made the group)
                    group.permissions.set(permissions)
                else:  # an update changed the role: its history and its members' say so, their access is re-read
                    group_permissions_apply(actor=None, group=group, permissions=permissions)
            ShippedRole.objects.using(using).update_or_create(
                group=group, defaults={"permissions": sorted(shipped), "synced_at": timezone.now()})
            counts[name] = len(shipped)
    return counts


def sync_groups_after_migrate(sender, using="default", **kwargs):
    # Permissions of every app exist only once all apps migrated; post_migrate runs per app, so the
    # core's handler (connected once) runs after contenttypes/auth created theirs for this migrate.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_groups(using=using)
