# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""alicloud.ecs.security_group_ingress (and its info module) in real playbook runs against the ECS emulator."""

from __future__ import annotations

import pytest

from ecs_emulator import harness

GROUP = 'sg-demo-app'
MODULE = 'security_group_ingress'


def task(runner, args, **options):
    return runner.task(args, module=MODULE, **options)


def writes(emulator):
    return [entry for entry in emulator.requests() if entry['write']]


def ingress(emulator, group=GROUP):
    return emulator.rules(group, 'ingress')


def comparable(result):
    return dict((key, value) for key, value in result.items() if key not in ('request_ids', 'invocation', '_ansible_no_log'))


EXAMPLES = {
    'cidr': dict(ip_protocol='tcp', port_range='443/443', source_cidr_ip='10.0.0.0/8', description='https internal'),
    'cidr_to_local_range': dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.0.0.0/8', dest_cidr_ip='192.168.1.0/24'),
    'cross_account_group': dict(ip_protocol='tcp', port_range='5432/5432', source_group_id='sg-peer-shared',
                                source_group_owner_account='peer@example.com', description='peer clients'),
    'prefix_list': dict(ip_protocol='udp', port_range='53/53', source_prefix_list_id='pl-demo-ipv4'),
    'ipv6': dict(ip_protocol='tcp', port_range='443/443', ipv6_source_cidr_ip='2001:db8:1234::/48'),
    'drop_with_priority': dict(ip_protocol='all', source_cidr_ip='192.168.0.0/16', policy='drop', priority=10),
    'managed_list_with_purge': dict(purge_rules=True, rules=[
        dict(ip_protocol='tcp', port_range='443/443', source_cidr_ip='0.0.0.0/0', description='https from anywhere'),
        dict(ip_protocol='icmp', source_cidr_ip='100.100.2.136', description='monitoring'),
        dict(ip_protocol='all', source_cidr_ip='0.0.0.0/0', policy='drop', priority=100)]),
}


@pytest.mark.parametrize('name', sorted(EXAMPLES))
def test_each_example_changes_once_then_is_idempotent(fresh, runner, name):
    args = dict(security_group_id=GROUP, **EXAMPLES[name])
    first = task(runner, args)
    assert not first.failed, first.output
    assert first.result['changed'] is True and first.result['added']
    assert [entry['action'] for entry in writes(fresh)] == ['AuthorizeSecurityGroup']
    stored = ingress(fresh)
    assert len(stored) == len(first.result['rules'])
    assert fresh.egress_rules(GROUP) == []
    fresh.clear_log()

    second = task(runner, args)
    assert not second.failed, second.output
    assert second.result['changed'] is False
    assert second.result['added'] == second.result['removed'] == second.result['updated'] == []
    assert [entry['action'] for entry in fresh.requests()] == ['DescribeSecurityGroupAttribute']
    assert ingress(fresh) == stored


def test_non_canonical_existing_rule_is_recognised_not_duplicated(fresh, runner):
    # The fixture stores this rule as IpProtocol TCP, SourceCidrIp 10.0.0.1 (no mask), Policy Accept.
    before = ingress(fresh, 'sg-demo-db')
    run = task(runner, dict(security_group_id='sg-demo-db', ip_protocol='TCP', port_range='5432',
                            source_cidr_ip='10.0.0.1/32', policy='ACCEPT'))
    assert not run.failed, run.output
    assert run.result['changed'] is False
    assert writes(fresh) == []
    assert ingress(fresh, 'sg-demo-db') == before


def test_check_mode_reports_the_real_run_and_writes_nothing(fresh, runner):
    args = dict(security_group_id='sg-demo-db', purge_rules=True, rules=[
        dict(ip_protocol='tcp', port_range='5432/5432', source_cidr_ip='10.0.0.1', description='postgres, renamed'),
        dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.0.0.0/8')])
    checked = task(runner, args, check=True, diff=True)
    assert not checked.failed, checked.output
    assert writes(fresh) == []
    real = task(runner, args, diff=True)
    assert not real.failed, real.output
    assert comparable(checked.result) == comparable(real.result)
    assert (len(real.result['added']), len(real.result['removed']), len(real.result['updated'])) == (1, 1, 1)
    assert [entry['action'] for entry in writes(fresh)] == ['ModifySecurityGroupRule', 'RevokeSecurityGroup', 'AuthorizeSecurityGroup']


def test_diff_shows_the_ingress_rules_sorted_before_and_after(fresh, runner):
    run = task(runner, dict(security_group_id='sg-demo-db', ip_protocol='udp', port_range='53', source_cidr_ip='10.0.0.2'),
               check=True, diff=True)
    diff = run.result['diff']
    assert [rule['port_range'] for rule in diff['before']['ingress_rules']] == ['-1/-1', '5432/5432']  # sorted: all < tcp
    assert len(diff['after']['ingress_rules']) == 3
    assert 'security_group_rule_id' not in diff['after']['ingress_rules'][0]


def test_description_change_is_made_in_place_keeping_the_rule_id(fresh, runner):
    (seeded,) = [rule for rule in ingress(fresh, 'sg-demo-db') if rule['description'] == 'seeded postgres']
    run = task(runner, dict(security_group_id='sg-demo-db', ip_protocol='tcp', port_range='5432/5432', source_cidr_ip='10.0.0.1',
                            description='postgres from the app tier'))
    assert run.result['changed'] is True and run.result['updated'][0]['description'] == 'postgres from the app tier'
    assert [entry['action'] for entry in writes(fresh)] == ['ModifySecurityGroupRule']
    (updated,) = [rule for rule in ingress(fresh, 'sg-demo-db') if rule['rule_id'] == seeded['rule_id']]
    assert updated['description'] == 'postgres from the app tier'


def test_purge_with_empty_rules_removes_every_ingress_rule_and_no_egress_rule(fresh, runner):
    egress_before = fresh.egress_rules('sg-demo-web')
    task(runner, dict(security_group_id='sg-demo-web', ip_protocol='tcp', port_range='80', source_cidr_ip='0.0.0.0/0'))
    run = task(runner, dict(security_group_id='sg-demo-web', rules=[], purge_rules=True))
    assert run.result['changed'] is True and len(run.result['removed']) == 1
    assert ingress(fresh, 'sg-demo-web') == []
    assert fresh.egress_rules('sg-demo-web') == egress_before


def test_absent_removes_only_the_matching_rule(fresh, runner):
    run = task(runner, dict(security_group_id='sg-demo-db', state='absent', ip_protocol='all', source_cidr_ip='192.168.0.0/16',
                            policy='drop', priority=100))
    assert run.result['changed'] is True
    assert [rule['description'] for rule in ingress(fresh, 'sg-demo-db')] == ['seeded postgres']


def test_the_limit_is_shared_with_egress_and_fails_before_any_write(fresh, runner):
    # sg-demo-full holds 198 ingress rules: three more ingress rules, or two egress and one ingress, are too many.
    rules = [dict(ip_protocol='tcp', port_range='%d' % port, source_cidr_ip='10.9.0.0/16') for port in (1, 2, 3)]
    run = task(runner, dict(security_group_id='sg-demo-full', rules=rules))
    assert run.failed and 'the group would hold 201 rules (198 now, 3 to add, 0 to remove)' in run.result['msg']
    assert writes(fresh) == []
    two_egress = runner.task(dict(security_group_id='sg-demo-full', rules=[
        dict(ip_protocol='tcp', port_range='%d' % port, dest_cidr_ip='10.9.0.0/16') for port in (1, 2)]))
    assert not two_egress.failed, two_egress.output
    fresh.clear_log()
    one_more = task(runner, dict(security_group_id='sg-demo-full', rules=rules[:1]))
    assert one_more.failed and 'the group would hold 201 rules (200 now, 1 to add, 0 to remove)' in one_more.result['msg']
    assert writes(fresh) == []


def test_many_rules_are_written_in_batches(fresh, runner):
    rules = [dict(ip_protocol='tcp', port_range='%d' % port, source_cidr_ip='10.8.0.0/16') for port in range(2000, 2150)]
    run = task(runner, dict(security_group_id=GROUP, rules=rules))
    assert not run.failed, run.output
    assert [entry['action'] for entry in writes(fresh)] == ['AuthorizeSecurityGroup'] * 2
    assert len(ingress(fresh)) == 150


def test_a_classic_group_reads_both_nic_types_and_defaults_to_internet(fresh, runner):
    args = dict(security_group_id='sg-demo-classic', ip_protocol='tcp', port_range='80', source_cidr_ip='0.0.0.0/0')
    run = task(runner, args)
    assert not run.failed, run.output
    assert run.result['rules'][0]['nic_type'] == 'internet'
    assert task(runner, args).result['changed'] is False


@pytest.mark.parametrize('args, fragment', [
    (dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.0.0.300'), 'source_cidr_ip: '),
    (dict(ip_protocol='tcp', port_range='22/22'), 'a source is required: give one of source_cidr_ip, ipv6_source_cidr_ip, '
                                                  'source_group_id, source_group_name, source_prefix_list_id or source_prefix_list_name'),
    (dict(ip_protocol='tcp', port_range='22/22', ipv6_source_cidr_ip='10.0.0.0/8'), 'ipv6_source_cidr_ip: '),
    (dict(ip_protocol='tcp', port_range='22/22', source_group_id=GROUP), 'source_group_id: must differ from security_group_id'),
    (dict(ip_protocol='tcp', port_range='22/22', source_group_id='sg-demo-db', nic_type='internet'),
     'nic_type: must be intranet when the source is a security group (source_group_id)'),
    (dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.0.0.0/8', dest_cidr_ip='10.0.0.0/8'),
     'dest_cidr_ip: must differ from source_cidr_ip'),
    (dict(ip_protocol='tcp', port_range='22/22', dest_cidr_ip='10.0.0.0/8', dest_group_id='sg-demo-db'), 'Unsupported parameters'),
    (dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.0.0.0/8', purge_rules=True), 'purge_rules: requires rules'),
    (dict(security_group_id='', ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.0.0.0/8'), 'security_group_id: is empty'),
])
def test_bad_input_fails_naming_the_ingress_option_before_any_call(fresh, runner, args, fragment):
    run = task(runner, dict(dict(security_group_id=GROUP), **args))
    assert run.failed
    assert fragment in run.result['msg'], run.result['msg']
    assert 'Traceback' not in run.output
    assert writes(fresh) == []


@pytest.mark.parametrize('args, code, status', [
    (dict(ip_protocol='tcp', port_range='22', source_group_id='sg-missing'), 'InvalidSourceGroupId.NotFound', 404),
    (dict(ip_protocol='tcp', port_range='22', source_prefix_list_id='pl-missing'), 'InvalidPrefixListId.NotFound', 404),
])
def test_api_failures_report_code_message_status_and_request_id(fresh, runner, args, code, status):
    run = task(runner, dict(security_group_id=GROUP, **args))
    assert run.failed
    error = run.result['error']
    assert (error['action'], error['code'], error['http_status']) == ('AuthorizeSecurityGroup', code, status)
    assert error['request_id'] and error['request_id'] in run.result['msg']
    assert 'Traceback' not in run.output


def test_a_write_whose_answer_was_lost_is_applied_once(fresh, runner):
    fresh.set_faults(dict(seed=1, rules=[dict(kind='drop_after_write', actions=['AuthorizeSecurityGroup'], first=1)]))
    run = task(runner, dict(security_group_id=GROUP, retry_backoff=0.01, **EXAMPLES['cidr']))
    assert not run.failed, run.output
    assert len(ingress(fresh)) == 1
    tokens = [entry['params']['ClientToken'] for entry in writes(fresh)]
    assert len(tokens) == 2 and len(set(tokens)) == 1


def test_secrets_never_appear_in_output_at_full_verbosity(fresh, runner):
    keys = harness.credentials('main-sts')
    for check, args in ((True, EXAMPLES['cidr']), (False, EXAMPLES['cidr']),
                        (False, dict(ip_protocol='tcp', port_range='22', source_group_id='sg-missing'))):
        run = task(runner, dict(security_group_id=GROUP, **args), check=check, diff=True, credentials='main-sts', verbosity=4)
        text = run.output + repr(run.results)
        assert keys['access_key_secret'] not in text and keys['security_token'] not in text


def info(runner, args, check=False):
    return runner.task(args, check=check, module='security_group_ingress_info')


def test_the_info_module_feeds_back_without_change_and_filters(fresh, runner):
    read = info(runner, dict(security_group_id='sg-demo-db'))
    assert not read.failed, read.output
    rules = read.result['rules']
    assert [(rule['source_cidr_ip'], rule['ip_protocol']) for rule in rules] == [('192.168.0.0/16', 'all'), ('10.0.0.1/32', 'tcp')]
    fresh.clear_log()
    fed_back = task(runner, dict(security_group_id='sg-demo-db', rules=rules, purge_rules=True))
    assert fed_back.result['changed'] is False and writes(fresh) == []
    drops = info(runner, dict(security_group_id='sg-demo-db', policy='drop', source_cidr_ip='192.168.0.0/16'))
    assert [rule['priority'] for rule in drops.result['rules']] == [100]
    bad = info(runner, dict(security_group_id='sg-demo-db', source_cidr_ip='not-an-ip'))
    assert bad.failed and bad.result['msg'].startswith('source_cidr_ip:')
