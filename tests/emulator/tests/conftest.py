"""Shared fixtures: one emulator process for the session, re-seeded before each test, and SDK clients."""

import datetime
import http.client
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlencode

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from ecs_emulator import signing  # noqa: E402  pylint: disable=wrong-import-position
from ecs_emulator.fixture_file import load_fixture  # noqa: E402  pylint: disable=wrong-import-position
from ecs_emulator.harness import DEFAULT_FIXTURE, PROXY_VARIABLES, Emulator, credentials  # noqa: E402  pylint: disable=wrong-import-position
from ecs_emulator.errors import ApiError  # noqa: E402  pylint: disable=wrong-import-position
from ecs_emulator.service import Service  # noqa: E402  pylint: disable=wrong-import-position
from ecs_emulator.store import Store  # noqa: E402  pylint: disable=wrong-import-position

# The SDK honours proxy variables even for loopback; nothing here may leave 127.0.0.1.
for _name in PROXY_VARIABLES:
    os.environ.pop(_name, None)

from alibabacloud_ecs20140526 import models  # noqa: E402  pylint: disable=wrong-import-position
from alibabacloud_ecs20140526.client import Client  # noqa: E402  pylint: disable=wrong-import-position
from alibabacloud_tea_openapi.models import Config  # noqa: E402  pylint: disable=wrong-import-position
from Tea.exceptions import TeaException  # noqa: E402  pylint: disable=wrong-import-position

REGION = 'cn-hangzhou'
M = models


def fixture_group_entries(account='main', region=REGION):
    """The default fixture's groups (fixture entries) of one account and region, in fixture order."""
    for entry in load_fixture(DEFAULT_FIXTURE)['accounts']:
        if entry['name'] == account:
            return [g for g in entry.get('security_groups') or [] if g['region'] == region]
    return []


def fixture_groups(account='main', region=REGION):
    """Ids of the default fixture's groups of one account and region, in fixture order."""
    return [g['id'] for g in fixture_group_entries(account, region)]


MAIN_GROUPS = fixture_groups()


@pytest.fixture(scope='session')
def emulator(tmp_path_factory):
    emu = Emulator(str(tmp_path_factory.mktemp('emulator') / 'state.sqlite')).start()
    yield emu
    emu.stop()


@pytest.fixture
def emu(emulator):
    emulator.clear_faults()
    emulator.clear_lag()
    emulator.reset_clock()
    emulator.reset()
    return emulator


def make_client(endpoint, key='main', **config):
    cred = credentials(key)
    options = dict(access_key_id=cred['access_key_id'], access_key_secret=cred['access_key_secret'],
                   security_token=cred.get('security_token'), region_id=REGION, endpoint=endpoint, protocol='http',
                   read_timeout=15000, connect_timeout=5000)
    options.update(config)
    return Client(Config(**options))


@pytest.fixture
def client(emu):
    return make_client(emu.endpoint)


def api_error(call, *args, **kwargs):
    """Run an SDK call that must fail; return the TeaException."""
    with pytest.raises(TeaException) as info:
        call(*args, **kwargs)
    return info.value


def egress(group_id='sg-demo-app', **fields):
    fields.setdefault('region_id', REGION)
    return M.AuthorizeSecurityGroupEgressRequest(security_group_id=group_id, **fields)


def permission(**fields):
    return M.AuthorizeSecurityGroupEgressRequestPermissions(**fields)


def describe(client_, group_id, **kwargs):
    """Every permission of a group over all pages (MaxResults as given)."""
    kwargs.setdefault('region_id', REGION)
    out, token = [], None
    while True:
        body = client_.describe_security_group_attribute(M.DescribeSecurityGroupAttributeRequest(
            security_group_id=group_id, next_token=token, **kwargs)).body
        out.extend(p.to_map() for p in body.permissions.permission)
        token = body.next_token
        if not token:
            return out


def acs_date(offset_seconds=0):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_seconds)
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def signed_v3(endpoint, action, params, key='main', secret=None, date=None, nonce=None, extra_headers=None):
    """Build (path, headers) of a v3-signed request the way the SDK does; callers may tamper afterwards."""
    cred = credentials(key)
    headers = {'host': endpoint, 'x-acs-action': action, 'x-acs-version': '2014-05-26',
               'x-acs-date': date or acs_date(), 'x-acs-signature-nonce': nonce or uuid.uuid4().hex,
               'accept': 'application/json'}
    if cred.get('security_token'):
        headers['x-acs-security-token'] = cred['security_token']
    headers.update(extra_headers or {})
    signing.sign_v3('POST', '/', params, headers, cred['access_key_id'], secret or cred['access_key_secret'])
    return '/?' + urlencode(params), headers


def v2_params(action, params, key='main', secret=None, timestamp=None, nonce=None):
    """Every parameter of a legacy RPC (HMAC-SHA1) request, Signature included, as the SDK's v2 mode sends them."""
    cred = credentials(key)
    query = dict(params, Action=action, Format='json', Version='2014-05-26', Timestamp=timestamp or acs_date(),
                 SignatureNonce=nonce or uuid.uuid4().hex, SignatureMethod='HMAC-SHA1', SignatureVersion='1.0',
                 AccessKeyId=cred['access_key_id'])
    if cred.get('security_token'):
        query['SecurityToken'] = cred['security_token']
    query['Signature'] = signing.v2_signature('POST', query, secret or cred['access_key_secret'])
    return query


def raw(endpoint, method, path, headers=None, body=b''):
    """Send one HTTP request; returns (status, headers dict, body bytes)."""
    host, port = endpoint.rsplit(':', 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=15)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if body or method in ('POST', 'PUT'):
            conn.putheader('Content-Length', str(len(body)))
        conn.endheaders(body or None)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def service_on(tmp_path, fixture=None):
    """The emulator's service without HTTP, on a fresh state file seeded with the default fixture (and ``fixture``)."""
    store = Store(str(tmp_path / 'state.sqlite'))
    store.initialise(DEFAULT_FIXTURE)
    if fixture is not None:
        store.seed(fixture)
    return Service(store)


def api_error_of(service, *args, **kwargs):
    """The ApiError a direct service call raises."""
    with pytest.raises(ApiError) as info:
        service.call(*args, **kwargs)
    return info.value


def wait_for(condition, timeout=20.0, interval=0.05):
    """Poll ``condition`` until it holds, with a deadline (never a fixed sleep); returns the moment it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic()
        time.sleep(interval)
    raise AssertionError('condition not met within %s s' % timeout)


def admin(emu, method, path, body=None):
    """(HTTP status, JSON body) of one admin API request, refusals included (the harness raises on those)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(emu.admin_url + path, data=data, method=method, headers={'Content-Type': 'application/json'})
    try:
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())
