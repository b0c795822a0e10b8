"""core.readonly_links: whether a read-only foreign key links, answered once per record and request."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from legal_crm.core.readonly_links import may_open
from legal_crm.leads.models import LeadType
from legal_crm.org.models import Office

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_a_record_is_asked_once_and_reference_data_needs_no_query(admin_user, office,
                                                                 django_assert_num_queries):
    any_admin = admin.site._registry[LeadType]
    request = _request(admin_user)
    online = LeadType.objects.get(code="online")
    assert may_open(any_admin, request, LeadType, online)  # warms the permission cache
    request = _request(admin_user)
    with django_assert_num_queries(0):  # every type is listed: the record exists, no row to ask
        assert may_open(any_admin, request, LeadType, online)
    with django_assert_num_queries(1):  # offices are scoped: their rows are asked, once per request
        assert may_open(any_admin, request, Office, office)
        assert may_open(any_admin, request, Office, office)


def test_no_request_or_no_right_means_no_link(office, make_staff):
    any_admin = admin.site._registry[LeadType]
    assert not may_open(any_admin, None, Office, office)
    lawyer = make_staff("lawyer")
    assert not may_open(any_admin, _request(lawyer), Office, office)  # no right to the offices' pages
