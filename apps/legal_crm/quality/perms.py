"""The rights of the quality module (core.guard.Perm: the permission's name and what it allows, in Russian)."""

from django.utils.translation import gettext_lazy as _

from legal_crm.core.guard import Perm

VIEW_COMPLAINT = Perm("quality.view_complaint", _("видеть жалобы"))
ADD_COMPLAINT = Perm("quality.add_complaint", _("регистрировать жалобы"))
ASSIGN_COMPLAINT = Perm("quality.assign_complaint", _("назначать ответственных по жалобам"))

# reviews and NPS
VIEW_REVIEW = Perm("quality.view_review", _("видеть отзывы клиентов"))
ADD_REVIEW = Perm("quality.add_review", _("записывать отзывы клиентов"))
ANALYSE_REVIEW = Perm("quality.analyse_review", _("разбирать отрицательные отзывы"))
VIEW_NPS_REPORT = Perm("quality.view_nps_report", _("видеть отчёт NPS"))
ADD_REVIEW_RULE = Perm("quality.add_reviewrequestrule", _("настраивать запросы отзывов"))
CHANGE_REVIEW_RULE = Perm("quality.change_reviewrequestrule", _("настраивать запросы отзывов"))
# violations (quality/violations): everyone sees their own; office heads see their offices', record and decide
VIEW_VIOLATION = Perm("quality.view_violation", _("видеть свои нарушения"))
VIEW_OFFICE_VIOLATIONS = Perm("quality.view_office_violations", _("видеть нарушения сотрудников своих офисов"))
ADD_VIOLATION = Perm("quality.add_violation", _("фиксировать нарушения сотрудников"))
DECIDE_VIOLATION = Perm("quality.decide_violation", _("решать по обжалованиям нарушений"))
VIEW_VIOLATION_RULE = Perm("quality.view_violationrule", _("видеть правила нарушений"))
ADD_VIOLATION_RULE = Perm("quality.add_violationrule", _("создавать правила нарушений"))
CHANGE_VIOLATION_RULE = Perm("quality.change_violationrule", _("изменять правила нарушений"))
VIEW_VIOLATION_PAUSE = Perm("quality.view_violationpause", _("видеть паузы проверки нарушений"))
ADD_VIOLATION_PAUSE = Perm("quality.add_violationpause", _("добавлять паузы проверки нарушений"))
CHANGE_VIOLATION_PAUSE = Perm("quality.change_violationpause", _("изменять паузы проверки нарушений"))
DELETE_VIOLATION_PAUSE = Perm("quality.delete_violationpause", _("удалять паузы проверки нарушений"))
