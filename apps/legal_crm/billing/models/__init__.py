from .invoice import Invoice
from .payment import LedgerEntry, Payment, PaymentAllocation, PaymentMethod, Refund
from .plans import InstalmentSchedule, ScheduleItem, Subscription

__all__ = [
    "InstalmentSchedule", "Invoice", "LedgerEntry", "Payment", "PaymentAllocation", "PaymentMethod", "Refund",
    "ScheduleItem", "Subscription",
]
