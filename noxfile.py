# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit and integration tests against every ansible-core line that meta/runtime.yml admits, and
against both ends of the SDK ranges that requirements.txt allows, with and without deferred imports.

    nox                                    everything below
    nox -s tests                           every ansible-core line (2.18 and 2.19)
    nox -s "tests(ansible_core='2.18')"    one line
    nox -s sdk                             lowest and highest SDK releases, deferred and eager imports
    nox -s compat                          what `make compat` runs: the line .venv does not have, with the
                                           lowest SDK releases and eager imports, in one run

Who runs what: `make test` runs units and integration on the ansible-core of .venv (the pin in
requirements-dev.txt, 2.19), the SDK pins of requirements-dev.txt (today the newest releases the
ranges allow) and deferred imports, in its own `units` and `integration` stages; `make compat`
(mk/compat.mk) runs the `compat` session, which changes all three at once: ansible-core 2.18, the
lowest SDK releases and eager imports. Between them every end of every axis runs on every change,
at the cost of one more run of the suites rather than three. Plain `nox` runs every combination.

Only lines with a release that installs on Python 3.11 are listed; 2.20 and later need
Python >= 3.12. Each line uses its newest patch release.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
BUILD = ROOT / 'build'
STAGE = BUILD / 'ansible_collections' / 'alicloud' / 'ecs'
ANSIBLE_HOME = BUILD / 'ansible-home'
REQUIREMENTS_DEV = ROOT / 'requirements-dev.txt'
REQUIREMENTS = ROOT / 'requirements.txt'

# What the tests import besides ansible-core and the collection's runtime requirements; the
# versions come from requirements-dev.txt.
TEST_REQUIREMENTS = ('pytest', 'pytest-xdist', 'hypothesis', 'ansible-runner')
# The integration suite on every core, as `make integration` runs it (see the Makefile).
INTEGRATION_WORKERS = os.environ.get('INTEGRATION_WORKERS', 'auto')

# requirements-dev.txt pins the main line for .venv; another line overrides that pin and every
# pin the line's ansible-core does not accept (2.18 wants resolvelib < 1.1).
LINE_OVERRIDES = {
    '2.18': {'ansible-core': '2.18.19', 'resolvelib': '1.0.1'},
    '2.19': {},
}

DEFER_SWITCH = 'ALICLOUD_ECS_DEFER_IMPORTS'
SDK_BOUNDS = ('lowest', 'highest')

PROXY_VARIABLES = ('HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy')

nox.options.error_on_external_run = True

# `python -m pytest` as the Makefile's run_pytest runs it: exit status 5 (nothing collected) fails the
# session with a message saying so, since a suite that silently stopped running must not pass.
RUN_PYTEST = ('import sys, pytest; status = pytest.main(sys.argv[1:]); '
              'status == 5 and print("ERROR: pytest collected no tests in " + sys.argv[-1]); '
              'sys.exit(status)')


def _canonical(name):
    return re.sub(r'[-_.]+', '-', name).lower()


def _dev_pins():
    """{canonical name: version} for every `name==version` line."""
    pins = {}
    for line in REQUIREMENTS_DEV.read_text(encoding='utf-8').splitlines():
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        name, separator, version = line.partition('==')
        if not separator:
            raise ValueError('requirements-dev.txt: %r is not an exact pin' % line)
        pins[_canonical(name.strip())] = version.strip()
    return pins


def _main_line():
    return '.'.join(_dev_pins()['ansible-core'].split('.')[:2])


def _pins(line):
    pins = _dev_pins()
    for name, version in LINE_OVERRIDES[line].items():
        pins[_canonical(name)] = version
    return pins


def _constraints(line):
    return ''.join('%s==%s\n' % item for item in sorted(_pins(line).items()))


def _lines():
    main = _main_line()
    return [nox.param(line) for line in sorted(LINE_OVERRIDES)]


def _runtime_lower_bounds():
    """{canonical name: lowest version} of every package in requirements.txt (each must have a >= bound)."""
    bounds = {}
    for line in REQUIREMENTS.read_text(encoding='utf-8').splitlines():
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        match = re.match(r'^([A-Za-z0-9_.-]+)\s*>=\s*([^,;\s]+)', line)
        if not match:
            raise ValueError('requirements.txt: %r has no lower bound (>=)' % line)
        bounds[_canonical(match.group(1))] = match.group(2)
    return bounds


def _sdk_constraints(bound, line=None):
    """A line's pins (the main line's by default), with the runtime packages at their lower bound, or left to
    their range (highest)."""
    pins = _pins(line or _main_line())
    for name, lowest in _runtime_lower_bounds().items():
        if bound == 'lowest':
            pins[name] = lowest
        else:
            pins.pop(name, None)
    return ''.join('%s==%s\n' % item for item in sorted(pins.items()))


def _sdk_params():
    return [nox.param(bound, imports) for bound in SDK_BOUNDS for imports in ('deferred', 'eager')]


def _other_line():
    others = [line for line in sorted(LINE_OVERRIDES) if line != _main_line()]
    return others[0]


def _install(session, constraints):
    """Install ansible-core and the runtime and test requirements under ``constraints``, unless this
    reused venv already has exactly these."""
    packages = ['ansible-core', '-r', str(REQUIREMENTS), *TEST_REQUIREMENTS]
    digest = hashlib.sha256('\n'.join([constraints, REQUIREMENTS.read_text(encoding='utf-8'), *packages])
                            .encode('utf-8')).hexdigest()[:16]
    venv = Path(session.virtualenv.location)
    stamp = venv / ('.installed-%s' % digest)
    if stamp.exists():
        session.log('pins unchanged since the last install; reusing %s' % venv)
        return
    for old in venv.glob('.installed-*'):
        old.unlink()
    constraints_file = venv / 'constraints.txt'
    constraints_file.write_text(constraints, encoding='utf-8')
    # --upgrade: where a range is left open (the highest SDK end), take the newest release it allows.
    session.install('--disable-pip-version-check', '--upgrade', '-c', str(constraints_file), *packages)
    session.run('python', '-m', 'pip', 'check', '--disable-pip-version-check', silent=True)
    stamp.touch()


def _stage(session):
    # Inside `make compat` the stage prerequisite has already copied the tree; run on its own,
    # nox must not test a stale or missing copy.
    if os.environ.get('ALICLOUD_ECS_STAGED') == str(STAGE):
        return
    session.run('make', '--no-print-directory', '-C', str(ROOT), 'stage', external=True)


def _pytest(session, target, cwd, pythonpath, env, options=()):
    if not (ROOT / target).is_dir():
        session.error('the test folder %s is missing' % target)
    outer = os.environ.get('PYTHONPATH')
    env = dict(env, PYTHONPATH=os.pathsep.join([str(pythonpath)] + ([outer] if outer else [])))
    with session.chdir(cwd):
        session.run('python', '-c', RUN_PYTEST, '-p', 'no:cacheprovider', *options, *session.posargs, target, env=env)


@nox.session(python='3.11', reuse_venv=True)
@nox.parametrize('ansible_core', _lines())
def tests(session, ansible_core):
    """tests/unit and tests/integration on the newest release of one ansible-core line."""
    _install(session, _constraints(ansible_core))
    version = session.run('python', '-c', 'import ansible.release; print(ansible.release.__version__)',
                          silent=True).strip()
    expected = _pins(ansible_core)['ansible-core']
    if version != expected:
        session.error('ansible-core %s installed, %s expected' % (version, expected))
    session.log('ansible-core %s' % version)
    _run_suites(session, {})


@nox.session(python='3.11', reuse_venv=True)
@nox.parametrize('bound, imports', _sdk_params())
def sdk(session, bound, imports):
    """tests/unit and tests/integration on the lowest or highest SDK releases requirements.txt allows,
    with the SDK's rarely used imports deferred (the default) or eager (ALICLOUD_ECS_DEFER_IMPORTS=0)."""
    _install(session, _sdk_constraints(bound))
    _check_sdk(session, bound, imports)
    _run_suites(session, {DEFER_SWITCH: '1' if imports == 'deferred' else '0'})


@nox.session(python='3.11', reuse_venv=True, tags=['compat'])
def compat(session):
    """What .venv does not run: the other ansible-core line, the lowest SDK releases and eager imports, together."""
    line = _other_line()
    _install(session, _sdk_constraints('lowest', line))
    version = session.run('python', '-c', 'import ansible.release; print(ansible.release.__version__)', silent=True).strip()
    if version != _pins(line)['ansible-core']:
        session.error('ansible-core %s installed, %s expected' % (version, _pins(line)['ansible-core']))
    session.log('ansible-core %s' % version)
    _check_sdk(session, 'lowest', 'eager')
    _run_suites(session, {DEFER_SWITCH: '0'})


def _check_sdk(session, bound, imports):
    names = sorted(_runtime_lower_bounds())
    installed = session.run('python', '-c', 'import sys; from importlib.metadata import version; '
                            'print(" ".join("%s==%s" % (name, version(name)) for name in sys.argv[1:]))', *names,
                            silent=True).strip()
    session.log('%s SDK releases, %s imports: %s' % (bound, imports, installed))
    if bound == 'lowest':
        wanted = ' '.join('%s==%s' % item for item in sorted(_runtime_lower_bounds().items()))
        if installed != wanted:
            session.error('installed %s, expected the lower bounds %s' % (installed, wanted))


def _run_suites(session, extra_env):
    _stage(session)
    # The variables the Makefile exports, so that a plain `nox` runs like `make`; the tests talk
    # to the loopback emulator only, through an SDK that would send even that through a proxy.
    env = {
        'ANSIBLE_HOME': str(ANSIBLE_HOME),
        'ANSIBLE_LOCAL_TEMP': str(ANSIBLE_HOME / 'tmp'),
        'ANSIBLE_REMOTE_TMP': str(ANSIBLE_HOME / 'remote-tmp'),
        'ANSIBLE_COLLECTIONS_PATH': str(BUILD),
        'ANSIBLE_NOCOLOR': '1',
        'PYTHONDONTWRITEBYTECODE': '1',
    }
    env.update(dict.fromkeys(PROXY_VARIABLES))
    env.update(extra_env)
    (ANSIBLE_HOME / 'tmp').mkdir(parents=True, exist_ok=True)
    _pytest(session, 'tests/unit', STAGE, BUILD, env)
    _pytest(session, 'tests/integration', ROOT, ROOT / 'tests' / 'emulator', env, ('-n', INTEGRATION_WORKERS))
