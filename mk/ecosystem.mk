# AWX / Automation Platform tooling: the execution environment definition and the molecule
# scenarios under extensions/ (docs/awx.md).
#
#   make ee         build the collection artifact, write the EE build context to build/ee-context
#                   with ansible-builder and check what went into it (no container engine needed)
#   make molecule   molecule test for every scenario in extensions/molecule, each against an ECS
#                   emulator of its own that the recipe starts and always stops

EE_CONTEXT := $(BUILD)/ee-context
# execution-environment.yml takes the artifact from here, under a name without the version.
EE_COLLECTION := $(BUILD)/ee-collection
EE_INTROSPECT := $(BUILD)/ee-introspect
MOLECULE_DIR := $(BUILD)/molecule

.PHONY: ee molecule

EXTRA_TEST_STAGES += ee molecule

ee: venv
	@$(begin)
	cd "$(ROOT)"
	rm -rf "$(EE_CONTEXT)" "$(EE_COLLECTION)" "$(EE_INTROSPECT)"
	mkdir -p "$(EE_COLLECTION)"
	ansible-galaxy collection build --output-path "$(EE_COLLECTION)" .
	mv "$(EE_COLLECTION)"/alicloud-ecs-*.tar.gz "$(EE_COLLECTION)/alicloud-ecs.tar.gz"
	# ansible-builder reads the collection's EE metadata from the installed artifact at build
	# time, so what the metadata points to must ship.
	listing=$$(tar -tzf "$(EE_COLLECTION)/alicloud-ecs.tar.gz")
	for shipped in meta/execution-environment.yml requirements.txt bindep.txt; do
	  grep -qx "$$shipped" <<< "$$listing" || { echo "ERROR: $$shipped missing from the artifact" >&2; exit 1; }
	done
	ansible-builder create --file execution-environment.yml --context "$(EE_CONTEXT)" \
	  --output-filename Containerfile -v 2
	built="$(EE_CONTEXT)/_build"
	for file in Containerfile _build/requirements.txt _build/bindep.txt _build/requirements.yml \
	            _build/collections/alicloud-ecs.tar.gz _build/scripts/introspect.py; do
	  [ -f "$(EE_CONTEXT)/$$file" ] || { echo "ERROR: $$file missing from the EE build context" >&2; exit 1; }
	done
	cmp -s "$(EE_COLLECTION)/alicloud-ecs.tar.gz" "$$built/collections/alicloud-ecs.tar.gz" \
	  || { echo "ERROR: the EE build context holds another artifact than the one just built" >&2; exit 1; }
	# Every runtime requirement of the collection, exactly as requirements.txt states it.
	missing=0
	while read -r requirement; do
	  grep -qxF "$$requirement" "$$built/requirements.txt" \
	    || { echo "ERROR: '$$requirement' from requirements.txt is not in the EE build context" >&2; missing=1; }
	done < <(grep -Ev '^[[:space:]]*(#|$$)' requirements.txt)
	[ "$$missing" -eq 0 ]
	# What the image build does with the installed collection, done here without a container: the
	# context's own introspect script must find the requirements through meta/execution-environment.yml.
	ANSIBLE_COLLECTIONS_PATH="$(EE_INTROSPECT)" ansible-galaxy collection install --offline -p "$(EE_INTROSPECT)" "$(EE_COLLECTION)/alicloud-ecs.tar.gz" > /dev/null
	"$(PY)" "$$built/scripts/introspect.py" introspect "$(EE_INTROSPECT)" \
	  --write-pip="$(EE_INTROSPECT)/requirements.txt" --write-bindep="$(EE_INTROSPECT)/bindep.txt" > /dev/null
	while read -r requirement; do
	  grep -qxF "$$requirement  # from collection alicloud.ecs" "$(EE_INTROSPECT)/requirements.txt" \
	    || { echo "ERROR: introspection does not find '$$requirement' in the installed collection" >&2; missing=1; }
	done < <(grep -Ev '^[[:space:]]*(#|$$)' requirements.txt)
	[ "$$missing" -eq 0 ]
	grep -q 'collections/alicloud-ecs.tar.gz' "$$built/requirements.yml" \
	  || { echo "ERROR: the EE's galaxy requirements do not install the collection artifact" >&2; exit 1; }
	for step in 'ansible-galaxy collection install' 'introspect' 'assemble'; do
	  grep -q -- "$$step" "$(EE_CONTEXT)/Containerfile" \
	    || { echo "ERROR: the Containerfile has no '$$step' step" >&2; exit 1; }
	done
	echo "EE build context in $(EE_CONTEXT): $$(grep -c . <(grep -Ev '^[[:space:]]*(#|$$)' requirements.txt)) python requirements, the collection artifact, Containerfile"
	$(end)

# Molecule runs from the repository root (collection mode finds extensions/molecule/*/molecule.yml)
# and its playbooks load the staged copy through ANSIBLE_COLLECTIONS_PATH. The emulator belongs to
# this recipe's shell: the EXIT trap stops it whatever happens (molecule failing, a failed check,
# Ctrl-C, a TERM), and INT/TERM exit through that trap rather than leaving the process behind.
molecule: venv stage
	@$(begin)
	cd "$(ROOT)"
	rm -rf "$(MOLECULE_DIR)"
	mkdir -p "$(MOLECULE_DIR)"
	emulator_pid=
	stop_emulator() {
	  if [ -n "$$emulator_pid" ] && kill -0 "$$emulator_pid" 2>/dev/null; then
	    kill -TERM "$$emulator_pid" 2>/dev/null || true
	    for _ in $$(seq 100); do kill -0 "$$emulator_pid" 2>/dev/null || break; sleep 0.1; done
	    kill -KILL "$$emulator_pid" 2>/dev/null || true
	    wait "$$emulator_pid" 2>/dev/null || true
	  fi
	  emulator_pid=
	}
	trap stop_emulator EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	export PYTHONPATH="$(ROOT)/tests/emulator$${PYTHONPATH:+:$$PYTHONPATH}"
	read -r key_id key_secret < <("$(PY)" -c 'from ecs_emulator import harness; k = harness.credentials("main"); print(k["access_key_id"], k["access_key_secret"])')
	shopt -s nullglob
	scenarios=("$(ROOT)"/extensions/molecule/*/molecule.yml)
	# No scenario is a stage that tests nothing, which must not pass (as a test folder without tests).
	if [ "$${#scenarios[@]}" -eq 0 ]; then echo "ERROR: [$@] no extensions/molecule/*/molecule.yml to test" >&2; exit 1; fi
	for scenario_file in "$${scenarios[@]}"; do
	  scenario=$$(basename "$$(dirname "$$scenario_file")")
	  state="$(MOLECULE_DIR)/$$scenario"
	  mkdir -p "$$state"
	  # A session of its own keeps a Ctrl-C in the terminal away from the emulator, so that the
	  # cleanup molecule runs after an interruption can still reach it; the trap stops it afterwards.
	  setsid $(NOPROXY) "$(PY)" -m ecs_emulator serve --port 0 --admin-port 0 --state "$$state/emulator.sqlite" \
	    --fixture "$(ROOT)/tests/emulator/fixtures/default.yml" > "$$state/announce.json" 2> "$$state/emulator.stderr" &
	  emulator_pid=$$!
	  # The emulator prints one JSON line once it listens.
	  for _ in $$(seq 200); do
	    grep -q '}' "$$state/announce.json" 2>/dev/null && break
	    kill -0 "$$emulator_pid" 2>/dev/null || break
	    sleep 0.1
	  done
	  endpoint=$$("$(PY)" -c 'import json, sys; print(json.load(open(sys.argv[1]))["endpoint"])' "$$state/announce.json" 2>/dev/null) \
	    || { echo "ERROR: the ECS emulator did not start:" >&2; cat "$$state/emulator.stderr" >&2; exit 1; }
	  echo "scenario $$scenario: ECS emulator at $$endpoint (pid $$emulator_pid)"
	  $(NOPROXY) -u ALIBABA_CLOUD_SECURITY_TOKEN \
	    ALIBABA_CLOUD_ACCESS_KEY_ID="$$key_id" ALIBABA_CLOUD_ACCESS_KEY_SECRET="$$key_secret" \
	    ALIBABA_CLOUD_REGION_ID=cn-hangzhou ALIBABA_CLOUD_ECS_ENDPOINT="http://$$endpoint" \
	    NO_COLOR=1 molecule test --scenario-name "$$scenario"
	  stop_emulator
	done
	$(end)
