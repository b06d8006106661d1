# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The access key secret and the STS token never show up, whatever the verbosity and however a run ends."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import SuiteEmulator, harness

STS = harness.credentials('main-sts')
WRONG_SECRET = 'wrong-secret-Zq81xWv0'
SECRETS = (STS['access_key_secret'], STS['security_token'], WRONG_SECRET)
RULE = dict(ip_protocol='tcp', port_range='8443/8443', dest_cidr_ip='10.9.0.0/16', description='secrets test')
GROUP = 'sg-rel-secrets'

CASES = {
    'created': dict(args=dict(RULE)),
    'created, keys as options': dict(args=dict(RULE, access_key_id=STS['access_key_id'], access_key_secret=STS['access_key_secret'],
                                               security_token=STS['security_token']), env=dict(ALIBABA_CLOUD_ACCESS_KEY_ID='',
                                                                                               ALIBABA_CLOUD_ACCESS_KEY_SECRET='')),
    'check and diff': dict(args=dict(RULE, port_range='9443/9443'), check=True, diff=True),
    'diff, purge': dict(args=dict(rules=[RULE], purge_rules=True), diff=True),
    'bad option': dict(args=dict(RULE, port_range='99999/1'), fails='port_range'),
    'unknown group': dict(args=dict(RULE, security_group_id='sg-does-not-exist'), fails='NotFound'),
    'wrong secret': dict(args=dict(RULE, access_key_id=STS['access_key_id'], access_key_secret=WRONG_SECRET,
                                   security_token=STS['security_token']), fails='SignatureDoesNotMatch'),
    'retries spent': dict(args=dict(RULE, port_range='7443/7443', retries=1, retry_backoff=0.01),
                          faults={'rules': [{'kind': 'service_unavailable', 'actions': ['AuthorizeSecurityGroupEgress']}]},
                          fails='ServiceUnavailable'),
    'no answer': dict(args=dict(RULE, endpoint='http://127.0.0.1:9', retries=0), fails='ConnectionError'),
    'over the limit': dict(args=dict(rules=[dict(RULE, port_range='%d/%d' % (port, port)) for port in range(1, 4)],
                                     security_group_id='sg-demo-full'), fails='200'),
    'info': dict(module='alicloud.ecs.security_group_egress_info', args=dict(), diff=True, check=True),
    'info, unknown group': dict(module='alicloud.ecs.security_group_egress_info',
                                args=dict(security_group_id='sg-does-not-exist'), fails='NotFound'),
}


@pytest.fixture(scope='module')
def server():
    with SuiteEmulator({GROUP: {}}) as emulator:
        yield emulator


@pytest.mark.parametrize('case', sorted(CASES))
def test_no_secret_in_any_output(case, server, playbooks, tmp_path):
    spec = CASES[case]
    server.clear_faults()
    if spec.get('faults'):
        server.set_faults(spec['faults'])
    seq = server.requests()[-1]['seq'] if server.requests() else 0
    runner = playbooks(server)
    options = dict(dict(security_group_id=GROUP), **spec['args'])
    task = {'name': case, spec.get('module', 'alicloud.ecs.security_group_egress'): options}
    playbook = tmp_path / 'play.yml'
    playbook.write_text(yaml.safe_dump([dict(name='secrets', hosts='localhost', gather_facts=False, tasks=[task])]),
                        encoding='utf-8')
    flags = ['-vvvv'] + (['--check'] if spec.get('check') else []) + (['--diff'] if spec.get('diff') else [])
    run = runner.playbook(playbook, credentials='main-sts', env=spec.get('env'), args=flags)
    server.clear_faults()

    if spec.get('fails'):
        assert run.failed and spec['fails'] in run.result['msg'], run.output
    else:
        assert not run.failed, run.output
    # Every case but the two that stop before the API really reached the emulator with the STS key.
    calls = server.requests(since=seq)
    assert bool(calls) is (case not in ('bad option', 'no answer')), calls
    places = dict(stdout=run.process.stdout, stderr=run.process.stderr, results=json.dumps(run.results),
                  emulator_log=json.dumps(calls))
    leaks = ['%s in %s' % ('secret' if secret != STS['security_token'] else 'token', place)
             for place, text in places.items() for secret in SECRETS if secret in text]
    assert not leaks, leaks
