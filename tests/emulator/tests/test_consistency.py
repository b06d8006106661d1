"""The consistency lag: the read actions see groups as they were `lag_ms` ago, writes see the true state.

Most tests drive the service on a store with a fake clock, so that they are exact and never sleep; a few
go through the admin API and the SDK with the real clock, waiting on conditions with deadlines.
"""

import time

import pytest

from conftest import admin, api_error, api_error_of, M, make_client, REGION, wait_for
from ecs_emulator.harness import DEFAULT_FIXTURE, Emulator, EmulatorError, credentials
from ecs_emulator.service import CallReport, Service
from ecs_emulator.store import HISTORY_SECONDS, Store

MAIN = credentials('main')
LAG_S = 30
NOT_FOUND = ('InvalidSecurityGroupId.NotFound', 404)


class FakeClock:
    def __init__(self):
        self.now = 1_700_000_000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def service(tmp_path, clock):
    store = Store(str(tmp_path / 'state.sqlite'), now=clock)
    store.initialise(DEFAULT_FIXTURE)
    return Service(store)


def lagged(service_, seconds=LAG_S):
    service_.consistency.set(int(seconds * 1000))
    return service_


def attribute(service_, group_id, **params):
    return service_.call('DescribeSecurityGroupAttribute', dict(params, RegionId=REGION, SecurityGroupId=group_id), MAIN)


def listed_ids(service_, **params):
    body = service_.call('DescribeSecurityGroups', dict(params, RegionId=REGION, PageSize='100'), MAIN)
    return [group['SecurityGroupId'] for group in body['SecurityGroups']['SecurityGroup']]


def summary(service_, group_id):
    (group,) = service_.call('DescribeSecurityGroups', {'RegionId': REGION, 'SecurityGroupId': group_id},
                             MAIN)['SecurityGroups']['SecurityGroup']
    return group


def tags_listed(service_, group_id):
    body = service_.call('ListTagResources', {'RegionId': REGION, 'ResourceType': 'securitygroup', 'ResourceId.1': group_id}, MAIN)
    return [(row['TagKey'], row['TagValue']) for row in body['TagResources']['TagResource']]


def not_found(service_, group_id):
    err = api_error_of(service_, 'DescribeSecurityGroupAttribute', {'RegionId': REGION, 'SecurityGroupId': group_id}, MAIN)
    return (err.code, err.status) == NOT_FOUND


def ports(service_, group_id, direction='egress'):
    return sorted(p['PortRange'] for p in attribute(service_, group_id, Direction=direction)['Permissions']['Permission'])


def authorize(service_, group_id, port, report=None):
    return service_.call('AuthorizeSecurityGroupEgress', {'RegionId': REGION, 'SecurityGroupId': group_id, 'IpProtocol': 'tcp',
                                                          'PortRange': '%d/%d' % (port, port), 'DestCidrIp': '10.0.0.0/8'},
                         MAIN, report=report)


def revoke(service_, group_id, port, report=None):
    return service_.call('RevokeSecurityGroupEgress', {'RegionId': REGION, 'SecurityGroupId': group_id, 'IpProtocol': 'tcp',
                                                       'PortRange': '%d/%d' % (port, port), 'DestCidrIp': '10.0.0.0/8'},
                         MAIN, report=report)


# -- through the service, on a fake clock --------------------------------------------------------------


def test_without_a_lag_reads_see_every_write_at_once(service):
    group_id = service.call('CreateSecurityGroup', {'RegionId': REGION}, MAIN)['SecurityGroupId']
    assert attribute(service, group_id)['SecurityGroupId'] == group_id and group_id in listed_ids(service)


def test_a_new_group_is_missing_from_every_read_until_the_lag_has_passed(service, clock):
    lagged(service)
    group_id = service.call('CreateSecurityGroup', {'RegionId': REGION, 'Tag.1.Key': 'made', 'Tag.1.Value': 'now'},
                            MAIN)['SecurityGroupId']
    clock.advance(LAG_S - 1)
    assert not_found(service, group_id)
    assert group_id not in listed_ids(service)
    assert tags_listed(service, group_id) == []
    # Writes see it already: a rule can be added, and the true state has it.
    authorize(service, group_id, 22)
    clock.advance(1)
    assert attribute(service, group_id)['SecurityGroupId'] == group_id
    assert listed_ids(service)[-1] == group_id and tags_listed(service, group_id) == [('made', 'now')]
    # The rule came 29 seconds after the group, so it shows 29 seconds after the group does.
    assert ports(service, group_id) == []
    clock.advance(LAG_S - 2)
    assert ports(service, group_id) == []
    clock.advance(1)
    assert ports(service, group_id) == ['22/22']


def test_a_deleted_group_stays_readable_with_its_rules_and_tags(service, clock):
    lagged(service)
    before = attribute(service, 'sg-demo-tagged')
    service.call('DeleteSecurityGroup', {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-tagged'}, MAIN)
    clock.advance(LAG_S - 1)
    after = attribute(service, 'sg-demo-tagged')
    assert dict(after, RequestId=None) == dict(before, RequestId=None)
    assert 'sg-demo-tagged' in listed_ids(service) and tags_listed(service, 'sg-demo-tagged') == [('env', 'demo'), ('team', 'platform')]
    # The delete acted on the true state: deleting again finds nothing.
    err = api_error_of(service, 'DeleteSecurityGroup', {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-tagged'}, MAIN)
    assert (err.code, err.status) == NOT_FOUND
    clock.advance(1)
    assert not_found(service, 'sg-demo-tagged') and 'sg-demo-tagged' not in listed_ids(service)
    assert tags_listed(service, 'sg-demo-tagged') == []


def test_rules_appear_and_disappear_late_while_writes_see_the_truth(service, clock):
    lagged(service)
    authorize(service, 'sg-demo-app', 80)
    clock.advance(LAG_S)
    assert ports(service, 'sg-demo-app') == ['80/80']
    revoke(service, 'sg-demo-app', 80)
    authorize(service, 'sg-demo-app', 443)
    # The reads still show the revoked rule and not the new one...
    assert ports(service, 'sg-demo-app') == ['80/80']
    # ... but re-adding the new one and revoking the old one again are no-op successes.
    report = CallReport()
    authorize(service, 'sg-demo-app', 443, report)
    assert report.applied is False
    report = CallReport()
    revoke(service, 'sg-demo-app', 80, report)
    assert report.applied is False
    clock.advance(LAG_S)
    assert ports(service, 'sg-demo-app') == ['443/443']


def test_attributes_policy_and_tags_change_late(service, clock):
    lagged(service)
    service.call('ModifySecurityGroupAttribute', {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-tagged',
                                                  'SecurityGroupName': 'renamed', 'Description': 'changed'}, MAIN)
    service.call('ModifySecurityGroupPolicy', {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-tagged', 'InnerAccessPolicy': 'Drop'},
                 MAIN)
    service.call('TagResources', {'RegionId': REGION, 'ResourceType': 'securitygroup', 'ResourceId.1': 'sg-demo-tagged',
                                  'Tag.1.Key': 'env', 'Tag.1.Value': 'prod'}, MAIN)
    service.call('UntagResources', {'RegionId': REGION, 'ResourceType': 'securitygroup', 'ResourceId.1': 'sg-demo-tagged',
                                    'TagKey.1': 'team'}, MAIN)
    clock.advance(LAG_S - 1)
    read = attribute(service, 'sg-demo-tagged')
    assert (read['SecurityGroupName'], read['Description'], read['InnerAccessPolicy']) == ('demo-tagged', 'a group with two tags', 'Accept')
    group = summary(service, 'sg-demo-tagged')
    assert group['SecurityGroupName'] == 'demo-tagged'
    assert group['Tags']['Tag'] == [{'TagKey': 'env', 'TagValue': 'demo'}, {'TagKey': 'team', 'TagValue': 'platform'}]
    # Filters apply to the state the reads see.
    assert listed_ids(service, SecurityGroupName='demo-tagged') == ['sg-demo-tagged']
    assert listed_ids(service, SecurityGroupName='renamed') == []
    assert 'sg-demo-tagged' in listed_ids(service, **{'Tag.1.Key': 'team'})
    tag_query = {'RegionId': REGION, 'ResourceType': 'securitygroup', 'Tag.1.Key': 'env', 'Tag.1.Value': 'prod'}
    assert service.call('ListTagResources', tag_query, MAIN)['TagResources']['TagResource'] == []
    clock.advance(1)
    read = attribute(service, 'sg-demo-tagged')
    assert (read['SecurityGroupName'], read['Description'], read['InnerAccessPolicy']) == ('renamed', 'changed', 'Drop')
    assert tags_listed(service, 'sg-demo-tagged') == [('env', 'prod')]
    assert 'sg-demo-tagged' not in listed_ids(service, **{'Tag.1.Key': 'team'})
    assert [row['ResourceId'] for row in service.call('ListTagResources', tag_query, MAIN)['TagResources']['TagResource']] == ['sg-demo-tagged']


def test_the_rule_limit_counts_the_true_rules(service, clock):
    lagged(service)
    authorize(service, 'sg-demo-full', 1)
    authorize(service, 'sg-demo-full', 2)
    assert summary(service, 'sg-demo-full')['RuleCount'] == 198
    err = api_error_of(service, 'AuthorizeSecurityGroupEgress', {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-full',
                                                                 'IpProtocol': 'tcp', 'PortRange': '3/3', 'DestCidrIp': '10.0.0.0/8'}, MAIN)
    assert err.code == 'AuthorizationLimitExceed'
    clock.advance(LAG_S)
    assert summary(service, 'sg-demo-full')['RuleCount'] == 200


def test_lagged_rules_page_like_the_true_ones(service, clock):
    lagged(service)
    authorize(service, 'sg-demo-full', 1)
    seen, token = [], None
    while True:
        params = {'MaxResults': '50'}
        if token:
            params['NextToken'] = token
        body = attribute(service, 'sg-demo-full', **params)
        seen += [p['SecurityGroupRuleId'] for p in body['Permissions']['Permission']]
        token = body['NextToken']
        if not token:
            break
    assert len(seen) == len(set(seen)) == 198
    clock.advance(LAG_S)
    service.consistency.clear()
    assert [p['SecurityGroupRuleId'] for p in attribute(service, 'sg-demo-full')['Permissions']['Permission']][:198] == seen


def test_fixture_groups_count_as_old(service, clock):
    lagged(service, HISTORY_SECONDS)
    clock.advance(1)
    assert ports(service, 'sg-demo-web') == ['-1/-1', '443/443']
    assert 'sg-demo-system-tags' in listed_ids(service)


def test_history_is_kept_for_ten_minutes_and_longer_lags_read_as_that(service, clock):
    for number in range(12):
        service.call('ModifySecurityGroupAttribute', {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-app',
                                                      'Description': 'edit %02d' % number}, MAIN)
        clock.advance(60)
    # Edits every minute for 12 minutes; the last was a minute ago. Five minutes back:
    lagged(service, 5 * 60)
    assert attribute(service, 'sg-demo-app')['Description'] == 'edit 07'
    # Twenty minutes back reads as ten (the history kept): not the seeded description, nor a pruned edit.
    lagged(service, 20 * 60)
    assert attribute(service, 'sg-demo-app')['Description'] == 'edit 02'


def test_the_lag_must_be_a_whole_number_of_milliseconds(service):
    for bad in (-1, 1.5, '100', True, None):
        with pytest.raises(ValueError):
            service.consistency.set(bad)
    assert service.consistency.lag_ms() == 0


def test_reads_of_other_accounts_and_regions_stay_apart(service, clock):
    lagged(service)
    clock.advance(1)
    peer = credentials('peer')
    body = service.call('DescribeSecurityGroups', {'RegionId': REGION}, peer)
    assert [g['SecurityGroupId'] for g in body['SecurityGroups']['SecurityGroup']] == ['sg-peer-shared']
    assert listed_ids(service, NetworkType='classic') == ['sg-demo-classic']
    sh = service.call('DescribeSecurityGroups', {'RegionId': 'cn-shanghai'}, MAIN)
    assert [g['SecurityGroupId'] for g in sh['SecurityGroups']['SecurityGroup']] == ['sg-demo-sh']
    assert not_found(service, 'sg-peer-shared')


# -- through the admin API and the SDK, on the real clock ------------------------------------------------


def test_admin_routes(emu):
    assert emu.lag() == 0
    assert emu.set_lag(1500) == {'lag_ms': 1500} and emu.lag() == 1500
    for bad in ({'lag_ms': -1}, {'lag_ms': 1.5}, {'lag_ms': '10'}, {'lag_ms': True}, {}, {'lag_ms': 1, 'other': 2}, [1]):
        status, body = admin(emu, 'PUT', '/consistency', bad)
        assert status == 400 and 'error' in body, bad
    assert emu.lag() == 1500
    # Like the faults, the lag outlives a reset.
    emu.reset()
    assert emu.lag() == 1500
    assert emu.clear_lag() == {'lag_ms': 0} and emu.lag() == 0
    with pytest.raises(EmulatorError):
        emu.set_lag(-5)


def visible(client_, group_id):
    try:
        client_.describe_security_group_attribute(M.DescribeSecurityGroupAttributeRequest(region_id=REGION, security_group_id=group_id))
    except Exception as exc:  # pylint: disable=broad-except
        if getattr(exc, 'code', None) == 'InvalidSecurityGroupId.NotFound':
            return False
        raise
    return True


def test_a_created_group_becomes_visible_after_the_lag(client, emu):
    lag_s = 1.0
    emu.set_lag(int(lag_s * 1000))
    started = time.monotonic()
    group_id = client.create_security_group(M.CreateSecurityGroupRequest(region_id=REGION, security_group_name='late')).body.security_group_id
    answered = time.monotonic()
    seen_missing = not visible(client, group_id)
    # The admin API shows the true state at once.
    assert emu.group(group_id)['name'] == 'late'
    appeared = wait_for(lambda: visible(client, group_id))
    if time.monotonic() - answered < lag_s * 0.8:
        assert seen_missing
    assert appeared - started >= lag_s - 0.05


def test_a_deleted_group_stays_visible_for_the_lag(client, emu):
    emu.set_lag(1000)
    started = time.monotonic()
    client.delete_security_group(M.DeleteSecurityGroupRequest(region_id=REGION, security_group_id='sg-demo-app'))
    assert emu.group('sg-demo-app') is None
    gone = wait_for(lambda: not visible(client, 'sg-demo-app'))
    assert gone - started >= 1.0 - 0.05
    err = api_error(client.delete_security_group, M.DeleteSecurityGroupRequest(region_id=REGION, security_group_id='sg-demo-app'))
    assert (err.code, err.status_code) == NOT_FOUND


def test_a_restart_sets_the_lag_back_to_zero(tmp_path):
    with Emulator(str(tmp_path / 's.sqlite'), sts=False) as emu:
        emu.set_lag(60000)
        emu.restart()
        assert emu.lag() == 0
        group_id = make_client(emu.endpoint).create_security_group(M.CreateSecurityGroupRequest(region_id=REGION)).body.security_group_id
        assert visible(make_client(emu.endpoint), group_id)
