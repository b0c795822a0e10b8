"""Directories over the API: counterparties (read and write), SROs and financial managers (read)."""

from django.urls import include, path
from rest_framework import mixins, permissions, routers, viewsets

from legal_crm.core.api import choice_param

from . import selectors, services
from .models import Counterparty, SelfRegulatoryOrganization
from .serializers import CounterpartySerializer, FinancialManagerSerializer, SROSerializer


class ModelPermissions(permissions.DjangoModelPermissions):
    """Django model permissions, reading included (view_*)."""

    perms_map = {**permissions.DjangoModelPermissions.perms_map, "GET": ["%(app_label)s.view_%(model_name)s"]}


class CounterpartyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                          mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = CounterpartySerializer
    permission_classes = (ModelPermissions,)
    queryset = Counterparty.objects.none()  # for the permission class and the schema

    def get_queryset(self):
        # An unknown role is a 400 (invalid_choice), as the contracts' and invoices' filters answer, not an empty list.
        role = choice_param(self.request, "role", Counterparty.Role.values)
        return selectors.counterparty_search(self.request.query_params.get("q", ""), role=role, user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.counterparty_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.counterparty_update(actor=self.request.user, counterparty=serializer.instance,
                                                           **serializer.validated_data)


class SROViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SROSerializer
    permission_classes = (ModelPermissions,)
    queryset = SelfRegulatoryOrganization.objects.all()


class FinancialManagerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FinancialManagerSerializer
    permission_classes = (ModelPermissions,)
    queryset = selectors.active_financial_managers()


router = routers.SimpleRouter()
router.register("counterparties", CounterpartyViewSet, basename="counterparty")
router.register("sros", SROViewSet, basename="sro")
router.register("financial-managers", FinancialManagerViewSet, basename="financial-manager")

urlpatterns = [path("", include(router.urls))]
