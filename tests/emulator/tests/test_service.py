"""The service called directly, without HTTP or signatures: actions, accounts, client tokens and faults."""

import pytest

from conftest import REGION, api_error_of, service_on
from ecs_emulator.harness import credentials
from ecs_emulator.service import CallReport

MAIN = credentials('main')
PEER = credentials('peer')
RULE = {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-app', 'IpProtocol': 'tcp', 'PortRange': '443/443',
        'DestCidrIp': '10.40.0.0/16'}


@pytest.fixture
def service(tmp_path):
    return service_on(tmp_path)


def egress_permissions(service, group_id='sg-demo-app'):
    body = service.call('DescribeSecurityGroupAttribute', {'RegionId': REGION, 'SecurityGroupId': group_id,
                                                           'Direction': 'egress'}, MAIN)
    return body['Permissions']['Permission']


def test_authorize_then_describe(service):
    report = CallReport()
    body = service.call('AuthorizeSecurityGroupEgress', dict(RULE, Description='direct'), MAIN, 'request-1', report)
    assert body == {'RequestId': 'request-1'}
    assert (report.write, report.applied, report.fault, report.drop_connection) == (True, True, None, False)
    (permission,) = egress_permissions(service)
    assert (permission['IpProtocol'], permission['PortRange'], permission['DestCidrIp'], permission['Description']) == (
        'TCP', '443/443', '10.40.0.0/16', 'direct')


def test_revoke_through_the_service(service):
    service.call('AuthorizeSecurityGroupEgress', RULE, MAIN)
    report = CallReport()
    service.call('RevokeSecurityGroupEgress', dict(RULE, DestCidrIp='10.40.0.0/16', IpProtocol='TCP'), MAIN, report=report)
    assert report.applied and egress_permissions(service) == []


def test_a_request_id_is_made_when_none_is_given(service):
    first = service.call('DescribeSecurityGroups', {'RegionId': REGION}, MAIN)['RequestId']
    second = service.call('DescribeSecurityGroups', {'RegionId': REGION}, MAIN)['RequestId']
    assert first and second and first != second


def test_errors_are_raised_and_change_nothing(service):
    err = api_error_of(service, 'AuthorizeSecurityGroupEgress', dict(RULE, PortRange='0/80'), MAIN)
    assert (err.code, err.status) == ('InvalidIpProtocol.Malformed', 400)
    assert egress_permissions(service) == []


def test_unknown_action(service):
    report = CallReport()
    err = api_error_of(service, 'CreateInstance', {'RegionId': REGION}, MAIN, report=report)
    assert (err.code, err.status, report.write) == ('InvalidAction.NotFound', 404, False)


def test_a_caller_sees_only_its_own_account(service):
    err = api_error_of(service, 'AuthorizeSecurityGroupEgress', RULE, PEER)
    assert (err.code, err.status) == ('InvalidSecurityGroupId.NotFound', 404)
    body = service.call('DescribeSecurityGroups', {'RegionId': REGION}, PEER)
    assert [g['SecurityGroupId'] for g in body['SecurityGroups']['SecurityGroup']] == ['sg-peer-shared']


def test_client_token_replays_the_first_answer(service):
    first = service.call('AuthorizeSecurityGroupEgress', dict(RULE, ClientToken='once'), MAIN, 'request-first')
    service.call('RevokeSecurityGroupEgress', RULE, MAIN)
    report = CallReport()
    again = service.call('AuthorizeSecurityGroupEgress', dict(RULE, ClientToken='once'), MAIN, 'request-again', report)
    assert again == first == {'RequestId': 'request-first'}
    assert report.applied is False and egress_permissions(service) == []
    err = api_error_of(service, 'AuthorizeSecurityGroupEgress', dict(RULE, ClientToken='once', PortRange='444/444'), MAIN)
    assert err.code == 'IdempotentParameterMismatch'


def test_error_faults_stop_the_call(service):
    service.faults.configure({'rules': [{'kind': 'throttle', 'actions': ['AuthorizeSecurityGroupEgress'], 'first': 1}]})
    report = CallReport()
    err = api_error_of(service, 'AuthorizeSecurityGroupEgress', RULE, MAIN, report=report)
    assert (err.code, report.fault, report.write, report.applied) == ('Throttling.User', 'throttle', True, False)
    assert egress_permissions(service) == []
    service.call('AuthorizeSecurityGroupEgress', RULE, MAIN)
    assert len(egress_permissions(service)) == 1


def test_drop_after_write_is_left_to_the_transport(service):
    service.faults.configure({'rules': [{'kind': 'drop_after_write', 'actions': ['*'], 'first': 1}]})
    report = CallReport()
    service.call('AuthorizeSecurityGroupEgress', RULE, MAIN, report=report)
    assert (report.fault, report.applied, report.drop_connection) == ('drop_after_write', True, True)
    assert len(egress_permissions(service)) == 1
