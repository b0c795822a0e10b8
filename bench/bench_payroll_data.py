"""Background of the payroll benchmark (bench_finance.py --payroll): one office with N employees (60 % sellers,
35 % lawyers, 5 % heads), the position rules with KPI bonuses, and a month of their work — contracts signed by the
sellers (8 each, one lawyer each), one invoice per contract and 4 payments on it inside the month. Rows go in
through generate_contracts.Loader (multi-row INSERTs, no services)."""

from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal

CONTRACTS_PER_SELLER = 8
PAYMENTS_PER_CONTRACT = 4


def generate(*, employees: int, month: datetime.date, seed: int = 16):
    from django.db import connection
    from django.utils import timezone
    from generate_contracts import Loader

    from legal_crm.billing.models import Invoice, Payment
    from legal_crm.contracts.models import Contract
    from legal_crm.core.models import User
    from legal_crm.directory.tests.factories import CounterpartyFactory, ServiceFactory
    from legal_crm.finance.models import PayrollKpi, PayrollRule
    from legal_crm.org.models import Employee
    from legal_crm.org.tests.factories import OfficeFactory, PositionFactory

    rnd = random.Random(seed)
    stamp = int(time.time())  # a fresh office on each --reuse run
    office = OfficeFactory(code=f"payroll{stamp}", name=f"Офис зарплаты {stamp}")
    client = CounterpartyFactory(name="Клиент для зарплаты")
    service = ServiceFactory(code=f"payroll-{office.code}", name=f"Услуга {office.code}", price=Decimal("120000"))
    positions = {code: PositionFactory(code=f"{code}-{office.code}", name=f"{code} {office.code}")
                 for code in ("sales", "lawyer", "head")}
    sales = PayrollRule.objects.create(position=positions["sales"], salary=Decimal("40000"), sales_percent=3,
                                       payments_percent=2, violation_deduction=Decimal("1500"))
    PayrollKpi.objects.create(rule=sales, metric="sales_count", threshold=5, bonus=Decimal("10000"))
    PayrollKpi.objects.create(rule=sales, metric="payments_amount", threshold=200000, bonus=Decimal("15000"))
    PayrollRule.objects.create(position=positions["lawyer"], salary=Decimal("60000"), payments_percent=Decimal("1.5"))
    PayrollRule.objects.create(position=positions["head"], salary=Decimal("90000"), revenue_percent=1)

    loader = Loader(connection)
    now = timezone.now()
    user_ids = loader.take_ids(User, employees)
    employee_ids = loader.take_ids(Employee, employees)
    roles = ["sales"] * 60 + ["lawyer"] * 35 + ["head"] * 5
    kinds = [roles[i % 100] for i in range(employees)]
    loader.insert(User, [{"id": uid, "username": f"pay-{office.code}-{i}", "password": "!", "first_name": "Иван",
                          "last_name": f"Расчётов{i}", "is_staff": True, "date_joined": now}
                         for i, uid in enumerate(user_ids)])
    loader.insert(Employee, [{"id": eid, "user_id": uid, "position_id": positions[kind].pk, "status": "active",
                              "main_office_id": office.pk, "created_at": now, "updated_at": now}
                             for eid, uid, kind in zip(employee_ids, user_ids, kinds, strict=True)])
    sellers = [uid for uid, kind in zip(user_ids, kinds, strict=True) if kind == "sales"]
    lawyers = [uid for uid, kind in zip(user_ids, kinds, strict=True) if kind == "lawyer"]
    days = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - month
    contracts, links, invoices, payments = [], [], [], []
    contract_ids = iter(loader.take_ids(Contract, len(sellers) * CONTRACTS_PER_SELLER))
    invoice_ids = iter(loader.take_ids(Invoice, len(sellers) * CONTRACTS_PER_SELLER))
    tz = timezone.get_current_timezone()
    for seller in sellers:
        for _n in range(CONTRACTS_PER_SELLER):
            cid, iid = next(contract_ids), next(invoice_ids)
            signed = month + datetime.timedelta(days=rnd.randrange(days.days))
            contracts.append({"id": cid, "number": f"ЗП-{office.code}-{cid}", "office_id": office.pk,
                              "client_id": client.pk, "service_id": service.pk, "status": "signed",
                              "price": Decimal("120000.00"), "signed_on": signed, "sales_manager_id": seller,
                              "created_at": now, "updated_at": now})
            links.append({"contract_id": cid, "user_id": rnd.choice(lawyers)})
            invoices.append({"id": iid, "contract_id": cid, "seq": 1, "number": f"ЗП-{cid}/1", "amount": Decimal("40000.00"),
                             "paid_amount": Decimal("40000.00"), "status": "paid", "issued_on": month,
                             "due_date": month + datetime.timedelta(days=27), "purpose": "Оплата услуг",
                             "created_at": now, "updated_at": now})
            for _p in range(PAYMENTS_PER_CONTRACT):
                paid = datetime.datetime.combine(month + datetime.timedelta(days=rnd.randrange(days.days)),
                                                 datetime.time(12), tz)
                payments.append({"contract_id": cid, "invoice_id": iid, "amount": Decimal("10000.00"),
                                 "method": "cash", "paid_at": paid, "created_at": now, "updated_at": now})
    loader.insert(Contract, contracts)
    for link_id, link in zip(loader.take_ids(Contract.lawyers.through, len(links)), links, strict=True):
        link["id"] = link_id
    loader.insert(Contract.lawyers.through, links)
    loader.insert(Invoice, invoices)
    for pid, row in zip(loader.take_ids(Payment, len(payments)), payments, strict=True):
        row["id"] = pid
    loader.insert(Payment, payments)
    loader.close()
    return office, {"employees": employees, "contracts": len(contracts), "payments": len(payments)}
