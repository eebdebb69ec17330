from __future__ import annotations

from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("articles/<int:pk>/", views.detail, name="detail"),
    path("sources/<int:pk>/", views.source, name="source"),
    path("entities/<int:pk>/", views.entity, name="entity"),
    path("api/articles/", views.export_articles, name="export"),
]
