from legal_crm.leads.tests.fixtures import _fresh_reference_cache, partner_with_token, site_user  # noqa: F401
