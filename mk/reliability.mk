# Reliability suite and performance benchmark (issue: proof under load, faults and bad input).
#
#   make reliability   faults, concurrency, bad input, secrets, emulator robustness and the demo (part of make test)
#   make bench         the performance benchmark of both rule modules; prints tables (not part of make test)

.PHONY: reliability bench

EXTRA_TEST_STAGES += reliability

# Real ansible-playbook runs against an emulator that each test starts on its own fixture; the
# seeds are fixed, so a failure reproduces with the same command. The fault, fork, bad-input and
# secrets tests run once per direction (test ids [egress] and [ingress]).
reliability: venv stage
	@$(begin)
	cd "$(ROOT)"
	# build/ on the path: the bad-input test runs the staged modules in-process.
	export PYTHONPATH="$(BUILD):$(ROOT)/tests/emulator$${PYTHONPATH:+:$$PYTHONPATH}"
	$(call run_pytest,tests/reliability,-rA)
	$(end)

bench: venv stage
	@$(begin)
	cd "$(ROOT)"
	$(NOPROXY) PYTHONPATH="$(ROOT)/tests/emulator" "$(PY)" tests/benchmark/bench.py $(BENCH_ARGS)
	$(end)
