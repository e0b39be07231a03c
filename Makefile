# Two entry points, each doing its own set-up: `make run` and `make test`.
# The virtual environment is rebuilt whenever pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORES ?= all

.PHONY: run report test test-fast lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/snakemake --cores $(CORES)
	$(BIN)/snakemake --cores 1 --report results/report.html

# pytest-xdist workers; tests that share a module fixture are one xdist_group, and the order
# is the suite's (tests/conftest.py: the SLURM test first, then the workflow runs, the unit
# tier last), not reordered by group size.
WORKERS ?= 2

test: $(STAMP)
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup --no-loadscope-reorder

# The unit tier, for the edit loop: everything but the workflow runs (tests/workflow/).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n $(WORKERS) --dist loadgroup -m "not slow and not slurm" --ignore=tests/workflow

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check workflow/Snakefile workflow/rules
	# snakemake --lint, every rule's lint but "no conda or container" refused (docs/deploy.md)
	$(BIN)/python -m pytest -q tests/workflow/test_deploy.py::test_snakemake_lint_finds_nothing_but_the_software_stack

bench: $(STAMP)
	$(BIN)/python bench/machine.py
	$(BIN)/python bench/kernel.py
	$(BIN)/python bench/kernel.py --width 32
	$(BIN)/python bench/kernel.py --width 64
	$(BIN)/python bench/grid.py
	$(BIN)/python bench/scaling.py
	$(BIN)/python bench/compile.py

clean:
	rm -rf results .snakemake
