"""Access changes from the audit log told as sentences: «Администраторов А.: выдано право «Договоры: просмотр»».

The access services (core.access) write before/after as lists of group names, {"app.codename": granted}
maps of personal settings and lists of a group's permissions; org.services writes the list of an employee's
offices. `describe_entries()` turns a batch of such audit rows into sentences (one query for the names of the
permissions they mention), so a screen never shows the raw dicts. The sentences say what happened after the
actor's name («выдано право», «добавлен офис»), so they read right whoever the actor is: a verb after the name would
have to agree with the actor's gender, which the desk does not know.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .access_matrix import titles_for_labels

ACCESS_ACTIONS = ("access.groups", "access.overrides", "access.group_permissions", "employee.offices")


def short_name(user) -> str:
    """«Администраторов А.»; the login when the account has no surname; «Система» for no actor."""
    if user is None:
        return _("Система")
    last, first = (user.last_name or "").strip(), (user.first_name or "").strip()
    if last:
        return f"{last} {first[0]}." if first else last
    return user.get_username()


def _q(text) -> str:
    return f"«{text}»"


def _as_list(value) -> list:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return []


def _labels_of(entry) -> set[str]:
    labels: set[str] = set()
    for value in (entry.before, entry.after):
        if entry.action == "access.overrides" and isinstance(value, dict):
            labels.update(value)
        elif entry.action == "access.group_permissions":
            if isinstance(value, dict):
                for perms in value.values():
                    labels.update(_as_list(perms))
            else:
                labels.update(_as_list(value))
    return labels


def _group_permissions(entry, group_name_default: str):
    before, after = entry.before, entry.after
    if isinstance(before, dict) or isinstance(after, dict):
        before, after = before or {}, after or {}
        for name in sorted({*before, *after}):
            yield name, set(_as_list(before.get(name))), set(_as_list(after.get(name)))
    else:
        yield group_name_default, set(_as_list(before)), set(_as_list(after))


def _sentences(entry, titles: dict[str, str]) -> list[str]:
    who = short_name(entry.actor)
    title = lambda label: _q(titles.get(label, label))  # noqa: E731
    out: list[str] = []
    if entry.action == "access.groups":
        before, after = set(_as_list(entry.before)), set(_as_list(entry.after))
        out += [_("%(who)s: добавление в группу %(group)s") % {"who": who, "group": _q(g)} for g in sorted(after - before)]
        out += [_("%(who)s: исключение из группы %(group)s") % {"who": who, "group": _q(g)}
                for g in sorted(before - after)]
    elif entry.action == "access.overrides":
        before = entry.before if isinstance(entry.before, dict) else {}
        after = entry.after if isinstance(entry.after, dict) else {}
        for label in sorted({*before, *after}, key=lambda x: titles.get(x, x)):
            old, new = before.get(label), after.get(label)
            if old == new:
                continue
            if new is True:
                text = _("%(who)s: выдано право %(perm)s")
            elif new is False:
                text = _("%(who)s: отозвано право %(perm)s")
            else:
                text = _("%(who)s: снята личная настройка права %(perm)s, решают группы")
            out.append(text % {"who": who, "perm": title(label)})
    elif entry.action == "access.group_permissions":
        # Without an actor it was the sync of a shipped role on an update (core.access_sync).
        who = who if entry.actor_id else _("Обновление программы")
        given, taken = _("%(who)s: группе %(group)s дано право %(perm)s"), \
            _("%(who)s: у группы %(group)s забрано право %(perm)s")
        for group, before, after in _group_permissions(entry, entry.object_repr):
            for label in sorted(after - before, key=lambda x: titles.get(x, x)):
                out.append(given % {"who": who, "group": _q(group), "perm": title(label)})
            for label in sorted(before - after, key=lambda x: titles.get(x, x)):
                out.append(taken % {"who": who, "group": _q(group), "perm": title(label)})
    elif entry.action == "employee.offices":
        before, after = set(_as_list(entry.before)), set(_as_list(entry.after))
        out += [_("%(who)s: добавлен офис %(office)s") % {"who": who, "office": _q(o)} for o in sorted(after - before)]
        out += [_("%(who)s: убран офис %(office)s") % {"who": who, "office": _q(o)} for o in sorted(before - after)]
    return out


def describe_entries(entries) -> dict[int, list[str]]:
    """{audit row id: [sentences]} for access rows; other rows get no entry."""
    entries = [e for e in entries if e.action in ACCESS_ACTIONS]
    labels: set[str] = set()
    for entry in entries:
        labels |= _labels_of(entry)
    titles = titles_for_labels(labels)
    return {entry.pk: _sentences(entry, titles) for entry in entries}


def describe_entry(entry) -> list[str]:
    return describe_entries([entry]).get(entry.pk, [])
