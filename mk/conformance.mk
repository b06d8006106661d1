# Emulator-vs-cloud conformance (issue 12): an SDK-driven probe sends the requests the modules send, and
# the error cases of the AuthorizeSecurityGroupEgress document, and writes the shape of every answer to a
# sanitised JSON report (docs/maintainers/real-account.md).
#
#   make conformance ENDPOINT=<host[:port], URL or emulator> [REPORT=<file>]
#                        the probe against ENDPOINT (a network host only with ALICLOUD_ECS_TEST_CLOUD=yes in
#                        the environment), then against a fresh emulator: prints cases, differences, seconds.
#                        Report: REPORT, else build/conformance/cloud-<region>-<date>.json (or loopback.json,
#                        emulator.json); the emulator's beside it as <name>.emulator-baseline.json
#   make conformance-cleanup ENDPOINT=...
#                        delete the groups an interrupted run left (tag alicloud-ecs-test=conformance and a
#                        name with alicloud-ecs-conformance-; nothing else)
#   make conformance-diff A=<report> B=<report>
#                        the cases where two reports differ, field by field; exits 1 when there are any
#   make conformance-tests
#                        the probe against the emulator (twice: the same bytes, no secret, nothing left
#                        behind) and against every cloud report committed under tests/emulator/conformance/
#                        (part of make test)

CONFORMANCE_PROBE := $(ROOT)/tests/conformance/conformance_probe.py

.PHONY: conformance conformance-cleanup conformance-diff conformance-tests

EXTRA_TEST_STAGES += conformance-tests

# The manual targets need only the SDK and PyYAML (for the emulator's fixture): the demo's few packages.
# Proxies stay: a run against a real account may need one; the probe drops them itself for loopback.
# Relative REPORT, A and B paths are taken from where make was started.
conformance: demo-venv
	@$(begin)
	if [ -z "$(ENDPOINT)" ]; then echo "ERROR: [$@] give ENDPOINT=<host[:port], http(s) URL or emulator>" >&2; exit 2; fi
	"$(PY)" "$(CONFORMANCE_PROBE)" run --endpoint "$(ENDPOINT)" $(if $(REPORT),--output "$(REPORT)") --baseline emulator
	$(end)

conformance-cleanup: demo-venv
	@$(begin)
	if [ -z "$(ENDPOINT)" ]; then echo "ERROR: [$@] give ENDPOINT=<host[:port] or http(s) URL> of the interrupted run" >&2; exit 2; fi
	"$(PY)" "$(CONFORMANCE_PROBE)" cleanup --endpoint "$(ENDPOINT)"
	$(end)

conformance-diff: demo-venv
	@if [ -z "$(A)" ] || [ -z "$(B)" ]; then echo "ERROR: [$@] give A=<report.json> B=<report.json>" >&2; exit 2; fi
	"$(PY)" "$(CONFORMANCE_PROBE)" diff "$(A)" "$(B)"

# -rs prints why a test was skipped: with no committed cloud report, the comparison says so.
conformance-tests: venv
	@$(begin)
	cd "$(ROOT)"
	export PYTHONPATH="$(ROOT)/tests/emulator$${PYTHONPATH:+:$$PYTHONPATH}"
	$(call run_pytest,tests/conformance,-rs)
	$(end)
