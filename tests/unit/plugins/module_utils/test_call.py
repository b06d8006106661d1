# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The base's ``call``: what is retried, how often, with which delays, and how failures reach the user.

The SDK client is replaced by a scripted one that raises the SDK's own exception classes, so the
mapping is tested against what the SDK really raises, without HTTP.
"""

from __future__ import annotations

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException, ThrottlingException
from darabonba.exceptions import RetryError

from ansible_collections.alicloud.ecs.plugins.module_utils import _base, _waiting


class Failed(Exception):
    """What the fake AnsibleModule raises instead of exiting."""

    def __init__(self, result):
        super().__init__(result['msg'])
        self.result = result


class FakeAnsibleModule:
    def __init__(self, check_mode=False, retries=3, retry_timeout=300):
        self.params = dict(region='cn-hangzhou', retries=retries, retry_timeout=retry_timeout, retry_backoff=1.0, timeout=10)
        self.check_mode = check_mode

    def fail_json(self, **result):
        raise Failed(result)


class ScriptedClient:
    """Plays one outcome per attempt: an exception to raise, or a body to answer."""

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.queries = []

    def call_api(self, params, request, runtime):
        self.queries.append((params.action, dict(request.query)))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return dict(body=outcome)


def base_with(client, **options):
    base = _base.AlicloudEcsModule(FakeAnsibleModule(**options))
    base._client = client  # pylint: disable=protected-access
    return base


@pytest.fixture
def sleeps(clock):
    return clock.sleeps


def throttled(retry_after=None):
    return ThrottlingException(status_code=400, code='Throttling.User', message='Request was denied due to user flow control.',
                               request_id='req-throttled', retry_after=retry_after,
                               data=dict(RequestId='req-throttled', Message='Request was denied due to user flow control.'))


def test_throttling_is_retried_then_the_answer_is_returned_with_every_request_id(sleeps):
    client = ScriptedClient(throttled(), throttled(retry_after=1500), dict(RequestId='req-ok', Answer=1))
    base = base_with(client)
    body = base.call('DescribeSecurityGroupAttribute', dict(SecurityGroupId='sg-1', MaxResults=1000))
    assert body['Answer'] == 1
    assert len(client.queries) == 3 and base.retry_count == 2
    print('attempts=%d retries=%d delays=%s' % (len(client.queries), base.retry_count, sleeps))
    assert 0.5 <= sleeps[0] <= 1.0  # equal jitter on the first backoff step of 1 s
    assert sleeps[1] == 1.5         # the server's x-acs-retry-after, in milliseconds
    # The SDK wants strings; the region is always added.
    assert client.queries[0][1] == dict(SecurityGroupId='sg-1', MaxResults='1000', RegionId='cn-hangzhou')
    assert base.request_ids == ['req-ok']


def test_a_request_error_is_not_retried_and_keeps_code_message_status_and_request_id(sleeps):
    error = ClientException(status_code=404, code='InvalidSecurityGroupId.NotFound', message='The SecurityGroupId provided does not exist.',
                            request_id='req-404', data=dict(RequestId='req-404', Message='The SecurityGroupId provided does not exist.'))
    base = base_with(ScriptedClient(error))
    with pytest.raises(_base.ApiError) as raised:
        base.call('AuthorizeSecurityGroup', dict(SecurityGroupId='sg-1', ClientToken='t'), write=True)
    assert raised.value.as_dict() == dict(action='AuthorizeSecurityGroup', code='InvalidSecurityGroupId.NotFound',
                                          message='The SecurityGroupId provided does not exist.', http_status=404, request_id='req-404')
    assert raised.value.describe() == ('AuthorizeSecurityGroup failed: InvalidSecurityGroupId.NotFound: The SecurityGroupId provided '
                                       'does not exist. (HTTP 404, request id req-404)')
    assert sleeps == [] and base.request_ids == ['req-404']


def test_server_errors_are_retried_until_the_retries_run_out(sleeps):
    outage = ServerException(status_code=503, code='ServiceUnavailable', message='The request has failed due to a temporary failure.',
                             request_id='req-503', data=dict(RequestId='req-503'))
    client = ScriptedClient(*[outage] * 4)
    base = base_with(client, retries=3)
    with pytest.raises(_base.ApiError) as raised:
        base.call('RevokeSecurityGroupEgress', dict(ClientToken='t'), write=True)
    print('attempts=%d sleeps=%d' % (len(client.queries), len(sleeps)))
    assert (len(client.queries), len(sleeps)) == (4, 3)
    assert (raised.value.code, raised.value.status) == ('ServiceUnavailable', 503)
    # Every attempt of a write carries the same ClientToken, so the API applies it at most once.
    assert set(query['ClientToken'] for _action, query in client.queries) == {'t'}


def test_no_answer_at_all_is_a_retried_connection_error(sleeps):
    client = ScriptedClient(RetryError('connection refused'), ConnectionResetError('reset by peer'), dict(RequestId='req-ok'))
    base = base_with(client)
    assert base.call('DescribeSecurityGroups', {}) == dict(RequestId='req-ok')
    assert len(sleeps) == 2
    base = base_with(ScriptedClient(ConnectionRefusedError('refused')), retries=0)
    with pytest.raises(_base.ApiError) as raised:
        base.call('DescribeSecurityGroups', {})
    assert raised.value.code == 'ConnectionError' and raised.value.status is None and raised.value.transport
    assert 'no HTTP answer' in raised.value.describe()


def test_an_unknown_sdk_failure_is_reported_not_retried(sleeps):
    base = base_with(ScriptedClient(ValueError('bad endpoint rule')))
    with pytest.raises(_base.ApiError) as raised:
        base.call('DescribeSecurityGroups', {})
    assert (raised.value.code, str(raised.value)) == ('SdkError', 'ValueError: bad endpoint rule')
    assert sleeps == []


def test_a_write_in_check_mode_is_refused_before_the_client_is_touched():
    client = ScriptedClient()
    base = base_with(client, check_mode=True)
    with pytest.raises(RuntimeError, match='refusing to call AuthorizeSecurityGroupEgress in check mode'):
        base.call('AuthorizeSecurityGroupEgress', {}, write=True)
    assert client.queries == []


def test_fail_api_puts_the_error_and_every_request_id_in_the_result():
    base = base_with(ScriptedClient())
    base.request_ids = ['req-1', 'req-2']
    base.result.update(changed=True, added=['x'])
    error = _base.ApiError('AuthorizeSecurityGroup', 'QuotaExceed.Rule', 'too many', 400, 'req-2')
    with pytest.raises(Failed) as failed:
        base.fail_api(error, note='changes applied before the failure: 0 updated, 1 removed, 0 added')
    result = failed.value.result
    assert result['msg'].endswith('(HTTP 400, request id req-2); changes applied before the failure: 0 updated, 1 removed, 0 added')
    assert result['error']['code'] == 'QuotaExceed.Rule' and result['request_ids'] == ['req-1', 'req-2']
    assert result['changed'] is True and result['added'] == ['x']


def outage():
    return ServerException(status_code=503, code='ServiceUnavailable', message='The request has failed due to a temporary failure.',
                           request_id='req-503', data=dict(RequestId='req-503'))


def test_without_a_retry_count_the_time_budget_decides_how_long_a_call_keeps_trying(clock):
    client = ScriptedClient(*[outage()] * 100)
    base = base_with(client, retries=None, retry_timeout=300)
    with pytest.raises(_base.ApiError) as raised:
        base.call('DescribeSecurityGroups', {})
    waited = sum(clock.sleeps)
    print('attempts=%d waited=%.1fs longest pause=%.1fs' % (len(client.queries), waited, max(clock.sleeps)))
    assert raised.value.code == 'ServiceUnavailable'
    # Minutes of trying, never past the budget, and no pause longer than the cap.
    assert 299.0 <= waited <= 300.0 + 1e-9 and max(clock.sleeps) <= _waiting.MAX_RETRY_DELAY
    assert 15 <= len(client.queries) <= 25


def test_a_retry_after_hint_longer_than_what_remains_is_cut_to_the_budget(clock):
    client = ScriptedClient(throttled(retry_after=20000), throttled(retry_after=20000), dict(RequestId='req-ok'))
    base = base_with(client, retries=None, retry_timeout=25)
    assert base.call('DescribeSecurityGroups', {}) == dict(RequestId='req-ok')
    print('pauses=%s' % clock.sleeps)
    assert clock.sleeps == [20.0, 5.0]


def test_any_throttling_code_is_retried(clock):
    for code in ('Rejected.Throttling', 'Throttling.Api', 'Throttling'):
        error = ClientException(status_code=400, code=code, message='slow down', request_id='req-t', data=dict(RequestId='req-t'))
        client = ScriptedClient(error, dict(RequestId='req-ok'))
        assert base_with(client, retries=None).call('DescribeSecurityGroups', {}) == dict(RequestId='req-ok')
        assert len(client.queries) == 2, code


def test_an_error_after_a_lost_answer_says_so(clock):
    gone = ClientException(status_code=404, code='InvalidSecurityGroupId.NotFound', message='gone', request_id='req-404',
                           data=dict(RequestId='req-404'))
    base = base_with(ScriptedClient(ConnectionResetError('reset by peer'), gone), retries=None)
    with pytest.raises(_base.ApiError) as raised:
        base.call('DeleteSecurityGroup', dict(SecurityGroupId='sg-1'), write=True)
    assert raised.value.code == 'InvalidSecurityGroupId.NotFound' and raised.value.may_have_applied
    base = base_with(ScriptedClient(gone), retries=None)
    with pytest.raises(_base.ApiError) as raised:
        base.call('DeleteSecurityGroup', dict(SecurityGroupId='sg-1'), write=True)
    assert not raised.value.may_have_applied


def test_a_write_that_fails_after_an_unclear_attempt_reports_that_it_may_have_been_applied(clock):
    refused = ClientException(status_code=400, code='InvalidParameter', message='refused', request_id='req-400',
                              data=dict(RequestId='req-400', Message='refused'))
    base = base_with(ScriptedClient(outage(), refused), retries=None)
    with pytest.raises(_base.ApiError) as raised:
        base.call('AuthorizeSecurityGroup', dict(SecurityGroupId='sg-1', ClientToken='t'), write=True)
    assert raised.value.write and raised.value.may_have_applied
    with pytest.raises(Failed) as failed:
        base.fail_api(raised.value)
    print(failed.value.result['msg'])
    assert failed.value.result['changed'] is True and 'may have been applied' in failed.value.result['msg']
    # A read that fails the same way changes nothing.
    base = base_with(ScriptedClient(outage(), refused), retries=None)
    with pytest.raises(_base.ApiError) as raised:
        base.call('DescribeSecurityGroups', {})
    with pytest.raises(Failed) as failed:
        base.fail_api(raised.value)
    assert failed.value.result['changed'] is False
