"""The one access guard every service uses: `ensure(actor, perm)`.

A right is a `Perm`: the permission's name (a plain `str`, so `user.has_perm(perm)` and templates take it as it
is) carrying the Russian words of what it allows («выставлять счета»). Each module lists its rights as constants
in its `perms.py`; services, selectors, the desk and the API use the constants, never spelled-out names.

`ensure` refuses with DomainError("access_denied", «Недостаточно прав, чтобы выставлять счета.») — the API answers
403, the desk shows the message. There is no person behind scheduled jobs, event handlers, demo seeding or the
website's intake: they pass `actor=None`, and only services that legitimately run so say `system_ok=True` at
their guard. Everywhere else `actor=None` is refused, never silently allowed.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .errors import CoreCode, DomainError


class Perm(str):
    """A permission name ("billing.add_invoice") with the Russian words of what it allows ("выставлять счета"),
    completing «Недостаточно прав, чтобы …»."""

    label: str

    def __new__(cls, name: str, label) -> Perm:
        if name.count(".") != 1:
            raise ValueError(f"a permission is 'app_label.codename', not {name!r}")
        perm = super().__new__(cls, name)
        perm.label = label
        return perm

    def __reduce__(self):  # pickled (cache, Celery) as the name and its words
        return (Perm, (str(self), str(self.label)))


def is_system(actor) -> bool:
    """No person acts: a scheduled job, an event handler, demo seeding, the anonymous website's intake."""
    return actor is None


def denied(perm=None, message=None) -> DomainError:
    """The refusal `ensure` raises, for a check it cannot express (a group that must sign, an administrator)."""
    if message is None:
        label = getattr(perm, "label", None)
        message = (_("Недостаточно прав, чтобы %(action)s.") % {"action": label} if label
                   else _("Недостаточно прав для этого действия."))
    return DomainError(CoreCode.ACCESS_DENIED, message)


def allowed(actor, perm: str, *, system_ok: bool = False) -> bool:
    """Whether `ensure` would let the actor through (for "show the button" checks of the same rule)."""
    if is_system(actor):
        return system_ok
    return bool(getattr(actor, "is_authenticated", False) and getattr(actor, "is_active", True)
                and actor.has_perm(perm))


def ensure(actor, perm: str, *, system_ok: bool = False) -> None:
    """Refuse (DomainError access_denied naming the right) unless the actor holds `perm`.

    `system_ok=True` lets `actor=None` through: only for services that jobs, handlers or seeding call without a
    person. A user who is not signed in, or is blocked, is always refused."""
    if not allowed(actor, perm, system_ok=system_ok):
        raise denied(perm)
