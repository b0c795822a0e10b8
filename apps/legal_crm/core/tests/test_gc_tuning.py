"""Web processes freeze their start-up objects and collect garbage less often (legal_crm/wsgi.py)."""

import gc

from legal_crm.gc_tuning import THRESHOLDS, tune_for_serving


def test_tuning_freezes_startup_objects_and_raises_thresholds():
    before = gc.get_threshold()
    try:
        tune_for_serving()
        assert gc.get_threshold() == THRESHOLDS
        assert gc.get_freeze_count() > 10_000  # Django, the apps and every view module
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
