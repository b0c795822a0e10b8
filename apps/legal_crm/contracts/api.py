"""Contracts over the API: the list and card a person may see, lifecycle transitions, actions."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, routers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from legal_crm.contracts import perms
from legal_crm.core.api import (
    CleanTextSerializerMixin,
    MoneySerializerField,
    PlausibleDateSerializerField,
    choice_param,
)
from legal_crm.core.dates import PAST_EVENT
from legal_crm.directory.models import Counterparty, Service
from legal_crm.org.models import Office

from . import selectors, services
from .models import ActionType, Contract, ContractAction, ContractStage


class ContractStageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractStage
        fields = ("id", "order", "name", "status", "due_on", "started_at", "finished_at", "client_visible")


class ContractActionSerializer(CleanTextSerializerMixin, serializers.ModelSerializer):
    action_type = serializers.SlugRelatedField(slug_field="code", queryset=ActionType.objects.filter(is_active=True))
    publish = serializers.BooleanField(write_only=True, required=False, allow_null=True, default=None)
    happened_on = PlausibleDateSerializerField(kind=PAST_EVENT, required=False)

    class Meta:
        model = ContractAction
        fields = ("id", "action_type", "text", "happened_on", "published_to_portal", "published_at", "author",
                  "publish")
        read_only_fields = ("published_to_portal", "published_at", "author")



class ContractSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.name", read_only=True)
    service_name = serializers.CharField(source="service.name", read_only=True)
    office_name = serializers.CharField(source="office.name", read_only=True)

    class Meta:
        model = Contract
        fields = ("id", "number", "status", "office", "office_name", "client", "client_name", "service",
                  "service_name", "price", "signed_on", "work_started_on", "completed_on", "terminated_on",
                  "sales_manager", "lawyers", "lead", "essence", "planned_actions", "client_expectations",
                  "expected_start_on", "expected_end_on", "custom_fields")
        read_only_fields = fields


class ContractCreateSerializer(serializers.Serializer):
    client = serializers.PrimaryKeyRelatedField(queryset=Counterparty.objects.filter(role=Counterparty.Role.CLIENT))
    service = serializers.PrimaryKeyRelatedField(queryset=Service.objects.all())
    office = serializers.PrimaryKeyRelatedField(queryset=Office.objects.all())
    price = MoneySerializerField(required=False, allow_null=True)
    sales_manager = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False, allow_null=True,
        help_text="Продавец: по умолчанию — автор запроса; иначе сотрудник отдела продаж офиса договора.")


class ContractDetailSerializer(ContractSerializer):
    stages = ContractStageSerializer(many=True, read_only=True)

    class Meta(ContractSerializer.Meta):
        fields = (*ContractSerializer.Meta.fields, "stages")
        read_only_fields = fields


class ViewContracts(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.has_perm(perms.VIEW_CONTRACT))


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("status", str, enum=list(Contract.Status.values), description="Статус договора."),
]))
class ContractViewSet(viewsets.ReadOnlyModelViewSet):
    """Contracts of the user's offices (or their own, for "own only" roles). Writes go through services."""

    permission_classes = (ViewContracts,)
    queryset = Contract.objects.none()

    def get_queryset(self):
        qs = selectors.contract_list_for_desk(self.request.user).prefetch_related("lawyers")
        if self.action == "retrieve":
            qs = qs.prefetch_related("stages")
        status_ = choice_param(self.request, "status", Contract.Status.values)
        return qs.filter(status=status_) if status_ else qs

    def get_serializer_class(self):
        return ContractDetailSerializer if self.action == "retrieve" else ContractSerializer

    @extend_schema(request=ContractCreateSerializer, responses={201: ContractSerializer})
    def create(self, request):
        data = ContractCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contract = services.contract_create(actor=request.user, **data.validated_data)
        return Response(ContractSerializer(contract).data, status=status.HTTP_201_CREATED)

    def _transition(self, fn, **kwargs):
        contract = fn(actor=self.request.user, contract=self.get_object(), **kwargs)
        return Response(ContractSerializer(contract).data)

    @extend_schema(request=None, responses=ContractSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        return self._transition(services.contract_sign)

    @extend_schema(request=None, responses=ContractSerializer)
    @action(detail=True, methods=["post"], url_path="start-work")
    def start_work(self, request, pk=None):
        return self._transition(services.contract_start_work)

    @extend_schema(request=None, responses=ContractSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._transition(services.contract_complete)

    @extend_schema(methods=["GET"], request=None, responses=ContractActionSerializer(many=True))
    @extend_schema(methods=["POST"], request=ContractActionSerializer, responses={201: ContractActionSerializer})
    @action(detail=True, methods=["get", "post"])
    def actions(self, request, pk=None):
        """GET: the contract's actions, newest first, paged like every list. POST: add an action (201)."""
        contract = self.get_object()
        if request.method == "GET":
            rows = contract.actions.select_related("action_type").order_by("-happened_on", "-id")
            page = self.paginate_queryset(rows)
            return self.get_paginated_response(ContractActionSerializer(page, many=True).data)
        data = ContractActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.action_add(actor=request.user, contract=contract, **data.validated_data)
        return Response(ContractActionSerializer(created).data, status=status.HTTP_201_CREATED)


router = routers.SimpleRouter()
router.register("contracts", ContractViewSet, basename="contract")

urlpatterns = [path("", include(router.urls))]
