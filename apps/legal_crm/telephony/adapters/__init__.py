"""PBX clients: one per provider behind adapters.base.PbxAdapter."""

from __future__ import annotations

from .base import PbxAdapter


def adapter_for(pbx) -> PbxAdapter:
    kind = getattr(pbx, "kind", "console")
    if kind == "asterisk":
        from .asterisk import AsteriskAdapter

        return AsteriskAdapter(pbx)
    if kind == "mango":
        from .mango import MangoAdapter

        return MangoAdapter(pbx)
    if kind == "zadarma":
        from .zadarma import ZadarmaAdapter

        return ZadarmaAdapter(pbx)
    from .console import ConsoleAdapter

    return ConsoleAdapter(pbx)
