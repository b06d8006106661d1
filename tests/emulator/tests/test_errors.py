"""Every modelled error code, through the real SDK: code, HTTP status, body shape, and no state change."""

import pytest

from conftest import M, REGION, api_error, egress, permission

TCP = dict(ip_protocol='tcp', port_range='80/80')
V4 = dict(TCP, dest_cidr_ip='10.0.0.0/8')

# (test id, group, request fields, code, status)
AUTHORIZE_CASES = [
    ('protocol-unknown', 'sg-demo-app', dict(V4, ip_protocol='sctp'), 'InvalidIpProtocol.ValueNotSupported', 400),
    ('protocol-missing', 'sg-demo-app', dict(port_range='80/80', dest_cidr_ip='10.0.0.0/8'), 'InvalidIpProtocol.ValueNotSupported', 400),
    ('port-missing', 'sg-demo-app', dict(ip_protocol='tcp', dest_cidr_ip='10.0.0.0/8'), 'InvalidIpProtocol.Malformed', 400),
    ('port-dash', 'sg-demo-app', dict(V4, port_range='1-2'), 'InvalidIpProtocol.Malformed', 400),
    ('port-zero', 'sg-demo-app', dict(V4, port_range='0/80'), 'InvalidIpProtocol.Malformed', 400),
    ('port-reversed', 'sg-demo-app', dict(V4, port_range='90/80'), 'InvalidIpProtocol.Malformed', 400),
    ('port-too-high', 'sg-demo-app', dict(V4, port_range='1/65536'), 'InvalidIpProtocol.Malformed', 400),
    ('tcp-any-port', 'sg-demo-app', dict(V4, port_range='-1/-1'), 'OperationDenied', 400),
    ('icmp-with-port', 'sg-demo-app', dict(V4, ip_protocol='icmp'), 'OperationDenied', 400),
    ('all-with-port', 'sg-demo-app', dict(V4, ip_protocol='all', port_range='1/65535'), 'OperationDenied', 400),
    ('source-port-bad', 'sg-demo-app', dict(V4, source_port_range='x/y'), 'InvalidSourcePortRange.Malformed', 400),
    ('source-port-icmp', 'sg-demo-app', dict(V4, ip_protocol='gre', port_range='-1/-1', source_port_range='1/2'),
     'InvalidSourcePortRange.Malformed', 400),
    ('priority-text', 'sg-demo-app', dict(V4, priority='high'), 'InvalidPriority.Malformed', 400),
    ('priority-zero', 'sg-demo-app', dict(V4, priority='0'), 'InvalidPriority.ValueNotSupported', 400),
    ('priority-101', 'sg-demo-app', dict(V4, priority='101'), 'InvalidPriority.ValueNotSupported', 400),
    ('policy-allow', 'sg-demo-app', dict(V4, policy='allow'), 'InvalidPolicy.Malformed', 400),
    ('nic-public', 'sg-demo-app', dict(V4, nic_type='public'), 'InvalidNicType.ValueNotSupported', 400),
    ('no-destination', 'sg-demo-app', dict(TCP), 'MissingParameter.Dest', 400),
    ('cidr-octet', 'sg-demo-app', dict(TCP, dest_cidr_ip='10.0.0.256'), 'InvalidDestCidrIp.Malformed', 400),
    ('cidr-prefix', 'sg-demo-app', dict(TCP, dest_cidr_ip='10.0.0.0/33'), 'InvalidDestCidrIp.Malformed', 400),
    ('cidr-is-ipv6', 'sg-demo-app', dict(TCP, dest_cidr_ip='2001:db8::/32'), 'InvalidDestCidrIp.Malformed', 400),
    ('ipv6-garbage', 'sg-demo-app', dict(TCP, ipv_6dest_cidr_ip='2001:zz::'), 'InvalidParam.Ipv6DestCidrIp', 400),
    ('ipv6-prefix', 'sg-demo-app', dict(TCP, ipv_6dest_cidr_ip='2001:db8::/129'), 'ILLEGAL_IPV6_CIDR', 400),
    ('ipv6-on-classic', 'sg-demo-classic', dict(TCP, ipv_6dest_cidr_ip='2001:db8::/32'), 'InvalidParam.Ipv6DestCidrIp', 400),
    ('source-ip-bad', 'sg-demo-app', dict(V4, source_cidr_ip='10.0.0'), 'InvalidParam.SourceIp', 400),
    ('source-ipv6-bad', 'sg-demo-app', dict(TCP, ipv_6dest_cidr_ip='2001:db8::/32', ipv_6source_cidr_ip='nope'),
     'InvalidParam.Ipv6SourceCidrIp', 400),
    ('icmp-ipv6', 'sg-demo-app', dict(ip_protocol='icmp', port_range='-1/-1', ipv_6dest_cidr_ip='2001:db8::/32'),
     'InvalidParam.Ipv4ProtocolConflictWithIpv6Address', 400),
    ('icmpv6-ipv4', 'sg-demo-app', dict(ip_protocol='icmpv6', port_range='-1/-1', dest_cidr_ip='10.0.0.0/8'),
     'InvalidParam.Ipv6ProtocolConflictWithIpv4Address', 400),
    ('family-mix', 'sg-demo-app', dict(V4, ipv_6source_cidr_ip='2001:db8::/32'), 'InvalidParam.SourceIp', 400),
    ('source-equals-dest', 'sg-demo-app', dict(TCP, dest_cidr_ip='10.0.0.1', source_cidr_ip='10.0.0.1/32'),
     'InvalidParamter.Conflict', 400),
    ('dest-is-self', 'sg-demo-app', dict(TCP, dest_group_id='sg-demo-app'), 'InvalidSecurityGroup.IsSame', 403),
    ('dest-missing', 'sg-demo-app', dict(TCP, dest_group_id='sg-nowhere'), 'InvalidDestGroupId.NotFound', 404),
    ('dest-other-account-no-owner', 'sg-demo-app', dict(TCP, dest_group_id='sg-peer-shared'), 'InvalidDestGroupId.NotFound', 404),
    ('dest-owner-unknown', 'sg-demo-app', dict(TCP, dest_group_id='sg-peer-shared', dest_group_owner_account='x@example.com'),
     'InvalidDestGroupId.NotFound', 404),
    ('dest-other-vpc', 'sg-demo-app', dict(TCP, dest_group_id='sg-demo-other-vpc'), 'InvalidDestGroupId.Mismatch', 400),
    ('dest-group-internet', 'sg-demo-app', dict(TCP, dest_group_id='sg-demo-db', nic_type='internet'),
     'InvalidDestGroupId.Mismatch', 403),
    ('classic-dest-group-no-nic', 'sg-demo-classic', dict(TCP, dest_group_id='sg-demo-web'), 'InvalidDestGroupId.Mismatch', 403),
    ('network-type-conflict', 'sg-demo-classic', dict(TCP, dest_group_id='sg-demo-web', nic_type='intranet'),
     'InvalidNetworkType.Conflict', 403),
    ('prefix-list-classic', 'sg-demo-classic', dict(TCP, dest_prefix_list_id='pl-demo-ipv4', nic_type='intranet'),
     'NotSupported.ClassicNetworkPrefixList', 400),
    ('prefix-list-missing', 'sg-demo-app', dict(TCP, dest_prefix_list_id='pl-nowhere'), 'InvalidPrefixListId.NotFound', 404),
    ('prefix-list-family', 'sg-demo-app', dict(TCP, dest_prefix_list_id='pl-demo-ipv6', source_cidr_ip='10.0.0.0/8'),
     'InvalidParam.PrefixListAddressFamilyMismatch', 400),
    ('description-long', 'sg-demo-app', dict(V4, description='d' * 513), 'InvalidSecurityGroupDiscription.Malformed', 400),
    ('client-token-long', 'sg-demo-app', dict(V4, client_token='t' * 65), 'InvalidClientToken.ValueNotSupported', 400),
    ('group-malformed', 'bad id', dict(V4), 'InvalidSecurityGroupId.Malformed', 400),
    ('group-missing-id', None, dict(V4), 'InvalidSecurityGroupId.Malformed', 400),
    ('group-not-found', 'sg-nowhere', dict(V4), 'InvalidSecurityGroupId.NotFound', 404),
    ('group-other-account', 'sg-peer-shared', dict(V4), 'InvalidSecurityGroupId.NotFound', 404),
    ('group-other-region', 'sg-demo-sh', dict(V4), 'InvalidSecurityGroupId.NotFound', 404),
    ('group-managed', 'sg-demo-managed', dict(V4), 'InvalidOperation.ResourceManagedByCloudProduct', 403),
    ('limit', 'sg-demo-full', dict(permissions=[permission(ip_protocol='tcp', port_range='%d/%d' % (p, p), dest_cidr_ip='10.0.0.0/8')
                                                for p in (1, 2, 3)]), 'AuthorizationLimitExceed', 403),
    ('region-missing', 'sg-demo-app', dict(V4, region_id=None), 'MissingRegionId', 400),
    ('region-unknown', 'sg-demo-app', dict(V4, region_id='cn-nowhere'), 'InvalidRegionId.NotFound', 404),
    ('bad-permission-in-batch', 'sg-demo-app',
     dict(permissions=[permission(**V4), permission(ip_protocol='tcp', port_range='1/99999', dest_cidr_ip='10.0.0.0/8')]),
     'InvalidIpProtocol.Malformed', 400),
]


@pytest.mark.parametrize('group,fields,code,status', [c[1:] for c in AUTHORIZE_CASES], ids=[c[0] for c in AUTHORIZE_CASES])
def test_authorize_egress_errors(client, emu, group, fields, code, status):
    before = emu.rules(group) if group and group.startswith('sg-demo') else None
    err = api_error(client.authorize_security_group_egress, egress(group, **fields))
    assert (err.code, err.status_code) == (code, status)
    body = err.data
    assert set(body) >= {'RequestId', 'HostId', 'Code', 'Message', 'Recommend'}
    assert body['Code'] == code and body['Message'] and '%s' not in body['Message']
    assert err.request_id == body['RequestId']
    if before is not None:
        assert emu.rules(group) == before
    entry = emu.requests()[-1]
    assert (entry['code'], entry['status'], entry['applied']) == (code, status, False)


def test_document_messages_are_used(client):
    err = api_error(client.authorize_security_group_egress, egress(ip_protocol='tcp', port_range='80/80', dest_group_id='sg-demo-db',
                                                                   nic_type='internet'))
    assert err.data['Message'] == 'NicType is required or NicType expects intranet.'
    err = api_error(client.authorize_security_group_egress, egress(ip_protocol='tcp', port_range='80/80',
                                                                   dest_group_id='sg-demo-other-vpc'))
    assert err.data['Message'] == 'Specified security group and destination group are not in the same VPC.'
    err = api_error(client.authorize_security_group_egress, egress('sg-demo-managed', **V4))
    assert 'sg-demo-managed' in err.data['Message']


OTHER_CASES = [
    ('revoke-unknown-id', 'revoke_security_group_egress', M.RevokeSecurityGroupEgressRequest,
     dict(security_group_id='sg-demo-web', security_group_rule_id=['sgr-doesnotexist00000000']), 'InvalidSecurityGroupRuleId.NotFound', 404),
    ('revoke-managed', 'revoke_security_group_egress', M.RevokeSecurityGroupEgressRequest,
     dict(security_group_id='sg-demo-managed', **V4), 'InvalidOperation.ResourceManagedByCloudProduct', 403),
    ('revoke-bad-protocol', 'revoke_security_group_egress', M.RevokeSecurityGroupEgressRequest,
     dict(security_group_id='sg-demo-web', ip_protocol='xyz', port_range='1/1', dest_cidr_ip='10.0.0.1'),
     'InvalidIpProtocol.ValueNotSupported', 400),
    ('modify-unknown-id', 'modify_security_group_egress_rule', M.ModifySecurityGroupEgressRuleRequest,
     dict(security_group_id='sg-demo-web', security_group_rule_id='sgr-doesnotexist00000000', description='x'),
     'InvalidSecurityGroupRuleId.NotFound', 404),
    ('modify-no-id', 'modify_security_group_egress_rule', M.ModifySecurityGroupEgressRuleRequest,
     dict(security_group_id='sg-demo-web', description='x'), 'MissingParameter.SecurityGroupRuleId', 400),
    ('describe-direction', 'describe_security_group_attribute', M.DescribeSecurityGroupAttributeRequest,
     dict(security_group_id='sg-demo-web', direction='outbound'), 'InvalidParameter.Direction', 400),
    ('describe-nic', 'describe_security_group_attribute', M.DescribeSecurityGroupAttributeRequest,
     dict(security_group_id='sg-demo-web', nic_type='wifi'), 'InvalidNicType.ValueNotSupported', 400),
    ('describe-max-low', 'describe_security_group_attribute', M.DescribeSecurityGroupAttributeRequest,
     dict(security_group_id='sg-demo-web', max_results=9), 'InvalidParameter.MaxResults', 400),
    ('describe-max-high', 'describe_security_group_attribute', M.DescribeSecurityGroupAttributeRequest,
     dict(security_group_id='sg-demo-web', max_results=1001), 'InvalidParameter.MaxResults', 400),
    ('describe-token', 'describe_security_group_attribute', M.DescribeSecurityGroupAttributeRequest,
     dict(security_group_id='sg-demo-web', next_token='garbage!'), 'InvalidNextToken', 400),
    ('describe-not-found', 'describe_security_group_attribute', M.DescribeSecurityGroupAttributeRequest,
     dict(security_group_id='sg-nowhere'), 'InvalidSecurityGroupId.NotFound', 404),
    ('groups-ids-json', 'describe_security_groups', M.DescribeSecurityGroupsRequest,
     dict(security_group_ids='sg-demo-web,sg-demo-db'), 'InvalidSecurityGroupIds.Malformed', 400),
    ('groups-region', 'describe_security_groups', M.DescribeSecurityGroupsRequest, dict(region_id='mars-1'),
     'InvalidRegionId.NotFound', 404),
]


@pytest.mark.parametrize('method,model,fields,code,status', [c[1:] for c in OTHER_CASES], ids=[c[0] for c in OTHER_CASES])
def test_other_action_errors(client, emu, method, model, fields, code, status):
    before = emu.rules('sg-demo-web')
    fields.setdefault('region_id', REGION)
    err = api_error(getattr(client, method), model(**fields))
    assert (err.code, err.status_code) == (code, status)
    assert emu.rules('sg-demo-web') == before


def test_ingress_errors_mirror_egress(client):
    cases = [
        (dict(ip_protocol='tcp', port_range='22/22'), 'MissingParameter.Source', 400),
        (dict(ip_protocol='tcp', port_range='22/22', source_group_id='sg-nowhere'), 'InvalidSourceGroupId.NotFound', 404),
        (dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='1.2.3'), 'InvalidSourceCidrIp.Malformed', 400),
        # The AuthorizeSecurityGroup table's row for a group that names itself, not egress's IsSame.
        (dict(ip_protocol='tcp', port_range='22/22', source_group_id='sg-demo-app'), 'InvalidParamter.Conflict', 403),
    ]
    for fields, code, status in cases:
        err = api_error(client.authorize_security_group, M.AuthorizeSecurityGroupRequest(
            region_id=REGION, security_group_id='sg-demo-app', **fields))
        assert (err.code, err.status_code) == (code, status), fields


def test_self_reference_messages_are_the_documents(client):
    err = api_error(client.authorize_security_group, M.AuthorizeSecurityGroupRequest(
        region_id=REGION, security_group_id='sg-demo-app', ip_protocol='tcp', port_range='22/22', source_group_id='sg-demo-app'))
    assert err.data['Message'] == 'The specified SecurityGroupId should be different from the SourceGroupId.'
    err = api_error(client.authorize_security_group_egress, egress(ip_protocol='tcp', port_range='22/22', dest_group_id='sg-demo-app'))
    assert err.data['Message'] == 'The authorized SecurityGroupId should be different from the DestGroupId.'
