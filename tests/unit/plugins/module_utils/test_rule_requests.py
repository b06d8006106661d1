# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Rules as teams write them, without Ansible or HTTP: lists expanded, groups found by name, and rule ownership."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ansible_collections.alicloud.ecs.plugins.module_utils import _ownership
from ansible_collections.alicloud.ecs.plugins.module_utils._group_refs import VPC_NOT_KNOWN_YET, GroupNames
from ansible_collections.alicloud.ecs.plugins.module_utils._planning import plan_changes
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import EGRESS, INGRESS, parse_rule, resolve_rule
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_requests import (
    EXPANSION_LIMIT, claim_descriptions, expand_rule, expand_rules, expansion_result, notes_text, resolve_requested,
)
from ansible_collections.alicloud.ecs.plugins.module_utils._values import RuleError


@pytest.fixture(params=[EGRESS, INGRESS], ids=lambda direction: direction.name)
def direction(request):
    return request.param


def options(direction, **roles):
    """A rule's options in ``direction``'s names, from role names (``ports`` as is)."""
    return dict((direction.option(role) if role != 'ports' else role, value) for role, value in roles.items())


def expanded(direction, warnings=None, **roles):
    return [item.rule for item in expand_rule(direction, options(direction, **roles), 'rules[0].', warnings)]


class NoNames:
    """A resolver of names for rules that name nothing: it must never be asked."""

    def resolve_names(self, rules, where_of, *args, **kwargs):
        assert not any(rule.peer_prefix_list_name or rule.port_range_list_name or rule.peer_group_name for rule in rules)
        return rules


GROUP = SimpleNamespace(security_group_id='sg-self', vpc_id='vpc-1', is_vpc=True)


# --- expansion ---------------------------------------------------------------------------------------------------

def test_lists_of_remote_ends_and_ports_stand_for_every_combination_sharing_the_rest(direction):
    rules = expanded(direction, ip_protocol='TCP', peer_cidr_ip=['10.0.0.0/8', '2001:db8::1', '192.168.1.5'], ports=[22, '80-81', '443/443'],
                     policy='drop', priority=5, description='ops')
    print('%d rules from 3 addresses x 3 ports' % len(rules))
    assert len(rules) == 9
    assert set((rule.peer_cidr_ip, rule.peer_ipv6_cidr_ip) for rule in rules) == {
        (None, '2001:db8::1/128'), ('10.0.0.0/8', None), ('192.168.1.5/32', None)}
    assert sorted(set(rule.port_range for rule in rules)) == ['22/22', '443/443', '80/81']
    assert set((rule.ip_protocol, rule.policy, rule.priority, rule.description) for rule in rules) == {('tcp', 'drop', 5, 'ops')}


def test_the_single_value_form_is_one_rule_with_the_apis_precedence(direction):
    warnings = []
    (rule,) = expanded(direction, warnings, ip_protocol='tcp', port_range='22', peer_cidr_ip='10.0.0.1', peer_group_id='sg-other')
    assert (rule.peer_cidr_ip, rule.peer_group_id) == ('10.0.0.1/32', None)
    assert warnings == ['rules[0]: %s takes precedence over %s and its owner, which are ignored'
                        % (direction.option('peer_cidr_ip'), direction.option('peer_group_id'))]
    (fed_back,) = expanded(direction, ip_protocol='tcp', port_range='22', peer_prefix_list_id=['pl-1'], peer_prefix_list_name=['office'])
    assert (fed_back.peer_prefix_list_id, fed_back.peer_prefix_list_name) == ('pl-1', 'office')


def test_an_ipv6_block_given_alone_in_the_ipv4_option_goes_to_the_ipv6_option(direction):
    (rule,) = expanded(direction, ip_protocol='tcp', port_range='22', peer_cidr_ip='2001:db8::/32')
    assert (rule.peer_cidr_ip, rule.peer_ipv6_cidr_ip) == (None, '2001:db8::/32')


@pytest.mark.parametrize('roles, message', [
    (dict(ip_protocol='tcp', ports=[22], peer_cidr_ip=['10.0.0.0/8', '10.1.0.0/16'], peer_group_id='sg-x'),
     '{peer_cidr_ip}: lists 2 {noun}s, so it cannot be combined with {peer_group_id} in the same rule'),
    (dict(ip_protocol='tcp', ports=[22], peer_cidr_ip=['::1', '10.0.0.1'], peer_group_id='sg-x'),
     '{peer_cidr_ip}: lists 2 {noun}s, so it cannot be combined with {peer_group_id} in the same rule'),
    (dict(ip_protocol='tcp', ports=[22], peer_cidr_ip='2001:db8::1', peer_ipv6_cidr_ip='2001:db8::2', peer_prefix_list_id='pl-1'),
     '{peer_cidr_ip}: lists 2 {noun}s, so it cannot be combined with {peer_prefix_list_id} in the same rule'),
    (dict(ip_protocol='tcp', ports=[22], peer_cidr_ip='2001:zz::1'), "{peer_cidr_ip}: '2001:zz::1' is not an IPv6 address"),
    (dict(ip_protocol='tcp', ports=[22], peer_group_name=['a', 'b'], peer_prefix_list_id='pl-1'),
     '{peer_group_name}: lists 2 {noun}s, so it cannot be combined with {peer_prefix_list_id} in the same rule'),
    (dict(ip_protocol='all', ports=[22], peer_cidr_ip='10.0.0.0/8'), 'ports: applies only to tcp and udp rules'),
    (dict(ip_protocol='tcp', ports=[22], port_range_list_id='prl-1', peer_cidr_ip='10.0.0.0/8'), 'ports: cannot be combined with rules[0].port_range_list_id'),
    (dict(ip_protocol='tcp', ports=[], peer_cidr_ip='10.0.0.0/8'), 'ports: is an empty list'),
    (dict(ip_protocol='tcp', ports=['22', 'x'], peer_cidr_ip='10.0.0.0/8'), "ports[1]: 'x' is not a port range"),
    (dict(ip_protocol='tcp', ports=[22], peer_cidr_ip=['10.0.0.0/8', '10.0.0.300']), "{peer_cidr_ip}[1]: '10.0.0.300' is not an IPv4"),
    (dict(ip_protocol='tcp', ports=[22], peer_group_id=['sg-1', 'pl-2']), "{peer_group_id}[1]: 'pl-2' is not a valid ID"),
    (dict(ip_protocol='tcp', ports=[22], peer_cidr_ip=['10.0.0.0/8', '']), '{peer_cidr_ip}[1]: is empty'),
    (dict(ip_protocol='tcp', port_range='22', peer_group_name='db', peer_group_owner_id='1234'),
     '{peer_group_name}: names a group of this account; a group of another account ({peer_group_owner_id}) is given by {peer_group_id}'),
])
def test_bad_lists_are_named_with_their_place(direction, roles, message):
    with pytest.raises(RuleError) as error:
        expanded(direction, **roles)
    names = dict((role, direction.option(role)) for role in ('peer_cidr_ip', 'peer_group_id', 'peer_group_name', 'peer_prefix_list_id',
                                                             'peer_group_owner_id'))
    print(error.value)
    assert str(error.value).startswith('rules[0].' + message.format(noun=direction.peer_noun, **names))


def test_one_rule_may_stand_for_at_most_as_many_rules_as_a_group_holds(direction):
    sources = ['10.0.%d.%d' % (index // 250, index % 250) for index in range(EXPANSION_LIMIT // 2 + 1)]
    assert len(expanded(direction, ip_protocol='tcp', ports=[22], peer_cidr_ip=sources)) == len(sources)
    with pytest.raises(RuleError) as error:
        expanded(direction, ip_protocol='tcp', ports=[22, 23], peer_cidr_ip=sources)
    assert str(error.value) == 'rules[0]: stands for %d rules (%d %ss x 2 port ranges); a security group holds at most %d' % (
        2 * len(sources), len(sources), direction.peer_noun, EXPANSION_LIMIT)


def test_repeats_after_expansion_merge_with_a_warning_naming_where_they_were_given(direction):
    warnings = []
    requested = expand_rules(direction, [options(direction, ip_protocol='tcp', peer_cidr_ip=['10.0.0.1', '10.0.0.1/32'], ports=[22]),
                                         options(direction, ip_protocol='tcp', peer_cidr_ip='10.0.0.1', port_range='22/22', description='ssh')],
                             'rules', warnings)
    rules, expansions = resolve_requested(requested, GROUP, NoNames(), NoNames(), warnings)
    assert len(rules) == 1 and rules[0].description == 'ssh'
    assert [warning.split(':')[0] for warning in warnings] == ['rules[0] lists it twice', 'rules[1] repeats rules[0]']
    # Once its repeats are merged, rules[0] stands for one rule: no expansion to report.
    assert expansions == {}


def test_the_expansion_reported_counts_the_rules_written(direction):
    requested = expand_rules(direction, [options(direction, ip_protocol='tcp', peer_cidr_ip='10.0.0.0/8', ports=['22', '22/22', '80'])],
                             'rules', [])
    rules, expansions = resolve_requested(requested, GROUP, NoNames(), NoNames(), [])
    report = expansion_result(expansions)
    print(report[0]['count'], [rule['port_range'] for rule in report[0]['rules']])
    assert len(rules) == 2 and [(item['rule'], item['count']) for item in report] == [('rules[0]', 2)]
    assert sorted(rule['port_range'] for rule in report[0]['rules']) == ['22/22', '80/80']


def test_a_warning_about_a_value_shared_by_the_expanded_rules_is_said_once(direction):
    warnings = []
    rules = expanded(direction, warnings, ip_protocol='tcp', peer_cidr_ip='10.0.0.1/8', ports=[22, 80, 443])
    print(warnings)
    assert len(rules) == 3 and warnings == ['rules[0].%s: 10.0.0.1/8 has host bits set; the rule uses the network 10.0.0.0/8'
                                            % direction.option('peer_cidr_ip')]


def test_overlapping_ports_are_distinct_rules_and_the_analysis_calls_the_inner_one_redundant(direction):
    from ansible_collections.alicloud.ecs.plugins.module_utils._flow_analysis import end_state_findings, finding_warnings
    rules = [resolve_rule(rule, True, 'sg-self', '', []) for rule in
             expanded(direction, ip_protocol='udp', ports=['1000-2000', 1500], peer_cidr_ip='10.0.0.0/8')]
    assert sorted(rule.port_range for rule in rules) == ['1000/2000', '1500/1500']
    warnings = finding_warnings(end_state_findings(direction.name, rules, 'sg-self'))
    print(warnings)
    assert len(warnings) == 1 and '(1500/1500, priority 1, intranet) is redundant' in warnings[0]


# --- groups by name ----------------------------------------------------------------------------------------------

class GroupApi:
    def __init__(self, groups):
        self.groups = groups  # [(id, name, vpc)]
        self.calls = []

    def __call__(self, action, query):
        self.calls.append((action, dict(query)))
        assert action == 'DescribeSecurityGroups'
        vpc = query.get('VpcId')
        rows = [dict(SecurityGroupId=group_id, SecurityGroupName=name, VpcId=group_vpc or '') for group_id, name, group_vpc in self.groups
                if (group_vpc == vpc if vpc else group_vpc is None)]
        return dict(SecurityGroups=dict(SecurityGroup=rows), NextToken='')


def named(direction, *names):
    return [resolve_rule(parse_rule(direction, options(direction, ip_protocol='tcp', port_range='22', peer_group_name=name), '', []),
                         True, 'sg-self', '', []) for name in names]


GROUPS = [('sg-db', 'db', 'vpc-1'), ('sg-web', 'web', 'vpc-1'), ('sg-db2', 'db', 'vpc-2'), ('sg-twin-1', 'twin', 'vpc-1'),
          ('sg-twin-2', 'twin', 'vpc-1'), ('sg-self', 'self', 'vpc-1'), ('sg-classic', 'db', None)]


def test_names_resolve_in_the_vpc_of_the_group_with_one_listing_per_vpc(direction):
    api = GroupApi(GROUPS)
    resolver = GroupNames(api)
    rules = resolver.resolve_names(named(direction, 'db', 'web', 'db'), lambda index: 'rules[%d].' % index, 'vpc-1', 'sg-self')
    assert [rule.peer_group_id for rule in rules] == ['sg-db', 'sg-web', 'sg-db']
    assert [rule.peer_group_name for rule in rules] == ['db', 'web', 'db']
    print('listings read:', api.calls)
    assert api.calls == [('DescribeSecurityGroups', dict(VpcId='vpc-1', MaxResults=100))]
    (other,) = resolver.resolve_names(named(direction, 'db'), lambda index: '', 'vpc-2')
    (classic,) = resolver.resolve_names(named(direction, 'db'), lambda index: '', None)
    assert (other.peer_group_id, classic.peer_group_id) == ('sg-db2', 'sg-classic')


def test_a_name_of_none_or_several_groups_fails_naming_the_candidates(direction):
    resolver = GroupNames(GroupApi(GROUPS))
    option = direction.option('peer_group_name')
    with pytest.raises(RuleError) as error:
        resolver.resolve_names(named(direction, 'bd'), lambda index: 'rules[0].', 'vpc-1')
    assert str(error.value) == ("rules[0].%s: no security group in VPC vpc-1 is named 'bd'; the groups there are 'db', 'self', 'twin', 'web'" % option)
    with pytest.raises(RuleError) as error:
        resolver.resolve_names(named(direction, 'twin'), lambda index: 'rules[0].', 'vpc-1')
    assert str(error.value) == "rules[0].%s: 2 security groups in VPC vpc-1 are named 'twin' (sg-twin-1, sg-twin-2); give the id instead" % option


def test_a_name_of_the_group_itself_is_refused_before_any_call_when_the_name_is_the_tasks(direction):
    api = GroupApi(GROUPS)
    with pytest.raises(RuleError, match='names the group these rules belong to; ECS refuses'):
        GroupNames(api).resolve_names(named(direction, 'new'), lambda index: '', VPC_NOT_KNOWN_YET, None, own_name='new')
    assert api.calls == []
    with pytest.raises(RuleError, match=r'names the group these rules belong to \(sg-self\)'):
        GroupNames(api).resolve_names(named(direction, 'self'), lambda index: '', 'vpc-1', 'sg-self')


def test_before_a_create_without_a_vpc_names_get_stand_ins_that_keep_them_apart(direction):
    api = GroupApi(GROUPS)
    rules = GroupNames(api).resolve_names(named(direction, 'db', 'web'), lambda index: '', VPC_NOT_KNOWN_YET, None, own_name='new')
    assert len(set(rule.key() for rule in rules)) == 2 and api.calls == []


# --- ownership ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('description, owner, text', [
    ('web [owner=web]', 'web', 'web'), ('[owner=db.v2]', 'db.v2', None), ('no marker', None, 'no marker'),
    ('[owner=a] in the middle', None, '[owner=a] in the middle'), ('x[owner=a]', None, 'x[owner=a]'), (None, None, None),
])
def test_the_owner_marker_is_read_only_at_the_end_of_a_description(description, owner, text):
    assert (_ownership.owner_of(description), _ownership.text_of(description)) == (owner, text)


def test_owner_names_and_requested_descriptions_are_checked_before_any_call():
    assert _ownership.validate_owner(' web ') == 'web' and _ownership.validate_owner(None) is None
    with pytest.raises(RuleError, match=r'rule_owner: is empty; give an owner name'):
        _ownership.validate_owner(' ')
    with pytest.raises(RuleError, match=r"rule_owner: 'web team' is not an owner name; use letters, digits"):
        _ownership.validate_owner('web team')
    assert _ownership.requested_text('https [owner=web]', 'web', 'rules[0].description') == 'https'
    with pytest.raises(RuleError, match=r"rules\[0\].description: is marked as owned by 'db', but this task is rule_owner 'web'"):
        _ownership.requested_text('https [owner=db]', 'web', 'rules[0].description')
    with pytest.raises(RuleError, match=r'is 513 characters with the owner marker'):
        _ownership.requested_text('x' * 501, 'web', 'description')


def rule(direction, port, description=None, rule_id=None):
    parsed = resolve_rule(parse_rule(direction, options(direction, ip_protocol='tcp', port_range=str(port), peer_cidr_ip='10.0.0.0/8',
                                                        description=description), '', []), True, 'sg-self', '', [])
    return parsed if rule_id is None else parsed.__class__(**dict(parsed.__dict__, security_group_rule_id=rule_id))


def test_an_owned_purge_removes_only_the_owners_rules_and_adopts_an_unmarked_listed_one(direction):
    existing = [rule(direction, 22, 'ssh'), rule(direction, 80, 'http [owner=web]'), rule(direction, 443, '[owner=web]'),
                rule(direction, 5432, 'pg [owner=db]'), rule(direction, 8080, 'by hand')]
    desired = [rule(direction, 22), rule(direction, 80, 'http'), rule(direction, 8443)]
    plan = plan_changes(existing, desired, purge=True, owner='web')
    print('revoke %s; update %s; authorize %s; left alone %s' % (
        [item.port_range for item in plan.revoke], [(item.port_range, text) for item, text in plan.update],
        [(item.port_range, item.description) for item in plan.authorize], [item.port_range for item in plan.left_alone]))
    assert [item.port_range for item in plan.revoke] == ['443/443']
    assert [(item.port_range, text) for item, text in plan.update] == [('22/22', 'ssh [owner=web]')]
    assert [(item.port_range, item.description) for item in plan.authorize] == [('8443/8443', '[owner=web]')]
    assert sorted(item.port_range for item in plan.left_alone) == ['5432/5432', '8080/8080']
    again = plan_changes(plan.after(), desired, purge=True, owner='web')
    assert not again.changed and sorted(item.port_range for item in again.left_alone) == ['5432/5432', '8080/8080']


def test_a_listed_rule_of_another_owner_is_left_to_it_and_absent_removes_only_owned_rules(direction):
    existing = [rule(direction, 22, 'ssh [owner=ops]'), rule(direction, 80, 'http')]
    plan = plan_changes(existing, [rule(direction, 22, 'ssh')], owner='web')
    assert not plan.changed and [(wanted.port_range, held.rule_owner) for wanted, held in plan.held_by_others] == [('22/22', 'ops')]
    gone = plan_changes(existing + [rule(direction, 443, '[owner=web]')], [rule(direction, 22), rule(direction, 80), rule(direction, 443)],
                        state='absent', owner='web')
    assert [item.port_range for item in gone.revoke] == ['443/443']
    assert sorted(item.port_range for item in gone.left_alone) == ['22/22', '80/80']
    text = notes_text(direction, {}, gone, 'web')
    assert text.splitlines()[0] == 'left alone, not owned by rule_owner web (2 %s rules):' % direction.name


def test_adopting_a_rule_whose_description_leaves_no_room_for_the_marker_fails_before_any_write(direction):
    existing = [rule(direction, 22, 'x' * 505)]
    with pytest.raises(RuleError) as error:
        plan_changes(existing, [rule(direction, 22)], owner='web')
    print(error.value)
    assert str(error.value).startswith('rule_owner: the existing rule accept tcp ') and 'a description of 517 characters' in str(error.value)
    plan = plan_changes(existing, [rule(direction, 22, 'ssh')], owner='web')
    assert [text for _rule, text in plan.update] == ['ssh [owner=web]']


def test_a_blank_remote_value_means_not_given_but_a_blank_list_item_is_refused(direction):
    (single,) = expanded(direction, ip_protocol='tcp', port_range='22', peer_cidr_ip='', peer_group_id='sg-db')
    assert (single.peer_cidr_ip, single.peer_group_id) == (None, 'sg-db')
    (from_ansible,) = expanded(direction, ip_protocol='tcp', port_range='22', peer_cidr_ip=[''], peer_group_id='sg-db')
    assert from_ansible.peer_group_id == 'sg-db'
    with pytest.raises(RuleError, match=r'^rules\[0\]\.%s\[1\]: is empty$' % direction.option('peer_cidr_ip')):
        expanded(direction, ip_protocol='tcp', port_range='22', peer_cidr_ip=['10.0.0.0/8', ' '])


def test_the_spared_rules_are_those_left_alone_then_those_held_by_others(direction):
    existing = [rule(direction, 22, 'ssh [owner=ops]'), rule(direction, 80, 'by hand')]
    plan = plan_changes(existing, [rule(direction, 22)], purge=True, owner='web')
    assert [item.port_range for item in plan.spared()] == ['80/80', '22/22']


def test_without_an_owner_planning_is_as_before(direction):
    existing = [rule(direction, 22, 'ssh [owner=ops]'), rule(direction, 80, 'http')]
    plan = plan_changes(existing, [rule(direction, 80)], purge=True)
    assert [item.port_range for item in plan.revoke] == ['22/22'] and plan.left_alone == [] and plan.update == []


def test_claimed_descriptions_drop_the_owners_own_marker_so_results_feed_back(direction):
    requested = expand_rules(direction, [options(direction, ip_protocol='tcp', port_range='22', peer_cidr_ip='10.0.0.0/8',
                                                 description='ssh [owner=web]')], 'rules', [])
    (claimed,) = claim_descriptions(requested, 'web')
    assert claimed.rule.description == 'ssh'
    desired, _expansions = resolve_requested([claimed], GROUP, NoNames(), NoNames(), [])
    plan = plan_changes([rule(direction, 22, 'ssh [owner=web]')], desired, purge=True, owner='web')
    assert not plan.changed


def test_the_info_modules_filter_on_the_owner_a_description_marks(direction):
    from ansible_collections.alicloud.ecs.plugins.module_utils._filters import parse_filters, rule_matches
    rules = [rule(direction, 22, 'ssh [owner=ops]'), rule(direction, 80, '[owner=web]'), rule(direction, 443, 'by hand')]
    filters = parse_filters(direction, {'rule_owner': ' web '})
    assert filters == {'rule_owner': 'web'}
    assert [item.port_range for item in rules if rule_matches(item, filters)] == ['80/80']
    assert parse_filters(direction, {'rule_owner': ''}) == {}
    with pytest.raises(RuleError, match=r"rule_owner: 'a b' is not an owner name"):
        parse_filters(direction, {'rule_owner': 'a b'})
