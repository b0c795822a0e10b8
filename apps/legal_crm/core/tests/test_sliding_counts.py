"""Sliding-window counts in the shared cache (Redis in CI, local memory in the embedded default)."""

import datetime
import uuid

from django.utils import timezone

from legal_crm.core import sliding_counts


def test_counts_are_exact_for_each_window():
    key, other = f"t:{uuid.uuid4().hex}", f"t:{uuid.uuid4().hex}"
    start = timezone.now()
    for minutes in (0, 10, 20, 50):
        sliding_counts.record([(key, 3600)], start + datetime.timedelta(minutes=minutes))
    now = start + datetime.timedelta(minutes=55)
    assert sliding_counts.counts([(key, 600), (key, 2400), (key, 3600), (other, 3600)], now) == [1, 2, 4, 0]
    # A moment exactly one window old is outside it.
    assert sliding_counts.counts([(key, 300)], start + datetime.timedelta(minutes=55)) == [0]


def test_moments_older_than_the_longest_window_are_dropped():
    key = f"t:{uuid.uuid4().hex}"
    start = timezone.now()
    sliding_counts.record([(key, 60)], start)
    sliding_counts.record([(key, 60)], start + datetime.timedelta(minutes=5))
    assert sliding_counts.counts([(key, 3600)], start + datetime.timedelta(minutes=5)) == [1]


def test_two_posts_in_the_same_instant_both_count():
    key = f"t:{uuid.uuid4().hex}"
    now = timezone.now()
    sliding_counts.record([(key, 60)], now)
    sliding_counts.record([(key, 60)], now)
    assert sliding_counts.counts([(key, 60)], now) == [2]


def test_counting_and_recording_at_once_counts_the_moments_before_this_one():
    key, other = f"t:{uuid.uuid4().hex}", f"t:{uuid.uuid4().hex}"
    start = timezone.now()
    sliding_counts.record([(key, 600)], start)
    later = start + datetime.timedelta(seconds=90)
    # Two windows of one key and one of another, two keys recorded: counted first, then this moment recorded.
    assert sliding_counts.counts([(key, 60), (key, 600), (other, 600)], later,
                                 and_record=[(key, 600), (other, 600)]) == [0, 1, 0]
    assert sliding_counts.counts([(key, 60), (key, 600), (other, 600)], later) == [1, 2, 1]
    # Recording only, no window asked: nothing to answer, the moment still recorded.
    assert sliding_counts.counts([], later, and_record=[(other, 600)]) == []
    assert sliding_counts.counts([(other, 600)], later) == [2]
