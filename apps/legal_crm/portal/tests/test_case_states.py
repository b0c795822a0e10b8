"""A terminated contract says so (with its date) and shows no live work — no current stage, no stage deadline, no
«Что нужно от вас», no documents asked for; a completed one says it is completed and asks for no uploads."""

import datetime

import pytest
import time_machine
from django.urls import reverse

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)


def close(contract, status, **dates):
    contract.status = status
    for field, value in dates.items():
        setattr(contract, field, value)
    contract.save()


@time_machine.travel(NOW, tick=False)
def test_a_live_contract_asks_for_documents_and_shows_its_stage(signed_in, case):
    page = signed_in.get(reverse("portal:case", args=[case["contract"].pk])).content.decode()
    assert "Что нужно от вас" in page and "data-stage" in page and "data-state" not in page
    documents = signed_in.get(reverse("portal:documents", args=[case["contract"].pk])).content.decode()
    assert "Нужны от вас" in documents and "Паспорт (тест портала)" in documents


@time_machine.travel(NOW, tick=False)
def test_a_terminated_contract_says_so_and_hides_the_live_work(signed_in, case):
    close(case["contract"], "terminated", terminated_on=datetime.date(2026, 11, 12))
    page = signed_in.get(reverse("portal:case", args=[case["contract"].pk])).content.decode()
    assert 'data-state="terminated"' in page and "Договор расторгнут 12.11.2026" in page
    assert "Готовим заявление в суд" not in page and "на этапе" not in page  # no current stage
    assert "Срок текущего этапа" not in page and "15.12.2026" not in page  # no stage deadline
    assert "Что нужно от вас" not in page and "Паспорт (тест портала)" not in page
    assert "Пройдено этапов" not in page
    assert "Заявление подано в суд" in page  # what was done stays readable
    documents = signed_in.get(reverse("portal:documents", args=[case["contract"].pk])).content.decode()
    assert "Нужны от вас" not in documents and "Паспорт (тест портала)" not in documents
    assert "Заявление в суд" in documents  # the published documents stay downloadable


@time_machine.travel(NOW, tick=False)
def test_a_completed_contract_says_so_and_asks_for_no_uploads(signed_in, case):
    close(case["contract"], "completed", completed_on=datetime.date(2026, 11, 15))
    page = signed_in.get(reverse("portal:case", args=[case["contract"].pk])).content.decode()
    assert 'data-state="completed"' in page and "Работа по договору завершена 15.11.2026" in page
    assert "на этапе" not in page and "Срок текущего этапа" not in page
    assert "Что нужно от вас" not in page and "Паспорт (тест портала)" not in page
    documents = signed_in.get(reverse("portal:documents", args=[case["contract"].pk])).content.decode()
    assert "Нужны от вас" not in documents and "Паспорт (тест портала)" not in documents
