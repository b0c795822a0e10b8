from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
