from .agents import AgentAccrual, AgentRule
from .bonus_rules import BonusRule, ClientReferral
from .bonuses import BonusAccount, BonusEntry, BonusGroup
from .certificates import Certificate, CertificateRedemption
from .discounts import ContractDiscount, DiscountScheme
from .payroll import PayrollKpi, PayrollLine, PayrollRule, PayrollRun

__all__ = ["AgentAccrual", "AgentRule", "BonusAccount", "BonusEntry", "BonusGroup", "BonusRule", "Certificate", "CertificateRedemption",
           "ClientReferral", "ContractDiscount", "DiscountScheme", "PayrollKpi", "PayrollLine", "PayrollRule",
           "PayrollRun"]
