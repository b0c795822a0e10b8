"""Leads over the API: intake for websites and partners, list and card for staff (and partners' own)."""

from __future__ import annotations

import functools

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from legal_crm.core.api import error_responses, single_params
from legal_crm.core.errors import DomainError
from legal_crm.core.pagination import CappedLimitOffsetPagination as BasePagination
from legal_crm.core.paginators import rows_by_ids
from legal_crm.core.token_auth import CachedTokenAuthentication, SessionAuthentication
from legal_crm.core.validators import normalize_phone
from legal_crm.leads import perms
from legal_crm.org.selectors import office_ids_visible_to

from . import selectors, services
from .errors import Code
from .serializers import (
    DuplicateReceiptSerializer,
    LeadFilterSerializer,
    LeadIntakeSerializer,
    LeadPatchSerializer,
    LeadSerializer,
    PartnerLeadSerializer,
)

FILTER_PARAMS = [
    OpenApiParameter("phone", OpenApiTypes.STR, description="Телефон в любом виде или любые его цифры подряд (от "
                                                            "четырёх; меньше — 400 phone_too_short)"),
    OpenApiParameter("status", OpenApiTypes.STR, description="Код статуса (одно значение; параметр, указанный "
                                                             "дважды, — 400 repeated_param, как и у других фильтров)"),
    OpenApiParameter("type", OpenApiTypes.STR, description="Код типа лида"),
    OpenApiParameter("source", OpenApiTypes.STR, description="Код источника"),
    OpenApiParameter("office", OpenApiTypes.STR, description="Код офиса"),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="Созданы с (включительно)"),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Созданы по (включительно)"),
]

FILTER_NAMES = [p.name for p in FILTER_PARAMS]


def _lead_shapes(**kwargs):
    """What the lead endpoints answer: staff get Lead; a partner's API user gets PartnerLead (its own leads,
    without the staff's fields)."""
    return PolymorphicProxySerializer(
        component_name="LeadOrPartnerLead", serializers=[LeadSerializer, PartnerLeadSerializer],
        resource_type_field_name=None, **kwargs)


class CappedLimitOffsetPagination(BasePagination):
    """The API's pagination; leads read a page by ids first (core.paginators.rows_by_ids), as the desk does."""

    def rows(self, queryset, bottom: int, top: int) -> list:
        return rows_by_ids(queryset, bottom, top)


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# Token first: a wrong or missing token answers 401 with WWW-Authenticate, not 403.
AUTHENTICATION = (CachedTokenAuthentication, SessionAuthentication)


class LeadListCreateView(APIView):
    authentication_classes = AUTHENTICATION
    permission_classes = (IsAuthenticated,)
    pagination_class = CappedLimitOffsetPagination

    @extend_schema(parameters=FILTER_PARAMS, responses={200: _lead_shapes(many=True), **error_responses(400, 401, 403)},
                   summary="Список лидов", tags=["leads"],
                   description="Сотрудник получает лиды своих офисов в форме Lead, API-пользователь партнёра — "
                               "только свои лиды в форме PartnerLead. Неизвестный код в фильтре — 400.")
    def get(self, request):
        single_params(request, FILTER_NAMES)
        params = LeadFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        qs = selectors.lead_list_visible_to(request.user)
        qs = selectors.filter_leads(qs, **params.validated_data).order_by("-created_at", "-id")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        serializer_class = self._serializer_class(request.user)
        return paginator.get_paginated_response(serializer_class(page, many=True).data)

    @extend_schema(
        request=LeadIntakeSerializer,
        responses={201: OpenApiResponse(_lead_shapes(), description="Новый лид."),
                   200: OpenApiResponse(
                       PolymorphicProxySerializer(
                           component_name="LeadRepeat", resource_type_field_name=None,
                           serializers=[LeadSerializer, PartnerLeadSerializer, DuplicateReceiptSerializer]),
                       description="Повтор: существующий лид, обращение добавлено к нему. Если лид принадлежит "
                                   "другому партнёру или офису, которого отправитель не видит, — только "
                                   "DuplicateReceipt (duplicate: true), без данных лида."),
                   **error_responses(400, 401, 403, 413, 503)},
        summary="Принять лид",
        description="Новый лид — 201. Тот же партнёр и external_id, или тот же телефон в окне дедупликации — "
                    "200 с существующим лидом; обращение добавляется к нему. Ошибки — 400 с кодами по полям. "
                    "Партнёр получает лид в форме PartnerLead, сайт и сотрудник — в форме Lead.",
        tags=["leads"],
    )
    def post(self, request):
        partner = selectors.partner_of(request.user)
        services.ensure_partner_accepts_leads(partner)
        if partner is None and not request.user.has_perm(perms.ADD_LEAD):
            raise exceptions.PermissionDenied()
        data = request.data
        if not isinstance(data, dict):
            raise exceptions.ValidationError({"non_field_errors": [exceptions.ErrorDetail(
                _("Ожидался JSON-объект с полями заявки."), code="invalid")]})
        mapping = partner.field_mapping if partner is not None and partner.field_mapping else None
        if mapping:
            data = _mapped(data, mapping)
        try:
            # The shared instance validates as a list serializer's child does (no state kept between calls).
            validated = _prebuilt(LeadIntakeSerializer).run_validation(data)
            payload = services.IntakeData(**validated, ip=_client_ip(request))
            lead, created = services.lead_intake(actor=request.user, data=payload, partner=partner,
                                                 offices=_makers_offices(request.user, partner))
        except (exceptions.ValidationError, DomainError) as exc:
            if mapping:
                _name_fields_as_sent(exc, mapping)
            raise
        if created:
            return Response(_shape(request.user).to_representation(lead), status=status.HTTP_201_CREATED)
        if not selectors.lead_is_visible_to(request.user, lead):
            # The person is already another partner's or another office's lead: the post joined it, and posting
            # a phone must not become a way to read who else has it.
            return Response(DuplicateReceiptSerializer({
                "duplicate": True, "external_id": payload.external_id,
                "detail": _("Этот человек уже обращался: заявка добавлена к его обращению.")}).data)
        return Response(_shape(request.user).to_representation(lead))

    @staticmethod
    def _serializer_class(user):
        # A partner's API user sees its leads' statuses, never the staff's fields.
        if selectors.partner_of(user) is not None:
            return PartnerLeadSerializer
        return LeadSerializer


def _makers_offices(user, partner):
    """An employee adding a lead through the API keeps it in their offices, as on the desk (lead_intake's
    `offices`); a site's or a partner's account (not staff, no offices) leaves it to distribution."""
    if partner is not None or not user.is_staff:
        return None
    return office_ids_visible_to(user) or None


def _mapped(data: dict, mapping: dict) -> dict:
    """The post under the CRM's field names. Two fields the post sends for one CRM field (the partner's `tel`,
    mapped to phone, and `phone` itself) with different values are a 400 naming both, never one of them taken
    silently; the same value twice is accepted, also typed two ways (_same_value)."""
    mapped: dict = {}
    sent_as: dict = {}
    for key, value in data.items():
        ours = mapping.get(key, key)
        if ours in mapped and mapped[ours] != value and not _same_value(ours, mapped[ours], value):
            first = sent_as[ours]
            message = _("Поля «%(a)s» и «%(b)s» задают одно поле заявки (%(ours)s) разными значениями: "
                        "передайте одно из них.") % {"a": first, "b": key, "ours": ours}
            raise DomainError(Code.FIELD_CONFLICT, message, fields={first: message, key: message},
                              extra={"conflicting_fields": [first, key]})
        mapped[ours] = value
        sent_as[ours] = key
    return mapped


def _same_value(field: str, a, b) -> bool:
    """Two spellings of one value, which the intake takes as one: an external id as 12345 and «12345», a phone as
    «+7 916 123-45-67» and «89161234567». Asked only when the two differ as sent."""
    if isinstance(a, bool) or isinstance(b, bool) or not isinstance(a, (str, int)) or not isinstance(b, (str, int)):
        return False
    if field == "external_id":
        return str(a).strip() == str(b).strip()
    if field == "phone":
        typed = normalize_phone(str(a).strip())
        return typed is not None and typed == normalize_phone(str(b).strip())
    return False


def _name_fields_as_sent(exc, mapping: dict) -> None:
    """A partner with a field mapping reads errors under its own field names (`tel`, not `phone`)."""
    sent = {ours: theirs for theirs, ours in mapping.items()}
    if isinstance(exc, DomainError):
        exc.fields = {sent.get(k, k): v for k, v in (exc.fields or {}).items()}
    elif isinstance(exc.detail, dict):
        exc.detail = {sent.get(k, k): v for k, v in exc.detail.items()}


@functools.cache
def _prebuilt(serializer_class):
    """One serializer instance per shape, its fields built once per process (building them deep-copies the
    declared fields, or introspects the model, on every instance). run_validation and to_representation only
    read them, as a list serializer's child does for every item."""
    return serializer_class()


def _shape(user):
    return _prebuilt(LeadListCreateView._serializer_class(user))


class LeadDetailView(APIView):
    authentication_classes = AUTHENTICATION
    permission_classes = (IsAuthenticated,)

    def _get(self, request, pk):
        return get_object_or_404(selectors.lead_list_visible_to(request.user), pk=pk)

    @extend_schema(responses={200: _lead_shapes(), **error_responses(401, 404)}, summary="Карточка лида",
                   tags=["leads"])
    def get(self, request, pk: int):
        lead = self._get(request, pk)
        return Response(_shape(request.user).to_representation(lead))

    @extend_schema(request=LeadPatchSerializer, responses={200: LeadSerializer, **error_responses(400, 401, 403, 404, 413)},
                   summary="Изменить лид", tags=["leads"])
    def patch(self, request, pk: int):
        lead = self._get(request, pk)
        if not request.user.has_perm(perms.CHANGE_LEAD):
            raise exceptions.PermissionDenied()
        serializer = LeadPatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Fields left out of the body are not in validated_data: lead_edit changes only what was sent.
        services.lead_edit(actor=request.user, lead=lead, changes=dict(serializer.validated_data))
        lead = self._get(request, pk)
        return Response(LeadSerializer(lead).data)  # only staff may PATCH, so the staff shape


urlpatterns = [
    path("leads/", LeadListCreateView.as_view(), name="lead-list"),
    path("leads/<int:pk>/", LeadDetailView.as_view(), name="lead-detail"),
]
