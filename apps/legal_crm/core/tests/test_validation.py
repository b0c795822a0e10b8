import pytest

from legal_crm.core.errors import DomainError
from legal_crm.core.validation import validated
from legal_crm.directory.models import Counterparty

pytestmark = pytest.mark.django_db


def test_an_instance_that_passes_its_rules_is_returned():
    card = Counterparty(kind=Counterparty.Kind.PERSON, role=Counterparty.Role.CLIENT, name="Иванов Иван")
    assert validated(card) is card


def test_a_broken_field_is_the_one_domain_error_with_a_text_per_field():
    card = Counterparty(kind=Counterparty.Kind.PERSON, role=Counterparty.Role.CLIENT, name="")
    with pytest.raises(DomainError) as exc:
        validated(card)
    assert exc.value.code == "invalid"
    assert set(exc.value.fields) == {"name"}
    assert validated(card, exclude=["name"]) is card
