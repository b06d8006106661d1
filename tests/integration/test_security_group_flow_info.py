# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""alicloud.ecs.security_group_flow_info against emulator groups."""

from __future__ import annotations

import pytest

GROUP = 'sg-demo-app'


def flow_info(runner, args, check=False):
    return runner.task(args, check=check, module='security_group_flow_info')


@pytest.fixture
def seeded(fresh, runner):
    """sg-demo-app with the worked example of the user guide: a drop of everything above two accepts."""
    run = runner.task(dict(security_group_id=GROUP, rules=[
        dict(ip_protocol='all', dest_cidr_ip='0.0.0.0/0', policy='drop', priority=1),
        dict(ip_protocol='tcp', port_range='443/443', dest_cidr_ip='10.0.0.0/8', priority=5),
        dict(ip_protocol='udp', port_range='53/53', dest_cidr_ip='100.100.2.136', priority=1)]))
    assert not run.failed, run.output
    runner.task(dict(security_group_id=GROUP, rules=[dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='203.0.113.0/24')]),
                module='security_group_ingress')
    fresh.clear_log()
    return fresh


def test_each_flow_gets_its_verdict_and_deciding_rule(seeded, runner):
    run = flow_info(runner, dict(security_group_ids=[GROUP], flows=[
        dict(direction='egress', protocol='tcp', remote='10.1.2.3', port=443),
        dict(direction='egress', protocol='udp', remote='100.100.2.136', port=53),
        dict(direction='ingress', protocol='tcp', remote='203.0.113.9', port=22),
        dict(direction='ingress', protocol='tcp', remote='198.51.100.1', port=22),
        dict(direction='ingress', protocol='icmp', remote='10.0.0.9', remote_groups=[GROUP])]), check=True)
    assert not run.failed, run.output
    verdicts = [(item['verdict'], item['decided_by']) for item in run.result['flows']]
    print('verdicts: %s' % verdicts)
    # The last: a member of the group, whose inner access policy accept lets it in before any rule.
    assert verdicts == [('drop', 'rule'), ('drop', 'rule'), ('accept', 'rule'), ('drop', 'default'), ('accept', 'inner_access_policy')]
    first = run.result['flows'][0]
    assert first['rule']['summary'] == 'drop all to 0.0.0.0/0 (-1/-1, priority 1, intranet)'
    assert [rule['priority'] for rule in first['also_matched']] == [5]
    assert run.result['flows'][3]['default']['policy'] == 'drop'
    assert run.result['flows'][4]['inner_access']['reason'].startswith('the remote end is a member of %s, whose inner access policy '
                                                                       'is accept' % GROUP)
    assert 'Security group rules' in run.result['flows'][3]['default']['source']
    # One list call for the types, one read per group: nothing else, and nothing written.
    assert [entry['action'] for entry in seeded.requests()] == ['DescribeSecurityGroups', 'DescribeSecurityGroupAttribute']


def test_without_flows_the_findings_name_the_rules_that_never_take_effect(seeded, runner):
    run = flow_info(runner, dict(security_group_names=['demo-app'], vpc_id='vpc-demo-1'))
    assert not run.failed, run.output
    shadowed = sorted(entry['rule']['summary'] for entry in run.result['findings']['egress']['shadowed'])
    print('shadowed: %s' % shadowed)
    assert shadowed == ['accept tcp to 10.0.0.0/8 (443/443, priority 5, intranet)',
                        'accept udp to 100.100.2.136/32 (53/53, priority 1, intranet)']
    (overridden,) = run.result['findings']['egress']['overridden_accepts']
    assert len(overridden['accept_rules']) == 2 and all(rule['entirely'] for rule in overridden['accept_rules'])
    assert run.result['findings']['ingress'] == dict(shadowed=[], redundant=[], overridden_accepts=[])
    assert run.result['security_groups'] == [dict(security_group_id=GROUP, security_group_type='normal', inner_access_policy='accept')]
    # The name lookup's answer gives the group's type: one list call, one read, as by ID.
    assert [entry['action'] for entry in seeded.requests()] == ['DescribeSecurityGroups', 'DescribeSecurityGroupAttribute']


def test_a_group_rule_makes_the_verdict_depend_on_membership(fresh, runner):
    runner.task(dict(security_group_id=GROUP, ip_protocol='tcp', port_range='5432', dest_group_id='sg-demo-db', policy='drop'))
    unknown = flow_info(runner, dict(security_group_ids=[GROUP], flows=[dict(direction='egress', protocol='tcp', remote='10.0.0.5', port=5432)]))
    (item,) = unknown.result['flows']
    assert item['verdict'] == 'undetermined' and item['unknown'][0]['reason'] == 'depends on membership of sg-demo-db'
    member = flow_info(runner, dict(security_group_ids=[GROUP], flows=[
        dict(direction='egress', protocol='tcp', remote='10.0.0.5', port=5432, remote_groups=['sg-demo-db'])]))
    assert member.result['flows'][0]['verdict'] == 'drop'


def test_several_groups_are_evaluated_as_one_list(fresh, runner):
    runner.task(dict(security_group_id='sg-demo-app', ip_protocol='tcp', port_range='80', dest_cidr_ip='0.0.0.0/0', priority=50))
    runner.task(dict(security_group_id='sg-demo-db', ip_protocol='tcp', port_range='80', dest_cidr_ip='203.0.113.0/24', policy='drop',
                     priority=10))
    run = flow_info(runner, dict(security_group_ids=['sg-demo-app', 'sg-demo-db'], flows=[
        dict(direction='egress', protocol='tcp', remote='203.0.113.7', port=80)]))
    assert (run.result['flows'][0]['verdict'], run.result['flows'][0]['rule']['security_group_id']) == ('drop', 'sg-demo-db')


@pytest.mark.parametrize('args, fragment', [
    (dict(security_group_ids=[GROUP], flows=[dict(direction='egress', protocol='tcp', remote='10.0.0.1')]), 'flows[0].port: is required'),
    (dict(security_group_ids=[GROUP], flows=[dict(direction='egress', protocol='tcp', remote='nowhere', port=1)]), 'flows[0].remote: '),
    (dict(security_group_ids=[]), 'security_group_ids: give at least one group'),
    (dict(security_group_ids=['sg-missing']), 'security_group_ids: no security group sg-missing'),
    (dict(security_group_names=['']), 'security_group_names: element 0 is empty'),
    (dict(security_group_names=['no-such-group']), "security_group_names: no security group named 'no-such-group'"),
    (dict(security_group_names=['demo-app'], vpc_id=''), 'vpc_id: is empty'),
    (dict(security_group_ids=[GROUP], vpc_id='vpc-demo-1'), "missing parameter(s) required by 'vpc_id': security_group_names"),
    (dict(security_group_ids=[GROUP, 'sg-demo-enterprise']), 'security_group_ids: an instance cannot be in normal and enterprise'),
])
def test_bad_input_names_the_option(fresh, runner, args, fragment):
    run = flow_info(runner, args)
    assert run.failed and fragment in run.result['msg'], run.result['msg']
    assert 'Traceback' not in run.output


def test_prefix_lists_are_resolved_through_their_entries(fresh, runner):
    # pl-demo-ipv4 holds 100.100.2.136/32 and 100.100.2.138/32 in the emulator's fixture.
    runner.task(dict(security_group_id=GROUP, ip_protocol='udp', port_range='53/53', dest_prefix_list_id='pl-demo-ipv4', policy='drop'))
    fresh.clear_log()
    run = flow_info(runner, dict(security_group_ids=[GROUP], flows=[
        dict(direction='egress', protocol='udp', remote='100.100.2.138', port=53),
        dict(direction='egress', protocol='udp', remote='100.100.2.137', port=53)]))
    assert not run.failed, run.output
    assert [(item['verdict'], item['decided_by']) for item in run.result['flows']] == [('drop', 'rule'), ('accept', 'default')]
    assert run.result['prefix_lists'] == dict(resolved=['pl-demo-ipv4'], unresolved=[])
    assert [entry['action'] for entry in fresh.requests()] == ['DescribeSecurityGroups', 'DescribeSecurityGroupAttribute',
                                                               'DescribePrefixListAttributes']
    unresolved = flow_info(runner, dict(security_group_ids=[GROUP], resolve_prefix_lists=False, flows=[
        dict(direction='egress', protocol='udp', remote='100.100.2.138', port=53)]))
    assert unresolved.result['flows'][0]['verdict'] == 'undetermined'
    assert unresolved.result['prefix_lists'] == dict(resolved=[], unresolved=['pl-demo-ipv4'])


def test_inner_access_accept_lets_members_through_a_drop_rule_and_drop_gives_the_rules_the_say(fresh, runner):
    runner.task(dict(security_group_id=GROUP, ip_protocol='all', source_cidr_ip='0.0.0.0/0', policy='drop', priority=1),
                module='security_group_ingress')
    member = dict(direction='ingress', protocol='tcp', remote='10.0.0.9', port=22, remote_groups=[GROUP])
    accepted = flow_info(runner, dict(security_group_ids=[GROUP], flows=[member])).result['flows'][0]
    assert (accepted['verdict'], accepted['decided_by']) == ('accept', 'inner_access_policy')
    assert 'ModifySecurityGroupPolicy' in accepted['inner_access']['source'] and accepted['also_matched'][0]['policy'] == 'drop'
    runner.task(dict(security_group_id=GROUP, inner_access_policy='drop'), module='security_group')
    dropped = flow_info(runner, dict(security_group_ids=[GROUP], flows=[member])).result['flows'][0]
    print('accept policy: %s by %s; drop policy: %s by %s' % (
        accepted['verdict'], accepted['decided_by'], dropped['verdict'], dropped['decided_by']))
    assert (dropped['verdict'], dropped['decided_by']) == ('drop', 'rule')
