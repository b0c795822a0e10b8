"""Web processes freeze their start-up objects, collect garbage less often and hand the GIL over sooner
(legal_crm/wsgi.py)."""

import gc
import sys

from legal_crm.gc_tuning import SWITCH_INTERVAL, THRESHOLDS, tune_for_serving


def test_tuning_freezes_startup_objects_raises_thresholds_and_shortens_the_switch_interval():
    before, interval = gc.get_threshold(), sys.getswitchinterval()
    try:
        tune_for_serving()
        assert gc.get_threshold() == THRESHOLDS
        assert gc.get_freeze_count() > 10_000  # Django, the apps and every view module
        assert abs(sys.getswitchinterval() - SWITCH_INTERVAL) < 1e-6
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
        sys.setswitchinterval(interval)
