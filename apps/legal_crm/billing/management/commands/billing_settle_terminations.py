"""Settle the invoices of contracts terminated before billing issued the termination's debt (billing 0004): their
partly paid invoices stayed open with their whole rest when the accepted work exceeded the payments. The termination
handler is run again for every terminated contract whose decision recorded its amounts — it is idempotent, so a
contract already settled is left as it is, and a repeat of this command changes nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from legal_crm.billing.handlers import TERMINATED, stop_billing_of_terminated
from legal_crm.contracts.models import Contract, TerminationRequest


class Command(BaseCommand):
    help = "Закрыть счета расторгнутых договоров и выставить долг за принятые работы, где его ещё нет."

    def handle(self, *args, **options):
        decided = (TerminationRequest.objects.filter(status=TerminationRequest.Status.TERMINATED,
                                                     contract__status=Contract.Status.TERMINATED,
                                                     accepted_work_amount__isnull=False)
                   .order_by("contract_id").values_list("contract_id", "accepted_work_amount"))
        contracts = cancelled = debts = 0
        for contract_id, accepted in decided:
            result = stop_billing_of_terminated(contract_id=contract_id, status=TERMINATED,
                                                accepted_work_amount=str(accepted))
            contracts += 1
            cancelled += result.get("invoices", 0)
            debts += "debt_invoice" in result
        self.stdout.write(f"Расторгнутых договоров: {contracts}; счетов закрыто: {cancelled}; "
                          f"выставлено долгов за принятые работы: {debts}.")
