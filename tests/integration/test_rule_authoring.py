# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Rules as teams write them, against the emulator: lists inside one rule, groups by name, and purging only what a
play owns (rule_owner).

The emulator's fixture has, in vpc-demo-1: sg-demo-app (demo-app, no rules), sg-demo-db (demo-db, 2 ingress rules),
sg-demo-web (demo-web, 2 egress rules); demo-dup is the name of one group in vpc-demo-1 and one in vpc-demo-2.
"""

from __future__ import annotations

GROUP = 'sg-demo-app'
RULE_WRITES = ('AuthorizeSecurityGroup', 'RevokeSecurityGroup', 'ModifySecurityGroupRule',
               'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupEgress', 'ModifySecurityGroupEgressRule')


def writes(emulator):
    return [entry['action'] for entry in emulator.requests() if entry['write']]


def calls(emulator):
    return [entry['action'] for entry in emulator.requests()]


def stored(emulator, group=GROUP, direction='ingress'):
    return emulator.rules(group, direction)


# --- lists inside one rule ---------------------------------------------------------------------------------------

MIXED = dict(ip_protocol='tcp', source_cidr_ip=['10.0.0.0/8', '2001:db8::/32', '192.168.1.5'], ports=[22, '8080-8081', '443/443'],
             description='admin and web')


def test_a_rule_with_lists_is_written_as_every_combination_in_one_call_and_a_rerun_is_ok(fresh, runner):
    run = runner.task(dict(security_group_id=GROUP, rules=[MIXED]), module='security_group_ingress')
    assert not run.failed, run.output
    rows = stored(fresh)
    print('rules written: %d; writes: %s' % (len(rows), writes(fresh)))
    assert writes(fresh) == ['AuthorizeSecurityGroup']
    assert len(rows) == 9
    ipv6 = sorted((row['ipv6_source_cidr_ip'], row['port_range']) for row in rows if row['ipv6_source_cidr_ip'])
    assert ipv6 == [('2001:db8::/32', '22/22'), ('2001:db8::/32', '443/443'), ('2001:db8::/32', '8080/8081')]
    assert sorted(set(row['source_cidr_ip'] for row in rows if row['source_cidr_ip'])) == ['10.0.0.0/8', '192.168.1.5/32']
    assert set(row['description'] for row in rows) == {'admin and web'}
    (expanded,) = run.result['expanded']
    assert (expanded['rule'], expanded['count'], len(expanded['rules'])) == ('rules[0]', 9, 9)
    fresh.clear_log()
    again = runner.task(dict(security_group_id=GROUP, rules=[MIXED], purge_rules=True), module='security_group_ingress')
    assert not again.failed, again.output
    print('second run: changed=%s, writes=%s' % (again.result['changed'], writes(fresh)))
    assert again.result['changed'] is False and writes(fresh) == []


def test_the_single_value_forms_and_a_comma_joined_list_keep_working(fresh, runner):
    single = dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.0.0.0/8')
    run = runner.task(dict(security_group_id=GROUP, **single), module='security_group_ingress')
    assert not run.failed, run.output
    assert run.result['expanded'] == [] and len(stored(fresh)) == 1
    joined = runner.task(dict(security_group_id=GROUP, ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.0.0.0/8,172.16.0.0/12'),
                         module='security_group_ingress')
    assert not joined.failed, joined.output
    print('rules after the comma-joined task:', sorted(row['source_cidr_ip'] for row in stored(fresh)))
    assert sorted(row['source_cidr_ip'] for row in stored(fresh)) == ['10.0.0.0/8', '172.16.0.0/12']
    assert joined.result['expanded'][0]['count'] == 2 and len(joined.result['added']) == 1


def test_diff_mode_shows_the_expansion(fresh, runner):
    run = runner.task(dict(security_group_id=GROUP, rules=[dict(ip_protocol='udp', dest_cidr_ip=['10.0.0.0/8', '10.1.0.0/16'], ports=[53, 123])]),
                      module='security_group_egress', check=True, diff=True)
    assert not run.failed, run.output
    print(run.result['diff']['prepared'])
    lines = run.result['diff']['prepared'].splitlines()
    assert lines[0] == 'rules[0] stands for 4 egress rules:'
    assert len(lines) == 5 and all(line.startswith('  accept udp to 10.') for line in lines[1:])
    assert len(run.result['diff']['after']['egress_rules']) == 4 and writes(fresh) == []


def test_duplicates_after_expansion_are_merged_with_a_warning(fresh, runner):
    rules = [dict(ip_protocol='tcp', source_cidr_ip=['10.0.0.1', '10.0.0.1/32'], ports=['22', '22/22', 80]),
             dict(ip_protocol='tcp', port_range='80/80', source_cidr_ip='10.0.0.1')]
    run = runner.task(dict(security_group_id=GROUP, rules=rules), module='security_group_ingress')
    assert not run.failed, run.output
    print('rules written: %d; warnings: %s' % (len(stored(fresh)), run.result.get('warnings')))
    assert len(stored(fresh)) == 2
    warnings = [warning for warning in run.result.get('warnings', []) if 'it is written once' in warning]
    assert any(warning.startswith('rules[0] lists it twice: the same rule') for warning in warnings)
    assert any(warning.startswith('rules[1] repeats rules[0]: the same rule (accept tcp from 10.0.0.1/32 (80/80') for warning in warnings)


def test_the_rule_limit_counts_the_rules_after_expansion_before_any_write(fresh, runner):
    sources = ['10.%d.0.0/16' % index for index in range(35)]
    rules = [dict(ip_protocol='tcp', source_cidr_ip=sources, ports=[22, 80, 443]), dict(ip_protocol='udp', source_cidr_ip=sources, ports=[53, 123, 161])]
    run = runner.task(dict(security_group_id=GROUP, rules=rules), module='security_group_ingress')
    print(run.result['msg'])
    assert run.failed and run.result['msg'] == ('rules: the group would hold 210 rules (0 now, 210 to add, 0 to remove); ECS allows at most 200 '
                                                'ingress and egress rules in total per security group')
    assert run.result['changed'] is False and writes(fresh) == []
    seventy = ['10.%d.0.0/16' % index for index in range(70)]
    one = runner.task(dict(security_group_id=GROUP, rules=[dict(ip_protocol='tcp', source_cidr_ip=seventy, ports=[22, 80, 443])]),
                      module='security_group_ingress')
    print(one.result['msg'])
    assert one.failed and one.result['msg'] == 'rules[0]: stands for 210 rules (70 sources x 3 port ranges); a security group holds at most 200'


def test_limits_and_batching_apply_after_expansion(fresh, runner):
    sources = ['10.%d.0.0/16' % index for index in range(35)]
    run = runner.task(dict(security_group_id=GROUP, rules=[dict(ip_protocol='tcp', source_cidr_ip=sources, ports=[22, 80, 443])]),
                      module='security_group_ingress')
    assert not run.failed, run.output
    print('105 rules written with:', writes(fresh))
    assert writes(fresh) == ['AuthorizeSecurityGroup', 'AuthorizeSecurityGroup'] and len(stored(fresh)) == 105


def test_lists_of_one_kind_only_and_ports_only_for_tcp_and_udp(fresh, runner):
    cases = [
        (dict(ip_protocol='tcp', ports=[22], source_cidr_ip=['10.0.0.0/8', '10.1.0.0/16'], source_group_id='sg-demo-db'),
         'rules[0].source_cidr_ip: lists 2 sources, so it cannot be combined with source_group_id in the same rule'),
        (dict(ip_protocol='icmp', ports=[22], source_cidr_ip='10.0.0.0/8'),
         'rules[0].ports: applies only to tcp and udp rules, which have ports; this rule is icmp'),
        (dict(ip_protocol='tcp', ports=[22], port_range='22/22', source_cidr_ip='10.0.0.0/8'),
         'rules[0].ports: cannot be combined with rules[0].port_range; give the ports one way'),
        (dict(ip_protocol='tcp', ports=[22, '70000'], source_cidr_ip='10.0.0.0/8'),
         "rules[0].ports[1]: '70000' is out of range"),
        (dict(ip_protocol='tcp', ports=[22], source_cidr_ip=['10.0.0.0/8', 'ten']),
         "rules[0].source_cidr_ip[1]: 'ten' is not an IPv4 address or CIDR block"),
        (dict(ip_protocol='tcp', ports=[22], source_cidr_ip=[]),
         'rules[0].source_cidr_ip: is an empty list'),
    ]
    for rule, expected in cases:
        run = runner.task(dict(security_group_id=GROUP, rules=[rule]), module='security_group_ingress')
        print(run.result.get('msg'))
        assert run.failed and run.result['msg'].startswith(expected), run.result.get('msg')
        assert run.result['changed'] is False
    assert calls(fresh) == []


# --- groups by name ----------------------------------------------------------------------------------------------

def test_a_group_by_name_is_found_in_the_groups_vpc_and_a_rerun_is_ok(fresh, runner):
    rule = dict(ip_protocol='tcp', ports=[5432], source_group_name=['demo-db', 'demo-web'])
    run = runner.task(dict(security_group_id=GROUP, rules=[rule]), module='security_group_ingress')
    assert not run.failed, run.output
    print('group listings read:', calls(fresh).count('DescribeSecurityGroups'))
    assert calls(fresh).count('DescribeSecurityGroups') == 1
    assert sorted(row['source_group_id'] for row in stored(fresh)) == ['sg-demo-db', 'sg-demo-web']
    fresh.clear_log()
    again = runner.task(dict(security_group_id=GROUP, rules=[rule], purge_rules=True), module='security_group_ingress')
    assert again.result['changed'] is False and writes(fresh) == []


def test_a_group_name_is_looked_up_in_the_groups_own_vpc(fresh, runner):
    # demo-dup names one group in vpc-demo-1 and one in vpc-demo-2: from sg-demo-app (vpc-demo-1) it is the first.
    run = runner.task(dict(security_group_id=GROUP, ip_protocol='tcp', port_range='22/22', source_group_name='demo-dup'),
                      module='security_group_ingress')
    assert not run.failed, run.output
    assert [row['source_group_id'] for row in stored(fresh)] == ['sg-demo-dup-1']


def test_a_group_name_that_names_none_or_several_fails_naming_the_candidates(fresh, runner):
    run = runner.task(dict(security_group_id=GROUP, ip_protocol='tcp', port_range='22/22', source_group_name='demo-bd'),
                      module='security_group_ingress')
    print(run.result['msg'])
    assert run.failed and run.result['msg'].startswith("source_group_name: no security group in VPC vpc-demo-1 is named 'demo-bd'; "
                                                       "the groups there are 'demo-app', 'demo-db', ")
    twin = runner.task(dict(name='demo-db', vpc_id='vpc-demo-1', multi_ok=True, rules=[]), module='security_group')
    assert not twin.failed, twin.output
    fresh.clear_log()
    run = runner.task(dict(security_group_id=GROUP, rules=[dict(ip_protocol='tcp', port_range='22/22', source_group_name='demo-db')]),
                      module='security_group_ingress')
    print(run.result['msg'])
    assert run.failed and run.result['msg'] == ("rules[0].source_group_name: 2 security groups in VPC vpc-demo-1 are named 'demo-db' (%s); "
                                                "give the id instead" % ', '.join(sorted(['sg-demo-db', twin.result['security_group_id']])))
    assert run.result['changed'] is False and writes(fresh) == []


def test_security_group_refuses_a_rule_naming_its_own_group_before_creating_it(fresh, runner):
    run = runner.task(dict(name='cluster', vpc_id='vpc-demo-1', rules=[dict(ip_protocol='tcp', port_range='7000/7000', source_group_name='cluster')]),
                      module='security_group')
    print(run.result['msg'])
    assert run.failed and run.result['msg'].startswith('rules[0].source_group_name: names the group these rules belong to; ECS refuses')
    assert 'inner_access_policy: accept' in run.result['msg']
    assert run.result['changed'] is False and writes(fresh) == []


def test_a_rule_module_refuses_a_name_of_the_group_itself_before_any_write(fresh, runner):
    run = runner.task(dict(security_group_id=GROUP, ip_protocol='tcp', port_range='22/22', source_group_name='demo-app'),
                      module='security_group_ingress')
    print(run.result['msg'])
    assert run.failed and run.result['msg'].startswith('source_group_name: names the group these rules belong to (sg-demo-app); ECS refuses')
    assert run.result['changed'] is False and writes(fresh) == []


def test_security_group_resolves_names_of_other_groups_for_a_new_group(fresh, runner):
    task = dict(name='cluster', vpc_id='vpc-demo-1', rules=[dict(ip_protocol='tcp', ports=[7000, 7001], source_group_name='demo-web')],
                rules_egress=[dict(ip_protocol='tcp', port_range='5432/5432', dest_group_name='demo-db')])
    run = runner.task(task, module='security_group')
    assert not run.failed, run.output
    group = run.result['security_group_id']
    assert sorted(row['source_group_id'] for row in stored(fresh, group)) == ['sg-demo-web', 'sg-demo-web']
    assert [(item['rule'], item['count']) for item in run.result['expanded']['ingress']] == [('rules[0]', 2)]
    assert run.result['expanded']['egress'] == [] and run.result['left_alone'] == {'ingress': [], 'egress': []}
    assert [row['dest_group_id'] for row in stored(fresh, group, 'egress')] == ['sg-demo-db']
    fresh.clear_log()
    again = runner.task(task, module='security_group')
    assert again.result['changed'] is False and writes(fresh) == []


# --- purging only what a play owns -------------------------------------------------------------------------------

def role(owner, rules, **extra):
    return dict(security_group_id=GROUP, rule_owner=owner, rules=rules, purge_rules=True, **extra)


WEB_RULES = [dict(ip_protocol='tcp', ports=[80, 443], source_cidr_ip='0.0.0.0/0', description='web')]
DB_RULES = [dict(ip_protocol='tcp', port_range='5432/5432', source_group_id='sg-demo-web')]


def test_two_roles_purge_their_own_rules_of_one_shared_group_and_a_second_round_is_ok(fresh, runner):
    manual = runner.task(dict(security_group_id=GROUP, ip_protocol='icmp', source_cidr_ip='10.0.0.0/8', description='by hand'),
                         module='security_group_ingress')
    assert not manual.failed, manual.output
    for owner, rules in (('web', WEB_RULES), ('db', DB_RULES)):
        run = runner.task(role(owner, rules), module='security_group_ingress')
        assert not run.failed, run.output
        assert run.result['changed'] is True and run.result['removed'] == []
    descriptions = sorted(row['description'] for row in stored(fresh))
    print('descriptions after the first round:', descriptions)
    assert descriptions == ['[owner=db]', 'by hand', 'web [owner=web]', 'web [owner=web]']
    fresh.clear_log()
    for owner, rules in (('web', WEB_RULES), ('db', DB_RULES)):
        run = runner.task(role(owner, rules), module='security_group_ingress', diff=True)
        assert not run.failed, run.output
        assert run.result['changed'] is False
        print(run.result['diff'].get('prepared'))
        assert len(run.result['left_alone']) == (2 if owner == 'web' else 3)
        assert ('left alone, not owned by rule_owner %s (%d ingress rules):\n' % (owner, len(run.result['left_alone']))
                in run.result['diff']['prepared'])
    print('second round writes:', writes(fresh))
    assert writes(fresh) == []
    # The web role drops https: only its own rule goes.
    shrink = runner.task(role('web', [dict(WEB_RULES[0], ports=[80])]), module='security_group_ingress')
    assert not shrink.failed, shrink.output
    assert [rule['port_range'] for rule in shrink.result['removed']] == ['443/443']
    assert sorted(row['description'] for row in stored(fresh)) == ['[owner=db]', 'by hand', 'web [owner=web]']


def test_a_role_adopts_an_unmarked_rule_it_lists_in_place_and_leaves_another_owners_rule(fresh, runner):
    legacy = runner.task(dict(security_group_id=GROUP, ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.0.0.0/8', description='ssh'),
                         module='security_group_ingress')
    assert not legacy.failed, legacy.output
    (before,) = stored(fresh)
    fresh.clear_log()
    adopt = runner.task(role('ops', [dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.0.0.0/8')]), module='security_group_ingress')
    assert not adopt.failed, adopt.output
    (after,) = stored(fresh)
    print('adoption writes:', writes(fresh), 'description:', after['description'])
    assert writes(fresh) == ['ModifySecurityGroupRule']
    assert (after['rule_id'], after['description']) == (before['rule_id'], 'ssh [owner=ops]')
    fresh.clear_log()
    other = runner.task(role('web', [dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.0.0.0/8', description='ssh')]),
                        module='security_group_ingress')
    assert not other.failed, other.output
    assert other.result['changed'] is False and writes(fresh) == []
    assert any("marked as owned by 'ops'; it is left to that owner" in warning for warning in other.result['warnings'])


def test_info_shows_the_owner_and_a_fed_back_rule_stays_unchanged(fresh, runner):
    run = runner.task(role('web', WEB_RULES), module='security_group_ingress')
    assert not run.failed, run.output
    info = runner.task(dict(security_group_id=GROUP), module='security_group_ingress_info')
    assert not info.failed, info.output
    owners = [rule['rule_owner'] for rule in info.result['rules']]
    print('owners shown:', owners)
    assert owners == ['web', 'web']
    fresh.clear_log()
    web = runner.task(dict(security_group_id=GROUP, rule_owner='web'), module='security_group_ingress_info')
    db = runner.task(dict(security_group_id=GROUP, rule_owner='db'), module='security_group_ingress_info')
    bad = runner.task(dict(security_group_id=GROUP, rule_owner='web team'), module='security_group_ingress_info')
    print('rules of web: %d, of db: %d; %s' % (len(web.result['rules']), len(db.result['rules']), bad.result['msg']))
    assert len(web.result['rules']) == 2 and db.result['rules'] == []
    assert bad.failed and bad.result['msg'].startswith("rule_owner: 'web team' is not an owner name")
    assert calls(fresh) == ['DescribeSecurityGroupAttribute', 'DescribeSecurityGroupAttribute']
    fresh.clear_log()
    fed = runner.task(role('web', info.result['rules']), module='security_group_ingress')
    assert not fed.failed, fed.output
    assert fed.result['changed'] is False and writes(fresh) == []
    foreign = runner.task(role('db', info.result['rules']), module='security_group_ingress')
    print(foreign.result['msg'])
    assert foreign.failed and foreign.result['msg'].startswith("rules[0].description: is marked as owned by 'web', but this task is rule_owner 'db'")


def test_security_group_refuses_rule_owner_with_state_absent_and_a_blank_owner(fresh, runner):
    gone = runner.task(dict(security_group_id=GROUP, rule_owner='web', state='absent'), module='security_group')
    blank = runner.task(role('', WEB_RULES), module='security_group_ingress')
    print(gone.result['msg'], '|', blank.result['msg'])
    assert gone.failed and gone.result['msg'].startswith('rule_owner: applies with state=present; state=absent deletes the whole group')
    assert blank.failed and blank.result['msg'].startswith('rule_owner: is empty')
    assert fresh.group(GROUP) is not None and writes(fresh) == []


def test_security_group_limits_its_purge_to_its_owner_in_both_directions(fresh, runner):
    seeded = runner.task(dict(security_group_id='sg-demo-web', rules_egress=[], purge_rules_egress=False, rule_owner='app',
                              rules=[dict(ip_protocol='tcp', port_range='443/443', source_cidr_ip='0.0.0.0/0')]), module='security_group')
    assert not seeded.failed, seeded.output
    egress_before = len(stored(fresh, 'sg-demo-web', 'egress'))
    fresh.clear_log()
    run = runner.task(dict(security_group_id='sg-demo-web', rule_owner='app', rules=[], rules_egress=[]), module='security_group', diff=True)
    assert not run.failed, run.output
    print('removed:', run.result['removed'], 'left alone egress:', len(run.result['left_alone']['egress']))
    assert [rule['port_range'] for rule in run.result['removed']['ingress']] == ['443/443']
    assert run.result['removed']['egress'] == [] and len(stored(fresh, 'sg-demo-web', 'egress')) == egress_before == 2
    assert len(run.result['left_alone']['egress']) == 2
    assert 'left alone, not owned by rule_owner app (2 egress rules):' in run.result['diff']['prepared']
