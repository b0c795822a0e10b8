from .bonuses import BonusAccount, BonusEntry, BonusGroup
from .certificates import Certificate, CertificateRedemption

__all__ = ["BonusAccount", "BonusEntry", "BonusGroup", "Certificate", "CertificateRedemption"]

# planning and accounting (issue 16, items 3–4)
from .accounting import AccountingEntry
from .articles import Article
from .planning import BudgetPlan, BudgetPlanLine

__all__ += ["AccountingEntry", "Article", "BudgetPlan", "BudgetPlanLine"]
