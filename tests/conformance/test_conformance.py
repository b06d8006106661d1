# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The conformance probe against the emulator, and the committed cloud reports as regression tests.

The probe runs twice, each time against a fresh emulator: the two reports must be the same bytes, hold
no key, secret, token, account, request, group or rule id, and leave no group behind. Every report a
maintainer committed from a real account (tests/emulator/conformance/cloud-*.json) must then equal the
emulator's, case for case: a difference is a bug of the emulator (docs/maintainers/real-account.md).
"""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pytest

import conformance_probe
from conformance_cases import LISTING_DELAY, Probe, find_leftovers
from conformance_client import (
    NAME_MARKER, PROXY_VARIABLES, TEST_TAG_KEY, TEST_TAG_VALUE, OwnGroups, ProbeClient, ProbeRefused, ProbeSafetyError, parse_endpoint, probe_settings,
)
from conformance_report import MISSING, diff_reports, format_differences, write_report
from conformance_shape import Sanitiser
from ecs_emulator.fixture_file import load_fixture
from ecs_emulator.harness import DEFAULT_FIXTURE

REPOSITORY = Path(__file__).resolve().parents[2]
COMMITTED_REPORTS = sorted((REPOSITORY / 'tests' / 'emulator' / 'conformance').glob('cloud-*.json'))
# The actions the modules call (plugins/module_utils): the probe must exercise every one.
MODULE_ACTIONS = {
    'DescribeSecurityGroups', 'DescribeSecurityGroupAttribute', 'AuthorizeSecurityGroup', 'AuthorizeSecurityGroupEgress',
    'RevokeSecurityGroup', 'RevokeSecurityGroupEgress', 'ModifySecurityGroupRule', 'ModifySecurityGroupEgressRule',
    'CreateSecurityGroup', 'DeleteSecurityGroup', 'ModifySecurityGroupAttribute', 'ModifySecurityGroupPolicy', 'TagResources',
    'UntagResources', 'DescribePrefixListAttributes',
}
CREDENTIAL_FIELDS = ('access_key_id', 'access_key_secret', 'security_token', 'account_id', 'account_name')


def fixture_values(node, fields):
    """Every value of the named fields anywhere in the fixture (keys of every account, their account ids and names)."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name in fields and value not in (None, ''):
                yield str(value)
            yield from fixture_values(value, fields)
    elif isinstance(node, list):
        for item in node:
            yield from fixture_values(item, fields)


FIXTURE = load_fixture(DEFAULT_FIXTURE)
FIXTURE_SECRETS = sorted(set(fixture_values(FIXTURE, CREDENTIAL_FIELDS)))
FIXTURE_GROUP_IDS = sorted(set(group['id'] for account in FIXTURE['accounts'] for group in account.get('security_groups') or []))


class EmulatorRun:
    """One probe run against a fresh emulator, with what the emulator saw."""

    def __init__(self):
        with conformance_probe.fresh_emulator() as (emulator, settings):
            self.settings = settings
            self.result = conformance_probe.run_probe(settings)
            self.log = emulator.requests(since=0)
            self.groups_after = emulator.groups()


@pytest.fixture(scope='module')
def runs():
    return [EmulatorRun(), EmulatorRun()]


def test_two_runs_give_the_same_report(runs):
    first, second = runs
    assert first.result.text == second.result.text, '\n'.join(format_differences(diff_reports(first.result.report, second.result.report)))


def test_the_report_holds_no_credential_or_varying_id(runs):
    run = runs[0]
    text = run.result.text
    leaked = [value for value in FIXTURE_SECRETS if value in text]
    assert not leaked, 'fixture keys, secrets, tokens or account ids/names in the report: %s' % leaked
    request_ids = set(entry['request_id'] for entry in run.log if entry.get('request_id'))
    assert request_ids, 'the emulator logged no request id'
    assert not [request_id for request_id in request_ids if request_id in text], 'request ids in the report'
    # Every group and rule id the probe sent (its own groups, the rules it revoked) is replaced by its form.
    sent_ids = set(value for entry in run.log for name, value in (entry.get('params') or {}).items()
                   if (name.endswith('SecurityGroupId') or name.startswith('SecurityGroupRuleId')) and value.startswith(('sg-', 'sgr-')))
    assert sent_ids, 'the emulator logged no group id'
    assert not [value for value in sent_ids if value in text], 'group or rule ids in the report'
    assert run.settings.access_key_id not in text and run.settings.access_key_secret not in text


def test_every_module_action_and_case_ran(runs):
    report = runs[0].result.report
    names = [case['name'] for case in report['cases']]
    assert len(names) == len(set(names))
    assert not [case['name'] for case in report['cases'] if 'skipped' in case], 'the emulator has every input: no case may be skipped'
    assert MODULE_ACTIONS <= set(case['action'] for case in report['cases'])
    assert report['target'] == 'loopback' and report['inputs'] == {'prefix_list': 'given, IPv4', 'second_vpc': 'given'}


def test_the_probe_leaves_no_group_behind(runs):
    for run in runs:
        assert run.result.left_behind == []
        assert not [group for group in run.groups_after if NAME_MARKER in group['name']]
        assert sorted(group['id'] for group in run.groups_after) == FIXTURE_GROUP_IDS


def test_the_probe_writes_only_to_its_own_groups(runs):
    writes = [entry for entry in runs[0].log if entry.get('write')]
    assert writes
    touched = set(value for entry in writes for name, value in (entry.get('params') or {}).items()
                  if name.endswith('GroupId') or name.startswith('ResourceId.'))
    assert not touched & set(FIXTURE_GROUP_IDS)


@pytest.fixture(scope='module')
def emulator_report_like(runs):
    """The emulator's report for the inputs of a cloud report (a prefix list, a second VPC, or not)."""
    reports = {}

    def like(cloud):
        inputs = (conformance_probe.had_prefix_list(cloud['inputs']), conformance_probe.had_second_vpc(cloud['inputs']))
        if inputs == (True, True):
            return runs[0].result.report
        if inputs not in reports:
            reports[inputs] = conformance_probe.run_against_emulator(like_report=cloud).report
        return reports[inputs]
    return like


@pytest.mark.parametrize('cloud_report', COMMITTED_REPORTS or [None], ids=[path.name for path in COMMITTED_REPORTS] or ['no-cloud-report'])
def test_the_emulator_answers_as_the_committed_cloud_report(cloud_report, emulator_report_like):
    if cloud_report is None:
        pytest.skip('no cloud report is committed under tests/emulator/conformance/ yet, so the emulator is compared with no real account; '
                    'docs/maintainers/real-account.md says how to make and commit one')
    cloud = conformance_probe.load_report(cloud_report)
    # Cases added to the probe after the cloud run have no cloud answer to compare with (until a new run is committed).
    differences = [(name, fields) for name, fields in diff_reports(cloud, emulator_report_like(cloud), ignore_skipped=True)
                   if fields != [('case', MISSING, 'present')]]
    assert not differences, '%d cases differ between %s and the emulator:\n%s' % (
        len(differences), cloud_report.name, '\n'.join(format_differences(differences, 'cloud', 'emulator')[:400]))


def test_the_real_account_path_gives_the_same_report(runs, monkeypatch):
    """What only a real account runs (repeated reads, waits before listings, a patient clean-up), here against the
    emulator (the endpoint stays loopback; only the probe's idea of it changes) with the waits recorded, not slept."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    waits = []
    with conformance_probe.fresh_emulator() as (emulator, settings):
        client = ProbeClient(settings, OwnGroups(), sleep=waits.append)
        as_if_cloud = dataclasses.replace(settings, is_loopback=False)
        probe = Probe(client, as_if_cloud, 'feedc0de', conformance_probe.sanitiser_for(as_if_cloud, 'feedc0de'))
        report = probe.run()
        remaining = sorted(group['id'] for group in emulator.groups())
    assert report['target'] == 'cloud' and probe.left_behind == [] and remaining == FIXTURE_GROUP_IDS
    assert set(waits) == {LISTING_DELAY}, 'the emulator is consistent at once: no read had to be repeated'
    differences = diff_reports(report, runs[0].result.report)
    assert not differences, '\n'.join(format_differences(differences, 'as if cloud', 'loopback'))


# --- the clean-up ----------------------------------------------------------------------------------

class AnyWrite(OwnGroups):
    """A guard that lets the test make groups the probe itself would refuse to make."""

    def check_write(self, action, query):
        return None


def emulator_environment(settings):
    return {'ALIBABA_CLOUD_ACCESS_KEY_ID': settings.access_key_id, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': settings.access_key_secret,
            'ALIBABA_CLOUD_REGION_ID': settings.region_id, 'ALICLOUD_ECS_TEST_VPC_ID': settings.vpc_id}


def test_cleanup_deletes_only_groups_with_the_tag_and_the_name_marker():
    with conformance_probe.fresh_emulator() as (emulator, settings):
        client = ProbeClient(settings, AnyWrite())

        def create(name, tagged):
            query = {'SecurityGroupName': name, 'VpcId': settings.vpc_id}
            if tagged:
                query.update({'Tag.1.Key': TEST_TAG_KEY, 'Tag.1.Value': TEST_TAG_VALUE})
            exchange = client.call('CreateSecurityGroup', query)
            assert exchange.ok, exchange
            return exchange.body['SecurityGroupId']

        leftover = create(NAME_MARKER + 'interrupted-main', True)
        referenced = create(NAME_MARKER + 'interrupted-peer', True)
        untagged = create(NAME_MARKER + 'untagged', False)
        unmarked = create('someone-elses-group', True)
        # A rule naming the other leftover: that one can only go once the rule is gone.
        rule = {'Permissions.1.IpProtocol': 'tcp', 'Permissions.1.PortRange': '22/22', 'Permissions.1.SourceGroupId': referenced,
                'SecurityGroupId': leftover}
        assert client.call('AuthorizeSecurityGroup', rule).ok
        out = io.StringIO()
        status = conformance_probe.main(['cleanup', '--endpoint', emulator.endpoint], environ=emulator_environment(settings), out=out)
        remaining = set(group['id'] for group in emulator.groups())
    assert status == 0, out.getvalue()
    assert 'conformance-cleanup: 2 leftover groups found, 2 deleted, 0 left' in out.getvalue()
    assert leftover not in remaining and referenced not in remaining
    assert {untagged, unmarked} | set(FIXTURE_GROUP_IDS) == remaining


def test_an_interrupted_run_still_deletes_what_it_created(monkeypatch):
    def interrupted(_probe):
        raise ProbeSafetyError('interrupted on purpose')
    monkeypatch.setattr(conformance_probe.Probe, 'rule_limit', interrupted)
    with conformance_probe.fresh_emulator() as (emulator, settings):
        with pytest.raises(ProbeSafetyError):
            conformance_probe.run_probe(settings)
        created = [entry for entry in emulator.requests(since=0) if entry['action'] == 'CreateSecurityGroup' and entry['code'] is None]
        assert created
        assert not find_leftovers(ProbeClient(settings, OwnGroups()))
        assert sorted(group['id'] for group in emulator.groups()) == FIXTURE_GROUP_IDS


# --- safety and the pieces -----------------------------------------------------------------------

def test_a_network_endpoint_is_refused_before_anything_is_sent(monkeypatch, capsys):
    def no_client(*_arguments, **_keywords):
        raise AssertionError('a client was built for a refused endpoint')
    monkeypatch.setattr(conformance_probe, 'ProbeClient', no_client)
    environment = {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'id', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'secret', 'ALIBABA_CLOUD_REGION_ID': 'cn-hangzhou',
                   'ALICLOUD_ECS_TEST_VPC_ID': 'vpc-x'}
    for endpoint in ('ecs.cn-hangzhou.aliyuncs.com', 'https://ecs.aliyuncs.com', '10.0.0.1:8080', 'example.com'):
        for command in ('run', 'cleanup'):
            assert conformance_probe.main([command, '--endpoint', endpoint], environ=environment) == 2
            assert 'ALICLOUD_ECS_TEST_CLOUD=yes' in capsys.readouterr().err


@pytest.mark.parametrize('endpoint, expected', [
    ('127.0.0.1:8080', ('http', '127.0.0.1:8080', True)),
    ('localhost', ('http', 'localhost', True)),
    ('[::1]:9000', ('http', '[::1]:9000', True)),
    ('https://127.0.0.2:8443/', ('https', '127.0.0.2:8443', True)),
])
def test_loopback_endpoints_need_no_opt_in(endpoint, expected):
    assert parse_endpoint(endpoint, {}) == expected


@pytest.mark.parametrize('endpoint', ['http://ecs.aliyuncs.com', 'ecs.aliyuncs.com/path', 'https://user@ecs.aliyuncs.com', 'ftp://127.0.0.1', ''])
def test_plain_http_to_a_network_host_and_malformed_endpoints_are_refused_even_with_the_opt_in(endpoint):
    # A dictionary, not the environment: nothing here sends a request.
    with pytest.raises(ProbeRefused):
        parse_endpoint(endpoint, {'ALICLOUD_ECS_TEST_CLOUD': 'yes'})


def test_missing_settings_are_named():
    with pytest.raises(ProbeRefused, match='ALIBABA_CLOUD_REGION_ID, ALICLOUD_ECS_TEST_VPC_ID'):
        probe_settings('127.0.0.1:1', {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'id', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'secret'})


@pytest.mark.parametrize('action, query', [
    ('AuthorizeSecurityGroup', {'SecurityGroupId': 'sg-someone-else'}),
    ('AuthorizeSecurityGroupEgress', {'SecurityGroupId': 'sg-own', 'Permissions.1.DestGroupId': 'sg-someone-else'}),
    ('DeleteSecurityGroup', {'SecurityGroupId': 'sg-someone-else'}),
    ('TagResources', {'ResourceId.1': 'sg-someone-else', 'Tag.1.Key': 'a'}),
    ('TagResources', {'ResourceId.1': 'sg-own', 'Tag.1.Key': TEST_TAG_KEY, 'Tag.1.Value': 'other'}),
    ('UntagResources', {'ResourceId.1': 'sg-own', 'TagKey.1': TEST_TAG_KEY}),
    ('UntagResources', {'ResourceId.1': 'sg-own', 'All': 'true'}),
    ('ModifySecurityGroupAttribute', {'SecurityGroupId': 'sg-own', 'SecurityGroupName': 'renamed'}),
    ('CreateSecurityGroup', {'SecurityGroupName': NAME_MARKER + 'x'}),
    ('CreateSecurityGroup', {'SecurityGroupName': 'x', 'Tag.1.Key': TEST_TAG_KEY, 'Tag.1.Value': TEST_TAG_VALUE}),
])
def test_the_write_guard_refuses_what_the_probe_does_not_own(action, query):
    own_groups = OwnGroups()
    own_groups.add('sg-own')
    with pytest.raises(ProbeSafetyError):
        own_groups.check_write(action, query)


def test_the_write_guard_lets_reads_and_own_writes_through():
    own_groups = OwnGroups()
    own_groups.add('sg-own')
    own_groups.check_write('DescribeSecurityGroupAttribute', {'SecurityGroupId': 'sg-fixture'})
    own_groups.check_write('AuthorizeSecurityGroup', {'SecurityGroupId': 'sg-own', 'Permissions.1.SourceGroupId': 'sg-own'})
    own_groups.check_write('CreateSecurityGroup', {'SecurityGroupName': NAME_MARKER + 'x', 'Tag.2.Key': TEST_TAG_KEY, 'Tag.2.Value': TEST_TAG_VALUE})


def test_the_sanitiser_keeps_forms_and_replaces_what_varies():
    shape = Sanitiser('1a2b3c4d', 'cn-hangzhou', secrets=('LTAI5tSecretKeyId',))
    shape.name('sg-bp1abcdefghij0123456', '<sg:main>')
    body = {
        'RequestId': 'whatever', 'NextToken': 'abc', 'Empty': '', 'Priority': '1', 'Count': 3, 'Owner': 1000000000000001,
        'CreateTime': '2024-01-02T03:04:05Z', 'Other': '2024-01-02T03:04+0800', 'Group': 'sg-bp1abcdefghij0123456',
        'Rule': 'sgr-bp1zzzzzzzzzzzzzzzzz', 'Name': 'alicloud-ecs-conformance-1a2b3c4d-main', 'Host': 'ecs.cn-hangzhou.aliyuncs.com',
        'Recommend': 'https://api.aliyun.com/troubleshoot?q=X&requestId=473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E',
        'Message': 'key LTAI5tSecretKeyId of 1234567890123456 (someone@example.com)', 'List': ['b', 'a'],
    }
    assert shape.answer(body) == {
        'Count': 3, 'CreateTime': '<timestamp:YYYY-MM-DDThh:mm:ssZ>', 'Empty': '', 'Group': '<sg:main>', 'Host': 'ecs.<region>.aliyuncs.com',
        'List': ['a', 'b'], 'Message': 'key <secret> of <account-id> (<account-name>)', 'Name': 'alicloud-ecs-conformance-<run>-main',
        'NextToken': '<token>', 'Other': '<timestamp:YYYY-MM-DDThh:mm+hhmm>', 'Owner': '<number:16 digits>', 'Priority': '1',
        'Recommend': 'https://api.aliyun.com/troubleshoot?q=X&requestId=<request-id>', 'RequestId': '<request-id>', 'Rule': '<sgr-id>',
    }
    with pytest.raises(ValueError):
        shape.assert_clean('... LTAI5tSecretKeyId ...')


def test_conformance_diff_names_the_field_and_both_values(tmp_path, capsys):
    case = dict(name='egress.authorize.upper-case-values', action='AuthorizeSecurityGroupEgress', request={}, status=200, code=None,
                answer={}, observed={'stored': [{'IpProtocol': 'TCP', 'Priority': '1'}]})
    other = json.loads(json.dumps(case))
    other['observed']['stored'][0].update(IpProtocol='tcp', Priority=1)
    header = dict(format=1, api_version='2014-05-26', target='loopback', inputs={})
    for name, cases in (('a.json', [case]), ('b.json', [other]), ('c.json', [case])):
        write_report(tmp_path / name, dict(header, cases=cases))
    assert conformance_probe.main(['diff', str(tmp_path / 'a.json'), str(tmp_path / 'b.json')]) == 1
    printed = capsys.readouterr().out
    assert 'case egress.authorize.upper-case-values' in printed
    assert 'observed.stored[0].IpProtocol\n    A: "TCP"\n    B: "tcp"' in printed
    assert 'observed.stored[0].Priority\n    A: "1"\n    B: 1' in printed
    assert '1 of 1 cases differ' in printed
    assert conformance_probe.main(['diff', str(tmp_path / 'a.json'), str(tmp_path / 'c.json')]) == 0
    assert '0 of 1 cases differ' in capsys.readouterr().out
