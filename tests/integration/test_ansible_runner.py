# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The AWX path: the custom credential type of extensions/awx and the example playbook run through
ansible-runner's Python API, with the credentials only in the environment the injectors produce."""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

import ansible_runner
import pytest
import yaml
from jinja2 import meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

from conftest import PROXY_VARIABLES, collections_root
from ecs_emulator import harness

REPO = Path(__file__).resolve().parents[2]
CREDENTIAL_TYPE = REPO / 'extensions' / 'awx' / 'credential_type.yml'
PLAYBOOK = REPO / 'examples' / 'demo-playbook.yml'
GROUP = 'sg-demo-web'
REGION = 'cn-hangzhou'
MANAGE_TASK = 'Egress of the web tier is exactly this list'

# What AWX accepts in a custom credential type (awx/main/fields.py, CredentialTypeInputField).
FIELD_KEYS = {'id', 'label', 'type', 'secret', 'help_text', 'multiline', 'format', 'choices', 'ask_at_runtime'}


def credential_type():
    return yaml.safe_load(CREDENTIAL_TYPE.read_text(encoding='utf-8'))


def module_env_vars(workdir):
    """The environment variables the connection options fall back to, from the modules' own argument spec."""
    # Imported as the collection's module_utils are: _base imports its siblings by collection path.
    root = collections_root(workdir)
    sys.path.insert(0, root)
    try:
        base = importlib.import_module('ansible_collections.alicloud.ecs.plugins.module_utils._base')
    finally:
        sys.path.remove(root)
    names = {}
    for option, settings in base.alicloud_argument_spec().items():
        if 'fallback' in settings:
            for name in settings['fallback'][1]:
                names[name] = option
    return names


def render_injectors(inputs):
    """The environment AWX gives a job for a credential with these inputs.

    As AWX does it: a sandboxed Jinja environment, and fields the credential does not set are simply
    undefined, which renders as an empty string.
    """
    sandbox = ImmutableSandboxedEnvironment()
    namespace = dict((key, value) for key, value in inputs.items() if value)
    return dict((name, sandbox.from_string(template).render(**namespace))
                for name, template in credential_type()['injectors']['env'].items())


# ------------------------------------------------------------------------ the credential type ---

def test_credential_type_has_the_shape_awx_accepts():
    definition = credential_type()
    assert definition['kind'] in ('cloud', 'net')
    assert definition['name']
    fields = definition['inputs']['fields']
    ids = [field['id'] for field in fields]
    assert len(ids) == len(set(ids))
    for field in fields:
        assert set(field) <= FIELD_KEYS, field
        assert field['type'] in ('string', 'boolean') and field['label']
    assert set(definition['inputs']['required']) <= set(ids)
    assert set(definition['injectors']) == {'env'}


def test_every_injected_variable_is_read_by_the_modules(tmp_path):
    read = module_env_vars(tmp_path)
    injected = credential_type()['injectors']['env']
    unknown = sorted(set(injected) - set(read))
    assert not unknown, 'injected but read by no module: %s' % unknown
    # The credential sets one variable for every connection option the modules read from the environment,
    # in its preferred spelling, but for these two.
    not_injected = {
        # An unset AWX field renders as an empty string, which is no integer: the option would fail.
        'assume_role_session_expiration',
        # A path on the execution node is no part of a credential.
        'shared_credentials_file',
    }
    assert sorted(read[name] for name in injected) == sorted(set(read.values()) - not_injected)
    assert len(set(read[name] for name in injected)) == len(injected)


def test_injectors_reference_only_defined_fields():
    definition = credential_type()
    ids = set(field['id'] for field in definition['inputs']['fields'])
    parser = ImmutableSandboxedEnvironment()
    for name, template in definition['injectors']['env'].items():
        assert meta.find_undeclared_variables(parser.parse(template)) <= ids, name


def test_secrets_are_marked_secret_and_required_fields_make_a_working_credential():
    fields = dict((field['id'], field) for field in credential_type()['inputs']['fields'])
    for secret in ('access_key_secret', 'security_token', 'assume_role_external_id'):
        assert fields[secret].get('secret') is True, secret
    for plain in ('access_key_id', 'region', 'endpoint', 'assume_role_arn', 'assume_role_session_name', 'ecs_role_name', 'profile'):
        assert not fields[plain].get('secret'), plain
    # Only the region: an instance role or a profile can stand in for the AccessKey.
    assert set(credential_type()['inputs']['required']) == {'region'}


def test_injectors_render_the_inputs_verbatim_and_unset_fields_empty():
    env = render_injectors(dict(access_key_id='LTAI-id', access_key_secret='s3cr{e}t%', region='cn-shanghai'))
    assert env == dict(ALIBABA_CLOUD_ACCESS_KEY_ID='LTAI-id', ALIBABA_CLOUD_ACCESS_KEY_SECRET='s3cr{e}t%',
                       ALIBABA_CLOUD_SECURITY_TOKEN='', ALIBABA_CLOUD_REGION_ID='cn-shanghai',
                       ALIBABA_CLOUD_ECS_ENDPOINT='', ALICLOUD_ASSUME_ROLE_ARN='', ALICLOUD_ASSUME_ROLE_SESSION_NAME='',
                       ALICLOUD_ASSUME_ROLE_EXTERNAL_ID='', ALIBABA_CLOUD_STS_ENDPOINT='', ALICLOUD_ECS_ROLE_NAME='',
                       ALIBABA_CLOUD_PROFILE='')
    role = render_injectors(dict(region='cn-shanghai', assume_role_arn='acs:ram::1:role/deploy', assume_role_session_name='awx-job',
                                 assume_role_external_id='ext-1', profile=''))
    assert (role['ALICLOUD_ASSUME_ROLE_ARN'], role['ALICLOUD_ASSUME_ROLE_SESSION_NAME'], role['ALICLOUD_ASSUME_ROLE_EXTERNAL_ID']) == \
        ('acs:ram::1:role/deploy', 'awx-job', 'ext-1')


# ---------------------------------------------------------------- runs through ansible-runner ---

@pytest.fixture
def clean_environment(monkeypatch):
    """ansible-runner passes its own environment on to the job: keep credentials and proxies out of it."""
    for name in list(os.environ):
        if name in PROXY_VARIABLES or name.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')):
            monkeypatch.delenv(name)
    # ansible-runner looks ansible-playbook up on PATH.
    monkeypatch.setenv('PATH', str(Path(sys.executable).parent) + os.pathsep + os.environ.get('PATH', ''))


def awx_credential(key_name, emulator):
    keys = harness.credentials(key_name)
    return dict(access_key_id=keys['access_key_id'], access_key_secret=keys['access_key_secret'],
                security_token=keys.get('security_token', ''), region=REGION,
                endpoint='http://%s' % emulator.endpoint)


def run_demo(workdir, injected, verbosity=0):
    (workdir / 'runner').mkdir(parents=True, exist_ok=True)
    envvars = dict(injected)
    envvars.update(
        ANSIBLE_COLLECTIONS_PATH=collections_root(workdir / 'collections'),
        ANSIBLE_HOME=str(workdir / 'ansible-home'),
        ANSIBLE_LOCAL_TEMP=str(workdir / 'ansible-tmp'),
        ANSIBLE_NOCOLOR='1',
    )
    inventory = {'all': {'hosts': {'localhost': {'ansible_connection': 'local',
                                                 'ansible_python_interpreter': sys.executable}}}}
    return ansible_runner.run(
        private_data_dir=str(workdir / 'runner'), project_dir=str(PLAYBOOK.parent), playbook=PLAYBOOK.name,
        inventory=inventory, envvars=envvars, verbosity=verbosity, quiet=True,
        # As AWX does: the environment is not written to env/ in the private data dir.
        suppress_env_files=True)


def task_events(run, task):
    return [event for event in run.events
            if event.get('event') in ('runner_on_ok', 'runner_on_failed') and event['event_data'].get('task') == task]


def task_results(run, task):
    return [event['event_data']['res'] for event in task_events(run, task)]


def stdout(run):
    return (Path(run.config.artifact_dir) / 'stdout').read_text(encoding='utf-8')


def transcript(run):
    """Everything a user of AWX sees of a job: its stdout and its events."""
    return stdout(run) + '\n' + json.dumps(list(run.events))


def as_stored(protocol, ports, destination, policy, priority, description):
    """One egress rule as a comparable tuple; a bare IPv4 address is the /32 network it stands for."""
    if destination and '/' not in destination and destination.count('.') == 3:
        destination += '/32'
    return (protocol.upper(), ports, destination, policy.capitalize(), str(priority), description or '')


def expected_rules():
    """The egress rules the example playbook asks for."""
    play = yaml.safe_load(PLAYBOOK.read_text(encoding='utf-8'))[0]
    task = next(task for task in play['tasks'] if task['name'] == MANAGE_TASK)
    return set(as_stored(rule['ip_protocol'], rule.get('port_range', '-1/-1'),
                         rule.get('dest_cidr_ip') or rule.get('dest_group_id'), rule.get('policy', 'accept'),
                         rule.get('priority', 1), rule.get('description'))
               for rule in task['alicloud.ecs.security_group_egress']['rules'])


def stored_rules(emulator):
    """The group's egress rules as the emulator stores them."""
    return set(as_stored(rule['ip_protocol'], rule['port_range'], rule['dest_cidr_ip'] or rule['dest_group_id'],
                         rule['policy'], rule['priority'], rule['description'])
               for rule in emulator.egress_rules(GROUP))


@pytest.mark.parametrize('key_name', ['main', 'main-sts'])
def test_demo_playbook_through_ansible_runner_changes_once_and_keeps_secrets_out(
        fresh, clean_environment, tmp_path, key_name):
    credential = awx_credential(key_name, fresh)
    if key_name == 'main':
        # A RAM user's key: the optional token is left unset, as in the AWX form.
        credential['security_token'] = ''
    injected = render_injectors(credential)
    secrets = [value for value in (credential['access_key_secret'], credential['security_token']) if value]
    before = stored_rules(fresh)
    assert before != expected_rules()

    first = run_demo(tmp_path / 'first', injected, verbosity=3)
    assert first.status == 'successful' and first.rc == 0, stdout(first)
    assert first.stats['changed'] == {'localhost': 1}
    [result] = task_results(first, MANAGE_TASK)
    assert result['changed'] is True
    assert result['added'] and result['removed']
    assert stored_rules(fresh) == expected_rules()
    writes = [entry for entry in fresh.requests() if entry['write']]
    assert writes and all(entry['access_key_id'] == credential['access_key_id'] for entry in writes)
    first_transcript = transcript(first)

    fresh.clear_log()
    second = run_demo(tmp_path / 'second', injected)
    assert second.status == 'successful' and second.rc == 0, stdout(second)
    assert second.stats['changed'] == {}
    [result] = task_results(second, MANAGE_TASK)
    assert result['changed'] is False
    assert result['added'] == result['removed'] == result['updated'] == []
    assert [entry for entry in fresh.requests() if entry['write']] == []
    assert stored_rules(fresh) == expected_rules()

    for secret in secrets:
        assert secret not in first_transcript
        assert secret not in transcript(second)
    # The no_log masking is what keeps the secret out, not its absence from the module's arguments.
    assert 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in first_transcript


def test_a_wrong_injected_secret_fails_the_job_without_showing_it(fresh, clean_environment, tmp_path):
    credential = awx_credential('main', fresh)
    credential['access_key_secret'] = 'not-the-secret-of-this-key-0001'
    before = stored_rules(fresh)

    run = run_demo(tmp_path, render_injectors(credential))
    assert run.status == 'failed' and run.rc != 0, stdout(run)
    [event] = task_events(run, MANAGE_TASK)
    assert event['event'] == 'runner_on_failed'
    assert 'SignatureDoesNotMatch' in json.dumps(event['event_data']['res'])
    assert stored_rules(fresh) == before
    assert 'not-the-secret-of-this-key-0001' not in transcript(run)
