"""The rights of the finance module (core.guard.Perm: the permission's name and what it allows, in Russian)."""

from django.utils.translation import gettext_lazy as _

from legal_crm.core.guard import Perm

VIEW_RECEIVABLES = Perm("finance.view_receivables", _("видеть дебиторскую задолженность"))
VIEW_REVENUE = Perm("finance.view_revenue", _("видеть выручку и валовую прибыль"))
VIEW_CERTIFICATE = Perm("finance.view_certificate", _("видеть сертификаты"))
ADD_CERTIFICATE = Perm("finance.add_certificate", _("выпускать сертификаты"))
CHANGE_CERTIFICATE = Perm("finance.change_certificate", _("аннулировать сертификаты"))
VIEW_BONUSACCOUNT = Perm("finance.view_bonusaccount", _("видеть бонусные счета клиентов"))
ACCRUE_BONUS = Perm("finance.accrue_bonus", _("начислять бонусы клиентам"))

# planning (SPEC 5.4.1): office heads draft and submit their office's plans, finance approves them
VIEW_PLAN = Perm("finance.view_budgetplan", _("видеть планы доходов и расходов"))
ADD_PLAN = Perm("finance.add_budgetplan", _("составлять планы доходов и расходов"))
CHANGE_PLAN = Perm("finance.change_budgetplan", _("изменять планы доходов и расходов"))
SUBMIT_PLAN = Perm("finance.submit_budgetplan", _("отправлять планы на согласование"))
APPROVE_PLAN = Perm("finance.approve_budgetplan", _("утверждать и возвращать планы"))
# accounting (SPEC 5.4.2–3): finance only
VIEW_ACCOUNTING = Perm("finance.view_accountingentry", _("видеть учёт доходов и расходов"))
ADD_ACCOUNTING = Perm("finance.add_accountingentry", _("вносить доходы и расходы"))
REVERSE_ACCOUNTING = Perm("finance.reverse_accountingentry", _("сторнировать записи учёта"))
VIEW_PAYROLLRUN = Perm("finance.view_payrollrun", _("видеть расчёты зарплаты"))
ADD_PAYROLLRUN = Perm("finance.add_payrollrun", _("рассчитывать зарплату"))
APPROVE_PAYROLLRUN = Perm("finance.approve_payrollrun", _("утверждать расчёты зарплаты"))
VIEW_PAYROLLRULE = Perm("finance.view_payrollrule", _("видеть правила начисления зарплаты"))
VIEW_DISCOUNTSCHEME = Perm("finance.view_discountscheme", _("видеть схемы скидок"))
APPROVE_DISCOUNT = Perm("finance.approve_discount", _("согласовывать скидки сверх лимита"))
ADD_CLIENTREFERRAL = Perm("finance.add_clientreferral", _("отмечать, кто рекомендовал клиента"))
VIEW_BONUSRULE = Perm("finance.view_bonusrule", _("видеть правила начисления бонусов"))
VIEW_CLIENTREFERRAL = Perm("finance.view_clientreferral", _("видеть рекомендации клиентов"))
VIEW_AGENTACCRUAL = Perm("finance.view_agentaccrual", _("видеть вознаграждения агентов"))
APPROVE_AGENTACCRUAL = Perm("finance.approve_agentaccrual", _("согласовывать вознаграждения агентов"))
PAY_AGENTACCRUAL = Perm("finance.pay_agentaccrual", _("отмечать выплату вознаграждений агентам"))
