"""One rule of which leads a user sees, read two ways: as the queryset of the lists (lead_list_visible_to) and off a
lead in hand for the answer to a repeated post (lead_is_visible_to). Both must give the same answer for every kind of
user and lead."""

import pytest
from django.contrib.auth.models import AnonymousUser

from legal_crm.leads.selectors import lead_is_visible_to, lead_list_visible_to
from legal_crm.leads.tests.factories import LeadFactory, PartnerFactory


@pytest.mark.django_db
def test_the_lead_in_hand_is_judged_as_the_list_judges_it(make_staff, office, other_office, partner_with_token):
    from legal_crm.core.models import User

    partner, _key = partner_with_token
    other_partner = PartnerFactory(name="Другой партнёр", api_user=User.objects.create(username="other-api"))
    leads = [LeadFactory(office=office), LeadFactory(office=other_office), LeadFactory(office=None),
             LeadFactory(office=office, partner=partner), LeadFactory(office=other_office, partner=other_partner)]
    users = {
        "anonymous": AnonymousUser(),
        "operator of one office": make_staff("operator"),
        "operator of both": make_staff("operator", offices=[office, other_office]),
        "admin (all offices)": make_staff("admin"),
        "superuser": make_staff("hr", superuser=True),
        "hr": make_staff("hr"),
        "partner": partner.api_user,
        "other partner": other_partner.api_user,
        "no role at all": User.objects.create(username="nobody"),
    }
    answers = set()
    for who, user in users.items():
        for lead in leads:
            listed = lead_list_visible_to(user).filter(pk=lead.pk).exists()
            assert lead_is_visible_to(user, lead) is listed, (who, lead.office_id, lead.partner_id)
            answers.add((who, listed))
    # Every kind of user was seen on both sides of the rule where it has two.
    assert {("operator of one office", True), ("operator of one office", False), ("partner", True),
            ("partner", False), ("admin (all offices)", True), ("anonymous", False)} <= answers
