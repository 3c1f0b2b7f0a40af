# Two commands on a fresh machine with Python 3.11 and make:
#   make run   – virtual environment, pinned install, demo data on first start (store/dashboard.duckdb), dashboard on localhost
#   make test  – the same plus test packages, Debian's chromium, poppler-utils (pdftotext) and postgresql,
#                the test identity provider (npm ci in tests/idp), then the whole suite
#   make org   – one DuckLake store on a local PostgreSQL (store/org/), the demo, two replicas (README "Deployment")
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
DEMO   ?= yes
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test chromium poppler idp postgresql org benchmark real-data screenshots translations check-translations clean

$(VENV)/.runtime: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.test: requirements-test.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $@

# DEMO=no starts on an empty store (the Import page takes your own files)
run: $(VENV)/.runtime
	@if [ "$(DEMO)" != no ]; then $(PY) -m analytics demo --if-empty; fi
	$(PY) -m streamlit run dashboard.py --server.address localhost --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# pdftotext and pdfinfo, with which the report tests read the PDFs they make
poppler:
	@command -v pdftotext >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; }

# the OpenID provider the sign-in tests start (oidc-provider, pinned in tests/idp/package-lock.json; node 20+)
idp:
	@test -d tests/idp/node_modules || (cd tests/idp && npm ci --no-audit --no-fund)

# Debian's PostgreSQL server binaries (the DuckLake store's catalog in the tests and in `make org`);
# its system service is not used: the tests and `make org` run their own cluster from a folder
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

test: $(VENV)/.test chromium poppler idp postgresql
	$(PY) -m pytest -q -n auto

# PostgreSQL in store/org/ with the DuckLake catalog, the demo loaded once, two replicas on
# ORG_PORTS; Ctrl-C stops everything it started
ORG_PORTS ?= 8501,8502
org: $(VENV)/.runtime postgresql
	$(PY) scripts/org.py --ports $(ORG_PORTS)

# Real sprint figures of five public Jira ecosystems, when ../shared/data/real is present.
real-data: $(VENV)/.runtime
	$(PY) scripts/real_data_check.py

# Screenshots of every page on the demo data, for the README (headless Debian chromium).
screenshots: $(VENV)/.test chromium
	$(PY) scripts/screenshots.py docs/screenshots

# Import, pages and the browser against baselines measured in the same run (docs/benchmark.md);
# ARGS passes options, e.g. make benchmark ARGS="--quick" or ARGS="--only import --runs 3";
# the 1 M-item size is not a default: ARGS="--only sizes --sizes XL --runs 1 --out FILE".
benchmark: $(VENV)/.test chromium
	$(PY) scripts/benchmark.py $(ARGS)

# the catalogs after an English change: the template, every language merged (new texts empty, changed fuzzy)
translations: $(VENV)/.runtime
	$(PY) scripts/translations.py update

# fails on a text without translation, a stale (fuzzy) one or one with other placeholders
check-translations: $(VENV)/.runtime
	$(PY) scripts/translations.py check

# keeps store/: the database is the user's data, not a build product
clean:
	rm -rf $(VENV) .pytest_cache
