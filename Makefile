# The README's two commands are `make run` and `make test`; scripts/ does the work.
.PHONY: help run test venv lint typecheck bench

help:
	@echo "make run        set up .venv, migrate, import demo/, serve on http://127.0.0.1:8000/"
	@echo "make test       the whole suite on SQLite and on a throwaway PostgreSQL 15"
	@echo "make lint       ruff check + ruff format --check (requirements-dev.txt)"
	@echo "make typecheck  mypy on articles/ (requirements-dev.txt)"

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

venv:
	bash scripts/venv.sh

lint:
	bash scripts/lint.sh

typecheck:
	bash scripts/typecheck.sh

# A separate database and index under var/bench, so the benchmark never touches the demo site.
bench:
	bash scripts/venv.sh
	VAR_DIR=var/bench DATABASE_URL= .venv/bin/python manage.py migrate -v 0
	VAR_DIR=var/bench DATABASE_URL= .venv/bin/python manage.py bench_search $(BENCH_ARGS)
