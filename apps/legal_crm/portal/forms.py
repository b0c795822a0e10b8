"""The portal's forms: labelled fields for a phone screen (autocomplete and input modes for the keyboard)."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from legal_crm.quality.reviews.services import MAX_COMMENT

from .models import Channel, PortalAccount
from .services.activity import MAX_COMPLAINT

NEWS_ADDRESS_MAX = PortalAccount._meta.get_field("news_address").max_length


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("Номер телефона"), max_length=32, widget=forms.TextInput(attrs={
        "type": "tel", "inputmode": "tel", "autocomplete": "tel", "placeholder": "+7 916 123-45-67"}))


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Код из SMS"), max_length=6, widget=forms.TextInput(attrs={
        "inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}))
    remember = forms.BooleanField(label=_("Запомнить меня на этом устройстве"), required=False)


class PasswordSignInForm(PhoneForm):
    password = forms.CharField(label=_("Пароль"), widget=forms.PasswordInput(attrs={
        "autocomplete": "current-password"}))
    remember = forms.BooleanField(label=_("Запомнить меня на этом устройстве"), required=False)


class UploadForm(forms.Form):
    document_type = forms.TypedChoiceField(label=_("Какой это документ"), coerce=int, required=False, empty_value=None)
    file = forms.FileField(label=_("Файл (PDF, JPG, PNG, Word)"))

    def __init__(self, *args, needed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].choices = [("", _("Другой документ"))] + [(t.pk, t.name) for t in needed]


class SubmitOnceForm(forms.Form):
    """A form sent once: it is rendered with a fresh one-time key (a hidden field) that the service files by
    (services.activity.submit_once), so a double click or a resent POST files nothing twice. A form shown again
    after a refusal keeps the key it was sent with."""

    STALE = _("Форма устарела: откройте страницу заново и отправьте её ещё раз.")
    once = forms.UUIDField(widget=forms.HiddenInput, error_messages={"required": STALE, "invalid": STALE})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("once", uuid.uuid4())
        # two such forms on one page: ids of their own
        self.fields["once"].widget.attrs["id"] = f"id_once_{type(self).__name__.lower()}"


class RatingForm(SubmitOnceForm):
    score = forms.TypedChoiceField(label=_("Насколько вероятно, что вы порекомендуете нас? 0 — точно нет, 10 — "
                                           "обязательно"), coerce=int, widget=forms.RadioSelect,
                                   choices=[(n, str(n)) for n in range(10, -1, -1)])
    text = forms.CharField(label=_("Отзыв (необязательно)"), required=False, max_length=MAX_COMMENT,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ComplaintForm(SubmitOnceForm):
    text = forms.CharField(label=_("Что случилось"), max_length=MAX_COMPLAINT, widget=forms.Textarea(attrs={"rows": 4}))


class PreferencesForm(forms.Form):
    channel = forms.ChoiceField(label=_("Куда присылать новости по делу"), choices=Channel.choices,
                                widget=forms.RadioSelect)
    address = forms.CharField(label=_("Адрес для выбранного канала: мобильный телефон для SMS и WhatsApp (пусто — "
                                      "телефон для входа), e-mail или номер чата Telegram"), required=False,
                              max_length=NEWS_ADDRESS_MAX)


class PasswordSetForm(forms.Form):
    """The new password and the proof that the client sets it: the current password, or a code from SMS when there
    is none yet (signin.password_set)."""

    current_password = forms.CharField(label=_("Текущий пароль"), widget=forms.PasswordInput(attrs={
        "autocomplete": "current-password"}), error_messages={"required": _("Введите текущий пароль.")})
    code = forms.CharField(label=_("Код из SMS"), max_length=6, widget=forms.TextInput(attrs={
        "inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}), error_messages={
        "required": _("Введите код из SMS: нажмите «Прислать код», он придёт на ваш номер.")})
    password = forms.CharField(label=_("Новый пароль (не короче 8 символов)"), widget=forms.PasswordInput(attrs={
        "autocomplete": "new-password"}))

    def __init__(self, *args, has_password: bool, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["code" if has_password else "current_password"]
