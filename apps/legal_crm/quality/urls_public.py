from django.urls import path

from .reviews import public

urlpatterns = [
    path("<str:token>/", public.review_page, name="quality-review-link"),
]
