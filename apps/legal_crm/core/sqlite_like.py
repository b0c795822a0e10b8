"""SQLite plumbing: a LIKE that ignores case in every alphabet, as MariaDB's *_ci collations do.

SQLite's built-in LIKE folds only ASCII letters, so on the embedded database «смирнова» never found «Смирнова»
(Django's iexact, icontains and istartswith are all LIKE on SQLite). SQLite lets an application replace like()
per connection; this does it for every new SQLite connection, so every desk search is right on SQLite with no
change to the queries. MariaDB is untouched: its queries keep their shape (`name LIKE 'term%'` on an indexed
case-insensitive column). Nothing is lost on SQLite either: a case-insensitive LIKE never used an index there
(SQLite's LIKE optimisation needs NOCASE columns).
"""

from __future__ import annotations

import functools
import re

_NEVER = re.compile(r"(?!)")


@functools.lru_cache(maxsize=512)
def _pattern(pattern: str, escape: str | None) -> re.Pattern:
    """A LIKE pattern ('%' any run, '_' one character, `escape` quoting the next one) as a regex."""
    out = []
    chars = iter(pattern.casefold())
    for ch in chars:
        if escape is not None and ch == escape:
            quoted = next(chars, None)
            if quoted is None:  # a trailing escape character matches nothing, as in SQLite
                return _NEVER
            out.append(re.escape(quoted))
        elif ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out), re.DOTALL)


def like(pattern, value, escape=None):
    """SQLite's like(pattern, value[, escape]): `value LIKE pattern [ESCAPE escape]`, case folded in full."""
    if pattern is None or value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return int(_pattern(str(pattern), escape).fullmatch(str(value).casefold()) is not None)


def install(sender, connection, **kwargs) -> None:
    """connection_created receiver."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("like", 2, like, deterministic=True)
    raw.create_function("like", 3, like, deterministic=True)


def connect() -> None:
    from django.db.backends.signals import connection_created

    connection_created.connect(install, dispatch_uid="legal_crm.core.sqlite_like")
