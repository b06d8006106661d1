"""STS 2015-04-01 without HTTP: AssumeRole for an authenticated caller.

The HTTP server authenticates the request (the same signatures as the ECS API, Version 2015-04-01)
and then calls `StsService.call`. The credentials it issues are stored as temporary keys: both APIs
accept them, with their token, until their expiry by the emulator's clock, acting in the role's account.
"""

import json
import re
import secrets
import string
import time

from .clock import Clock
from .errors import ApiError

STS_API_VERSION = '2015-04-01'
ROLE_ARN_RE = re.compile(r'^acs:ram::(\d{1,32}):role/([A-Za-z0-9.-]{1,64})$')
SESSION_NAME_RE = re.compile(r'^[A-Za-z0-9.@_-]{2,64}$')
EXTERNAL_ID_RE = re.compile(r'^[A-Za-z0-9_+=,.@:/-]{2,1224}$')
MIN_DURATION_SECONDS = 900
DEFAULT_DURATION_SECONDS = 3600
# No role's MaxSessionDuration can exceed this (RAM CreateRole), so no duration can either.
MAX_DURATION_SECONDS = 43200
MAX_POLICY_LENGTH = 2048
_KEY_ALPHABET = string.ascii_letters + string.digits


def _random(length):
    return ''.join(secrets.choice(_KEY_ALPHABET) for dummy in range(length))


def _check_policy(policy):
    """A session policy: at most 2048 characters and a RAM policy document (Version "1", Statement[])."""
    if len(policy) > MAX_POLICY_LENGTH:
        raise ApiError('InvalidParameter.PolicySize')
    try:
        document = json.loads(policy)
    except ValueError as exc:
        raise ApiError('InvalidParameter.PolicyGrammar') from exc
    statements = document.get('Statement') if isinstance(document, dict) else None
    if not isinstance(document, dict) or document.get('Version') != '1' or not isinstance(statements, list) or not statements:
        raise ApiError('InvalidParameter.PolicyGrammar')
    for statement in statements:
        if not isinstance(statement, dict) or statement.get('Effect') not in ('Allow', 'Deny'):
            raise ApiError('InvalidParameter.PolicyGrammar')
        for element in ('Action', 'Resource'):
            value = statement.get(element)
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
                raise ApiError('InvalidParameter.PolicyGrammar')


def _duration(value):
    if value in (None, ''):
        return DEFAULT_DURATION_SECONDS
    if not re.match(r'^\d{1,9}$', value) or not MIN_DURATION_SECONDS <= int(value) <= MAX_DURATION_SECONDS:
        raise ApiError('InvalidParameter.DurationSeconds')
    return int(value)


def expiration_text(epoch_seconds):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(epoch_seconds))


class StsService:
    def __init__(self, store, clock=None):
        self.store = store
        self.clock = clock if clock is not None else Clock()

    def call(self, action, params, caller, request_id):
        """The answer body of `action` (only AssumeRole) for `caller`, a key row; raises ApiError."""
        if action != 'AssumeRole':
            raise ApiError('InvalidAction.NotFound')
        return self.assume_role(params, caller, request_id)

    def assume_role(self, params, caller, request_id):
        match = ROLE_ARN_RE.match(params.get('RoleArn') or '')
        if match is None:
            raise ApiError('InvalidParameter.RoleArn')
        role_account_id, role_name = match.groups()
        session_name = params.get('RoleSessionName') or ''
        if not SESSION_NAME_RE.match(session_name):
            raise ApiError('InvalidParameter.RoleSessionName')
        duration = _duration(params.get('DurationSeconds'))
        policy = params.get('Policy') or None
        if policy is not None:
            _check_policy(policy)
        external_id = params.get('ExternalId') or None
        if external_id is not None and not EXTERNAL_ID_RE.match(external_id):
            raise ApiError('InvalidParameter.ExternalId')
        with self.store.transaction(write=True) as tx:
            role = tx.role(role_account_id, role_name)
            if role is None:
                raise ApiError('EntityNotExist.Role')
            if caller['account_id'] not in role['trusted_account_ids']:
                raise ApiError('NoPermission')
            # The external id is a condition of the role's trust policy: without the right one the role does not trust the caller.
            if role['external_id'] is not None and external_id != role['external_id']:
                raise ApiError('NoPermission')
            if duration > role['max_session_duration']:
                raise ApiError('InvalidParameter.DurationSeconds')
            issued_at = int(self.clock.now())
            key = {'access_key_id': 'STS.' + _random(24), 'secret': _random(40),
                   'security_token': 'CAIS' + secrets.token_urlsafe(120), 'account_id': role['account_id'],
                   'role_name': role['name'], 'session_name': session_name,
                   'caller_access_key_id': caller['access_key_id'], 'policy': policy,
                   'issued_at': issued_at, 'expires_at': issued_at + duration}
            tx.insert_temporary_key(key)
        return {
            'RequestId': request_id,
            'AssumedRoleUser': {'Arn': 'acs:ram::%s:role/%s/%s' % (role['account_id'], role['name'].lower(), session_name),
                                'AssumedRoleId': '%s:%s' % (role['role_id'], session_name)},
            'Credentials': {'AccessKeyId': key['access_key_id'], 'AccessKeySecret': key['secret'],
                            'SecurityToken': key['security_token'], 'Expiration': expiration_text(key['expires_at'])},
        }
