# Supported versions (noxfile.py): units and integration on every ansible-core line that
# meta/runtime.yml admits and that installs on Python 3.11, and on both ends of the SDK ranges of
# requirements.txt, with the SDK's deferred imports on and off.
#
#   make compat   the nox session `compat`: the ansible-core line other than the one in .venv (today
#                 2.18) with the lowest SDK releases and eager imports, in a venv of its own under .nox/
#                 that is reused while its pins stay the same (part of make test)
#   nox           (from .venv) every combination
#
# What .venv runs (ansible-core 2.19, the SDK pins of requirements-dev.txt, deferred imports) is left
# out here because the units and integration stages of `make test` run it already.

.PHONY: compat

EXTRA_TEST_STAGES += compat

# The stage prerequisite copies the tree once; ALICLOUD_ECS_STAGED tells noxfile.py not to copy it
# again. nox's venvs need the package index, so the proxies stay; the sessions unset them
# for the test runs themselves.
compat: venv stage
	@$(begin)
	cd "$(ROOT)"
	ALICLOUD_ECS_STAGED="$(STAGE)" nox --no-color --sessions compat
	$(end)
