# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The endpoint option, retry decisions and delays of the private base."""

from __future__ import annotations

import pytest

from ansible_collections.alicloud.ecs.plugins.module_utils import _base
from ansible_collections.alicloud.ecs.plugins.module_utils._base import ApiError, parse_endpoint
from ansible_collections.alicloud.ecs.plugins.module_utils._waiting import is_transient, retry_delay


@pytest.mark.parametrize('endpoint, expected', [
    ('ecs.cn-hangzhou.aliyuncs.com', ('https', 'ecs.cn-hangzhou.aliyuncs.com')),
    ('https://ecs-vpc.cn-hangzhou.aliyuncs.com/', ('https', 'ecs-vpc.cn-hangzhou.aliyuncs.com')),
    ('http://127.0.0.1:8080', ('http', '127.0.0.1:8080')),
    ('http://[::1]:9000', ('http', '[::1]:9000')),
    ('http://localhost:1', ('http', 'localhost:1')),
    ('  ecs.aliyuncs.com:443  ', ('https', 'ecs.aliyuncs.com:443')),
])
def test_accepted_endpoints(endpoint, expected):
    assert parse_endpoint(endpoint) == expected


@pytest.mark.parametrize('endpoint', [
    'http://[', 'http://[.example.com', 'https://host:99999', 'https://host:0', 'ftp://host', 'https://',
    'https://host/path', 'https://host?x=1', 'https://host#frag', 'http://127.0.0.1#', 'https://host?',
    'http://evil.example@127.0.0.1:80', 'https://user:secret@ecs.aliyuncs.com', 'https://a b', 'ecs.aliyun\ncs.com',
    'ecs.aliyun\tcs.com',
])
def test_malformed_endpoints_name_the_option(endpoint):
    with pytest.raises(ValueError, match='^endpoint: '):
        parse_endpoint(endpoint)


@pytest.mark.parametrize('endpoint', ['http://ecs.aliyuncs.com', 'http://10.0.0.1:80', 'http://[fe80::1]'])
def test_plain_http_only_to_loopback(endpoint):
    with pytest.raises(ValueError, match='loopback'):
        parse_endpoint(endpoint)


@pytest.mark.parametrize('error, retry', [
    (ApiError('A', 'Throttling.User', 'slow down', 400), True),
    # Any code that contains Throttling, as the Terraform provider's NeedRetry matches it.
    (ApiError('A', 'Rejected.Throttling', 'slow down', 400), True),
    (ApiError('A', 'Throttling.Api', 'slow down', 400), True),
    (ApiError('A', 'Request.Throttling', 'slow down', 400), True),
    (ApiError('A', 'ServiceUnavailable', 'later', 503), True),
    (ApiError('A', 'SomethingNew', 'odd', 502), True),
    (ApiError('A', 'InvalidGressFlow.Malformed', 'retry', 500), True),
    (ApiError('A', 'ConnectionError', 'reset', transport=True), True),
    (ApiError('A', 'InvalidSecurityGroupId.NotFound', 'no such group', 404), False),
    (ApiError('A', 'AuthorizationLimitExceed', 'full', 403), False),
    (ApiError('A', 'SignatureDoesNotMatch', 'bad key', 400), False),
])
def test_what_is_retried(error, retry):
    assert is_transient(error) is retry


def test_retry_delay_prefers_the_server_hint_and_caps_it():
    assert retry_delay(1, 1.0, retry_after_ms=250) == 0.25
    assert retry_delay(1, 1.0, retry_after_ms=10 ** 9) == 30.0


def test_retry_delay_grows_with_jitter_within_bounds():
    for attempt in range(1, 8):
        ceiling = min(30.0, 2 ** (attempt - 1))
        delays = [retry_delay(attempt, 1.0) for dummy in range(50)]
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(set(delays)) > 1


def test_infinite_numbers_are_marked_before_ansible_cores_int_check():
    spec = dict(retries=dict(type='int', aliases=['tries']), description=dict(type='str'),
                rules=dict(type='list', elements='dict', options=dict(priority=dict(type='int'))))
    guarded = _base._guard_infinities(dict(tries=float('inf'), description='inf', rules=[dict(priority='-Infinity'), dict(priority=5)]), spec)
    # Marked numbers fail ansible-core's type check with its own message, which names the option; text is left alone.
    assert guarded == dict(tries='inf (infinite)', description='inf', rules=[dict(priority='-Infinity (infinite)'), dict(priority=5)])


def test_an_option_given_by_its_alias_takes_the_options_own_name_before_fallbacks_apply():
    spec = dict(region=dict(type='str', aliases=['region_id', 'alicloud_region']), timeout=dict(type='int'))
    assert _base._prefer_given_aliases(dict(alicloud_region='cn-shanghai', timeout=5), spec) == dict(region='cn-shanghai', timeout=5)
    # The option's own name given, or two aliases at once: left for ansible-core to judge.
    assert _base._prefer_given_aliases(dict(region='a', alicloud_region='b'), spec) == dict(region='a', alicloud_region='b')
    assert _base._prefer_given_aliases(dict(region_id='a', alicloud_region='b'), spec) == dict(region_id='a', alicloud_region='b')
