"""STS AssumeRole over TLS: through the real credentials library, hand-signed, and the temporary keys on the ECS API."""

import calendar
import http.client
import json
import os
import ssl
import subprocess
import sys
import time
import uuid
from urllib.parse import urlencode

import pytest

from conftest import REGION, M, acs_date, api_error, make_client, signed_v3
from ecs_emulator import signing
from ecs_emulator.harness import PACKAGE_ROOT, TRUST_VARIABLE, clean_env, credentials, role_arn

from alibabacloud_credentials.client import Client as CredentialsClient  # noqa: E402  pylint: disable=wrong-import-order
from alibabacloud_credentials.exceptions import CredentialException  # noqa: E402  pylint: disable=wrong-import-order
from alibabacloud_credentials.models import Config as CredentialsConfig  # noqa: E402  pylint: disable=wrong-import-order
from alibabacloud_credentials.provider import RamRoleArnCredentialsProvider  # noqa: E402  pylint: disable=wrong-import-order

PEER_ADMIN = role_arn('peer', 'ecs-admin')            # trusts main, at most 7200 s
PEER_AUDITOR = role_arn('peer', 'ecs-auditor')        # trusts main by id, needs the external id, at most 43200 s
MAIN_LOCAL = role_arn('main', 'main-local')           # trusts main only
EXTERNAL_ID = 'demo-external-id-0001'
POLICY = '{"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["ecs:Describe*"], "Resource": "*"}]}'


@pytest.fixture(scope='session')
def trust(emulator):
    """The credentials library trusts the emulator's CA through SSL_CERT_FILE (read when Tea builds its SSL context)."""
    before = os.environ.get(TRUST_VARIABLE)
    os.environ[TRUST_VARIABLE] = emulator.sts_ca_file
    yield emulator.sts_ca_file
    if before is None:
        os.environ.pop(TRUST_VARIABLE, None)
    else:
        os.environ[TRUST_VARIABLE] = before


@pytest.fixture
def sts(emu, trust):  # pylint: disable=unused-argument
    return emu


def library_client(emu, role, key='main', **extra):
    cred = credentials(key)
    options = dict(type='ram_role_arn', access_key_id=cred['access_key_id'], access_key_secret=cred['access_key_secret'],
                   security_token=cred.get('security_token'), role_arn=role, role_session_name='pytest',
                   sts_endpoint=emu.sts_endpoint)
    options.update(extra)
    return CredentialsClient(CredentialsConfig(**options))


def ecs_client(emu, answer_or_credential):
    """An ECS SDK client acting with temporary credentials: an AssumeRole answer or a credentials-library client."""
    if isinstance(answer_or_credential, dict):
        cred = answer_or_credential['Credentials']
        return make_client(emu.endpoint, access_key_id=cred['AccessKeyId'], access_key_secret=cred['AccessKeySecret'],
                           security_token=cred['SecurityToken'])
    return make_client(emu.endpoint, access_key_id=None, access_key_secret=None, security_token=None,
                       credential=answer_or_credential)


def group_ids(client):
    body = client.describe_security_groups(M.DescribeSecurityGroupsRequest(region_id=REGION)).body
    return [g.security_group_id for g in body.security_groups.security_group]


def sts_query(params, caller='main', secret=None, token=None, timestamp=None, nonce=None, version='2015-04-01',
              action='AssumeRole', method='GET'):
    """Every parameter of a hand-signed STS request. `caller` is a key name or {AccessKeyId, AccessKeySecret, SecurityToken}."""
    if isinstance(caller, str):
        cred = credentials(caller)
        key_id, key_secret, key_token = cred['access_key_id'], cred['access_key_secret'], cred.get('security_token')
    else:
        key_id, key_secret, key_token = caller['AccessKeyId'], caller['AccessKeySecret'], caller.get('SecurityToken')
    query = dict(params, Action=action, Format='JSON', Version=version, Timestamp=timestamp or acs_date(),
                 SignatureNonce=nonce or uuid.uuid4().hex, SignatureMethod='HMAC-SHA1', SignatureVersion='1.0',
                 AccessKeyId=key_id)
    token = key_token if token is None else token
    if token:
        query['SecurityToken'] = token
    query['Signature'] = signing.v2_signature(method, query, secret or key_secret)
    return query


def https(emu, method, path, body=b'', headers=None, host=None):
    """(status, headers, parsed JSON body) of one request to the STS listener, trusting only the emulator's CA."""
    address, port = emu.sts_endpoint.rsplit(':', 1)
    context = ssl.create_default_context(cafile=emu.sts_ca_file)
    conn = http.client.HTTPSConnection(host or address, int(port), context=context, timeout=15)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, json.loads(response.read())
    finally:
        conn.close()


def assume(emu, caller='main', method='GET', **params):
    params.setdefault('RoleArn', PEER_ADMIN)
    params.setdefault('RoleSessionName', 'hand-signed')
    params = {k: v for k, v in params.items() if v is not None}
    query = sts_query(params, caller, method=method)
    if method == 'GET':
        return https(emu, 'GET', '/?' + urlencode(query))
    return https(emu, 'POST', '/', urlencode(query).encode(), {'Content-Type': 'application/x-www-form-urlencoded'})


def assumed(emu, caller='main', **params):
    status, dummy, body = assume(emu, caller, **params)
    assert status == 200, body
    return body


# -- the credentials library -------------------------------------------------------------------------------------------

def test_library_client_acts_in_the_roles_account(sts):
    cred = library_client(sts, PEER_ADMIN, policy=POLICY)
    assert cred.get_credential().access_key_id.startswith('STS.')
    client = ecs_client(sts, cred)
    assert group_ids(client) == ['sg-peer-shared']
    client.authorize_security_group_egress(M.AuthorizeSecurityGroupEgressRequest(
        region_id=REGION, security_group_id='sg-peer-shared', ip_protocol='tcp', port_range='443/443',
        dest_cidr_ip='10.9.0.0/16', description='through the role'))
    assert [r['description'] for r in sts.egress_rules('sg-peer-shared')] == ['through the role']
    # Main's groups are not the role's account's.
    err = api_error(client.authorize_security_group_egress, M.AuthorizeSecurityGroupEgressRequest(
        region_id=REGION, security_group_id='sg-demo-app', ip_protocol='tcp', port_range='1/1', dest_cidr_ip='10.0.0.0/8'))
    assert (err.code, err.status_code) == ('InvalidSecurityGroupId.NotFound', 404)
    assert sts.egress_rules('sg-demo-app') == []


def test_provider_with_duration_and_external_id(sts):
    cred = credentials('main')
    provider = RamRoleArnCredentialsProvider(
        access_key_id=cred['access_key_id'], access_key_secret=cred['access_key_secret'], role_arn=PEER_AUDITOR,
        role_session_name='auditor@example.com', duration_seconds=43200, external_id=EXTERNAL_ID,
        sts_endpoint=sts.sts_endpoint)
    temporary = provider.get_credentials()
    lifetime = temporary.get_expiration() - time.time()
    assert 43200 - 120 < lifetime <= 43200 + 5
    client = make_client(sts.endpoint, access_key_id=temporary.get_access_key_id(),
                         access_key_secret=temporary.get_access_key_secret(), security_token=temporary.get_security_token(),
                         signature_algorithm='v2')
    assert group_ids(client) == ['sg-peer-shared']


def test_sts_caller_chains_roles(sts):
    # main-sts is itself a temporary key: it sends its token to STS.
    cred = library_client(sts, MAIN_LOCAL, key='main-sts')
    first = cred.get_credential()
    chained = CredentialsClient(CredentialsConfig(
        type='ram_role_arn', access_key_id=first.access_key_id, access_key_secret=first.access_key_secret,
        security_token=first.security_token, role_arn=PEER_ADMIN, role_session_name='chained',
        sts_endpoint=sts.sts_endpoint))
    assert group_ids(ecs_client(sts, chained)) == ['sg-peer-shared']
    assert group_ids(ecs_client(sts, cred))[0] == 'sg-demo-web'


@pytest.mark.parametrize('role,key,extra,code', [
    (MAIN_LOCAL, 'peer', {}, 'NoPermission'),
    (role_arn('peer', 'nobody'), 'main', {}, 'EntityNotExist.Role'),
    (PEER_AUDITOR, 'main', {}, 'NoPermission'),
    (PEER_ADMIN, 'main', {'role_session_expiration': 7201}, 'InvalidParameter.DurationSeconds'),
    (PEER_ADMIN, 'main', {'policy': '{"Version": "1"}'}, 'InvalidParameter.PolicyGrammar'),
    (PEER_ADMIN, 'main', {'access_key_secret': 'not-the-secret'}, 'SignatureDoesNotMatch'),
])
def test_library_reports_sts_errors(sts, role, key, extra, code):
    with pytest.raises(CredentialException) as info:
        library_client(sts, role, key, **extra).get_credential()
    assert '"Code": "%s"' % code in str(info.value)


# -- the answer --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_answer_shape(sts, method):
    before = int(time.time())
    status, headers, body = assume(sts, method=method, DurationSeconds='1800', RoleSessionName='alice.b@x-y_z')
    assert status == 200 and headers['x-acs-request-id'] == body['RequestId']
    assert set(body) == {'RequestId', 'AssumedRoleUser', 'Credentials'}
    assert body['AssumedRoleUser']['Arn'] == 'acs:ram::1000000000000002:role/ecs-admin/alice.b@x-y_z'
    role_id, session = body['AssumedRoleUser']['AssumedRoleId'].split(':')
    assert role_id.isdigit() and session == 'alice.b@x-y_z'
    cred = body['Credentials']
    assert set(cred) == {'AccessKeyId', 'AccessKeySecret', 'SecurityToken', 'Expiration'}
    assert cred['AccessKeyId'].startswith('STS.') and len(cred['AccessKeySecret']) >= 30 and len(cred['SecurityToken']) > 100
    expires = calendar.timegm(time.strptime(cred['Expiration'], '%Y-%m-%dT%H:%M:%SZ'))
    assert before + 1800 <= expires <= int(time.time()) + 1800
    # Every answer is a new key pair.
    assert assumed(sts)['Credentials']['AccessKeyId'] != cred['AccessKeyId']


def test_defaults_and_limits_that_pass(sts):
    for params in ({}, {'DurationSeconds': '900'}, {'DurationSeconds': '7200'}, {'RoleSessionName': 'ab'},
                   {'RoleSessionName': 'x' * 64}, {'Policy': POLICY}, {'RoleArn': PEER_ADMIN.replace('ecs-admin', 'ECS-Admin')},
                   {'RoleArn': PEER_AUDITOR, 'ExternalId': EXTERNAL_ID, 'DurationSeconds': '43200'},
                   {'RoleArn': PEER_ADMIN, 'ExternalId': 'ignored-without-a-condition'},
                   {'RoleArn': MAIN_LOCAL}):
        body = assumed(sts, **params)
        assert body['Credentials']['AccessKeyId'].startswith('STS.')
    default = assumed(sts)['Credentials']['Expiration']
    lifetime = calendar.timegm(time.strptime(default, '%Y-%m-%dT%H:%M:%SZ')) - time.time()
    assert 3500 < lifetime <= 3600
    # Role names are matched case-insensitively and shown in lower case.
    upper = assumed(sts, RoleArn=PEER_ADMIN.replace('ecs-admin', 'ECS-ADMIN'))
    assert upper['AssumedRoleUser']['Arn'].startswith(PEER_ADMIN + '/')


# -- errors ------------------------------------------------------------------------------------------------------------

PARAMETER_ERRORS = [
    ({'RoleArn': None}, 400, 'InvalidParameter.RoleArn'),
    ({'RoleArn': ''}, 400, 'InvalidParameter.RoleArn'),
    ({'RoleArn': 'acs:ram::abc:role/ecs-admin'}, 400, 'InvalidParameter.RoleArn'),
    ({'RoleArn': 'acs:ram::1000000000000002:user/ecs-admin'}, 400, 'InvalidParameter.RoleArn'),
    ({'RoleArn': 'acs:ram::1000000000000002:role/'}, 400, 'InvalidParameter.RoleArn'),
    ({'RoleArn': 'acs:ram::1000000000000002:role/bad*name'}, 400, 'InvalidParameter.RoleArn'),
    ({'RoleArn': 'acs:ram::1000000000000002:role/' + 'r' * 65}, 400, 'InvalidParameter.RoleArn'),
    ({'RoleSessionName': None}, 400, 'InvalidParameter.RoleSessionName'),
    ({'RoleSessionName': 'a'}, 400, 'InvalidParameter.RoleSessionName'),
    ({'RoleSessionName': 'x' * 65}, 400, 'InvalidParameter.RoleSessionName'),
    ({'RoleSessionName': 'abc*abc'}, 400, 'InvalidParameter.RoleSessionName'),
    ({'RoleSessionName': 'two words'}, 400, 'InvalidParameter.RoleSessionName'),
    ({'DurationSeconds': '899'}, 400, 'InvalidParameter.DurationSeconds'),
    ({'DurationSeconds': '3600.5'}, 400, 'InvalidParameter.DurationSeconds'),
    ({'DurationSeconds': '-900'}, 400, 'InvalidParameter.DurationSeconds'),
    ({'DurationSeconds': '43201'}, 400, 'InvalidParameter.DurationSeconds'),
    ({'DurationSeconds': '7201'}, 400, 'InvalidParameter.DurationSeconds'),
    ({'RoleArn': PEER_AUDITOR, 'ExternalId': EXTERNAL_ID, 'DurationSeconds': '43201'}, 400, 'InvalidParameter.DurationSeconds'),
    ({'Policy': 'not json'}, 400, 'InvalidParameter.PolicyGrammar'),
    ({'Policy': '[]'}, 400, 'InvalidParameter.PolicyGrammar'),
    ({'Policy': '{"Version": "2", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'}, 400,
     'InvalidParameter.PolicyGrammar'),
    ({'Policy': '{"Version": "1", "Statement": []}'}, 400, 'InvalidParameter.PolicyGrammar'),
    ({'Policy': '{"Version": "1", "Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]}'}, 400,
     'InvalidParameter.PolicyGrammar'),
    ({'Policy': '{"Version": "1", "Statement": [{"Effect": "Allow", "Resource": "*"}]}'}, 400, 'InvalidParameter.PolicyGrammar'),
    ({'Policy': '{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}' + ' ' * 2000}, 400,
     'InvalidParameter.PolicySize'),
    ({'RoleArn': PEER_AUDITOR, 'ExternalId': 'a'}, 400, 'InvalidParameter.ExternalId'),
    ({'RoleArn': PEER_AUDITOR, 'ExternalId': 'bad*id'}, 400, 'InvalidParameter.ExternalId'),
    ({'RoleArn': PEER_AUDITOR}, 403, 'NoPermission'),
    ({'RoleArn': PEER_AUDITOR, 'ExternalId': 'demo-external-id-0002'}, 403, 'NoPermission'),
    ({'RoleArn': role_arn('peer', 'nobody')}, 404, 'EntityNotExist.Role'),
    ({'RoleArn': 'acs:ram::1999999999999999:role/ecs-admin'}, 404, 'EntityNotExist.Role'),
]


@pytest.mark.parametrize('params,status,code', PARAMETER_ERRORS)
def test_parameter_errors(sts, params, status, code):
    got_status, headers, body = assume(sts, **params)
    assert (got_status, body['Code']) == (status, code)
    assert set(body) == {'RequestId', 'HostId', 'Code', 'Message', 'Recommend'}
    assert body['HostId'] == 'sts.aliyuncs.com' and headers['x-acs-request-id'] == body['RequestId']
    assert 'product=Sts' in body['Recommend']


def test_documented_messages(sts):
    expected = {
        'InvalidParameter.RoleArn': 'The parameter RoleArn is wrongly formed.',
        'InvalidParameter.RoleSessionName': 'The parameter RoleSessionName is wrongly formed.',
        'InvalidParameter.DurationSeconds': 'The Min/Max value of DurationSeconds is 15min/1hr.',
        'InvalidParameter.PolicyGrammar': 'The parameter Policy has not passed grammar check.',
        'InvalidParameter.PolicySize': 'The size of Policy must be smaller than 2048 bytes.',
        'InvalidParameter.ExternalId': 'The parameter ExternalId is wrongly formed.',
        'NoPermission': 'You are not authorized to do this action. You should be authorized by RAM.',
        'EntityNotExist.Role': 'The specified Role not exists.',
    }
    seen = {}
    for params, dummy, code in PARAMETER_ERRORS:
        seen[code] = assume(sts, **params)[2]['Message']
    assert seen == expected


def test_trust(sts):
    assert assume(sts, 'peer', RoleArn=MAIN_LOCAL)[2]['Code'] == 'NoPermission'
    assert assume(sts, 'peer', RoleArn=PEER_ADMIN)[2]['Code'] == 'NoPermission'  # a role of its own account, not trusting it
    assert assumed(sts, 'main', RoleArn=MAIN_LOCAL)['AssumedRoleUser']['Arn'].startswith(MAIN_LOCAL + '/')


@pytest.mark.parametrize('case,status,code', [
    ('secret', 400, 'SignatureDoesNotMatch'),
    ('tampered', 400, 'SignatureDoesNotMatch'),
    ('unknown-key', 404, 'InvalidAccessKeyId.NotFound'),
    ('stale', 400, 'InvalidTimeStamp.Expired'),
    ('version', 400, 'InvalidVersion'),
    ('action', 404, 'InvalidAction.NotFound'),
    ('no-signature', 400, 'MissingSignature'),
    ('sts-without-token', 400, 'MissingSecurityToken'),
    ('sts-wrong-token', 400, 'InvalidSecurityToken.MismatchWithAccessKey'),
    ('path', 404, 'InvalidAction.NotFound'),
    ('put', 405, 'UnsupportedHTTPMethod'),
])
def test_authentication_errors(sts, case, status, code):
    params = {'RoleArn': PEER_ADMIN, 'RoleSessionName': 'auth'}
    caller = 'main-sts' if case.startswith('sts-') else 'main'
    query = sts_query(params, caller, secret='wrong' if case == 'secret' else None,
                      timestamp=acs_date(-3600) if case == 'stale' else None,
                      version='2014-05-26' if case == 'version' else '2015-04-01',
                      action='GetCallerIdentity' if case == 'action' else 'AssumeRole',
                      token={'sts-without-token': '', 'sts-wrong-token': 'forged'}.get(case))
    if case == 'sts-without-token':
        query.pop('SecurityToken', None)
        query['Signature'] = signing.v2_signature('GET', query, credentials('main-sts')['access_key_secret'])
    if case == 'tampered':
        query['DurationSeconds'] = '1000'
    if case == 'unknown-key':
        query['AccessKeyId'] = 'LTAI5tNobodyKnowsMe'
    if case == 'no-signature':
        query.pop('Signature')
    method, path = {'path': ('GET', '/sts?'), 'put': ('PUT', '/?')}.get(case, ('GET', '/?'))
    got_status, dummy, body = https(sts, method, path + urlencode(query))
    assert (got_status, body['Code']) == (status, code)


def test_acs3_signature_is_accepted_too(sts):
    params = {'RoleArn': PEER_ADMIN, 'RoleSessionName': 'acs3'}
    path, headers = signed_v3(sts.sts_endpoint, 'AssumeRole', params, extra_headers={'x-acs-version': '2015-04-01'})
    status, dummy, body = https(sts, 'POST', path, headers=headers)
    assert status == 200 and body['AssumedRoleUser']['Arn'].endswith('/acs3')
    path, headers = signed_v3(sts.sts_endpoint, 'AssumeRole', params)  # the ECS API's version
    assert https(sts, 'POST', path, headers=headers)[2]['Code'] == 'InvalidVersion'


def test_reused_nonce(sts):
    query = sts_query({'RoleArn': PEER_ADMIN, 'RoleSessionName': 'nonce'}, nonce='fixed-nonce-' + uuid.uuid4().hex)
    assert https(sts, 'GET', '/?' + urlencode(query))[0] == 200
    assert https(sts, 'GET', '/?' + urlencode(query))[2]['Code'] == 'SignatureNonceUsed'


def test_plus_encoded_spaces_are_accepted_only_on_sts(sts):
    # The credentials library signs a space as "+"; the standard %20 form is accepted as well.
    policy = POLICY
    query = sts_query({'RoleArn': PEER_ADMIN, 'RoleSessionName': 'spaces', 'Policy': policy})
    assert https(sts, 'GET', '/?' + urlencode(query))[0] == 200
    query = dict(query, SignatureNonce=uuid.uuid4().hex)
    query['Signature'] = signing.v2_signature('GET', query, credentials('main')['access_key_secret'], form_spaces=True)
    assert https(sts, 'GET', '/?' + urlencode(query))[0] == 200


# -- temporary keys on the ECS API -------------------------------------------------------------------------------------

def test_temporary_keys_need_their_token_on_ecs(sts):
    answer = assumed(sts)
    cred = answer['Credentials']
    for token, code in ((None, 'InvalidSecurityToken.Malformed'), ('forged', 'InvalidSecurityToken.MismatchWithAccessKey')):
        client = make_client(sts.endpoint, access_key_id=cred['AccessKeyId'], access_key_secret=cred['AccessKeySecret'],
                             security_token=token)
        err = api_error(client.describe_security_groups, M.DescribeSecurityGroupsRequest(region_id=REGION))
        assert (err.code, err.status_code) == (code, 400)
    client = make_client(sts.endpoint, access_key_id=cred['AccessKeyId'], access_key_secret='wrong',
                         security_token=cred['SecurityToken'])
    err = api_error(client.describe_security_groups, M.DescribeSecurityGroupsRequest(region_id=REGION))
    assert err.code == 'SignatureDoesNotMatch'


@pytest.mark.parametrize('algorithm', [None, 'v2'])
def test_expiry_follows_the_emulator_clock(sts, algorithm):
    answer = assumed(sts, DurationSeconds='900')
    cred = answer['Credentials']
    extra = {'signature_algorithm': algorithm} if algorithm else {}
    client = make_client(sts.endpoint, access_key_id=cred['AccessKeyId'], access_key_secret=cred['AccessKeySecret'],
                         security_token=cred['SecurityToken'], **extra)
    assert group_ids(client) == ['sg-peer-shared']
    expires = calendar.timegm(time.strptime(cred['Expiration'], '%Y-%m-%dT%H:%M:%SZ'))
    sts.advance_clock(max(0, expires - int(time.time()) - 30))
    assert group_ids(client) == ['sg-peer-shared']
    state = sts.advance_clock(60)
    assert state['now'] >= expires and state['offset_seconds'] >= 60
    err = api_error(client.describe_security_groups, M.DescribeSecurityGroupsRequest(region_id=REGION))
    assert (err.code, err.status_code) == ('InvalidSecurityToken.Expired', 400)
    assert 'Specified SecurityToken is expired.' in err.message
    # Requests signed now are still fresh: only credential lifetimes follow the shifted clock.
    assert group_ids(make_client(sts.endpoint, 'peer')) == ['sg-peer-shared']
    # An expired temporary key cannot assume a role either.
    status, dummy, body = assume(sts, caller=cred, RoleArn=PEER_ADMIN)
    assert (status, body['Code']) == (400, 'InvalidSecurityToken.Expired')
    sts.reset_clock()
    assert group_ids(client) == ['sg-peer-shared']


def test_expiry_through_the_library(sts):
    cred = library_client(sts, PEER_ADMIN)
    client = ecs_client(sts, cred)
    assert group_ids(client) == ['sg-peer-shared']
    sts.advance_clock(3601)
    # The library keeps its credentials until 15 minutes before their expiry by the real clock: the ECS side,
    # whose clock is an hour ahead, refuses them.
    err = api_error(client.describe_security_groups, M.DescribeSecurityGroupsRequest(region_id=REGION))
    assert err.code == 'InvalidSecurityToken.Expired'
    # A new provider assumes the role again, and its credentials live by the shifted clock.
    assert group_ids(ecs_client(sts, library_client(sts, PEER_ADMIN))) == ['sg-peer-shared']


def test_reset_forgets_issued_keys(sts):
    answer = assumed(sts)
    sts.reset()
    err = api_error(ecs_client(sts, answer).describe_security_groups, M.DescribeSecurityGroupsRequest(region_id=REGION))
    assert (err.code, err.status_code) == ('InvalidAccessKeyId.NotFound', 404)


def test_temporary_keys_survive_a_restart(tmp_path, trust):  # pylint: disable=unused-argument
    from ecs_emulator.harness import Emulator  # pylint: disable=import-outside-toplevel
    emu = Emulator(str(tmp_path / 's.sqlite')).start()
    try:
        answer = assumed(emu)
        emu.restart()
        assert group_ids(ecs_client(emu, answer)) == ['sg-peer-shared']
    finally:
        emu.stop()


# -- clock, log, secrets -----------------------------------------------------------------------------------------------

def test_clock_admin_api(sts):
    assert sts.clock()['offset_seconds'] == 0
    assert sts.advance_clock(10)['offset_seconds'] == 10
    assert sts.advance_clock(5)['offset_seconds'] == 15
    for bad in ({'advance_seconds': -1}, {'advance_seconds': 1.5}, {'advance_seconds': '5'}, {}, {'seconds': 5}, []):
        with pytest.raises(RuntimeError) as info:
            sts._admin('POST', '/clock', bad)  # pylint: disable=protected-access
        assert ': 400 ' in str(info.value)
    assert sts.reset_clock()['offset_seconds'] == 0


def test_log_records_sts_calls_without_secrets(sts):
    sts.clear_log()
    answer = assumed(sts, RoleSessionName='logged')
    assume(sts, RoleArn=MAIN_LOCAL, caller='peer')
    library_client(sts, PEER_ADMIN, key='main-sts').get_credential()
    entries = [e for e in sts.requests() if e.get('service') == 'sts']
    assert [(e['action'], e['status'], e['code']) for e in entries] == [
        ('AssumeRole', 200, None), ('AssumeRole', 403, 'NoPermission'), ('AssumeRole', 200, None)]
    assert entries[0]['params']['RoleSessionName'] == 'logged' and entries[0]['access_key_id'] == 'LTAI5tMainDemoKey0001'
    assert entries[0]['write'] is True and entries[0]['applied'] is True and entries[1]['applied'] is False
    assert entries[2]['access_key_id'] == 'STS.MainDemoKey0002'
    assert all(not {'Signature', 'SecurityToken', 'AccessKeyId'} & set(e['params']) for e in entries)
    dump = json.dumps(sts.requests()) + sts.stderr()
    for secret in (answer['Credentials']['AccessKeySecret'], answer['Credentials']['SecurityToken'],
                   'main-demo-secret-0001', 'main-sts-token-0002', 'main-sts-secret-0002'):
        assert secret not in dump


# -- TLS ---------------------------------------------------------------------------------------------------------------

def test_certificate_names(sts):
    assert sts.sts_ca_file and os.path.exists(sts.sts_ca_file)
    assert https(sts, 'GET', '/?' + urlencode(sts_query({'RoleArn': PEER_ADMIN, 'RoleSessionName': 'by-name'})),
                 host='localhost')[0] == 200


def test_plain_http_to_the_sts_port_gets_no_answer(sts):
    address, port = sts.sts_endpoint.rsplit(':', 1)
    conn = http.client.HTTPConnection(address, int(port), timeout=15)
    try:
        with pytest.raises((http.client.HTTPException, OSError)):
            conn.request('GET', '/')
            conn.getresponse()
    finally:
        conn.close()
    # The listener is still serving.
    assert assume(sts)[0] == 200


def test_request_too_large_for_the_parser_gets_an_sts_error(sts):
    # Refused by the HTTP layer before any STS code runs, yet answered in STS's shape, not ECS's.
    status, dummy, body = https(sts, 'GET', '/?Action=AssumeRole&RoleSessionName=' + 'x' * 70000)
    assert status == 414 and body['Code'] == 'RequestTooLarge'
    assert body['HostId'] == 'sts.aliyuncs.com' and 'product=Sts' in body['Recommend']
    assert assume(sts)[0] == 200


PROBE = """
import sys
from alibabacloud_credentials.provider import RamRoleArnCredentialsProvider
provider = RamRoleArnCredentialsProvider(access_key_id=sys.argv[1], access_key_secret=sys.argv[2], role_arn=sys.argv[3],
                                         role_session_name='probe', sts_endpoint=sys.argv[4])
try:
    print('ok ' + provider.get_credentials().get_access_key_id()[:4])
except Exception as exc:  # the library wraps the TLS failure in a RetryError
    print('failed ' + ('CERTIFICATE_VERIFY_FAILED' if 'CERTIFICATE_VERIFY_FAILED' in str(exc) else str(exc)[:200]))
"""


@pytest.mark.parametrize('variable,expected', [
    (None, 'failed CERTIFICATE_VERIFY_FAILED'),
    # Tea sends with Session.send, which skips requests' environment settings: these two have no effect.
    ('REQUESTS_CA_BUNDLE', 'failed CERTIFICATE_VERIFY_FAILED'),
    ('CURL_CA_BUNDLE', 'failed CERTIFICATE_VERIFY_FAILED'),
    # Tea's SSL context is ssl.create_default_context(), whose default verify paths honour SSL_CERT_FILE.
    ('SSL_CERT_FILE', 'ok STS.'),
])
def test_how_the_library_trusts_the_certificate(sts, variable, expected):
    env = {k: v for k, v in clean_env().items() if k not in ('SSL_CERT_FILE', 'SSL_CERT_DIR', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE')}
    if variable:
        env[variable] = sts.sts_ca_file
    cred = credentials('main')
    result = subprocess.run([sys.executable, '-c', PROBE, cred['access_key_id'], cred['access_key_secret'], PEER_ADMIN,
                             sts.sts_endpoint], capture_output=True, env=env, cwd=PACKAGE_ROOT, timeout=60, check=False)
    assert result.stdout.decode().strip() == expected, result.stderr.decode()


# -- without HTTP ------------------------------------------------------------------------------------------------------

def fixture_store(tmp_path, roles, peer_roles=()):
    from ecs_emulator.store import Store  # pylint: disable=import-outside-toplevel
    store = Store(str(tmp_path / 's.sqlite'))
    store.initialise(None)
    store.seed({'regions': [REGION], 'accounts': [
        {'name': 'a', 'account_id': '11', 'account_name': 'a@example.com', 'keys': [], 'roles': list(roles)},
        {'name': 'b', 'account_id': '22', 'account_name': 'b@example.com', 'keys': [], 'roles': list(peer_roles)}]})
    return store


def test_service_without_http(tmp_path):
    from ecs_emulator.clock import Clock  # pylint: disable=import-outside-toplevel
    from ecs_emulator.errors import ApiError  # pylint: disable=import-outside-toplevel
    from ecs_emulator.sts import StsService  # pylint: disable=import-outside-toplevel
    store = fixture_store(tmp_path, [{'name': 'Own'}], [{'name': 'shared', 'trusted_accounts': ['a@example.com', 'b']}])
    clock = Clock()
    service = StsService(store, clock)
    caller_a = {'account_id': '11', 'access_key_id': 'LTAIa'}
    caller_b = {'account_id': '22', 'access_key_id': 'LTAIb'}
    body = service.call('AssumeRole', {'RoleArn': 'acs:ram::11:role/own', 'RoleSessionName': 'me'}, caller_a, 'RID')
    assert body['RequestId'] == 'RID' and body['AssumedRoleUser']['Arn'] == 'acs:ram::11:role/own/me'
    with pytest.raises(ApiError) as info:
        service.call('AssumeRole', {'RoleArn': 'acs:ram::11:role/own', 'RoleSessionName': 'me'}, caller_b, 'RID')
    assert info.value.code == 'NoPermission'
    for caller in (caller_a, caller_b):
        service.call('AssumeRole', {'RoleArn': 'acs:ram::22:role/shared', 'RoleSessionName': 'me'}, caller, 'RID')
    with pytest.raises(ApiError) as info:
        service.call('GetCallerIdentity', {}, caller_a, 'RID')
    assert info.value.code == 'InvalidAction.NotFound'
    # The issued key is a key of the role's account, until its expiry by the clock.
    with store.transaction(write=False) as tx:
        key = tx.access_key(body['Credentials']['AccessKeyId'])
    assert (key['account_id'], key['account_name'], key['name']) == ('11', 'a@example.com', 'Own/me')
    assert key['expires_at'] - clock.now() <= 3600
    clock.advance(3600)
    assert clock.now() >= key['expires_at']


@pytest.mark.parametrize('duration', [900, 3599, 43201, 'long'])
def test_fixture_role_durations_are_checked(tmp_path, duration):
    with pytest.raises(ValueError):
        fixture_store(tmp_path, [{'name': 'r', 'max_session_duration': duration}])


def test_role_arn_helper():
    assert role_arn('peer', 'ecs-admin') == 'acs:ram::1000000000000002:role/ecs-admin'
    assert role_arn('main@example.com', 'x') == role_arn('1000000000000001', 'x') == 'acs:ram::1000000000000001:role/x'
    with pytest.raises(KeyError):
        role_arn('nobody', 'x')


def test_the_admin_api_lists_issued_keys_for_secret_scans(sts):
    answer = assumed(sts, RoleSessionName='scanned')['Credentials']
    listed = [key for key in sts.temporary_keys() if key['access_key_id'] == answer['AccessKeyId']]
    assert [(key['secret'], key['security_token'], key['session_name']) for key in listed] == \
        [(answer['AccessKeySecret'], answer['SecurityToken'], 'scanned')]
    sts.reset()
    assert sts.temporary_keys() == []
