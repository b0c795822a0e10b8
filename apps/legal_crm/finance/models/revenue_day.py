"""The daily revenue summary: what the revenue report reads instead of a year of payments."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from legal_crm.core.fields import MoneyField


class RevenueDay(models.Model):
    """Payments and refunds summed per office, service (the contract's) and day (settings.TIME_ZONE: payments by
    paid_at, refunds by refunded_at — the days report_common.period_bounds cuts). A year of 200 offices is a few
    hundred thousand rows at most instead of a million payments joined to their contracts.

    Written only by services.revenue_days, which RECOMPUTES the cells of an office and day from billing's rows
    (never adds to them): an event delivered twice, a nightly rebuild or `manage.py rebuild_revenue_days` leave the
    same figures. A row exists only while the day has a payment or a refund there."""

    office = models.ForeignKey("org.Office", on_delete=models.CASCADE, related_name="+", verbose_name=_("офис"))
    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("услуга"))
    day = models.DateField(_("день"))
    received = MoneyField(_("поступило"), default=0)
    refunded = MoneyField(_("возвраты"), default=0)
    payments = models.PositiveIntegerField(_("платежей"), default=0)

    class Meta:
        verbose_name = _("выручка за день")
        verbose_name_plural = _("выручка по дням")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["office", "service", "day"], name="revenueday_cell")]
        indexes = [models.Index(fields=["day", "office"], name="revenueday_day_office")]

    def __str__(self) -> str:
        return f"{self.day} {self.office_id}/{self.service_id}: {self.received} − {self.refunded}"
