from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legal_crm.core.dates import ANY, date_error

from .models import CompanyNumber, Pbx, PbxKind


class PbxForm(forms.ModelForm):
    """The secret is never sent back to the browser: a new one replaces it, a blank field keeps it."""

    new_secret = forms.CharField(label=_("Пароль / подпись"), required=False, strip=True,
                                 widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}))

    class Meta:
        model = Pbx
        fields = ("name", "office", "kind", "host", "port", "login", "new_secret", "context", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.secret_masked if self.instance.pk else ""
        self.fields["new_secret"].help_text = (
            _("Сохранён: %(m)s. Оставьте пустым, чтобы не менять.") % {"m": stored} if stored
            else _("Asterisk — пароль пользователя AMI, Манго — соль (vpbx_api_salt), Zadarma — секретный ключ."))

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        has_secret = bool(data.get("new_secret")) or bool(self.instance.pk and self.instance.secret)
        if kind and kind != PbxKind.CONSOLE and not (has_secret and data.get("login")):
            self.add_error("new_secret", _("Укажите логин (ключ API) и пароль (подпись) АТС."))
        if kind == PbxKind.ASTERISK and not data.get("host"):
            self.add_error("host", _("Укажите адрес сервера Asterisk."))
        return data


class CallResultForm(forms.Form):
    from .models import Call as _Call

    outcome = forms.ChoiceField(label=_("Результат"), choices=_Call.Outcome.choices)
    comment = forms.CharField(label=_("Комментарий"), required=False, max_length=1000)


class CompanyNumberForm(forms.ModelForm):
    """The ad source is picked from marketing's sources (a code that exists), not typed: a mistyped code would
    give the number's leads no source and its calls no line in the statistics by source."""

    ad_source_code = forms.ChoiceField(label=_("Рекламный источник"), required=False,
                                       help_text=_("Входящие на этот номер получают источник и тип лида по нему."))

    class Meta:
        model = CompanyNumber
        fields = ("number", "name", "office", "pbx", "ad_source_code", "is_active")

    def __init__(self, *args, **kwargs):
        from .selectors import ad_sources

        super().__init__(*args, **kwargs)
        current = self.instance.ad_source_code if self.instance.pk else ""
        choices = [("", "—")] + [(code, name if active else _("%(n)s (выключен)") % {"n": name})
                                 for code, name, active in ad_sources() if active or code == current]
        if current and current not in {c for c, _n in choices}:
            choices.append((current, _("%(c)s (нет такого источника)") % {"c": current}))
        self.fields["ad_source_code"].choices = choices


STATS_MAX_DAYS = 366  # the statistics page sums a year of daily rows at most: a longer period is too slow for a page


def stats_period(params) -> tuple[datetime.date, datetime.date, dict]:
    """The call statistics' period from `from`/`to` (2026-11-27 from the date box, or 27.11.2026); default — this
    month. Returns (from, to, errors) as the leads' reports do (leads.source_report.parse_period): errors are
    {"from"/"to": Russian message}, and with errors the dates are stand-ins — the page shows the errors and no
    figures, the export gives no file. Nothing typed is replaced by another period silently."""
    today = timezone.localdate()
    defaults = {"from": today.replace(day=1), "to": today}
    errors: dict[str, str] = {}

    def parse(name: str) -> datetime.date:
        raw = (params.get(name) or "").strip()
        if not raw:
            return defaults[name]
        for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                day = datetime.datetime.strptime(raw, fmt).date()
            except ValueError:
                continue
            problem = date_error(day, ANY, today)  # year 1 or 9999: the period's moments would overflow
            if problem:
                errors[name] = problem
                return defaults[name]
            return day
        errors[name] = gettext("Дата в виде 27.11.2026.")
        return defaults[name]

    date_from, date_to = parse("from"), parse("to")
    if errors:
        return date_from, date_to, errors
    if date_from > date_to:
        errors["to"] = gettext("Конец периода раньше начала.")
    elif (date_to - date_from).days > STATS_MAX_DAYS:
        errors["from"] = gettext("Период не больше года (366 дней): за больший срок статистика считается слишком "
                                 "долго. Сократите период.")
    return date_from, date_to, errors
