"""What the silenced Django checks would have said (settings.base.SILENCED_SYSTEM_CHECKS), checked here instead."""

import pytest
from django.apps import apps
from django.db import connection, models

# A column's type on MariaDB depends on the server's version: the connection is asked.
pytestmark = pytest.mark.django_db


def _unique_text_columns():
    """The unique varchar columns, as the check finds them (by the column's type, so file and e-mail fields too)."""
    for model in apps.get_models():
        for field in model._meta.local_concrete_fields:
            column = field.output_field if isinstance(field, models.GeneratedField) else field
            if field.unique and (column.db_type(connection) or "").startswith("varchar"):
                yield model, field, column


def test_every_unique_text_column_fits_a_mariadb_unique_key():
    """mysql.W003's rule — a unique CharField of at most 255 characters — for every model, generated columns read by
    their output field (the reason the check itself is silenced)."""
    too_long = [f"{model.__name__}.{field.name}: {column.max_length}" for model, field, column in
                _unique_text_columns() if column.max_length is None or column.max_length > 255]
    assert not too_long, too_long


def test_the_generated_legal_key_is_among_the_columns_checked():
    from legal_crm.directory.models import Counterparty

    checked = {(model, field.name) for model, field, _column in _unique_text_columns()}
    assert (Counterparty, "legal_key") in checked
