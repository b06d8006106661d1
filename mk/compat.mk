# Supported ansible-core versions (noxfile.py): units and integration on every ansible-core line
# that meta/runtime.yml admits and that installs on Python 3.11.
#
#   make compat   the lines other than the one in .venv (today 2.18), each in a venv of its own
#                 under .nox/ that is reused while its pins stay the same (part of make test)
#   nox           (from .venv) every line, the .venv line (2.19) included
#
# The .venv line is left out here because the units and integration stages of `make test` run it
# already, on the same pins; running it twice would only add minutes.

.PHONY: compat

EXTRA_TEST_STAGES += compat

# The stage prerequisite copies the tree once; ALICLOUD_ECS_STAGED tells noxfile.py not to copy it
# again. nox's venvs need the package index, so the proxies stay; the sessions unset them
# for the test runs themselves.
compat: venv stage
	@$(begin)
	cd "$(ROOT)"
	ALICLOUD_ECS_STAGED="$(STAGE)" nox --no-color --tags other-lines
	$(end)
