# Tocsin: `make run` starts a broker on http://127.0.0.1:8080 with a SQLite database in ./var;
# `make test` runs the whole suite. Both install the Debian packages they need when missing.

SWIFT ?= swift
DATA_DIR ?= ./var
HOST ?= 127.0.0.1
PORT ?= 8080
APT_PACKAGES := libsqlite3-dev libcurl4-openssl-dev pkg-config publicsuffix

.PHONY: run test deps test-deps warninglists build release bench bench-deps clean fuzz fuzz-deps fuzz-build

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO=sudo; \
		else echo "Missing Debian packages:$$missing (run as root or install them)"; exit 1; fi; \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@command -v $(SWIFT) >/dev/null || { echo "Swift 6.2 or later is required: https://www.swift.org/install/"; exit 1; }

build: deps
	$(SWIFT) build --product tocsin

# MISP warninglists (docs/enrichment.md): the broker loads a default selection from the PyPI package
# pymispwarninglists when it is installed, and starts without them (saying so in its log) when it is not.
warninglists:
	@python3 -c "import pymispwarninglists" 2>/dev/null || python3 -m pip install --quiet pymispwarninglists 2>/dev/null \
		|| python3 -m pip install --quiet --user pymispwarninglists 2>/dev/null \
		|| python3 -m pip install --quiet --break-system-packages pymispwarninglists 2>/dev/null \
		|| echo "could not install pymispwarninglists: the broker runs without MISP warninglists"

run: build warninglists
	.build/debug/tocsin migrate --data-dir $(DATA_DIR)
	.build/debug/tocsin serve --demo --data-dir $(DATA_DIR) --host $(HOST) --port $(PORT)

# The email tests run a real SMTP server (aiosmtpd) and read mail back with Python's email package; the TLS
# tests make a throwaway certificate with openssl; SchemathesisTests runs schemathesis against a live broker;
# STIXExportTests, TAXIITests and MISPFeedTests run stix2-validator, taxii2-client and PyMISP against one;
# ConsoleBrowserTests drive the web console in headless Chromium with Selenium.
BROWSER_PACKAGES := chromium chromium-driver

test-deps: deps warninglists
	@command -v openssl >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl; \
		else echo "openssl is required for the tests"; exit 1; fi; }
	@command -v python3 >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3; \
		else echo "python3 is required for the tests"; exit 1; fi; }
	@python3 -c "import aiosmtpd" 2>/dev/null || python3 -m pip install --quiet aiosmtpd 2>/dev/null \
		|| python3 -m pip install --quiet --break-system-packages aiosmtpd 2>/dev/null \
		|| { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd; } \
		|| { echo "could not install aiosmtpd for the tests"; exit 1; }
	@command -v schemathesis >/dev/null || [ -x "$$HOME/.local/bin/schemathesis" ] \
		|| python3 -m pip install --quiet schemathesis 2>/dev/null \
		|| python3 -m pip install --quiet --break-system-packages schemathesis 2>/dev/null \
		|| { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip \
			&& python3 -m pip install --quiet --break-system-packages schemathesis; } \
		|| { echo "could not install schemathesis for the tests"; exit 1; }
	@python3 -c "import stix2validator, taxii2client, pymisp" 2>/dev/null \
		|| python3 -m pip install --quiet stix2-validator taxii2-client pymisp 2>/dev/null \
		|| python3 -m pip install --quiet --break-system-packages stix2-validator taxii2-client pymisp 2>/dev/null \
		|| { echo "could not install stix2-validator, taxii2-client and pymisp for the tests"; exit 1; }
	@missing=""; for p in $(BROWSER_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO=sudo; \
		else echo "Missing Debian packages:$$missing (run as root or install them)"; exit 1; fi; \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@python3 -c "import selenium" 2>/dev/null || python3 -m pip install --quiet selenium 2>/dev/null \
		|| python3 -m pip install --quiet --break-system-packages selenium 2>/dev/null \
		|| { echo "could not install selenium for the tests"; exit 1; }

test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-swift-testing

release: deps
	$(SWIFT) build -c release --product tocsin

# The side-by-side benchmarks drive real peers: nginx as the webhook receiver (wrk gives its limit), Prometheus
# Alertmanager as the system compared, and Postfix's smtp-sink as the mail server.
BENCH_PACKAGES := nginx-light wrk prometheus-alertmanager postfix

bench-deps:
	@missing=""; for p in $(BENCH_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO=sudo; \
		else echo "Missing Debian packages:$$missing (run as root or install them)"; exit 1; fi; \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

bench: release test-deps bench-deps
	.build/release/tocsin bench route --subscriptions 50000
	.build/release/tocsin bench fanout --subscribers 1
	.build/release/tocsin bench fanout --subscribers 1000
	.build/release/tocsin bench fanout --subscribers 10000
	.build/release/tocsin bench email --recipients 1000
	.build/release/tocsin bench email --recipients 1000 --smtp-sink --concurrency 1
	.build/release/tocsin bench email --recipients 1000 --smtp-sink --concurrency 8
	.build/release/tocsin bench compare --receivers 1000 --alerts 10
	.build/release/tocsin bench parts --deliveries 10000
	.build/release/tocsin bench parts --deliveries 10000 --history 20
	.build/release/tocsin bench memory --subscriptions 50000
	.build/release/tocsin bench ingest
	.build/release/tocsin bench enrich
	.build/release/tocsin bench drill --orgs 3000
	.build/release/tocsin bench flash --orgs 3000
	.build/release/tocsin bench relay --regions 18 --orgs 3000
	.build/release/tocsin bench taxii --objects 100000
	.build/release/tocsin bench console --orgs 3000 --alerts 10000

# libFuzzer targets for the parsers (docs/fuzzing.md): each runs FUZZ_SECONDS seconds, one after the other; the
# seeds come from ../shared/fixtures (or TOCSIN_FIXTURES) at run time. FUZZ_TARGETS=FuzzCVSS runs only one.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= FuzzXML FuzzSTIXPattern FuzzJSONAdapters FuzzIOC FuzzProducts FuzzCVSS FuzzConfig
FUZZ_BUILD := .build-fuzz
FUZZ_CORPUS := .fuzz-corpus
FUZZ_ARTIFACTS := .fuzz-artifacts

# libFuzzer and the AddressSanitizer runtime come with the Swift toolchain; the seed script needs python3.
fuzz-deps: deps
	@command -v python3 >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3; \
		elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3; \
		else echo "python3 is required to build the seed corpus"; exit 1; fi; }

fuzz-build: fuzz-deps
	cd Fuzz && $(SWIFT) build -c release --scratch-path ../$(FUZZ_BUILD) \
		-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library

fuzz: fuzz-build
	python3 Fuzz/seed-corpus.py . $(FUZZ_CORPUS)
	Fuzz/run-fuzzers.sh $(FUZZ_SECONDS) $(FUZZ_BUILD) $(FUZZ_CORPUS) $(FUZZ_ARTIFACTS) $(FUZZ_TARGETS)

clean:
	rm -rf .build
