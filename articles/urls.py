"""URLs of the pages, the entity and story pages and the JSON export."""

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
    path("stories/", views.story_list, name="stories"),
    path("stories/<int:pk>/", views.story, name="story"),
    path("api/articles/", views.export_articles, name="export"),
    path("api/stories/", views.export_stories, name="export_stories"),
    path("api/stories/<int:pk>/", views.export_story, name="export_story"),
]
