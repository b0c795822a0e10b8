from .bonuses import BonusAccount, BonusEntry, BonusGroup
from .certificates import Certificate, CertificateRedemption

__all__ = ["BonusAccount", "BonusEntry", "BonusGroup", "Certificate", "CertificateRedemption"]
