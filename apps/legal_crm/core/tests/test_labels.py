from django.utils import translation
from django.utils.translation import gettext_lazy as _

from legal_crm.core.labels import colored_label


def test_a_label_is_rendered_once_and_escapes_its_text():
    first = colored_label("<b>Оплачен</b>", "success")
    assert colored_label("<b>Оплачен</b>", "success") is first  # the markup is kept, not rendered again
    assert "&lt;b&gt;Оплачен&lt;/b&gt;" in first and "<b>" not in first
    assert colored_label("<b>Оплачен</b>", "danger") != first  # another colour, another label


def test_a_lazy_text_is_rendered_in_the_current_language():
    text = _("Статус")
    with translation.override("ru"):
        russian = colored_label(text, None)
    with translation.override("en"):
        english = colored_label(text, None)
    assert "Статус" in russian and "Status" in english
