"""newsarchive's one Django app. Its folders follow an article from a raw page to a hit:

text/        pure text primitives: NFC and cleaning, decoding, HTML to text, language, dates
ingest/      inputs (files, feeds) → extraction → outlets → store (the only article writer)
topics/      the taxonomy, the classifier (pure) and topic assignment (store)
entities/    the registry, linking (pure), candidate names, store
stories/     grouping (pure), filing and curators' edits (store), pages' read side
search/      query parsing, run(), facets, snippets, the haystack backend
feeds/       sources' feeds and sitemaps fetched by the worker, pages imported, source health
evaluation/  evaluations and benchmarks, run by commands, never imported by runtime code

At the root: models (the truth), search_indexes and indexing (the index derived from it),
admin, views, forms, export, urls, management/commands. Imports run down this list only
(tests/test_layout.py checks it).
"""
