"""The counterparty list's CSV/Excel import and export (django-import-export).

The import is the form's twin: the same services write every row (right, office scope, validation, one card per
legal entity, audit; history by simple-history), the preview runs them too (inside a transaction that is rolled
back), and a row naming a card the user may not see is refused as not found — its data never reaches the
preview, and a new card never takes an id from the file."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from legal_crm.core.errors import DomainError

from . import selectors, services
from .models import Counterparty, Tag


class CounterpartyResource(resources.ModelResource):
    tags = fields.Field(attribute="tags", column_name="tags", widget=widgets.ManyToManyWidget(Tag, field="pk"))

    class Meta:
        model = Counterparty
        fields = ("id", *services.COUNTERPARTY_FIELDS, "tags")
        export_order = fields
        import_id_fields = ("id",)
        use_transactions = True  # the preview runs the services, then rolls back
        use_bulk = False
        skip_unchanged = False
        clean_model_instances = False  # the services validate

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def get_queryset(self):
        return selectors.counterparty_list_visible_to(self.user)

    def get_or_init_instance(self, instance_loader, row):
        raw = row.get("id")
        if raw is None or str(raw).strip() == "":
            return self.init_instance(row), True
        try:
            pk = int(str(raw).strip())
        except ValueError:
            raise ValidationError({"id": _("Номер записи — целое число.")}) from None
        instance = self.get_queryset().filter(pk=pk).first()
        if instance is None:
            raise ValidationError({"id": services.counterparty_not_found().message})
        return instance, False

    def for_delete(self, row, instance):
        return False  # rows are never deleted by an import

    def save_instance(self, instance, is_create, row, **kwargs):
        data = {name: getattr(instance, name) for name in services.COUNTERPARTY_FIELDS
                if self.fields[name].column_name in row}
        if self.fields["tags"].column_name in row:
            data["tags"] = self._tags(row)
        try:
            if is_create:
                saved = services.counterparty_create(actor=self.user, **data)
            else:
                saved = services.counterparty_update(actor=self.user, counterparty=instance, **data)
        except DomainError as exc:
            raise ValidationError(exc.fields or {NON_FIELD_ERRORS: [exc.message]}) from None
        instance.pk = saved.pk
        instance._state.adding = False

    def save_m2m(self, instance, row, **kwargs):
        pass  # the tags were saved by the service with the card

    def _tags(self, row) -> list[Tag]:
        ids = [value for value in str(row.get(self.fields["tags"].column_name) or "").split(",") if value.strip()]
        try:
            ids = [int(value) for value in ids]
        except ValueError:
            raise ValidationError({"tags": _("Теги указываются номерами через запятую.")}) from None
        tags = list(Tag.objects.filter(pk__in=ids, group=Tag.Group.CLIENT))
        if len(tags) != len(set(ids)):
            raise ValidationError({"tags": _("Среди тегов есть несуществующие или не клиентские.")})
        return tags
