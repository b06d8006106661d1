# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""alicloud.ecs.security_group_audit against an emulated estate: hundreds of groups in two regions and two accounts,
with exposures planted in the ways a static matcher gets wrong, and against the default fixture for every option
and failure."""

from __future__ import annotations

import ipaddress
import json
import math
import os
import tempfile
from collections import Counter

import pytest

from conftest import REPO, PlaybookRunner, harness  # pylint: disable=import-error

PEER_ROLE = harness.role_arn('peer', 'ecs-admin')
SSH, RDP, ADMIN, ALL = 'internet_ssh', 'internet_rdp', 'internet_remote_admin', 'internet_all_traffic'


def permission(protocol, ports, source, policy='Accept', priority=1, ipv6=False):
    return {'IpProtocol': protocol, 'PortRange': ports, 'Ipv6SourceCidrIp' if ipv6 else 'SourceCidrIp': source, 'Policy': policy,
            'Priority': priority, 'NicType': 'intranet'}


# Planted patterns: the rules, and the checks they must fail, decided by reading the rules as ECS does (the module
# docstrings say how); a static matcher would flag 'dropped', 'tie' and 'around', and miss 'split' and 'ipv6_all'.
PATTERNS = {
    'clean': ([], set()),
    'plain': ([permission('TCP', '22/22', '0.0.0.0/0')], {SSH}),
    'split': ([permission('TCP', '20/30', '0.0.0.0/1'), permission('TCP', '22/22', '128.0.0.0/1')], {SSH}),
    'ipv6_all': ([permission('ALL', '-1/-1', '::/0', ipv6=True)], {SSH, RDP, ADMIN, ALL}),
    'dropped': ([permission('TCP', '22/22', '0.0.0.0/0', priority=5), permission('TCP', '1/1024', '0.0.0.0/0', 'Drop', priority=1)], set()),
    'tie': ([permission('TCP', '3389/3389', '0.0.0.0/0'), permission('TCP', '3389/3389', '198.51.100.7/32', 'Drop')], set()),
    'vnc': ([permission('TCP', '5900/5901', '0.0.0.0/0')], {ADMIN}),
    'around': ([permission('TCP', '1/21', '0.0.0.0/0'), permission('TCP', '24/100', '0.0.0.0/0')], set()),
    'all_v4': ([permission('ALL', '-1/-1', '0.0.0.0/0', priority=50)], {SSH, RDP, ADMIN, ALL}),
}
ORDER = sorted(PATTERNS)
# Planted apart from the cycle above (see the estate fixture): an SSH rule from a list of both halves of IPv4.
PATTERNS['prefix_list'] = ([], {SSH})


def filler(index):
    return [permission('TCP', '%d/%d' % (10000 + step, 10000 + step), '10.%d.0.0/16' % (index % 200)) for step in range(4)]


def estate_groups(prefix, count, region, vpc_id, offset=0):
    groups, planted = {}, {}
    for index in range(count):
        pattern = ORDER[(index + offset) % len(ORDER)]
        group_id = 'sg-%s-%03d' % (prefix, index)
        groups[group_id] = dict(region=region, vpc_id=vpc_id, name='%s-%03d' % (prefix, index),
                                ingress=filler(index) + PATTERNS[pattern][0], tags=dict(team='team-%d' % (index % 3)))
        planted[group_id] = pattern
    return groups, planted


HALVES_LIST = 'pl-est-halves'


def with_prefix_list(path):
    """The fixture at ``path`` with a prefix list of main in cn-hangzhou whose two entries make up all of IPv4."""
    with open(path, encoding='utf-8') as handle:
        fixture = json.load(handle)
    main = next(account for account in fixture['accounts'] if account['name'] == 'main')
    main.setdefault('prefix_lists', []).append(dict(id=HALVES_LIST, region='cn-hangzhou', name='est-halves', address_family='IPv4',
                                                    description='both halves of IPv4', max_entries=10, entries=[
                                                        dict(cidr='0.0.0.0/1', description='lower half'),
                                                        dict(cidr='128.0.0.0/1', description='upper half')]))
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(fixture, handle)
    return path


@pytest.fixture(scope='module')
def estate(tmp_path_factory):
    """An emulator holding, besides the default fixture, 130 + 70 planted groups of main in two regions, 3 more whose SSH
    rule names a prefix list that adds up to all of IPv4, and 60 groups of peer."""
    main_hz, planted = estate_groups('est-hz', 130, 'cn-hangzhou', 'vpc-demo-1')
    main_sh, planted_sh = estate_groups('est-sh', 70, 'cn-shanghai', 'vpc-demo-3', offset=1)
    peer_hz, planted_peer = estate_groups('est-peer', 60, 'cn-hangzhou', 'vpc-demo-1', offset=2)
    planted.update(planted_sh)
    planted.update(planted_peer)
    for index in range(3):
        group_id = 'sg-est-pl-%d' % index
        main_hz[group_id] = dict(region='cn-hangzhou', vpc_id='vpc-demo-1', name='est-pl-%d' % index, ingress=filler(index) + [
            {'IpProtocol': 'TCP', 'PortRange': '22/22', 'SourcePrefixListId': HALVES_LIST, 'Policy': 'Accept', 'Priority': 1, 'NicType': 'intranet'}])
        planted[group_id] = 'prefix_list'
    with tempfile.TemporaryDirectory(prefix='ecs-audit-') as directory:
        fixture = harness.write_fixture(os.path.join(directory, 'fixture.json'), dict(main_hz, **main_sh))
        fixture = with_prefix_list(harness.write_fixture(fixture, peer_hz, account='peer', base=fixture))
        server = harness.Emulator(os.path.join(directory, 'state.sqlite'), fixture_path=fixture)
        server.start()
        try:
            yield server, planted, PlaybookRunner(server, tmp_path_factory.mktemp('audit-playbooks'))
        finally:
            server.stop()


def sts_env(server):
    return {harness.TRUST_VARIABLE: server.sts_ca_file, 'ALIBABA_CLOUD_STS_ENDPOINT': server.sts_endpoint}


def audit(runner, args, check=False, env=None):
    return runner.task(args, check=check, env=env, module='security_group_audit')


def failed_checks(run):
    found = {}
    for finding in run.result['findings']:
        if finding['status'] == 'fail' and finding['check'].startswith('internet_'):
            found.setdefault(finding['security_group_id'], set()).add(finding['check'])
    return found


def test_an_estate_of_two_accounts_and_two_regions_is_answered_exactly_with_one_read_per_group(estate):
    server, planted, runner = estate
    server.clear_log()
    run = audit(runner, dict(regions=['cn-hangzhou', 'cn-shanghai'], accounts=[dict(name='main'), dict(name='peer', assume_role_arn=PEER_ROLE)]),
                env=sts_env(server))
    assert not run.failed, run.output
    expected = dict((group_id, PATTERNS[pattern][1]) for group_id, pattern in planted.items() if PATTERNS[pattern][1])
    found = failed_checks(run)
    print('groups audited: %d, planted exposures: %d, found: %d' % (run.result['summary']['groups'], len(expected), len(found)))
    assert found == expected
    # Every group of both accounts, as the emulator's own listing has them, audited once.
    truth = Counter((group['account_id'], group['region']) for group in server.groups())
    assert run.result['summary']['groups'] == sum(truth.values())
    ids = [group['security_group_id'] for group in run.result['groups']]
    assert len(ids) == len(set(ids)) == sum(truth.values())
    assert set(group['account'] for group in run.result['groups']) == {'main', 'peer'}
    # One list call per 100 groups of each account and region, one read per VPC group and two per classic group.
    calls = Counter(entry['action'] for entry in server.requests() if entry.get('service') != 'sts')
    classic = sum(1 for group in server.groups() if group['vpc_id'] is None)
    print('calls: %s for %s' % (dict(calls), dict(truth)))
    assert calls['DescribeSecurityGroups'] == sum(max(1, math.ceil(count / 100)) for count in truth.values()) + \
        sum(1 for account in ('1000000000000001', '1000000000000002') for region in ('cn-hangzhou', 'cn-shanghai') if (account, region) not in truth)
    assert calls['DescribeSecurityGroupAttribute'] == sum(truth.values()) + classic
    # The list three groups name is read once (as is the DNS list of the default fixture's groups, if any names it).
    list_reads = Counter(entry['params']['PrefixListId'] for entry in server.requests() if entry['action'] == 'DescribePrefixListAttributes')
    print('prefix list reads: %s' % dict(list_reads))
    assert list_reads[HALVES_LIST] == 1 and set(list_reads.values()) == {1}
    assert set(calls) == {'DescribeSecurityGroups', 'DescribeSecurityGroupAttribute', 'DescribePrefixListAttributes'}
    assert not run.result['changed']


def test_each_finding_names_the_rules_a_remediation_feeds_back_and_a_witness_the_evaluator_confirms(estate):
    server, planted, runner = estate
    split = sorted(group_id for group_id, pattern in planted.items() if pattern == 'split' and group_id.startswith('sg-est-hz'))[0]
    run = audit(runner, dict(security_group_ids=[split]))
    assert not run.failed, run.output
    (finding,) = run.result['findings']
    print('finding: %s' % finding['message'])
    assert finding['check'] == SSH and finding['cis'] == '4.3' and finding['severity'] == 'high'
    assert finding['exposure']['whole_internet'] is True and finding['exposure']['families'] == ['ipv4']
    assert sorted(rule['source_cidr_ip'] for rule in finding['rules']) == ['0.0.0.0/1', '128.0.0.0/1']
    assert all(rule['security_group_rule_id'] in finding['message'] for rule in finding['rules'])
    assert finding['witness']['verdict'] == 'accept' and finding['witness']['port'] == 22
    # Fed back to the rule module, the rules go, and the group passes the next audit.
    removed = runner.task(dict(security_group_id=split, rules=finding['rules'], state='absent'), module='security_group_ingress')
    assert not removed.failed and removed.result['changed'], removed.output
    again = audit(runner, dict(security_group_ids=[split]))
    assert again.result['findings'] == [] and again.result['groups'][0]['status'] == 'pass'


def test_the_scope_options_select_groups_by_id_name_vpc_and_tags(estate):
    server, planted, runner = estate
    by_tag = audit(runner, dict(regions=['cn-shanghai'], tags=dict(team='team-1')))
    assert not by_tag.failed, by_tag.output
    expected = sorted(group['id'] for group in server.groups() if group['region'] == 'cn-shanghai' and group['account_id'] == '1000000000000001'
                      and group['tags'].get('team') == 'team-1')
    assert sorted(group['security_group_id'] for group in by_tag.result['groups']) == expected and expected
    by_name = audit(runner, dict(security_group_names=['est-hz-001', 'est-hz-002'], security_group_ids=['sg-est-hz-003']))
    assert sorted(group['security_group_id'] for group in by_name.result['groups']) == ['sg-est-hz-001', 'sg-est-hz-002', 'sg-est-hz-003']
    by_vpc = audit(runner, dict(vpc_id='vpc-demo-2'))
    in_vpc = sorted(group['id'] for group in server.groups() if group['vpc_id'] == 'vpc-demo-2' and group['account_id'] == '1000000000000001'
                    and group['region'] == 'cn-hangzhou')
    assert sorted(group['security_group_id'] for group in by_vpc.result['groups']) == in_vpc and in_vpc


def test_the_gate_fails_naming_group_check_and_rule_and_keeps_the_report(estate):
    server, planted, runner = estate
    plain = sorted(group_id for group_id, pattern in planted.items() if pattern == 'plain' and group_id.startswith('sg-est-hz'))[:2]
    run = audit(runner, dict(security_group_ids=plain, fail_on='high'))
    assert run.failed
    message = run.result['msg']
    print('gate: %s' % message)
    assert message.startswith('fail_on=high: 2 findings')
    for group_id in plain:
        assert group_id in message
    assert 'internet_ssh [CIS 4.3]' in message and 'sgr-' in message
    assert len(run.result['findings']) == 2 and run.result['changed'] is False
    # A floor above the findings' severity lets the task pass, with the same findings.
    lenient = audit(runner, dict(security_group_ids=plain, fail_on='critical'))
    assert not lenient.failed and len(lenient.result['findings']) == 2


def test_a_team_policy_is_held_to_the_flows_the_rules_accept(fresh, runner):
    runner.task(dict(security_group_id='sg-demo-app', rules=[
        dict(ip_protocol='tcp', port_range='5400/5500', source_cidr_ip='0.0.0.0/0', priority=10),
        dict(ip_protocol='tcp', port_range='5432/5432', source_cidr_ip='172.16.0.0/12', policy='drop', priority=1),
        dict(ip_protocol='tcp', port_range='9100/9100', source_cidr_ip='10.0.0.0/8')]), module='security_group_ingress')
    run = audit(runner, dict(security_group_ids=['sg-demo-app'], forbid=[
        dict(name='postgres only from the VPC', protocol='tcp', ports=['5432'], remote_except=['10.0.0.0/8']),
        dict(name='no postgres from 172.16/12', protocol='tcp', ports=['5432'], remote=['172.16.0.0/12'], severity='medium')], require=[
        dict(name='monitoring reaches the exporter', protocol='tcp', ports=['9100'], remote=['10.20.0.5']),
        dict(name='the office reaches 8443', protocol='tcp', ports=['8443'], remote=['198.51.100.0/24'])]))
    assert not run.failed, run.output
    by_title = dict((finding['title'], finding) for finding in run.result['findings'])
    print('findings: %s' % sorted(by_title))
    assert sorted(by_title) == ['forbid: postgres only from the VPC', 'require: the office reaches 8443']
    forbidden = by_title['forbid: postgres only from the VPC']
    # 0.0.0.0/0 but 10/8 (not asked) and 172.16/12 (dropped by the higher-priority rule).
    assert '172.16.0.0/12' not in forbidden['exposure']['reachable_from'] and '11.0.0.0/8' in forbidden['exposure']['reachable_from']
    assert [rule['port_range'] for rule in forbidden['rules']] == ['5400/5500']
    required = by_title['require: the office reaches 8443']
    assert required['exposure']['not_reached_from'] == ['198.51.100.0/24'] and required['witness']['verdict'] == 'drop'
    assert required['decided_by_default'] is True
    assert run.result['groups'][0]['checks']['forbid[1]: no postgres from 172.16/12'] == 'pass'


def test_a_tolerated_prefix_length_reports_partial_exposure_at_medium(fresh, runner):
    runner.task(dict(security_group_id='sg-demo-app', rules=[dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='64.0.0.0/2')]),
                module='security_group_ingress')
    strict = audit(runner, dict(security_group_ids=['sg-demo-app'], tolerated_prefix_length=dict(ipv4=8)))
    (finding,) = strict.result['findings']
    print('partial: %s' % finding['message'])
    assert finding['severity'] == 'medium' and finding['exposure']['whole_internet'] is False
    # The rule's block less what no internet packet comes from (shared address space, loopback).
    public = [ipaddress.ip_network('64.0.0.0/2')]
    for special in ('100.64.0.0/10', '127.0.0.0/8'):
        public = [piece for block in public for piece in (block.address_exclude(ipaddress.ip_network(special))
                                                          if block.overlaps(ipaddress.ip_network(special)) else [block])]
    expected = sorted(ipaddress.collapse_addresses(public))
    assert finding['exposure']['reachable_from'] == [str(block) for block in expected]
    assert finding['exposure']['widest_source'] == str(min(expected, key=lambda block: block.prefixlen))
    assert audit(runner, dict(security_group_ids=['sg-demo-app'])).result['findings'] == []


def test_unreadable_groups_and_prefix_lists_are_reported_and_fatal_only_when_asked(fresh, runner):
    runner.task(dict(security_group_id='sg-demo-app', rules=[dict(ip_protocol='tcp', port_range='22/22', source_prefix_list_id='pl-demo-ipv4')]),
                module='security_group_ingress')
    fresh.set_faults(dict(rules=[dict(kind='error', code='Forbidden.RAM', status=403, actions=['DescribePrefixListAttributes'])]))
    run = audit(runner, dict(security_group_ids=['sg-demo-app', 'sg-demo-db', 'sg-nowhere']))
    assert not run.failed, run.output
    kinds = sorted((entry['kind'], entry['id'], entry['error']['code']) for entry in run.result['unreadable'])
    print('unreadable: %s' % kinds)
    assert kinds == [('prefix_list', 'pl-demo-ipv4', 'Forbidden.RAM'), ('security_group', 'sg-nowhere', 'NotFound')]
    refused_list = [entry for entry in run.result['unreadable'] if entry['kind'] == 'prefix_list'][0]
    assert refused_list['error']['http_status'] == 403 and refused_list['error']['request_id']
    (finding,) = run.result['findings']
    assert finding['status'] == 'undetermined' and 'pl-demo-ipv4' in finding['message']
    assert run.result['summary']['undetermined'] == 1
    strict = audit(runner, dict(security_group_ids=['sg-demo-app', 'sg-nowhere'], fail_on_unreadable=True))
    assert strict.failed and 'pl-demo-ipv4' in strict.result['msg'] and 'sg-nowhere' in strict.result['msg']
    # A group whose read is refused is reported, the others audited.
    fresh.set_faults(dict(rules=[dict(kind='error', code='Forbidden.RAM', status=403, actions=['DescribeSecurityGroupAttribute'], first=1)]))
    refused = audit(runner, dict(security_group_ids=['sg-demo-app', 'sg-demo-db'], max_concurrency=1))
    assert not refused.failed, refused.output
    statuses = sorted(group['status'] for group in refused.result['groups'])
    assert statuses[-1] == 'unreadable' and len(statuses) == 2
    assert refused.result['unreadable'][0]['error']['http_status'] == 403


def test_throttled_reads_are_retried_within_the_budget_and_change_no_answer(estate):
    server, planted, runner = estate
    baseline = audit(runner, dict(regions=['cn-shanghai']))
    server.set_faults(dict(seed=7, rules=[dict(kind='throttle', actions=['DescribeSecurityGroupAttribute', 'DescribeSecurityGroups'], rate=0.3)]))
    try:
        server.clear_log()
        run = audit(runner, dict(regions=['cn-shanghai'], retry_backoff=0.05))
    finally:
        server.clear_faults()
    assert not run.failed, run.output
    throttled = sum(1 for entry in server.requests() if entry['fault'] == 'throttle')
    print('throttled answers: %d' % throttled)
    assert throttled > 0
    assert failed_checks(run) == failed_checks(baseline) and run.result['summary']['groups'] == baseline.result['summary']['groups']


def test_reads_run_max_concurrency_at_a_time(estate):
    server, planted, runner = estate
    server.set_faults(dict(rules=[dict(kind='latency', actions=['DescribeSecurityGroupAttribute'], latency_ms=150)]))
    spans = {}
    try:
        for workers in (1, 8):
            server.clear_log()
            run = audit(runner, dict(regions=['cn-shanghai'], max_concurrency=workers))
            assert not run.failed, run.output
            times = [entry['time'] for entry in server.requests() if entry['action'] == 'DescribeSecurityGroupAttribute']
            spans[workers] = (len(times), max(times) - min(times))
    finally:
        server.clear_faults()
    print('reads and seconds from first to last, serial and 8 at a time: %s' % spans)
    assert spans[1][0] == spans[8][0] > 50
    # Serial reads cannot be closer than the latency; eight at a time finish in well under half that span.
    assert spans[1][1] >= (spans[1][0] - 1) * 0.15 and spans[8][1] < spans[1][1] / 3


def test_an_account_that_cannot_be_listed_is_reported_and_the_others_audited(estate):
    server, planted, runner = estate
    run = audit(runner, dict(regions=['cn-hangzhou'], accounts=[dict(name='main'), dict(name='nobody', assume_role_arn=harness.role_arn(
        'peer', 'no-such-role'))]), env=sts_env(server))
    assert not run.failed, run.output
    scopes = [entry for entry in run.result['unreadable'] if entry['kind'] == 'scope']
    print('unlisted: %s' % scopes)
    assert [(entry['account'], entry['region']) for entry in scopes] == [('nobody', 'cn-hangzhou')]
    assert scopes[0]['error']['code'] and set(group['account'] for group in run.result['groups']) == {'main'}
    assert 'nobody/cn-hangzhou' in run.output
    alone = audit(runner, dict(regions=['cn-hangzhou'], accounts=[dict(name='nobody', assume_role_arn=harness.role_arn('peer', 'no-such-role'))]),
                  env=sts_env(server))
    assert alone.failed and alone.result['error']['code'] == scopes[0]['error']['code']


def test_groups_asked_for_that_no_scope_lists_are_reported_with_why(fresh, runner):
    run = audit(runner, dict(security_group_ids=['sg-demo-app'], security_group_names=['no-such-name'], vpc_id='vpc-demo-2'))
    assert not run.failed, run.output
    entries = sorted((entry['kind'], entry['id'], entry['error']['message']) for entry in run.result['unreadable'])
    print(entries)
    assert entries == [('security_group', 'sg-demo-app', 'no account and region of the audit lists it with the vpc_id and tags given'),
                       ('security_group_name', 'no-such-name', 'no account and region of the audit lists it with the vpc_id and tags given')]
    assert 'no security group was audited' in run.output


def test_a_boolean_tag_value_selects_as_the_console_writes_it_and_regions_need_no_region(fresh, runner):
    run = audit(runner, dict(regions=['cn-hangzhou'], tags={'sae.do.not.delete': True}), env=dict(ALIBABA_CLOUD_REGION_ID=''))
    assert not run.failed, run.output
    selected = [group['security_group_id'] for group in run.result['groups']]
    expected = sorted(group['id'] for group in fresh.groups() if group['tags'].get('sae.do.not.delete') == 'true')
    print('selected: %s' % selected)
    assert sorted(selected) == expected and expected


def test_check_mode_answers_the_same(fresh, runner):
    normal = audit(runner, dict(regions=['cn-hangzhou']))
    checked = audit(runner, dict(regions=['cn-hangzhou']), check=True)
    assert not checked.failed and checked.result['summary'] == normal.result['summary']


@pytest.mark.parametrize('args, fragment', [
    (dict(remote_admin_ports=['23', 'ssh']), "remote_admin_ports[1]: 'ssh' is not a port"),
    (dict(remote_admin_ports=['70000']), 'remote_admin_ports[0]: '),
    (dict(tolerated_prefix_length=dict(ipv4=33)), 'tolerated_prefix_length.ipv4: must be 0 to 32'),
    (dict(forbid=[dict(protocol='tcpp')]), "forbid[0].protocol: 'tcpp' is not valid; accepted values: all, tcp"),
    (dict(forbid=[dict(protocol='icmp', ports=['22'])]), 'forbid[0].ports: applies only to tcp and udp'),
    (dict(require=[dict(protocol='tcp', remote=['10.0.0.300/8'])]), 'require[0].remote[0]: '),
    (dict(forbid=[dict(protocol='tcp', remote=['10.0.0.0/8'], remote_except=['10.0.0.0/8'])]), 'forbid[0].remote_except: leaves no'),
    (dict(regions=['cn-hangzhou', ' ']), 'regions: an element is empty'),
    (dict(accounts=[dict(name='a'), dict(name='a')]), 'accounts[1].name: '),
    (dict(accounts=[dict(name='x', access_key_id='only-the-id')]), 'accounts[0] (x): access_key_id and access_key_secret'),
    (dict(max_concurrency=0), 'max_concurrency: must be 1'),
    (dict(security_group_ids=['']), 'security_group_ids[0]: is empty'),
    (dict(checks=['internet_telnet']), 'internet_telnet'),
    (dict(fail_on='severe'), 'fail_on'),
])
def test_bad_input_fails_naming_the_option_before_any_call(fresh, runner, args, fragment):
    run = audit(runner, args)
    assert run.failed
    print('message: %s' % run.result['msg'])
    assert fragment in run.result['msg']
    assert fresh.requests() == []
    assert 'Traceback' not in run.output


def test_without_a_region_the_message_says_to_give_one(fresh, runner):
    run = audit(runner, {}, env=dict(ALIBABA_CLOUD_REGION_ID=''))
    assert run.failed and 'region' in run.result['msg'] and fresh.requests() == []


def test_a_listing_the_api_refuses_fails_with_its_code_and_request_id(fresh, runner):
    fresh.set_faults(dict(rules=[dict(kind='error', code='Forbidden.RAM', status=403, actions=['DescribeSecurityGroups'])]))
    run = audit(runner, dict(regions=['cn-hangzhou']))
    assert run.failed
    print('message: %s' % run.result['msg'])
    assert run.result['error']['code'] == 'Forbidden.RAM' and run.result['error']['request_id']
    assert 'HTTP 403' in run.result['msg'] and run.result['changed'] is False


def test_the_documented_gate_playbook_writes_its_report_and_fails_on_high_findings(fresh, runner, tmp_path):
    playbook = REPO / 'docs' / 'examples' / 'audit_gate.yml'
    runner.task(dict(security_group_id='sg-demo-app', rules=[dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='0.0.0.0/1'),
                                                             dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='128.0.0.0/1')]),
                module='security_group_ingress')
    runner.task(dict(security_group_id='sg-demo-other-vpc', rules=[dict(ip_protocol='tcp', port_range='3306/3306', source_cidr_ip='0.0.0.0/0')]),
                module='security_group_ingress')
    report = tmp_path / 'report.md'
    args = ['-e', 'audit_report=%s' % report, '-e', '{"audit_regions": ["cn-hangzhou"]}']
    run = runner.playbook(playbook, args=args)
    assert run.failed
    text = report.read_text(encoding='utf-8')
    print(text)
    assert '2 high or critical findings' in run.output
    rows = [line for line in text.splitlines() if line.startswith('| high | sg-')]
    assert len(rows) == 2 and any('sg-demo-app' in row and 'internet_ssh (CIS 4.3)' in row for row in rows)
    assert any('sg-demo-other-vpc' in row and 'forbid' in row for row in rows)
    runner.task(dict(security_group_id='sg-demo-app', rules=[], purge_rules=True), module='security_group_ingress')
    runner.task(dict(security_group_id='sg-demo-other-vpc', rules=[], purge_rules=True), module='security_group_ingress')
    assert not runner.playbook(playbook, args=args).failed


def test_the_hygiene_check_names_rules_that_never_take_effect_and_which_to_revoke_together(fresh, runner):
    runner.task(dict(security_group_id='sg-demo-app', rules=[
        dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.0.0.0/8', priority=1),
        dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.0.0.0/8', priority=2),
        dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.1.0.0/16', priority=3)]), module='security_group_ingress')
    run = audit(runner, dict(security_group_ids=['sg-demo-app'], checks=['ineffective_rules']))
    assert not run.failed, run.output
    found = sorted((finding['title'], finding['rules'][0]['priority'], finding['safe_to_remove']) for finding in run.result['findings'])
    print('hygiene findings: %s' % found)
    assert found == [('redundant rule', 1, False), ('shadowed rule', 2, True), ('shadowed rule', 3, True)]
    assert run.result['groups'][0]['checks'] == {'ineffective_rules': 'fail'} and run.result['checks'] == ['ineffective_rules']
    safe = [finding['rules'][0] for finding in run.result['findings'] if finding['safe_to_remove']]
    revoked = runner.task(dict(security_group_id='sg-demo-app', rules=safe, state='absent'), module='security_group_ingress')
    assert not revoked.failed and revoked.result['changed'], revoked.output
    again = audit(runner, dict(security_group_ids=['sg-demo-app'], checks=['ineffective_rules']))
    assert again.result['findings'] == [] and [int(rule['priority']) for rule in fresh.rules('sg-demo-app', 'ingress')] == [1]


def test_an_account_with_keys_of_its_own_does_not_assume_the_tasks_role(fresh, runner):
    keys = harness.credentials('main')
    run = audit(runner, dict(assume_role_arn=PEER_ROLE, security_group_ids=['sg-demo-app', 'sg-peer-shared'], accounts=[
        dict(name='main-own-keys', access_key_id=keys['access_key_id'], access_key_secret=keys['access_key_secret'])]),
        env=sts_env(fresh))
    assert not run.failed, run.output
    audited = [(group['account'], group['security_group_id']) for group in run.result['groups']]
    print('audited: %s; not found: %s' % (audited, [entry['id'] for entry in run.result['unreadable']]))
    # Its own keys act in the main account: the peer's group, which the task's role would reach, is not listed.
    assert audited == [('main-own-keys', 'sg-demo-app')]
    assert [entry['id'] for entry in run.result['unreadable']] == ['sg-peer-shared']
    assert not [entry for entry in fresh.requests() if entry.get('service') == 'sts']
