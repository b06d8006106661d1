# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Credentials by profile, instance role and the chain, and the options that cannot go together, in real runs."""

from __future__ import annotations

import json

import pytest

from ecs_emulator import harness

GROUP = 'sg-demo-app'
RULE = dict(ip_protocol='tcp', port_range='443/443', dest_cidr_ip='10.0.0.0/8')
# What a task that adds RULE calls: the read, the write, and the read-back that confirms the write.
ADDING = ['DescribeSecurityGroupAttribute', 'AuthorizeSecurityGroupEgress', 'DescribeSecurityGroupAttribute']
# Variables through which a key could reach the module besides the options under test.
KEY_VARIABLES = ('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN',
                 'ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY', 'ALICLOUD_SECURITY_TOKEN')


def without_keys(tmp_path, **extra):
    """An environment in which only the file or role under test can supply credentials, and no lookup leaves loopback."""
    env = dict.fromkeys(KEY_VARIABLES, '')
    env.update(HOME=str(tmp_path), ALIBABA_CLOUD_ECS_METADATA_DISABLED='true', ALIBABA_CLOUD_CLI_PROFILE_DISABLED='false')
    env.update(extra)
    return env


def calls(emulator):
    return [entry['action'] for entry in emulator.requests()]


def cli_config(tmp_path, name='automation', current='other'):
    keys = harness.credentials('main')
    path = tmp_path / 'config.json'
    path.write_text(json.dumps(dict(current=current, profiles=[
        dict(name='other', mode='AK', access_key_id='LTAI5tWrongKey00000', access_key_secret='wrong', region_id='cn-hangzhou'),
        dict(name=name, mode='AK', access_key_id=keys['access_key_id'], access_key_secret=keys['access_key_secret'],
             region_id='cn-hangzhou')])), encoding='utf-8')
    return path


def test_a_named_profile_of_the_aliyun_cli(fresh, runner, tmp_path):
    path = cli_config(tmp_path)
    run = runner.task(dict(security_group_id=GROUP, profile='automation', shared_credentials_file=str(path), **RULE),
                      env=without_keys(tmp_path))
    assert not run.failed, run.output
    assert [entry['access_key_id'] for entry in fresh.requests()] == [harness.credentials('main')['access_key_id']] * len(ADDING)


def test_the_profile_from_the_environment_and_the_default_cli_file(fresh, runner, tmp_path):
    (tmp_path / '.aliyun').mkdir()
    cli_config(tmp_path).rename(tmp_path / '.aliyun' / 'config.json')
    run = runner.task(dict(security_group_id=GROUP, **RULE), env=without_keys(tmp_path, ALICLOUD_PROFILE='automation'))
    assert not run.failed, run.output
    assert calls(fresh) == ADDING


def test_an_ini_credentials_file(fresh, runner, tmp_path):
    keys = harness.credentials('main')
    path = tmp_path / 'credentials'
    path.write_text('[deploy]\ntype = access_key\naccess_key_id = %s\naccess_key_secret = %s\n'
                    % (keys['access_key_id'], keys['access_key_secret']), encoding='utf-8')
    run = runner.task(dict(security_group_id=GROUP, profile='deploy', shared_credentials_file=str(path), **RULE), env=without_keys(tmp_path))
    assert not run.failed, run.output
    assert calls(fresh) == ADDING


def test_a_profile_that_is_not_there_fails_clearly_before_any_call(fresh, runner, tmp_path):
    path = cli_config(tmp_path)
    run = runner.task(dict(security_group_id=GROUP, profile='missing', shared_credentials_file=str(path), **RULE), env=without_keys(tmp_path))
    assert run.failed
    assert run.result['error']['code'] == 'CredentialException' and "'missing'" in run.result['msg']
    assert calls(fresh) == [] and 'Traceback' not in run.output


def test_the_instance_role_is_asked_of_the_metadata_service(fresh, runner, tmp_path):
    # The credentials library offers no documented way to point its metadata client at loopback, so this run
    # switches the metadata service off: the failure shows the instance-role path was taken, without network.
    run = runner.task(dict(security_group_id=GROUP, ecs_role_name='ecs-deploy', **RULE), env=without_keys(tmp_path))
    assert run.failed
    print('instance role without metadata service: %s' % run.result['msg'])
    assert run.result['error']['code'] == 'CredentialException' and 'disabled' in run.result['msg'].lower()
    assert calls(fresh) == [] and 'Traceback' not in run.output


def test_an_oidc_environment_is_not_taken_for_an_assume_role_request(fresh, runner, tmp_path):
    # ALIBABA_CLOUD_ROLE_ARN belongs to the library's OIDC provider: with keys given, it must change nothing.
    run = runner.task(dict(security_group_id=GROUP, **RULE),
                      env=dict(ALIBABA_CLOUD_ROLE_ARN='acs:ram::1000000000000002:role/ecs-admin',
                               ALIBABA_CLOUD_OIDC_PROVIDER_ARN='acs:ram::1000000000000002:oidc-provider/test',
                               ALIBABA_CLOUD_OIDC_TOKEN_FILE=str(tmp_path / 'token')))
    assert not run.failed, run.output
    assert 'AssumeRole' not in calls(fresh) and 'AssumeRoleWithOIDC' not in calls(fresh)
    assert [entry['access_key_id'] for entry in fresh.requests()] == [harness.credentials('main')['access_key_id']] * len(ADDING)


@pytest.mark.parametrize('options, message', [
    (dict(ecs_role_name='ecs-deploy'), 'ecs_role_name: cannot be combined with access_key_id'),
    (dict(profile='automation'), 'profile: cannot be combined with access_key_id'),
    (dict(assume_role_arn='acs:ram::1:role/x', assume_role=dict(role_arn='acs:ram::1:role/x')), 'assume_role: cannot be combined with assume_role_arn'),
    (dict(assume_role_arn='acs:ram::1:role/x', sts_endpoint='http://127.0.0.1:1'), 'sts_endpoint: '),
    (dict(assume_role_arn='role/x'), "assume_role_arn: 'role/x' is not a RAM role ARN"),
])
def test_conflicting_credentials_fail_naming_both_options_before_any_call(fresh, runner, options, message):
    run = runner.task(dict(security_group_id=GROUP, **dict(RULE, **options)))
    assert run.failed and message in run.result['msg'], run.result['msg']
    assert calls(fresh) == [] and 'Traceback' not in run.output


# --- assuming a RAM role --------------------------------------------------------------------------------------

PEER_ADMIN = harness.role_arn('peer', 'ecs-admin')


def through_sts(emulator, **extra):
    """The environment of a run that reaches the emulator's STS listener and trusts its certificate."""
    return dict({harness.TRUST_VARIABLE: emulator.sts_ca_file, 'ALIBABA_CLOUD_STS_ENDPOINT': emulator.sts_endpoint}, **extra)


def test_a_role_of_another_account_changes_that_accounts_group_and_cannot_see_ours(fresh, runner):
    rule = dict(ip_protocol='tcp', port_range='8443/8443', dest_cidr_ip='10.0.0.0/8', description='via assumed role')
    run = runner.task(dict(security_group_id='sg-peer-shared', assume_role_arn=PEER_ADMIN, assume_role_session_name='it-cross-account',
                           **rule), env=through_sts(fresh))
    assert not run.failed, run.output
    assert run.result['changed'] is True
    assert [item['description'] for item in fresh.egress_rules('sg-peer-shared')] == ['via assumed role']
    entries = fresh.requests()
    assert [entry['action'] for entry in entries] == ['AssumeRole'] + ADDING
    issued = [key['access_key_id'] for key in fresh.temporary_keys()]
    # The ECS calls were signed with the role's temporary key, not with account A's.
    assert [entry['access_key_id'] for entry in entries[1:]] == issued * len(ADDING)
    mine = runner.task(dict(security_group_id='sg-demo-web', assume_role_arn=PEER_ADMIN, **rule), env=through_sts(fresh))
    assert mine.failed and mine.result['error']['code'] == 'InvalidSecurityGroupId.NotFound'


@pytest.mark.parametrize('options, code', [
    (dict(assume_role_arn=harness.role_arn('main', 'main-local')), None),
    (dict(assume_role_arn='acs:ram::1000000000000002:role/no-such-role'), 'EntityNotExist.Role'),
    (dict(assume_role_arn=harness.role_arn('peer', 'ecs-auditor')), 'NoPermission'),
    (dict(assume_role_arn=PEER_ADMIN, assume_role_session_expiration=43200), 'InvalidParameter.DurationSeconds'),
])
def test_a_refused_assume_role_fails_with_stss_code_and_no_traceback(fresh, runner, options, code):
    run = runner.task(dict(security_group_id='sg-peer-shared', **dict(RULE, **options)),
                      credentials='peer' if code is None else 'main', env=through_sts(fresh))
    assert run.failed, run.output
    error = run.result['error']
    print('refused: %s' % run.result['msg'])
    assert error['action'] == 'AssumeRole' and error['code'] == (code or 'NoPermission')
    assert error['request_id'] and error['http_status'] in (400, 403, 404)
    assert [entry['action'] for entry in fresh.requests()] == ['AssumeRole']
    assert 'Traceback' not in run.output


def test_the_external_id_a_role_requires(fresh, runner):
    run = runner.task(dict(security_group_id='sg-peer-shared', assume_role_arn=harness.role_arn('peer', 'ecs-auditor'),
                           assume_role_external_id='demo-external-id-0001', **RULE), env=through_sts(fresh))
    assert not run.failed, run.output


def test_expired_temporary_credentials_fail_with_the_apis_code(fresh, runner):
    run = runner.task(dict(security_group_id='sg-peer-shared', assume_role_arn=PEER_ADMIN, **RULE), env=through_sts(fresh))
    assert not run.failed, run.output
    (issued,) = fresh.temporary_keys()
    fresh.advance_clock(3600 + 60)
    expired = runner.task(dict(security_group_id='sg-peer-shared', access_key_id=issued['access_key_id'],
                               access_key_secret=issued['secret'], security_token=issued['security_token'], **RULE))
    assert expired.failed
    print('expired: %s' % expired.result['msg'])
    assert expired.result['error']['code'] == 'InvalidSecurityToken.Expired'
    fresh.reset_clock()


def test_assumed_credentials_never_appear_in_output_at_full_verbosity(fresh, runner):
    keys = harness.credentials('main')
    runs = [runner.task(dict(security_group_id='sg-peer-shared', assume_role_arn=PEER_ADMIN, assume_role_external_id='not-needed-here',
                             **RULE), check=check, diff=True, verbosity=4, env=through_sts(fresh)) for check in (True, False)]
    runs.append(runner.task(dict(security_group_id='sg-demo-web', assume_role_arn=PEER_ADMIN, **RULE), verbosity=4, env=through_sts(fresh)))
    issued = fresh.temporary_keys()
    secrets = [keys['access_key_secret'], 'not-needed-here'] + [key['secret'] for key in issued] + [key['security_token'] for key in issued]
    print('runs=%d issued keys=%d secrets scanned=%d' % (len(runs), len(issued), len(secrets)))
    assert len(issued) == len(runs)
    for run in runs:
        text = run.output + repr(run.results)
        leaked = [secret for secret in secrets if secret in text]
        assert not leaked, [text[max(text.index(secret) - 300, 0):text.index(secret) + 50] for secret in leaked]
    assert not [secret for secret in secrets if secret in repr(fresh.requests())]
