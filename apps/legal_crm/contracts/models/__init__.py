from .actions import ActionType, ContractAction
from .bankruptcy import BankruptcyCase, Creditor, PropertyItem, normalize_case_number, validate_case_number
from .contract import Contract, ContractNumberCounter, ContractNumbering, default_prefix
from .documents import ContractDocument, DocumentGroup, DocumentType, RequiredDocument
from .service_fields import ServiceField, ServiceSettings
from .stages import ContractStage, ExtraWork, StageExpense, StageTemplate
from .templates import PRINT_FORMATS, DocumentTemplate
from .terminations import TerminationRequest, TerminationStep, TerminationStepTemplate

__all__ = [
    "PRINT_FORMATS",
    "ActionType",
    "BankruptcyCase",
    "Contract",
    "ContractAction",
    "ContractDocument",
    "ContractNumberCounter",
    "ContractNumbering",
    "ContractStage",
    "Creditor",
    "DocumentGroup",
    "DocumentTemplate",
    "DocumentType",
    "ExtraWork",
    "PropertyItem",
    "RequiredDocument",
    "ServiceField",
    "ServiceSettings",
    "StageExpense",
    "StageTemplate",
    "TerminationRequest",
    "TerminationStep",
    "TerminationStepTemplate",
    "default_prefix",
    "normalize_case_number",
    "validate_case_number",
]
