"""Models of the leads module. Every model is imported here, so its app label stays `leads`: those of the
call scripts live with their subsystem in leads/scripts/models.py."""

from legal_crm.leads.scripts.models import Script, ScriptEnrollment, ScriptMessage, ScriptMove, ScriptStep

from .calls import PlannedCall, PlannedCallQuerySet
from .distribution import AssignmentLog, DistributionRule, LeadSettings
from .lead import ClientMerge, IntakeLock, Lead, LeadContact, LeadPhonePart, LeadStatusLog
from .questionnaire import AnswerOption, LeadAnswer, NumberRange, Question, SegmentThreshold
from .source_types import PartnerLeadType, SourceLeadType
from .spam import SpamRule
from .statuses import LeadStatus, LeadType, RefusalReason, StatusTransition

__all__ = [
    "AnswerOption",
    "AssignmentLog",
    "ClientMerge",
    "DistributionRule",
    "IntakeLock",
    "Lead",
    "LeadAnswer",
    "LeadContact",
    "LeadPhonePart",
    "LeadSettings",
    "LeadStatus",
    "LeadStatusLog",
    "LeadType",
    "NumberRange",
    "PartnerLeadType",
    "PlannedCall",
    "PlannedCallQuerySet",
    "Question",
    "RefusalReason",
    "Script",
    "ScriptEnrollment",
    "ScriptMessage",
    "ScriptMove",
    "ScriptStep",
    "SegmentThreshold",
    "SourceLeadType",
    "SpamRule",
    "StatusTransition",
]
