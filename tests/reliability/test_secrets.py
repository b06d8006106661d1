# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The access key secret and the STS token never show up, whatever the verbosity and however a run ends, in the
runs of the egress and of the ingress modules alike."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import EGRESS, SuiteEmulator, harness, tally

STS = harness.credentials('main-sts')
WRONG_SECRET = 'wrong-secret-Zq81xWv0'
SECRETS = (STS['access_key_secret'], STS['security_token'], WRONG_SECRET)
GROUP = 'sg-rel-secrets'


def cases_for(direction):
    """Every way a run can end, for the modules of ``direction``: case name -> what to run and how it ends."""
    rule = {'ip_protocol': 'tcp', 'port_range': '8443/8443', direction.option('{peer}_cidr_ip'): '10.9.0.0/16',
            'description': 'secrets test'}
    return {
        'created': dict(args=dict(rule)),
        'created, keys as options': dict(args=dict(rule, access_key_id=STS['access_key_id'], access_key_secret=STS['access_key_secret'],
                                                   security_token=STS['security_token']),
                                         env=dict(ALIBABA_CLOUD_ACCESS_KEY_ID='', ALIBABA_CLOUD_ACCESS_KEY_SECRET='')),
        'check and diff': dict(args=dict(rule, port_range='9443/9443'), check=True, diff=True),
        'diff, purge': dict(args=dict(rules=[rule], purge_rules=True), diff=True),
        'bad option': dict(args=dict(rule, port_range='99999/1'), fails='port_range'),
        'unknown group': dict(args=dict(rule, security_group_id='sg-does-not-exist'), fails='NotFound'),
        'wrong secret': dict(args=dict(rule, access_key_id=STS['access_key_id'], access_key_secret=WRONG_SECRET,
                                       security_token=STS['security_token']), fails='SignatureDoesNotMatch'),
        'retries spent': dict(args=dict(rule, port_range='7443/7443', retries=1, retry_backoff=0.01),
                              faults={'rules': [{'kind': 'service_unavailable', 'actions': [direction.authorize_action]}]},
                              fails='ServiceUnavailable'),
        'no answer': dict(args=dict(rule, endpoint='http://127.0.0.1:9', retries=0), fails='ConnectionError'),
        # sg-demo-full of the default fixture is 2 rules short of the limit, which counts both directions: 3 more
        # rules of either direction are too many.
        'over the limit': dict(args=dict(rules=[dict(rule, port_range='%d/%d' % (port, port)) for port in range(1, 4)],
                                         security_group_id='sg-demo-full'), fails='200'),
        'info': dict(module=direction.info_module, args=dict(), diff=True, check=True),
        'info, unknown group': dict(module=direction.info_module, args=dict(security_group_id='sg-does-not-exist'), fails='NotFound'),
    }


# The case names are the same in both directions.
CASE_NAMES = sorted(cases_for(EGRESS))


@pytest.fixture(scope='module')
def server():
    with SuiteEmulator({GROUP: {}}) as emulator:
        yield emulator


@pytest.mark.parametrize('case', CASE_NAMES)
def test_no_secret_in_any_output(case, direction, server, playbooks, tmp_path):
    spec = cases_for(direction)[case]
    server.clear_faults()
    if spec.get('faults'):
        server.set_faults(spec['faults'])
    seq = server.requests()[-1]['seq'] if server.requests() else 0
    runner = playbooks(server)
    options = dict(dict(security_group_id=GROUP), **spec['args'])
    task = {'name': case, spec.get('module', direction.module): options}
    playbook = tmp_path / 'play.yml'
    playbook.write_text(yaml.safe_dump([dict(name='secrets', hosts='localhost', gather_facts=False, tasks=[task])]),
                        encoding='utf-8')
    flags = ['-vvvv'] + (['--check'] if spec.get('check') else []) + (['--diff'] if spec.get('diff') else [])
    run = runner.playbook(playbook, credentials='main-sts', env=spec.get('env'), args=flags)
    server.clear_faults()
    calls = server.requests(since=seq)
    writes = [entry['action'] for entry in calls if entry['write']]
    places = dict(stdout=run.process.stdout, stderr=run.process.stderr, results=json.dumps(run.results),
                  emulator_log=json.dumps(calls))
    leaks = ['%s in %s' % ('secret' if secret != STS['security_token'] else 'token', place)
             for place, text in places.items() for secret in SECRETS if secret in text]
    tally('secrets at -vvvv, %s' % direction.name, cases=1, failed_runs=int(run.failed), api_calls=len(calls), api_writes=len(writes),
          characters_searched=sum(len(text) for text in places.values()), leaks=len(leaks))

    if spec.get('fails'):
        assert run.failed and spec['fails'] in run.result['msg'], run.output
    else:
        assert not run.failed, run.output
    # Every case but the two that stop before the API really reached the emulator with the STS key, and
    # the writes among the calls were this direction's.
    assert bool(calls) is (case not in ('bad option', 'no answer')), calls
    assert all(action in direction.write_actions for action in writes), writes
    assert not leaks, leaks
