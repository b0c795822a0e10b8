"""Hold the event connection to every active Asterisk PBX (or one, --pbx) and apply its call events.

Run it as a long-lived process beside the web and the worker (systemd, supervisor). It reconnects with back-off
(1, 2, 4 … 30 s) and records the PBX's state on its desk page («последняя ошибка»: «АТС недоступна…»).
"""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from legal_crm.telephony.adapters.asterisk import AmiListener
from legal_crm.telephony.models import Pbx, PbxKind
from legal_crm.telephony.services import call_event_apply


class Command(BaseCommand):
    help = "Слушать события Asterisk AMI и записывать звонки."

    def add_arguments(self, parser):
        parser.add_argument("--pbx", type=int, help="Только эта АТС (номер записи).")

    def handle(self, *args, pbx=None, **options):
        rows = Pbx.objects.filter(kind=PbxKind.ASTERISK, is_active=True)
        if pbx:
            rows = rows.filter(pk=pbx)
        rows = list(rows)
        if not rows:
            self.stdout.write("Нет включённых АТС Asterisk.")
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_a: stop.set())
        signal.signal(signal.SIGINT, lambda *_a: stop.set())
        threads = [threading.Thread(target=self._listen, args=(row, stop), daemon=True) for row in rows]
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(1)

    @staticmethod
    def _listen(pbx: Pbx, stop: threading.Event) -> None:
        def on_event(event):
            close_old_connections()
            call_event_apply(pbx=pbx, event=event)

        def on_status(ok: bool, text: str):
            close_old_connections()
            Pbx.objects.filter(pk=pbx.pk).update(last_error="" if ok else text[:500])

        AmiListener(pbx, on_event, on_status=on_status).run(stop)
