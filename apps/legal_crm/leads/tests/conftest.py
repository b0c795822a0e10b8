from legal_crm.leads.tests.fixtures import (  # noqa: F401
    _fresh_reference_cache,
    partner_client,
    partner_with_token,
    site_client,
    site_user,
)
