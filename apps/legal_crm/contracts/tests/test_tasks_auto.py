"""Contracts' events set the administrators' automatic tasks (todos): the document task on signing, the hearing and
its preparation on the lawyer's day with a reminder the day before, the stage's tasks, a moved hearing."""

import datetime

import pytest
import time_machine
from django.test import RequestFactory
from django.utils import timezone

from legal_crm.contracts import services
from legal_crm.todos.home import my_tasks_block
from legal_crm.todos.jobs import send_reminders
from legal_crm.todos.models import Task
from legal_crm.todos.tests.factories import TaskRuleFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2027, 1, 11, 7, 0, tzinfo=datetime.UTC)  # Monday, 10:00 in Moscow


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def rules(db):
    return {
        "documents": TaskRuleFactory(trigger="contract_signed", title="Собрать документы", kind="documents", days=3,
                                     role="lawyer"),
        "prep": TaskRuleFactory(trigger="hearing_set", title="Подготовиться к заседанию", kind="hearing_prep",
                                days=-1, role="lawyer"),
        "hearing": TaskRuleFactory(trigger="hearing_set", title="Судебное заседание", kind="hearing", days=0,
                                   role="lawyer"),
    }


def home(user):
    """The titles and notes of the lawyer's «Мой день» tasks about the hearing."""
    request = RequestFactory().get("/")
    request.user = user
    return [row for row in my_tasks_block(request)["rows"] if "заседан" in row["text"]]


def test_signing_a_contract_gives_its_lawyer_the_document_task(head, lawyer, office, bfl, client_cp, rules,
                                                               django_capture_on_commit_callbacks):
    contract = services.contract_create(actor=head, client=client_cp, service=bfl, office=office)
    services.contract_update(actor=head, contract=contract, lawyers=[lawyer])
    with django_capture_on_commit_callbacks(execute=True):
        contract = services.contract_sign(actor=head, contract=contract)
    task = Task.objects.get(rule=rules["documents"])
    assert task.assignee == lawyer and task.title == "Собрать документы" and task.office == office
    assert (task.record_type, task.record_id) == ("contracts.contract", str(contract.pk))
    assert task.due_on == timezone.localdate() + datetime.timedelta(days=3)
    # The same event again (a retried delivery) sets nothing new.
    from legal_crm.contracts.handlers_tasks import on_contract_signed

    on_contract_signed(contract_id=contract.pk, signed_on=contract.signed_on.isoformat())
    assert Task.objects.filter(rule=rules["documents"]).count() == 1


def test_signed_without_a_lawyer_waits_in_the_queue_until_work_starts(head, lawyer, office, bfl, client_cp, rules,
                                                                      django_capture_on_commit_callbacks):
    contract = services.contract_create(actor=head, client=client_cp, service=bfl, office=office)
    with django_capture_on_commit_callbacks(execute=True):
        services.contract_sign(actor=head, contract=contract)
    task = Task.objects.get(rule=rules["documents"])
    assert task.assignee is None
    with django_capture_on_commit_callbacks(execute=True):
        services.contract_start_work(actor=head, contract=contract, lawyers=[lawyer])
    task.refresh_from_db()
    assert task.assignee == lawyer


def test_a_hearing_date_puts_the_hearing_on_the_lawyers_day_and_reminds_the_day_before(
        lawyer, contract_in_work, rules, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr("legal_crm.todos.jobs.emit", lambda event, **payload: sent.append((event, payload)))
    hearing = datetime.date(2027, 1, 15)
    with django_capture_on_commit_callbacks(execute=True):
        services.bankruptcy_case_update(actor=lawyer, contract=contract_in_work, hearing_on=hearing)
    prep = Task.objects.get(rule=rules["prep"])
    sitting = Task.objects.get(rule=rules["hearing"])
    assert prep.assignee == lawyer and prep.due_on == hearing - datetime.timedelta(days=1)
    assert sitting.assignee == lawyer and sitting.due_on == hearing and sitting.kind == "hearing"
    assert "Судебное заседание" not in [r["text"] for r in home(lawyer)]  # not today yet

    with time_machine.travel(datetime.datetime(2027, 1, 14, 6, 0, tzinfo=datetime.UTC), tick=False):
        assert [r["text"] for r in home(lawyer)] == ["Подготовиться к заседанию"]
        assert send_reminders() == 1
        assert send_reminders() == 0  # twice a day reminds once
    assert sent == [("todos.task_due_soon", {"task_id": sitting.pk, "assignee_id": lawyer.pk,
                                             "office_id": sitting.office_id, "due_on": "2027-01-15",
                                             "at_deadline": False})]

    with time_machine.travel(datetime.datetime(2027, 1, 15, 6, 0, tzinfo=datetime.UTC), tick=False):
        rows = home(lawyer)
    assert [r["text"] for r in rows][:2] == ["Подготовиться к заседанию", "Судебное заседание"]
    assert "просрочена" in rows[0]["note"] and contract_in_work.number in rows[1]["note"]


def test_a_moved_hearing_cancels_the_old_days_tasks(lawyer, contract_in_work, rules,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.bankruptcy_case_update(actor=lawyer, contract=contract_in_work, hearing_on=datetime.date(2027, 1, 15))
    with django_capture_on_commit_callbacks(execute=True):
        services.bankruptcy_case_update(actor=lawyer, contract=contract_in_work, hearing_on=datetime.date(2027, 2, 1))
    hearing_tasks = Task.objects.filter(rule__trigger="hearing_set")
    open_days = sorted(hearing_tasks.filter(status="new").values_list("due_on", flat=True))
    assert open_days == [datetime.date(2027, 1, 31), datetime.date(2027, 2, 1)]
    assert hearing_tasks.filter(status="cancelled").count() == 2


def test_a_started_stage_sets_the_rule_of_that_stage_only(head, lawyer, office, bfl, client_cp,
                                                          django_capture_on_commit_callbacks):
    contract = services.contract_create(actor=head, client=client_cp, service=bfl, office=office)
    services.contract_sign(actor=head, contract=contract)
    from legal_crm.contracts.models import StageTemplate

    stage_name = StageTemplate.objects.filter(service=bfl).order_by("order").first().name
    TaskRuleFactory(trigger="stage_started", title="Запросить выписки", params={"stage": stage_name}, days=2)
    TaskRuleFactory(trigger="stage_started", title="Другой этап", params={"stage": "Нет такого этапа"}, days=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.contract_start_work(actor=head, contract=contract, lawyers=[lawyer])
    titles = list(Task.objects.values_list("title", flat=True))
    assert titles == ["Запросить выписки"]


def test_a_contract_that_ends_takes_its_rules_open_tasks_off_the_lawyers_day(head, lawyer, office, bfl, client_cp,
                                                                               rules,
                                                                               django_capture_on_commit_callbacks):
    """Completed or terminated, the contract's open automatic tasks are cancelled with the reason; a task a person
    set by hand, and a done one, stay; a termination request returned to work cancels nothing."""
    from legal_crm.contracts.handlers_tasks import on_contract_completed, on_termination_decided
    from legal_crm.todos.tests.factories import TaskFactory

    contract = services.contract_create(actor=head, client=client_cp, service=bfl, office=office)
    services.contract_update(actor=head, contract=contract, lawyers=[lawyer])
    with django_capture_on_commit_callbacks(execute=True):
        services.contract_sign(actor=head, contract=contract)
    auto = Task.objects.get(rule=rules["documents"])
    by_hand = TaskFactory(office=office, assignee=lawyer, record_type="contracts.contract",
                          record_id=str(contract.pk), title="Вернуть клиенту оригиналы")
    on_termination_decided(contract_id=contract.pk, status="returned")
    assert Task.objects.get(pk=auto.pk).status == Task.Status.NEW
    on_contract_completed(contract_id=contract.pk)
    auto.refresh_from_db()
    by_hand.refresh_from_db()
    assert auto.status == Task.Status.CANCELLED and auto.cancel_reason == "Договор исполнен."
    assert by_hand.status == Task.Status.NEW
    on_termination_decided(contract_id=contract.pk, status="terminated")  # nothing open is left to cancel
    assert Task.objects.get(pk=auto.pk).cancel_reason == "Договор исполнен."
