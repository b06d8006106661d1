# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The rule core for both directions: every case is written once, in role terms, and runs for egress and ingress.

``Case`` translates the roles of a case into the option names (``dest_cidr_ip`` or ``source_cidr_ip``),
API names and message words of the direction under test, so a parity gap between the two directions
shows up as a failure of one of the two runs.
"""

from __future__ import annotations

import re

import pytest

from ansible_collections.alicloud.ecs.plugins.module_utils import _filters, _groups, _planning, _wire
from ansible_collections.alicloud.ecs.plugins.module_utils._base import ApiError
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import (
    EGRESS, INGRESS, parse_rule, resolve_rule, rule_from_api,
)
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_writes import PartialApplyError, apply_plan
from ansible_collections.alicloud.ecs.plugins.module_utils._values import RuleError


class Case:
    """The direction under test, with helpers that speak in roles."""

    def __init__(self, direction):
        self.direction = direction

    def options(self, **roles):
        return dict((self.direction.option(role), value) for role, value in roles.items())

    def user_rule(self, is_vpc=True, group='sg-self', where='', **roles):
        warnings = []
        rule = resolve_rule(parse_rule(self.direction, self.options(**roles), where, warnings), is_vpc, group, where, warnings)
        return rule, warnings

    def api_rule(self, **roles):
        wire = self.direction.wire
        permission = {'Direction': self.direction.name, 'Policy': 'Accept', 'Priority': '1', 'NicType': 'intranet',
                      'Description': '', wire('source_port_range'): '', wire('peer_group_id'): '',
                      wire('peer_prefix_list_id'): '', wire('peer_ipv6_cidr_ip'): '', wire('local_cidr_ip'): ''}
        # Keys are roles (peer_cidr_ip) or API names as they are (IpProtocol).
        permission.update((wire(name) if name.islower() else name, value) for name, value in roles.items())
        return rule_from_api(self.direction, permission, is_vpc=True)

    def text(self, template):
        """A message template with {peer_cidr_ip}-style role placeholders and {peer} for the peer's noun."""
        names = dict((role, self.direction.option(role)) for role in ROLE_NAMES)
        return template.format(peer=self.direction.peer_noun, **names)


ROLE_NAMES = ('peer_cidr_ip', 'peer_ipv6_cidr_ip', 'peer_group_id', 'peer_group_name', 'peer_group_owner_id', 'peer_group_owner_account',
              'peer_prefix_list_id', 'peer_prefix_list_name', 'local_cidr_ip', 'local_ipv6_cidr_ip')


@pytest.fixture(params=[EGRESS, INGRESS], ids=lambda direction: direction.name)
def case(request):
    return Case(request.param)


HTTPS = dict(ip_protocol='tcp', port_range='443/443', peer_cidr_ip='10.0.0.0/8')
DNS = dict(ip_protocol='udp', port_range='53/53', peer_cidr_ip='10.0.0.2')


# --- names ---------------------------------------------------------------------------------------

def test_the_directions_mirror_each_others_names():
    assert [EGRESS.option(role) for role in ROLE_NAMES] == [
        'dest_cidr_ip', 'ipv6_dest_cidr_ip', 'dest_group_id', 'dest_group_name', 'dest_group_owner_id', 'dest_group_owner_account',
        'dest_prefix_list_id', 'dest_prefix_list_name', 'source_cidr_ip', 'ipv6_source_cidr_ip']
    assert [INGRESS.option(role) for role in ROLE_NAMES] == [
        'source_cidr_ip', 'ipv6_source_cidr_ip', 'source_group_id', 'source_group_name', 'source_group_owner_id', 'source_group_owner_account',
        'source_prefix_list_id', 'source_prefix_list_name', 'dest_cidr_ip', 'ipv6_dest_cidr_ip']
    assert INGRESS.wire('peer_ipv6_cidr_ip') == 'Ipv6SourceCidrIp' and EGRESS.wire('peer_group_owner_account') == 'DestGroupOwnerAccount'
    assert INGRESS.wire('source_port_range') == EGRESS.wire('source_port_range') == 'SourcePortRange'
    assert INGRESS.wire('port_range_list_id') == EGRESS.wire('port_range_list_id') == 'PortRangeListId'
    assert INGRESS.wire('peer_prefix_list_name') == 'SourcePrefixListName' and EGRESS.option('port_range_list_name') == 'port_range_list_name'


def test_a_rule_answers_to_its_directions_option_names(case):
    rule = case.user_rule(**HTTPS)[0]
    assert getattr(rule, case.direction.option('peer_cidr_ip')) == '10.0.0.0/8'
    assert set(rule.to_dict()) == set(case.direction.output_options)
    with pytest.raises(AttributeError):
        getattr(rule, 'no_such_option')


# --- identity and normalisation --------------------------------------------------------------------

def test_a_user_rule_and_the_apis_spelling_of_it_have_the_same_identity(case):
    user = case.user_rule(ip_protocol='TCP', port_range='443', peer_cidr_ip='10.0.0.1', policy='ACCEPT')[0]
    api = case.api_rule(IpProtocol='TCP', PortRange='443/443', peer_cidr_ip='10.0.0.1')
    assert user.key() == api.key()


def test_description_and_peer_owner_are_outside_the_identity(case):
    plain = case.user_rule(ip_protocol='tcp', port_range='22/22', peer_group_id='sg-peer')[0]
    described = case.user_rule(ip_protocol='tcp', port_range='22/22', peer_group_id='sg-peer', description='x',
                               peer_group_owner_account='peer@example.com')[0]
    assert plain.key() == described.key()


@pytest.mark.parametrize('role, value', [
    ('port_range', '444/444'), ('source_port_range', '1000/2000'), ('peer_cidr_ip', '10.0.0.0/16'),
    ('local_cidr_ip', '192.168.1.0/24'), ('policy', 'drop'), ('priority', 2), ('nic_type', 'intranet'),
])
def test_every_other_field_is_part_of_the_identity(case, role, value):
    base = case.user_rule(is_vpc=False, **HTTPS)[0]
    changed = case.user_rule(is_vpc=False, **dict(HTTPS, **{role: value}))[0]
    assert base.key() != changed.key()


def test_an_address_peer_wins_over_a_group_with_a_warning(case):
    rule, warnings = case.user_rule(ip_protocol='tcp', port_range='22/22', peer_cidr_ip='10.0.0.0/8', peer_group_id='sg-peer',
                                    peer_group_owner_id='123')
    assert rule.peer_group_id is None and rule.peer_group_owner_id is None
    assert warnings == [case.text('rule: {peer_cidr_ip} takes precedence over {peer_group_id} and its owner, which are ignored')]


def test_a_prefix_list_is_ignored_next_to_another_peer(case):
    rule, warnings = case.user_rule(ip_protocol='tcp', port_range='22/22', peer_group_id='sg-peer', peer_prefix_list_id='pl-1')
    assert rule.peer_prefix_list_id is None and rule.peer_group_id == 'sg-peer'
    assert warnings == [case.text('rule: {peer_prefix_list_id} is ignored because an address or group {peer} is given')]


def test_a_rule_needs_a_peer(case):
    with pytest.raises(RuleError) as error:
        case.user_rule(ip_protocol='tcp', port_range='22/22', local_cidr_ip='10.0.0.0/8', where='rules[4].')
    assert str(error.value) == case.text('rules[4].{peer_cidr_ip}: a {peer} is required: give one of {peer_cidr_ip}, '
                                         '{peer_ipv6_cidr_ip}, {peer_group_id}, {peer_group_name}, {peer_prefix_list_id} or {peer_prefix_list_name}')


@pytest.mark.parametrize('roles, message', [
    (dict(peer_cidr_ip='10.0.0.0/8', peer_ipv6_cidr_ip='2001:db8::/32'),
     '{peer_cidr_ip}: cannot be combined with {peer_ipv6_cidr_ip}; a rule has one address family'),
    (dict(peer_cidr_ip='10.0.0.0/8', local_cidr_ip='10.1.0.0/16', local_ipv6_cidr_ip='2001:db8::/32'),
     '{local_cidr_ip}: cannot be combined with {local_ipv6_cidr_ip}; a rule has one address family'),
    (dict(peer_cidr_ip='10.0.0.0/8', local_ipv6_cidr_ip='2001:db8::/32'), '{local_ipv6_cidr_ip}: is IPv6 but {peer_cidr_ip} is IPv4; use {local_cidr_ip}'),
    (dict(peer_ipv6_cidr_ip='2001:db8::/32', local_cidr_ip='10.0.0.0/8'), '{local_cidr_ip}: is IPv4 but {peer_ipv6_cidr_ip} is IPv6; use {local_ipv6_cidr_ip}'),
    (dict(peer_ipv6_cidr_ip='2001:db8::/32', peer_group_id='sg-peer'), '{peer_group_id}: cannot be combined with {peer_ipv6_cidr_ip}; give one {peer}'),
    (dict(peer_group_owner_id='123', peer_prefix_list_id='pl-1'), '{peer_group_owner_id}: only applies with {peer_group_id}'),
    (dict(peer_cidr_ip='10.0.0.0/8', local_cidr_ip='10.0.0.0/8'), '{local_cidr_ip}: must differ from {peer_cidr_ip} (10.0.0.0/8)'),
    (dict(peer_group_id='sg-peer', nic_type='internet'), 'nic_type: must be intranet when the {peer} is a security group ({peer_group_id})'),
    (dict(peer_prefix_list_id='pl-1', nic_type='internet'), 'nic_type: must be intranet when the {peer} is a prefix list'),
    (dict(peer_group_id='group-1'), "{peer_group_id}: 'group-1' is not a valid ID; expected an ID that starts with 'sg-'"),
    (dict(peer_cidr_ip='2001:db8::/32'), "{peer_cidr_ip}: '2001:db8::/32' is an IPv6 value; this option takes IPv4 only (use {peer_ipv6_cidr_ip} for it)"),
])
def test_conflicting_or_malformed_rules_name_the_directions_option(case, roles, message):
    with pytest.raises(RuleError) as error:
        case.user_rule(ip_protocol='tcp', port_range='22/22', **roles)
    assert str(error.value) == case.text(message)


def test_icmp_families_are_checked(case):
    with pytest.raises(RuleError, match=re.escape(case.text('icmpv6 needs IPv6 addresses ({peer_ipv6_cidr_ip} / {local_ipv6_cidr_ip})'))):
        case.user_rule(ip_protocol='icmpv6', peer_cidr_ip='10.0.0.0/8')
    with pytest.raises(RuleError, match='icmp is IPv4 only'):
        case.user_rule(ip_protocol='icmp', peer_ipv6_cidr_ip='2001:db8::/32')


def test_classic_groups_refuse_ipv6_and_prefix_lists_and_default_the_nic_type(case):
    with pytest.raises(RuleError, match=re.escape(case.text('{peer_ipv6_cidr_ip}: IPv6 rules are supported only in VPC'))):
        case.user_rule(is_vpc=False, ip_protocol='tcp', port_range='22/22', peer_ipv6_cidr_ip='2001:db8::/32')
    with pytest.raises(RuleError, match=re.escape(case.text('{peer_prefix_list_id}: prefix lists are supported only in VPC'))):
        case.user_rule(is_vpc=False, ip_protocol='tcp', port_range='22/22', peer_prefix_list_id='pl-1')
    assert case.user_rule(is_vpc=False, **HTTPS)[0].nic_type == 'internet'
    assert case.user_rule(is_vpc=False, ip_protocol='tcp', port_range='22/22', peer_group_id='sg-peer')[0].nic_type == 'intranet'
    assert case.user_rule(is_vpc=True, **HTTPS)[0].nic_type == 'intranet'


def test_a_group_cannot_name_itself_as_peer(case):
    with pytest.raises(RuleError, match=re.escape(case.text('{peer_group_id}: must differ from security_group_id (sg-self)'))):
        case.user_rule(ip_protocol='tcp', port_range='22/22', peer_group_id='sg-self')


def test_what_the_api_returns_feeds_back_as_the_same_rule(case):
    api = case.api_rule(IpProtocol='UDP', PortRange='53/53', peer_cidr_ip='10.0.0.2', local_cidr_ip='192.168.0.0/24',
                        Description='dns', Priority='7', SecurityGroupRuleId='sgr-1')
    fed_back = dict((name, value) for name, value in api.to_dict().items())
    again = resolve_rule(parse_rule(case.direction, fed_back), True, 'sg-self')
    assert again == api and again.description == 'dns'


def test_the_summary_says_which_way_the_traffic_goes(case):
    rule = case.user_rule(**HTTPS)[0]
    assert rule.summary() == 'accept tcp %s 10.0.0.0/8 (443/443, priority 1, intranet)' % case.direction.preposition


# --- planning --------------------------------------------------------------------------------------

def test_planning_adds_fixes_descriptions_in_place_and_purges(case):
    keep = case.api_rule(IpProtocol='TCP', PortRange='443/443', peer_cidr_ip='10.0.0.0/8', SecurityGroupRuleId='sgr-1', Description='old')
    copy = case.api_rule(IpProtocol='tcp', PortRange='443/443', peer_cidr_ip='10.0.0.0/8', SecurityGroupRuleId='sgr-2')
    other = case.api_rule(IpProtocol='UDP', PortRange='53/53', peer_cidr_ip='10.9.9.9', SecurityGroupRuleId='sgr-3')
    desired = [case.user_rule(description='new', **HTTPS)[0], case.user_rule(**DNS)[0]]
    plan = _planning.plan_changes([keep, copy, other], desired, purge=True)
    assert [(rule.security_group_rule_id, text) for rule, text in plan.update] == [('sgr-1', 'new')]
    assert sorted(rule.security_group_rule_id for rule in plan.revoke) == ['sgr-2', 'sgr-3']
    assert [rule.peer_cidr_ip for rule in plan.authorize] == ['10.0.0.2/32']
    assert [rule.description for rule in plan.after()] == ['new', None]
    assert not _planning.plan_changes(plan.after(), desired).changed


def test_absent_revokes_every_copy_of_the_rule_only(case):
    copy1 = case.api_rule(IpProtocol='TCP', PortRange='443/443', peer_cidr_ip='10.0.0.0/8', SecurityGroupRuleId='sgr-1')
    copy2 = case.api_rule(IpProtocol='tcp', PortRange='443/443', peer_cidr_ip='10.0.0.0/8', SecurityGroupRuleId='sgr-2')
    other = case.api_rule(IpProtocol='UDP', PortRange='53/53', peer_cidr_ip='10.0.0.2', SecurityGroupRuleId='sgr-3')
    plan = _planning.plan_changes([copy1, copy2, other], [case.user_rule(**HTTPS)[0]], state='absent')
    assert sorted(rule.security_group_rule_id for rule in plan.revoke) == ['sgr-1', 'sgr-2']


def test_a_repeated_rule_merges_its_descriptions_or_names_both_entries(case):
    where = 'rules[%d].'.__mod__
    merged = _planning.deduplicate_desired([case.user_rule(**HTTPS)[0], case.user_rule(description='a', **HTTPS)[0]], where)
    assert [rule.description for rule in merged] == ['a']
    with pytest.raises(RuleError, match=r'rules\[1\].description: this rule is the same as rules\[0\]'):
        _planning.deduplicate_desired([case.user_rule(description='a', **HTTPS)[0], case.user_rule(description='b', **HTTPS)[0]], where)


def test_the_limit_counts_both_directions_and_removals_first(case):
    new = [case.user_rule(**dict(HTTPS, port_range='%d/%d' % (port, port)))[0] for port in range(1, 4)]
    plan = _planning.plan_changes([], new)
    _planning.check_rule_limit(plan, 197)
    with pytest.raises(RuleError, match=r'rules: the group would hold 201 rules \(198 now, 3 to add, 0 to remove\)'):
        _planning.check_rule_limit(plan, 198)
    other_direction = _planning.ChangePlan(before=[], revoke=['one removal'])
    _planning.check_rule_limit([plan, other_direction], 198)


# --- wire --------------------------------------------------------------------------------------------

def test_writes_use_the_directions_parameter_names(case):
    group_rule = case.user_rule(ip_protocol='tcp', port_range='22/22', peer_group_id='sg-peer', peer_group_owner_account='peer@example.com')[0]
    rules = [case.user_rule(description='d', **HTTPS)[0], group_rule]
    params = _wire.authorize_params(rules)
    wire = case.direction.wire
    assert params['Permissions.1.%s' % wire('peer_cidr_ip')] == '10.0.0.0/8'
    assert params['Permissions.1.Description'] == 'd'
    assert params['Permissions.2.%s' % wire('peer_group_id')] == 'sg-peer'
    assert params['Permissions.2.%s' % wire('peer_group_owner_account')] == 'peer@example.com'
    assert not any(name.endswith(wire('local_cidr_ip')) for name in params)
    assert _wire.revoke_params([case.api_rule(SecurityGroupRuleId='sgr-9', **dict(IpProtocol='tcp', PortRange='1/1', peer_cidr_ip='1.1.1.1'))]) \
        == {'SecurityGroupRuleId.1': 'sgr-9'}
    assert [len(batch) for batch in _wire.batches(list(range(250)))] == [100, 100, 50]


class FakeApi:
    """Answers writes in order; the write numbered ``fail_at`` (1-based) fails as the API would."""

    def __init__(self, fail_at=None):
        self.fail_at = fail_at
        self.writes = []

    def __call__(self, action, query, write=False):
        self.writes.append((action, dict(query)))
        if len(self.writes) == self.fail_at:
            raise ApiError(action, 'Throttling.User', 'Request was denied due to user flow control.', 400, 'req-failed')
        return dict(RequestId='req-%d' % len(self.writes))


def a_plan_of_every_kind(case, additions=150):
    existing = [case.api_rule(IpProtocol='tcp', PortRange='443/443', peer_cidr_ip='10.0.0.0/8', SecurityGroupRuleId='sgr-1', Description='old'),
                case.api_rule(IpProtocol='udp', PortRange='53/53', peer_cidr_ip='10.9.9.9', SecurityGroupRuleId='sgr-2')]
    desired = [case.user_rule(description='new', **HTTPS)[0]]
    desired += [case.user_rule(ip_protocol='tcp', port_range='%d/%d' % (port, port), peer_cidr_ip='10.1.0.0/16')[0]
                for port in range(1000, 1000 + additions)]
    return _planning.plan_changes(existing, desired, purge=True)


def test_a_plan_is_written_descriptions_then_removals_then_batched_additions(case):
    api = FakeApi()
    applied = apply_plan(api, case.direction, a_plan_of_every_kind(case), 'sg-1', 'base')
    direction = case.direction
    expected = [direction.modify_action, direction.revoke_action, direction.authorize_action, direction.authorize_action]
    assert [action for action, _query in api.writes] == expected
    assert all(query['SecurityGroupId'] == 'sg-1' and query['ClientToken'] for _action, query in api.writes)
    assert len(set(query['ClientToken'] for _action, query in api.writes)) == 4
    assert (len(applied.updated), len(applied.removed), len(applied.added)) == (1, 1, 150)
    again = FakeApi()
    apply_plan(again, case.direction, a_plan_of_every_kind(case), 'sg-1', 'base')
    assert [query['ClientToken'] for _a, query in again.writes] == [query['ClientToken'] for _a, query in api.writes]


@pytest.mark.parametrize('fail_at, counts, note', [
    (1, (0, 0, 0), None),
    (2, (1, 0, 0), 'changes applied before the failure: 1 updated, 0 removed, 0 added'),
    (4, (1, 1, 100), 'changes applied before the failure: 1 updated, 1 removed, 100 added'),
])
def test_a_failed_write_reports_exactly_what_was_applied_before_it(case, fail_at, counts, note):
    api = FakeApi(fail_at=fail_at)
    with pytest.raises(PartialApplyError) as failure:
        apply_plan(api, case.direction, a_plan_of_every_kind(case), 'sg-1', 'base')
    applied = failure.value.applied
    assert (len(applied.updated), len(applied.removed), len(applied.added)) == counts
    assert bool(applied) is (fail_at > 1)
    assert failure.value.note() == note
    assert failure.value.error.code == 'Throttling.User' and failure.value.error.request_id == 'req-failed'
    assert len(api.writes) == fail_at


# --- filters and reading -------------------------------------------------------------------------------

def test_filters_use_the_directions_option_names(case):
    filters = _filters.parse_filters(case.direction, case.options(peer_cidr_ip='10.0.0.1', ip_protocol='TCP', peer_group_id=' '))
    assert filters == {case.direction.option('peer_cidr_ip'): '10.0.0.1/32', 'ip_protocol': 'tcp'}
    assert _filters.rule_matches(case.api_rule(IpProtocol='TCP', PortRange='1/1', peer_cidr_ip='10.0.0.1'), filters)
    assert not _filters.rule_matches(case.api_rule(IpProtocol='TCP', PortRange='1/1', peer_cidr_ip='10.0.0.2'), filters)
    with pytest.raises(RuleError, match='^%s: ' % case.direction.option('peer_ipv6_cidr_ip')):
        _filters.parse_filters(case.direction, case.options(peer_ipv6_cidr_ip='nonsense'))


def test_one_read_splits_the_groups_rules_by_direction():
    permissions = [dict(Direction='egress', IpProtocol='TCP', PortRange='1/1', DestCidrIp='10.0.0.1', Priority='1', Policy='Accept'),
                   dict(Direction='ingress', IpProtocol='TCP', PortRange='2/2', SourceCidrIp='10.0.0.2', DestCidrIp='192.168.0.1',
                        Priority='1', Policy='Accept'),
                   dict(Direction='ingress', IpProtocol='UDP', PortRange='3/3', SourceGroupId='sg-peer', SourceGroupOwnerAccount='peer',
                        Priority='1', Policy='Accept')]
    queries = []

    def api(action, query):
        queries.append(action)
        return dict(VpcId='vpc-1', NextToken='', Permissions=dict(Permission=permissions))

    group = _groups.read_group_rules(api, 'sg-1')
    assert queries == ['DescribeSecurityGroupAttribute']
    assert [rule.port_range for rule in group.rules(EGRESS)] == ['1/1']
    assert [(rule.source_cidr_ip, rule.dest_cidr_ip) for rule in group.rules(INGRESS)] == [('10.0.0.2/32', '192.168.0.1/32'), (None, None)]
    assert group.rules(INGRESS)[1].source_group_owner_account == 'peer' and group.total_rule_count == 3
