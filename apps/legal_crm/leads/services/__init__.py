"""Every write of the leads module. Import from here: `from legal_crm.leads import services`."""

from .calls import planned_call_complete, planned_call_create, planned_call_update
from .conversion import clients_merge, find_client, lead_convert_to_client, lead_mark_converted
from .distribution import (
    choose_office,
    choose_operator,
    distribution_rule_delete,
    distribution_rule_save,
    lead_distribute,
    lead_reassign,
    lead_redistribute,
    office_is_open,
    phone_info,
)
from .edit import lead_edit
from .intake import IntakeData, ensure_partner_accepts_leads, lead_intake
from .leads import lead_update
from .questionnaire import segment_threshold_delete, segment_threshold_save
from .spam import find_spam_rule, lead_restore_from_spam
from .statuses import allowed_next_statuses, lead_set_status, reengage_due_leads
from .typing import resolve_lead_type

__all__ = [
    "IntakeData", "allowed_next_statuses", "choose_office", "choose_operator", "clients_merge",
    "distribution_rule_delete", "distribution_rule_save", "ensure_partner_accepts_leads", "find_client",
    "find_spam_rule", "lead_convert_to_client", "lead_distribute", "lead_edit", "lead_intake", "lead_mark_converted",
    "lead_reassign", "lead_redistribute", "lead_restore_from_spam", "lead_set_status", "lead_update",
    "office_is_open", "phone_info", "planned_call_complete", "planned_call_create", "planned_call_update",
    "reengage_due_leads", "resolve_lead_type", "segment_threshold_delete", "segment_threshold_save",
]
