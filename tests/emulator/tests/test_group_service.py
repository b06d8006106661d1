"""Group lifecycle and tags through the service, without HTTP: quotas, fixtures, paging, state files."""

import sqlite3

import pytest

from conftest import REGION, api_error_of, service_on
from ecs_emulator.fixture_file import load_fixture
from ecs_emulator.harness import DEFAULT_FIXTURE, credentials
from ecs_emulator.service import CallReport, Service
from ecs_emulator.store import Store

MAIN = credentials('main')


def fixture_with(**changes_to_main):
    """The default fixture with some keys of the main account replaced (or added)."""
    fixture = load_fixture(DEFAULT_FIXTURE)
    main = next(account for account in fixture['accounts'] if account['name'] == 'main')
    main.update(changes_to_main)
    return fixture


@pytest.fixture
def service(tmp_path):
    return service_on(tmp_path)


def main_group_count(service_, region_id=REGION):
    return service_.call('DescribeSecurityGroups', {'RegionId': region_id}, MAIN)['TotalCount']


def test_quota_counts_the_groups_of_the_account_in_the_region(tmp_path):
    seeded = len([g for g in fixture_with()['accounts'][0]['security_groups'] if g['region'] == REGION])
    main_quota = seeded + 1
    service = service_on(tmp_path, fixture_with(security_group_quota=main_quota))
    assert main_group_count(service) == main_quota - 1
    service.call('CreateSecurityGroup', {'RegionId': REGION, 'VpcId': 'vpc-demo-1'}, MAIN)
    err = api_error_of(service, 'CreateSecurityGroup', {'RegionId': REGION, 'VpcId': 'vpc-demo-1'}, MAIN)
    assert (err.code, err.status, err.message) == ('QuotaExceed.SecurityGroup', 403, 'The maximum number of security groups is reached.')
    assert main_group_count(service) == main_quota
    # Another region has a count of its own; a deleted group frees its place.
    service.call('CreateSecurityGroup', {'RegionId': 'cn-shanghai', 'VpcId': 'vpc-demo-3'}, MAIN)
    service.call('DeleteSecurityGroup', {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-app'}, MAIN)
    service.call('CreateSecurityGroup', {'RegionId': REGION}, MAIN)


def test_default_quota_is_100(service):
    for _count in range(100 - main_group_count(service)):
        service.call('CreateSecurityGroup', {'RegionId': REGION}, MAIN)
    err = api_error_of(service, 'CreateSecurityGroup', {'RegionId': REGION}, MAIN)
    assert err.code == 'QuotaExceed.SecurityGroup'


def test_network_interfaces_hold_a_group_too(tmp_path):
    fixture = fixture_with(network_interfaces=[
        {'id': 'eni-demo-2', 'region': REGION, 'security_group_ids': ['sg-demo-app']},
        {'id': 'eni-demo-1', 'region': REGION, 'security_group_ids': ['sg-demo-app', 'sg-demo-in-use']}])
    service = service_on(tmp_path, fixture)
    err = api_error_of(service, 'DeleteSecurityGroup', {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-app'}, MAIN)
    assert (err.code, err.status) == ('DependencyViolation', 403)
    assert err.message == 'There is still network interface(s) in the specified security group. Network interfaces: eni-demo-1, eni-demo-2.'
    err = api_error_of(service, 'DeleteSecurityGroup', {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-in-use'}, MAIN)
    assert err.message == ('There is still instance(s) in the specified security group. Instances: i-demo-in-use-1. '
                           'Network interfaces: eni-demo-1.')


def test_vpcs_of_fixture_groups_need_no_declaration(tmp_path):
    fixture = fixture_with(vpcs=[])
    fixture['accounts'][0]['security_groups'].append({'id': 'sg-x', 'region': REGION, 'vpc_id': 'vpc-only-in-a-group'})
    service = service_on(tmp_path, fixture)
    body = service.call('CreateSecurityGroup', {'RegionId': REGION, 'VpcId': 'vpc-only-in-a-group'}, MAIN)
    assert body['SecurityGroupId'].startswith('sg-')
    err = api_error_of(service, 'CreateSecurityGroup', {'RegionId': 'cn-shanghai', 'VpcId': 'vpc-only-in-a-group'}, MAIN)
    assert err.code == 'InvalidVpcId.NotFound'


def test_fixture_group_attributes(tmp_path):
    fixture = fixture_with()
    fixture['accounts'][0]['security_groups'].append({
        'id': 'sg-x', 'region': REGION, 'vpc_id': 'vpc-demo-1', 'type': 'normal', 'inner_access_policy': 'Drop',
        'resource_group_id': 'rg-x', 'tags': {'acs:system': 'kept', 'n': 7}})
    service = service_on(tmp_path, fixture)
    read = service.call('DescribeSecurityGroupAttribute', {'RegionId': REGION, 'SecurityGroupId': 'sg-x'}, MAIN)
    assert read['InnerAccessPolicy'] == 'Drop'
    (group,) = service.call('DescribeSecurityGroups', {'RegionId': REGION, 'SecurityGroupId': 'sg-x'}, MAIN)['SecurityGroups']['SecurityGroup']
    # Fixture tags are stored as given: system keys too, values as strings.
    assert group['Tags']['Tag'] == [{'TagKey': 'acs:system', 'TagValue': 'kept'}, {'TagKey': 'n', 'TagValue': '7'}]
    assert group['ResourceGroupId'] == 'rg-x'


def test_new_actions_are_writes_except_the_list(service):
    for action, params in (
            ('CreateSecurityGroup', {'RegionId': REGION}),
            ('ModifySecurityGroupAttribute', {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-app', 'Description': 'changed'}),
            ('ModifySecurityGroupPolicy', {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-app', 'InnerAccessPolicy': 'Drop'}),
            ('TagResources', {'RegionId': REGION, 'ResourceType': 'securitygroup', 'ResourceId.1': 'sg-demo-app', 'Tag.1.Key': 'a'}),
            ('UntagResources', {'RegionId': REGION, 'ResourceType': 'securitygroup', 'ResourceId.1': 'sg-demo-app', 'All': 'true'}),
            ('DeleteSecurityGroup', {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-app'})):
        report = CallReport()
        service.call(action, params, MAIN, report=report)
        assert (report.write, report.applied) == (True, True), action
    report = CallReport()
    service.call('ListTagResources', {'RegionId': REGION, 'ResourceType': 'securitygroup', 'ResourceId.1': 'sg-demo-tagged'}, MAIN,
                 report=report)
    assert (report.write, report.applied) == (False, False)


def test_delete_ignores_a_client_token(service):
    # DeleteSecurityGroupRequest has no ClientToken: one sent anyway is not remembered, so a retry of a
    # delete whose answer was lost finds the group gone.
    params = {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-app', 'ClientToken': 'delete-once'}
    service.call('DeleteSecurityGroup', params, MAIN)
    err = api_error_of(service, 'DeleteSecurityGroup', params, MAIN)
    assert (err.code, err.status) == ('InvalidSecurityGroupId.NotFound', 404)


def test_list_tag_resources_pages(service):
    tags = {'Tag.%d.Key' % i: 'k%02d' % i for i in range(1, 19)}
    service.call('TagResources', dict(tags, RegionId=REGION, ResourceType='securitygroup', **{'ResourceId.1': 'sg-demo-tagged'}), MAIN)
    query = {'RegionId': REGION, 'ResourceType': 'securitygroup', 'ResourceId.1': 'sg-demo-tagged', 'MaxResults': '7'}
    seen, token, pages = [], None, 0
    while True:
        body = service.call('ListTagResources', dict(query, NextToken=token) if token else query, MAIN)
        seen += [row['TagKey'] for row in body['TagResources']['TagResource']]
        pages += 1
        token = body['NextToken']
        if not token:
            break
    assert pages == 3 and seen == ['env', 'team'] + ['k%02d' % i for i in range(1, 19)]
    err = api_error_of(service, 'ListTagResources', dict(query, MaxResults='0'), MAIN)
    assert err.code == 'InvalidParameter.MaxResults'
    assert len(service.call('ListTagResources', dict(query, MaxResults=''), MAIN)['TagResources']['TagResource']) == 20


@pytest.mark.parametrize('value,removed', [('TRUE', True), ('false', False), ('', False)])
def test_untag_all_flag(service, value, removed):
    service.call('UntagResources', {'RegionId': REGION, 'ResourceType': 'securitygroup', 'ResourceId.1': 'sg-demo-tagged',
                                    'All': value}, MAIN)
    read = service.call('ListTagResources', {'RegionId': REGION, 'ResourceType': 'securitygroup',
                                             'ResourceId.1': 'sg-demo-tagged'}, MAIN)['TagResources']['TagResource']
    assert (read == []) is removed


def test_untag_all_flag_must_be_a_boolean(service):
    err = api_error_of(service, 'UntagResources', {'RegionId': REGION, 'ResourceType': 'securitygroup',
                                                   'ResourceId.1': 'sg-demo-tagged', 'All': 'maybe'}, MAIN)
    assert (err.code, err.status) == ('InvalidParameter.All', 400)


def test_legacy_lower_case_tag_parameters(service):
    body = service.call('CreateSecurityGroup', {'RegionId': REGION, 'Tag.1.key': 'old', 'Tag.1.value': 'style'}, MAIN)
    (group,) = service.call('DescribeSecurityGroups', {'RegionId': REGION, 'SecurityGroupId': body['SecurityGroupId']},
                            MAIN)['SecurityGroups']['SecurityGroup']
    assert group['Tags']['Tag'] == [{'TagKey': 'old', 'TagValue': 'style'}]


def test_empty_parameters_are_not_given(service):
    body = service.call('CreateSecurityGroup', {'RegionId': REGION, 'VpcId': '', 'SecurityGroupName': '', 'Description': '',
                                                'SecurityGroupType': '', 'ResourceGroupId': '', 'Tag.1.Key': '', 'Tag.1.Value': ''}, MAIN)
    (group,) = service.call('DescribeSecurityGroups', {'RegionId': REGION, 'SecurityGroupId': body['SecurityGroupId']},
                            MAIN)['SecurityGroups']['SecurityGroup']
    # An empty VpcId is no VpcId: the group goes to the region's default VPC.
    assert (group['VpcId'], group['SecurityGroupName'], group['SecurityGroupType'], group['Tags']) == (
        'vpc-demo-default-hz', '', 'normal', {'Tag': []})
    report = CallReport()
    service.call('ModifySecurityGroupAttribute', {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-web', 'SecurityGroupName': '',
                                                  'Description': ''}, MAIN, report=report)
    assert report.applied is False


def test_a_state_file_of_an_older_layout_is_reseeded(tmp_path):
    path = str(tmp_path / 'old.sqlite')
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('seeded', '2024-01-01T00:00:00Z');
        CREATE TABLE security_groups (group_id TEXT PRIMARY KEY, region_id TEXT NOT NULL, account_id TEXT NOT NULL,
            name TEXT NOT NULL, description TEXT NOT NULL, vpc_id TEXT, service_managed INTEGER NOT NULL,
            group_type TEXT NOT NULL, create_time TEXT NOT NULL, seq INTEGER NOT NULL);
        INSERT INTO security_groups VALUES ('sg-stale', 'cn-hangzhou', '1000000000000001', 'stale', '', NULL, 0, 'normal', 'x', 1);
    """)
    conn.close()
    store = Store(path)
    store.initialise(DEFAULT_FIXTURE)
    service = Service(store)
    body = service.call('DescribeSecurityGroups', {'RegionId': REGION, 'PageSize': '50'}, MAIN)
    ids = [group['SecurityGroupId'] for group in body['SecurityGroups']['SecurityGroup']]
    assert 'sg-stale' not in ids and 'sg-demo-tagged' in ids
    # A state of the current layout is kept as it is.
    service.call('DeleteSecurityGroup', {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-app'}, MAIN)
    Store(path).initialise(DEFAULT_FIXTURE)
    assert api_error_of(service, 'DescribeSecurityGroupAttribute', {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-app'},
                        MAIN).code == 'InvalidSecurityGroupId.NotFound'


# -- ClientToken: only where the request model has one -------------------------------------------------


@pytest.mark.parametrize('action,params', [
    ('ModifySecurityGroupAttribute', {'SecurityGroupId': 'sg-demo-app', 'Description': 'first'}),
    ('TagResources', {'ResourceType': 'securitygroup', 'ResourceId.1': 'sg-demo-app', 'Tag.1.Key': 'first'}),
    ('UntagResources', {'ResourceType': 'securitygroup', 'ResourceId.1': 'sg-demo-tagged', 'TagKey.1': 'env'}),
], ids=['modify-attribute', 'tag', 'untag'])
def test_actions_without_a_client_token_in_their_model_ignore_one(service, action, params):
    params = dict(params, RegionId=REGION, ClientToken='same-token')
    report = CallReport()
    service.call(action, params, MAIN, report=report)
    assert report.applied is True
    # Other parameters with the same token: no IdempotentParameterMismatch, the call is simply made.
    other = {key: (value.replace('first', 'second').replace('env', 'team') if key != 'ClientToken' else value)
             for key, value in params.items()}
    report = CallReport()
    service.call(action, other, MAIN, report=report)
    assert report.applied is True
    # Nor is the token checked: one the other writes refuse is fine here.
    report = CallReport()
    service.call(action, dict(params, ClientToken='t' * 65), MAIN, report=report)


def test_a_token_too_long_is_still_refused_where_the_model_has_one(service):
    for action, params in (('CreateSecurityGroup', {}),
                           ('ModifySecurityGroupPolicy', {'SecurityGroupId': 'sg-demo-app', 'InnerAccessPolicy': 'Drop'})):
        err = api_error_of(service, action, dict(params, RegionId=REGION, ClientToken='t' * 65), MAIN)
        assert err.code == 'InvalidClientToken.ValueNotSupported', action
    err = api_error_of(service, 'DeleteSecurityGroup', {'RegionId': REGION, 'SecurityGroupId': 'sg-nowhere', 'ClientToken': 't' * 65}, MAIN)
    assert err.code == 'InvalidSecurityGroupId.NotFound'


def test_policy_keeps_its_client_token(service):
    params = {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-app', 'InnerAccessPolicy': 'Drop', 'ClientToken': 'policy-once'}
    first = service.call('ModifySecurityGroupPolicy', params, MAIN, request_id='first')
    assert service.call('ModifySecurityGroupPolicy', params, MAIN, request_id='second') == first
    err = api_error_of(service, 'ModifySecurityGroupPolicy', dict(params, InnerAccessPolicy='Accept'), MAIN)
    assert err.code == 'IdempotentParameterMismatch'


# -- default VPCs -------------------------------------------------------------------------------------


def created_vpc(service_, region_id=REGION, account=None, **params):
    account = account or MAIN
    group_id = service_.call('CreateSecurityGroup', dict(params, RegionId=region_id), account)['SecurityGroupId']
    return service_.call('DescribeSecurityGroupAttribute', {'RegionId': region_id, 'SecurityGroupId': group_id}, account)['VpcId']


def test_a_group_without_vpc_goes_to_the_default_vpc_of_its_region(service):
    assert created_vpc(service) == 'vpc-demo-default-hz'
    assert created_vpc(service, 'cn-shanghai') == 'vpc-demo-default-sh'
    assert created_vpc(service, VpcId='') == 'vpc-demo-default-hz'
    # The default VPC is an ordinary VPC for everything else.
    assert created_vpc(service, VpcId='vpc-demo-default-hz') == 'vpc-demo-default-hz'
    assert created_vpc(service, VpcId='vpc-demo-1') == 'vpc-demo-1'


def test_without_a_default_vpc_a_vpc_is_required(service):
    peer = credentials('peer')
    before = main_group_count(service)
    err = api_error_of(service, 'CreateSecurityGroup', {'RegionId': REGION, 'SecurityGroupName': 'no-vpc'}, peer)
    assert (err.code, err.status, err.message) == ('InvalidVpcId.NotFound', 403, 'vpc id must not empty when only support vpc vm.')
    body = service.call('DescribeSecurityGroups', {'RegionId': REGION}, peer)
    assert [g['SecurityGroupId'] for g in body['SecurityGroups']['SecurityGroup']] == ['sg-peer-shared']
    assert main_group_count(service) == before
    # An unknown VpcId is still the 404.
    err = api_error_of(service, 'CreateSecurityGroup', {'RegionId': REGION, 'VpcId': 'vpc-nowhere'}, peer)
    assert (err.code, err.status) == ('InvalidVpcId.NotFound', 404)


def test_classic_groups_come_only_from_the_fixture(service):
    body = service.call('DescribeSecurityGroups', {'RegionId': REGION, 'NetworkType': 'classic'}, MAIN)
    assert [g['SecurityGroupId'] for g in body['SecurityGroups']['SecurityGroup']] == ['sg-demo-classic']
    service.call('CreateSecurityGroup', {'RegionId': REGION}, MAIN)
    assert service.call('DescribeSecurityGroups', {'RegionId': REGION, 'NetworkType': 'classic'}, MAIN)['TotalCount'] == 1


def test_two_default_vpcs_in_one_region_are_refused(tmp_path):
    fixture = load_fixture(DEFAULT_FIXTURE)
    main = next(account for account in fixture['accounts'] if account['name'] == 'main')
    main['vpcs'].append({'id': 'vpc-second-default', 'region': REGION, 'default': True})
    store = Store(str(tmp_path / 'state.sqlite'))
    store.initialise(DEFAULT_FIXTURE)
    with pytest.raises(ValueError) as info:
        store.seed(fixture)
    assert 'two default VPCs' in str(info.value)


def test_fixture_ipv6_rules_stay_as_given(tmp_path):
    fixture = fixture_with()
    fixture['accounts'][0]['security_groups'].append({
        'id': 'sg-x', 'region': REGION, 'vpc_id': 'vpc-demo-1',
        'egress': [{'IpProtocol': 'TCP', 'PortRange': '22/22', 'Ipv6DestCidrIp': '2001:DB8:0:0::/64'}]})
    service = service_on(tmp_path, fixture)
    (permission,) = service.call('DescribeSecurityGroupAttribute', {'RegionId': REGION, 'SecurityGroupId': 'sg-x'},
                                 MAIN)['Permissions']['Permission']
    assert permission['Ipv6DestCidrIp'] == '2001:DB8:0:0::/64'
    # The API's compressed spelling is the same rule.
    report = CallReport()
    service.call('AuthorizeSecurityGroupEgress', {'RegionId': REGION, 'SecurityGroupId': 'sg-x', 'IpProtocol': 'tcp',
                                                  'PortRange': '22/22', 'Ipv6DestCidrIp': '2001:db8::/64'}, MAIN, report=report)
    assert report.applied is False
