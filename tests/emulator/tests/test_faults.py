"""Fault injection as a client sees it through the SDK."""

import time

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException, ThrottlingException
from darabonba.exceptions import UnretryableException

from conftest import MAIN_GROUPS, M, REGION, api_error, egress, make_client
from ecs_emulator.harness import EmulatorError

RULE = dict(ip_protocol='tcp', port_range='80/80', dest_cidr_ip='10.0.0.0/8')


def add(client, **extra):
    return client.authorize_security_group_egress(egress(**dict(RULE, **extra)))


@pytest.mark.parametrize('kind,exc_type,code,status', [
    ('throttle', ClientException, 'Throttling.User', 400),
    ('throttle_retry_after', ThrottlingException, 'Throttling.User', 400),
    ('service_unavailable', ServerException, 'ServiceUnavailable', 503),
    ('internal_error', ServerException, 'InternalError', 500),
    ('gress_flow_malformed', ServerException, 'InvalidGressFlow.Malformed', 500),
])
def test_error_faults_do_not_apply(client, emu, kind, exc_type, code, status):
    emu.set_faults({'seed': 1, 'rules': [{'kind': kind, 'actions': ['AuthorizeSecurityGroupEgress'], 'first': 1,
                                          'retry_after_ms': 250}]})
    err = api_error(add, client)
    assert type(err) is exc_type  # pylint: disable=unidiomatic-typecheck
    assert (err.code, err.status_code) == (code, status)
    if kind == 'throttle_retry_after':
        assert err.retry_after == 250
    if kind == 'throttle':
        assert err.data['Message'] == 'Request was denied due to user flow control.'
    if kind == 'internal_error':
        assert err.data['Message'] == 'The request processing has failed due to some unknown error.'
    assert emu.egress_rules('sg-demo-app') == []
    entry = emu.requests()[-1]
    assert (entry['fault'], entry['applied'], entry['write'], entry['code']) == (kind, False, True, code)
    add(client)  # "first": 1 -> only the first matching call fails
    assert len(emu.egress_rules('sg-demo-app')) == 1


def test_faults_match_only_listed_actions(client, emu):
    emu.set_faults({'rules': [{'kind': 'service_unavailable', 'actions': ['RevokeSecurityGroupEgress']}]})
    add(client)
    client.describe_security_group_attribute(M.DescribeSecurityGroupAttributeRequest(region_id=REGION, security_group_id='sg-demo-app'))
    err = api_error(client.revoke_security_group_egress, M.RevokeSecurityGroupEgressRequest(
        region_id=REGION, security_group_id='sg-demo-app', **RULE))
    assert err.code == 'ServiceUnavailable'
    emu.clear_faults()
    client.revoke_security_group_egress(M.RevokeSecurityGroupEgressRequest(region_id=REGION, security_group_id='sg-demo-app', **RULE))
    assert emu.egress_rules('sg-demo-app') == []


def test_latency(client, emu):
    emu.set_faults({'rules': [{'kind': 'latency', 'actions': ['*'], 'latency_ms': 300}]})
    started = time.monotonic()
    add(client)
    assert time.monotonic() - started >= 0.3
    assert len(emu.egress_rules('sg-demo-app')) == 1
    assert emu.requests()[-1]['fault'] == 'latency'


def test_latency_beyond_client_timeout(emu):
    emu.set_faults({'rules': [{'kind': 'latency', 'actions': ['*'], 'latency_ms': 1500}]})
    client = make_client(emu.endpoint, read_timeout=500)
    with pytest.raises(UnretryableException):
        client.describe_security_groups(M.DescribeSecurityGroupsRequest(region_id=REGION))


def test_drop_after_write_commits_and_client_token_retry_applies_once(client, emu):
    emu.set_faults({'rules': [{'kind': 'drop_after_write', 'actions': ['AuthorizeSecurityGroupEgress'], 'first': 1}]})
    with pytest.raises(UnretryableException):
        add(client, client_token='retry-me')
    assert len(emu.egress_rules('sg-demo-app')) == 1  # committed although the client saw no answer
    dropped = emu.requests()[-1]
    assert (dropped['fault'], dropped['applied']) == ('drop_after_write', True)
    answer = add(client, client_token='retry-me')
    assert answer.body.request_id == dropped['request_id']
    assert len(emu.egress_rules('sg-demo-app')) == 1
    assert emu.requests()[-1]['applied'] is False


def test_rate_is_deterministic_per_seed(client, emu):
    def pattern(seed):
        emu.set_faults({'seed': seed, 'rules': [{'kind': 'throttle', 'actions': ['DescribeSecurityGroups'], 'rate': 0.5}]})
        outcome = []
        for dummy in range(16):
            try:
                client.describe_security_groups(M.DescribeSecurityGroupsRequest(region_id=REGION))
                outcome.append(0)
            except ClientException as exc:
                assert exc.code == 'Throttling.User'
                outcome.append(1)
        return outcome

    first, again, other = pattern(42), pattern(42), pattern(7)
    assert first == again
    assert 0 < sum(first) < 16
    assert first != other


def test_rate_and_first_combine(client, emu):
    emu.set_faults({'seed': 3, 'rules': [{'kind': 'internal_error', 'actions': ['*'], 'first': 2, 'rate': 0.0}]})
    for dummy in range(2):
        assert api_error(client.describe_security_groups, M.DescribeSecurityGroupsRequest(region_id=REGION)).code == 'InternalError'
    assert client.describe_security_groups(M.DescribeSecurityGroupsRequest(region_id=REGION)).body.total_count == len(MAIN_GROUPS)


def test_bad_fault_config_is_refused(emu):
    with pytest.raises(EmulatorError):
        emu.set_faults({'rules': [{'kind': 'meteor_strike'}]})
    with pytest.raises(EmulatorError):
        emu.set_faults({'rules': [{'kind': 'throttle', 'rate': 2}]})


@pytest.mark.parametrize('rule,code,status,message', [
    ({'code': 'Rejected.Throttling', 'status': 400}, 'Rejected.Throttling', 400, 'The request failed with Rejected.Throttling.'),
    ({'code': 'Throttling.Api', 'status': 400, 'message': 'Request was denied due to api flow control.'},
     'Throttling.Api', 400, 'Request was denied due to api flow control.'),
    ({'code': 'DependencyViolation', 'status': 403, 'message': 'still in use'}, 'DependencyViolation', 403, 'still in use'),
    ({'code': 'InternalError', 'status': 500}, 'InternalError', 500, 'The request processing has failed due to some unknown error.'),
    ({'code': 'Unknown.Gateway', 'status': 599, 'message': ''}, 'Unknown.Gateway', 599, ''),
], ids=['default-message', 'throttling-api', 'dependency', 'catalogue-message', 'any-status'])
def test_error_fault_answers_what_it_is_told(client, emu, rule, code, status, message):
    emu.set_faults({'rules': [dict(rule, kind='error', actions=['AuthorizeSecurityGroupEgress'], first=1)]})
    err = api_error(add, client)
    assert (err.code, err.status_code, err.data['Message']) == (code, status, message)
    assert emu.egress_rules('sg-demo-app') == []
    entry = emu.requests()[-1]
    assert (entry['fault'], entry['applied'], entry['status'], entry['code']) == ('error', False, status, code)
    add(client)
    assert len(emu.egress_rules('sg-demo-app')) == 1


def test_error_fault_can_fail_deletes_until_it_runs_out(client, emu):
    emu.set_faults({'rules': [{'kind': 'error', 'code': 'DependencyViolation', 'status': 403, 'actions': ['DeleteSecurityGroup'],
                               'first': 2}]})
    request = M.DeleteSecurityGroupRequest(region_id=REGION, security_group_id='sg-demo-app')
    for dummy in range(2):
        err = api_error(client.delete_security_group, request)
        assert (err.code, err.status_code) == ('DependencyViolation', 403)
    client.delete_security_group(request)
    assert emu.group('sg-demo-app') is None


@pytest.mark.parametrize('rule', [
    {},
    {'status': 400},
    {'code': '', 'status': 400},
    {'code': 7, 'status': 400},
    {'code': 'X'},
    {'code': 'X', 'status': 399},
    {'code': 'X', 'status': 600},
    {'code': 'X', 'status': '400'},
    {'code': 'X', 'status': True},
    {'code': 'X', 'status': 400, 'message': 5},
], ids=['nothing', 'no-code', 'empty-code', 'code-not-string', 'no-status', 'status-low', 'status-high', 'status-string',
        'status-bool', 'message-not-string'])
def test_bad_error_faults_are_refused(client, emu, rule):
    emu.set_faults({'rules': [{'kind': 'throttle', 'first': 1}]})
    with pytest.raises(EmulatorError) as info:
        emu.set_faults({'rules': [dict(rule, kind='error')]})
    assert ': 400 ' in str(info.value)
    # The configuration in force is unchanged.
    assert api_error(add, client).code == 'Throttling.User'
