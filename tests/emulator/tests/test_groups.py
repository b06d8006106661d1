"""The life of a security group through the real SDK: create, find, rename, describe, policy, delete; the admin view."""

import json
import re
import urllib.error
import urllib.request

import pytest

from conftest import M, REGION, api_error, describe, egress, fixture_group_entries, make_client

NEW_ID = re.compile(r'^sg-[a-z0-9]{20}$')


def create(client_, **fields):
    fields.setdefault('region_id', REGION)
    return client_.create_security_group(M.CreateSecurityGroupRequest(**fields)).body


def create_tags(**tags):
    return [M.CreateSecurityGroupRequestTag(key=key, value=value) for key, value in tags.items()]


def described_group(client_, group_id):
    body = client_.describe_security_groups(M.DescribeSecurityGroupsRequest(
        region_id=REGION, security_group_ids=json.dumps([group_id]))).body.to_map()
    (group,) = body['SecurityGroups']['SecurityGroup']
    return group


def attribute(client_, group_id):
    return client_.describe_security_group_attribute(M.DescribeSecurityGroupAttributeRequest(
        region_id=REGION, security_group_id=group_id)).body.to_map()


def delete(client_, group_id):
    return client_.delete_security_group(M.DeleteSecurityGroupRequest(region_id=REGION, security_group_id=group_id))


def all_group_ids(emu):
    return sorted(group['id'] for group in emu.groups())


# -- CreateSecurityGroup ------------------------------------------------------------------------------


def test_create_answers_a_new_id_and_the_group_reads_back(client, emu):
    body = create(client, vpc_id='vpc-demo-1', security_group_name='web.v2:blue_1-a', description='a new group',
                  resource_group_id='rg-demo-9', tag=create_tags(env='test', empty=''))
    assert NEW_ID.match(body.security_group_id) and body.request_id
    group = described_group(client, body.security_group_id)
    assert (group['SecurityGroupName'], group['Description'], group['VpcId'], group['SecurityGroupType']) == (
        'web.v2:blue_1-a', 'a new group', 'vpc-demo-1', 'normal')
    assert group['ResourceGroupId'] == 'rg-demo-9' and group['ServiceManaged'] is False and group['RuleCount'] == 0
    assert group['Tags']['Tag'] == [{'TagKey': 'env', 'TagValue': 'test'}, {'TagKey': 'empty', 'TagValue': ''}]
    assert re.match(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$', group['CreationTime'])
    read = attribute(client, body.security_group_id)
    # A new basic group lets its members reach each other, and has no rules.
    assert read['InnerAccessPolicy'] == 'Accept' and read['Permissions']['Permission'] == []
    assert emu.group(body.security_group_id)['rule_count'] == 0
    assert emu.requests()[-3]['write'] is True and emu.requests()[-3]['applied'] is True


def test_create_defaults_an_unnamed_group_in_the_default_vpc_and_an_isolated_enterprise_one(client):
    unnamed = create(client).security_group_id
    group = described_group(client, unnamed)
    assert (group['VpcId'], group['SecurityGroupName'], group['Description'], group['SecurityGroupType']) == (
        'vpc-demo-default-hz', '', '', 'normal')
    enterprise = create(client, vpc_id='vpc-demo-2', security_group_type='Enterprise', security_group_name='ent')
    assert described_group(client, enterprise.security_group_id)['SecurityGroupType'] == 'enterprise'
    assert attribute(client, enterprise.security_group_id)['InnerAccessPolicy'] == 'Drop'


def test_create_accepts_a_chinese_name(client):
    group_id = create(client, vpc_id='vpc-demo-1', security_group_name='安全组-一').security_group_id
    assert described_group(client, group_id)['SecurityGroupName'] == '安全组-一'


def test_create_in_shanghai_uses_the_vpcs_there(client):
    group_id = create(client, region_id='cn-shanghai', vpc_id='vpc-demo-3', security_group_name='sh-new').security_group_id
    body = client.describe_security_groups(M.DescribeSecurityGroupsRequest(region_id='cn-shanghai')).body
    assert [g.security_group_id for g in body.security_groups.security_group] == ['sg-demo-sh', group_id]


def test_same_client_token_and_parameters_create_one_group(client, emu):
    fields = dict(vpc_id='vpc-demo-1', security_group_name='retried', tag=create_tags(a='1'), client_token='create-once')
    first = create(client, **fields)
    again = create(client, **fields)
    assert again.security_group_id == first.security_group_id and again.request_id == first.request_id
    assert [group['id'] for group in emu.groups(name='retried')] == [first.security_group_id]
    assert emu.requests()[-1]['applied'] is False
    other = dict(fields)
    other['security_group_name'] = 'retried-other'
    err = api_error(create, client, **other)
    assert (err.code, err.status_code) == ('IdempotentParameterMismatch', 400)
    assert emu.groups(name='retried-other') == []


def test_without_a_token_every_create_is_a_new_group(client, emu):
    create(client, vpc_id='vpc-demo-1', security_group_name='twice')
    create(client, vpc_id='vpc-demo-1', security_group_name='twice')
    assert len(emu.groups(name='twice')) == 2


TAG = M.CreateSecurityGroupRequestTag

# (test id, request fields, code, status)
CREATE_ERRORS = [
    ('name-one-char', dict(security_group_name='a'), 'InvalidSecurityGroupName.Malformed', 400),
    ('name-129-chars', dict(security_group_name='a' * 129), 'InvalidSecurityGroupName.Malformed', 400),
    ('name-starts-with-digit', dict(security_group_name='1web'), 'InvalidSecurityGroupName.Malformed', 400),
    # "digits" are read as ASCII digits (assumed; see the README): other Unicode digits are refused.
    ('name-with-fullwidth-digit', dict(security_group_name='web\uff11'), 'InvalidSecurityGroupName.Malformed', 400),
    ('name-with-arabic-indic-digit', dict(security_group_name='web\u0663'), 'InvalidSecurityGroupName.Malformed', 400),
    ('name-starts-with-dash', dict(security_group_name='-web'), 'InvalidSecurityGroupName.Malformed', 400),
    ('name-with-space', dict(security_group_name='web tier'), 'InvalidSecurityGroupName.Malformed', 400),
    ('name-with-slash', dict(security_group_name='web/tier'), 'InvalidSecurityGroupName.Malformed', 400),
    ('name-is-url', dict(security_group_name='http://web'), 'InvalidSecurityGroupName.Malformed', 400),
    ('description-one-char', dict(description='d'), 'InvalidDescription.Malformed', 400),
    ('description-257-chars', dict(description='d' * 257), 'InvalidDescription.Malformed', 400),
    ('description-is-url', dict(description='https://example.com/group'), 'InvalidDescription.Malformed', 400),
    ('type-unknown', dict(security_group_type='basic'), 'InvalidParameter.SecurityGroupType', 400),
    ('vpc-unknown', dict(vpc_id='vpc-nowhere'), 'InvalidVpcId.NotFound', 404),
    ('vpc-of-other-region', dict(vpc_id='vpc-demo-3'), 'InvalidVpcId.NotFound', 404),
    ('tag-key-aliyun', dict(tag=[TAG(key='aliyun-owner', value='x')]), 'InvalidTagKey.Malformed', 400),
    ('tag-key-acs', dict(tag=[TAG(key='acs:rm:rgId', value='x')]), 'InvalidTagKey.Malformed', 400),
    ('tag-key-129-chars', dict(tag=[TAG(key='k' * 129, value='x')]), 'InvalidTagKey.Malformed', 400),
    ('tag-key-with-url', dict(tag=[TAG(key='see-https://x', value='x')]), 'InvalidTagKey.Malformed', 400),
    ('tag-value-without-key', dict(tag=[TAG(value='orphan')]), 'InvalidTagKey.Malformed', 400),
    ('tag-value-129-chars', dict(tag=[TAG(key='k', value='v' * 129)]), 'InvalidTagValue.Malformed', 400),
    ('tag-value-with-url', dict(tag=[TAG(key='k', value='http://x')]), 'InvalidTagValue.Malformed', 400),
    ('tag-key-twice', dict(tag=[TAG(key='k', value='1'), TAG(key='k', value='2')]), 'Duplicate.TagKey', 400),
    ('tags-21', dict(tag=[TAG(key='k%d' % i, value='v') for i in range(21)]), 'NumberExceed.Tags', 400),
    ('region-missing', dict(region_id=None), 'MissingRegionId', 400),
    ('region-unknown', dict(region_id='cn-nowhere'), 'InvalidRegionId.NotFound', 404),
]


@pytest.mark.parametrize('fields,code,status', [c[1:] for c in CREATE_ERRORS], ids=[c[0] for c in CREATE_ERRORS])
def test_create_errors_create_nothing(client, emu, fields, code, status):
    before = all_group_ids(emu)
    fields = dict(fields)
    fields.setdefault('vpc_id', 'vpc-demo-1')
    err = api_error(create, client, **fields)
    assert (err.code, err.status_code) == (code, status)
    assert err.data['Message'] and '%s' not in err.data['Message']
    assert all_group_ids(emu) == before


def test_create_error_messages_are_the_documents(client):
    err = api_error(create, client, vpc_id='vpc-nowhere')
    assert err.data['Message'] == 'Specified VPC does not exist.'
    err = api_error(create, client, security_group_name='1')
    assert err.data['Message'] == 'Specified security group name is not valid.'
    err = api_error(create, client, tag=[TAG(key='acs:x', value='1')])
    assert err.data['Message'] == 'The specified Tag.N.Key is not valid.'


def test_twenty_tags_are_accepted(client, emu):
    group_id = create(client, tag=[TAG(key='k%02d' % i, value=str(i)) for i in range(20)]).security_group_id
    assert len(emu.group(group_id)['tags']) == 20


# -- DeleteSecurityGroup ------------------------------------------------------------------------------


def test_delete_removes_the_group_its_rules_and_tags(client, emu):
    client.authorize_security_group(M.AuthorizeSecurityGroupRequest(
        region_id=REGION, security_group_id='sg-demo-tagged', ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.0.0.0/8'))
    assert emu.group('sg-demo-tagged')['rule_count'] == 1
    delete(client, 'sg-demo-tagged')
    assert emu.group('sg-demo-tagged') is None and emu.requests()[-1]['applied'] is True
    err = api_error(attribute, client, 'sg-demo-tagged')
    assert (err.code, err.status_code) == ('InvalidSecurityGroupId.NotFound', 404)
    listed = client.list_tag_resources(M.ListTagResourcesRequest(
        region_id=REGION, resource_type='securitygroup', resource_id=['sg-demo-tagged'])).body
    assert listed.tag_resources.tag_resource == []
    err = api_error(delete, client, 'sg-demo-tagged')
    assert (err.code, err.status_code) == ('InvalidSecurityGroupId.NotFound', 404)


def test_delete_of_a_created_group(client, emu):
    group_id = create(client, vpc_id='vpc-demo-1', security_group_name='short-lived').security_group_id
    delete(client, group_id)
    assert emu.groups(name='short-lived') == []


def test_a_group_with_an_instance_is_not_deleted(client, emu):
    before = emu.group('sg-demo-in-use')
    err = api_error(delete, client, 'sg-demo-in-use')
    assert (err.code, err.status_code) == ('DependencyViolation', 403)
    assert err.data['Message'].startswith('There is still instance(s) in the specified security group.')
    assert 'i-demo-in-use-1' in err.data['Message']
    assert emu.group('sg-demo-in-use') == before and emu.requests()[-1]['applied'] is False


def test_a_referenced_group_is_not_deleted_until_the_reference_goes(client, emu):
    before = emu.group('sg-demo-referenced')
    err = api_error(delete, client, 'sg-demo-referenced')
    assert (err.code, err.status_code) == ('DependencyViolation', 403)
    assert err.data['Message'].startswith('The specified security group has been authorized in another one.')
    assert 'sg-demo-referrer' in err.data['Message']
    assert emu.group('sg-demo-referenced') == before
    (rule,) = emu.rules('sg-demo-referrer', 'ingress')
    client.revoke_security_group(M.RevokeSecurityGroupRequest(
        region_id=REGION, security_group_id='sg-demo-referrer', security_group_rule_id=[rule['rule_id']]))
    delete(client, 'sg-demo-referenced')
    assert emu.group('sg-demo-referenced') is None


def test_the_referring_group_itself_can_be_deleted(client, emu):
    delete(client, 'sg-demo-referrer')
    delete(client, 'sg-demo-referenced')
    assert emu.group('sg-demo-referrer') is None and emu.group('sg-demo-referenced') is None


def test_a_reference_from_another_account_blocks_the_delete(client, emu):
    peer = make_client(emu.endpoint, 'peer')
    peer.authorize_security_group(M.AuthorizeSecurityGroupRequest(
        region_id=REGION, security_group_id='sg-peer-shared', ip_protocol='tcp', port_range='443/443',
        source_group_id='sg-demo-app', source_group_owner_id='1000000000000001'))
    err = api_error(delete, client, 'sg-demo-app')
    assert err.code == 'DependencyViolation' and 'sg-peer-shared' in err.data['Message']
    assert emu.group('sg-demo-app') is not None


@pytest.mark.parametrize('group_id,code,status', [
    ('sg-nowhere', 'InvalidSecurityGroupId.NotFound', 404),
    ('sg-peer-shared', 'InvalidSecurityGroupId.NotFound', 404),
    ('sg-demo-sh', 'InvalidSecurityGroupId.NotFound', 404),
    ('not a group', 'InvalidSecurityGroupId.Malformed', 400),
    ('sg-demo-managed', 'InvalidOperation.ResourceManagedByCloudProduct', 403),
], ids=['unknown', 'other-account', 'other-region', 'malformed', 'managed'])
def test_delete_errors_change_nothing(client, emu, group_id, code, status):
    before = emu.groups()
    err = api_error(delete, client, group_id)
    assert (err.code, err.status_code) == (code, status)
    assert emu.groups() == before


def test_reset_forgets_created_groups_and_restores_deleted_ones(client, emu):
    group_id = create(client, vpc_id='vpc-demo-1', security_group_name='until-reset').security_group_id
    delete(client, 'sg-demo-app')
    emu.reset()
    assert emu.group(group_id) is None and emu.groups(name='until-reset') == []
    assert emu.group('sg-demo-app')['name'] == 'demo-app'


# -- ModifySecurityGroupAttribute and ModifySecurityGroupPolicy --------------------------------------------


def modify_attribute(client_, group_id, **fields):
    return client_.modify_security_group_attribute(M.ModifySecurityGroupAttributeRequest(
        region_id=REGION, security_group_id=group_id, **fields))


def modify_policy(client_, group_id, policy):
    return client_.modify_security_group_policy(M.ModifySecurityGroupPolicyRequest(
        region_id=REGION, security_group_id=group_id, inner_access_policy=policy))


def test_rename_and_describe_again(client, emu):
    modify_attribute(client, 'sg-demo-app', security_group_name='demo-app-renamed', description='renamed group')
    read = attribute(client, 'sg-demo-app')
    assert (read['SecurityGroupName'], read['Description']) == ('demo-app-renamed', 'renamed group')
    assert emu.requests()[-2]['applied'] is True
    modify_attribute(client, 'sg-demo-app', description='only the description')
    assert emu.group('sg-demo-app')['name'] == 'demo-app-renamed'
    modify_attribute(client, 'sg-demo-app', security_group_name='demo-app-renamed')
    assert emu.requests()[-1]['applied'] is False


@pytest.mark.parametrize('fields,code,status', [
    (dict(security_group_name='9lives'), 'InvalidSecurityGroupName.Malformed', 400),
    (dict(description='x' * 257), 'InvalidSecurityGroupDiscription.Malformed', 400),
    (dict(security_group_name='fine', description='https://x'), 'InvalidSecurityGroupDiscription.Malformed', 400),
], ids=['name', 'description-long', 'description-url'])
def test_modify_attribute_errors_change_nothing(client, emu, fields, code, status):
    before = emu.group('sg-demo-app')
    err = api_error(modify_attribute, client, 'sg-demo-app', **fields)
    assert (err.code, err.status_code) == (code, status)
    assert emu.group('sg-demo-app') == before
    if code == 'InvalidSecurityGroupDiscription.Malformed':
        assert err.data['Message'] == 'Specified security group description is not valid.'


def test_managed_group_keeps_its_name(client, emu):
    err = api_error(modify_attribute, client, 'sg-demo-managed', security_group_name='mine-now')
    assert (err.code, err.status_code) == ('InvalidOperation.ResourceManagedByCloudProduct', 403)
    assert emu.group('sg-demo-managed')['name'] == 'demo-managed'


def test_inner_access_policy_round_trip(client, emu):
    modify_policy(client, 'sg-demo-app', 'Drop')
    assert attribute(client, 'sg-demo-app')['InnerAccessPolicy'] == 'Drop'
    modify_policy(client, 'sg-demo-app', 'drop')
    assert emu.requests()[-1]['applied'] is False
    modify_policy(client, 'sg-demo-app', 'ACCEPT')
    assert emu.group('sg-demo-app')['inner_access_policy'] == 'Accept'


@pytest.mark.parametrize('group_id,policy,code,status', [
    ('sg-demo-app', 'allow', 'InvalidPolicy.Malformed', 400),
    ('sg-demo-app', None, 'InvalidPolicy.Malformed', 400),
    ('sg-demo-enterprise', 'Accept', 'InvalidSecurityGroupType.NotSupportEnterprise', 403),
    ('sg-demo-enterprise', 'Drop', 'InvalidSecurityGroupType.NotSupportEnterprise', 403),
    ('sg-demo-managed', 'Drop', 'InvalidOperation.ResourceManagedByCloudProduct', 403),
    ('sg-nowhere', 'Drop', 'InvalidSecurityGroupId.NotFound', 404),
], ids=['unknown-value', 'missing', 'enterprise-accept', 'enterprise-drop', 'managed', 'unknown-group'])
def test_policy_errors_change_nothing(client, emu, group_id, policy, code, status):
    before = emu.groups()
    err = api_error(modify_policy, client, group_id, policy)
    assert (err.code, err.status_code) == (code, status)
    assert emu.groups() == before
    if code == 'InvalidPolicy.Malformed':
        assert err.data['Message'] == "The Policy is invalid. Only 'Accept' and 'Drop' are supported. Ignore case."


# -- enterprise groups --------------------------------------------------------------------------------


def test_enterprise_group_isolates_its_members(client, emu):
    assert attribute(client, 'sg-demo-enterprise')['InnerAccessPolicy'] == 'Drop'
    assert emu.group('sg-demo-enterprise')['type'] == 'enterprise'


def test_enterprise_group_rules_cannot_name_groups(client, emu):
    err = api_error(client.authorize_security_group, M.AuthorizeSecurityGroupRequest(
        region_id=REGION, security_group_id='sg-demo-enterprise', ip_protocol='tcp', port_range='22/22', source_group_id='sg-demo-app'))
    assert (err.code, err.status_code) == ('InvalidSecurityGroupType.NotSupportEnterprise', 403)
    err = api_error(client.authorize_security_group_egress, egress('sg-demo-enterprise', ip_protocol='tcp', port_range='22/22',
                                                                   dest_group_id='sg-demo-app'))
    assert (err.code, err.status_code) == ('InvalidSecurityGroupType.NotSupportEnterprise', 403)
    assert emu.rules('sg-demo-enterprise') == []
    client.authorize_security_group_egress(egress('sg-demo-enterprise', ip_protocol='tcp', port_range='22/22', dest_cidr_ip='10.0.0.0/8'))
    (rule,) = emu.rules('sg-demo-enterprise')
    err = api_error(client.modify_security_group_egress_rule, M.ModifySecurityGroupEgressRuleRequest(
        region_id=REGION, security_group_id='sg-demo-enterprise', security_group_rule_id=rule['rule_id'], dest_group_id='sg-demo-app'))
    assert err.code == 'InvalidSecurityGroupType.NotSupportEnterprise'
    assert emu.rules('sg-demo-enterprise') == [rule]


def test_a_basic_group_may_name_an_enterprise_group(client, emu):
    client.authorize_security_group(M.AuthorizeSecurityGroupRequest(
        region_id=REGION, security_group_id='sg-demo-app', ip_protocol='tcp', port_range='22/22', source_group_id='sg-demo-enterprise'))
    assert emu.rules('sg-demo-app')[0]['source_group_id'] == 'sg-demo-enterprise'


# -- DescribeSecurityGroups and DescribeSecurityGroupAttribute ---------------------------------------------


def described_ids(client_, **fields):
    fields.setdefault('region_id', REGION)
    fields.setdefault('page_size', 50)
    body = client_.describe_security_groups(M.DescribeSecurityGroupsRequest(**fields)).body
    return [group.security_group_id for group in body.security_groups.security_group]


def filter_tags(**tags):
    return [M.DescribeSecurityGroupsRequestTag(key=key, value=value) for key, value in tags.items()]


def test_describe_filters_by_tags_all_of_which_must_match(client):
    assert described_ids(client, tag=filter_tags(env='demo')) == ['sg-demo-tagged']
    assert described_ids(client, tag=filter_tags(env='demo', team='platform')) == ['sg-demo-tagged']
    assert described_ids(client, tag=filter_tags(env='demo', team='other')) == []
    assert described_ids(client, tag=filter_tags(env='prod')) == []
    # A key alone matches any value.
    with_team = [group['id'] for group in fixture_group_entries() if 'team' in (group.get('tags') or {})]
    assert 'sg-demo-tagged' in with_team
    assert described_ids(client, tag=[M.DescribeSecurityGroupsRequestTag(key='team')]) == with_team


def test_describe_filters_by_type_and_resource_group(client):
    assert described_ids(client, security_group_type='enterprise') == ['sg-demo-enterprise']
    assert 'sg-demo-enterprise' not in described_ids(client, security_group_type='normal')
    assert described_ids(client, resource_group_id='rg-demo-1') == ['sg-demo-tagged']


def test_describe_shows_tags_and_the_new_fields(client):
    group = described_group(client, 'sg-demo-tagged')
    assert group['Tags'] == {'Tag': [{'TagKey': 'env', 'TagValue': 'demo'}, {'TagKey': 'team', 'TagValue': 'platform'}]}
    assert (group['ResourceGroupId'], group['SecurityGroupType'], group['ServiceManaged']) == ('rg-demo-1', 'normal', False)
    assert group['CreationTime'] == '2024-01-01T00:00:00Z'
    assert described_group(client, 'sg-demo-web')['Tags'] == {'Tag': []}


def test_describe_tag_value_without_key_is_refused(client):
    err = api_error(client.describe_security_groups, M.DescribeSecurityGroupsRequest(
        region_id=REGION, tag=[M.DescribeSecurityGroupsRequestTag(value='demo')]))
    assert (err.code, err.status_code) == ('InvalidParameter.TagValue', 400)


def test_describe_attribute_has_the_group_attributes(client):
    read = attribute(client, 'sg-demo-referrer')
    assert (read['SecurityGroupId'], read['SecurityGroupName'], read['Description'], read['VpcId'], read['RegionId']) == (
        'sg-demo-referrer', 'demo-referrer', 'refers to sg-demo-referenced', 'vpc-demo-1', REGION)
    (rule,) = describe(client, 'sg-demo-referrer')
    assert (rule['SourceGroupId'], rule['SourceGroupName']) == ('sg-demo-referenced', 'demo-referenced')


# -- admin API ----------------------------------------------------------------------------------------


def test_admin_lists_groups_by_name_across_accounts(client, emu):
    assert [(g['id'], g['vpc_id']) for g in emu.groups(name='demo-dup')] == [('sg-demo-dup-1', 'vpc-demo-1'), ('sg-demo-dup-2', 'vpc-demo-2')]
    make_client(emu.endpoint, 'peer').create_security_group(M.CreateSecurityGroupRequest(
        region_id=REGION, vpc_id='vpc-demo-1', security_group_name='demo-dup'))
    dup = emu.groups(name='demo-dup')
    assert len(dup) == 3 and dup[-1]['account_id'] == '1000000000000002'
    assert set(dup[0]) == {'id', 'name', 'vpc_id', 'type', 'tags', 'account_id', 'region'}
    assert emu.groups(name='no-such-name') == []
    assert {g['id'] for g in emu.groups()} >= {'sg-demo-web', 'sg-peer-shared', 'sg-demo-sh'}


def test_admin_group_detail(emu):
    detail = emu.group('sg-demo-tagged')
    assert detail == {
        'id': 'sg-demo-tagged', 'name': 'demo-tagged', 'vpc_id': 'vpc-demo-1', 'type': 'normal',
        'tags': {'env': 'demo', 'team': 'platform'}, 'account_id': '1000000000000001', 'region': REGION,
        'description': 'a group with two tags', 'inner_access_policy': 'Accept', 'resource_group_id': 'rg-demo-1',
        'service_managed': False, 'create_time': '2024-01-01T00:00:00Z', 'rule_count': 0,
        'members': {'instances': [], 'network_interfaces': []},
    }
    assert emu.group('sg-demo-in-use')['members'] == {'instances': ['i-demo-in-use-1'], 'network_interfaces': []}
    assert emu.group('sg-demo-full')['rule_count'] == 198
    assert emu.group('sg-demo-classic')['vpc_id'] is None
    assert emu.group('sg-nowhere') is None


def test_admin_unknown_group_is_404(emu):
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.build_opener(urllib.request.ProxyHandler({})).open(emu.admin_url + '/groups/sg-nowhere', timeout=10)
    assert info.value.code == 404
