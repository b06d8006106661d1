# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the collection says it needs is what it imports, everywhere it says so, and one version everywhere."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from ansible_collections.alicloud.ecs.plugins.doc_fragments.alicloud import ModuleDocFragment
from ansible_collections.alicloud.ecs.plugins.module_utils import _base

ROOT = Path(_base.__file__).resolve().parents[2]
DECLARED = [distribution for _module, distribution in _base.REQUIRED_PACKAGES]


def requirement_names(path):
    names = []
    for line in path.read_text(encoding='utf-8').splitlines():
        line = line.split('#', 1)[0].strip()
        if line:
            names.append(re.split(r'[<>=!~ ;\[]', line, maxsplit=1)[0].lower())
    return names


def test_requirements_txt_lists_exactly_the_packages_the_modules_import():
    assert requirement_names(ROOT / 'requirements.txt') == DECLARED


def test_the_doc_fragment_requirements_name_the_same_packages():
    requirements = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['requirements']
    assert [item for item in requirements if not item.startswith('python')] == DECLARED


def test_galaxy_description_names_the_same_packages():
    description = yaml.safe_load((ROOT / 'galaxy.yml').read_text(encoding='utf-8'))['description']
    assert [name for name in DECLARED if name in description] == DECLARED
    assert 'alibabacloud-ecs20140526' not in description


def test_module_utils_import_nothing_of_the_sdk_that_is_not_declared():
    imported = set()
    for path in (ROOT / 'plugins').rglob('*.py'):
        for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split('.')[0])
            elif isinstance(node, ast.Import):
                imported.update(alias.name.split('.')[0] for alias in node.names)
    sdk = sorted(name for name in imported if name.startswith(('alibabacloud', 'darabonba', 'Tea')))
    print('SDK packages imported by plugins/: %s' % sdk)
    assert sdk == sorted(module for module, _distribution in _base.REQUIRED_PACKAGES)


def test_the_collection_version_is_stated_once():
    galaxy = yaml.safe_load((ROOT / 'galaxy.yml').read_text(encoding='utf-8'))['version']
    assert _base.COLLECTION_VERSION == galaxy


@pytest.mark.parametrize('hidden', [module for module, _distribution in _base.REQUIRED_PACKAGES])
def test_a_missing_package_fails_naming_the_package_to_install(hidden):
    # A fresh interpreter in which one of the packages cannot be found; the module must say which, not trace back.
    code = textwrap.dedent('''
        import importlib.util, json, sys
        real_find_spec = importlib.util.find_spec
        importlib.util.find_spec = lambda name, *args: None if name == %r else real_find_spec(name, *args)
        from ansible_collections.alicloud.ecs.plugins.module_utils import _base

        class Module:
            def fail_json(self, **result):
                print(json.dumps(result))
                sys.exit(1)

        _base.AlicloudEcsModule(Module())
    ''' % hidden)
    process = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=False,
                             env={'PYTHONPATH': ':'.join(sys.path)})
    assert process.returncode == 1, process.stderr
    message = process.stdout
    (distribution,) = [name for module, name in _base.REQUIRED_PACKAGES if module == hidden]
    assert 'Failed to import the required Python library (%s)' % distribution in message
    assert 'Traceback' not in process.stderr
