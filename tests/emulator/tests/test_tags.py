"""TagResources, UntagResources and ListTagResources on security groups, through the real SDK."""

import pytest

from conftest import M, REGION, api_error, make_client


def tag(client_, resource_ids, resource_type='securitygroup', region_id=REGION, **tags):
    return client_.tag_resources(M.TagResourcesRequest(
        region_id=region_id, resource_type=resource_type, resource_id=list(resource_ids),
        tag=[M.TagResourcesRequestTag(key=key, value=value) for key, value in tags.items()]))


def untag(client_, resource_ids, keys=None, all_tags=None, resource_type='securitygroup'):
    return client_.untag_resources(M.UntagResourcesRequest(
        region_id=REGION, resource_type=resource_type, resource_id=list(resource_ids), tag_key=keys, all=all_tags))


def listed(client_, resource_ids=None, tags=None, resource_type='securitygroup'):
    filters = [M.ListTagResourcesRequestTag(key=key, value=value) for key, value in (tags or {}).items()] or None
    body = client_.list_tag_resources(M.ListTagResourcesRequest(
        region_id=REGION, resource_type=resource_type, resource_id=resource_ids, tag=filters)).body.to_map()
    assert body['NextToken'] == ''
    return [(r['ResourceId'], r['ResourceType'], r['TagKey'], r['TagValue']) for r in body['TagResources']['TagResource']]


def test_tag_adds_and_overwrites_in_place(client, emu):
    tag(client, ['sg-demo-tagged', 'sg-demo-app'], team='network', cost='42')
    assert emu.group('sg-demo-tagged')['tags'] == {'env': 'demo', 'team': 'network', 'cost': '42'}
    assert emu.group('sg-demo-app')['tags'] == {'team': 'network', 'cost': '42'}
    assert emu.requests()[-1]['applied'] is True
    assert listed(client, ['sg-demo-tagged']) == [('sg-demo-tagged', 'securitygroup', 'env', 'demo'),
                                                  ('sg-demo-tagged', 'securitygroup', 'team', 'network'),
                                                  ('sg-demo-tagged', 'securitygroup', 'cost', '42')]
    tag(client, ['sg-demo-tagged'], env='demo')
    assert emu.requests()[-1]['applied'] is False


def test_tag_value_may_be_empty(client, emu):
    tag(client, ['sg-demo-app'], marker='')
    assert emu.group('sg-demo-app')['tags'] == {'marker': ''}


def test_untag_keys_all_or_nothing(client, emu):
    untag(client, ['sg-demo-tagged'], keys=['env', 'not-there'])
    assert emu.group('sg-demo-tagged')['tags'] == {'team': 'platform'}
    # Without TagKey.N and All, nothing is removed.
    untag(client, ['sg-demo-tagged'])
    assert emu.group('sg-demo-tagged')['tags'] == {'team': 'platform'} and emu.requests()[-1]['applied'] is False
    # All applies only when no key is named.
    tag(client, ['sg-demo-tagged'], env='back')
    untag(client, ['sg-demo-tagged'], keys=['env'], all_tags=True)
    assert emu.group('sg-demo-tagged')['tags'] == {'team': 'platform'}
    untag(client, ['sg-demo-tagged'], all_tags=True)
    assert emu.group('sg-demo-tagged')['tags'] == {}
    untag(client, ['sg-demo-tagged'], keys=['team'])
    assert emu.requests()[-1]['applied'] is False


def test_list_by_tag_filters(client):
    tag(client, ['sg-demo-app'], env='prod')
    assert {row[0] for row in listed(client, tags={'env': None})} == {'sg-demo-tagged', 'sg-demo-app'}
    assert listed(client, tags={'env': 'prod'}) == [('sg-demo-app', 'securitygroup', 'env', 'prod')]
    assert {row[0] for row in listed(client, tags={'env': 'demo', 'team': 'platform'})} == {'sg-demo-tagged'}
    assert listed(client, tags={'env': 'demo', 'team': 'nobody'}) == []
    # ResourceId.N and Tag.N together: both must hold.
    assert listed(client, ['sg-demo-app'], tags={'env': 'demo'}) == []


def test_list_ignores_ids_of_nothing(client, emu):
    assert listed(client, ['sg-nowhere', 'sg-peer-shared']) == []
    assert listed(client, ['sg-demo-tagged'], resource_type='instance') == []
    peer = make_client(emu.endpoint, 'peer')
    assert listed(peer, ['sg-demo-tagged']) == []


def test_tags_of_a_created_group_are_listed(client):
    group_id = client.create_security_group(M.CreateSecurityGroupRequest(
        region_id=REGION, vpc_id='vpc-demo-1', tag=[M.CreateSecurityGroupRequestTag(key='made', value='by-create')])).body.security_group_id
    assert listed(client, [group_id]) == [(group_id, 'securitygroup', 'made', 'by-create')]


def test_tag_quota_of_20_per_resource_is_checked_before_any_write(client, emu):
    tag(client, ['sg-demo-tagged'], **{'k%02d' % i: 'v' for i in range(18)})
    assert len(emu.group('sg-demo-tagged')['tags']) == 20
    tag(client, ['sg-demo-tagged'], k00='changed')
    before_tagged, before_app = emu.group('sg-demo-tagged'), emu.group('sg-demo-app')
    err = api_error(tag, client, ['sg-demo-app', 'sg-demo-tagged'], one='more')
    assert (err.code, err.status_code) == ('OperationDenied.QuotaExceed', 400)
    assert err.data['Message'] == 'The quota of tags on resource is beyond permitted range.'
    assert (emu.group('sg-demo-tagged'), emu.group('sg-demo-app')) == (before_tagged, before_app)


TAGS = {'env': 'x'}

# (test id, call keyword arguments, code, status)
TAG_ERRORS = [
    ('region-missing', dict(region_id=None), 'MissingParameter.RegionId', 404),
    ('region-unknown', dict(region_id='cn-nowhere'), 'InvalidRegionId.NotFound', 404),
    ('type-missing', dict(resource_type=None), 'MissingParameter.ResourceType', 404),
    ('type-unknown', dict(resource_type='bucket'), 'InvalidResourceType.NotFound', 404),
    ('type-not-a-group', dict(resource_type='instance'), 'InvalidResourceId.NotFound', 404),
    ('ids-missing', dict(resource_ids=[]), 'MissingParameter.ResourceIds', 404),
    ('ids-51', dict(resource_ids=['sg-demo-app'] * 51), 'NumberExceed.ResourceIds', 400),
    ('id-unknown', dict(resource_ids=['sg-demo-app', 'sg-nowhere']), 'InvalidResourceId.NotFound', 404),
    ('id-of-other-account', dict(resource_ids=['sg-peer-shared']), 'InvalidResourceId.NotFound', 404),
    ('id-of-other-region', dict(resource_ids=['sg-demo-sh']), 'InvalidResourceId.NotFound', 404),
    ('tags-missing', dict(tags={}), 'MissingParameter.Tags', 404),
    ('tags-21', dict(tags={'k%d' % i: 'v' for i in range(21)}), 'NumberExceed.Tags', 400),
    ('key-aliyun', dict(tags={'aliyunKey': 'v'}), 'InvalidTagKey.Malformed', 400),
    ('key-acs', dict(tags={'acs:rm:rgId': 'v'}), 'InvalidTagKey.Malformed', 400),
    ('key-url', dict(tags={'http://k': 'v'}), 'InvalidTagKey.Malformed', 400),
    ('key-129', dict(tags={'k' * 129: 'v'}), 'InvalidTagKey.Malformed', 400),
    ('value-url', dict(tags={'k': 'see https://x'}), 'InvalidTagValue.Malformed', 400),
    ('value-129', dict(tags={'k': 'v' * 129}), 'InvalidTagValue.Malformed', 400),
]


@pytest.mark.parametrize('call,code,status', [c[1:] for c in TAG_ERRORS], ids=[c[0] for c in TAG_ERRORS])
def test_tag_errors_change_nothing(client, emu, call, code, status):
    before = emu.groups()
    call = dict(call)
    resource_ids = call.pop('resource_ids', ['sg-demo-app'])
    tags = call.pop('tags', TAGS)
    err = api_error(tag, client, resource_ids, **call, **tags)
    assert (err.code, err.status_code) == (code, status)
    assert err.data['Message'] and '%s' not in err.data['Message']
    assert emu.groups() == before


def test_tag_api_messages_are_its_documents(client):
    err = api_error(tag, client, ['sg-demo-app'], **{'acs:x': 'v'})
    assert err.data['Message'] == 'The specified Tag.n.Key is not valid.'
    err = api_error(tag, client, ['sg-demo-app'], region_id=None, env='x')
    assert err.data['Message'] == 'The parameter - RegionId should not be null'


def test_duplicate_tag_keys_are_refused(client, emu):
    err = api_error(client.tag_resources, M.TagResourcesRequest(
        region_id=REGION, resource_type='securitygroup', resource_id=['sg-demo-app'],
        tag=[M.TagResourcesRequestTag(key='k', value='1'), M.TagResourcesRequestTag(key='k', value='2')]))
    assert (err.code, err.status_code) == ('Duplicate.TagKey', 400)
    assert emu.group('sg-demo-app')['tags'] == {}


@pytest.mark.parametrize('kwargs,code,status', [
    (dict(keys=['k%d' % i for i in range(21)]), 'NumberExceed.Tags', 400),
    (dict(resource_type='bucket', keys=['env']), 'InvalidResourceType.NotFound', 404),
    (dict(resource_type='disk', keys=['env']), 'InvalidResourceId.NotFound', 404),
], ids=['keys-21', 'type-unknown', 'type-not-a-group'])
def test_untag_errors_change_nothing(client, emu, kwargs, code, status):
    err = api_error(untag, client, ['sg-demo-tagged'], **kwargs)
    assert (err.code, err.status_code) == (code, status)
    assert emu.group('sg-demo-tagged')['tags'] == {'env': 'demo', 'team': 'platform'}


def test_untag_unknown_resource_changes_nothing(client, emu):
    err = api_error(untag, client, ['sg-demo-tagged', 'sg-nowhere'], all_tags=True)
    assert (err.code, err.status_code) == ('InvalidResourceId.NotFound', 404)
    assert emu.group('sg-demo-tagged')['tags'] == {'env': 'demo', 'team': 'platform'}


def test_list_errors(client):
    err = api_error(client.list_tag_resources, M.ListTagResourcesRequest(region_id=REGION, resource_type='securitygroup'))
    assert (err.code, err.status_code) == ('MissingParameter.Tags', 404)
    err = api_error(client.list_tag_resources, M.ListTagResourcesRequest(
        region_id=REGION, resource_type='securitygroup', tag=[M.ListTagResourcesRequestTag(value='demo')]))
    assert (err.code, err.status_code) == ('InvalidParameter.TagValue', 400)
    err = api_error(client.list_tag_resources, M.ListTagResourcesRequest(
        region_id=REGION, resource_type='securitygroup', tag_filter=[M.ListTagResourcesRequestTagFilter(tag_key='env*')]))
    assert (err.code, err.status_code) == ('InvalidParameter.TagFilter', 400)
    err = api_error(client.list_tag_resources, M.ListTagResourcesRequest(
        region_id=REGION, resource_type='securitygroup', resource_id=['sg-demo-tagged'], next_token='garbage!'))
    assert (err.code, err.status_code) == ('InvalidNextToken', 400)


# -- the cloud's own tags ------------------------------------------------------------------------------

SYSTEM_TAGS = [('team', 'platform'), ('acs:rm:rgId', 'rg-demo-1'), ('aliyun-managed-by', 'ack'), ('sae.do.not.delete', 'true')]


def test_the_fixture_has_a_group_with_system_tags(client, emu):
    assert listed(client, ['sg-demo-system-tags']) == [('sg-demo-system-tags', 'securitygroup', key, value) for key, value in SYSTEM_TAGS]
    (group,) = client.describe_security_groups(M.DescribeSecurityGroupsRequest(
        region_id=REGION, security_group_id='sg-demo-system-tags')).body.to_map()['SecurityGroups']['SecurityGroup']
    assert [(t['TagKey'], t['TagValue']) for t in group['Tags']['Tag']] == SYSTEM_TAGS
    assert (group['SecurityGroupName'], group['VpcId']) == ('demo-system-tags', 'vpc-demo-1')
    assert emu.group('sg-demo-system-tags')['tags'] == dict(SYSTEM_TAGS)


def test_untag_may_remove_system_keys(client, emu):
    untag(client, ['sg-demo-system-tags'], keys=['acs:rm:rgId', 'aliyun-managed-by'])
    assert emu.group('sg-demo-system-tags')['tags'] == {'team': 'platform', 'sae.do.not.delete': 'true'}
    untag(client, ['sg-demo-system-tags'], all_tags=True)
    assert emu.group('sg-demo-system-tags')['tags'] == {}


@pytest.mark.parametrize('key', ['acs:rm:rgId', 'aliyun-managed-by'])
def test_tag_still_refuses_system_keys(client, emu, key):
    err = api_error(tag, client, ['sg-demo-system-tags'], **{key: 'mine'})
    assert (err.code, err.status_code) == ('InvalidTagKey.Malformed', 400)
    assert emu.group('sg-demo-system-tags')['tags'] == dict(SYSTEM_TAGS)


def test_user_tags_change_beside_system_tags(client, emu):
    tag(client, ['sg-demo-system-tags'], team='network', env='prod')
    assert list(emu.group('sg-demo-system-tags')['tags'].items()) == [
        ('team', 'network'), ('acs:rm:rgId', 'rg-demo-1'), ('aliyun-managed-by', 'ack'), ('sae.do.not.delete', 'true'), ('env', 'prod')]
