"""The rights of the billing module (core.guard.Perm: the permission's name and what it allows, in Russian)."""

from django.utils.translation import gettext_lazy as _

from legal_crm.core.guard import Perm

VIEW_INVOICE = Perm("billing.view_invoice", _("видеть счета"))
ADD_INVOICE = Perm("billing.add_invoice", _("выставлять счета"))
CANCEL_INVOICE = Perm("billing.cancel_invoice", _("отменять счета"))
VIEW_INSTALMENTSCHEDULE = Perm("billing.view_instalmentschedule", _("видеть графики платежей"))
ADD_INSTALMENTSCHEDULE = Perm("billing.add_instalmentschedule", _("составлять графики платежей"))
CHANGE_INSTALMENTSCHEDULE = Perm("billing.change_instalmentschedule", _("отменять графики"))
VIEW_SUBSCRIPTION = Perm("billing.view_subscription", _("видеть абонентское обслуживание"))
ADD_SUBSCRIPTION = Perm("billing.add_subscription", _("оформлять абонентское обслуживание"))
CHANGE_SUBSCRIPTION = Perm("billing.change_subscription", _("менять абонентское обслуживание"))
VIEW_PAYMENT = Perm("billing.view_payment", _("видеть платежи"))
ADD_PAYMENT = Perm("billing.add_payment", _("регистрировать оплаты"))
REFUND_PAYMENT = Perm("billing.refund_payment", _("оформлять возвраты"))
VIEW_REFUND = Perm("billing.view_refund", _("видеть возвраты"))
VIEW_LEDGERENTRY = Perm("billing.view_ledgerentry", _("видеть проводки"))
