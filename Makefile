# zonewarden.firewall: the two commands of README.md and their helpers.
# Everything is installed from the project's own files into .venv.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
COLLECTION_LINK := .build/collections/ansible_collections/zonewarden/firewall
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.build/collections
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: demo test venv collection lab-start lab-stop lab-reset sanity units clean bench

demo: venv collection ## Run the main job against the embedded lab (emulators on loopback)
	$(BIN)/python tests/lab/labctl.py run --dir .lab --fresh -- $(BIN)/python tests/lab/demo.py

test: venv collection ## Run the whole test suite (sanity, units, lab, molecule, lint)
	$(BIN)/python tests/run_suite.py

venv: $(STAMP)

$(STAMP): requirements.txt tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r tests/requirements.txt
	touch $(STAMP)

collection: $(COLLECTION_LINK)

$(COLLECTION_LINK):
	mkdir -p $(dir $(COLLECTION_LINK))
	ln -sfn ../../../.. $(COLLECTION_LINK)

lab-start: venv ## Start the emulators in the background (state kept in .lab/)
	$(BIN)/python tests/lab/labctl.py start --dir .lab

lab-stop: ## Stop the emulators
	$(BIN)/python tests/lab/labctl.py stop --dir .lab

lab-reset: lab-stop ## Forget the lab's saved state
	rm -f .lab/*-state.json

sanity units: venv collection
	$(BIN)/python tests/run_suite.py --only $(subst units,units lab,$@)

BENCH_BASELINE := .build/bench-baseline-venv
BENCH_ARGS ?=

bench: venv collection $(BENCH_BASELINE)/.installed ## Benchmarks against the emulators, with the community.proxmox baseline
	$(BIN)/python -m pip install --quiet -r tests/perf/requirements.txt
	$(BIN)/python tests/perf/bench.py --docs $(BENCH_ARGS)

# The baseline's community `ansible` package (it bundles community.proxmox) lives in its own venv; nothing of it is committed.
$(BENCH_BASELINE)/.installed:
	$(PYTHON) -m venv $(BENCH_BASELINE)
	$(BENCH_BASELINE)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_BASELINE)/bin/python -m pip install --quiet 'ansible>=12,<13' 'proxmoxer>=2.3' requests
	touch $@

clean:
	rm -rf .build .lab tests/output
