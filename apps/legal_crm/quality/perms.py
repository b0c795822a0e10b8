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
