"""The rights of the contracts module (core.guard.Perm: the permission's name and what it allows, in Russian)."""

from django.utils.translation import gettext_lazy as _

from legal_crm.core.guard import Perm

VIEW_CONTRACT = Perm("contracts.view_contract", _("видеть договоры"))
VIEW_OFFICE_CONTRACTS = Perm("contracts.view_office_contracts", _("видеть все договоры своих офисов"))
ADD_CONTRACT = Perm("contracts.add_contract", _("создавать договоры"))
CHANGE_CONTRACT = Perm("contracts.change_contract", _("изменять договоры"))
SIGN_CONTRACT = Perm("contracts.sign_contract", _("подписывать договоры"))
ACT_AS_CONTRACT_LAWYER = Perm("contracts.act_as_contract_lawyer", _("быть юристом договора"))
MANAGE_CONTRACT_WORK = Perm("contracts.manage_contract_work", _("вести работу по договору"))
CHANGE_CONTRACTSTAGE = Perm("contracts.change_contractstage", _("изменять этапы работ"))
ADD_CONTRACTACTION = Perm("contracts.add_contractaction", _("добавлять действия по договору"))
CHANGE_CONTRACTACTION = Perm("contracts.change_contractaction", _("изменять действия по договору"))
ADD_STAGEEXPENSE = Perm("contracts.add_stageexpense", _("добавлять расходы по этапам"))
VIEW_STAGEEXPENSE = Perm("contracts.view_stageexpense", _("видеть расходы по этапам"))
ADD_EXTRAWORK = Perm("contracts.add_extrawork", _("добавлять дополнительные работы"))
VIEW_CONTRACTDOCUMENT = Perm("contracts.view_contractdocument", _("видеть документы договоров"))
ADD_CONTRACTDOCUMENT = Perm("contracts.add_contractdocument", _("добавлять документы договоров"))
CHANGE_CONTRACTDOCUMENT = Perm("contracts.change_contractdocument", _("изменять документы договоров"))
ADD_DOCUMENTTEMPLATE = Perm("contracts.add_documenttemplate", _("добавлять шаблоны документов"))
CHANGE_DOCUMENTTEMPLATE = Perm("contracts.change_documenttemplate", _("изменять шаблоны документов"))
CHANGE_CONTRACTNUMBERING = Perm("contracts.change_contractnumbering", _("менять нумерацию договоров"))
VIEW_TERMINATIONREQUEST = Perm("contracts.view_terminationrequest", _("видеть заявления о расторжении"))
ADD_TERMINATIONREQUEST = Perm("contracts.add_terminationrequest", _("подавать заявления о расторжении"))
CHANGE_TERMINATIONREQUEST = Perm("contracts.change_terminationrequest", _("изменять заявления о расторжении"))
APPROVE_TERMINATION = Perm("contracts.approve_termination", _("согласовывать расторжение договоров"))
DECIDE_TERMINATION = Perm("contracts.decide_termination", _("принимать решение о расторжении договоров"))
