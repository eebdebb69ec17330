"""Stories: grouping and copy rules (pure), filing and curators' edits (store), pages' read side."""

from articles.stories import copies, grouping
from articles.stories.features import FilingText, filing_text
from articles.stories.pages import (
    ArticlePage,
    Coverage,
    StoryProfile,
    article_page,
    listing,
    opening,
    profile,
    related,
    story_articles,
    timeline,
)
from articles.stories.store import file_article, merge, move, refresh, regroup

__all__ = [
    "ArticlePage",
    "Coverage",
    "FilingText",
    "StoryProfile",
    "article_page",
    "copies",
    "file_article",
    "filing_text",
    "grouping",
    "listing",
    "merge",
    "move",
    "opening",
    "profile",
    "refresh",
    "regroup",
    "related",
    "story_articles",
    "timeline",
]
