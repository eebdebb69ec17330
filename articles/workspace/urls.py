"""URLs of the analyst's workspace: downloads, accounts, saved searches, comparisons."""

from __future__ import annotations

from django.urls import path

from articles.workspace import views

app_name = "workspace"

urlpatterns = [
    path("search/download/", views.download, name="download"),
]
