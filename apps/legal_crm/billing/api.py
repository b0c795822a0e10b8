"""Billing over the API: invoices (read), payments on an invoice (read, register), a contract's balance."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, routers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from legal_crm.billing import perms
from legal_crm.contracts.selectors import contract_list_visible_to
from legal_crm.core.api import (
    MAX_ID,
    CleanTextSerializerMixin,
    MoneySerializerField,
    PlausibleDateTimeSerializerField,
    choice_param,
    id_param,
)
from legal_crm.core.dates import PAST_EVENT

from . import selectors, services
from .models import Invoice, Payment, PaymentMethod


class InvoiceSerializer(serializers.ModelSerializer):
    contract_number = serializers.CharField(source="contract.number", read_only=True)
    due_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Invoice
        fields = ("id", "number", "contract", "contract_number", "kind", "amount", "paid_amount", "due_amount",
                  "status", "is_overdue", "issued_on", "due_date", "period_start", "period_end", "purpose")
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):
    has_document = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = ("id", "invoice", "contract", "amount", "advance_amount", "refunded_amount", "method", "paid_at",
                  "external_ref", "comment", "has_document")
        read_only_fields = fields

    def get_has_document(self, obj) -> bool:
        return bool(obj.document)


class PaymentCreateSerializer(CleanTextSerializerMixin, serializers.Serializer):
    amount = MoneySerializerField(allow_zero=False, help_text="Сумма строкой с точкой, например \"1500.00\"; "
                                                              "дробные числа JSON не принимаются (они неточны).")
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    external_ref = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                         help_text="Номер платёжного документа; повтор с теми же данными "
                                                   "возвращает уже зарегистрированный платёж.")
    paid_at = PlausibleDateTimeSerializerField(kind=PAST_EVENT, required=False)
    as_advance = serializers.BooleanField(default=False)
    comment = serializers.CharField(max_length=300, required=False, allow_blank=True)
    reference = serializers.CharField(max_length=32, required=False, allow_blank=True,
                                      help_text="Номер сертификата (способ certificate) или группа бонусов "
                                                "cashback/promotion (способ bonus; пусто — обе).")


class BalanceSerializer(serializers.Serializer):
    price = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    invoiced = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    applied = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    advance = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    due = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    overdue = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    not_invoiced = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)


class ViewInvoices(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perm(perms.VIEW_INVOICE)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("contract", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                     description="Счета одного договора (его id); не число — 400."),
    OpenApiParameter("status", str, enum=list(Invoice.Status.values), description="Статус счёта."),
]))
class InvoiceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = InvoiceSerializer
    permission_classes = (permissions.IsAuthenticated, ViewInvoices)
    queryset = Invoice.objects.none()

    def get_queryset(self):
        qs = selectors.invoice_list_visible_to(self.request.user).order_by("-issued_on", "-id")
        contract_id = id_param(self.request, "contract")
        if contract_id is not None:
            qs = qs.filter(contract_id=contract_id)
        status_ = choice_param(self.request, "status", Invoice.Status.values)
        if status_:
            qs = qs.filter(status=status_)
        return qs

    @extend_schema(methods=["GET"], request=None, responses=PaymentSerializer(many=True))
    @extend_schema(methods=["POST"], request=PaymentCreateSerializer,
                   responses={200: PaymentSerializer, 201: PaymentSerializer})
    @action(detail=True, methods=["get", "post"])
    def payments(self, request, pk=None):
        """GET: the invoice's payments, paged like every list. POST: register a payment (201; 200 when the same
        document was registered already and nothing new was written)."""
        invoice = self.get_object()
        if request.method == "GET":
            if not request.user.has_perm(perms.VIEW_PAYMENT):
                raise PermissionDenied
            rows = selectors.payment_list_visible_to(request.user).filter(invoice=invoice).order_by("-paid_at", "-id")
            page = self.paginate_queryset(rows)
            return self.get_paginated_response(PaymentSerializer(page, many=True).data)
        if not request.user.has_perm(perms.ADD_PAYMENT):
            raise PermissionDenied
        data = PaymentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = services.payment_register(actor=request.user, invoice=invoice, **data.validated_data)
        code = status.HTTP_200_OK if payment.replayed else status.HTTP_201_CREATED
        return Response(PaymentSerializer(payment).data, status=code)


class ContractBalanceView(APIView):
    permission_classes = (permissions.IsAuthenticated, ViewInvoices)

    @extend_schema(responses=BalanceSerializer)
    def get(self, request, contract_id: int):
        # The contracts' own visibility (office and, for "own contracts only" roles, the person), as everywhere.
        contract = get_object_or_404(contract_list_visible_to(request.user), pk=contract_id)
        return Response(BalanceSerializer(selectors.contract_balance(contract)).data)


router = routers.SimpleRouter()
router.register("billing/invoices", InvoiceViewSet, basename="billing-invoice")

urlpatterns = [
    path("", include(router.urls)),
    path("billing/contracts/<int:contract_id>/balance/", ContractBalanceView.as_view(), name="billing-balance"),
]
