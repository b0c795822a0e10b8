import time, datetime
import pytest
from django.db import connection
from django.utils import timezone
from legal_crm.leads.models import Lead, ScriptEnrollment
from legal_crm.leads import selectors_scripts
from legal_crm.leads.tests.factories import lead_type, status
from legal_crm.leads.tests.factories_scripts import make_script

pytestmark = pytest.mark.django_db

def test_scale(make_staff, office, admin_user):
    operator = make_staff("operator")
    script, steps = make_script("call", "sms", ("wait", 3), "call", "reached", "handover", "refuse")
    t = lead_type("online"); st = status("new"); now = timezone.now()
    N = 200000
    t0 = time.time()
    for chunk in range(0, N, 10000):
        Lead.objects.bulk_create([Lead(phone=f"+7916{i:07d}", name=f"Лид {i}", office=office, type=t, status=st,
                                       status_changed_at=now) for i in range(chunk, chunk + 10000)], batch_size=5000)
    ids = list(Lead.objects.values_list("id", flat=True))
    for chunk in range(0, N, 10000):
        ScriptEnrollment.objects.bulk_create([ScriptEnrollment(script=script, lead_id=pk, step=steps[(j * 7919) % 7 if (j % 10) else 0],
            state={4: "reached", 5: "handed_over", 6: "refused"}.get((j * 7919) % 7 if (j % 10) else 0, "active"),
            entered_at=now - datetime.timedelta(minutes=j % 5000), step_entered_at=now - datetime.timedelta(minutes=j % 5000))
            for j, pk in enumerate(ids[chunk:chunk + 10000], start=chunk)], batch_size=5000)
    print("generated", time.time() - t0)
    for user in (admin_user, operator):
        selectors_scripts.board(script, user)
        t0 = time.time()
        for _ in range(3):
            selectors_scripts.board(script, user)
        print(user.username, "board", (time.time() - t0) / 3)
        t0 = time.time()
        selectors_scripts.board_counters(script, user)
        print(user.username, "counters", time.time() - t0)
    from django.test.utils import CaptureQueriesContext
    with CaptureQueriesContext(connection) as q:
        selectors_scripts.board(script, operator)
    for row in q.captured_queries:
        t0 = time.time()
        with connection.cursor() as c:
            c.execute(row["sql"])
            c.fetchall()
        print(round(time.time() - t0, 3), row["sql"][:160])
    assert 0
