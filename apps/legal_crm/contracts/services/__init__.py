"""Every write of the contracts module. Desk, API, jobs and other modules call these."""

from .bankruptcy import bankruptcy_case_update, creditor_add, creditor_remove, creditor_update, property_add
from .contracts import (
    contract_complete,
    contract_create,
    contract_create_from_lead,
    contract_general_info_update,
    contract_sign,
    contract_start_work,
    contract_update,
    next_contract_number,
)
from .documents import document_generate, document_publish, document_upload
from .execution import (
    action_add,
    action_publish,
    extra_work_add,
    stage_expense_add,
    stage_finish,
    stage_start,
)
from .numbering import numbering_prefix_check, numbering_prefix_set, office_prefix
from .templates import template_save, validate_template_source
from .terminations import (
    refund_for,
    termination_decide,
    termination_request_create,
    termination_retention_record,
    termination_step_approve,
)

__all__ = [
    "action_add", "action_publish", "bankruptcy_case_update", "contract_complete", "contract_create",
    "contract_create_from_lead", "contract_general_info_update", "contract_sign", "contract_start_work",
    "contract_update", "creditor_add", "creditor_remove", "creditor_update", "document_generate",
    "document_publish", "document_upload", "extra_work_add", "next_contract_number", "numbering_prefix_check",
    "numbering_prefix_set", "office_prefix", "property_add", "refund_for", "stage_expense_add", "stage_finish",
    "stage_start", "template_save", "termination_decide", "termination_request_create",
    "termination_retention_record", "termination_step_approve", "validate_template_source",
]
