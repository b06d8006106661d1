"""Ingress and egress side by side: every case runs once per direction, with the mirrored parameters.

Cases name the two sides of a rule by role. The peer is the destination of an egress rule and the
source of an ingress rule; the local range is the other side (SourceCidrIp for egress, DestCidrIp
for ingress). Codes named by role are resolved per direction in CODES.
"""

import pytest

from conftest import M, REGION, api_error, make_client

PARAMETERS = {
    'egress': {'peer': 'dest_cidr_ip', 'peer6': 'ipv_6dest_cidr_ip', 'peer_group': 'dest_group_id',
               'peer_owner_id': 'dest_group_owner_id', 'peer_owner_account': 'dest_group_owner_account',
               'peer_prefix_list': 'dest_prefix_list_id', 'local': 'source_cidr_ip', 'local6': 'ipv_6source_cidr_ip'},
    'ingress': {'peer': 'source_cidr_ip', 'peer6': 'ipv_6source_cidr_ip', 'peer_group': 'source_group_id',
                'peer_owner_id': 'source_group_owner_id', 'peer_owner_account': 'source_group_owner_account',
                'peer_prefix_list': 'source_prefix_list_id', 'local': 'dest_cidr_ip', 'local6': 'ipv_6dest_cidr_ip'},
}
COLUMNS = {
    'egress': {'peer': 'dest_cidr_ip', 'peer_group': 'dest_group_id', 'peer_owner_id': 'dest_group_owner_id',
               'peer_prefix_list': 'dest_prefix_list_id'},
    'ingress': {'peer': 'source_cidr_ip', 'peer_group': 'source_group_id', 'peer_owner_id': 'source_group_owner_id',
                'peer_prefix_list': 'source_prefix_list_id'},
}
CODES = {
    'egress': {'missing': 'MissingParameter.Dest', 'peer_malformed': 'InvalidDestCidrIp.Malformed',
               'peer_both': 'InvalidParam.DestIp', 'peer6': 'InvalidParam.Ipv6DestCidrIp',
               'local_both': 'InvalidParam.SourceIp', 'local_malformed': 'InvalidParam.SourceIp',
               'local6': 'InvalidParam.Ipv6SourceCidrIp', 'family_mismatch': 'InvalidParam.SourceIp',
               'group_not_found': 'InvalidDestGroupId.NotFound', 'group_mismatch': 'InvalidDestGroupId.Mismatch',
               'self_reference': 'InvalidSecurityGroup.IsSame'},
    'ingress': {'missing': 'MissingParameter.Source', 'peer_malformed': 'InvalidSourceCidrIp.Malformed',
                'peer_both': 'InvalidParam.SourceIp', 'peer6': 'InvalidParam.Ipv6SourceCidrIp',
                'local_both': 'InvalidParam.DestIp', 'local_malformed': 'InvalidDestCidrIp.Malformed',
                'local6': 'InvalidParam.Ipv6DestCidrIp', 'family_mismatch': 'InvalidParam.DestIp',
                'group_not_found': 'InvalidSourceGroupId.NotFound', 'group_mismatch': 'InvalidSourceGroupId.Mismatch',
                # AuthorizeSecurityGroup's table has no IsSame row; it lists this code for a self-reference.
                'self_reference': 'InvalidParamter.Conflict'},
}
CALLS = {
    'egress': {'authorize': ('authorize_security_group_egress', M.AuthorizeSecurityGroupEgressRequest),
               'revoke': ('revoke_security_group_egress', M.RevokeSecurityGroupEgressRequest),
               'modify': ('modify_security_group_egress_rule', M.ModifySecurityGroupEgressRuleRequest)},
    'ingress': {'authorize': ('authorize_security_group', M.AuthorizeSecurityGroupRequest),
                'revoke': ('revoke_security_group', M.RevokeSecurityGroupRequest),
                'modify': ('modify_security_group_rule', M.ModifySecurityGroupRuleRequest)},
}
DIRECTIONS = sorted(CALLS)
OTHER = {'egress': 'ingress', 'ingress': 'egress'}


class Side:
    """One direction's view of a client: role-named fields in, mirrored SDK requests out."""

    def __init__(self, client, direction):
        self.client = client
        self.direction = direction

    def fields(self, roles):
        names = PARAMETERS[self.direction]
        return {names.get(key, key): value for key, value in roles.items()}

    def code(self, name):
        return CODES[self.direction].get(name, name)

    def column(self, role):
        return COLUMNS[self.direction][role]

    def send(self, call, group='sg-demo-app', **roles):
        method, model = CALLS[self.direction][call]
        fields = dict(region_id=REGION, security_group_id=group)
        fields.update(self.fields(roles))
        return getattr(self.client, method)(model(**fields))

    def authorize(self, group='sg-demo-app', **roles):
        return self.send('authorize', group, **roles)


@pytest.fixture(params=DIRECTIONS)
def side(request, emu):
    return Side(make_client(emu.endpoint), request.param)


TCP = {'ip_protocol': 'tcp', 'port_range': '80/80'}
PEER4 = dict(TCP, peer='10.0.0.0/8')
PEER6 = dict(TCP, peer6='2001:db8::/32')
OTHER_PORT_PEER4 = {'ip_protocol': 'tcp', 'port_range': '81/81', 'peer': '10.0.0.0/8'}

# (test id, group, role-named fields, code or role-named code, HTTP status)
AUTHORIZE_ERRORS = [
    ('no-peer', 'sg-demo-app', TCP, 'missing', 400),
    ('peer-bad-octet', 'sg-demo-app', dict(TCP, peer='10.0.0.256'), 'peer_malformed', 400),
    ('peer-ipv6-in-ipv4-field', 'sg-demo-app', dict(TCP, peer='2001:db8::/32'), 'peer_malformed', 400),
    ('both-peer-families', 'sg-demo-app', dict(PEER4, peer6='2001:db8::/32'), 'peer_both', 400),
    ('peer6-garbage', 'sg-demo-app', dict(TCP, peer6='2001:zz::'), 'peer6', 400),
    ('peer6-prefix', 'sg-demo-app', dict(TCP, peer6='2001:db8::/129'), 'ILLEGAL_IPV6_CIDR', 400),
    ('peer6-on-classic', 'sg-demo-classic', PEER6, 'peer6', 400),
    ('both-local-families', 'sg-demo-app', dict(PEER4, local='10.1.0.0/16', local6='2001:db8::/64'), 'local_both', 400),
    ('local-malformed', 'sg-demo-app', dict(PEER4, local='10.0.0'), 'local_malformed', 400),
    ('local6-garbage', 'sg-demo-app', dict(PEER6, local6='nope'), 'local6', 400),
    ('local6-prefix', 'sg-demo-app', dict(PEER6, local6='2001:db8::/200'), 'ILLEGAL_IPV6_CIDR', 400),
    ('local6-on-classic', 'sg-demo-classic', dict(PEER4, local6='2001:db8::/64'), 'local6', 400),
    ('family-mix', 'sg-demo-app', dict(PEER4, local6='2001:db8::/64'), 'family_mismatch', 400),
    ('local-equals-peer', 'sg-demo-app', dict(TCP, peer='10.0.0.1', local='10.0.0.1/32'), 'InvalidParamter.Conflict', 400),
    ('local6-equals-peer6', 'sg-demo-app', dict(TCP, peer6='2001:db8::1', local6='2001:db8:0::1/128'), 'InvalidParamter.Conflict', 400),
    ('peer-group-is-self', 'sg-demo-app', dict(TCP, peer_group='sg-demo-app'), 'self_reference', 403),
    ('peer-group-missing', 'sg-demo-app', dict(TCP, peer_group='sg-nowhere'), 'group_not_found', 404),
    ('peer-group-of-other-account', 'sg-demo-app', dict(TCP, peer_group='sg-peer-shared'), 'group_not_found', 404),
    ('peer-owner-unknown', 'sg-demo-app', dict(TCP, peer_group='sg-peer-shared', peer_owner_account='x@example.com'),
     'group_not_found', 404),
    ('peer-owner-id-and-name-disagree', 'sg-demo-app',
     dict(TCP, peer_group='sg-peer-shared', peer_owner_id='1000000000000002', peer_owner_account='main@example.com'),
     'group_not_found', 404),
    ('peer-group-other-vpc', 'sg-demo-app', dict(TCP, peer_group='sg-demo-other-vpc'), 'group_mismatch', 400),
    ('peer-group-internet-nic', 'sg-demo-app', dict(TCP, peer_group='sg-demo-db', nic_type='internet'), 'group_mismatch', 403),
    ('classic-peer-group-default-nic', 'sg-demo-classic', dict(TCP, peer_group='sg-demo-web'), 'group_mismatch', 403),
    ('classic-to-vpc-group', 'sg-demo-classic', dict(TCP, peer_group='sg-demo-web', nic_type='intranet'),
     'InvalidNetworkType.Conflict', 403),
    ('prefix-list-on-classic', 'sg-demo-classic', dict(TCP, peer_prefix_list='pl-demo-ipv4', nic_type='intranet'),
     'NotSupported.ClassicNetworkPrefixList', 400),
    ('prefix-list-missing', 'sg-demo-app', dict(TCP, peer_prefix_list='pl-nowhere'), 'InvalidPrefixListId.NotFound', 404),
    ('prefix-list-family', 'sg-demo-app', dict(TCP, peer_prefix_list='pl-demo-ipv6', local='10.0.0.0/8'),
     'InvalidParam.PrefixListAddressFamilyMismatch', 400),
    ('icmp-ipv6-peer', 'sg-demo-app', dict(ip_protocol='icmp', port_range='-1/-1', peer6='2001:db8::/32'),
     'InvalidParam.Ipv4ProtocolConflictWithIpv6Address', 400),
    ('icmp-ipv6-prefix-list', 'sg-demo-app', dict(ip_protocol='icmp', port_range='-1/-1', peer_prefix_list='pl-demo-ipv6'),
     'InvalidParam.Ipv4ProtocolConflictWithIpv6Address', 400),
    ('icmp-ipv6-local', 'sg-demo-app', dict(ip_protocol='icmp', port_range='-1/-1', peer='10.0.0.0/8', local6='2001:db8::/64'),
     'InvalidParam.Ipv4ProtocolConflictWithIpv6Address', 400),
    ('icmpv6-ipv4-peer', 'sg-demo-app', dict(ip_protocol='icmpv6', port_range='-1/-1', peer='10.0.0.0/8'),
     'InvalidParam.Ipv6ProtocolConflictWithIpv4Address', 400),
    ('protocol-unknown', 'sg-demo-app', dict(PEER4, ip_protocol='sctp'), 'InvalidIpProtocol.ValueNotSupported', 400),
    ('port-reversed', 'sg-demo-app', dict(PEER4, port_range='90/80'), 'InvalidIpProtocol.Malformed', 400),
    ('tcp-any-port', 'sg-demo-app', dict(PEER4, port_range='-1/-1'), 'OperationDenied', 400),
    ('source-port-bad', 'sg-demo-app', dict(PEER4, source_port_range='2/1'), 'InvalidSourcePortRange.Malformed', 400),
    ('policy-bad', 'sg-demo-app', dict(PEER4, policy='allow'), 'InvalidPolicy.Malformed', 400),
    ('priority-bad', 'sg-demo-app', dict(PEER4, priority='101'), 'InvalidPriority.ValueNotSupported', 400),
    ('nic-bad', 'sg-demo-app', dict(PEER4, nic_type='public'), 'InvalidNicType.ValueNotSupported', 400),
    ('description-too-long', 'sg-demo-app', dict(PEER4, description='d' * 513), 'InvalidSecurityGroupDiscription.Malformed', 400),
    ('group-managed', 'sg-demo-managed', PEER4, 'InvalidOperation.ResourceManagedByCloudProduct', 403),
    ('group-of-other-account', 'sg-peer-shared', PEER4, 'InvalidSecurityGroupId.NotFound', 404),
]


@pytest.mark.parametrize('group,roles,code,status', [c[1:] for c in AUTHORIZE_ERRORS], ids=[c[0] for c in AUTHORIZE_ERRORS])
def test_authorize_errors(side, emu, group, roles, code, status):
    before = emu.rules(group) if group.startswith('sg-demo') else None
    err = api_error(side.authorize, group, **roles)
    assert (err.code, err.status_code) == (side.code(code), status)
    assert '%s' not in err.data['Message']
    if before is not None:
        assert emu.rules(group) == before


@pytest.mark.parametrize('roles,code', [(dict(TCP, peer='10.0.0.256'), 'peer_malformed'), (TCP, 'missing'),
                                        (dict(PEER4, local='10.0.0'), 'local_malformed')],
                         ids=['peer-malformed', 'no-peer', 'local-malformed'])
def test_revoke_validates_like_authorize(side, roles, code):
    err = api_error(side.send, 'revoke', **roles)
    assert err.code == side.code(code)


def test_peer_cidr_wins_over_group_and_prefix_list(side, emu):
    side.authorize(**PEER4, peer_group='sg-nowhere', peer_owner_id='42', peer_prefix_list='pl-nowhere')
    (row,) = emu.rules('sg-demo-app', side.direction)
    assert row[side.column('peer')] == '10.0.0.0/8'
    assert (row[side.column('peer_group')], row[side.column('peer_owner_id')], row[side.column('peer_prefix_list')]) == ('', '', '')


def test_cross_account_peer_group_by_id_or_by_name_is_one_rule(side, emu):
    side.authorize(**TCP, peer_group='sg-peer-shared', peer_owner_id='1000000000000002')
    side.authorize(**TCP, peer_group='sg-peer-shared', peer_owner_account='peer@example.com')
    (row,) = emu.rules('sg-demo-app', side.direction)
    assert (row[side.column('peer_group')], row[side.column('peer_owner_id')]) == ('sg-peer-shared', '1000000000000002')


def test_prefix_list_peer(side, emu):
    side.authorize(**TCP, peer_prefix_list='pl-demo-ipv6', local6='2001:db8:1::/64')
    (row,) = emu.rules('sg-demo-app', side.direction)
    assert row[side.column('peer_prefix_list')] == 'pl-demo-ipv6'


def test_nic_types(side, emu):
    side.authorize('sg-demo-classic', **PEER4)
    side.authorize('sg-demo-classic', **OTHER_PORT_PEER4, nic_type='intranet')
    side.authorize('sg-demo-app', **PEER4, nic_type='internet')
    assert [r['nic_type'] for r in emu.rules('sg-demo-classic', side.direction)] == ['internet', 'intranet']
    assert [r['nic_type'] for r in emu.rules('sg-demo-app', side.direction)] == ['intranet']


def test_duplicates_are_canonical_and_per_direction(side, emu):
    side.authorize(**TCP, peer='10.0.0.1')
    side.authorize(ip_protocol='TCP', port_range='080/80', peer='10.0.0.1/32', policy='ACCEPT', description='other text')
    assert len(emu.rules('sg-demo-app', side.direction)) == 1
    Side(side.client, OTHER[side.direction]).authorize(**TCP, peer='10.0.0.1')
    assert len(emu.rules('sg-demo-app')) == 2


def test_rule_limit_counts_both_directions(side, emu):
    # sg-demo-full holds 198 ingress rules: one more rule each way reaches the limit of 200.
    side.authorize('sg-demo-full', **PEER4)
    Side(side.client, OTHER[side.direction]).authorize('sg-demo-full', **PEER4)
    err = api_error(side.authorize, 'sg-demo-full', **OTHER_PORT_PEER4)
    assert (err.code, err.status_code) == ('AuthorizationLimitExceed', 403)
    side.authorize('sg-demo-full', **PEER4)
    assert len(emu.rules('sg-demo-full')) == 200


def test_revoke_and_modify_see_only_their_own_direction(side, emu):
    Side(side.client, OTHER[side.direction]).authorize(**PEER4)
    (other,) = emu.rules('sg-demo-app', OTHER[side.direction])
    err = api_error(side.send, 'revoke', security_group_rule_id=[other['rule_id']])
    assert (err.code, err.status_code) == ('InvalidSecurityGroupRuleId.NotFound', 404)
    err = api_error(side.send, 'modify', security_group_rule_id=other['rule_id'], description='x')
    assert (err.code, err.status_code) == ('InvalidSecurityGroupRuleId.NotFound', 404)
    side.send('revoke', **PEER4)
    assert emu.rules('sg-demo-app', OTHER[side.direction]) == [other]


def test_modify_replaces_the_peer_and_validates_it(side, emu):
    side.authorize(**PEER4, description='kept')
    side.authorize(**TCP, peer='10.9.0.0/16')
    first, second = emu.rules('sg-demo-app', side.direction)
    side.send('modify', security_group_rule_id=first['rule_id'], peer='10.8.0.0/16')
    changed = emu.rules('sg-demo-app', side.direction)[0]
    assert (changed['rule_id'], changed[side.column('peer')], changed['description']) == (first['rule_id'], '10.8.0.0/16', 'kept')
    err = api_error(side.send, 'modify', security_group_rule_id=first['rule_id'], peer='10.0.0.256')
    assert err.code == side.code('peer_malformed')
    err = api_error(side.send, 'modify', security_group_rule_id=first['rule_id'], peer='10.9.0.0/16')
    assert err.code == 'InvalidSecurityGroupRule.Duplicate'
    assert emu.rules('sg-demo-app', side.direction) == [changed, second]


# -- IPv6 ranges are stored compressed -------------------------------------------------------------------

IPV6_SPELLINGS = [
    ('2001:DB8:0:0::/64', '2001:db8::/64'),
    ('2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'),
    ('2001:db8:0:0:1::1/64', '2001:db8::1:0:0:1/64'),
    ('2001:db8::/64', '2001:db8::/64'),
]


@pytest.mark.parametrize('given,stored', IPV6_SPELLINGS, ids=['cidr', 'address-without-prefix', 'host-bits-kept', 'already-compressed'])
def test_ipv6_ranges_are_stored_and_described_compressed(side, emu, given, stored):
    side.authorize(**TCP, peer6=given, local6='2001:DB8:FFFF::0/48')
    (row,) = emu.rules('sg-demo-app', side.direction)
    peer, local = ('Dest', 'Source') if side.direction == 'egress' else ('Source', 'Dest')
    assert (row['ipv6_%s_cidr_ip' % peer.lower()], row['ipv6_%s_cidr_ip' % local.lower()]) == (stored, '2001:db8:ffff::/48')
    (permission,) = side.client.describe_security_group_attribute(M.DescribeSecurityGroupAttributeRequest(
        region_id=REGION, security_group_id='sg-demo-app', direction=side.direction)).body.to_map()['Permissions']['Permission']
    assert (permission['Ipv6%sCidrIp' % peer], permission['Ipv6%sCidrIp' % local]) == (stored, '2001:db8:ffff::/48')


def test_modify_stores_a_new_ipv6_range_compressed(side, emu):
    side.authorize(**TCP, peer6='2001:db8::/64')
    (rule,) = emu.rules('sg-demo-app', side.direction)
    side.send('modify', security_group_rule_id=rule['rule_id'], peer6='2001:DB8:0:1::/64')
    (rule,) = emu.rules('sg-demo-app', side.direction)
    assert '2001:db8:0:1::/64' in rule.values()


# -- the owner of a peer group: by account id, by account name, or both --------------------------------

@pytest.mark.parametrize('owner', [
    {'peer_owner_account': '1000000000000002'},
    {'peer_owner_account': 'peer@example.com'},
    {'peer_owner_id': '1000000000000002', 'peer_owner_account': '1000000000000002'},
    {'peer_owner_id': '1000000000000002', 'peer_owner_account': 'peer@example.com'},
], ids=['account-as-id', 'account-as-name', 'id-and-account-id', 'id-and-account-name'])
def test_the_owner_account_may_be_the_account_id(side, emu, owner):
    side.authorize(**TCP, peer_group='sg-peer-shared', **owner)
    (row,) = emu.rules('sg-demo-app', side.direction)
    assert (row[side.column('peer_group')], row[side.column('peer_owner_id')]) == ('sg-peer-shared', '1000000000000002')
    body = side.client.describe_security_group_attribute(M.DescribeSecurityGroupAttributeRequest(
        region_id=REGION, security_group_id='sg-demo-app', direction=side.direction)).body.to_map()
    (permission,) = body['Permissions']['Permission']
    owner_field = 'DestGroupOwnerAccount' if side.direction == 'egress' else 'SourceGroupOwnerAccount'
    assert permission[owner_field] == '1000000000000002'
    # The response model has no owner id field, and neither has the answer.
    assert 'SourceGroupOwnerId' not in permission and 'DestGroupOwnerId' not in permission
    # Named the other way, it is the same rule.
    side.authorize(**TCP, peer_group='sg-peer-shared', peer_owner_id='1000000000000002')
    assert len(emu.rules('sg-demo-app', side.direction)) == 1


@pytest.mark.parametrize('owner', [
    {'peer_owner_id': '1000000000000002', 'peer_owner_account': '1000000000000001'},
    {'peer_owner_account': '1000000000000009'},
], ids=['id-and-other-account-id', 'unknown-account-id'])
def test_an_owner_account_id_must_name_the_owner(side, emu, owner):
    err = api_error(side.authorize, **TCP, peer_group='sg-peer-shared', **owner)
    assert (err.code, err.status_code) == (side.code('group_not_found'), 404)
    assert emu.rules('sg-demo-app', side.direction) == []
