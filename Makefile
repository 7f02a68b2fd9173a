# The two commands of the README: `make demo` and `make test`.
.PHONY: demo test lint format install

install:
	./scripts/bootstrap.sh

demo:
	./scripts/demo.sh

test:
	./scripts/test.sh

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: install
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .
