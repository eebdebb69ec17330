"""The analyst's workspace: complete downloads, accounts, saved searches with feeds and
digests, comparisons over time and top terms. Pages are in views.py; what they compute is in
the other modules, which take SearchParams and go through articles.search.
"""
