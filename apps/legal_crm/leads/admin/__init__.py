"""The desk of the leads module. Django's autodiscovery imports this package; each file registers its pages:
the lead list and form (lead_list), planned calls (calls), reference data (reference), the questionnaire
constructor (questionnaire), the merge of client cards (merge) and the call-script boards (leads/scripts/admin.py).
The lead card's views (lead_card, with the incoming-call pop-up's «создать лид» in lead_from_call) are mounted
by leads/urls_desk.py; what leads add to marketing's pages (marketing) is found through hooks.DESK_EXTENSIONS."""

from ..scripts import admin as scripts_admin  # noqa: F401
from . import calls, lead_list, merge, questionnaire, reference  # noqa: F401
