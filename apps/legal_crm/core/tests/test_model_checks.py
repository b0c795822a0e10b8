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


def test_every_check_constraint_says_what_is_wrong_in_words():
    """A desk form that trips a check constraint shows its violation_error_message; without one Django shows
    «Нарушено ограничение "invoice_amount_positive"» — the constraint's name, not what to correct."""
    bare = [f"{model._meta.label}: {constraint.name}"
            for model in apps.get_models() if model.__module__.startswith("legal_crm.")
            for constraint in model._meta.constraints
            if isinstance(constraint, models.CheckConstraint)
            and constraint.violation_error_message == constraint.default_violation_error_message]
    assert not bare, bare


def test_a_tripped_check_constraint_reads_in_russian():
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from legal_crm.todos.models import Task

    with translation.override("ru"), pytest.raises(ValidationError) as exc:
        Task(complexity=9).validate_constraints()
    assert "Сложность задачи — от 1 до 5." in exc.value.messages
