"""Reading a fixture file; standard library only, because the harness runs inside other test suites."""

import json


def load_fixture(path):
    """The parsed fixture: `.json` with the standard library, anything else as YAML (PyYAML needed then)."""
    with open(path, 'rb') as handle:
        raw = handle.read()
    if path.endswith('.json'):
        return json.loads(raw.decode('utf-8'))
    # Imported here so that JSON fixtures, and the harness, work where PyYAML is not installed.
    import yaml  # pylint: disable=import-outside-toplevel
    return yaml.safe_load(raw)
