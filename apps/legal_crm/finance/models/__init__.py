from .bonuses import BonusAccount, BonusEntry, BonusGroup
from .certificates import Certificate, CertificateRedemption
from .payroll import PayrollKpi, PayrollLine, PayrollRule, PayrollRun

__all__ = ["BonusAccount", "BonusEntry", "BonusGroup", "Certificate", "CertificateRedemption",
           "PayrollKpi", "PayrollLine", "PayrollRule", "PayrollRun"]
