"""Russian case forms of the desk's record names, for the titles the admin builds from a model's name.

Django builds «Добавить %s», «Изменить %s», «Выберите %s для изменения» from `verbose_name`, which is in the
nominative: «Добавить контрагент», «Изменить группа», «Выберите проводка». The desk's base admin
(core.admin_base.DeskAdmin) puts the accusative from this table in its place. Every model registered in the desk
has its row (core/tests/test_case_forms.py); a new model adds its own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# model label → accusative singular («кого? что?»: добавить контрагента, изменить группу, выберите проводку)
ACCUSATIVE = {
    "auth.group": _("группу"),
    "authtoken.tokenproxy": _("токен"),
    "axes.accessattempt": _("запись о попытке доступа"),
    "axes.accessfailurelog": _("ошибку доступа"),
    "axes.accesslog": _("запись о доступе"),
    "billing.instalmentschedule": _("график платежей"),
    "campaigns.campaign": _("рассылку"),
    "billing.invoice": _("счёт"),
    "billing.ledgerentry": _("проводку"),
    "billing.payment": _("платёж"),
    "billing.subscription": _("абонентское обслуживание"),
    "contracts.actiontype": _("тип действия"),
    "contracts.contract": _("договор"),
    "contracts.contractnumbering": _("нумерацию договоров офиса"),
    "contracts.documenttemplate": _("шаблон документа"),
    "contracts.documenttype": _("тип документа"),
    "contracts.servicesettings": _("настройку исполнения услуги"),
    "contracts.stagetemplate": _("этап услуги"),
    "contracts.terminationrequest": _("заявление о расторжении"),
    "contracts.terminationsteptemplate": _("шаг согласования расторжения"),
    "core.auditlog": _("запись журнала"),
    "finance.bonusaccount": _("бонусный счёт"),
    "finance.certificate": _("сертификат"),
    "core.eventdelivery": _("сбой обработки"),
    "core.eventoutbox": _("событие в очереди"),
    "core.jobrun": _("запуск задания"),
    "core.user": _("пользователя"),
    "messaging.channel": _("канал отправки"),
    "messaging.customtag": _("метку сообщений"),
    "portal.portalaccount": _("доступ к личному кабинету"),
    "portal.rating": _("оценку клиента"),
    "messaging.message": _("сообщение"),
    "messaging.messagetemplate": _("шаблон сообщения"),
    "messaging.optout": _("отказ от рассылок"),
    "messaging.notification": _("уведомление"),
    "telephony.call": _("звонок"),
    "telephony.companynumber": _("номер компании"),
    "telephony.pbx": _("АТС"),
    "telephony.sipaccount": _("внутренний номер"),
    "directory.counterparty": _("контрагента"),
    "directory.financialmanager": _("финансового управляющего"),
    "directory.selfregulatoryorganization": _("СРО арбитражных управляющих"),
    "directory.service": _("услугу"),
    "directory.servicegroup": _("группу услуг"),
    "directory.tag": _("тег"),
    "leads.clientmerge": _("объединение клиентов"),
    "leads.distributionrule": _("правило распределения"),
    "leads.lead": _("лид"),
    "leads.leadsettings": _("настройки приёма лидов"),
    "leads.leadstatus": _("статус лида"),
    "leads.leadtype": _("тип лида"),
    "leads.plannedcall": _("запланированный звонок"),
    "leads.question": _("вопрос анкеты"),
    "leads.refusalreason": _("причину отказа"),
    "leads.script": _("скрипт звонков"),
    "leads.scriptenrollment": _("лид в скрипте"),
    "leads.scriptmessage": _("сообщение скрипта"),
    "leads.scriptmove": _("перемещение по скрипту"),
    "leads.segmentthreshold": _("порог сегмента"),
    "leads.spamrule": _("правило спама"),
    "marketing.adsource": _("рекламный источник"),
    "marketing.partner": _("партнёра"),
    "org.banner": _("баннер"),
    "org.employee": _("сотрудника"),
    "org.offboardingchecklist": _("обходной лист"),
    "org.offboardingtemplateitem": _("пункт обходного листа"),
    "org.office": _("офис"),
    "org.position": _("должность"),
    "org.staffingplan": _("штатное расписание"),
    "quality.complaint": _("жалобу"),
    "quality.violation": _("нарушение"),
    "quality.violationpause": _("паузу проверки нарушений"),
    "quality.violationrule": _("правило нарушений"),
    "todos.task": _("задачу"),
    "todos.taskrule": _("правило автоматических задач"),
}


def accusative(opts) -> str:
    """The accusative of a model's name (its Meta options); the nominative if the table lacks it."""
    return str(ACCUSATIVE.get(opts.label_lower, opts.verbose_name))
