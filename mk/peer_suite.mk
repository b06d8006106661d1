# alibaba.alicloud's own security group playbooks, run with this collection against the emulator: the proof of the
# migration guide's promise that they run unchanged once the module names are replaced
# (docs/docsite/rst/migrating_from_ali_security_group.rst, "Running alibaba.alicloud's own test playbooks").
#
#   make peer-suite PEER_CHECKOUT=<dir>
#                        hack/peer_suite.py on a checkout of https://github.com/alibaba/alibaba.alicloud: copies its
#                        tests/ali_security_group{,_info}_test.yml and security_group roles into a temporary
#                        directory, prints every change it makes (module names, the VPC tasks, variables), runs
#                        them against a fresh emulator and prints each task's expected and actual result, then
#                        `N passed, M failed` (not part of make test: it needs the peer's checkout)

PEER_SUITE := $(ROOT)/hack/peer_suite.py

.PHONY: peer-suite

# Only ansible-core, PyYAML and the SDK are needed: the demo's few packages. The emulator is on loopback, so no
# proxy variables (the script drops them from the playbooks' environment too). A relative PEER_CHECKOUT is taken
# from where make was started.
peer-suite: demo-venv
	@$(begin)
	if [ -z "$(PEER_CHECKOUT)" ]; then
	  echo "ERROR: [$@] give PEER_CHECKOUT=<dir>, a checkout of https://github.com/alibaba/alibaba.alicloud" >&2
	  echo "       (git clone https://github.com/alibaba/alibaba.alicloud <dir>)" >&2
	  exit 2
	fi
	$(NOPROXY) "$(PY)" "$(PEER_SUITE)" "$(PEER_CHECKOUT)"
	$(end)
