# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Rules over prefix lists and port range lists, by id and by name, in the rule modules, security_group and the
analysis modules, against the emulator.

The emulator's fixture has the port range list prl-demo-web ("demo-web", max 10 entries: 80/80 and 443/443) and the
prefix list pl-demo-ipv4 ("demo-ipv4", max 10 entries: 100.100.2.136/32 and 100.100.2.138/32).
"""

from __future__ import annotations

GROUP = 'sg-demo-app'
WEB = dict(ip_protocol='tcp', port_range_list_id='prl-demo-web', source_cidr_ip='10.0.0.0/8', description='web ports')


def writes(emulator):
    return [entry for entry in emulator.requests() if entry['write']]


def actions(emulator):
    return [entry['action'] for entry in emulator.requests()]


def test_a_rule_over_a_port_list_is_written_once_and_reads_back_with_the_list(fresh, runner):
    first = runner.task(dict(security_group_id=GROUP, **WEB), module='security_group_ingress')
    assert not first.failed, first.output
    assert first.result['changed'] is True
    (stored,) = fresh.rules(GROUP, 'ingress')
    print('stored rule:', stored)
    assert stored['port_range_list_id'] == 'prl-demo-web'
    fresh.clear_log()
    second = runner.task(dict(security_group_id=GROUP, **WEB), module='security_group_ingress')
    assert not second.failed, second.output
    assert second.result['changed'] is False and writes(fresh) == []
    (rule,) = second.result['rules']
    assert (rule['port_range'], rule['port_range_list_id'], rule['port_range_list_name']) == (None, 'prl-demo-web', 'demo-web')


def test_lists_by_name_are_looked_up_once_and_give_the_same_rules_as_by_id(fresh, runner):
    # How ECS charges one rule over both kinds of list is not documented (the emulator charges 10 x 10): one such rule only.
    named = [dict(ip_protocol='tcp', port_range_list_name='demo-web', source_cidr_ip='10.0.0.0/8'),
             dict(ip_protocol='udp', port_range='53/53', source_prefix_list_name='demo-ipv4'),
             dict(ip_protocol='tcp', port_range_list_name='demo-web', source_prefix_list_name='demo-ipv4')]
    run = runner.task(dict(security_group_id=GROUP, rules=named), module='security_group_ingress')
    assert not run.failed, run.output
    looked_up = [action for action in actions(fresh) if action.startswith('Describe') and 'List' in action]
    print('list reads for 3 rules naming 2 lists, 2 of them each:', looked_up)
    assert sorted(looked_up) == ['DescribePortRangeLists', 'DescribePrefixLists']
    assert sorted((rule['port_range_list_id'] or '', rule['source_prefix_list_id'] or '') for rule in run.result['added']) == \
        [('', 'pl-demo-ipv4'), ('prl-demo-web', ''), ('prl-demo-web', 'pl-demo-ipv4')]
    fresh.clear_log()
    by_id = [dict(ip_protocol='tcp', port_range_list_id='prl-demo-web', source_cidr_ip='10.0.0.0/8'),
             dict(ip_protocol='udp', port_range='53/53', source_prefix_list_id='pl-demo-ipv4'),
             dict(ip_protocol='tcp', port_range_list_id='prl-demo-web', source_prefix_list_id='pl-demo-ipv4')]
    again = runner.task(dict(security_group_id=GROUP, rules=by_id, purge_rules=True), module='security_group_ingress')
    assert not again.failed, again.output
    assert again.result['changed'] is False and writes(fresh) == []


def test_a_name_that_names_no_list_fails_naming_the_option_before_any_write(fresh, runner):
    run = runner.task(dict(security_group_id=GROUP, rules=[dict(ip_protocol='tcp', port_range_list_name='demo-we', dest_cidr_ip='10.0.0.0/8')]))
    assert run.failed
    print(run.result['msg'])
    assert run.result['msg'] == "rules[0].port_range_list_name: no port range list is named 'demo-we' in region cn-hangzhou"
    assert run.result['changed'] is False and writes(fresh) == []


def test_the_same_ports_as_a_range_and_as_a_list_are_two_rules_and_purge_keeps_both(fresh, runner):
    rules = [dict(WEB), dict(ip_protocol='tcp', port_range='80/80', source_cidr_ip='10.0.0.0/8')]
    run = runner.task(dict(security_group_id=GROUP, rules=rules, purge_rules=True), module='security_group_ingress')
    assert not run.failed, run.output
    assert len(fresh.rules(GROUP, 'ingress')) == 2
    fresh.clear_log()
    again = runner.task(dict(security_group_id=GROUP, rules=rules, purge_rules=True), module='security_group_ingress')
    assert again.result['changed'] is False and writes(fresh) == []


def test_bad_list_rules_are_named_before_any_call(fresh, runner):
    cases = [
        (dict(ip_protocol='icmp', port_range_list_id='prl-demo-web', dest_cidr_ip='10.0.0.0/8'),
         'rules[0].port_range_list_id: applies only to tcp and udp rules'),
        (dict(ip_protocol='tcp', port_range='80/80', port_range_list_id='prl-demo-web', dest_cidr_ip='10.0.0.0/8'),
         'rules[0].port_range_list_id: cannot be combined with rules[0].port_range'),
    ]
    for rule, message in cases:
        run = runner.task(dict(security_group_id=GROUP, rules=[rule]))
        assert run.failed and run.result['msg'].startswith(message), run.result['msg']
    assert fresh.requests() == []
    classic = runner.task(dict(security_group_id='sg-demo-classic', ip_protocol='tcp', port_range_list_id='prl-demo-web', dest_cidr_ip='10.0.0.0/8'))
    assert classic.failed
    assert 'port_range_list_id: port range lists are supported only in VPC security groups' in classic.result['msg']
    assert writes(fresh) == []


def test_the_rule_limit_counts_a_list_as_its_max_entries(fresh, runner):
    # sg-demo-full holds 198 rules: one rule over a 10-entry list would take 208 of 200, two plain rules fit.
    run = runner.task(dict(security_group_id='sg-demo-full', **WEB), module='security_group_ingress')
    assert run.failed
    print(run.result['msg'])
    assert 'would take 208 of its 200 rules (198 now, 10 to add, 0 to remove)' in run.result['msg']
    assert run.result['changed'] is False and writes(fresh) == []
    assert actions(fresh).count('DescribePortRangeLists') == 1
    fits = runner.task(dict(security_group_id='sg-demo-full', rules=[
        dict(ip_protocol='tcp', port_range='%d/%d' % (port, port), source_cidr_ip='10.0.0.0/8') for port in (80, 443)]),
        module='security_group_ingress')
    assert not fits.failed, fits.output


def test_returned_rules_feed_back_unchanged_through_the_info_module_and_security_group(fresh, runner):
    runner.task(dict(security_group_id=GROUP, rules=[WEB, dict(ip_protocol='udp', port_range='53/53', source_prefix_list_id='pl-demo-ipv4')]),
                module='security_group_ingress')
    info = runner.task(dict(security_group_id=GROUP), module='security_group_ingress_info')
    assert not info.failed, info.output
    fresh.clear_log()
    fed = runner.task(dict(security_group_id=GROUP, rules=info.result['rules'], purge_rules=True), module='security_group_ingress')
    assert not fed.failed, fed.output
    assert fed.result['changed'] is False and writes(fresh) == []
    group = runner.task(dict(security_group_id=GROUP, rules=info.result['rules'], purge_rules_egress=False), module='security_group')
    assert not group.failed, group.output
    assert group.result['changed'] is False and writes(fresh) == []


def test_the_info_modules_port_filter_reads_the_list_once(fresh, runner):
    runner.task(dict(security_group_id=GROUP, rules=[WEB, dict(WEB, priority=2), dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.0.0.0/8')]),
                module='security_group_ingress')
    for port, expected in ((443, 2), (22, 1), (8080, 0)):
        fresh.clear_log()
        run = runner.task(dict(security_group_id=GROUP, port=port), module='security_group_ingress_info')
        assert not run.failed, run.output
        assert len(run.result['rules']) == expected, (port, run.result['rules'])
        # Two rules name the list: it is read once per task.
        assert actions(fresh).count('DescribePortRangeListEntries') == 1
    by_list = runner.task(dict(security_group_id=GROUP, port_range_list_id='prl-demo-web'), module='security_group_ingress_info')
    assert len(by_list.result['rules']) == 2


def test_security_group_manages_rules_over_lists_by_name(fresh, runner):
    args = dict(name='lists-by-name', vpc_id='vpc-demo-1', description='rules over lists',
                rules=[dict(ip_protocol='tcp', port_range_list_name='demo-web', source_cidr_ip='0.0.0.0/0')],
                rules_egress=[dict(ip_protocol='udp', port_range='53/53', dest_prefix_list_name='demo-ipv4')])
    run = runner.task(args, module='security_group')
    assert not run.failed, run.output
    assert run.result['changed'] is True
    group_id = run.result['security_group_id']
    assert fresh.rules(group_id, 'ingress')[0]['port_range_list_id'] == 'prl-demo-web'
    fresh.clear_log()
    again = runner.task(args, module='security_group')
    assert not again.failed, again.output
    assert again.result['changed'] is False and writes(fresh) == []


def test_flow_info_evaluates_a_port_list_by_its_entries_and_reports_an_unreadable_one(fresh, runner):
    runner.task(dict(security_group_id=GROUP, **WEB), module='security_group_ingress')
    fresh.clear_log()
    flows = [dict(direction='ingress', protocol='tcp', remote='10.1.2.3', port=port) for port in (80, 443, 8080)]
    run = runner.task(dict(security_group_ids=[GROUP], flows=flows), module='security_group_flow_info')
    assert not run.failed, run.output
    assert [item['verdict'] for item in run.result['flows']] == ['accept', 'accept', 'drop']
    assert run.result['port_range_lists'] == dict(resolved=['prl-demo-web'], unresolved=[])
    assert actions(fresh).count('DescribePortRangeListEntries') == 1
    fresh.set_faults(dict(rules=[dict(kind='error', code='Forbidden.RAM', status=403, actions=['DescribePortRangeListEntries'])]))
    refused = runner.task(dict(security_group_ids=[GROUP], flows=flows), module='security_group_flow_info')
    assert not refused.failed, refused.output
    assert [item['verdict'] for item in refused.result['flows']] == ['undetermined'] * 3
    assert refused.result['port_range_lists'] == dict(resolved=[], unresolved=['prl-demo-web'])


def test_the_audit_finds_ssh_opened_through_a_port_list_and_never_guesses_an_unreadable_list(fresh, runner):
    runner.task(dict(security_group_id=GROUP, rules=[
        dict(ip_protocol='tcp', port_range_list_id='prl-demo-web', source_cidr_ip='0.0.0.0/0')]), module='security_group_ingress')
    # The list holds 80 and 443: nothing on 22 yet.
    calm = runner.task(dict(security_group_ids=[GROUP]), module='security_group_audit')
    assert not calm.failed, calm.output
    assert calm.result['groups'][0]['checks']['internet_ssh'] == 'pass'
    assert calm.result['groups'][0]['port_range_lists'] == dict(resolved=['prl-demo-web'], unresolved=[])
    modify = runner.task(dict(port_range_list_id='prl-demo-web', entries=[dict(port_range='22/22')], purge_entries=False),
                         module='port_range_list')
    assert not modify.failed, modify.output
    exposed = runner.task(dict(security_group_ids=[GROUP]), module='security_group_audit')
    ssh = [finding for finding in exposed.result['findings'] if finding['check'] == 'internet_ssh']
    assert ssh and ssh[0]['status'] == 'fail'
    assert ssh[0]['rules'][0]['port_range_list_id'] == 'prl-demo-web'
    fresh.set_faults(dict(rules=[dict(kind='error', code='Forbidden.RAM', status=403, actions=['DescribePortRangeListEntries'])]))
    unsure = runner.task(dict(security_group_ids=[GROUP]), module='security_group_audit')
    assert not unsure.failed, unsure.output
    assert unsure.result['groups'][0]['checks']['internet_ssh'] == 'undetermined'
    assert [(entry['kind'], entry['id']) for entry in unsure.result['unreadable']] == [('port_range_list', 'prl-demo-web')]
