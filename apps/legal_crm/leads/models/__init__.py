"""Models of the leads module. Further files (questionnaire.py, scripts.py) add themselves here."""

from .calls import PlannedCall, PlannedCallQuerySet
from .distribution import AssignmentLog, DistributionRule, LeadSettings
from .lead import ClientMerge, IntakeLock, Lead, LeadContact, LeadStatusLog
from .questionnaire import AnswerOption, LeadAnswer, NumberRange, Question, SegmentThreshold
from .scripts import Script, ScriptEnrollment, ScriptMessage, ScriptMove, ScriptStep
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
