# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Rule normalisation, identity and planning, without Ansible or HTTP."""

from __future__ import annotations

import pytest

from ansible_collections.alicloud.ecs.plugins.module_utils import _filters, _planning, _rule_model, _values, _wire
from ansible_collections.alicloud.ecs.plugins.module_utils._base import ApiError
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import EGRESS
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_writes import apply_plan
from ansible_collections.alicloud.ecs.plugins.module_utils._values import RuleError


def user_rule(is_vpc=True, group='sg-self', **options):
    warnings = []
    rule = _rule_model.resolve_rule(_rule_model.parse_rule(EGRESS, options, '', warnings), is_vpc, group, '', warnings)
    return rule, warnings


def api_rule(**fields):
    permission = dict(Direction='egress', Policy='Accept', Priority='1', NicType='intranet', SourcePortRange='',
                      DestGroupId='', DestPrefixListId='', Ipv6DestCidrIp='', SourceCidrIp='', Description='')
    permission.update(fields)
    return _rule_model.rule_from_api(EGRESS, permission, is_vpc=True)


# --- values --------------------------------------------------------------------------------------

@pytest.mark.parametrize('given, expected', [
    ('tcp', 'tcp'), ('TCP', 'tcp'), (' Udp ', 'udp'), ('ALL', 'all'), ('6', 'tcp'), ('17', 'udp'),
    ('1', 'icmp'), ('47', 'gre'), ('58', 'icmpv6'), ('-1', 'all'), ('ICMPv6', 'icmpv6'),
])
def test_protocol_names_numbers_and_case_compare_equal(given, expected):
    assert _values.normalize_protocol(given) == expected


@pytest.mark.parametrize('given', ['http', 'sctp', '99', ''])
def test_unknown_protocol_is_rejected_naming_option_and_values(given):
    with pytest.raises(RuleError) as info:
        _values.normalize_protocol(given, 'rules[3].ip_protocol')
    message = str(info.value)
    assert message.startswith('rules[3].ip_protocol:')
    assert 'tcp, udp, icmp, gre, all, icmpv6' in message


@pytest.mark.parametrize('given, expected', [('80/80', '80/80'), ('80', '80/80'), (' 1 / 65535 ', '1/65535'), ('1000-2000', '1000/2000')])
def test_port_ranges_of_tcp_are_canonical(given, expected):
    assert _values.normalize_port_range(given, 'tcp') == expected


@pytest.mark.parametrize('given', ['0/80', '80/70', '1/65536', 'http', '-1/-1', '22/'])
def test_invalid_tcp_port_ranges_are_rejected(given):
    with pytest.raises(RuleError) as info:
        _values.normalize_port_range(given, 'tcp')
    assert 'port_range' in str(info.value)


def test_tcp_without_port_range_is_rejected():
    with pytest.raises(RuleError, match='port_range: is required for protocol tcp'):
        _values.normalize_port_range(None, 'tcp')


@pytest.mark.parametrize('protocol', ['icmp', 'gre', 'all', 'icmpv6'])
def test_portless_protocols_take_minus_one_or_nothing(protocol):
    assert _values.normalize_port_range(None, protocol) == '-1/-1'
    assert _values.normalize_port_range('-1/-1', protocol) == '-1/-1'


@pytest.mark.parametrize('protocol', ['icmp', 'gre', 'all'])
def test_a_real_port_range_for_a_portless_protocol_is_an_error_not_dropped(protocol):
    with pytest.raises(RuleError, match='has no ports'):
        _values.normalize_port_range('22/22', protocol)


def test_source_port_minus_one_of_portless_protocol_means_unset():
    assert _values.normalize_source_port_range('-1/-1', 'all') is None
    assert _values.normalize_source_port_range('1024/65535', 'tcp') == '1024/65535'


@pytest.mark.parametrize('given, expected', [
    ('10.0.0.1', '10.0.0.1/32'), ('10.0.0.0/8', '10.0.0.0/8'), ('0.0.0.0/0', '0.0.0.0/0'),
])
def test_ipv4_addresses_become_networks(given, expected):
    assert _values.normalize_cidr(given, 4, 'dest_cidr_ip') == expected


@pytest.mark.parametrize('given, expected', [
    ('2001:DB8:0:0::1', '2001:db8::1/128'), ('2001:0db8:1234:0000::/48', '2001:db8:1234::/48'),
])
def test_ipv6_addresses_are_compressed_networks(given, expected):
    assert _values.normalize_cidr(given, 6, 'ipv6_dest_cidr_ip') == expected


def test_host_bits_are_cleared_with_a_warning():
    warnings = []
    assert _values.normalize_cidr('10.1.2.3/16', 4, 'dest_cidr_ip', warnings) == '10.1.0.0/16'
    assert warnings == ['dest_cidr_ip: 10.1.2.3/16 has host bits set; the rule uses the network 10.1.0.0/16']


@pytest.mark.parametrize('given, version, fragment', [
    ('10.0.0.256', 4, 'is not an IPv4 address'), ('2001:db8::/48', 4, 'use ipv6_dest_cidr_ip'),
    ('10.0.0.0/8', 6, 'use dest_cidr_ip'), ('10.0.0.0/33', 4, 'is not an IPv4'),
])
def test_wrong_family_or_malformed_addresses_are_rejected(given, version, fragment):
    option = 'dest_cidr_ip' if version == 4 else 'ipv6_dest_cidr_ip'
    with pytest.raises(RuleError) as info:
        _values.normalize_cidr(given, version, option)
    assert fragment in str(info.value)
    assert str(info.value).startswith(option + ':')


@pytest.mark.parametrize('given, expected', [(None, 1), (1, 1), ('100', 100), (50, 50)])
def test_priority_defaults_to_one(given, expected):
    assert _values.normalize_priority(given) == expected


@pytest.mark.parametrize('given', [0, 101, '-3', 'high', True])
def test_priority_out_of_range_is_rejected(given):
    with pytest.raises(RuleError, match='priority'):
        _values.normalize_priority(given)


def test_policy_is_case_insensitive_and_defaults_to_accept():
    assert _values.normalize_policy('Drop') == 'drop'
    assert _values.normalize_policy(None) == 'accept'
    with pytest.raises(RuleError, match='accepted values: accept, drop'):
        _values.normalize_policy('allow')


def test_description_and_client_token_limits():
    assert _values.validate_description('x' * 512) == 'x' * 512
    with pytest.raises(RuleError, match='1 to 512 characters'):
        _values.validate_description('x' * 513)
    with pytest.raises(RuleError, match='1 to 512 characters'):
        _values.validate_description('')
    assert _values.validate_client_token('a' * 64) == 'a' * 64
    with pytest.raises(RuleError, match='at most 64'):
        _values.validate_client_token('a' * 65)
    with pytest.raises(RuleError, match='ASCII'):
        _values.validate_client_token(u'token-\u00e9')


# --- whole rules ---------------------------------------------------------------------------------

def test_a_user_rule_and_the_apis_spelling_of_it_have_the_same_identity():
    mine, _warnings = user_rule(ip_protocol='tcp', port_range='443', dest_cidr_ip='10.0.0.1')
    theirs = api_rule(IpProtocol='TCP', PortRange='443/443', DestCidrIp='10.0.0.1', SecurityGroupRuleId='sgr-1')
    assert mine.key() == theirs.key()
    assert theirs.security_group_rule_id == 'sgr-1'


def test_description_is_outside_the_identity():
    first, _w = user_rule(ip_protocol='udp', port_range='53/53', dest_cidr_ip='10.0.0.2', description='dns')
    second, _w = user_rule(ip_protocol='udp', port_range='53/53', dest_cidr_ip='10.0.0.2', description='resolver')
    assert first.key() == second.key()


@pytest.mark.parametrize('field, other', [('priority', 2), ('policy', 'drop'), ('port_range', '444/444'), ('source_cidr_ip', '10.9.0.0/16')])
def test_every_other_field_is_part_of_the_identity(field, other):
    base = dict(ip_protocol='tcp', port_range='443/443', dest_cidr_ip='10.0.0.0/8')
    changed = dict(base, **{field: other})
    assert user_rule(**base)[0].key() != user_rule(**changed)[0].key()


def test_nic_type_defaults_follow_the_document():
    assert user_rule(is_vpc=True, ip_protocol='all', dest_cidr_ip='0.0.0.0/0')[0].nic_type == 'intranet'
    assert user_rule(is_vpc=False, ip_protocol='all', dest_cidr_ip='0.0.0.0/0')[0].nic_type == 'internet'
    assert user_rule(is_vpc=False, ip_protocol='all', dest_group_id='sg-other')[0].nic_type == 'intranet'


def test_internet_nic_type_in_a_vpc_group_is_intranet_with_a_warning():
    rule, warnings = user_rule(is_vpc=True, ip_protocol='all', dest_cidr_ip='0.0.0.0/0', nic_type='internet')
    assert rule.nic_type == 'intranet'
    assert 'nic_type=internet is treated as intranet' in warnings[0]


def test_group_destination_with_internet_nic_type_is_rejected():
    with pytest.raises(RuleError, match='nic_type: must be intranet when the destination is a security group'):
        user_rule(is_vpc=False, ip_protocol='tcp', port_range='22/22', dest_group_id='sg-x', nic_type='internet')


def test_dest_cidr_ip_wins_over_dest_group_with_a_warning():
    rule, warnings = user_rule(ip_protocol='tcp', port_range='22/22', dest_cidr_ip='10.0.0.0/8', dest_group_id='sg-other',
                               dest_group_owner_account='peer@example.com')
    assert (rule.dest_cidr_ip, rule.dest_group_id, rule.dest_group_owner_account) == ('10.0.0.0/8', None, None)
    assert 'takes precedence' in warnings[0]


def test_prefix_list_is_ignored_next_to_another_destination():
    rule, warnings = user_rule(ip_protocol='tcp', port_range='22/22', dest_group_id='sg-other', dest_prefix_list_id='pl-one')
    assert rule.dest_prefix_list_id is None
    assert 'dest_prefix_list_id is ignored' in warnings[0]


def test_a_rule_needs_a_destination():
    with pytest.raises(RuleError, match='a destination is required'):
        user_rule(ip_protocol='tcp', port_range='22/22')


@pytest.mark.parametrize('options, fragment', [
    (dict(ip_protocol='icmp', ipv6_dest_cidr_ip='2001:db8::/32'), 'icmp is IPv4 only'),
    (dict(ip_protocol='icmpv6', dest_cidr_ip='10.0.0.0/8'), 'icmpv6 needs IPv6'),
    (dict(ip_protocol='all', dest_cidr_ip='10.0.0.0/8', ipv6_dest_cidr_ip='2001:db8::/32'), 'one address family'),
    (dict(ip_protocol='all', dest_cidr_ip='10.0.0.0/8', ipv6_source_cidr_ip='2001:db8::/32'), 'ipv6_source_cidr_ip: is IPv6'),
    (dict(ip_protocol='all', dest_cidr_ip='10.0.0.0/8', source_cidr_ip='10.0.0.0/8'), 'must differ from dest_cidr_ip'),
    (dict(ip_protocol='all', dest_group_owner_id='123', dest_cidr_ip=None), 'only applies with dest_group_id'),
    (dict(ip_protocol='all', dest_group_id='sg-a', dest_group_owner_id='12ab'), 'numeric'),
    (dict(ip_protocol='all', dest_group_id='group-a'), "starts with 'sg-'"),
])
def test_conflicting_or_malformed_rules_are_rejected(options, fragment):
    with pytest.raises(RuleError) as info:
        _rule_model.parse_rule(EGRESS, options)
    assert fragment in str(info.value)


def test_classic_groups_refuse_ipv6_and_prefix_lists():
    with pytest.raises(RuleError, match='only in VPC security groups'):
        user_rule(is_vpc=False, ip_protocol='tcp', port_range='443', ipv6_dest_cidr_ip='2001:db8::/32')
    with pytest.raises(RuleError, match='only in VPC security groups'):
        user_rule(is_vpc=False, ip_protocol='tcp', port_range='443', dest_prefix_list_id='pl-a')


def test_a_group_cannot_target_itself():
    with pytest.raises(RuleError, match='must differ from security_group_id'):
        user_rule(group='sg-self', ip_protocol='tcp', port_range='22', dest_group_id='sg-self')


def test_api_values_that_cannot_be_parsed_are_kept_not_raised():
    rule = api_rule(IpProtocol='SCTP', PortRange='weird', DestCidrIp='not-an-ip', Priority='x')
    assert (rule.ip_protocol, rule.port_range, rule.dest_cidr_ip, rule.priority) == ('sctp', 'weird', 'not-an-ip', 1)


def test_api_rule_output_round_trips_through_parse_rule():
    theirs = api_rule(IpProtocol='ALL', PortRange='-1/-1', DestGroupId='sg-peer', DestGroupOwnerAccount='peer@example.com',
                      Policy='Drop', Priority='7', Description='peer', SecurityGroupRuleId='sgr-9', CreateTime='2026-01-01T00:00:00Z')
    again, _w = user_rule(**dict((k, v) for k, v in theirs.to_dict().items() if k not in ('security_group_rule_id', 'create_time')))
    assert again.key() == theirs.key()
    assert again.description == 'peer'


# --- planning ------------------------------------------------------------------------------------

HTTPS = dict(ip_protocol='tcp', port_range='443/443', dest_cidr_ip='10.0.0.0/8')
DNS = dict(ip_protocol='udp', port_range='53/53', dest_cidr_ip='10.0.0.2')


def test_no_change_when_everything_matches():
    existing = [api_rule(IpProtocol='TCP', PortRange='443/443', DestCidrIp='10.0.0.0/8', SecurityGroupRuleId='sgr-1')]
    plan = _planning.plan_changes(existing, [user_rule(**HTTPS)[0]])
    assert not plan.changed
    assert plan.after() == existing


def test_missing_rules_are_authorized_in_sorted_order():
    plan = _planning.plan_changes([], [user_rule(**HTTPS)[0], user_rule(**DNS)[0]])
    assert [rule.ip_protocol for rule in plan.authorize] == ['tcp', 'udp']
    assert plan.revoke == [] and plan.update == []


def test_description_only_difference_updates_in_place():
    existing = [api_rule(IpProtocol='TCP', PortRange='443/443', DestCidrIp='10.0.0.0/8', SecurityGroupRuleId='sgr-1', Description='old')]
    plan = _planning.plan_changes(existing, [user_rule(description='new', **HTTPS)[0]])
    assert plan.authorize == [] and plan.revoke == []
    assert [(rule.security_group_rule_id, text) for rule, text in plan.update] == [('sgr-1', 'new')]
    assert plan.after()[0].description == 'new'
    assert plan.after()[0].security_group_rule_id == 'sgr-1'


def test_omitted_description_leaves_the_existing_one_alone():
    existing = [api_rule(IpProtocol='TCP', PortRange='443/443', DestCidrIp='10.0.0.0/8', Description='keep me')]
    assert not _planning.plan_changes(existing, [user_rule(**HTTPS)[0]]).changed


def test_purge_revokes_unlisted_rules_and_extra_copies():
    keep = api_rule(IpProtocol='TCP', PortRange='443/443', DestCidrIp='10.0.0.0/8', SecurityGroupRuleId='sgr-1')
    copy = api_rule(IpProtocol='tcp', PortRange='443/443', DestCidrIp='10.0.0.0/8', SecurityGroupRuleId='sgr-2')
    other = api_rule(IpProtocol='UDP', PortRange='53/53', DestCidrIp='10.0.0.2', SecurityGroupRuleId='sgr-3')
    plan = _planning.plan_changes([keep, copy, other], [user_rule(**HTTPS)[0]], purge=True)
    assert sorted(rule.security_group_rule_id for rule in plan.revoke) == ['sgr-2', 'sgr-3']
    assert [rule.security_group_rule_id for rule in plan.after()] == ['sgr-1']


def test_without_purge_unlisted_rules_stay():
    other = api_rule(IpProtocol='UDP', PortRange='53/53', DestCidrIp='10.0.0.2', SecurityGroupRuleId='sgr-3')
    plan = _planning.plan_changes([other], [user_rule(**HTTPS)[0]])
    assert plan.revoke == []
    assert len(plan.after()) == 2


def test_purge_with_no_rules_empties_the_group():
    existing = [api_rule(IpProtocol='UDP', PortRange='53/53', DestCidrIp='10.0.0.2', SecurityGroupRuleId='sgr-3')]
    plan = _planning.plan_changes(existing, [], purge=True)
    assert plan.revoke == existing and plan.after() == []


def test_absent_revokes_every_matching_copy_and_nothing_else():
    copy1 = api_rule(IpProtocol='TCP', PortRange='443/443', DestCidrIp='10.0.0.0/8', SecurityGroupRuleId='sgr-1')
    copy2 = api_rule(IpProtocol='tcp', PortRange='443/443', DestCidrIp='10.0.0.0/8', SecurityGroupRuleId='sgr-2')
    other = api_rule(IpProtocol='UDP', PortRange='53/53', DestCidrIp='10.0.0.2', SecurityGroupRuleId='sgr-3')
    plan = _planning.plan_changes([copy1, copy2, other], [user_rule(**HTTPS)[0]], state='absent')
    assert sorted(rule.security_group_rule_id for rule in plan.revoke) == ['sgr-1', 'sgr-2']
    assert not _planning.plan_changes([other], [user_rule(**HTTPS)[0]], state='absent').changed


def test_duplicate_desired_rules_collapse_unless_descriptions_conflict():
    rules = [user_rule(**HTTPS)[0], user_rule(description='a', **HTTPS)[0]]
    assert len(_planning.deduplicate_desired(rules, lambda index: 'rules[%d].' % index)) == 1
    with pytest.raises(RuleError, match=r'rules\[1\].description: this rule is the same as rules\[0\]'):
        _planning.deduplicate_desired([user_rule(description='a', **HTTPS)[0], user_rule(description='b', **HTTPS)[0]],
                                      lambda index: 'rules[%d].' % index)


def test_rule_limit_counts_removals_before_additions():
    plan = _planning.ChangePlan(before=[], revoke=[object()] * 5, authorize=[object()] * 5)
    _planning.check_rule_limit(plan, 200)
    plan = _planning.ChangePlan(before=[], revoke=[], authorize=[object()] * 3)
    with pytest.raises(RuleError) as info:
        _planning.check_rule_limit(plan, 198)
    assert 'would hold 201 rules (198 now, 3 to add, 0 to remove)' in str(info.value)


def test_batches_respect_the_api_list_size():
    assert [len(batch) for batch in _wire.batches(list(range(250)))] == [100, 100, 50]


def test_authorize_and_revoke_parameters_use_the_wire_names():
    rule, _w = user_rule(ip_protocol='tcp', port_range='22', dest_group_id='sg-peer', dest_group_owner_id='1000000000000002')
    params = _wire.authorize_params([rule, user_rule(**DNS)[0]])
    assert params['Permissions.1.DestGroupId'] == 'sg-peer'
    assert params['Permissions.1.DestGroupOwnerId'] == '1000000000000002'
    assert params['Permissions.1.NicType'] == 'intranet'
    assert params['Permissions.2.DestCidrIp'] == '10.0.0.2/32'
    assert 'Permissions.1.Description' not in params
    existing = [api_rule(IpProtocol='TCP', PortRange='1/1', DestCidrIp='1.1.1.1', SecurityGroupRuleId='sgr-%d' % n) for n in (1, 2)]
    assert _wire.revoke_params(existing) == {'SecurityGroupRuleId.1': 'sgr-1', 'SecurityGroupRuleId.2': 'sgr-2'}


def test_client_tokens_are_stable_per_write_and_distinct_between_writes():
    first = _planning.derive_client_token('base', 'AuthorizeSecurityGroupEgress', {'Permissions.1.IpProtocol': 'tcp'})
    again = _planning.derive_client_token('base', 'AuthorizeSecurityGroupEgress', {'Permissions.1.IpProtocol': 'tcp'})
    other = _planning.derive_client_token('base', 'AuthorizeSecurityGroupEgress', {'Permissions.1.IpProtocol': 'udp'})
    assert first == again != other
    assert len(first) <= 64 and first.isascii()


# --- filters (the info module) ----------------------------------------------------------------------

def test_filters_are_normalised_like_rules():
    filters = _filters.parse_filters(EGRESS, dict(ip_protocol='TCP', policy='Accept', dest_cidr_ip='10.0.0.1', port=443))
    assert filters == dict(ip_protocol='tcp', policy='accept', dest_cidr_ip='10.0.0.1/32', port=443)
    assert _filters.rule_matches(api_rule(IpProtocol='TCP', PortRange='400/500', DestCidrIp='10.0.0.1'), filters)
    assert not _filters.rule_matches(api_rule(IpProtocol='TCP', PortRange='400/442', DestCidrIp='10.0.0.1'), filters)


@pytest.mark.parametrize('protocol, ports, matches', [('ALL', '-1/-1', True), ('ICMP', '-1/-1', False), ('UDP', '443/443', True)])
def test_a_port_filter_keeps_the_rules_that_apply_to_that_port(protocol, ports, matches):
    rule = api_rule(IpProtocol=protocol, PortRange=ports, DestCidrIp='0.0.0.0/0')
    assert _filters.rule_matches(rule, dict(port=443)) is matches


@pytest.mark.parametrize('options, option', [(dict(port=0), 'port'), (dict(port=True), 'port'), (dict(policy='deny'), 'policy'),
                                             (dict(ipv6_dest_cidr_ip='10.0.0.0/8'), 'ipv6_dest_cidr_ip')])
def test_bad_filters_name_the_option(options, option):
    with pytest.raises(RuleError) as info:
        _filters.parse_filters(EGRESS, options)
    assert str(info.value).startswith(option + ':')


def test_a_repeated_rule_keeps_the_description_given_on_either_entry():
    # The same rule written twice, the description only on the later entry (one address without mask,
    # one with): the description must survive, not be dropped with the second entry.
    first = user_rule(ip_protocol='udp', port_range='53/53', dest_cidr_ip='100.100.2.136')[0]
    later = user_rule(ip_protocol='udp', port_range='53/53', dest_cidr_ip='100.100.2.136/32', description='resolver')[0]
    merged = _planning.deduplicate_desired([first, later], lambda index: 'rules[%d].' % index)
    assert [rule.description for rule in merged] == ['resolver']
    plan = _planning.plan_changes([], merged)
    assert [rule.description for rule in plan.authorize] == ['resolver']


def test_the_owner_account_describe_returns_is_the_account_id_and_feeds_back_as_the_owner_id():
    # Terraform provider commit 0c5ea3c94 (issue 10142): *GroupOwnerAccount holds the owner's account ID.
    read = api_rule(IpProtocol='TCP', PortRange='22/22', DestGroupId='sg-peer', DestGroupOwnerAccount='1000000000000002')
    assert (read.dest_group_owner_id, read.dest_group_owner_account) == ('1000000000000002', None)
    fed_back, _w = user_rule(**dict((key, value) for key, value in read.to_dict().items()
                                    if key not in ('security_group_rule_id', 'create_time')))
    assert fed_back.key() == read.key()
    assert _wire.authorize_params([fed_back])['Permissions.1.DestGroupOwnerId'] == '1000000000000002'
    named = api_rule(IpProtocol='TCP', PortRange='22/22', DestGroupId='sg-peer', DestGroupOwnerAccount='peer@example.com')
    assert (named.dest_group_owner_id, named.dest_group_owner_account) == (None, 'peer@example.com')


def test_a_revoke_batch_refused_for_a_rule_already_gone_is_revoked_rule_by_rule_by_id():
    # sgr-2 is an extra copy of the kept rule sgr-kept; sgr-1 is gone already (another writer, or a lagging read).
    kept = api_rule(IpProtocol='TCP', PortRange='2/2', DestCidrIp='1.1.1.1', SecurityGroupRuleId='sgr-kept')
    existing = [kept] + [api_rule(IpProtocol='TCP', PortRange='%d/%d' % (port, port), DestCidrIp='1.1.1.1',
                                  SecurityGroupRuleId='sgr-%d' % port) for port in (1, 2)]
    plan = _planning.plan_changes(existing, [kept], purge=True)
    gone = {'sgr-1'}
    sent = []

    def call(action, query, write=False):
        ids = sorted(value for name, value in query.items() if name.startswith('SecurityGroupRuleId.'))
        sent.append(ids)
        if gone & set(ids):
            raise ApiError(action, 'InvalidSecurityGroupRuleId.NotFound', 'no such rule', 404)
        return {}
    applied = apply_plan(call, EGRESS, plan, 'sg-1', 'base')
    print('revoke calls: %s' % sent)
    assert sent == [['sgr-1', 'sgr-2'], ['sgr-1'], ['sgr-2']], 'the kept copy is never revoked, by id or by its fields'
    assert [rule['security_group_rule_id'] for rule in applied.removed] == ['sgr-2']
