"""Authentication (v3, v2, STS), request hygiene, and what the API port does not expose."""

import json
import select
import socket
import time
import uuid
from urllib.parse import urlencode

import pytest

from conftest import MAIN_GROUPS, M, REGION, acs_date, api_error, make_client, raw, signed_v3, v2_params
from ecs_emulator import signing

DESCRIBE = {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-web'}
ADD = {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-app', 'IpProtocol': 'tcp', 'PortRange': '80/80',
       'DestCidrIp': '10.0.0.0/8', 'Description': 'hand signed ~ * space'}


def code_of(response):
    status, _headers, body = response
    return status, json.loads(body.decode('utf-8'))['Code']


def test_hand_signed_v3_request_is_accepted(emu):
    path, headers = signed_v3(emu.endpoint, 'AuthorizeSecurityGroupEgress', ADD)
    status, dummy, body = raw(emu.endpoint, 'POST', path, headers)
    assert status == 200 and set(json.loads(body)) == {'RequestId'}
    assert emu.egress_rules('sg-demo-app')[0]['description'] == 'hand signed ~ * space'


@pytest.mark.parametrize('tamper', ['query-value', 'query-extra', 'action', 'method', 'path', 'body'])
def test_tampered_v3_request_is_rejected(emu, tamper):
    path, headers = signed_v3(emu.endpoint, 'AuthorizeSecurityGroupEgress', ADD)
    method, body = 'POST', b''
    if tamper == 'query-value':
        path = path.replace('10.0.0.0%2F8', '10.0.0.0%2F9')
    elif tamper == 'query-extra':
        path += '&Priority=2'
    elif tamper == 'action':
        headers['x-acs-action'] = 'RevokeSecurityGroupEgress'
    elif tamper == 'method':
        method = 'GET'
    elif tamper == 'path':
        path = '/x/..' + path
    else:
        body = b'Priority=2'
    status, code = code_of(raw(emu.endpoint, method, path, headers, body))
    assert (status, code) in ((400, 'SignatureDoesNotMatch'), (404, 'InvalidAction.NotFound'))
    if tamper != 'path':
        assert code == 'SignatureDoesNotMatch'
    assert emu.egress_rules('sg-demo-app') == []


def test_wrong_secret_via_sdk(emu):
    client = make_client(emu.endpoint, access_key_secret='not-the-secret')
    err = api_error(client.describe_security_group_attribute, M.DescribeSecurityGroupAttributeRequest(**{
        'region_id': REGION, 'security_group_id': 'sg-demo-web'}))
    assert (err.code, err.status_code) == ('SignatureDoesNotMatch', 400)


def test_unknown_access_key(emu):
    client = make_client(emu.endpoint, access_key_id='LTAI5tNobodyKnowsMe')
    err = api_error(client.describe_security_groups, M.DescribeSecurityGroupsRequest(region_id=REGION))
    assert (err.code, err.status_code) == ('InvalidAccessKeyId.NotFound', 404)


@pytest.mark.parametrize('offset', [-16 * 60, 16 * 60])
def test_stale_or_future_date(emu, offset):
    path, headers = signed_v3(emu.endpoint, 'DescribeSecurityGroupAttribute', DESCRIBE, date=acs_date(offset))
    assert code_of(raw(emu.endpoint, 'POST', path, headers)) == (400, 'InvalidTimeStamp.Expired')


def test_date_within_skew_is_fine(emu):
    path, headers = signed_v3(emu.endpoint, 'DescribeSecurityGroupAttribute', DESCRIBE, date=acs_date(-10 * 60))
    assert raw(emu.endpoint, 'POST', path, headers)[0] == 200


def test_reused_nonce(emu):
    nonce = uuid.uuid4().hex
    path, headers = signed_v3(emu.endpoint, 'DescribeSecurityGroupAttribute', DESCRIBE, nonce=nonce)
    assert raw(emu.endpoint, 'POST', path, headers)[0] == 200
    assert code_of(raw(emu.endpoint, 'POST', path, headers)) == (400, 'SignatureNonceUsed')
    # Same nonce, freshly signed with another date: still a replay.
    path, headers = signed_v3(emu.endpoint, 'DescribeSecurityGroupAttribute', DESCRIBE, nonce=nonce, date=acs_date(-5))
    assert code_of(raw(emu.endpoint, 'POST', path, headers)) == (400, 'SignatureNonceUsed')


def test_replayed_write_is_not_applied_twice(emu):
    path, headers = signed_v3(emu.endpoint, 'AuthorizeSecurityGroupEgress', ADD)
    assert raw(emu.endpoint, 'POST', path, headers)[0] == 200
    client = make_client(emu.endpoint)
    client.revoke_security_group_egress(M.RevokeSecurityGroupEgressRequest(
        region_id=REGION, security_group_id='sg-demo-app', ip_protocol='tcp', port_range='80/80', dest_cidr_ip='10.0.0.0/8'))
    assert code_of(raw(emu.endpoint, 'POST', path, headers)) == (400, 'SignatureNonceUsed')
    assert emu.egress_rules('sg-demo-app') == []


def test_content_hash_must_match_body(emu):
    path, headers = signed_v3(emu.endpoint, 'DescribeSecurityGroupAttribute', DESCRIBE)
    headers['x-acs-content-sha256'] = signing.sha256_hex(b'other')
    assert code_of(raw(emu.endpoint, 'POST', path, headers)) == (400, 'SignatureDoesNotMatch')


def test_missing_authorization(emu):
    assert code_of(raw(emu.endpoint, 'POST', '/?' + urlencode(DESCRIBE),
                       {'x-acs-action': 'DescribeSecurityGroupAttribute', 'x-acs-version': '2014-05-26'})) == (
        400, 'MissingSignature')


def test_unsigned_date_header_is_incomplete(emu):
    path, headers = signed_v3(emu.endpoint, 'DescribeSecurityGroupAttribute', DESCRIBE)
    headers['authorization'] = headers['authorization'].replace('x-acs-date;', '')
    assert code_of(raw(emu.endpoint, 'POST', path, headers)) == (400, 'IncompleteSignature')


def test_unknown_action(emu):
    path, headers = signed_v3(emu.endpoint, 'CreateInstance', {'RegionId': REGION})
    assert code_of(raw(emu.endpoint, 'POST', path, headers)) == (404, 'InvalidAction.NotFound')


def test_wrong_version(emu):
    path, headers = signed_v3(emu.endpoint, 'DescribeSecurityGroups', {'RegionId': REGION},
                              extra_headers={'x-acs-version': '2016-03-14'})
    assert code_of(raw(emu.endpoint, 'POST', path, headers)) == (400, 'InvalidVersion')


def test_v2_sdk_signature_accepted(emu):
    client = make_client(emu.endpoint, signature_algorithm='v2')
    client.authorize_security_group_egress(M.AuthorizeSecurityGroupEgressRequest(
        region_id=REGION, security_group_id='sg-demo-app', ip_protocol='udp', port_range='53/53', dest_cidr_ip='10.0.0.2',
        description='v2 a+b c'))
    (row,) = emu.egress_rules('sg-demo-app')
    assert row['description'] == 'v2 a+b c'
    assert emu.requests()[-1]['action'] == 'AuthorizeSecurityGroupEgress'


def test_v2_hand_signed_in_form_body(emu):
    body = urlencode(v2_params('AuthorizeSecurityGroupEgress', ADD)).encode()
    status = raw(emu.endpoint, 'POST', '/', {'content-type': 'application/x-www-form-urlencoded'}, body)[0]
    assert status == 200 and len(emu.egress_rules('sg-demo-app')) == 1


@pytest.mark.parametrize('tamper', ['value', 'secret', 'stale', 'nonce'])
def test_v2_rejections(emu, tamper):
    query = v2_params('DescribeSecurityGroupAttribute', DESCRIBE,
                      secret='wrong' if tamper == 'secret' else None,
                      timestamp=acs_date(-3600) if tamper == 'stale' else None)
    if tamper == 'value':
        query['SecurityGroupId'] = 'sg-demo-db'
    expected = {'value': 'SignatureDoesNotMatch', 'secret': 'SignatureDoesNotMatch', 'stale': 'InvalidTimeStamp.Expired',
                'nonce': 'SignatureNonceUsed'}[tamper]
    if tamper == 'nonce':
        assert raw(emu.endpoint, 'POST', '/?' + urlencode(query))[0] == 200
    assert code_of(raw(emu.endpoint, 'POST', '/?' + urlencode(query))) == (400, expected)


def test_sts_key_works_with_its_token_v3_and_v2(emu):
    for algorithm in (None, 'v2'):
        extra = {'signature_algorithm': algorithm} if algorithm else {}
        client = make_client(emu.endpoint, 'main-sts', **extra)
        body = client.describe_security_groups(M.DescribeSecurityGroupsRequest(region_id=REGION)).body
        assert body.total_count == len(MAIN_GROUPS)


@pytest.mark.parametrize('algorithm', [None, 'v2'])
@pytest.mark.parametrize('token,code', [(None, 'InvalidSecurityToken.Malformed'),
                                        ('forged-token', 'InvalidSecurityToken.MismatchWithAccessKey')])
def test_sts_token_required(emu, algorithm, token, code):
    extra = {'signature_algorithm': algorithm} if algorithm else {}
    client = make_client(emu.endpoint, 'main-sts', security_token=token, **extra)
    err = api_error(client.describe_security_groups, M.DescribeSecurityGroupsRequest(region_id=REGION))
    assert (err.code, err.status_code) == (code, 400)


def test_admin_endpoints_absent_on_api_port(emu):
    for method, path in (('GET', '/health'), ('GET', '/log'), ('DELETE', '/log'), ('POST', '/reset'), ('PUT', '/faults'),
                         ('GET', '/_emulator/log'), ('GET', '/groups/sg-demo-web/rules')):
        status, headers, body = raw(emu.endpoint, method, path, {'host': emu.endpoint})
        answer = json.loads(body)
        assert status in (404, 405) and answer['Code'] in ('InvalidAction.NotFound', 'UnsupportedHTTPMethod'), path
        assert set(answer) == {'RequestId', 'HostId', 'Code', 'Message', 'Recommend'}
        assert headers['content-type'].startswith('application/json')
    assert len(emu.rules('sg-demo-web')) == 2


@pytest.mark.parametrize('case', ['non-utf8', 'nul', 'huge-query', 'put', 'no-headers', 'garbage-auth', 'bad-length',
                                  'huge-body', 'chunked'])
def test_malformed_requests_get_ecs_errors(emu, case):
    path, headers = signed_v3(emu.endpoint, 'DescribeSecurityGroupAttribute', DESCRIBE)
    method, body = 'POST', b''
    if case == 'non-utf8':
        path += '&Description=%ff%fe'
    elif case == 'nul':
        path += '&Description=a%00b'
    elif case == 'huge-query':
        path += '&Description=' + 'x' * 70000
    elif case == 'put':
        method = 'PUT'
    elif case == 'no-headers':
        headers = {}
    elif case == 'garbage-auth':
        headers['authorization'] = 'ACS3-HMAC-SHA256 garbage'
    elif case == 'bad-length':
        headers['content-length'] = 'abc'
    elif case == 'huge-body':
        headers['content-length'] = str(10 ** 8)
    else:
        headers['transfer-encoding'] = 'chunked'
    status, dummy, answer = raw(emu.endpoint, method, path, headers, body)
    parsed = json.loads(answer)
    assert 400 <= status < 500 and parsed['Code'] and 'Traceback' not in answer.decode()
    # Still alive and well.
    assert make_client(emu.endpoint).describe_security_groups(M.DescribeSecurityGroupsRequest(region_id=REGION)).body.total_count == len(MAIN_GROUPS)


def test_client_still_sending_a_huge_request_line_gets_the_whole_error_answer(emu):
    # The answer goes out once 64 kB of the line are read; the client goes on writing. Closing then would reset
    # the connection, and a client could lose the answer: the server must read on until the client is done.
    host, port = emu.endpoint.rsplit(':', 1)
    with socket.create_connection((host, int(port)), timeout=15) as connection:
        connection.sendall(b'POST /?Action=DescribeRegions&x=' + b'a' * 100000)
        deadline = time.monotonic() + 15
        while not select.select([connection], [], [], 0.1)[0]:
            assert time.monotonic() < deadline, 'no answer to a 100 kB request line'
        sent_after_the_answer = 0
        for dummy in range(16):
            connection.sendall(b'a' * 65536)
            sent_after_the_answer += 65536
        connection.sendall(b' HTTP/1.1\r\nHost: x\r\n\r\n')
        connection.shutdown(socket.SHUT_WR)
        answer = b''
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, dummy, body = answer.partition(b'\r\n\r\n')
    print('bytes sent after the answer arrived: %d; answer: %s' % (sent_after_the_answer, head.split(b'\r\n')[0]))
    assert head.startswith(b'HTTP/1.1 414 ') and json.loads(body)['Code'] == 'RequestTooLarge'


def test_secrets_never_logged(emu):
    for algorithm in (None, 'v2'):
        extra = {'signature_algorithm': algorithm} if algorithm else {}
        make_client(emu.endpoint, 'main-sts', **extra).describe_security_groups(M.DescribeSecurityGroupsRequest(region_id=REGION))
        api_error(make_client(emu.endpoint, 'main', access_key_secret='main-demo-secret-0001x', **extra).describe_security_groups,
                  M.DescribeSecurityGroupsRequest(region_id=REGION))
    dump = json.dumps(emu.requests()) + emu.stderr()
    for secret in ('main-demo-secret-0001', 'main-sts-secret-0002', 'main-sts-token-0002'):
        assert secret not in dump
    entries = emu.requests()
    assert {e['access_key_id'] for e in entries[-4:]} == {'STS.MainDemoKey0002', 'LTAI5tMainDemoKey0001'}
    assert all('Signature' not in e['params'] and 'SecurityToken' not in e['params'] for e in entries)
