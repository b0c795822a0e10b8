from django.urls import path

from . import callbacks
from .notifications.webhook import telegram_webhook

urlpatterns = [
    path("smsru/<int:channel_id>/<str:token>/", callbacks.smsru_callback, name="messaging-smsru-callback"),
    path("telegram/<int:channel_id>/", telegram_webhook, name="messaging-telegram-webhook"),
]
