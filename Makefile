# The README's two commands are `make run` and `make test`; scripts/ does the work.
.PHONY: help run test test-fast venv lint typecheck bench evaluate-stories evaluate-names evaluate-ranking evaluate-dates evaluate-concepts bench-stories


help:
	@echo "make run        set up .venv, migrate, import demo/, serve on http://127.0.0.1:8000/"
	@echo "make test       the whole suite on SQLite and on a throwaway PostgreSQL 15"
	@echo "make test-fast  SQLite only, no browser tests, no lint (PYTEST_ARGS=... to pick)"
	@echo "make lint       ruff check + ruff format --check (requirements-dev.txt)"
	@echo "make typecheck  mypy on articles/ (requirements-dev.txt)"
	@echo "make bench      index 100,000 corpus articles per engine; build time, search p50/p95"
	@echo "make bench-download    a complete download: time, server peak memory"
	@echo "make bench-ingest      import throughput vs a raw Whoosh writer, seconds per stage"
	@echo "make load-test         admin save p95 during an import and a search load"
	@echo "make evaluate-stories  pairwise precision/recall of story grouping on real data"
	@echo "make bench-stories     CPU cost of filing an article at 1,000 and at 20,000 articles"
	@echo "make evaluate-names    P@10 and recall of multi-syllable names (Vietnamese word units)"
	@echo "make evaluate-ranking  success@1/@10 and MRR of queries made from real articles"
	@echo "make evaluate-dates    dates found in text: share dated, share correct (no database)"
	@echo "make evaluate-concepts share of the other language's articles a glossary concept finds"

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

# The edit-test loop: SQLite only, no browser, no lint; `make test` stays the full suite.
test-fast:
	bash scripts/venv.sh -r requirements-dev.txt
	VAR_DIR=var/test-fast .venv/bin/python -m pytest -q -m "not browser" $(PYTEST_ARGS)

venv:
	bash scripts/venv.sh

lint:
	bash scripts/lint.sh

typecheck:
	bash scripts/typecheck.sh

# A separate database and index under var/bench, so the benchmark never touches the demo site.
# SQLite times Whoosh only; BENCH_DATABASE_URL=postgres://... (a database of its own) times
# both engines on the same articles. BENCH_ARGS=--reuse times the view again on the indexes an
# earlier run built (BENCH_VAR_DIR=... keeps a run's Whoosh index apart from another's).
BENCH_VAR_DIR ?= var/bench
bench:
	bash scripts/venv.sh
	VAR_DIR=$(BENCH_VAR_DIR) DATABASE_URL=$(BENCH_DATABASE_URL) .venv/bin/python manage.py migrate -v 0
	VAR_DIR=$(BENCH_VAR_DIR) DATABASE_URL=$(BENCH_DATABASE_URL) .venv/bin/python manage.py createcachetable
	VAR_DIR=$(BENCH_VAR_DIR) DATABASE_URL=$(BENCH_DATABASE_URL) .venv/bin/python manage.py load_concepts
	VAR_DIR=$(BENCH_VAR_DIR) DATABASE_URL=$(BENCH_DATABASE_URL) .venv/bin/python manage.py bench_search $(BENCH_ARGS)

# A complete download from a gunicorn worker: time and peak memory (same database as bench).
.PHONY: bench-download
bench-download:
	VAR_DIR=$(BENCH_VAR_DIR) DATABASE_URL= .venv/bin/python manage.py migrate -v 0
	VAR_DIR=$(BENCH_VAR_DIR) DATABASE_URL= .venv/bin/python manage.py createcachetable
	VAR_DIR=$(BENCH_VAR_DIR) DATABASE_URL= .venv/bin/python manage.py bench_download $(BENCH_ARGS)

# Import throughput against a raw Whoosh writer, per stage, in a database of its own (rebuilt
# each run). DEBUG off, as in production: DEBUG keeps a log of every query.
.PHONY: bench-ingest
bench-ingest:
	bash scripts/venv.sh
	rm -rf var/bench-ingest
	VAR_DIR=var/bench-ingest DATABASE_URL= .venv/bin/python manage.py migrate -v 0
	VAR_DIR=var/bench-ingest DATABASE_URL= .venv/bin/python manage.py load_entities
	VAR_DIR=var/bench-ingest DATABASE_URL= DEBUG=0 SECRET_KEY=bench-ingest-local-only \
		.venv/bin/python manage.py bench_ingest $(BENCH_ARGS)

# Admin save times while an import of 2,000 corpus articles and a search load run, served as
# make run serves (gunicorn and the index worker), on a database of its own (rebuilt each run).
.PHONY: load-test
load-test:
	bash scripts/venv.sh
	rm -rf var/load-test
	VAR_DIR=var/load-test DATABASE_URL= .venv/bin/python manage.py migrate -v 0
	VAR_DIR=var/load-test DATABASE_URL= .venv/bin/python manage.py createcachetable
	VAR_DIR=var/load-test DATABASE_URL= .venv/bin/python manage.py load_entities
	VAR_DIR=var/load-test DATABASE_URL= .venv/bin/python manage.py load_test $(LOAD_ARGS)

# Story grouping measured on real labelled articles, in a database of its own (rebuilt each run).
evaluate-stories:
	bash scripts/venv.sh
	rm -rf var/eval
	VAR_DIR=var/eval DATABASE_URL= .venv/bin/python manage.py migrate -v 0
	VAR_DIR=var/eval DATABASE_URL= .venv/bin/python manage.py load_entities
	VAR_DIR=var/eval DATABASE_URL= .venv/bin/python manage.py evaluate_stories $(EVAL_ARGS)

# Multi-syllable names in search, on VNTC in a database and index of its own (rebuilt each run).
evaluate-names:
	bash scripts/venv.sh
	rm -rf var/eval-names
	VAR_DIR=var/eval-names DATABASE_URL= .venv/bin/python manage.py migrate -v 0
	VAR_DIR=var/eval-names DATABASE_URL= .venv/bin/python manage.py evaluate_names $(EVAL_ARGS)

# Ranking on VNTC + BBC in a database and index of their own (rebuilt each run).
evaluate-ranking:
	bash scripts/venv.sh
	rm -rf var/eval-ranking
	VAR_DIR=var/eval-ranking DATABASE_URL= .venv/bin/python manage.py migrate -v 0
	VAR_DIR=var/eval-ranking DATABASE_URL= .venv/bin/python manage.py evaluate_ranking $(EVAL_ARGS)

# Publication dates found in text, on Reuters, VNTC and the demo seeds (pure: no database).
evaluate-dates:
	bash scripts/venv.sh
	.venv/bin/python manage.py evaluate_dates $(EVAL_ARGS)

# Concepts across languages on VNTC + BBC in a database and index of their own (rebuilt each run).
evaluate-concepts:
	bash scripts/venv.sh
	rm -rf var/eval-concepts
	VAR_DIR=var/eval-concepts DATABASE_URL= .venv/bin/python manage.py migrate -v 0
	VAR_DIR=var/eval-concepts DATABASE_URL= .venv/bin/python manage.py evaluate_concepts $(EVAL_ARGS)

# The cost of filing an article into a story as an archive grows, in a database of its own
# (rebuilt each run; what filing cannot reach is built in bulk: see story_benchmark.py).
bench-stories:
	bash scripts/venv.sh
	rm -rf var/bench-stories
	VAR_DIR=var/bench-stories DATABASE_URL= .venv/bin/python manage.py migrate -v 0
	VAR_DIR=var/bench-stories DATABASE_URL= .venv/bin/python manage.py load_entities
	VAR_DIR=var/bench-stories DATABASE_URL= .venv/bin/python manage.py bench_stories $(BENCH_ARGS)
