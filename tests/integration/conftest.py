# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Playbook-level tests: real ansible-playbook runs, through the unmodified SDK, against the ECS emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / 'tests' / 'emulator'))

from ecs_emulator import harness  # noqa: E402  pylint: disable=wrong-import-position

CALLBACKS = Path(__file__).resolve().parent / 'callback_plugins'
PROXY_VARIABLES = ('HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy')


def collections_root(base):
    """A collections path holding this working tree as alicloud.ecs (a link, so tests see every edit)."""
    configured = os.environ.get('ANSIBLE_COLLECTIONS_PATH')
    if configured and (Path(configured.split(os.pathsep)[0]) / 'ansible_collections' / 'alicloud' / 'ecs').exists():
        return configured.split(os.pathsep)[0]
    link = Path(base) / 'ansible_collections' / 'alicloud' / 'ecs'
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.exists():
        link.symlink_to(REPO)
    return str(base)


class PlaybookRunner:
    """Runs playbooks against the emulator and returns each task's result as recorded by a callback."""

    def __init__(self, emulator, workdir):
        self.emulator = emulator
        self.workdir = Path(workdir)
        # task() writes its one-task playbooks here, whether or not collections_root made the directory.
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.collections = collections_root(self.workdir / 'collections')
        self.count = 0

    def environment(self, credentials='main', extra=None):
        env = dict((key, value) for key, value in os.environ.items() if key not in PROXY_VARIABLES)
        keys = harness.credentials(credentials)
        env.update(
            ANSIBLE_COLLECTIONS_PATH=self.collections,
            ANSIBLE_CALLBACK_PLUGINS=str(CALLBACKS),
            ANSIBLE_CALLBACKS_ENABLED='record_results',
            ANSIBLE_HOME=str(self.workdir / 'ansible-home'),
            ANSIBLE_LOCAL_TEMP=str(self.workdir / 'ansible-tmp'),
            ANSIBLE_NOCOLOR='1',
            ANSIBLE_DEPRECATION_WARNINGS='0',
            ALIBABA_CLOUD_ACCESS_KEY_ID=keys['access_key_id'],
            ALIBABA_CLOUD_ACCESS_KEY_SECRET=keys['access_key_secret'],
            ALIBABA_CLOUD_REGION_ID='cn-hangzhou',
            ALIBABA_CLOUD_ECS_ENDPOINT='http://%s' % self.emulator.endpoint,
        )
        if keys.get('security_token'):
            env['ALIBABA_CLOUD_SECURITY_TOKEN'] = keys['security_token']
        else:
            env.pop('ALIBABA_CLOUD_SECURITY_TOKEN', None)
        env.update(extra or {})
        return env

    def playbook(self, path, credentials='main', env=None, args=()):
        self.count += 1
        record = self.workdir / ('results-%d.jsonl' % self.count)
        environment = self.environment(credentials, env)
        environment['RECORD_RESULTS_FILE'] = str(record)
        process = subprocess.run(
            [str(Path(sys.executable).parent / 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
             '-e', 'ansible_python_interpreter=%s' % sys.executable, str(path)] + list(args),
            env=environment, capture_output=True, text=True, timeout=600, check=False)
        results = [json.loads(line) for line in record.read_text(encoding='utf-8').splitlines()] if record.exists() else []
        return PlaybookRun(process, results)

    def task(self, args, check=False, diff=False, credentials='main', env=None, verbosity=0, module='security_group_egress'):
        """Run the module once, as a one-task playbook, and return the run."""
        play = [dict(name='one task', hosts='localhost', gather_facts=False, tasks=[
            dict(name='under test', **{'alicloud.ecs.%s' % module: args})])]
        self.count += 1
        path = self.workdir / ('play-%d.yml' % self.count)
        path.write_text(yaml.safe_dump(play, sort_keys=False), encoding='utf-8')
        options = []
        if check:
            options.append('--check')
        if diff:
            options.append('--diff')
        if verbosity:
            options.append('-' + 'v' * verbosity)
        return self.playbook(path, credentials, env, options)


class PlaybookRun:
    def __init__(self, process, results):
        self.process = process
        self.results = results

    @property
    def result(self):
        """The result of the (last) module task."""
        assert self.results, 'no task result recorded; stderr:\n%s\nstdout:\n%s' % (self.process.stderr, self.process.stdout)
        return self.results[-1]['result']

    @property
    def failed(self):
        return self.process.returncode != 0

    @property
    def output(self):
        return self.process.stdout + self.process.stderr


@pytest.fixture(scope='session')
def emulator():
    with tempfile.TemporaryDirectory(prefix='ecs-emulator-') as state_dir:
        server = harness.Emulator(os.path.join(state_dir, 'state.sqlite'))
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def fresh(emulator):
    """The emulator, re-seeded from its fixture, with an empty request log, no faults and reads that do not lag."""
    emulator.clear_faults()
    emulator.clear_lag()
    emulator.reset()
    emulator.clear_log()
    return emulator


@pytest.fixture(scope='session')
def runner(emulator, tmp_path_factory):
    return PlaybookRunner(emulator, tmp_path_factory.mktemp('playbooks'))
