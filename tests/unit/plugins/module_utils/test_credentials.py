# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which credentials the options ask for, and which combinations fail before any call."""

from __future__ import annotations

import pytest

from ansible_collections.alicloud.ecs.plugins.module_utils import _base, _credentials, _sdk
from ansible_collections.alicloud.ecs.plugins.module_utils._credentials import CredentialOptionError, credential_plan

ROLE = 'acs:ram::1000000000000002:role/ecs-admin'
KEYS = dict(access_key_id='LTAI5tExample', access_key_secret='secret')


def test_the_sources_of_credentials():
    assert credential_plan(KEYS).source == 'keys'
    assert credential_plan({}).source == 'chain'
    assert credential_plan(dict(ecs_role_name='ecs-role')).ecs_role_name == 'ecs-role'
    plan = credential_plan(dict(profile='prod', shared_credentials_file='/home/me/.aliyun/config.json'))
    assert (plan.source, plan.profile, plan.credentials_file_format) == ('profile', 'prod', 'json')
    assert credential_plan(dict(shared_credentials_file='/home/me/.alibabacloud/credentials')).credentials_file_format == 'ini'


def test_assume_role_with_defaults_and_in_the_peers_dict_form():
    flat = credential_plan(dict(KEYS, assume_role_arn=ROLE))
    assert flat.assume_role == _credentials.AssumeRole(ROLE, 'alicloud-ecs-ansible', None, None, None)
    assert flat.describe() == 'role %s, assumed with the given AccessKey' % ROLE
    nested = credential_plan(dict(assume_role=dict(role_arn=ROLE, session_name='deploy', session_expiration=1800, policy='{"Version": "1"}')))
    assert nested.assume_role == _credentials.AssumeRole(ROLE, 'deploy', 1800, '{"Version": "1"}', None)
    assert nested.source == 'chain'
    assert credential_plan(dict(ecs_role_name='ecs-role', assume_role_arn=ROLE, sts_endpoint='127.0.0.1:8443')).sts_endpoint == '127.0.0.1:8443'
    # The dictionary's external_id takes the place of the flat one, which may otherwise join the dictionary form.
    both = credential_plan(dict(assume_role=dict(role_arn=ROLE, external_id='from-dict'), assume_role_external_id='flat'))
    assert both.assume_role.external_id == 'from-dict'
    assert credential_plan(dict(assume_role=dict(role_arn=ROLE), assume_role_external_id='flat')).assume_role.external_id == 'flat'


@pytest.mark.parametrize('options, message', [
    (dict(access_key_id='LTAI5tExample'), 'access_key_id and access_key_secret must be given together'),
    (dict(KEYS, ecs_role_name='ecs-role'), 'ecs_role_name: cannot be combined with access_key_id'),
    (dict(KEYS, profile='prod'), 'profile: cannot be combined with access_key_id'),
    (dict(ecs_role_name='ecs-role', shared_credentials_file='/x.json'), 'shared_credentials_file: cannot be combined with ecs_role_name'),
    (dict(security_token='token'), 'security_token: applies only with access_key_id and access_key_secret'),
    (dict(assume_role_arn='arn:aws:iam::1:role/x'), "assume_role_arn: 'arn:aws:iam::1:role/x' is not a RAM role ARN"),
    (dict(assume_role_arn=ROLE, assume_role_session_expiration=60), 'assume_role_session_expiration: 60 is out of range; use 900 to 43200'),
    (dict(assume_role_arn=ROLE, assume_role_session_expiration=50000), 'assume_role_session_expiration: 50000 is out of range'),
    (dict(assume_role_arn=ROLE, assume_role_policy='{not json'), 'assume_role_policy: is not valid JSON'),
    (dict(assume_role_arn=ROLE, assume_role_session_name='a b'), "assume_role_session_name: 'a b' must be 2 to 64"),
    (dict(assume_role_session_name='deploy'), 'assume_role_session_name: applies only with assume_role_arn'),
    (dict(assume_role=dict(role_arn=ROLE), assume_role_arn=ROLE), 'assume_role: cannot be combined with assume_role_arn'),
    (dict(assume_role=dict(session_name='x')), 'assume_role.session_name: applies only with assume_role.role_arn'),
    (dict(assume_role=dict(role_arn=ROLE, session_expiration=10)), 'assume_role.session_expiration: 10 is out of range'),
    (dict(sts_endpoint='sts.aliyuncs.com'), 'sts_endpoint: applies only with assume_role_arn'),
    (dict(assume_role_arn=ROLE, sts_endpoint='http://127.0.0.1:8080'), "sts_endpoint: 'http://127.0.0.1:8080': the credentials library reaches STS over HTTPS"),
    (dict(assume_role_arn=ROLE, sts_endpoint='https://user@sts.aliyuncs.com'), 'sts_endpoint: '),
    (dict(assume_role_arn=ROLE, sts_endpoint='https://sts.aliyuncs.com/path'), 'is not a host name'),
    # Checked as the endpoint option is: no empty query or fragment, no control characters.
    (dict(assume_role_arn=ROLE, sts_endpoint='sts.aliyuncs.com?'), "sts_endpoint: 'sts.aliyuncs.com?' is not a host name"),
    (dict(assume_role_arn=ROLE, sts_endpoint='https://sts.aliyuncs.com/#'), 'sts_endpoint: '),
    (dict(assume_role_arn=ROLE, sts_endpoint='sts.aliyuncs\x00.com'), 'sts_endpoint: '),
    (dict(assume_role_arn=ROLE, assume_role_policy='{"Statement": "%s"}' % ('x' * 2048)),
     'assume_role_policy: is 2065 characters long; STS takes at most 2048'),
])
def test_conflicts_and_mistakes_name_the_options(options, message):
    with pytest.raises(CredentialOptionError) as error:
        credential_plan(options)
    assert message in str(error.value)


def test_the_plan_becomes_the_libraries_providers():
    sdk = _sdk.load()
    providers = sdk.credential_providers
    client = _credentials.build_credential_client(credential_plan(dict(KEYS, security_token='token', assume_role_arn=ROLE,
                                                                       assume_role_external_id='ext', sts_endpoint='127.0.0.1:1')), sdk)
    outer = client.cloud_credential.provider
    assert isinstance(outer, providers.RamRoleArnCredentialsProvider)
    assert isinstance(outer._credentials_provider, providers.StaticSTSCredentialsProvider)  # pylint: disable=protected-access
    for options, kind in ((dict(ecs_role_name='r'), providers.EcsRamRoleCredentialsProvider),
                          (dict(profile='p', shared_credentials_file='/c.json'), providers.CLIProfileCredentialsProvider),
                          (dict(profile='p', shared_credentials_file='/credentials'), providers.ProfileCredentialsProvider),
                          ({}, providers.DefaultCredentialsProvider)):
        assert isinstance(_credentials.build_credential_client(credential_plan(options), sdk).cloud_credential.provider, kind)


def test_an_sts_refusal_becomes_an_api_error_with_stss_code():
    refusal = type('CredentialException', (Exception,), {})(
        'error refreshing credentials from ram_role_arn, http_code: 403, result: {"RequestId": "req-sts", "Code": "NoPermission", '
        '"Message": "You are not authorized to do this action."}')
    error = _base.credential_error('DescribeSecurityGroupAttribute', refusal)
    assert error.as_dict() == dict(action='AssumeRole', code='NoPermission', message='You are not authorized to do this action.',
                                   http_status=403, request_id='req-sts')
    other = _base.credential_error('DescribeSecurityGroups', type('CredentialException', (Exception,), {})('no credentials found'))
    assert (other.action, other.code, other.message) == ('DescribeSecurityGroups', 'CredentialException', 'no credentials found')
