from django.urls import path

from . import unsubscribe

urlpatterns = [
    path("<str:token>/", unsubscribe.unsubscribe, name="campaigns-unsubscribe"),
]
