# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Rules over prefix lists and port range lists: the rule model, names resolved once, and the quota ECS charges."""

from __future__ import annotations

import pytest

from ansible_collections.alicloud.ecs.plugins.module_utils._base import ApiError
from ansible_collections.alicloud.ecs.plugins.module_utils._list_refs import ListReferences
from ansible_collections.alicloud.ecs.plugins.module_utils._planning import check_group_quota, lists_to_size, plan_changes, rule_cost
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import EGRESS, INGRESS, parse_rule, resolve_rule, rule_from_api
from ansible_collections.alicloud.ecs.plugins.module_utils._values import RuleError


@pytest.fixture(params=[EGRESS, INGRESS], ids=lambda direction: direction.name)
def direction(request):
    return request.param


def user_rule(direction, is_vpc=True, **roles):
    options = dict((direction.option(role), value) for role, value in roles.items())
    warnings = []
    return resolve_rule(parse_rule(direction, options, 'rules[0].', warnings), is_vpc, 'sg-self', 'rules[0].', warnings)


def web(direction, **roles):
    base = dict(ip_protocol='tcp', peer_cidr_ip='10.0.0.0/8', port_range_list_id='prl-web')
    base.update(roles)
    return user_rule(direction, **base)


class FakeApi:
    """Answers the list actions from a table of lists, and counts what it was asked."""

    def __init__(self, lists, refuse=()):
        self.lists = lists  # {id: (name, max entries, entries)}
        self.refuse = refuse
        self.calls = []

    def __call__(self, action, query):
        self.calls.append((action, dict(query)))
        port = 'PortRange' in action
        id_param = 'PortRangeListId' if port else 'PrefixListId'
        mine = dict((list_id, value) for list_id, value in self.lists.items() if list_id.startswith('prl-') == port)
        if action in ('DescribePrefixLists', 'DescribePortRangeLists'):
            ids = [value for key, value in query.items() if key.startswith(id_param + '.')]
            name = query.get('PortRangeListName' if port else 'PrefixListName')
            items = [{id_param: list_id, ('PortRangeListName' if port else 'PrefixListName'): value[0], 'MaxEntries': value[1]}
                     for list_id, value in sorted(mine.items()) if (not ids or list_id in ids) and (name is None or name in value[0])]
            return {'PortRangeLists': items} if port else {'PrefixLists': {'PrefixList': items}}
        list_id = query[id_param]
        if list_id in self.refuse or list_id not in mine:
            raise ApiError(action, 'InvalidPortRangeListId.NotFound' if port else 'InvalidPrefixListId.NotFound', 'not found', 404)
        if port:
            return {'Entries': [{'PortRange': value} for value in mine[list_id][2]]}
        return {'Entries': {'Entry': [{'Cidr': value} for value in mine[list_id][2]]}}


def quota(api, plans, existing, total=None):
    """The quota check as the modules run it: the sizes read through the API, then the check."""
    sizes = ListReferences(api).max_entries(lists_to_size(plans, existing))
    check_group_quota(plans, existing, len(existing) if total is None else total, sizes)


def test_a_port_list_rule_has_no_port_range_and_differs_from_the_same_ports_as_a_range(direction):
    listed = web(direction)
    ranged = user_rule(direction, ip_protocol='tcp', peer_cidr_ip='10.0.0.0/8', port_range='80/80')
    assert listed.port_range is None and listed.port_range_list_id == 'prl-web'
    assert listed.key() != ranged.key()
    assert listed.to_api()['PortRangeListId'] == 'prl-web' and 'PortRange' not in listed.to_api()
    assert 'port list prl-web' in listed.summary()


@pytest.mark.parametrize('roles, message', [
    (dict(ip_protocol='icmp', port_range_list_id='prl-web'), 'rules[0].port_range_list_id: applies only to tcp and udp rules'),
    (dict(ip_protocol='all', port_range_list_name='web'), 'rules[0].port_range_list_name: applies only to tcp and udp rules'),
    (dict(ip_protocol='tcp', port_range='80/80', port_range_list_id='prl-web'),
     'rules[0].port_range_list_id: cannot be combined with rules[0].port_range'),
    (dict(ip_protocol='tcp', port_range_list_id='pl-web'), "rules[0].port_range_list_id: 'pl-web' is not a valid ID; expected an ID that starts with 'prl-'"),
])
def test_port_list_mistakes_are_named_before_any_call(direction, roles, message):
    with pytest.raises(RuleError) as error:
        user_rule(direction, peer_cidr_ip='10.0.0.0/8', **roles)
    assert str(error.value).startswith(message)


def test_classic_groups_refuse_port_lists_and_prefix_lists_by_name(direction):
    with pytest.raises(RuleError, match='port_range_list_id: port range lists are supported only in VPC security groups'):
        web(direction, is_vpc=False)
    with pytest.raises(RuleError, match=direction.option('peer_prefix_list_name') + ': prefix lists are supported only in VPC'):
        user_rule(direction, is_vpc=False, ip_protocol='tcp', port_range='22/22', peer_prefix_list_name='office')


def test_a_rule_read_from_the_api_feeds_back_with_its_lists_and_names(direction):
    wire = direction.wire
    for shown in ('-1/-1', '', '1/65535'):
        # Whatever PortRange holds for a rule over a port list, the list's entries are its ports.
        permission = {'IpProtocol': 'TCP', 'PortRange': shown, 'PortRangeListId': 'prl-web', 'PortRangeListName': 'web',
                      wire('peer_prefix_list_id'): 'pl-office', wire('peer_prefix_list_name'): 'office', 'Policy': 'Accept',
                      'Priority': '1', 'NicType': 'intranet', 'SecurityGroupRuleId': 'sgr-1'}
        read = rule_from_api(direction, permission)
        assert (read.port_range, read.port_range_list_name, read.peer_prefix_list_name) == (None, 'web', 'office')
        fed_back = user_rule(direction, **dict((role, value) for role, value in (
            ('ip_protocol', 'tcp'), ('port_range_list_id', 'prl-web'), ('port_range_list_name', 'web'),
            ('peer_prefix_list_id', 'pl-office'), ('peer_prefix_list_name', 'office'))))
        assert fed_back.key() == read.key()
        assert fed_back.to_dict()[direction.option('peer_prefix_list_name')] == 'office'


def test_names_resolve_once_per_task_and_name_the_option_when_none_or_several_match(direction):
    api = FakeApi({'prl-1': ('web', 10, ['80/80']), 'pl-1': ('office', 5, ['192.0.2.0/24']), 'pl-2': ('lab', 5, []),
                   'pl-3': ('lab', 5, [])})
    references = ListReferences(api, 'cn-hangzhou')
    rules = [user_rule(direction, ip_protocol='tcp', port_range_list_name='web', peer_prefix_list_name='office', priority=priority)
             for priority in (1, 2, 3)]
    resolved = references.resolve_names(rules, lambda index: 'rules[%d].' % index)
    assert set((rule.port_range_list_id, rule.peer_prefix_list_id) for rule in resolved) == {('prl-1', 'pl-1')}
    print('list calls for 3 rules naming 2 lists:', len(api.calls))
    assert len(api.calls) == 2
    with pytest.raises(RuleError) as error:
        references.resolve_names([user_rule(direction, ip_protocol='tcp', port_range='22/22', peer_prefix_list_name='lab')],
                                 lambda index: 'rules[%d].' % index)
    assert str(error.value) == ("rules[0].%s: 2 prefix lists are named 'lab' in region cn-hangzhou (pl-2, pl-3); give the id instead"
                                % direction.option('peer_prefix_list_name'))
    with pytest.raises(RuleError, match="rules\\[0\\].port_range_list_name: no port range list is named 'we' in region cn-hangzhou"):
        # The API's filter may match parts of names; only the exact name counts.
        references.resolve_names([user_rule(direction, ip_protocol='tcp', peer_cidr_ip='10.0.0.0/8', port_range_list_name='we')],
                                 lambda index: 'rules[%d].' % index)


def test_a_rule_over_a_list_costs_the_lists_max_entries():
    rule = web(EGRESS, peer_cidr_ip=None, peer_prefix_list_id='pl-1')
    assert rule_cost(rule, {'pl-1': 30, 'prl-web': 10}) == 30
    assert rule_cost(rule, {}) == 1
    assert rule_cost(user_rule(EGRESS, ip_protocol='tcp', port_range='22/22', peer_cidr_ip='10.0.0.0/8'), {'pl-1': 30}) == 1


def test_the_quota_check_counts_lists_as_ecs_does_and_reads_sizes_only_when_adding(direction):
    api = FakeApi({'prl-web': ('web', 50, ['80/80']), 'pl-big': ('big', 100, [])})
    plain = [user_rule(direction, ip_protocol='tcp', port_range='%d/%d' % (port, port), peer_cidr_ip='10.0.0.0/8') for port in range(1, 101)]
    existing = [web(direction)] + plain
    # 100 plain rules and one over a 50-entry list take 150 of 200; another 50-entry list rule fits, a 100-entry one does not.
    fits = plan_changes([], [web(direction, peer_cidr_ip='10.1.0.0/16')])
    quota(api, [fits], existing)
    too_big = plan_changes([], [user_rule(direction, ip_protocol='tcp', port_range='22/22', peer_prefix_list_id='pl-big')])
    with pytest.raises(RuleError) as error:
        quota(api, [too_big], existing)
    print(error.value)
    assert 'would take 250 of its 200 rules (150 now, 100 to add, 0 to remove)' in str(error.value)
    api.calls.clear()
    quota(api, [plan_changes(existing, [], purge=True)], existing)
    assert api.calls == []


def test_an_unreadable_list_counts_one_and_leaves_the_decision_to_ecs(direction):
    api = FakeApi({})
    plan = plan_changes([], [web(direction)])
    quota(api, [plan], [], 199)
    assert [action for action, _query in api.calls] == ['DescribePortRangeLists']


def test_entries_are_read_once_and_unreadable_lists_are_none():
    api = FakeApi({'prl-web': ('web', 10, ['80/80', '443/443']), 'pl-1': ('office', 5, ['192.0.2.0/24'])}, refuse=('pl-1',))
    references = ListReferences(api)
    assert references.readable_entries('prl-web') == ['80/80', '443/443']
    assert references.readable_entries('prl-web') == ['80/80', '443/443']
    assert references.readable_entries('pl-1') is None
    assert references.readable_entries('pl-1') is None
    assert [action for action, _query in api.calls] == ['DescribePortRangeListEntries', 'DescribePrefixListAttributes']
