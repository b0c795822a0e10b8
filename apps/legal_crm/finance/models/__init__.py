from .accounting import AccountingEntry
from .agents import AgentAccrual, AgentRule
from .articles import Article
from .bonus_rules import BonusRule, ClientReferral
from .bonuses import BonusAccount, BonusEntry, BonusGroup
from .certificates import Certificate, CertificateRedemption
from .discounts import ContractDiscount, DiscountScheme
from .payroll import PayrollKpi, PayrollLine, PayrollRule, PayrollRun
from .planning import BudgetPlan, BudgetPlanLine
from .revenue_day import RevenueDay

__all__ = ["AccountingEntry", "AgentAccrual", "AgentRule", "Article", "BonusAccount", "BonusEntry", "BonusGroup",
           "BonusRule", "BudgetPlan", "BudgetPlanLine", "Certificate", "CertificateRedemption", "ClientReferral",
           "ContractDiscount", "DiscountScheme", "PayrollKpi", "PayrollLine", "PayrollRule", "PayrollRun",
           "RevenueDay"]
