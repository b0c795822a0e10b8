"""The call-script board page and its move endpoint."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from legal_crm.core.formatting import format_duration
from legal_crm.leads.models import ScriptEnrollment, ScriptMove

from .factories import LeadFactory, PlannedCallFactory
from .factories_scripts import enroll, make_script

pytestmark = pytest.mark.django_db



@pytest.fixture
def board(office):
    script, steps = make_script("call", "sms", ("wait", 3), "reached", "handover", "refuse", name="Новые заявки")
    return script, steps


def _client(user, *, csrf=False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def _move(client, script, card, step, **extra):
    return client.post(reverse("admin:leads_script_board_move", args=[script.pk]),
                       data=json.dumps({"card": card.pk, "step": step.pk}), content_type="application/json",
                       **extra)


def test_the_board_shows_columns_cards_counters_and_totals(operator, board, office, other_office):
    script, steps = board
    mine = LeadFactory(office=office, name="Мария <b>Смирнова</b>", phone="+79160000001")
    enroll(mine, steps[0])
    PlannedCallFactory(lead=mine)
    enroll(LeadFactory(office=office), steps[3], state=ScriptEnrollment.State.REACHED)
    enroll(LeadFactory(office=office), steps[5], state=ScriptEnrollment.State.REFUSED)
    enroll(LeadFactory(office=other_office, name="Чужой Лид"), steps[0])
    response = _client(operator).get(reverse("admin:leads_script_board", args=[script.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Доска скрипта «Новые заявки»" in html
    assert "Мария &lt;b&gt;Смирнова&lt;/b&gt;" in html and "<b>Смирнова</b>" not in html
    assert 'href="tel:+79160000001"' in html and "+7 916 000-00-01" in html
    assert "Чужой Лид" not in html  # another office's card
    assert f'data-count="{steps[0].pk}">1<' in html
    assert 'data-total="reached">1<' in html and 'data-total="refused">1<' in html
    assert 'data-total="handed_over">0<' in html and 'data-total="active">1<' in html
    assert "Звонок " in html  # the next planned call is the card's next action
    assert 'draggable="true"' in html
    assert "leads/script_board.js" in html
    for step in steps:
        assert f'data-step="{step.pk}"' in html


def test_the_board_costs_the_same_queries_for_few_and_many_cards(operator, board, office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    script, steps = board
    client = _client(operator)
    for step in steps:
        enroll(LeadFactory(office=office), step)
    url = reverse("admin:leads_script_board", args=[script.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(40):
        lead = LeadFactory(office=office)
        enroll(lead, steps[index % len(steps)])
        PlannedCallFactory(lead=lead)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many.captured_queries) <= 15 + 2 * len(steps)  # a counter and a read per column, not per card


def test_waiting_columns_show_the_oldest_cards_and_final_ones_the_latest(operator, board, office):
    import datetime

    from django.utils import timezone

    from legal_crm.leads.scripts import selectors as selectors_scripts

    script, steps = board
    now = timezone.now()
    waiting = [enroll(LeadFactory(office=office, name=f"Ждёт {i}"), steps[0], at=now - datetime.timedelta(hours=i))
               for i in range(3)]
    done = [enroll(LeadFactory(office=office, name=f"Итог {i}"), steps[3], state=ScriptEnrollment.State.REACHED,
                   at=now - datetime.timedelta(hours=i)) for i in range(3)]
    data = selectors_scripts.board(script, operator, per_column=2)
    assert [c["id"] for c in data["columns"][0]["cards"]] == [waiting[2].pk, waiting[1].pk]
    assert [c["id"] for c in data["columns"][3]["cards"]] == [done[0].pk, done[1].pk]


def test_a_column_shows_at_most_its_limit(operator, board, office, monkeypatch):
    from legal_crm.leads.scripts import selectors as selectors_scripts

    script, steps = board
    for _ in range(4):
        enroll(LeadFactory(office=office), steps[0])
    data = selectors_scripts.board(script, operator, per_column=3)
    column = data["columns"][0]
    assert len(column["cards"]) == 3 and column["count"] == "4" and column["hidden"] == "1"


def test_moving_a_card_saves_logs_and_answers_with_counters(operator, board, office):
    script, steps = board
    card = enroll(LeadFactory(office=office), steps[0])
    response = _move(_client(operator), script, card, steps[4])
    assert response.status_code == 200
    data = response.json()
    assert data["ok"] and data["state"] == "handed_over"
    assert data["counts"][str(steps[4].pk)] == "1" and data["counts"][str(steps[0].pk)] == "0"
    assert data["totals"] == {"active": "0", "reached": "0", "handed_over": "1", "refused": "0"}
    card.refresh_from_db()
    assert card.step == steps[4]
    move = ScriptMove.objects.get(enrollment=card)
    assert move.actor == operator and move.reason == "manual"


def test_the_move_endpoint_needs_the_csrf_token(operator, board, office):
    script, steps = board
    card = enroll(LeadFactory(office=office), steps[0])
    client = _client(operator, csrf=True)
    assert _move(client, script, card, steps[1]).status_code == 403
    page = client.get(reverse("admin:leads_script_board", args=[script.pk]))
    token = page.cookies["csrftoken"].value
    assert _move(client, script, card, steps[1], HTTP_X_CSRFTOKEN=token).status_code == 200


def test_bad_moves_get_clear_answers(operator, board, office, other_office):
    script, steps = board
    _other_script, other_steps = make_script("call")
    card = enroll(LeadFactory(office=office), steps[0])
    client = _client(operator)
    url = reverse("admin:leads_script_board_move", args=[script.pk])
    bad_json = client.post(url, data="{not json", content_type="application/json")
    assert bad_json.status_code == 400 and bad_json.json()["code"] == "invalid"
    wrong_step = _move(client, script, card, other_steps[0])
    assert wrong_step.status_code == 400 and wrong_step.json()["detail"] == "Этот шаг относится к другому скрипту."
    same = _move(client, script, card, steps[0])
    assert same.status_code == 400 and same.json()["code"] == "same_step"
    foreign = enroll(LeadFactory(office=other_office), steps[0])
    assert _move(client, script, foreign, steps[1]).status_code == 404
    assert client.get(url).status_code == 405
    assert not ScriptMove.objects.exists()


def test_a_lawyer_sees_no_board_and_cannot_move(make_staff, board, office):
    script, steps = board
    card = enroll(LeadFactory(office=office), steps[0])
    client = _client(make_staff("lawyer"))
    assert client.get(reverse("admin:leads_script_board", args=[script.pk])).status_code == 403
    assert _move(client, script, card, steps[1]).status_code == 403
    assert not ScriptMove.objects.exists()


def test_viewing_without_the_move_permission_shows_cards_that_do_not_drag(make_staff, board, office):
    from django.contrib.auth.models import Permission

    from legal_crm.core.access import permission_override_set

    script, steps = board
    enroll(LeadFactory(office=office), steps[0])
    viewer = make_staff("operator")
    permission_override_set(actor=make_staff("admin"), user=viewer, granted=False,
                            permission=Permission.objects.get(codename="move_scriptenrollment"))
    html = _client(viewer).get(reverse("admin:leads_script_board", args=[script.pk])).content.decode()
    assert 'draggable="true"' not in html


def test_the_script_list_links_to_the_board_and_the_menu_lists_scripts(operator, make_staff, board):
    from legal_crm.navigation import visible_sections

    script, _ = board
    client = _client(operator)
    html = client.get(reverse("admin:leads_script_changelist")).content.decode()
    assert reverse("admin:leads_script_board", args=[script.pk]) in html

    def menu(user):
        return [item["model"] for section in visible_sections(user) for item in section["items"] if "model" in item]

    assert "leads.Script" in menu(operator) and "leads.Question" not in menu(operator)
    assert "leads.Script" not in menu(make_staff("lawyer")) and "leads.Question" not in menu(make_staff("lawyer"))
    assert {"leads.Script", "leads.Question", "leads.SegmentThreshold"} <= set(menu(make_staff("admin")))


def test_an_admin_builds_a_script_with_steps_in_the_desk(admin_user):
    client = _client(admin_user)
    response = client.post(reverse("admin:leads_script_add"), data={
        "name": "Холодные звонки", "description": "", "is_active": "on", "start_on_arrival": "on",
        "steps-TOTAL_FORMS": "2", "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-order": "1", "steps-0-name": "Звонок", "steps-0-kind": "call", "steps-0-wait_hours": "0",
        "steps-0-message_text": "",
        "steps-1-order": "2", "steps-1-name": "Отказ", "steps-1-kind": "refuse", "steps-1-wait_hours": "0",
        "steps-1-message_text": "",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    from legal_crm.leads.models import Script

    script = Script.objects.get(name="Холодные звонки")
    assert [s.kind for s in script.steps.order_by("order")] == ["call", "refuse"]


@pytest.mark.parametrize("minutes, text", [(0, "менее минуты"), (45, "45 мин"), (185, "3 ч 5 мин"),
                                           (60 * 52, "2 дн 4 ч")])
def test_time_in_step_reads_naturally(minutes, text):
    import datetime

    assert format_duration(datetime.timedelta(minutes=minutes)) == text


@pytest.mark.parametrize("role, code", [
    ("operator", 200), ("sales", 200), ("office_head", 200), ("admin", 200),
    ("lawyer", 403), ("finance", 403), ("hr", 403), ("marketer", 403),
])
def test_who_opens_the_board(make_staff, board, role, code):
    script, _steps = board
    assert _client(make_staff(role)).get(reverse("admin:leads_script_board", args=[script.pk])).status_code == code


@pytest.mark.parametrize("role, can_edit", [("admin", True), ("operator", False), ("sales", False),
                                            ("office_head", False)])
def test_only_administrators_edit_scripts_and_questions(make_staff, board, role, can_edit):
    user = make_staff(role)
    assert user.has_perm("leads.change_script") is can_edit
    assert user.has_perm("leads.add_question") is can_edit
    assert user.has_perm("leads.change_segmentthreshold") is can_edit


@pytest.mark.parametrize("name", ["leads_script", "leads_scriptenrollment", "leads_scriptmove", "leads_scriptmessage",
                                  "leads_question", "leads_segmentthreshold"])
def test_the_desk_lists_open(admin_user, board, office, name):
    from legal_crm.leads.scripts import services as svc

    _script, steps = board
    card = enroll(LeadFactory(office=office, name="<i>Лид</i>"), steps[0])
    svc.enrollment_move(actor=admin_user, enrollment=card, step=steps[1])
    svc.advance_due_enrollments()
    response = _client(admin_user).get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == 200
    assert "<i>Лид</i>" not in response.content.decode()


def test_the_logs_are_read_only_and_scoped(make_staff, board, office, other_office):
    _script, steps = board
    enroll(LeadFactory(office=other_office, name="Чужой"), steps[0])
    enroll(LeadFactory(office=office, name="Свой"), steps[0])
    head = make_staff("office_head")
    client = _client(head)
    html = client.get(reverse("admin:leads_scriptenrollment_changelist")).content.decode()
    assert "Свой" in html and "Чужой" not in html
    assert client.get(reverse("admin:leads_scriptenrollment_add")).status_code == 403


def test_counters_stop_at_the_cap(operator, board, office, monkeypatch):
    from legal_crm.leads.scripts import selectors as selectors_scripts

    monkeypatch.setattr(selectors_scripts, "COUNT_CAP", 3)
    script, steps = board
    for _ in range(5):
        enroll(LeadFactory(office=office), steps[0])
    enroll(LeadFactory(office=office), steps[3], state=ScriptEnrollment.State.REACHED)
    data = selectors_scripts.board(script, operator, per_column=2)
    assert data["columns"][0]["count"] == "3+" and data["columns"][0]["hidden"] == "2+"
    assert data["totals"] == {"active": "3+", "reached": "1", "handed_over": "0", "refused": "0"}


def test_the_board_is_headed_by_the_script_s_name(operator, board):
    import re

    script, _steps = board
    url = reverse("admin:leads_script_board", args=[script.pk])
    html = _client(operator).get(url).content.decode()
    header = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    crumbs = [" ".join(t.split()) for t in re.findall(r"<a [^>]*>(.*?)</a\s*>", header, re.S)]
    assert crumbs == ["Продажи", "Скрипты звонков", "Новые заявки"]
    assert reverse("admin:leads_script_change", args=[script.pk]) in header
    heading = re.search(r'<h2 id="script-name"[^>]*>(.*?)</h2>', html, re.S)
    assert heading and heading.group(1).strip() == "Новые заявки"
    script.is_active = False
    script.save()
    html = _client(operator).get(url).content.decode()
    assert re.search(r"<h2 id=\"script-name\"[^>]*>Новые заявки <span[^>]*>\(выключен\)</span></h2>", html)


def _script_post(**steps):
    data = {"name": "Холодные звонки", "description": "", "is_active": "on", "start_on_arrival": "on",
            "steps-TOTAL_FORMS": "1", "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "0",
            "steps-MAX_NUM_FORMS": "1000", "steps-0-order": "1", "steps-0-name": "Шаг", "steps-0-kind": "call",
            "steps-0-wait_hours": "0", "steps-0-message_text": ""}
    data.update({f"steps-0-{k}": v for k, v in steps.items()})
    return data


def test_the_desk_shows_step_errors_instead_of_saving(admin_user):
    from legal_crm.leads.models import LeadStatus, RefusalReason, Script

    client = _client(admin_user)
    url = reverse("admin:leads_script_add")
    response = client.post(url, data=_script_post(kind="sms", message_text="Здравствуйте, {фио}!"))
    assert response.status_code == 200
    assert "Неизвестные метки: {фио}." in response.content.decode()
    response = client.post(url, data=_script_post(kind="whatsapp"))
    assert "Шагу «Отправить WhatsApp» нужен текст сообщения или шаблон." in response.content.decode()
    response = client.post(url, data=_script_post(
        kind="refuse", refusal_status=str(LeadStatus.objects.get(code="refusal_expensive").pk),
        refusal_reason=str(RefusalReason.objects.get(code="later").pk)))
    assert response.status_code == 200
    assert "Причина «Решит позже» не подходит к статусу «Отказ: дорого»." in response.content.decode()
    data = _script_post()
    del data["start_on_arrival"]
    response = client.post(url, data=data)
    assert response.status_code == 200 and "хотя бы одно событие запуска" in response.content.decode()
    assert not Script.objects.filter(name="Холодные звонки").exists()
