"""Invisible and control characters in what people type (issue 10, item 10): one normaliser, core.text."""

import pytest
from django import forms
from rest_framework import serializers

from legal_crm.core.api import CleanTextSerializerMixin
from legal_crm.core.forms import ServiceForm
from legal_crm.core.text import clean_text, clean_text_fields, has_hidden_characters

RLO, PDF, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"

CASES = [
    (f"{RLO}вонавИ{PDF}", "вонавИ"),
    (f"Ива{LRI}нов{PDI}", "Иванов"),
    ("Ив\u200bанов", "Иванов"),
    ("\ufeffИванов", "Иванов"),
    ("Ива\u200dнов\u200c", "Иванов"),
    ("Ива\u2060нов", "Иванов"),
    ("Ива\u00adнов", "Иванов"),
    ("Иванов\x00", "Иванов"),
    ("Ив\x1bанов\x7f\x85", "Иванов"),
    ("Иванов\u200f", "Иванов"),
    ("Иванов\nИван\tИванович", "Иванов Иван Иванович"),
    ("  Иванов   Иван  ", "Иванов Иван"),
    ("ООО «Ромашка»", "ООО «Ромашка»"),
    ("Йошкар-Ола", "Йошкар-Ола"),
    ("И\u0306ошкар", "Йошкар"),  # decomposed й composes (NFC)
    ("", ""),
]


@pytest.mark.parametrize(("typed", "expected"), CASES)
def test_clean_text(typed, expected):
    assert clean_text(typed) == expected


def test_multiline_keeps_line_breaks_only():
    assert clean_text(f"Первая строка{RLO}\r\nВторая\u200b строка\x00\n", multiline=True) == \
        "Первая строка\nВторая строка"


def test_non_strings_untouched_and_detector():
    assert clean_text(None) is None and clean_text(5) == 5
    assert has_hidden_characters(f"{RLO}abc") and not has_hidden_characters("abc")
    assert clean_text_fields({"name": "A\u200bB", "inn": 7, "kind": "x\u200b"}, {"name"}) == {
        "name": "AB", "inn": 7, "kind": "x\u200b"}


class _Form(ServiceForm):
    name = forms.CharField()
    note = forms.CharField(widget=forms.Textarea)
    password = forms.CharField(widget=forms.PasswordInput)


def test_service_forms_clean_every_text_but_passwords():
    form = _Form({"name": f"{RLO}Иванов", "note": "а\u200b\nб", "password": " pa\u200bss "})
    assert form.is_valid()
    assert form.cleaned_data == {"name": "Иванов", "note": "а\nб", "password": "pa\u200bss"}


def test_serializer_mixin():
    class S(CleanTextSerializerMixin, serializers.Serializer):
        name = serializers.CharField()
        comment = serializers.CharField(style={"base_template": "textarea.html"})
        secret = serializers.CharField(style={"input_type": "password"})
        code = serializers.ChoiceField(choices=["a"])

    s = S(data={"name": f"Ив{LRI}анов{PDI}", "comment": "а\u200b\nб", "secret": "x\u200b", "code": "a"})
    assert s.is_valid(), s.errors
    assert s.validated_data == {"name": "Иванов", "comment": "а\nб", "secret": "x\u200b", "code": "a"}


ZWJ = "\u200d"
FAMILY = f"👨{ZWJ}👩{ZWJ}👧"
RAINBOW_FLAG = f"🏳\ufe0f{ZWJ}🌈"
HEART_ON_FIRE = f"❤\ufe0f{ZWJ}🔥"
WOMAN_TIPPING_HAND = f"💁🏽{ZWJ}♀\ufe0f"


@pytest.mark.parametrize("emoji", [FAMILY, RAINBOW_FLAG, HEART_ON_FIRE, WOMAN_TIPPING_HAND])
@pytest.mark.parametrize("multiline", [False, True])
def test_zero_width_joiner_inside_an_emoji_stays(emoji, multiline):
    assert clean_text(f"Иван {emoji} Иванов", multiline=multiline) == f"Иван {emoji} Иванов"
    assert not has_hidden_characters(f"Иван {emoji}")


@pytest.mark.parametrize(("typed", "expected"), [
    (f"Ива{ZWJ}нов", "Иванов"),  # between letters
    (f"{ZWJ}👨", "👨"), (f"👨{ZWJ}", "👨"),  # at an edge of an emoji
    (f"👨{ZWJ}Иван", "👨Иван"), (f"Иван{ZWJ}👩", "Иван👩"),  # between an emoji and a letter
    (f"👨{ZWJ}{ZWJ}👩", "👨👩"),  # doubled: neither sits between two emoji
    (f"👨{ZWJ}\u200b👩", "👨👩"),  # next to another invisible character
    (f"👨 {ZWJ}👩", "👨 👩"),
])
def test_zero_width_joiner_elsewhere_is_stripped(typed, expected):
    assert clean_text(typed) == expected
    assert clean_text(typed, multiline=True) == expected
