"""Message tags: unknown ones refused when a text is saved, built-in client and office tags, administrators' tags
with values per region (the client's or the office's), and bulk rendering with a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from legal_crm.core.errors import DomainError
from legal_crm.messaging import tags
from legal_crm.messaging.models import CustomTag, CustomTagValue
from legal_crm.messaging.tags import Recipient, render, render_many, validate
from legal_crm.org.tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotline():
    tag = CustomTag.objects.create(code="hotline_phone", label="Телефон горячей линии", default_value="8 800 000-00-00",
                                   region_source=CustomTag.RegionSource.CLIENT)
    CustomTagValue.objects.create(tag=tag, region="77", value="+7 495 111-11-11")
    CustomTagValue.objects.create(tag=tag, region="66", value="+7 343 222-22-22")
    return tag


def test_an_unknown_tag_is_refused_in_russian_and_known_ones_pass(hotline):
    with pytest.raises(DomainError) as refused:
        validate("Здравствуйте, {nmae}! Ваш договор {contract_nuber}. {name}")
    assert refused.value.code == "unknown_tag"
    assert refused.value.message == "Неизвестные метки: {nmae}, {contract_nuber}."
    assert "{nmae}" in refused.value.fields["text"]
    # built in, answered by a higher module (hooks.MESSAGE_TAGS), defined by an administrator; braces without a code
    validate("{name} {first_name} {office_address} {office_map} {contract_number} {amount_due} {hotline_phone} { }")
    validate("Текст без меток")


def test_the_chips_list_every_kind_of_tag(hotline):
    listed = dict(tags.available_tags())
    assert listed["name"] == "Имя клиента" and listed["office_map"] == "Ссылка на карту офиса"
    assert listed["contract_number"] == "Номер договора" and listed["hotline_phone"] == "Телефон горячей линии"


def test_client_and_office_tags_are_filled_in():
    office = OfficeFactory(name="Москва, Таганская", address="Москва, ул. Марксистская, 3", phone="+74951234567",
                           latitude="55.739000", longitude="37.661000")
    bare = OfficeFactory(city="Тула", address="ул. Советская, 1", phone="")
    text = "{first_name} ({name}, {phone}): {office}, {office_address}, {office_phone}, {office_map}"
    first, second = render_many(text, [Recipient("+79161234567", "Петров Иван", office.pk),
                                       Recipient("+79167654321", "Анна", bare.pk)])
    assert first == ("Иван (Петров Иван, +7 916 123-45-67): Москва, Таганская, Москва, ул. Марксистская, 3, "
                     "+7 495 123-45-67, https://yandex.ru/maps/?pt=37.661000,55.739000&z=17&l=map")
    # no coordinates: the map searches the address; no phone: empty
    assert second.endswith(", , https://yandex.ru/maps/?text=%D0%A2%D1%83%D0%BB%D0%B0%2C%20%D1%83%D0%BB."
                           "%20%D0%A1%D0%BE%D0%B2%D0%B5%D1%82%D1%81%D0%BA%D0%B0%D1%8F%2C%201")
    # a recipient without an office gets empty office tags; an unknown tag stays as typed
    assert render("{office_address}|{name}|{gone}", Recipient("+79160000000", "Пётр")) == "|Пётр|{gone}"


@pytest.mark.parametrize(("name", "given"), [
    ("Петров Иван Сергеевич", "Иван"),  # how a client's card stores a person
    ("Петрова Анна", "Анна"),
    ("Шевчук Яков", "Яков"),  # two words that say nothing either way: the cards' order
    ("Анна", "Анна"),
    ("  Петрова   Анна  Сергеевна ", "Анна"),
    # a lead's name as the person typed it
    ("Анна Сергеевна", "Анна"),
    ("Иван Сергеевич Петров", "Иван"),
    ("Иван Петров", "Иван"),
    ("Мамедов Али Гусейн оглы", "Али"),
    ("", ""),
])
def test_first_name_is_the_given_name_not_the_surname(name, given):
    assert tags.given_name(name) == given
    assert render("{first_name}, здравствуйте!", Recipient("+79160000000", name)) == f"{given}, здравствуйте!"


def test_the_first_name_chip_says_what_it_gives():
    assert dict(tags.available_tags())["first_name"] == "Имя клиента без фамилии и отчества"


def test_regional_values_follow_the_clients_region_or_the_offices(hotline):
    msk = OfficeFactory(region="77")
    ekb = OfficeFactory(region="66")
    recipients = [Recipient("+79160000001", region="66", office_id=msk.pk),
                  Recipient("+79160000002", region="77", office_id=ekb.pk),
                  Recipient("+79160000003", region="54", office_id=msk.pk),  # no value for the region
                  Recipient("+79160000004", office_id=ekb.pk)]  # region unknown
    assert render_many("{hotline_phone}", recipients) == [
        "+7 343 222-22-22", "+7 495 111-11-11", "8 800 000-00-00", "8 800 000-00-00"]
    hotline.region_source = CustomTag.RegionSource.OFFICE
    hotline.save()
    assert render_many("{hotline_phone}", recipients) == [
        "+7 495 111-11-11", "+7 343 222-22-22", "+7 495 111-11-11", "+7 343 222-22-22"]


def _queries(text, recipients) -> int:
    with CaptureQueriesContext(connection) as captured:
        render_many(text, recipients)
    return len(captured)


def test_bulk_rendering_takes_the_same_queries_for_10_and_200_recipients(hotline, django_assert_num_queries):
    offices = [OfficeFactory(region=code) for code in ("77", "66", "54")]
    office_tag = CustomTag.objects.create(code="office_hotline", label="Телефон офиса по региону",
                                          region_source=CustomTag.RegionSource.OFFICE, default_value="—")

    def people(n):
        return [Recipient(f"+7916{i:07d}", f"Клиент {i}", offices[i % 3].pk, ("77", "66", "54")[i % 3])
                for i in range(n)]

    text = "{name}: {office_address}, {office_phone}, {office_map}, {hotline_phone}, {office_hotline}"
    few = _queries(text, people(10))
    assert few <= 5  # custom tags, office rows, the values of each custom tag
    with django_assert_num_queries(few):
        rendered = render_many(text, people(200))
    assert len(rendered) == 200 and rendered[1].endswith("+7 343 222-22-22, —")
    assert office_tag.pk
