# Two commands for a newcomer:  make run  (set up, index the corpus, open the studio)
#                               make test (set up, run every test)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: install run test test-fast bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-llm.txt scripts/setup.sh
	PYTHON=$(PYTHON) bash scripts/setup.sh
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) -m pipeline ingest
	$(PY) -m pipeline users ensure-admin
	$(PY) -m pipeline starter
	$(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT) \
	    --server.headless true --browser.gatherUsageStats false

test: install
	bash scripts/setup-test-system.sh
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not integration"

bench: install
	$(PY) bench/bench_ingest.py

clean:
	rm -rf $(VENV) data
