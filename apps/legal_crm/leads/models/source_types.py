"""Which lead type the leads of an ad source or a partner get (SPEC 5.2.2). Sources and partners live in marketing,
below leads, so the choice is kept here, keyed by the source or partner (leads/services/typing.py reads it)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .statuses import LeadType


class SourceLeadType(models.Model):
    source = models.OneToOneField("marketing.AdSource", on_delete=models.CASCADE, related_name="lead_type_default",
                                  verbose_name=_("рекламный источник"))
    lead_type = models.ForeignKey(LeadType, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("тип лида по умолчанию"),
                                  help_text=_("Лиды из этого источника получают этот тип; пусто — тип по каналу."))
    history = HistoricalRecords()

    class Meta:
        # Not «тип лида по умолчанию» alone: the access matrix and the history name the two models apart.
        verbose_name = _("тип лида источника")
        verbose_name_plural = _("типы лидов источников")

    def __str__(self) -> str:
        return str(self.lead_type)


class PartnerLeadType(models.Model):
    partner = models.OneToOneField("marketing.Partner", on_delete=models.CASCADE, related_name="lead_type_default",
                                   verbose_name=_("партнёр"))
    lead_type = models.ForeignKey(LeadType, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("тип лида по умолчанию"),
                                  help_text=_("Лиды партнёра получают этот тип; пусто — тип источника."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("тип лида партнёра")
        verbose_name_plural = _("типы лидов партнёров")

    def __str__(self) -> str:
        return str(self.lead_type)
