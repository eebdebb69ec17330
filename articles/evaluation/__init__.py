"""Evaluations and benchmarks: run by management commands, never imported by runtime code.

Import the modules (`from articles.evaluation import stories`); this package re-exports nothing,
so importing one evaluation does not load the others' dependencies.
"""
