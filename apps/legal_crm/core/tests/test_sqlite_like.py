"""LIKE on SQLite ignores case in every alphabet, as MariaDB's case-insensitive collations do."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from legal_crm.core.sqlite_like import like


@pytest.mark.parametrize(("value", "pattern", "escape", "expected"), [
    ("Смирнова Анна", "смирнова%", None, 1),
    ("Смирнова Анна", "СМИРНОВА%", None, 1),
    ("Смирнова Анна", "%анна", None, 1),
    ("Смирнова Анна", "анна%", None, 0),
    ("Ёлкин", "ёлк_н", None, 1),
    ("Ёлкин", "елкин", None, 0),  # different letters, as in Russian
    ("100% оплата", "100\\%%", "\\", 1),
    ("1000 оплата", "100\\%%", "\\", 0),
    ("a_b", "a\\_b", "\\", 1),
    ("axb", "a\\_b", "\\", 0),
    ("строка\nвторая", "%вторая", None, 1),
    ("abc", "abc\\", "\\", 0),
    (None, "a%", None, None),
    ("a", None, None, None),
    (12345, "123%", None, 1),
])
def test_like(value, pattern, escape, expected):
    assert like(pattern, value, escape) == expected


@pytest.mark.django_db
def test_orm_lookups_on_sqlite_ignore_cyrillic_case():
    if connection.vendor != "sqlite":
        pytest.skip("MariaDB's collation already ignores case")
    Group.objects.create(name="Операторы Тест")
    assert Group.objects.filter(name__istartswith="операторы т").exists()
    assert Group.objects.filter(name__icontains="ТЕСТ").exists()
    assert Group.objects.filter(name__iexact="операторы тест").exists()
    assert not Group.objects.filter(name__istartswith="тест").exists()
