from .bonuses import BonusAccount, BonusEntry, BonusGroup
from .certificates import Certificate, CertificateRedemption
from .discounts import ContractDiscount, DiscountScheme
from .payroll import PayrollKpi, PayrollLine, PayrollRule, PayrollRun

__all__ = ["BonusAccount", "BonusEntry", "BonusGroup", "Certificate", "CertificateRedemption", "ContractDiscount",
           "DiscountScheme", "PayrollKpi", "PayrollLine", "PayrollRule", "PayrollRun"]
