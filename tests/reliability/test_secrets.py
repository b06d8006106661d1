# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The access key secret and the STS token never show up, whatever the verbosity and however a run ends, in the
runs of the egress and ingress modules and of security_group alike; and neither do the caller's secret nor the
temporary secret and session token of a RAM role the run assumes through the emulator's STS."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
import yaml

from conftest import DIRECTIONS, EGRESS, GROUP_MODULE, GROUP_MODULE_WRITE_ACTIONS, SuiteEmulator, harness, tally

STS = harness.credentials('main-sts')
MAIN = harness.credentials('main')
PEER_ADMIN = harness.role_arn('peer', 'ecs-admin')
WRONG_SECRET = 'wrong-secret-Zq81xWv0'
# The secrets any run may hold; the temporary keys that AssumeRole issues are added to them once they exist.
FIXED_SECRETS = {'the STS key\'s secret': STS['access_key_secret'], 'the STS key\'s token': STS['security_token'],
                 'the caller\'s secret': MAIN['access_key_secret'], 'the wrong secret': WRONG_SECRET}
VPC = 'vpc-demo-1'


@dataclass(frozen=True)
class Place:
    """Where the runs of one way of signing act: the account's groups the cases use."""

    group: str
    full_group: str
    doomed_group: str


# With the fixture's STS key (main-sts), the runs act in account main; through the role ecs-admin of account peer,
# which main assumes, in account peer, whose groups are invisible to main's keys.
PLACES = {
    'keys': Place(group='sg-rel-secrets', full_group='sg-demo-full', doomed_group='sg-rel-secrets-doomed'),
    'assumed role': Place(group='sg-rel-secrets-peer', full_group='sg-rel-secrets-peer-full', doomed_group='sg-rel-secrets-peer-doomed'),
}
SEEDED_GROUP = dict(description='secrets test', tags={'env': 'test', 'team': 'secrets'},
                    ingress=[{'IpProtocol': 'TCP', 'PortRange': '22/22', 'SourceCidrIp': '10.8.0.0/16', 'Description': 'seeded ssh'}],
                    egress=[{'IpProtocol': 'UDP', 'PortRange': '53/53', 'DestCidrIp': '10.8.0.0/16', 'Description': 'seeded dns'}])
# sg-demo-full of the default fixture is 2 rules short of the limit, which counts both directions; peer's twin likewise.
NEAR_LIMIT = dict(filler_ingress=198)


def rule_cases(direction, place):
    """Every way a run of the modules of ``direction`` can end: case name -> what to run and how it ends."""
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
        # 3 more rules of either direction are too many for the near-full group.
        'over the limit': dict(args=dict(rules=[dict(rule, port_range='%d/%d' % (port, port)) for port in range(1, 4)],
                                         security_group_id=place.full_group), fails='200'),
        'info': dict(module=direction.info_module, args=dict(), diff=True, check=True),
        'info, unknown group': dict(module=direction.info_module, args=dict(security_group_id='sg-does-not-exist'), fails='NotFound'),
    }


def group_cases(place):
    """Every way a security_group run can end, as rule_cases() gives them; each case names a group of its own."""
    def new(label, **extra):
        return dict(dict(name='rel-secrets-%s' % label, vpc_id=VPC, description='secrets test', tags={'env': 'test'},
                         rules=[{'ip_protocol': 'tcp', 'port_range': '443/443', 'source_cidr_ip': '10.9.0.0/16'}],
                         rules_egress=[{'ip_protocol': 'udp', 'port_range': '53/53', 'dest_cidr_ip': '10.9.0.0/16'}]), **extra)

    changed = dict(security_group_id=place.group, tags={'env': 'prod'}, purge_tags=True, inner_access_policy='drop',
                   rules=[{'ip_protocol': 'tcp', 'port_range': '443/443', 'source_cidr_ip': '10.9.0.0/16'}],
                   rules_egress=[], purge_rules_egress=True)
    return {
        'created': dict(args=new('created')),
        'created, keys as options': dict(args=new('options', access_key_id=STS['access_key_id'], access_key_secret=STS['access_key_secret'],
                                                  security_token=STS['security_token']),
                                         env=dict(ALIBABA_CLOUD_ACCESS_KEY_ID='', ALIBABA_CLOUD_ACCESS_KEY_SECRET='')),
        'check and diff': dict(args=new('checked'), check=True, diff=True),
        'changed, diff': dict(args=changed, diff=True),
        'bad option': dict(args=new('bad', name='1bad'), fails='name'),
        'unknown group': dict(args=dict(security_group_id='sg-does-not-exist'), fails='security_group_id'),
        'wrong secret': dict(args=new('wrong', access_key_id=STS['access_key_id'], access_key_secret=WRONG_SECRET,
                                      security_token=STS['security_token']), fails='SignatureDoesNotMatch'),
        'retries spent': dict(args=new('spent', retries=1, retry_backoff=0.01),
                              faults={'rules': [{'kind': 'service_unavailable', 'actions': ['CreateSecurityGroup']}]}, fails='ServiceUnavailable'),
        'no answer': dict(args=new('unanswered', endpoint='http://127.0.0.1:9', retries=0), fails='ConnectionError'),
        'over the limit': dict(args=dict(security_group_id=place.full_group, purge_rules=False,
                                         rules=[{'ip_protocol': 'tcp', 'port_range': '1/1', 'source_cidr_ip': '10.0.0.0/8'}],
                                         rules_egress=[{'ip_protocol': 'tcp', 'port_range': '%d/%d' % (port, port), 'dest_cidr_ip': '10.0.0.0/8'}
                                                       for port in (1, 2)]), fails='200'),
        'deleted, diff': dict(args=dict(security_group_id=place.doomed_group, state='absent'), diff=True),
        'info': dict(module='alicloud.ecs.security_group_info', args=dict(security_group_ids=[place.group, place.full_group], include_rules=True)),
    }


# The case names are the same in both directions and for both ways of signing.
RULE_CASE_NAMES = sorted(rule_cases(EGRESS, PLACES['keys']))
GROUP_CASE_NAMES = sorted(group_cases(PLACES['keys']))
# Every rule case runs in both directions with the STS key, and once through the assumed role, the directions taking
# turns: the role's credentials reach the two modules through the same code, and a run per case and direction would
# cost the suite twelve more playbook runs (a second or so each) for no further path.
RULE_RUNS = [pytest.param(case, direction, 'keys', id='%s-keys-%s' % (direction.name, case))
             for direction in DIRECTIONS for case in RULE_CASE_NAMES]
RULE_RUNS += [pytest.param(case, DIRECTIONS[index % 2], 'assumed role', id='%s-assumed role-%s' % (DIRECTIONS[index % 2].name, case))
              for index, case in enumerate(RULE_CASE_NAMES)]
# Cases that end before any call (bad input) or without an ECS answer (no endpoint there).
NO_CALL, NO_ECS_ANSWER = 'bad option', 'no answer'


@pytest.fixture(scope='module')
def server():
    main_groups = {PLACES['keys'].group: dict(SEEDED_GROUP), PLACES['keys'].doomed_group: {}}
    peer_groups = {PLACES['assumed role'].group: dict(SEEDED_GROUP), PLACES['assumed role'].full_group: dict(NEAR_LIMIT),
                   PLACES['assumed role'].doomed_group: {}}
    with SuiteEmulator(main_groups, peer_groups=peer_groups) as emulator:
        yield emulator


@pytest.fixture(name='signing', params=sorted(PLACES))
def signing_fixture(request):
    """A security_group case runs once signed with the fixture's STS key, and once through a role assumed with main's key."""
    return request.param


def scan(server, runner, tmp_path, module, spec, signing, default_group):
    """Run one case at -vvvv and return what the checks need: the run, its ECS and STS calls, and the leaks:
    every secret found in the output, the recorded results or the emulator's log, as 'what in where'."""
    server.clear_faults()
    if spec.get('faults'):
        server.set_faults(spec['faults'])
    seq = server.requests()[-1]['seq'] if server.requests() else 0
    keys_before = {key['access_key_id'] for key in server.temporary_keys()}
    options = dict(dict(security_group_id=default_group) if module != GROUP_MODULE else {}, **spec['args'])
    task = {'name': 'case', spec.get('module', module): options}
    playbook = tmp_path / 'play.yml'
    playbook.write_text(yaml.safe_dump([dict(name='secrets', hosts='localhost', gather_facts=False, tasks=[task])]), encoding='utf-8')
    flags = ['-vvvv'] + (['--check'] if spec.get('check') else []) + (['--diff'] if spec.get('diff') else [])
    env = dict(spec.get('env') or {})
    if signing == 'assumed role':
        env.update({harness.TRUST_VARIABLE: server.sts_ca_file, 'ALIBABA_CLOUD_STS_ENDPOINT': server.sts_endpoint,
                    'ALICLOUD_ASSUME_ROLE_ARN': PEER_ADMIN})
    run = runner.playbook(playbook, credentials='main-sts' if signing == 'keys' else 'main', env=env, args=flags)
    server.clear_faults()
    calls = server.requests(since=seq)
    issued = [key for key in server.temporary_keys() if key['access_key_id'] not in keys_before]
    secrets = dict(FIXED_SECRETS)
    for number, key in enumerate(issued):
        secrets.update({'temporary secret %d' % number: key['secret'], 'session token %d' % number: key['security_token']})
    places = dict(stdout=run.process.stdout, stderr=run.process.stderr, results=json.dumps(run.results), emulator_log=json.dumps(calls),
                  emulator_stderr=server.stderr())
    leaks = ['%s in %s' % (what, place) for place, text in places.items() for what, secret in secrets.items() if secret in text]
    ecs_calls = [entry for entry in calls if entry.get('service', 'ecs') == 'ecs']
    sts_calls = [entry for entry in calls if entry.get('service') == 'sts']
    figures = dict(cases=1, failed_runs=int(run.failed), api_calls=len(ecs_calls), sts_calls=len(sts_calls), temporary_keys=len(issued),
                   secrets_scanned=len(secrets), characters_searched=sum(len(text) for text in places.values()), leaks=len(leaks))
    return run, ecs_calls, sts_calls, issued, figures, leaks


def check_case(case, spec, signing, run, ecs_calls, sts_calls, issued, write_actions, leaks):
    if spec.get('fails'):
        assert run.failed and spec['fails'] in run.result['msg'], run.output
    else:
        assert not run.failed, run.output
    # Every case but those that stop before the API reached it, with the STS key or the role's temporary key; through a
    # role, every case but bad input asked STS first, and a wrong caller secret ended there.
    stops_at_sts = signing == 'assumed role' and case == 'wrong secret'
    assert bool(ecs_calls) is (case not in (NO_CALL, NO_ECS_ANSWER) and not stops_at_sts), ecs_calls
    assert len(sts_calls) == (0 if signing == 'keys' or case == NO_CALL else 1), sts_calls
    # The role's temporary key was issued (so that its secret and token were among those searched for) and signed
    # every ECS call.
    assert len(issued) == len(sts_calls) - stops_at_sts, issued
    assert signing == 'keys' or {entry['access_key_id'] for entry in ecs_calls} <= {key['access_key_id'] for key in issued}, ecs_calls
    writes = [entry['action'] for entry in ecs_calls if entry['write']]
    assert all(action in write_actions for action in writes), writes
    assert not leaks, leaks


@pytest.mark.parametrize('case, direction, signing', RULE_RUNS)
def test_no_secret_in_any_output(case, direction, signing, server, playbooks, tmp_path):
    spec = rule_cases(direction, PLACES[signing])[case]
    run, ecs_calls, sts_calls, issued, figures, leaks = scan(server, playbooks(server), tmp_path, direction.module, spec, signing,
                                                             PLACES[signing].group)
    tally('secrets at -vvvv, %s, %s' % (direction.name, signing), **figures)
    check_case(case, spec, signing, run, ecs_calls, sts_calls, issued, direction.write_actions, leaks)


@pytest.mark.parametrize('case', GROUP_CASE_NAMES)
def test_no_secret_in_any_output_of_security_group(case, signing, server, playbooks, tmp_path):
    spec = group_cases(PLACES[signing])[case]
    run, ecs_calls, sts_calls, issued, figures, leaks = scan(server, playbooks(server), tmp_path, GROUP_MODULE, spec, signing,
                                                             PLACES[signing].group)
    tally('secrets at -vvvv, security_group, %s' % signing, **figures)
    check_case(case, spec, signing, run, ecs_calls, sts_calls, issued, GROUP_MODULE_WRITE_ACTIONS, leaks)
