"""API shapes of leads: the intake payload, the lead as returned, the PATCH payload, list filters."""

from __future__ import annotations

import datetime
from collections.abc import Container

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from legal_crm.core.api import CleanTextSerializerMixin
from legal_crm.core.phone_parts import MIN_DIGITS, searched_digits
from legal_crm.core.user_names import display_name
from legal_crm.core.validators import digits, normalize_phone
from legal_crm.marketing.models import AdSource
from legal_crm.org.models import Office

from . import refcache
from .models import Lead, LeadStatus, LeadType
from .services.intake import COMMENT_MAX, EXTERNAL_ID_MAX, NAME_MAX, UTM_MAX


@extend_schema_field({"oneOf": [{"type": "string", "maxLength": EXTERNAL_ID_MAX}, {"type": "integer"}]})
class ExternalIdField(serializers.CharField):
    """The partner's number of the lead: a JSON string or integer. DRF's CharField takes a float too and stores
    its text (1.5 → "1.5", 1e309 → "inf"), which no partner meant as its number: any other JSON type is a 400.
    The schema says the same (a string or an integer; kept as its text either way), not DRF's plain string."""

    default_error_messages = {"invalid_external_id": _("Номер у партнёра должен быть строкой или целым числом.")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid_external_id")
        return super().to_internal_value(data)


class LeadIntakeSerializer(CleanTextSerializerMixin, serializers.Serializer):
    phone = serializers.CharField(label=_("телефон"), max_length=40,
                                  help_text=_("В любом виде: +7 916 123-45-67, 89161234567, 9161234567."))
    name = serializers.CharField(label=_("имя"), max_length=NAME_MAX, required=False, allow_blank=True, default="")
    source = serializers.CharField(label=_("источник"), max_length=64, required=False, allow_blank=True,
                                   allow_null=True, default=None, help_text=_("Код рекламного источника."))
    external_id = ExternalIdField(label=_("номер у партнёра"), max_length=EXTERNAL_ID_MAX, required=False,
                                  allow_blank=True, allow_null=True, default=None,
                                  help_text=_("Номер лида у партнёра: строка или целое число; 12345 и «12345» — "
                                              "один и тот же номер."))
    comment = serializers.CharField(label=_("комментарий"), max_length=COMMENT_MAX, required=False,
                                    allow_blank=True, default="", style={"base_template": "textarea.html"})
    utm_source = serializers.CharField(max_length=UTM_MAX, required=False, allow_blank=True, default="")
    utm_medium = serializers.CharField(max_length=UTM_MAX, required=False, allow_blank=True, default="")
    utm_campaign = serializers.CharField(max_length=UTM_MAX, required=False, allow_blank=True, default="")
    consent_personal_data = serializers.BooleanField(label=_("согласие на обработку ПДн"), required=False,
                                                     default=False)
    consent_ads = serializers.BooleanField(label=_("согласие на рекламу"), required=False, default=False)
    consent_text = serializers.CharField(label=_("текст согласия"), max_length=5000, required=False,
                                         allow_blank=True, default="", style={"base_template": "textarea.html"})

    default_error_messages = {"invalid": _("Ожидался JSON-объект с полями заявки.")}

    def validate_phone(self, value):
        if normalize_phone(value) is None:
            raise serializers.ValidationError(_("Телефон указан неверно: нужен номер вида +7 916 123-45-67."),
                                              code="invalid_phone")
        return value

    def validate_source(self, value):
        if value:
            source = refcache.get().source_by_code.get(value)
            if source is None or not source.is_active:
                raise serializers.ValidationError(_("Неизвестный источник «%(s)s».") % {"s": value},
                                                  code="unknown_source")
        return value or None


class LeadSerializer(serializers.ModelSerializer):
    status = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_name = serializers.CharField(source="status.name", read_only=True)
    type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    type_name = serializers.CharField(source="type.name", read_only=True)
    # allow_null on what a lead may lack (no office or operator yet, no source, no refusal): the schema says so.
    source = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    office = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    office_name = serializers.CharField(source="office.name", read_only=True, default=None, allow_null=True)
    assigned_to = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    assigned_to_name = serializers.SerializerMethodField()
    refusal_reason = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Lead
        fields = ["id", "phone", "name", "status", "status_name", "type", "type_name", "office", "office_name",
                  "assigned_to", "assigned_to_name", "source", "external_id", "is_spam", "refusal_reason",
                  "segment", "score", "comment", "utm_source", "utm_medium", "utm_campaign",
                  "consent_personal_data", "consent_ads", "contacts_count", "last_contact_at", "created_at"]
        read_only_fields = fields

    def get_assigned_to_name(self, obj) -> str | None:
        if not obj.assigned_to_id:
            return None
        if Lead.assigned_to.is_cached(obj):  # lists read the users with the leads
            return str(obj.assigned_to)
        return display_name(obj.assigned_to_id)


class PartnerLeadSerializer(serializers.ModelSerializer):
    """What a partner sees of its own leads: the status, not the staff's notes."""

    status = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_name = serializers.CharField(source="status.name", read_only=True)
    type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    office = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    source = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Lead
        fields = ["id", "phone", "name", "status", "status_name", "type", "office", "source", "external_id",
                  "is_spam", "created_at"]
        read_only_fields = fields


class DuplicateReceiptSerializer(serializers.Serializer):
    """The answer to a repeated post whose lead the sender may not see (another partner's, another office's):
    the post is recorded on that lead, and nothing of it is shown."""

    duplicate = serializers.BooleanField(read_only=True)
    external_id = serializers.CharField(read_only=True, allow_null=True, help_text=_("Номер у партнёра из запроса."))
    detail = serializers.CharField(read_only=True)


class LeadPatchSerializer(CleanTextSerializerMixin, serializers.Serializer):
    name = serializers.CharField(max_length=NAME_MAX, required=False, allow_blank=True)
    comment = serializers.CharField(max_length=COMMENT_MAX, required=False, allow_blank=True,
                                    style={"base_template": "textarea.html"})
    segment = serializers.CharField(max_length=50, required=False, allow_blank=True)
    score = serializers.IntegerField(required=False, allow_null=True, min_value=-100000, max_value=100000)
    status = serializers.SlugField(required=False, help_text=_("Код нового статуса."))
    refusal_reason = serializers.SlugField(required=False, allow_null=True, help_text=_("Код причины отказа."))
    status_comment = serializers.CharField(max_length=500, required=False, allow_blank=True)
    office = serializers.SlugField(required=False, help_text=_("Код офиса."))
    assigned_to = serializers.IntegerField(required=False, help_text=_("Номер пользователя-оператора."))


# The period a list may ask for: wide enough for "from the beginning" (1900-01-01), narrow enough that the
# day after the end and the start of a day in any time zone are still dates (9999-12-31 + 1 day is not).
PERIOD_MIN = datetime.date(1900, 1, 1)
PERIOD_MAX = datetime.date(2100, 12, 31)
DATE_ERRORS = {"invalid": _("Неправильный формат даты: нужен ГГГГ-ММ-ДД, например 2026-05-01.")}


def _known_code(value: str, cached: Container[str], model, message, code: str) -> str:
    """A filter's code must name an existing row: checked against the cached reference data (no query), and
    only when it is not there against the table (a row added a moment ago, an inactive office). The error
    codes are those of the intake and of PATCH for the same mistake (unknown_source, unknown_status…)."""
    if value in cached or model.objects.filter(code=value).exists():
        return value
    raise serializers.ValidationError(message % {"code": value}, code=code)


class LeadFilterSerializer(serializers.Serializer):
    phone = serializers.CharField(required=False, max_length=40)
    status = serializers.SlugField(required=False)
    type = serializers.SlugField(required=False)
    source = serializers.SlugField(required=False)
    office = serializers.SlugField(required=False)
    date_from = serializers.DateField(required=False, error_messages=DATE_ERRORS)
    date_to = serializers.DateField(required=False, error_messages=DATE_ERRORS)

    def validate_phone(self, value):
        """A whole number, or at least MIN_DIGITS of its digits in a row (core.phone_parts): fewer match too many
        numbers to be a search, and the list answered them with nothing instead of saying so."""
        if normalize_phone(value) is not None or searched_digits(value) is not None:
            return value
        if len(digits(value)) < MIN_DIGITS:
            raise serializers.ValidationError(_("Для поиска по телефону нужно не меньше %(n)s цифр подряд.")
                                              % {"n": MIN_DIGITS}, code="phone_too_short")
        raise serializers.ValidationError(_("Телефон указан неверно: введите номер или его цифры подряд."),
                                          code="invalid_phone")

    def validate_status(self, value):
        return _known_code(value, refcache.get().status_by_code.keys(), LeadStatus,
                           _("Нет статуса с кодом «%(code)s»."), "unknown_status")

    def validate_type(self, value):
        return _known_code(value, refcache.get().type_by_code.keys(), LeadType, _("Нет типа лида с кодом «%(code)s»."),
                           "unknown_type")

    def validate_source(self, value):
        return _known_code(value, refcache.get().source_by_code.keys(), AdSource,
                           _("Нет рекламного источника с кодом «%(code)s»."), "unknown_source")

    def validate_office(self, value):
        return _known_code(value, {o.code for o in refcache.get().office_by_pk.values()}, Office,
                           _("Нет офиса с кодом «%(code)s»."), "unknown_office")

    def _validate_day(self, value):
        if not PERIOD_MIN <= value <= PERIOD_MAX:
            raise serializers.ValidationError(
                _("Дата должна быть между %(min)s и %(max)s.") % {"min": PERIOD_MIN.strftime("%d.%m.%Y"),
                                                                 "max": PERIOD_MAX.strftime("%d.%m.%Y")},
                code="date_out_of_range")
        return value

    validate_date_from = validate_date_to = _validate_day

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": _("Конец периода раньше начала.")}, code="invalid_period")
        return attrs
