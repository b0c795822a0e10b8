from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Pbx, PbxKind


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
