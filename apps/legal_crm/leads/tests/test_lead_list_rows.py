"""The lead list's one-pass table (issue #17) shows exactly what unfold's generic rendering showed: the same cells,
links, badges and empty values, for an operator (no row checkboxes) and an administrator (checkboxes, actions),
with filters kept in the change links."""

import re

import pytest
from django.template import RequestContext, Template

from legal_crm.leads.tests.factories import AdSourceFactory, LeadFactory, status

LIST = "/admin/leads/lead/"


def _table(html: str) -> str:
    start = html.index('<table id="result_list"')
    table = html[start:html.index("</table>", start) + len("</table>")]
    table = re.sub(r">\s+<", "><", table)  # the generic templates' indentation between tags
    table = re.sub(r"\s+(\"|>)", r"\1", table)  # and the spaces their empty {% if %} leave before a quote or >
    return re.sub(r"\s+", " ", table)


def _generic_table(response) -> str:
    """The same change list rendered by unfold's result_list (items_for_result per cell)."""
    cl = response.context["cl"]
    context = RequestContext(response.wsgi_request, {"cl": cl, "opts": cl.opts, "actions_row": None})
    return _table(Template("{% load unfold_list %}{% unfold_result_list cl %}").render(context))


@pytest.fixture
def leads(office, make_staff):
    owner = make_staff("operator")
    src = AdSourceFactory(code="vk", name="ВКонтакте <реклама>")
    LeadFactory(office=office, name="", phone="+79160000001")  # no name, no source, no operator
    LeadFactory(office=office, name="Анна & Ко", source=src, assigned_to=owner, status=status("in_work"))
    for i in range(5):
        LeadFactory(office=office, name=f"Лид {i}", source=src if i % 2 else None)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["operator", "admin"])
@pytest.mark.parametrize("params", [{}, {"status": "in_work"}, {"q": "0000001"}])
def test_one_pass_table_is_the_generic_one(client, make_staff, leads, role, params):
    if "status" in params:  # a filter: the change links carry it (_changelist_filters)
        params = {"status": str(status(params["status"]).pk)}
    user = make_staff(role, superuser=role == "admin")
    client.force_login(user)
    response = client.get(LIST, params)
    assert response.status_code == 200
    ours = _table(response.content.decode())
    assert ours == _generic_table(response)
    assert ("action-select" in ours) == (role == "admin")
    if not params:  # the whole list: escaped names, the empty name and the empty values are all there
        assert "ВКонтакте &lt;реклама&gt;" in ours and "Анна &amp; Ко" in ours and "Без имени" in ours
        assert ">—</td>" in ours


@pytest.mark.django_db
def test_a_popup_keeps_the_generic_rendering(client, make_staff, leads):
    client.force_login(make_staff("admin", superuser=True))
    response = client.get(LIST, {"_popup": "1", "_to_field": "id"})
    assert response.status_code == 200
    assert 'data-popup-opener="' in response.content.decode()
