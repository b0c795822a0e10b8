"""The reference-data cache (leads/refcache.py) hands out a typed, frozen snapshot."""

import dataclasses

import pytest

from legal_crm.leads import refcache
from legal_crm.leads.models import LeadStatus, LeadType, StatusTransition


@pytest.mark.django_db
def test_the_snapshot_is_typed_and_answers_by_attribute():
    ref = refcache.get()
    assert isinstance(ref, refcache.ReferenceData)
    new = LeadStatus.objects.get(code="new")
    assert ref.status_by_code["new"] == new and ref.status_by_pk[new.pk] == new
    assert ref.status_id("new") == new.pk
    assert ref.initial_status() == LeadStatus.objects.get(is_initial=True)
    assert ref.spam_status().is_spam and ref.converted_status().is_converted
    assert ref.type_by_code["online"] == LeadType.objects.get(code="online")
    assert set(ref.transitions) == set(StatusTransition.objects.values_list("from_status_id", "to_status_id"))
    assert ref.open_status_ids() == sorted(LeadStatus.objects.filter(is_open=True).values_list("pk", flat=True))
    with pytest.raises(KeyError):
        ref.status_id("no_such_status")


@pytest.mark.django_db
def test_the_snapshot_cannot_be_changed_in_place():
    with pytest.raises(dataclasses.FrozenInstanceError):
        refcache.get().settings = None


@pytest.mark.django_db
def test_another_process_reads_the_same_snapshot_from_the_shared_cache(django_assert_num_queries):
    first = refcache.get()
    refcache.forget_local()  # as a second worker process: no copy of its own, the shared cache has one
    with django_assert_num_queries(0):
        again = refcache.get()
    assert again is not first and again == first and again.generation == first.generation


@pytest.mark.django_db
def test_a_change_of_the_tables_gives_a_new_generation():
    before = refcache.get()
    LeadType.objects.create(code="fax", name="Факс", order=99)
    after = refcache.get()
    assert after.generation > before.generation and "fax" in after.type_by_code
