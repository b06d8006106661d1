"""Rules over port range lists, and the rule quota that referenced lists are charged against.

Every test runs in both directions where the rule actions have two (the peer is the destination of
an egress rule, the source of an ingress one), through the real SDK over HTTP; the top-level
PortRangeListId of Authorize and Revoke, which the SDK's request models no longer have, is sent
through the service directly. The fixture's lists are prl-demo-web (max 10: 80/80 and 443/443),
pl-demo-ipv4 (max 10) and pl-demo-ipv6 (max 5); sg-demo-full holds 198 ingress rules.
"""

import pytest

from conftest import M, REGION, api_error, api_error_of, describe, make_client, service_on
from ecs_emulator.fixture_file import load_fixture
from ecs_emulator.harness import DEFAULT_FIXTURE, credentials

MAIN = credentials('main')
GROUP = 'sg-demo-app'
PEER_CIDR = {'egress': 'dest_cidr_ip', 'ingress': 'source_cidr_ip'}
PEER_PREFIX_LIST = {'egress': 'dest_prefix_list_id', 'ingress': 'source_prefix_list_id'}
PERMISSION_COLUMNS = {'egress': ('DestCidrIp', 'DestPrefixListId'), 'ingress': ('SourceCidrIp', 'SourcePrefixListId')}
CALLS = {
    'egress': {'authorize': ('authorize_security_group_egress', M.AuthorizeSecurityGroupEgressRequest,
                             M.AuthorizeSecurityGroupEgressRequestPermissions),
               'revoke': ('revoke_security_group_egress', M.RevokeSecurityGroupEgressRequest,
                          M.RevokeSecurityGroupEgressRequestPermissions),
               'modify': ('modify_security_group_egress_rule', M.ModifySecurityGroupEgressRuleRequest, None)},
    'ingress': {'authorize': ('authorize_security_group', M.AuthorizeSecurityGroupRequest, M.AuthorizeSecurityGroupRequestPermissions),
                'revoke': ('revoke_security_group', M.RevokeSecurityGroupRequest, M.RevokeSecurityGroupRequestPermissions),
                'modify': ('modify_security_group_rule', M.ModifySecurityGroupRuleRequest, None)},
}
RAW_ACTIONS = {'egress': ('AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupEgress', 'ModifySecurityGroupEgressRule'),
               'ingress': ('AuthorizeSecurityGroup', 'RevokeSecurityGroup', 'ModifySecurityGroupRule')}


class Side:
    """One direction of the rule actions; `peer` and `prefix_list` name the rule's peer whatever the direction."""

    def __init__(self, client, direction):
        self.client = client
        self.direction = direction

    def _fields(self, fields):
        fields = dict(fields)
        if 'peer' in fields:
            fields[PEER_CIDR[self.direction]] = fields.pop('peer')
        if 'prefix_list' in fields:
            fields[PEER_PREFIX_LIST[self.direction]] = fields.pop('prefix_list')
        return fields

    def _batch(self, call, group, rules):
        method, request, permission = CALLS[self.direction][call]
        permissions = [permission(**self._fields(rule)) for rule in rules]
        return getattr(self.client, method)(request(region_id=REGION, security_group_id=group, permissions=permissions))

    def authorize(self, *rules, group=GROUP):
        return self._batch('authorize', group, rules)

    def revoke(self, *rules, group=GROUP):
        return self._batch('revoke', group, rules)

    def modify(self, rule_id, group=GROUP, **fields):
        method, request, _permission = CALLS[self.direction]['modify']
        return getattr(self.client, method)(request(region_id=REGION, security_group_id=group, security_group_rule_id=rule_id,
                                                    **self._fields(fields)))

    def rules(self, group=GROUP):
        return describe(self.client, group, direction=self.direction)


@pytest.fixture(params=sorted(CALLS))
def side(request, client):
    return Side(client, request.param)


def web_rule(**fields):
    rule = dict(ip_protocol='tcp', port_range_list_id='prl-demo-web', peer='10.0.0.0/8')
    rule.update(fields)
    return rule


def create_port_range_list(client, max_entries, entries=('22/22',), name='ports', region_id=REGION):
    request = M.CreatePortRangeListRequest(region_id=region_id, port_range_list_name=name, max_entries=max_entries,
                                           entry=[M.CreatePortRangeListRequestEntry(port_range=ports) for ports in entries])
    return client.create_port_range_list(request).body.port_range_list_id


def create_prefix_list(client, max_entries, family='IPv4', name='blocks'):
    cidr = '10.9.0.0/16' if family == 'IPv4' else '2001:db8:9::/48'
    request = M.CreatePrefixListRequest(region_id=REGION, prefix_list_name=name, address_family=family, max_entries=max_entries,
                                        entry=[M.CreatePrefixListRequestEntry(cidr=cidr)])
    return client.create_prefix_list(request).body.prefix_list_id


def port_list_associations(client, port_range_list_id):
    body = client.describe_port_range_list_associations(M.DescribePortRangeListAssociationsRequest(
        region_id=REGION, port_range_list_id=port_range_list_id)).body
    return [(row.resource_id, row.resource_type) for row in body.port_range_list_associations]


def association_counts(client):
    lists = client.describe_port_range_lists(M.DescribePortRangeListsRequest(region_id=REGION)).body.port_range_lists
    return {plist.port_range_list_id: plist.association_count for plist in lists}


def delete_port_range_list(client, port_range_list_id):
    return client.delete_port_range_list(M.DeletePortRangeListRequest(region_id=REGION, port_range_list_id=port_range_list_id))


def refused(err, code, status, message=None):
    assert (err.code, err.status_code) == (code, status), err.message
    if message is not None:
        assert message in err.message, err.message


def fill(side, count, group=GROUP):
    """Add `count` plain rules (ports 30000 and up) to the group, in batches of 100 (the SDK's Permissions limit)."""
    ports = list(range(30000, 30000 + count))
    for start in range(0, count, 100):
        side.authorize(*[dict(ip_protocol='tcp', port_range='%d/%d' % (port, port), peer='10.99.0.0/16')
                         for port in ports[start:start + 100]], group=group)


def _fixture_with_rules(group_id, **rules):
    """The default fixture with the given rule lists (egress=[...], ingress=[...]) for one of main's groups."""
    fixture = load_fixture(DEFAULT_FIXTURE)
    main = next(account for account in fixture['accounts'] if account['name'] == 'main')
    group = next(group for group in main['security_groups'] if group['id'] == group_id)
    group.update(rules)
    return fixture


# -- Authorize, Describe and Revoke ----------------------------------------------------------------
def test_a_rule_over_a_port_list_is_stored_described_and_revoked(side, client, emu):
    side.authorize(web_rule(description='web ports'))
    (stored,) = emu.rules(GROUP, side.direction)
    assert (stored['port_range'], stored['port_range_list_id'], stored['ip_protocol']) == ('', 'prl-demo-web', 'TCP')
    (rule,) = side.rules()
    # What PortRange shows for a rule over a port list is not documented (assumed: "-1/-1").
    assert (rule['PortRange'], rule['PortRangeListId'], rule['PortRangeListName']) == ('-1/-1', 'prl-demo-web', 'demo-web')
    assert (rule['Description'], rule[PERMISSION_COLUMNS[side.direction][0]]) == ('web ports', '10.0.0.0/8')
    side.revoke(web_rule())
    assert side.rules() == [] and emu.rules(GROUP) == []


def test_udp_takes_a_port_list_and_a_source_port_range_still_applies(side):
    side.authorize(web_rule(ip_protocol='UDP', source_port_range='1024/65535'))
    (rule,) = side.rules()
    assert (rule['IpProtocol'], rule['PortRange'], rule['SourcePortRange'], rule['PortRangeListId']) == ('UDP', '-1/-1', '1024/65535', 'prl-demo-web')


def test_a_port_range_makes_the_service_ignore_the_port_list(side, client, emu):
    # The SDK models: "If you specify the PortRange parameter, this parameter is ignored." Not even looked up.
    side.authorize(web_rule(port_range='80/80'), web_rule(port_range='81/81', port_range_list_id='prl-nowhere', ip_protocol='udp'))
    assert [(rule['PortRange'], rule['PortRangeListId'], rule['PortRangeListName']) for rule in side.rules()] == [
        ('80/80', '', ''), ('81/81', '', '')]
    assert [row['port_range_list_id'] for row in emu.rules(GROUP)] == ['', '']
    assert port_list_associations(client, 'prl-demo-web') == []
    delete_port_range_list(client, 'prl-demo-web')


def test_a_port_list_and_the_same_ports_as_ranges_are_different_rules(side, emu):
    side.authorize(web_rule(), dict(ip_protocol='tcp', port_range='80/80', peer='10.0.0.0/8'),
                   dict(ip_protocol='tcp', port_range='443/443', peer='10.0.0.0/8'))
    assert len(side.rules()) == 3
    # Authorizing an existing rule again adds nothing, with the list as with the range.
    side.authorize(web_rule(description='again'), dict(ip_protocol='tcp', port_range='80/80', peer='10.0.0.0/8'))
    assert len(emu.rules(GROUP)) == 3
    side.revoke(dict(ip_protocol='tcp', port_range='80/80', peer='10.0.0.0/8'), dict(ip_protocol='tcp', port_range='443/443', peer='10.0.0.0/8'))
    assert [(rule['PortRange'], rule['PortRangeListId']) for rule in side.rules()] == [('-1/-1', 'prl-demo-web')]
    # Revoking by the ports the list holds does not revoke the rule over the list, nor the reverse.
    side.revoke(dict(ip_protocol='tcp', port_range='80/80', peer='10.0.0.0/8'))
    assert len(side.rules()) == 1
    side.authorize(dict(ip_protocol='tcp', port_range='80/80', peer='10.0.0.0/8'))
    side.revoke(web_rule())
    assert [(rule['PortRange'], rule['PortRangeListId']) for rule in side.rules()] == [('80/80', '')]


@pytest.mark.parametrize('protocol', ['icmp', 'gre', 'all', 'ICMPv6'])
def test_only_tcp_and_udp_take_a_port_list(side, protocol):
    bad = web_rule(ip_protocol=protocol)
    if protocol == 'ICMPv6':
        bad['peer'] = None
        bad['ipv_6dest_cidr_ip' if side.direction == 'egress' else 'ipv_6source_cidr_ip'] = '2001:db8::/32'
    # Permissions are all or nothing: the good rule before the bad one is not added either.
    err = api_error(side.authorize, web_rule(ip_protocol='udp'), bad)
    refused(err, 'InvalidParam.ProtocolNotSupportPortRangeList', 400, 'The specified protocol does not support the port range list.')
    assert side.rules() == []


def test_a_list_that_is_not_the_callers_in_the_region_is_not_found(side, client, emu):
    elsewhere = create_port_range_list(client, 5, region_id='cn-shanghai')
    peer = make_client(emu.endpoint, 'peer')
    peers = Side(peer, side.direction)
    theirs = create_port_range_list(peer, 5)
    for list_id in ('prl-nowhere', elsewhere, theirs):
        refused(api_error(side.authorize, web_rule(port_range_list_id=list_id)), 'InvalidPortRangeListId.NotFound', 400,
                'The specified port range list was not found.')
    # And the other way round: the peer account cannot name main's list in its own group.
    refused(api_error(peers.authorize, web_rule(), group='sg-peer-shared'), 'InvalidPortRangeListId.NotFound', 400)
    peers.authorize(web_rule(port_range_list_id=theirs), group='sg-peer-shared')
    assert side.rules() == []


def test_a_classic_group_cannot_use_a_port_list(side, emu):
    err = api_error(side.authorize, web_rule(), group='sg-demo-classic')
    refused(err, 'InvalidSecurityGroup.InvalidNetworkType', 400, 'network type is not support this operation')
    assert emu.rules('sg-demo-classic') == []
    # A port range still works there, the list then being ignored.
    side.authorize(web_rule(port_range='22/22'), group='sg-demo-classic')


def test_a_rule_without_port_range_or_port_list_still_needs_a_port_range(side):
    refused(api_error(side.authorize, web_rule(port_range_list_id=None)), 'InvalidIpProtocol.Malformed', 400)


def test_top_level_port_range_list_id_in_authorize_and_revoke(tmp_path):
    # The SDK's request models have PortRangeListId only under Permissions.N; a raw request may send it at the top.
    service = service_on(tmp_path)
    for direction, peer in (('egress', 'DestCidrIp'), ('ingress', 'SourceCidrIp')):
        authorize, revoke, _modify = RAW_ACTIONS[direction]
        rule = {'RegionId': REGION, 'SecurityGroupId': GROUP, 'IpProtocol': 'tcp', 'PortRangeListId': 'prl-demo-web', peer: '10.0.0.0/8'}
        service.call(authorize, rule, MAIN)
        permissions = service.call('DescribeSecurityGroupAttribute', {'RegionId': REGION, 'SecurityGroupId': GROUP, 'Direction': direction},
                                   MAIN)['Permissions']['Permission']
        assert [(p['PortRange'], p['PortRangeListId']) for p in permissions] == [('-1/-1', 'prl-demo-web')]
        error = api_error_of(service, authorize, dict(rule, IpProtocol='icmp'), MAIN)
        assert (error.code, error.status) == ('InvalidParam.ProtocolNotSupportPortRangeList', 400)
        service.call(revoke, rule, MAIN)
    assert service.call('DescribeSecurityGroupAttribute', {'RegionId': REGION, 'SecurityGroupId': GROUP}, MAIN)['Permissions']['Permission'] == []


def test_revoke_by_fields_checks_the_list_like_authorize(side):
    side.authorize(web_rule())
    refused(api_error(side.revoke, web_rule(port_range_list_id='prl-nowhere')), 'InvalidPortRangeListId.NotFound', 400)
    refused(api_error(side.revoke, web_rule(ip_protocol='icmp')), 'InvalidParam.ProtocolNotSupportPortRangeList', 400)
    assert len(side.rules()) == 1


def test_the_list_name_is_read_when_the_rules_are(side, client):
    side.authorize(web_rule())
    client.modify_port_range_list(M.ModifyPortRangeListRequest(region_id=REGION, port_range_list_id='prl-demo-web',
                                                               port_range_list_name='renamed'))
    assert [rule['PortRangeListName'] for rule in side.rules()] == ['renamed']


# -- associations ----------------------------------------------------------------------------------
def test_rules_made_through_the_api_associate_the_list_with_their_groups(client):
    ingress, egress = Side(client, 'ingress'), Side(client, 'egress')
    assert port_list_associations(client, 'prl-demo-web') == []
    egress.authorize(web_rule(), group='sg-demo-db')
    ingress.authorize(web_rule(), web_rule(priority='2'))
    egress.authorize(web_rule())
    # Each group once, in the groups' creation order (sg-demo-db comes before sg-demo-app in the fixture).
    assert port_list_associations(client, 'prl-demo-web') == [('sg-demo-db', 'SecurityGroup'), ('sg-demo-app', 'SecurityGroup')]
    assert association_counts(client) == {'prl-demo-web': 2}
    refused(api_error(delete_port_range_list, client, 'prl-demo-web'), 'InvalidPortRangeListId.AssociationExist', 400)
    egress.revoke(web_rule(), group='sg-demo-db')
    ingress.revoke(web_rule())
    assert port_list_associations(client, 'prl-demo-web') == [('sg-demo-app', 'SecurityGroup')]
    ingress.revoke(web_rule(priority='2'))
    egress.revoke(web_rule())
    assert association_counts(client) == {'prl-demo-web': 0}
    delete_port_range_list(client, 'prl-demo-web')


def test_modify_moves_the_association_to_the_new_list(side, client):
    other = create_port_range_list(client, 5, name='other-ports')
    side.authorize(web_rule())
    (rule,) = side.rules()
    side.modify(rule['SecurityGroupRuleId'], port_range_list_id=other)
    assert association_counts(client) == {'prl-demo-web': 0, other: 1}
    delete_port_range_list(client, 'prl-demo-web')
    refused(api_error(delete_port_range_list, client, other), 'InvalidPortRangeListId.AssociationExist', 400)


# -- ModifySecurityGroupRule / ModifySecurityGroupEgressRule ---------------------------------------
def test_modify_changes_a_rule_to_another_port_list_and_keeps_its_list_otherwise(side, client, emu):
    other = create_port_range_list(client, 5, ['8080/8080'], name='other-ports')
    side.authorize(web_rule())
    (rule,) = side.rules()
    rule_id = rule['SecurityGroupRuleId']
    side.modify(rule_id, priority='7', description='still the web ports')
    (rule,) = side.rules()
    assert (rule['Priority'], rule['PortRangeListId'], rule['PortRange']) == ('7', 'prl-demo-web', '-1/-1')
    side.modify(rule_id, port_range_list_id=other, ip_protocol='udp')
    (rule,) = side.rules()
    assert (rule['SecurityGroupRuleId'], rule['IpProtocol'], rule['PortRangeListId'], rule['PortRangeListName']) == (
        rule_id, 'UDP', other, 'other-ports')
    assert emu.rules(GROUP)[0]['port_range'] == ''


def test_modify_cannot_switch_between_a_port_list_and_a_port_range(side):
    side.authorize(web_rule(), dict(ip_protocol='tcp', port_range='22/22', peer='10.0.0.0/8'))
    list_rule, plain_rule = side.rules()
    before = side.rules()
    refused(api_error(side.modify, list_rule['SecurityGroupRuleId'], port_range='80/80'), 'InvalidOperation.ModifyPortRangeType', 400)
    # A port range with a list is still a port range: the list is ignored, the switch refused.
    refused(api_error(side.modify, list_rule['SecurityGroupRuleId'], port_range='80/80', port_range_list_id='prl-demo-web'),
            'InvalidOperation.ModifyPortRangeType', 400)
    refused(api_error(side.modify, plain_rule['SecurityGroupRuleId'], port_range_list_id='prl-demo-web'),
            'InvalidOperation.ModifyPortRangeType', 400)
    assert side.rules() == before
    # A port range rule may change its ports, a list sent beside them being ignored.
    side.modify(plain_rule['SecurityGroupRuleId'], port_range='2222/2222', port_range_list_id='prl-nowhere')
    assert [(rule['PortRange'], rule['PortRangeListId']) for rule in side.rules()] == [('-1/-1', 'prl-demo-web'), ('2222/2222', '')]


def test_modify_checks_the_new_list_and_protocol(side):
    side.authorize(web_rule())
    (rule,) = side.rules()
    refused(api_error(side.modify, rule['SecurityGroupRuleId'], port_range_list_id='prl-nowhere'), 'InvalidPortRangeListId.NotFound', 400)
    refused(api_error(side.modify, rule['SecurityGroupRuleId'], ip_protocol='all'), 'InvalidParam.ProtocolNotSupportPortRangeList', 400)
    assert side.rules() == [rule]


def test_modify_of_a_fixture_rule_that_gives_both_treats_it_as_a_port_list_rule(tmp_path):
    # Fixture rules are stored as given; one with a PortRange and a PortRangeListId references the list, so it is a list rule.
    service = service_on(tmp_path, _fixture_with_rules('sg-demo-app', egress=[
        {'IpProtocol': 'TCP', 'PortRange': '1/65535', 'DestCidrIp': '10.0.0.0/8', 'PortRangeListId': 'prl-demo-web'}]))
    group = {'RegionId': REGION, 'SecurityGroupId': GROUP}
    (rule,) = service.call('DescribeSecurityGroupAttribute', group, MAIN)['Permissions']['Permission']
    assert (rule['PortRange'], rule['PortRangeListId']) == ('1/65535', 'prl-demo-web')
    error = api_error_of(service, 'ModifySecurityGroupEgressRule', dict(group, SecurityGroupRuleId=rule['SecurityGroupRuleId'],
                                                                        PortRange='80/80'), MAIN)
    assert error.code == 'InvalidOperation.ModifyPortRangeType'
    service.call('ModifySecurityGroupEgressRule', dict(group, SecurityGroupRuleId=rule['SecurityGroupRuleId'], Priority='3'), MAIN)
    (rule,) = service.call('DescribeSecurityGroupAttribute', group, MAIN)['Permissions']['Permission']
    assert (rule['PortRange'], rule['PortRangeListId'], rule['Priority']) == ('-1/-1', 'prl-demo-web', '3')


# -- the rule quota --------------------------------------------------------------------------------
def test_a_prefix_list_costs_its_max_entries(side, client, emu):
    # sg-demo-full holds 198 rules: a rule over pl-demo-ipv4 (max 10, 2 entries) would take 208 of 200.
    err = api_error(side.authorize, dict(ip_protocol='tcp', port_range='80/80', prefix_list='pl-demo-ipv4'), group='sg-demo-full')
    refused(err, 'AuthorizationLimitExceed', 403, 'The limit of authorization records in the security group reaches.')
    two = create_prefix_list(client, 2)
    side.authorize(dict(ip_protocol='tcp', port_range='80/80', prefix_list=two), group='sg-demo-full')
    refused(api_error(side.authorize, dict(ip_protocol='tcp', port_range='1/1', peer='10.0.0.0/8'), group='sg-demo-full'),
            'AuthorizationLimitExceed', 403)
    # DescribeSecurityGroups' RuleCount and the admin view still count rules, not the quota they take.
    assert emu.group('sg-demo-full')['rule_count'] == 199
    summary = client.describe_security_groups(M.DescribeSecurityGroupsRequest(region_id=REGION, security_group_id='sg-demo-full')).body
    assert summary.security_groups.security_group[0].rule_count == 199
    # The existing rule again, at the limit: success, nothing added.
    side.authorize(dict(ip_protocol='tcp', port_range='80/80', prefix_list=two), group='sg-demo-full')


def test_a_port_list_costs_its_max_entries(side, client, emu):
    err = api_error(side.authorize, web_rule(), group='sg-demo-full')
    refused(err, 'AuthorizationLimitExceed', 403)
    assert len(emu.rules('sg-demo-full')) == 198
    two = create_port_range_list(client, 2, ['22/22', '23/23'])
    side.authorize(web_rule(port_range_list_id=two), group='sg-demo-full')
    refused(api_error(side.authorize, dict(ip_protocol='tcp', port_range='1/1', peer='10.0.0.0/8'), group='sg-demo-full'),
            'AuthorizationLimitExceed', 403)
    # A port range makes the list ignored, so it costs nothing either: the rule is a plain one.
    side.revoke(web_rule(port_range_list_id=two), group='sg-demo-full')
    side.authorize(web_rule(port_range='1/1'), web_rule(port_range='2/2'), group='sg-demo-full')


def test_a_rule_over_both_lists_costs_the_product_of_their_max_entries(side, client, emu):
    twenty, twenty_one = create_prefix_list(client, 20), create_prefix_list(client, 21, name='wider')
    # 21 x 10 = 210: refused on an empty group, though 21 + 10 and max(21, 10) would fit.
    err = api_error(side.authorize, web_rule(peer=None, prefix_list=twenty_one))
    refused(err, 'AuthorizationLimitExceed', 403)
    assert emu.rules(GROUP) == []
    # 20 x 10 = 200 fits exactly, and then nothing more does.
    side.authorize(web_rule(peer=None, prefix_list=twenty))
    (rule,) = side.rules()
    assert (rule[PERMISSION_COLUMNS[side.direction][1]], rule['PortRangeListId']) == (twenty, 'prl-demo-web')
    refused(api_error(side.authorize, dict(ip_protocol='tcp', port_range='1/1', peer='10.0.0.0/8')), 'AuthorizationLimitExceed', 403)


def test_each_rule_over_a_list_is_charged_and_a_batch_adds_up(side, client, emu):
    hundred = create_prefix_list(client, 100)
    over = [dict(ip_protocol='tcp', port_range='%d/%d' % (port, port), prefix_list=hundred) for port in (1, 2)]
    # Two references of one list in one group cost 100 each: with one plain rule that is 201.
    err = api_error(side.authorize, *(over + [dict(ip_protocol='tcp', port_range='3/3', peer='10.0.0.0/8')]))
    refused(err, 'AuthorizationLimitExceed', 403)
    assert emu.rules(GROUP) == []
    side.authorize(over[0])
    side.authorize(over[1])
    refused(api_error(side.authorize, dict(ip_protocol='tcp', port_range='3/3', peer='10.0.0.0/8')), 'AuthorizationLimitExceed', 403)
    # Revoking one frees its 100.
    side.revoke(over[0])
    fill(side, 100)
    assert len(emu.rules(GROUP)) == 101


def test_ingress_and_egress_share_the_quota(client):
    hundred = create_prefix_list(client, 100)
    Side(client, 'egress').authorize(dict(ip_protocol='tcp', port_range='1/1', prefix_list=hundred))
    ingress = Side(client, 'ingress')
    ingress.authorize(dict(ip_protocol='tcp', port_range='1/1', prefix_list=hundred))
    refused(api_error(ingress.authorize, web_rule(port_range='2/2')), 'AuthorizationLimitExceed', 403)


def test_modify_charges_a_change_of_lists(side, client, emu):
    # sg-demo-full: 198 filler ingress rules (cost 1 each) and room for 2 more.
    filler = emu.rules('sg-demo-full', 'ingress')[0]['rule_id']
    modify = Side(client, 'ingress').modify
    err = api_error(modify, filler, group='sg-demo-full', prefix_list='pl-demo-ipv4')
    # ModifySecurityGroupRule's table lists AuthorizationLimitExceed with 400 (the Authorize tables with 403).
    refused(err, 'AuthorizationLimitExceed', 400, 'The limit of authorization records in the security group reaches.')
    three = create_prefix_list(client, 3)
    modify(filler, group='sg-demo-full', prefix_list=three)
    assert emu.rules('sg-demo-full', 'ingress')[0]['source_prefix_list_id'] == three
    refused(api_error(side.authorize, dict(ip_protocol='tcp', port_range='1/1', peer='10.0.0.0/8'), group='sg-demo-full'),
            'AuthorizationLimitExceed', 403)
    # At the limit, a change that keeps the lists (or makes the rule cheaper) is allowed.
    modify(filler, group='sg-demo-full', priority='9')
    modify(filler, group='sg-demo-full', prefix_list=create_prefix_list(client, 1, name='single'))
    side.authorize(dict(ip_protocol='tcp', port_range='1/1', peer='10.0.0.0/8'), dict(ip_protocol='tcp', port_range='2/2', peer='10.0.0.0/8'),
                   group='sg-demo-full')


def test_modify_charges_a_bigger_port_list(side, client, emu):
    eleven, five = create_port_range_list(client, 11, name='eleven'), create_port_range_list(client, 5, name='five')
    side.authorize(web_rule())
    fill(side, 190)
    rule_id = side.rules()[0]['SecurityGroupRuleId']
    refused(api_error(side.modify, rule_id, port_range_list_id=eleven), 'AuthorizationLimitExceed', 400)
    assert emu.rules(GROUP)[0]['port_range_list_id'] == 'prl-demo-web'
    side.modify(rule_id, port_range_list_id=five)
    side.modify(rule_id, port_range_list_id='prl-demo-web')
    refused(api_error(side.modify, rule_id, port_range_list_id=eleven), 'AuthorizationLimitExceed', 400)


def test_a_group_a_fixture_filled_past_the_quota_keeps_working(tmp_path):
    # 198 fillers and two rules over pl-demo-ipv4 (max 10): 218 of 200. Nothing dearer fits, anything else may change.
    service = service_on(tmp_path, _fixture_with_rules('sg-demo-full', egress=[
        {'IpProtocol': 'TCP', 'PortRange': '%d/%d' % (port, port), 'DestPrefixListId': 'pl-demo-ipv4'} for port in (1, 2)]))
    group = {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-full'}
    rules = service.call('DescribeSecurityGroupAttribute', dict(group, Direction='egress'), MAIN)['Permissions']['Permission']
    filler = service.call('DescribeSecurityGroupAttribute', dict(group, Direction='ingress', MaxResults='10'), MAIN)['Permissions']['Permission'][0]
    service.call('ModifySecurityGroupRule', dict(group, SecurityGroupRuleId=filler['SecurityGroupRuleId'], Priority='4'), MAIN)
    service.call('ModifySecurityGroupEgressRule', dict(group, SecurityGroupRuleId=rules[0]['SecurityGroupRuleId'], Priority='4'), MAIN)
    service.call('ModifySecurityGroupEgressRule', dict(group, SecurityGroupRuleId=rules[1]['SecurityGroupRuleId'], DestPrefixListId='pl-demo-ipv6',
                                                       IpProtocol='udp'), MAIN)
    error = api_error_of(service, 'ModifySecurityGroupEgressRule', dict(group, SecurityGroupRuleId=rules[1]['SecurityGroupRuleId'],
                                                                        DestPrefixListId='pl-demo-ipv4'), MAIN)
    assert (error.code, error.status) == ('AuthorizationLimitExceed', 400)
    error = api_error_of(service, 'AuthorizeSecurityGroupEgress', dict(group, IpProtocol='tcp', PortRange='3/3', DestCidrIp='10.0.0.0/8'), MAIN)
    assert (error.code, error.status) == ('AuthorizationLimitExceed', 403)
    summary = service.call('DescribeSecurityGroups', {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-full'}, MAIN)
    assert summary['SecurityGroups']['SecurityGroup'][0]['RuleCount'] == 200
