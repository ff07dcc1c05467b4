.PHONY: setup test unit lint demo kafka-start kafka-stop

setup:
	scripts/setup

test:
	scripts/test

unit: setup
	.venv/bin/python -m pytest tests/unit

lint: setup
	.venv/bin/ruff check . && .venv/bin/mypy && .venv/bin/lint-imports

demo:
	scripts/demo

kafka-start: setup
	.venv/bin/ctax kafka start

kafka-stop:
	.venv/bin/ctax kafka stop
