"""Who holds a permission, as a query: the groups' permissions and personal grants, less personal revokes (the same
rule as core.auth_backends computes for one user), for choice lists such as «who can be made responsible»."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import PermissionOverride, User


def users_with_perm(perm: str) -> QuerySet[User]:
    """Active users who have `perm` ("app_label.codename"); superusers always do."""
    app_label, _dot, codename = perm.partition(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    via_groups = Exists(User.groups.through.objects.filter(
        user=OuterRef("pk"),
        group__in=Permission.group_set.through.objects.filter(permission__in=permission).values("group")))
    granted = Exists(PermissionOverride.objects.filter(user=OuterRef("pk"), permission__in=permission, granted=True))
    revoked = Exists(PermissionOverride.objects.filter(user=OuterRef("pk"), permission__in=permission, granted=False))
    return User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | ((via_groups | granted) & ~revoked))
