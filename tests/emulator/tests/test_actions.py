"""Every action through the real SDK: happy paths, identity, batches, pagination and NicType handling."""

from conftest import MAIN_GROUPS, M, REGION, api_error, describe, egress, make_client, permission


def test_authorize_egress_creates_rule_with_all_fields(client, emu):
    client.authorize_security_group_egress(egress(
        ip_protocol='tcp', port_range='8080/8090', dest_cidr_ip='10.1.0.0/16', source_port_range='1024/65535',
        source_cidr_ip='172.16.0.0/12', policy='drop', priority='5', description='app traffic'))
    (rule,) = describe(client, 'sg-demo-app', direction='egress')
    assert rule['IpProtocol'] == 'TCP' and rule['Policy'] == 'Drop'
    assert rule['PortRange'] == '8080/8090' and rule['SourcePortRange'] == '1024/65535'
    assert rule['DestCidrIp'] == '10.1.0.0/16' and rule['SourceCidrIp'] == '172.16.0.0/12'
    assert rule['Priority'] == '5' and rule['NicType'] == 'intranet' and rule['Direction'] == 'egress'
    assert rule['Description'] == 'app traffic'
    assert rule['SecurityGroupRuleId'].startswith('sgr-') and len(rule['SecurityGroupRuleId']) == 24
    assert len(rule['CreateTime']) == 20 and rule['CreateTime'].endswith('Z')
    assert all(isinstance(v, str) for v in rule.values())
    assert emu.egress_rules('sg-demo-app')[0]['rule_id'] == rule['SecurityGroupRuleId']


def test_defaults_priority_policy_and_vpc_nic(client, emu):
    client.authorize_security_group_egress(egress(ip_protocol='UDP', port_range='53/53', dest_cidr_ip='10.0.0.2',
                                                  nic_type='internet'))
    (row,) = emu.egress_rules('sg-demo-app')
    assert (row['priority'], row['policy'], row['nic_type'], row['ip_protocol']) == ('1', 'Accept', 'intranet', 'UDP')
    assert row['dest_cidr_ip'] == '10.0.0.2'


def test_existing_rule_is_not_duplicated_canonically(client, emu):
    # The seeded rule is TCP 443 to 10.0.0.1 (no mask); the same rule in canonical spelling must not be added.
    before = emu.egress_rules('sg-demo-web')
    client.authorize_security_group_egress(egress('sg-demo-web', ip_protocol='tcp', port_range='443/443',
                                                  dest_cidr_ip='10.0.0.1/32', policy='ACCEPT', description='other text'))
    assert emu.egress_rules('sg-demo-web') == before
    assert emu.requests()[-1]['applied'] is False


def test_ipv6_compression_is_one_identity(client, emu):
    client.authorize_security_group_egress(egress(ip_protocol='tcp', port_range='22/22',
                                                  ipv_6dest_cidr_ip='2001:0db8:0000::/48'))
    client.authorize_security_group_egress(egress(ip_protocol='tcp', port_range='22/22', ipv_6dest_cidr_ip='2001:db8::/48'))
    assert len(emu.egress_rules('sg-demo-app')) == 1


def test_seeded_rules_are_described_as_stored(client):
    rules = describe(client, 'sg-demo-web', direction='egress')
    https = next(r for r in rules if r['PortRange'] == '443/443')
    assert https['DestCidrIp'] == '10.0.0.1' and https['IpProtocol'] == 'TCP' and https['Description'] == 'seeded https'
    drop = next(r for r in rules if r['Policy'] == 'Drop')
    assert drop['IpProtocol'] == 'ALL' and drop['PortRange'] == '-1/-1' and drop['Priority'] == '100'


def test_permissions_batch_and_duplicates_inside_batch_collapse(client, emu):
    client.authorize_security_group_egress(egress(permissions=[
        permission(ip_protocol='tcp', port_range='80/80', dest_cidr_ip='10.2.0.0/16', description='one'),
        permission(ip_protocol='TCP', port_range='80/80', dest_cidr_ip='10.2.0.0/16', description='dup'),
        permission(ip_protocol='icmp', port_range='-1/-1', dest_prefix_list_id='pl-demo-ipv4'),
        permission(ip_protocol='icmpv6', port_range='-1/-1', ipv_6dest_cidr_ip='2001:db8::1'),
    ]))
    rows = emu.egress_rules('sg-demo-app')
    assert len(rows) == 3
    assert rows[0]['description'] == 'one'
    assert {r['dest_prefix_list_id'] for r in rows} == {'', 'pl-demo-ipv4'}


def test_top_level_and_permissions_together(client, emu):
    client.authorize_security_group_egress(egress(ip_protocol='tcp', port_range='1/1', dest_cidr_ip='10.3.0.0/16',
                                                  permissions=[permission(ip_protocol='tcp', port_range='2/2',
                                                                          dest_cidr_ip='10.3.0.0/16')]))
    assert sorted(r['port_range'] for r in emu.egress_rules('sg-demo-app')) == ['1/1', '2/2']


def test_batch_is_all_or_nothing(client, emu):
    err = api_error(client.authorize_security_group_egress, egress(permissions=[
        permission(ip_protocol='tcp', port_range='80/80', dest_cidr_ip='10.2.0.0/16'),
        permission(ip_protocol='tcp', port_range='80/80', dest_cidr_ip='not-an-ip'),
    ]))
    assert err.code == 'InvalidDestCidrIp.Malformed'
    assert emu.egress_rules('sg-demo-app') == []


def test_dest_cidr_wins_over_group_and_prefix_list(client, emu):
    client.authorize_security_group_egress(egress(ip_protocol='tcp', port_range='5432/5432', dest_cidr_ip='10.9.0.0/16',
                                                  dest_group_id='sg-does-not-exist', dest_group_owner_id='42',
                                                  dest_prefix_list_id='pl-nope'))
    (row,) = emu.egress_rules('sg-demo-app')
    assert (row['dest_group_id'], row['dest_group_owner_id'], row['dest_prefix_list_id']) == ('', '', '')


def test_dest_group_wins_over_prefix_list(client, emu):
    client.authorize_security_group_egress(egress(ip_protocol='tcp', port_range='5432/5432', dest_group_id='sg-demo-db',
                                                  dest_prefix_list_id='pl-missing'))
    (row,) = emu.egress_rules('sg-demo-app')
    assert row['dest_group_id'] == 'sg-demo-db' and row['dest_prefix_list_id'] == ''
    (perm,) = describe(client, 'sg-demo-app', direction='egress')
    assert perm['DestGroupName'] == 'demo-db' and perm['DestGroupOwnerAccount'] == '1000000000000001'


def test_cross_account_dest_group_by_id_or_account(client, emu):
    client.authorize_security_group_egress(egress(ip_protocol='tcp', port_range='22/22', dest_group_id='sg-peer-shared',
                                                  dest_group_owner_id='1000000000000002'))
    client.authorize_security_group_egress(egress(ip_protocol='tcp', port_range='22/22', dest_group_id='sg-peer-shared',
                                                  dest_group_owner_account='peer@example.com'))
    (row,) = emu.egress_rules('sg-demo-app')
    assert row['dest_group_owner_id'] == '1000000000000002'


def test_prefix_list_described_with_name(client):
    client.authorize_security_group_egress(egress(ip_protocol='tcp', port_range='443/443', dest_prefix_list_id='pl-demo-ipv6',
                                                  ipv_6source_cidr_ip='2001:db8:1::/64'))
    (perm,) = describe(client, 'sg-demo-app', direction='egress')
    assert perm['DestPrefixListId'] == 'pl-demo-ipv6' and perm['DestPrefixListName'] == 'demo-ipv6'
    assert perm['Ipv6SourceCidrIp'] == '2001:db8:1::/64'


def test_revoke_by_fields_canonically(client, emu):
    client.revoke_security_group_egress(M.RevokeSecurityGroupEgressRequest(
        region_id=REGION, security_group_id='sg-demo-web', ip_protocol='tcp', port_range='443/443',
        dest_cidr_ip='10.0.0.1/32', nic_type='intranet'))
    assert [r['port_range'] for r in emu.egress_rules('sg-demo-web')] == ['-1/-1']
    assert emu.requests()[-1]['applied'] is True


def test_revoke_missing_rule_succeeds_without_change(client, emu):
    before = emu.egress_rules('sg-demo-web')
    client.revoke_security_group_egress(M.RevokeSecurityGroupEgressRequest(
        region_id=REGION, security_group_id='sg-demo-web', ip_protocol='tcp', port_range='444/444', dest_cidr_ip='10.0.0.1'))
    assert emu.egress_rules('sg-demo-web') == before
    assert emu.requests()[-1]['applied'] is False


def test_revoke_by_rule_ids(client, emu):
    ids = [r['rule_id'] for r in emu.egress_rules('sg-demo-web')]
    client.revoke_security_group_egress(M.RevokeSecurityGroupEgressRequest(
        region_id=REGION, security_group_id='sg-demo-web', security_group_rule_id=ids))
    assert emu.egress_rules('sg-demo-web') == []


def test_revoke_unknown_rule_id_changes_nothing(client, emu):
    ids = [r['rule_id'] for r in emu.egress_rules('sg-demo-web')]
    err = api_error(client.revoke_security_group_egress, M.RevokeSecurityGroupEgressRequest(
        region_id=REGION, security_group_id='sg-demo-web', security_group_rule_id=[ids[0], 'sgr-unknownunknown0000']))
    assert (err.code, err.status_code) == ('InvalidSecurityGroupRuleId.NotFound', 404)
    assert len(emu.egress_rules('sg-demo-web')) == 2


def test_modify_description_in_place(client, emu):
    rule = emu.egress_rules('sg-demo-web')[0]
    client.modify_security_group_egress_rule(M.ModifySecurityGroupEgressRuleRequest(
        region_id=REGION, security_group_id='sg-demo-web', security_group_rule_id=rule['rule_id'], description='new text'))
    after = emu.egress_rules('sg-demo-web')[0]
    assert after['rule_id'] == rule['rule_id'] and after['description'] == 'new text'
    assert {k: v for k, v in after.items() if k != 'description'} == {k: v for k, v in rule.items() if k != 'description'}


def test_modify_other_fields_in_place(client, emu):
    rule = emu.egress_rules('sg-demo-web')[0]
    client.modify_security_group_egress_rule(M.ModifySecurityGroupEgressRuleRequest(
        region_id=REGION, security_group_id='sg-demo-web', security_group_rule_id=rule['rule_id'],
        port_range='8443/8443', priority='7', dest_cidr_ip='10.8.0.0/16'))
    after = emu.egress_rules('sg-demo-web')[0]
    assert (after['rule_id'], after['port_range'], after['priority'], after['dest_cidr_ip']) == (
        rule['rule_id'], '8443/8443', '7', '10.8.0.0/16')
    assert after['description'] == 'seeded https'


def test_modify_into_a_duplicate_is_refused(client, emu):
    first, second = emu.egress_rules('sg-demo-web')
    err = api_error(client.modify_security_group_egress_rule, M.ModifySecurityGroupEgressRuleRequest(
        region_id=REGION, security_group_id='sg-demo-web', security_group_rule_id=second['rule_id'], ip_protocol='tcp',
        port_range='443/443', dest_cidr_ip='10.0.0.1', policy='accept', priority='1'))
    assert err.code == 'InvalidSecurityGroupRule.Duplicate'
    assert emu.egress_rules('sg-demo-web') == [first, second]


def test_describe_attribute_shape(client):
    body = client.describe_security_group_attribute(M.DescribeSecurityGroupAttributeRequest(
        region_id=REGION, security_group_id='sg-demo-web')).body.to_map()
    assert body['VpcId'] == 'vpc-demo-1' and body['InnerAccessPolicy'] == 'Accept' and body['NextToken'] == ''
    assert body['SecurityGroupName'] == 'demo-web' and body['RegionId'] == REGION and body['RequestId']
    assert len(body['Permissions']['Permission']) == 2


def test_describe_direction_filter(client):
    client.authorize_security_group(M.AuthorizeSecurityGroupRequest(
        region_id=REGION, security_group_id='sg-demo-web', ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.0.0.0/8'))
    assert {p['Direction'] for p in describe(client, 'sg-demo-web')} == {'egress', 'ingress'}
    assert {p['Direction'] for p in describe(client, 'sg-demo-web', direction='ingress')} == {'ingress'}
    assert len(describe(client, 'sg-demo-web', direction='egress')) == 2


def test_pagination_returns_every_rule_once(client):
    client.authorize_security_group_egress(egress(permissions=[
        permission(ip_protocol='tcp', port_range='%d/%d' % (p, p), dest_cidr_ip='10.4.0.0/16') for p in range(1, 26)]))
    first = client.describe_security_group_attribute(M.DescribeSecurityGroupAttributeRequest(
        region_id=REGION, security_group_id='sg-demo-app', max_results=10)).body
    assert len(first.permissions.permission) == 10 and first.next_token
    rules = describe(client, 'sg-demo-app', direction='egress', max_results=10)
    assert len(rules) == 25
    assert len({r['SecurityGroupRuleId'] for r in rules}) == 25
    assert sorted(int(r['PortRange'].split('/')[0]) for r in rules) == list(range(1, 26))


def test_pagination_default_page_is_500(client):
    assert len(describe(client, 'sg-demo-full', direction='ingress')) == 198
    body = client.describe_security_group_attribute(M.DescribeSecurityGroupAttributeRequest(
        region_id=REGION, security_group_id='sg-demo-full')).body
    assert len(body.permissions.permission) == 198 and body.next_token == ''


def test_classic_group_nic_types_are_split(client, emu):
    client.authorize_security_group_egress(egress('sg-demo-classic', ip_protocol='tcp', port_range='80/80',
                                                  dest_cidr_ip='1.1.1.1'))
    client.authorize_security_group_egress(egress('sg-demo-classic', ip_protocol='tcp', port_range='81/81',
                                                  dest_cidr_ip='10.0.0.0/8', nic_type='intranet'))
    assert {r['nic_type'] for r in emu.egress_rules('sg-demo-classic')} == {'internet', 'intranet'}
    default = describe(client, 'sg-demo-classic')
    assert [(p['PortRange'], p['NicType']) for p in default] == [('80/80', 'internet')]
    intranet = describe(client, 'sg-demo-classic', nic_type='intranet')
    assert [(p['PortRange'], p['NicType']) for p in intranet] == [('81/81', 'intranet')]
    assert emu.rules('sg-demo-classic', 'egress')[0]['nic_type'] == 'internet'


def test_vpc_group_ignores_requested_nic_type(client):
    assert len(describe(client, 'sg-demo-web', nic_type='internet')) == 2


def test_describe_security_groups_filters_and_fields(client):
    body = client.describe_security_groups(M.DescribeSecurityGroupsRequest(region_id=REGION, page_size=50)).body.to_map()
    ids = [g['SecurityGroupId'] for g in body['SecurityGroups']['SecurityGroup']]
    assert ids == MAIN_GROUPS and body['TotalCount'] == len(MAIN_GROUPS)
    assert len(MAIN_GROUPS) >= 8 and 'sg-peer-shared' not in ids and 'sg-demo-sh' not in ids
    groups = {g['SecurityGroupId']: g for g in body['SecurityGroups']['SecurityGroup']}
    assert groups['sg-demo-managed']['ServiceManaged'] is True and groups['sg-demo-web']['ServiceManaged'] is False
    assert groups['sg-demo-full']['RuleCount'] == 198 and groups['sg-demo-classic']['VpcId'] == ''
    picked = client.describe_security_groups(M.DescribeSecurityGroupsRequest(
        region_id=REGION, security_group_ids='["sg-demo-web", "sg-demo-db", "sg-peer-shared"]')).body
    assert sorted(g.security_group_id for g in picked.security_groups.security_group) == ['sg-demo-db', 'sg-demo-web']
    by_name = client.describe_security_groups(M.DescribeSecurityGroupsRequest(region_id=REGION, security_group_name='demo-db')).body
    assert [g.security_group_id for g in by_name.security_groups.security_group] == ['sg-demo-db']
    by_vpc = client.describe_security_groups(M.DescribeSecurityGroupsRequest(region_id=REGION, vpc_id='vpc-demo-2')).body
    assert 'sg-demo-other-vpc' in [g.security_group_id for g in by_vpc.security_groups.security_group]
    assert {g.vpc_id for g in by_vpc.security_groups.security_group} == {'vpc-demo-2'}
    sh = client.describe_security_groups(M.DescribeSecurityGroupsRequest(region_id='cn-shanghai')).body
    assert [g.security_group_id for g in sh.security_groups.security_group] == ['sg-demo-sh']


def test_describe_security_groups_next_token(client):
    seen, token = [], None
    while True:
        body = client.describe_security_groups(M.DescribeSecurityGroupsRequest(
            region_id=REGION, max_results=3, next_token=token)).body
        seen += [g.security_group_id for g in body.security_groups.security_group]
        token = body.next_token
        if not token:
            break
    assert seen == MAIN_GROUPS


def test_accounts_are_isolated(emu):
    peer = make_client(emu.endpoint, 'peer')
    body = peer.describe_security_groups(M.DescribeSecurityGroupsRequest(region_id=REGION)).body
    assert [g.security_group_id for g in body.security_groups.security_group] == ['sg-peer-shared']
    err = api_error(peer.describe_security_group_attribute, M.DescribeSecurityGroupAttributeRequest(
        region_id=REGION, security_group_id='sg-demo-web'))
    assert (err.code, err.status_code) == ('InvalidSecurityGroupId.NotFound', 404)


def test_ingress_authorize_and_revoke(client, emu):
    client.authorize_security_group(M.AuthorizeSecurityGroupRequest(
        region_id=REGION, security_group_id='sg-demo-app', ip_protocol='tcp', port_range='22/22',
        source_cidr_ip='10.0.0.1', description='ssh'))
    client.authorize_security_group(M.AuthorizeSecurityGroupRequest(
        region_id=REGION, security_group_id='sg-demo-app', ip_protocol='tcp', port_range='22/22',
        source_cidr_ip='10.0.0.1/32'))
    (row,) = emu.rules('sg-demo-app', 'ingress')
    assert row['source_cidr_ip'] == '10.0.0.1' and row['description'] == 'ssh'
    client.authorize_security_group(M.AuthorizeSecurityGroupRequest(
        region_id=REGION, security_group_id='sg-demo-app', ip_protocol='tcp', port_range='80/80', source_group_id='sg-demo-db'))
    assert emu.rules('sg-demo-app', 'ingress')[1]['source_group_id'] == 'sg-demo-db'
    client.revoke_security_group(M.RevokeSecurityGroupRequest(
        region_id=REGION, security_group_id='sg-demo-app', ip_protocol='TCP', port_range='22/22', source_cidr_ip='10.0.0.1/32'))
    assert [r['port_range'] for r in emu.rules('sg-demo-app', 'ingress')] == ['80/80']
    assert emu.egress_rules('sg-demo-app') == []


def test_rule_limit_counts_ingress_and_egress(client, emu):
    client.authorize_security_group_egress(egress('sg-demo-full', permissions=[
        permission(ip_protocol='tcp', port_range='1/1', dest_cidr_ip='10.0.0.0/8'),
        permission(ip_protocol='tcp', port_range='2/2', dest_cidr_ip='10.0.0.0/8')]))
    err = api_error(client.authorize_security_group, M.AuthorizeSecurityGroupRequest(
        region_id=REGION, security_group_id='sg-demo-full', ip_protocol='tcp', port_range='3/3', source_cidr_ip='10.0.0.0/8'))
    assert (err.code, err.status_code) == ('AuthorizationLimitExceed', 403)
    # At the limit, re-adding an existing rule is still a success that adds nothing.
    client.authorize_security_group_egress(egress('sg-demo-full', ip_protocol='tcp', port_range='1/1', dest_cidr_ip='10.0.0.0/8'))
    assert len(emu.rules('sg-demo-full')) == 200


def test_limit_batch_adds_nothing(client, emu):
    err = api_error(client.authorize_security_group_egress, egress('sg-demo-full', permissions=[
        permission(ip_protocol='tcp', port_range='%d/%d' % (p, p), dest_cidr_ip='10.0.0.0/8') for p in (1, 2, 3)]))
    assert err.code == 'AuthorizationLimitExceed'
    assert emu.egress_rules('sg-demo-full') == []


def test_client_token_replays_first_answer(client, emu):
    request = egress(ip_protocol='tcp', port_range='9/9', dest_cidr_ip='10.0.0.0/8', client_token='token-one')
    first = client.authorize_security_group_egress(request).body.request_id
    client.revoke_security_group_egress(M.RevokeSecurityGroupEgressRequest(
        region_id=REGION, security_group_id='sg-demo-app', ip_protocol='tcp', port_range='9/9', dest_cidr_ip='10.0.0.0/8'))
    again = client.authorize_security_group_egress(request).body.request_id
    assert again == first
    assert emu.egress_rules('sg-demo-app') == []  # the replay applied nothing
    assert emu.requests()[-1]['applied'] is False


def test_client_token_with_other_parameters_is_refused(client, emu):
    client.authorize_security_group_egress(egress(ip_protocol='tcp', port_range='9/9', dest_cidr_ip='10.0.0.0/8',
                                                  client_token='token-two'))
    err = api_error(client.authorize_security_group_egress, egress(ip_protocol='tcp', port_range='10/10',
                                                                   dest_cidr_ip='10.0.0.0/8', client_token='token-two'))
    assert err.code == 'IdempotentParameterMismatch'
    assert len(emu.egress_rules('sg-demo-app')) == 1
