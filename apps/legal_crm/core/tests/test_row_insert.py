"""core.row_insert writes what save()/bulk_create write, and core.compiled_query reads what the queryset reads."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import signals
from django.utils import timezone
from django.utils.functional import lazy

from legal_crm.core.compiled_query import CompiledQuery
from legal_crm.core.models import AuditLog, EventOutbox
from legal_crm.core.row_insert import _kept, _prepared, insert, insert_many
from legal_crm.leads.models import Lead, LeadPhonePart, LeadStatusLog
from legal_crm.leads.tests.factories import LeadFactory


def _row(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields if not f.primary_key}


@pytest.mark.django_db
def test_insert_writes_the_row_save_writes(admin_user):
    lead = LeadFactory()
    ct = ContentType.objects.get_for_model(Lead).pk  # never a literal id: a flushed database numbers them anew
    ours = insert(AuditLog(actor=admin_user, action="leads.intake", content_type_id=ct, object_id="7",
                           object_repr="x", after={"phone": "+79161234567", "n": [1, 2]}))
    theirs = AuditLog.objects.create(actor=admin_user, action="leads.intake", content_type_id=ct, object_id="7",
                                     object_repr="x", after={"phone": "+79161234567", "n": [1, 2]})
    assert ours.pk and ours.pk != theirs.pk and not ours._state.adding
    read_ours, read_theirs = AuditLog.objects.get(pk=ours.pk), AuditLog.objects.get(pk=theirs.pk)
    assert {**_row(read_ours), "at": None} == {**_row(read_theirs), "at": None}
    assert abs(read_ours.at - read_theirs.at) < datetime.timedelta(seconds=5)  # auto_now_add, aware, as save()
    log = insert(LeadStatusLog(lead=lead, to_status=lead.status, comment="первый"))
    assert LeadStatusLog.objects.get(pk=log.pk).lead_id == lead.pk  # the related object's key taken as save() does
    event = insert(EventOutbox(items=[["a.b", "x.y", {"when": timezone.now()}]]))  # the field's own JSON encoder
    assert EventOutbox.objects.get(pk=event.pk).items[0][:2] == ["a.b", "x.y"]


@pytest.mark.django_db
def test_insert_sends_the_save_signals():
    seen = []

    def pre(sender, instance, **kwargs):
        seen.append(("pre", instance.pk, kwargs["raw"]))

    def post(sender, instance, created, **kwargs):
        seen.append(("post", instance.pk, created))

    signals.pre_save.connect(pre, sender=EventOutbox)
    signals.post_save.connect(post, sender=EventOutbox)
    try:
        row = insert(EventOutbox(items=[]))
    finally:
        signals.pre_save.disconnect(pre, sender=EventOutbox)
        signals.post_save.disconnect(post, sender=EventOutbox)
    assert seen == [("pre", None, False), ("post", row.pk, True)]


@pytest.mark.django_db
def test_insert_many_writes_the_rows_bulk_create_writes():
    lead = LeadFactory(phone="+79160000001")
    LeadPhonePart.objects.filter(lead=lead).delete()
    insert_many(LeadPhonePart, [{"lead_id": lead.pk, "part": p} for p in ("79160000001", "0001")])
    assert sorted(LeadPhonePart.objects.filter(lead=lead).values_list("part", flat=True)) == ["0001", "79160000001"]
    insert_many(LeadPhonePart, [])  # nothing to write: no statement


@pytest.mark.django_db
def test_insert_many_writes_log_rows_as_save_would(admin_user):
    """Rows with a database-made key and an auto_now_add time: the row save() writes, the key not read back."""
    lead = LeadFactory()
    ct = ContentType.objects.get_for_model(Lead).pk
    values = {"actor_id": admin_user.pk, "action": "leads.intake", "content_type_id": ct, "object_id": "7",
              "object_repr": "x", "after": {"phone": "+79161234567", "n": [1, 2]}}
    insert_many(AuditLog, [values])
    theirs = AuditLog.objects.create(**values)
    ours = AuditLog.objects.exclude(pk=theirs.pk).get(object_id="7")
    assert {**_row(ours), "at": None} == {**_row(theirs), "at": None}
    assert ours.at.tzinfo is not None and abs(ours.at - theirs.at) < datetime.timedelta(seconds=5)
    insert_many(LeadStatusLog, [{"lead_id": lead.pk, "to_status_id": lead.status_id}])
    assert LeadStatusLog.objects.filter(lead=lead, comment="").exists()  # a missing field takes its default
    insert_many(EventOutbox, [{"items": [["a.b", "x.y", {"when": timezone.now()}]]}])  # the field's JSON encoder
    assert EventOutbox.objects.latest("id").items[0][:2] == ["a.b", "x.y"]


@pytest.mark.django_db
def test_insert_many_refuses_what_needs_the_object():
    def receiver(sender, instance, **kwargs):
        pass

    signals.post_save.connect(receiver, sender=EventOutbox)
    try:
        with pytest.raises(TypeError):  # a receiver would be skipped
            insert_many(EventOutbox, [{"items": []}])
    finally:
        signals.post_save.disconnect(receiver, sender=EventOutbox)
    with pytest.raises(TypeError):  # the lead's phone field normalises on saving; Lead also keeps history
        insert_many(Lead, [{"phone": "89161234567"}])


def test_models_whose_saving_does_more_are_refused():
    from legal_crm.core.models import User
    from legal_crm.leads.models import DistributionRule

    for model in (User, DistributionRule):  # save() overridden: a password change revokes tokens, a prefix is cleaned
        with pytest.raises(TypeError):
            insert(model(), using="default")


@pytest.mark.django_db
def test_compiled_query_reads_what_the_queryset_reads():
    older = LeadFactory(phone="+79160000002")
    newer = LeadFactory(phone="+79160000002")
    Lead.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(days=1))
    query = CompiledQuery(Lead, lambda phone: Lead.objects.filter(phone=phone).order_by("-created_at", "-id")
                          .values_list("pk", "created_at", "partner_id")[:1], 1)
    expected = Lead.objects.filter(phone="+79160000002").order_by("-created_at", "-id").values_list(
        "pk", "created_at", "partner_id").first()
    assert query.first("+79160000002") == expected
    assert query.first("+79160000002")[0] == newer.pk
    assert query.first("+79160000002")[1].tzinfo is not None  # the backend's converters ran
    assert query.first("+79160000009") is None
    with pytest.raises(ValueError):
        CompiledQuery(Lead, lambda p: Lead.objects.filter(phone=p.upper()).values_list("pk")[:1], 1).first("x")


@pytest.mark.django_db
def test_insert_unless_writes_only_where_its_read_finds_nothing():
    """The read rides in the INSERT (… SELECT … WHERE NOT EXISTS): found → nothing written, None, no post_save."""
    seen = []

    def post(sender, instance, **kwargs):
        seen.append(instance.pk)

    ct = ContentType.objects.get_for_model(Lead).pk
    query = CompiledQuery(AuditLog, lambda object_id: AuditLog.objects.filter(
        action="test.unless", object_id=object_id).values_list("pk")[:1], 1)

    def row(object_id: str):
        return insert(AuditLog(action="test.unless", content_type_id=ct, object_id=object_id, object_repr="x"),
                      unless=query.statement(object_id, using="default"))

    signals.post_save.connect(post, sender=AuditLog)
    try:
        first, again, other = row("7"), row("7"), row("8")
    finally:
        signals.post_save.disconnect(post, sender=AuditLog)
    assert first is not None and first.pk and not first._state.adding
    assert again is None and other is not None and other.pk != first.pk
    assert sorted(AuditLog.objects.filter(action="test.unless").values_list("object_id", flat=True)) == ["7", "8"]
    assert seen == [first.pk, other.pk]


def _audit_row(ct: int, object_id: str, **extra) -> dict:
    return {"actor_id": None, "action": "test.together", "content_type_id": ct, "object_id": object_id,
            "object_repr": object_id, "before": None, "after": None, **extra}


@pytest.mark.django_db
def test_together_sends_the_rows_in_one_round_trip_on_mariadb_and_reads_see_them():
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from legal_crm.core.row_insert import together

    lead = LeadFactory()
    ct = ContentType.objects.get_for_model(Lead).pk
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        with together():
            insert_many(AuditLog, [_audit_row(ct, "t1")])
            insert_many(LeadPhonePart, [{"lead_id": lead.pk, "part": "7777001"},
                                        {"lead_id": lead.pk, "part": "7777002"}])
            assert not queries.captured_queries  # nothing sent yet
            # A read in the block sends what waits first: it sees the rows as if each had been written at once.
            assert AuditLog.objects.filter(object_id="t1").exists()
            first_read = len(queries.captured_queries)
            insert_many(LeadStatusLog, [{"lead_id": lead.pk, "from_status_id": None, "to_status_id": lead.status_id,
                                         "actor_id": None, "comment": "в одном запросе"}])
            insert_many(AuditLog, [_audit_row(ct, "t2")])
        sent = len(queries.captured_queries) - first_read
    # MariaDB: the two waiting INSERTs in one multi-statement query; SQLite: one each.
    assert first_read == (2 if connection.vendor == "mysql" else 3)
    assert sent == (1 if connection.vendor == "mysql" else 2)
    assert AuditLog.objects.filter(object_id__in=["t1", "t2"]).count() == 2
    assert LeadStatusLog.objects.filter(lead=lead, comment="в одном запросе").exists()
    assert set(LeadPhonePart.objects.filter(lead=lead, part__startswith="7777").values_list("part", flat=True)) == {
        "7777001", "7777002"}


@pytest.mark.django_db(transaction=True)
def test_together_a_failing_row_raises_in_the_transaction_and_the_connection_stays_usable():
    from django.db import IntegrityError, transaction

    from legal_crm.core.row_insert import together

    lead = LeadFactory()
    ct = ContentType.objects.get_for_model(Lead).pk
    with pytest.raises(IntegrityError), transaction.atomic(), together():
        insert_many(AuditLog, [_audit_row(ct, "kept-not")])
        # A status log of a lead that does not exist: the foreign key refuses it when the rows are sent.
        insert_many(LeadStatusLog, [{"lead_id": lead.pk + 10_000, "from_status_id": None,
                                     "to_status_id": lead.status_id, "actor_id": None, "comment": ""}])
        insert_many(AuditLog, [_audit_row(ct, "after-the-bad-one")])
    # Rolled back whole, and every result of the multi-statement query was read: the next query works.
    assert not AuditLog.objects.filter(object_id__in=["kept-not", "after-the-bad-one"]).exists()
    assert Lead.objects.filter(pk=lead.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_together_rows_of_a_rolled_back_savepoint_are_rolled_back_with_it():
    from django.db import transaction

    from legal_crm.core.row_insert import together

    ct = ContentType.objects.get_for_model(Lead).pk
    with transaction.atomic(), together():
        insert_many(AuditLog, [_audit_row(ct, "outer")])
        try:
            with transaction.atomic():
                insert_many(AuditLog, [_audit_row(ct, "inner")])
                raise ValueError("the inner block fails")
        except ValueError:
            pass
        insert_many(AuditLog, [_audit_row(ct, "outer-after")])
    assert set(AuditLog.objects.filter(action="test.together").values_list("object_id", flat=True)) == {
        "outer", "outer-after"}


@pytest.mark.django_db(transaction=True)
def test_together_commit_rides_with_the_rows_only_where_the_transaction_is_its_own():
    """commit=True: on MariaDB the outermost transaction's COMMIT ends the rows' query (one round trip, the commit
    hooks still run); a failing row commits nothing; inside another transaction it commits as usual."""
    from django.db import IntegrityError, transaction
    from django.test.utils import CaptureQueriesContext

    from legal_crm.core.row_insert import together

    lead = LeadFactory()
    ct = ContentType.objects.get_for_model(Lead).pk
    ran = []
    with CaptureQueriesContext(connection) as queries:
        with transaction.atomic():
            transaction.on_commit(lambda: ran.append("hook"))
            with together(commit=True):
                insert_many(AuditLog, [_audit_row(ct, "c1")])
                insert_many(AuditLog, [_audit_row(ct, "c2")])
    sql = [q["sql"] for q in queries.captured_queries if q["sql"] != "BEGIN"]  # Django logs BEGIN, nothing is sent
    if connection.vendor == "mysql":
        assert len(sql) == 1 and sql[0].endswith("COMMIT"), sql  # no COMMIT of its own after it
        with connection.cursor() as cursor:
            cursor.execute("SELECT @@in_transaction")
            assert cursor.fetchone() == (0,)
    assert ran == ["hook"]
    assert AuditLog.objects.filter(object_id__in=["c1", "c2"]).count() == 2

    with pytest.raises(IntegrityError), transaction.atomic(), together(commit=True):
        insert_many(AuditLog, [_audit_row(ct, "not-kept")])
        insert_many(LeadStatusLog, [{"lead_id": lead.pk + 10_000, "from_status_id": None,
                                     "to_status_id": lead.status_id, "actor_id": None, "comment": ""}])
    assert not AuditLog.objects.filter(object_id="not-kept").exists()

    with pytest.raises(RuntimeError), transaction.atomic():  # the caller's transaction decides
        with transaction.atomic(), together(commit=True):
            insert_many(AuditLog, [_audit_row(ct, "inner-1")])
            insert_many(AuditLog, [_audit_row(ct, "inner-2")])
        raise RuntimeError("the caller fails after the block")
    assert not AuditLog.objects.filter(object_id__in=["inner-1", "inner-2"]).exists()


@pytest.mark.django_db(transaction=True)
def test_together_outside_a_transaction_is_refused():
    from legal_crm.core.row_insert import together

    with pytest.raises(RuntimeError), together():
        pass


class _Kind(models.TextChoices):
    NEW = "new", "Новый"


@pytest.mark.django_db
def test_the_values_passed_through_are_what_the_fields_own_preparation_gives():
    """The hot path hands a value over untouched only where get_db_prep_save would return that very value."""
    samples = ["x", "", None, 0, 7, -3, True, False, 1.5, _Kind.NEW, lazy(lambda: "ленивая", str)(),
               timezone.now(), {"a": 1}]
    passed = set()
    for model in (Lead, LeadStatusLog, LeadPhonePart, AuditLog, EventOutbox):
        for field in model._meta.concrete_fields:
            kept = _kept(field, connection)
            for value in samples:
                try:
                    theirs = field.get_db_prep_save(value, connection)
                except (TypeError, ValueError, AttributeError, ValidationError) as error:
                    with pytest.raises(type(error)):
                        _prepared([field], [kept], [value], connection)
                    continue
                ours = _prepared([field], [kept], [value], connection)[0]
                assert type(ours) is type(theirs) and ours == theirs, (field, value)
                if type(value) in kept and value is not None:
                    passed.add((model.__name__, field.name, type(value).__name__))
    # not vacuous: text, numbers, flags and plain keys do skip the preparation
    assert {("Lead", "name", "str"), ("Lead", "office", "int"), ("LeadPhonePart", "part", "str")} <= passed
