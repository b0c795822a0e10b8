"""The desk's select template (core.admin_base.fast_select) prints what unfold's select prints through its
per-option includes: the same bytes, for plain choices, groups, a selected value, a blank choice and option
attributes."""

import pytest
from django import forms
from unfold.widgets import UnfoldAdminSelectWidget

from legal_crm.core.admin_base import FAST_SELECT_TEMPLATE, fast_select

CHOICES = [("", "Выберите значение"), (1, "Москва <Таганская>"), (2, "Новосибирск & Co"),
           ("Офисы закрытые", [(3, "Екатеринбург"), (4, 'Казань "Центр"')]), (True, "Да")]


@pytest.mark.parametrize("value", [None, "", 1, 4, True])
def test_the_desk_select_prints_unfold_markup(value):
    field = forms.TypedChoiceField(choices=CHOICES, required=False, widget=UnfoldAdminSelectWidget(
        attrs={"data-x": 'a"b', "disabled": True, "hidden": False}))
    unfold = field.widget.render("office", value, attrs={"id": "id_office"})
    assert fast_select(field).widget.template_name == FAST_SELECT_TEMPLATE
    assert field.widget.render("office", value, attrs={"id": "id_office"}) == unfold
    assert "<optgroup" in unfold and "&lt;Таганская&gt;" in unfold and " selected>" in unfold


def test_only_unfold_plain_select_is_switched():
    class Other(UnfoldAdminSelectWidget):
        option_template_name = "my/option.html"

    field = forms.ChoiceField(choices=CHOICES, widget=Other())
    assert fast_select(field).widget.template_name == UnfoldAdminSelectWidget.template_name
    assert fast_select(None) is None
