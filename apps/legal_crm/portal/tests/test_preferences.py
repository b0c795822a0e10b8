"""Where news go: the address must be the chosen channel's own — a Russian mobile for SMS and WhatsApp (empty: the
sign-in phone), an e-mail address for e-mail, a chat number for Telegram (core validators, Russian messages); a
switch of channel that keeps the old channel's address is refused, never saved."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from legal_crm.core.errors import DomainError
from legal_crm.core.validators import validate_email_address, validate_mobile_phone
from legal_crm.portal.services.activity import preferences_set

pytestmark = pytest.mark.django_db


def saved(case):
    case["account"].refresh_from_db()
    return case["account"].news_channel, case["account"].news_address


def post(signed_in, channel, address):
    return signed_in.post(reverse("portal:settings"), {"form": "preferences", "channel": channel,
                                                       "address": address})


def test_switching_sms_to_email_with_the_phone_still_in_the_box_is_refused(signed_in, case):
    assert post(signed_in, "sms", "8 (916) 555-12-34").status_code == 302
    assert saved(case) == ("sms", "+79165551234")
    settings_page = signed_in.get(reverse("portal:settings")).content.decode()
    assert 'value="+79165551234"' in settings_page  # what the client switches from
    refused = post(signed_in, "email", "+79165551234")
    page = refused.content.decode()
    assert refused.status_code == 200 and "Вы выбрали e-mail" in page and "name@example.ru" in page
    assert saved(case) == ("sms", "+79165551234")  # nothing changed: news still go by SMS to that phone
    assert post(signed_in, "email", "anna@example.com").status_code == 302
    assert saved(case) == ("email", "anna@example.com")


def test_switching_email_to_sms_with_the_email_left_is_refused_and_empty_means_the_sign_in_phone(signed_in, case):
    preferences_set(account=case["account"], channel="email", address="anna@example.com")
    page = post(signed_in, "sms", "anna@example.com").content.decode()
    assert "Для SMS нужен номер мобильного телефона" in page
    assert saved(case) == ("email", "anna@example.com")
    assert post(signed_in, "sms", "").status_code == 302
    assert saved(case) == ("sms", "")  # the sign-in phone, not the old e-mail


@pytest.mark.parametrize("phone", ["+7 495 123-45-67", "+1 202 555 0143", "12345", "+7 916 123"])
def test_sms_and_whatsapp_take_only_a_russian_mobile(case, phone):
    for channel in ("sms", "whatsapp"):
        with pytest.raises(DomainError) as refused:
            preferences_set(account=case["account"], channel=channel, address=phone)
        assert refused.value.code == "phone_invalid" and "мобильного телефона" in refused.value.fields["address"]
    assert saved(case) == ("sms", "")


def test_a_whatsapp_mobile_is_stored_normalised(case):
    preferences_set(account=case["account"], channel="whatsapp", address="8 916 555 12 34")
    assert saved(case) == ("whatsapp", "+79165551234")


@pytest.mark.parametrize(("channel", "address", "words"), [
    ("email", "anna@", "Адрес электронной почты указан неверно"),
    ("email", "", "Укажите, куда присылать новости"),
    ("telegram", "@anna", "номер чата"),
    ("telegram", "+79161110001x", "номер чата"),
    ("telegram", "0", "номер чата"),
    ("telegram", "-0", "номер чата"),
    ("telegram", "007", "номер чата"),
    ("telegram", "", "Укажите, куда присылать новости"),
])
def test_the_service_refuses_an_address_of_another_kind(case, channel, address, words):
    with pytest.raises(DomainError) as refused:
        preferences_set(account=case["account"], channel=channel, address=address)
    assert words in refused.value.fields["address"]
    assert saved(case) == ("sms", "")


def test_telegram_takes_a_chat_number(case):
    preferences_set(account=case["account"], channel="telegram", address=" 123456789 ")
    assert saved(case) == ("telegram", "123456789")
    preferences_set(account=case["account"], channel="telegram", address="-1001234567890")  # a group chat
    assert saved(case) == ("telegram", "-1001234567890")


def test_core_validators_speak_russian():
    validate_mobile_phone("+79161234567")
    validate_email_address("anna@example.com")
    for validator, value, words in ((validate_mobile_phone, "+74951234567", "мобильного"),
                                    (validate_email_address, "anna@@example", "электронной почты")):
        with pytest.raises(ValidationError) as refused:
            validator(value)
        assert words in refused.value.messages[0]
