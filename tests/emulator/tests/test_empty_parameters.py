"""An empty rule field means "not given", in both directions and for every write action.

Clients that re-send a rule they read back (the footmark client's purge does) send every field, the
empty ones included, and they use the legacy v2 signature: the requests here are built that way.
"""

import json
from urllib.parse import urlencode

import pytest

from conftest import REGION, raw, v2_params

EVERY_RULE_FIELD = ('IpProtocol', 'PortRange', 'SourcePortRange', 'Policy', 'Priority', 'NicType', 'Description',
                    'DestCidrIp', 'Ipv6DestCidrIp', 'DestGroupId', 'DestGroupOwnerId', 'DestGroupOwnerAccount',
                    'DestPrefixListId', 'SourceCidrIp', 'Ipv6SourceCidrIp', 'SourceGroupId', 'SourceGroupOwnerId',
                    'SourceGroupOwnerAccount', 'SourcePrefixListId')

ACTIONS = {
    'egress': {'authorize': 'AuthorizeSecurityGroupEgress', 'revoke': 'RevokeSecurityGroupEgress',
               'modify': 'ModifySecurityGroupEgressRule', 'peer': 'DestCidrIp', 'peer_column': 'dest_cidr_ip'},
    'ingress': {'authorize': 'AuthorizeSecurityGroup', 'revoke': 'RevokeSecurityGroup',
                'modify': 'ModifySecurityGroupRule', 'peer': 'SourceCidrIp', 'peer_column': 'source_cidr_ip'},
}
GROUP = 'sg-demo-app'


def every_field(**given):
    """Request parameters naming every rule field: `given` as they are, all the others empty."""
    params = dict.fromkeys(EVERY_RULE_FIELD, '')
    params.update(RegionId=REGION, SecurityGroupId=GROUP)
    params.update(given)
    return params


def call_v2(emu, action, params):
    status, dummy, body = raw(emu.endpoint, 'POST', '/?' + urlencode(v2_params(action, params)))
    return status, json.loads(body)


def assert_ok(answer):
    status, body = answer
    assert status == 200, body


@pytest.mark.parametrize('direction', sorted(ACTIONS))
def test_authorize_then_revoke_an_echoed_rule(emu, direction):
    names = ACTIONS[direction]
    rule = every_field(IpProtocol='tcp', PortRange='8443/8443', Policy='accept', Priority='1', NicType='intranet',
                       **{names['peer']: '10.30.0.0/16'})
    assert_ok(call_v2(emu, names['authorize'], rule))
    (row,) = emu.rules(GROUP, direction)
    assert (row[names['peer_column']], row['description'], row['source_port_range']) == ('10.30.0.0/16', '', '')
    assert (row['dest_group_id'], row['source_group_id'], row['dest_prefix_list_id'], row['source_prefix_list_id']) == ('', '', '', '')

    assert_ok(call_v2(emu, names['authorize'], rule))
    assert len(emu.rules(GROUP, direction)) == 1

    assert_ok(call_v2(emu, names['revoke'], rule))
    assert emu.rules(GROUP, direction) == []
    assert emu.requests()[-1]['applied'] is True


@pytest.mark.parametrize('direction', sorted(ACTIONS))
def test_revoke_with_empty_description_removes_a_described_rule(emu, direction):
    names = ACTIONS[direction]
    fields = dict(IpProtocol='udp', PortRange='53/53', **{names['peer']: '10.31.0.1'})
    assert_ok(call_v2(emu, names['authorize'], dict(fields, RegionId=REGION, SecurityGroupId=GROUP, Description='dns')))
    assert_ok(call_v2(emu, names['revoke'], every_field(**fields)))
    assert emu.rules(GROUP, direction) == []


@pytest.mark.parametrize('direction', sorted(ACTIONS))
def test_modify_keeps_every_field_sent_empty(emu, direction):
    names = ACTIONS[direction]
    assert_ok(call_v2(emu, names['authorize'], {
        'RegionId': REGION, 'SecurityGroupId': GROUP, 'IpProtocol': 'tcp', 'PortRange': '22/22',
        'SourcePortRange': '1024/65535', names['peer']: '10.32.0.0/16', 'Description': 'keep me'}))
    (before,) = emu.rules(GROUP, direction)

    assert_ok(call_v2(emu, names['modify'], every_field(SecurityGroupRuleId=before['rule_id'], Priority='7')))
    (after,) = emu.rules(GROUP, direction)
    assert after == dict(before, priority='7')

    assert_ok(call_v2(emu, names['modify'], every_field(SecurityGroupRuleId=before['rule_id'], Description='changed')))
    (after,) = emu.rules(GROUP, direction)
    assert after == dict(before, priority='7', description='changed')


@pytest.mark.parametrize('direction', sorted(ACTIONS))
def test_modify_with_nothing_but_empty_fields_changes_nothing(emu, direction):
    names = ACTIONS[direction]
    assert_ok(call_v2(emu, names['authorize'], {'RegionId': REGION, 'SecurityGroupId': GROUP, 'IpProtocol': 'all',
                                                'PortRange': '-1/-1', names['peer']: '10.33.0.0/16',
                                                'Description': 'stays'}))
    (before,) = emu.rules(GROUP, direction)
    assert_ok(call_v2(emu, names['modify'], every_field(SecurityGroupRuleId=before['rule_id'])))
    assert emu.rules(GROUP, direction) == [before]
    assert emu.requests()[-1]['applied'] is False
