# Collection documentation: the HTML docsite and the docs linter (docs/README.md).
#
#   make docs        HTML docsite of the staged collection (module pages and the user guide in
#                    docs/docsite), built offline with antsibull-docs and Sphinx; open
#                    build/docsite/build/html/index.html (not part of make test)
#   make docs-lint   antsibull-docs lint-collection-docs on the staged collection: the plugin docs,
#                    the extra docs and the references between them (part of make test)

DOCSITE := $(BUILD)/docsite
DOCS_ANSIBLE_URL := https://docs.ansible.com/projects/ansible/devel/

.PHONY: docs docs-lint

EXTRA_TEST_STAGES += docs-lint

docs-lint: venv stage
	@$(begin)
	cd "$(STAGE)"
	antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs \
	  --validate-collection-refs all --disallow-unknown-collection-refs .
	$(end)

# sphinx-init wants a destination directory that only its owner can write to. Its build.sh runs
# `antsibull-docs collection` into rst/ and then sphinx-build with -W (every warning fails).
docs: venv stage
	@$(begin)
	rm -rf "$(DOCSITE)"
	mkdir -p -m 700 "$(DOCSITE)"
	antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error \
	  --project alicloud.ecs --copyright 'alicloud.ecs contributors' --title 'alicloud.ecs collection' \
	  --dest-dir "$(DOCSITE)" alicloud.ecs > /dev/null
	# Offline: the plugin pages link to two labels of the Ansible documentation, which Sphinx
	# resolves through intersphinx inventories that the generated conf.py would download. A local
	# inventory with just these labels (pointing to the same pages online) replaces them.
	"$(PY)" -c 'import sys, zlib
	labels = [
	    ("ansible_configuration_settings", "reference_appendices/config.html#ansible-configuration-settings",
	     "Ansible Configuration Settings"),
	    ("common_return_values", "reference_appendices/common_return_values.html#common-return-values", "Return Values"),
	]
	body = "".join("%s std:label -1 %s %s\n" % label for label in labels)
	header = "# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n# The remainder of this file is compressed using zlib.\n"
	open(sys.argv[1], "wb").write(header.encode() + zlib.compress(body.encode()))' "$(DOCSITE)/ansible_devel.inv"
	printf '\n# Added by mk/docs.mk: build offline.\nintersphinx_mapping = {"ansible_devel": ("%s", "%s")}\n' \
	  "$(DOCS_ANSIBLE_URL)" "$(DOCSITE)/ansible_devel.inv" >> "$(DOCSITE)/conf.py"
	if ! "$(DOCSITE)/build.sh" > "$(DOCSITE)/build.log" 2>&1; then
	  cat "$(DOCSITE)/build.log" >&2; echo "ERROR: the docsite build failed (log: $(DOCSITE)/build.log)" >&2; exit 1
	fi
	if grep -E "intersphinx inventory .* from https?://" "$(DOCSITE)/build.log"; then
	  echo "ERROR: Sphinx fetched an inventory from the network" >&2; exit 1
	fi
	html="$(DOCSITE)/build/html"
	shopt -s nullglob
	expected=("$$html/index.html")
	for module in "$(ROOT)"/plugins/modules/*.py; do
	  name=$$(basename "$$module" .py); [ "$$name" = "__init__" ] || expected+=("$$html/$${name}_module.html")
	done
	for page in "$(ROOT)"/docs/docsite/rst/*.rst; do expected+=("$$html/docsite/$$(basename "$$page" .rst).html"); done
	for file in "$${expected[@]}"; do
	  [ -s "$$file" ] || { echo "ERROR: $${file#$$html/} is missing from the docsite" >&2; exit 1; }
	done
	pages=$$(find "$$html" -name '*.html' | wc -l)
	echo "docsite: $$pages HTML pages in $$html (open index.html)"
	$(end)
