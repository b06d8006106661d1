# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The audit module's settings, account credentials and gate, without Ansible or HTTP."""

from __future__ import annotations

import pytest

from ansible_collections.alicloud.ecs.plugins.module_utils import _audit, _audit_module
from ansible_collections.alicloud.ecs.plugins.module_utils._values import RuleError


def params(**given):
    base = dict(checks=list(_audit.DEFAULT_CHECKS), remote_admin_ports=list(_audit.DEFAULT_REMOTE_ADMIN_PORTS), tolerated_prefix_length=None,
                forbid=None, require=None, regions=None, tags=None, region='cn-hangzhou', accounts=None, security_group_ids=None,
                security_group_names=None, vpc_id=None, max_concurrency=8, access_key_id='id', access_key_secret='secret',
                security_token=None, profile=None, shared_credentials_file=None, ecs_role_name=None, assume_role_arn=None,
                assume_role_session_name=None, assume_role_session_expiration=None, assume_role_policy=None, assume_role_external_id=None,
                assume_role=None, sts_endpoint=None)
    base.update(given)
    return base


def test_without_regions_the_task_region_is_audited_and_regions_replace_it():
    assert _audit_module.parse_settings(params()).regions == ['cn-hangzhou']
    assert _audit_module.parse_settings(params(regions=['cn-shanghai', 'cn-hangzhou', 'cn-shanghai'])).regions == ['cn-shanghai', 'cn-hangzhou']


def test_an_account_that_assumes_a_role_keeps_the_task_keys_and_one_with_keys_replaces_every_source_and_the_role():
    task = params(assume_role_arn='acs:ram::9:role/task', shared_credentials_file='/ci/credentials.ini')
    role = _audit_module.account_credentials(dict(name='prod', assume_role_arn='acs:ram::1:role/audit'), task)
    assert role['assume_role_arn'] == 'acs:ram::1:role/audit' and 'access_key_id' not in role and role['assume_role'] is None
    keys = _audit_module.account_credentials(dict(name='dev', access_key_id='other', access_key_secret='s'), task)
    assert keys['access_key_id'] == 'other' and keys['profile'] is None and keys['security_token'] is None
    # Its own keys are another identity: the task's role is not assumed with them.
    assert keys['assume_role_arn'] is None and keys['assume_role'] is None
    # A profile is read from the task's credentials file unless the element names another.
    profile = _audit_module.account_credentials(dict(name='ops', profile='ops'), task)
    assert profile['shared_credentials_file'] == '/ci/credentials.ini' and profile['access_key_id'] is None
    assert _audit_module.account_credentials(dict(name='same'), task) == {}


@pytest.mark.parametrize('tags, query', [
    (dict(team='web'), {'Tag.1.Key': 'team', 'Tag.1.Value': 'web'}),
    ({'sae.do.not.delete': True}, {'Tag.1.Key': 'sae.do.not.delete', 'Tag.1.Value': 'true'}),
    (dict(team=None, env=3), {'Tag.1.Key': 'env', 'Tag.1.Value': '3', 'Tag.2.Key': 'team'}),
])
def test_tag_filters_send_values_as_the_console_shows_them_and_a_null_value_matches_any(tags, query):
    assert _audit_module.tag_filters(tags) == query


def test_accounts_clash_is_named_with_the_element_before_any_call():
    with pytest.raises(RuleError) as caught:
        _audit_module.parse_settings(params(accounts=[dict(name='x', profile='p', access_key_id='a', access_key_secret='b')]))
    print(caught.value)
    assert str(caught.value).startswith('accounts[0] (x): ')


def test_a_task_sts_endpoint_serves_the_accounts_that_assume_a_role():
    settings = _audit_module.parse_settings(params(sts_endpoint='sts.example.com', accounts=[
        dict(name='own'), dict(name='other', assume_role_arn='acs:ram::2:role/audit')]))
    by_name = dict(settings.accounts)
    assert by_name['own']['sts_endpoint'] is None and by_name['other']['sts_endpoint'] == 'sts.example.com'


def test_the_gate_counts_failed_checks_at_or_above_its_floor():
    findings = [dict(status='fail', severity='medium'), dict(status='fail', severity='high'), dict(status='undetermined', severity='critical'),
                dict(status='fail', severity='low')]
    counted = dict((floor, len(_audit_module.gate_failures(findings, floor))) for floor in _audit_module.FAIL_ON)
    print('failing per floor: %s' % counted)
    assert counted == dict(none=0, any=3, low=3, medium=2, high=1, critical=0)


def test_the_gate_message_names_group_check_and_says_how_many_more():
    finding = dict(account='prod', region='cn-hangzhou', security_group_id='sg-1', security_group_name='web', check='internet_ssh', cis='4.3',
                   severity='high', message='every address of 0.0.0.0/0 reaches tcp port 22 of one instance; change or revoke sgr-9')
    text = _audit_module.gate_message([finding] * 12, 'high')
    print(text)
    assert text.startswith('fail_on=high: 12 findings at that severity or above: prod/cn-hangzhou sg-1 (web): internet_ssh [CIS 4.3] (high)')
    assert text.count('sgr-9') == _audit_module.GATE_LINES and text.endswith('and 2 more (see findings)')
