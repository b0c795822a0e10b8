from .bonuses import bonus_accrue, bonus_available, bonuses_expire, bonuses_spend
from .certificates import certificate_cancel, certificate_issue, certificate_redeem

__all__ = [
    "bonus_accrue", "bonus_available", "bonuses_expire", "bonuses_spend", "certificate_cancel",
    "certificate_issue", "certificate_redeem",
]
