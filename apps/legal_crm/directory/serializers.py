from rest_framework import serializers

from legal_crm.core.api import CleanTextSerializerMixin, PhoneField

from .models import Counterparty, FinancialManager, SelfRegulatoryOrganization


class CounterpartySerializer(CleanTextSerializerMixin, serializers.ModelSerializer):
    phone = PhoneField(label=Counterparty._meta.get_field("phone").verbose_name, required=False, allow_blank=True)

    class Meta:
        model = Counterparty
        fields = ("id", "kind", "role", "name", "short_name", "birth_date", "phone", "email", "address", "region", "inn",
                  "kpp", "ogrn", "snils", "passport_series", "passport_number", "passport_issued_by",
                  "passport_issued_on", "passport_department_code", "bank_name", "bik", "account",
                  "corr_account", "note")


class SROSerializer(CleanTextSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = SelfRegulatoryOrganization
        fields = ("id", "full_name", "short_name", "inn", "ogrn", "registry_number", "address", "email")


class FinancialManagerSerializer(CleanTextSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = FinancialManager
        fields = ("id", "last_name", "first_name", "middle_name", "inn", "snils", "registry_number",
                  "postal_address", "phone", "email", "sro", "is_active")
