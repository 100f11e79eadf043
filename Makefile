# qsnap — build, test, demo and bench. `make demo` and `make test` run `setup` themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := build

VENV        := .venv
PY          := $(CURDIR)/$(VENV)/bin/python
APT_PKGS    := libcurl4-openssl-dev libarchive-dev libssl-dev libdeflate-dev libzstd-dev pkg-config zstd faketime
SWIFT       ?= swift
BIN_DIR      = $(shell $(SWIFT) build --show-bin-path 2>/dev/null)
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: setup build release test unit integration demo bench clean fuzz install lint sanitize

## setup: install the -dev packages (apt-get) and the pinned Python tools into .venv; idempotent
setup: $(VENV)/.installed
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "setup: installing$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(VENV)/.installed: requirements.txt
	@test -x $(VENV)/bin/python || python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements.txt
	@touch $@

# Refuse an import of a package target that the importing target does not depend on (one-way layers).
IMPORT_CHECK := --explicit-target-dependency-import-check error

## build: debug build of the qsnap binary
build: setup
	$(SWIFT) build $(IMPORT_CHECK)

# The Swift runtime linked statically: ~6 MiB less resident memory and no dynamic symbol binding at start-up.
RELEASE_FLAGS := -c release --static-swift-stdlib

## release: optimised build (what `make bench` measures)
release: setup
	$(SWIFT) build $(RELEASE_FLAGS)

## install: the release binary with its resource bundles (qsnap_*.resources: the default advice rules; Foundation's
## Bundle.module looks for them beside the executable), bash/zsh/fish completions and the man page (both generated
## from the command definitions by swift-argument-parser) under $(DESTDIR)$(PREFIX) (default /usr/local)
PREFIX ?= /usr/local
install: release
	@bin="$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/qsnap"; \
	set -e; \
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/man/man1" \
	  "$(DESTDIR)$(PREFIX)/share/bash-completion/completions" "$(DESTDIR)$(PREFIX)/share/zsh/site-functions" \
	  "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d"; \
	install -m 0755 "$$bin" "$(DESTDIR)$(PREFIX)/bin/qsnap"; \
	for res in "$$(dirname "$$bin")"/qsnap_*.resources; do \
	  rm -rf "$(DESTDIR)$(PREFIX)/bin/$$(basename "$$res")"; \
	  cp -R "$$res" "$(DESTDIR)$(PREFIX)/bin/"; \
	  chmod -R u=rwX,go=rX "$(DESTDIR)$(PREFIX)/bin/$$(basename "$$res")"; \
	done; \
	"$$bin" --generate-completion-script bash > "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/qsnap"; \
	"$$bin" --generate-completion-script zsh > "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_qsnap"; \
	"$$bin" --generate-completion-script fish > "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/qsnap.fish"; \
	$(SWIFT) package generate-manual > /dev/null; \
	install -m 0644 .build/plugins/GenerateManual/outputs/qsnap/qsnap.1 "$(DESTDIR)$(PREFIX)/share/man/man1/qsnap.1"; \
	echo "installed qsnap, its resources, completions and man page under $(DESTDIR)$(PREFIX)"

## lint: swift-format (the toolchain's `swift format`) checks Sources, Tests and Fuzz against .swift-format;
## `swift format format -i -r Sources Tests Fuzz Package.swift` fixes what it reports
lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Fuzz Package.swift

## sanitize: the Swift suites under ThreadSanitizer, then AddressSanitizer with leak detection (separate scratch
## paths; not part of `make test`: each sanitizer build takes minutes). Fails on any report. Tests/lsan.supp lists
## the LeakSanitizer false positives (memory still reachable through pointers it cannot read: Swift's tagged enum
## boxes in a static, weak-reference side tables, XCTest's runner at exit), each with why; the deeper allocation
## stacks let its entries match the frame they name.
sanitize: setup
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	$(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	ASAN_OPTIONS=malloc_context_size=64 LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/lsan.supp \
	  $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan

## test: lint, unit tests (swift test) then integration tests (pytest: the test doubles, S3 servers, the qsnap binary)
test: setup lint
	$(SWIFT) build --build-tests $(IMPORT_CHECK)
	$(MAKE) --no-print-directory unit integration

unit:
	$(SWIFT) test --skip-build

# Three pytest runs: each suite has its own conftest.py (or none), imported by module name.
integration:
	SHARED_DIR="$(abspath ../shared)" $(PY) -m pytest -q -p no:cacheprovider Tests/Testbed
	$(PY) -m pytest -q -p no:cacheprovider Tests/CloudAPI
	QSNAP_BIN="$(BIN_DIR)/qsnap" SHARED_DIR="$(abspath ../shared)" $(PY) -m pytest -q -p no:cacheprovider Tests/Integration

## demo: the main job on the embedded default (a local directory repository)
demo: build
	@bash scripts/demo.sh "$(BIN_DIR)/qsnap"

## fuzz: libFuzzer on the archive inspector, 1M executions (FUZZ_RUNS=N to change); not part of `make test`
fuzz: setup
	SHARED_DIR="$(abspath ../shared)" bash scripts/fuzz.sh

## bench: speed and memory figures side by side with peer tools
bench: release
	@for b in bench/*.sh; do echo "== $$b"; QSNAP_BIN="$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/qsnap" bash $$b || exit 1; done

clean:
	rm -rf .build .demo .bench
