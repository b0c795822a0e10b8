from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel, Provider


class ChannelForm(forms.ModelForm):
    """The secret is never sent back to the browser: a new one replaces it, a blank field keeps it."""

    new_secret = forms.CharField(label=_("Ключ API / пароль"), required=False, strip=True,
                                 widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}))
    base_url = forms.URLField(label=_("Адрес API"), required=False, assume_scheme="https",
                              help_text=_("Пусто — адрес провайдера. Заполняют только для тестового стенда."))

    class Meta:
        model = Channel
        fields = ("name", "office", "kind", "provider", "login", "new_secret", "sender_name", "base_url",
                  "rate_per_minute", "is_default", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.secret_masked if self.instance.pk else ""
        self.fields["new_secret"].help_text = (
            _("Сохранён: %(m)s. Оставьте пустым, чтобы не менять.") % {"m": stored} if stored
            else _("SMS.ru — api_id, SMSC.ru — пароль, GreenAPI — токен инстанса, Telegram — токен бота."))

    def clean(self):
        data = super().clean()
        provider = data.get("provider")
        has_secret = bool(data.get("new_secret")) or bool(self.instance.pk and self.instance.secret)
        if provider in (Provider.SMSRU, Provider.SMSC, Provider.GREENAPI, Provider.TELEGRAM) and not has_secret:
            self.add_error("new_secret", _("Укажите ключ API или пароль провайдера."))
        if provider in (Provider.SMSC, Provider.GREENAPI) and not data.get("login"):
            self.add_error("login", _("Укажите логин SMSC или номер инстанса GreenAPI."))
        return data
