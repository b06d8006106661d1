# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How the conformance probe reaches an ECS endpoint, and what keeps it harmless on a real account.

* ``probe_settings`` reads the endpoint and the environment, and refuses a network endpoint unless
  ALICLOUD_ECS_TEST_CLOUD=yes says that a real account is meant (plain HTTP only ever to loopback).
* ``ProbeClient.call`` sends one ECS action through the official SDK's generic OpenAPI client, as the
  modules do, and returns what came back (status, code, body) instead of raising on API errors.
* ``OwnGroups`` refuses, before anything is sent, every write that names a security group the probe
  did not create (or one of the decoy ids that name no group at all), and every CreateSecurityGroup
  without the probe's tag and name marker: a bug in a case cannot touch anybody's group.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

ECS_API_VERSION = '2014-05-26'
CLOUD_OPT_IN_VARIABLE = 'ALICLOUD_ECS_TEST_CLOUD'
# The environment variables a run against an endpoint reads (docs/maintainers/real-account.md).
ACCESS_KEY_ID_VARIABLE = 'ALIBABA_CLOUD_ACCESS_KEY_ID'
ACCESS_KEY_SECRET_VARIABLE = 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'
SECURITY_TOKEN_VARIABLE = 'ALIBABA_CLOUD_SECURITY_TOKEN'
REGION_VARIABLE = 'ALIBABA_CLOUD_REGION_ID'
VPC_VARIABLE = 'ALICLOUD_ECS_TEST_VPC_ID'
# Optional: a second VPC of the region (the one make test-cloud uses), for references across VPCs.
SECOND_VPC_VARIABLE = 'ALICLOUD_ECS_TEST_VPC_ID_2'
PREFIX_LIST_VARIABLE = 'ALICLOUD_ECS_TEST_PREFIX_LIST_ID'
# The SDK sends even loopback requests through these (it ignores NO_PROXY), so a loopback run drops them.
PROXY_VARIABLES = ('HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy')

# What marks the probe's groups: cleanup deletes only groups that carry both.
TEST_TAG_KEY = 'alicloud-ecs-test'
TEST_TAG_VALUE = 'conformance'
NAME_MARKER = 'alicloud-ecs-conformance-'

# Ids that name nothing, for the "not found" cases. They have the shape of real ids so that the
# cloud checks existence rather than form; the probe checks before its first write that the first
# one names no group of the account.
MISSING_GROUP_ID = 'sg-conformancemissing00'
MISSING_RULE_ID = 'sgr-conformancemissing00'
MISSING_PREFIX_LIST_ID = 'pl-conformancemissing00'
MISSING_VPC_ID = 'vpc-conformancemissing00'
MALFORMED_GROUP_ID = 'conformance-not-a-group-id'
DECOY_GROUP_IDS = frozenset((MISSING_GROUP_ID, MALFORMED_GROUP_ID))

WRITE_ACTIONS = frozenset((
    'AuthorizeSecurityGroup', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroup', 'RevokeSecurityGroupEgress',
    'ModifySecurityGroupRule', 'ModifySecurityGroupEgressRule', 'CreateSecurityGroup', 'DeleteSecurityGroup',
    'ModifySecurityGroupAttribute', 'ModifySecurityGroupPolicy', 'TagResources', 'UntagResources',
))
# Answers that say "later", not "wrong": the call is sent again (same ClientToken), so that a busy
# account does not turn into differences in the report.
RETRY_CODES = frozenset(('ServiceUnavailable', 'InternalError', 'InvalidGressFlow.Malformed'))
RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0)
# Parameters that point at a security group, and so must point at one of the probe's own in a write.
_GROUP_PARAMETER = re.compile(r'^(?:Permissions\.\d+\.)?(?:SecurityGroupId|DestGroupId|SourceGroupId)$|^ResourceId\.\d+$')


class ProbeRefused(Exception):
    """The probe will not run as asked (endpoint, missing settings); nothing was sent."""


class ProbeSafetyError(Exception):
    """A case was about to write to something the probe does not own; the run stops (and cleans up)."""


class EndpointGone(Exception):
    """Several calls in a row got no HTTP answer: the run stops rather than wait out every case."""


def is_loopback_host(host):
    if host.lower() == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        # A host name other than localhost is not taken as loopback even if it resolves to one:
        # finding out would mean a DNS query, and names can change their answer.
        return False


def parse_endpoint(text, environ):
    """(protocol, host[:port], is_loopback) for ``text``, or ProbeRefused.

    A bare host is spoken to with HTTPS, but a loopback host with HTTP (the emulator). Plain HTTP to a
    network host would carry signed requests in the clear and is never allowed. A network host at
    all needs ALICLOUD_ECS_TEST_CLOUD=yes in ``environ``: it means a real account.
    """
    text = (text or '').strip()
    if not text:
        raise ProbeRefused('no endpoint given (ENDPOINT=<host[:port] or URL>, or ENDPOINT=emulator)')
    try:
        parts = urlsplit(text if '://' in text else '//' + text)
        host, port = parts.hostname, parts.port
    except ValueError as error:
        raise ProbeRefused('endpoint %r: %s' % (text, error)) from None
    if not host or parts.path not in ('', '/') or parts.query or parts.fragment or parts.username or parts.scheme not in ('', 'http', 'https'):
        raise ProbeRefused('endpoint %r: give host, host:port, http(s)://host[:port] and nothing else' % text)
    loopback = is_loopback_host(host)
    protocol = parts.scheme or ('http' if loopback else 'https')
    if protocol == 'http' and not loopback:
        raise ProbeRefused('endpoint %r: plain HTTP is only allowed to loopback addresses; use https://' % text)
    if not loopback and environ.get(CLOUD_OPT_IN_VARIABLE) != 'yes':
        raise ProbeRefused('endpoint %r is not a loopback address: the probe creates and deletes security groups there. '
                           'Set %s=yes to run it against a real account (docs/maintainers/real-account.md)'
                           % (text, CLOUD_OPT_IN_VARIABLE))
    netloc = ('[%s]' % host if ':' in host else host) + (':%d' % port if port else '')
    return protocol, netloc, loopback


@dataclass(frozen=True)
class ProbeSettings:
    """Where the probe goes and with what. ``prefix_list_id`` and ``second_vpc_id`` are optional: without them the
    cases that need them are skipped."""

    endpoint: str
    protocol: str
    is_loopback: bool
    access_key_id: str
    access_key_secret: str
    security_token: str
    region_id: str
    vpc_id: str
    prefix_list_id: str
    second_vpc_id: str = ''

    def secrets(self):
        """The values that must never reach a report."""
        return tuple(value for value in (self.access_key_id, self.access_key_secret, self.security_token) if value)


def probe_settings(endpoint, environ, need_vpc=True):
    """ProbeSettings from an endpoint and an environment; ProbeRefused names what is missing (the clean-up needs no VPC)."""
    protocol, netloc, loopback = parse_endpoint(endpoint, environ)
    required = (ACCESS_KEY_ID_VARIABLE, ACCESS_KEY_SECRET_VARIABLE, REGION_VARIABLE) + ((VPC_VARIABLE,) if need_vpc else ())
    missing = [name for name in required if not (environ.get(name) or '').strip()]
    if missing:
        raise ProbeRefused('missing environment variables: %s (docs/maintainers/real-account.md)' % ', '.join(missing))
    return ProbeSettings(
        endpoint=netloc, protocol=protocol, is_loopback=loopback,
        access_key_id=environ[ACCESS_KEY_ID_VARIABLE].strip(), access_key_secret=environ[ACCESS_KEY_SECRET_VARIABLE].strip(),
        security_token=(environ.get(SECURITY_TOKEN_VARIABLE) or '').strip(), region_id=environ[REGION_VARIABLE].strip(),
        vpc_id=(environ.get(VPC_VARIABLE) or '').strip(), prefix_list_id=(environ.get(PREFIX_LIST_VARIABLE) or '').strip(),
        second_vpc_id=(environ.get(SECOND_VPC_VARIABLE) or '').strip())


@contextlib.contextmanager
def without_proxies(settings):
    """Drop the proxy variables for the duration of a loopback run (a proxy would carry it off the machine)."""
    saved = dict((name, os.environ[name]) for name in PROXY_VARIABLES if name in os.environ) if settings.is_loopback else {}
    for name in saved:
        del os.environ[name]
    try:
        yield
    finally:
        os.environ.update(saved)


@dataclass
class Exchange:
    """One call's outcome: HTTP status (None without an answer), error code (None on success), body."""

    status: object
    code: object
    body: dict

    @property
    def ok(self):
        return self.code is None and self.status is not None and self.status < 400


def _tagged_as_probe(query):
    keys = dict((name[:-len('.Key')], value) for name, value in query.items() if re.match(r'^Tag\.\d+\.Key$', name))
    return any(value == TEST_TAG_KEY and query.get(prefix + '.Value') == TEST_TAG_VALUE for prefix, value in keys.items())


class OwnGroups:
    """The groups the probe may write to: those it created (or, for cleanup, found with its tag and name marker)."""

    def __init__(self):
        self.ids = []

    def add(self, group_id):
        if group_id and group_id not in self.ids:
            self.ids.append(group_id)

    def check_write(self, action, query):
        if action not in WRITE_ACTIONS:
            return
        if action == 'CreateSecurityGroup':
            if NAME_MARKER not in query.get('SecurityGroupName', '') or not _tagged_as_probe(query):
                raise ProbeSafetyError('refusing CreateSecurityGroup without the name marker %r and the tag %s=%s'
                                       % (NAME_MARKER, TEST_TAG_KEY, TEST_TAG_VALUE))
            return
        for name, value in query.items():
            if _GROUP_PARAMETER.match(name) and value and value not in self.ids and value not in DECOY_GROUP_IDS:
                raise ProbeSafetyError('refusing %s: %s=%s is not a group this probe created' % (action, name, value))
        # What marks a group as the probe's must stay on it, or an interrupted run's clean-up would not find it.
        if action == 'ModifySecurityGroupAttribute' and query.get('SecurityGroupName') and NAME_MARKER not in query['SecurityGroupName']:
            raise ProbeSafetyError('refusing to rename a group to a name without the marker %r' % NAME_MARKER)
        touched_keys = [value for name, value in query.items() if re.match(r'^(?:Tag\.\d+\.Key|TagKey\.\d+)$', name)]
        if TEST_TAG_KEY in touched_keys or (action == 'UntagResources' and query.get('All', '').lower() == 'true'):
            raise ProbeSafetyError('refusing %s: it would change or remove the tag %s' % (action, TEST_TAG_KEY))


class ProbeClient:
    """The SDK's generic OpenAPI client, answering every call with an Exchange."""

    def __init__(self, settings, own_groups, sleep=time.sleep):
        # Imported here so that `diff` and the tests of the pure parts need no SDK.
        from alibabacloud_tea_openapi.client import Client  # pylint: disable=import-outside-toplevel
        from alibabacloud_tea_openapi.utils_models import Config, OpenApiRequest, Params  # pylint: disable=import-outside-toplevel
        from darabonba.runtime import RuntimeOptions  # pylint: disable=import-outside-toplevel

        self.settings = settings
        self.own_groups = own_groups
        self.sleep = sleep
        self.calls = 0
        self.retries = 0
        self.consecutive_transport_errors = 0
        self._request = OpenApiRequest
        self._headers = {}
        self._params = Params
        self._runtime = RuntimeOptions
        config = Config(access_key_id=settings.access_key_id, access_key_secret=settings.access_key_secret,
                        security_token=settings.security_token or None, region_id=settings.region_id,
                        endpoint=settings.endpoint, protocol=settings.protocol, user_agent='alicloud.ecs-conformance-probe',
                        connect_timeout=5000, read_timeout=30000)
        self._client = Client(config)

    def call(self, action, query):
        """Send ``action`` with ``query`` (RegionId added) and return the Exchange; transport failures too."""
        query = dict((name, str(value)) for name, value in query.items())
        query.setdefault('RegionId', self.settings.region_id)
        self.own_groups.check_write(action, query)
        params = self._params(action=action, version=ECS_API_VERSION, protocol='HTTPS', pathname='/', method='POST',
                              auth_type='AK', style='RPC', req_body_type='formData', body_type='json')
        for delay in RETRY_DELAYS + (None,):
            self.calls += 1
            exchange = self._send(params, query)
            retry = exchange.code is not None and (exchange.code.startswith('Throttling') or exchange.code in RETRY_CODES)
            if not retry or delay is None:
                break
            self.retries += 1
            self.sleep(delay)
        if exchange.code == 'ConnectionError':
            self.consecutive_transport_errors += 1
            if self.consecutive_transport_errors >= 3:
                raise EndpointGone('the endpoint stopped answering (three calls in a row without an HTTP answer)')
        else:
            self.consecutive_transport_errors = 0
        return exchange

    def _send(self, params, query):
        try:
            response = self._client.call_api(params, self._request(query=query, headers=dict(self._headers)), self._runtime())
        except Exception as error:  # pylint: disable=broad-except
            return self._failure(error)
        body = response.get('body')
        return Exchange(response.get('statusCode'), None, body if isinstance(body, dict) else {'<body>': body})

    @staticmethod
    def _failure(error):
        code = getattr(error, 'code', None)
        data = getattr(error, 'data', None)
        if code and isinstance(data, dict):
            # The SDK adds the status to the body it parsed; the report has the status on its own.
            body = dict((name, value) for name, value in data.items() if name != 'statusCode')
            return Exchange(getattr(error, 'status_code', None) or data.get('statusCode'), code, body)
        if code:
            return Exchange(getattr(error, 'status_code', None), code, {})
        # No HTTP answer (refused, reset, timed out): the class name is the only stable description.
        inner = getattr(error, 'inner_exception', None) or error
        return Exchange(None, 'ConnectionError', {'<error>': type(inner).__name__})
