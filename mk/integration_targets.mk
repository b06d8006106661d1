# ansible-test integration targets (tests/integration/targets), the convention of cloud collections.
#
#   make integration-targets   the targets against the ECS emulator (part of make test)
#   make test-cloud            the same targets against a real account; refuses unless ALICLOUD_ECS_TEST_CLOUD=yes,
#                              credentials, region and two VPC IDs are set (docs/maintainers/real-account.md)
#   make test-cloud-cleanup    removes the groups that interrupted cloud runs left, by their test tag only
#
# tests/integration/run_targets.py writes the connection values into the staged copy's
# tests/integration/integration_config.yml only; the repository never holds them.

.PHONY: integration-targets test-cloud test-cloud-cleanup

EXTRA_TEST_STAGES += integration-targets

integration-targets: venv stage
	@$(begin)
	cd "$(ROOT)"
	$(NOPROXY) PYTHONPATH="$(ROOT)/tests/emulator" "$(PY)" tests/integration/run_targets.py emulator "$(STAGE)"
	$(end)

test-cloud: venv stage
	@$(begin)
	cd "$(ROOT)"
	PYTHONPATH="$(ROOT)/tests/emulator" "$(PY)" tests/integration/run_targets.py cloud "$(STAGE)"
	$(end)

test-cloud-cleanup: venv stage
	@$(begin)
	cd "$(ROOT)"
	PYTHONPATH="$(ROOT)/tests/emulator" "$(PY)" tests/integration/run_targets.py cleanup "$(STAGE)"
	$(end)
