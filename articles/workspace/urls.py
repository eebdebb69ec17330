"""URLs of the analyst's workspace: downloads, accounts, saved searches and their feeds."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from articles.workspace import views

app_name = "workspace"

urlpatterns = [
    path("search/download/", views.download, name="download"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("saved/", views.saved_list, name="saved_list"),
    path("saved/new/", views.save_search, name="save"),
    path("saved/<int:pk>/", views.saved_page, name="saved"),
    path("saved/<int:pk>/settings/", views.saved_settings, name="saved_settings"),
    path("feeds/<str:token>.atom", views.feed, name="feed"),
    path("compare/", views.compare_page, name="compare"),
    path("search/terms/", views.top_terms_page, name="terms"),
]
