"""URLs of the corrections page and its feed: /corrections/ and /corrections/feed/."""

from django.urls import path

from dateline.corrections import views

app_name = "corrections"

urlpatterns = [
    path("", views.corrections_page, name="list"),
    path("feed/", views.CorrectionsFeed(), name="feed"),
]
