# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""alicloud.ecs.security_group_egress_info, and finding groups by name, in real playbook runs."""

from __future__ import annotations

import pytest


def info(runner, args, check=False):
    return runner.task(args, check=check, module='security_group_egress_info')


def test_info_returns_canonical_rules_that_feed_back_without_change(fresh, runner):
    read = info(runner, dict(security_group_id='sg-demo-web'), check=True)
    assert not read.failed, read.output
    rules = read.result['rules']
    https = [rule for rule in rules if rule['ip_protocol'] == 'tcp']
    assert https[0]['dest_cidr_ip'] == '10.0.0.1/32' and https[0]['policy'] == 'accept'
    assert all(rule['security_group_rule_id'] for rule in rules)

    fed_back = runner.task(dict(security_group_id='sg-demo-web', rules=rules, purge_rules=True))
    assert not fed_back.failed, fed_back.output
    assert fed_back.result['changed'] is False
    assert not [entry for entry in fresh.requests() if entry['write']]


def without_ids(rules):
    return [dict(rule, security_group_rule_id=None, create_time=None) for rule in rules]


def test_info_copies_a_group_exactly(fresh, runner):
    rules = info(runner, dict(security_group_id='sg-demo-web')).result['rules']
    copy = runner.task(dict(security_group_id='sg-demo-app', rules=rules, purge_rules=True))
    assert copy.result['changed'] is True
    copied = info(runner, dict(security_group_id='sg-demo-app')).result['rules']
    assert without_ids(copied) == without_ids(rules)


def test_info_filters(fresh, runner):
    seeded = dict(security_group_id='sg-demo-web')
    assert [rule['policy'] for rule in info(runner, dict(seeded, policy='DROP')).result['rules']] == ['drop']
    assert [rule['ip_protocol'] for rule in info(runner, dict(seeded, ip_protocol='6')).result['rules']] == ['tcp']
    assert len(info(runner, dict(seeded, dest_cidr_ip='10.0.0.1')).result['rules']) == 1
    # port 443: the tcp 443 rule and the all-protocol rule apply; port 80 only the all-protocol one.
    assert len(info(runner, dict(seeded, port=443)).result['rules']) == 2
    assert [rule['ip_protocol'] for rule in info(runner, dict(seeded, port=80)).result['rules']] == ['all']


def test_info_reads_several_groups(fresh, runner):
    run = info(runner, dict(security_group_ids=['sg-demo-web', 'sg-demo-app']))
    groups = run.result['security_groups']
    assert [group['security_group_id'] for group in groups] == ['sg-demo-web', 'sg-demo-app']
    assert [len(group['rules']) for group in groups] == [2, 0]
    assert groups[0]['vpc_id'] == 'vpc-demo-1'


def test_bad_filters_fail_naming_the_option(fresh, runner):
    run = info(runner, dict(security_group_id='sg-demo-web', dest_cidr_ip='10.0.0.999'))
    assert run.failed and run.result['msg'].startswith('dest_cidr_ip:')
    run = info(runner, dict(security_group_id='sg-demo-web', port=70000))
    assert run.failed and run.result['msg'].startswith('port:')


def test_a_group_found_by_name_and_vpc(fresh, runner):
    run = runner.task(dict(security_group_name='demo-web', vpc_id='vpc-demo-1', ip_protocol='udp', port_range='53',
                           dest_cidr_ip='10.0.0.2'))
    assert not run.failed, run.output
    assert run.result['security_group_id'] == 'sg-demo-web'
    reads = [entry['action'] for entry in fresh.requests()]
    assert reads[0] == 'DescribeSecurityGroups'


def test_a_missing_or_ambiguous_name_fails_clearly(fresh, runner):
    missing = info(runner, dict(security_group_name='no-such-group'))
    assert missing.failed and "no security group named 'no-such-group'" in missing.result['msg']
    ambiguous = info(runner, dict(security_group_name='demo-dup'))
    assert ambiguous.failed and 'security groups are named' in ambiguous.result['msg']
    assert 'give security_group_id or vpc_id' in ambiguous.result['msg']


@pytest.mark.parametrize('group_options, option', [
    (dict(security_group_id=''), 'security_group_id'),
    (dict(security_group_name=' '), 'security_group_name'),
    (dict(security_group_ids=['sg-demo-web', '']), 'security_group_ids'),
])
def test_an_empty_group_identifier_fails_naming_it_before_any_call(fresh, runner, group_options, option):
    run = info(runner, group_options)
    assert run.failed
    assert run.result['msg'].startswith('%s: ' % option) and 'empty' in run.result['msg'], run.result['msg']
    assert fresh.requests() == []


def test_an_empty_list_of_ids_returns_no_groups_without_a_call(fresh, runner):
    # Documented choice: security_group_ids: [] (say, from a filter that matched nothing) asks for no group.
    run = info(runner, dict(security_group_ids=[]))
    assert not run.failed, run.output
    assert run.result['security_groups'] == [] and run.result['rules'] == []
    assert fresh.requests() == []
