"""Who is calling: signature (ACS3-HMAC-SHA256 or RPC HMAC-SHA1), timestamp, nonce, STS token, API version.

One Authenticator serves one API: the ECS one (2014-05-26) or the STS one (2015-04-01).
"""

import calendar
import threading
import time

from . import API_VERSION
from . import signing
from .clock import Clock
from .errors import ApiError

CLOCK_SKEW_SECONDS = 15 * 60
# Parameters of the v2 (RPC) envelope, not of the action itself.
V2_ENVELOPE = ('Action', 'Version', 'Format', 'Timestamp', 'SignatureNonce', 'SignatureMethod', 'SignatureVersion',
               'SignatureType', 'AccessKeyId', 'SecurityToken', 'Signature')
V3_REQUIRED_SIGNED_HEADERS = ('host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce',
                              'x-acs-version')
# Memory bound of the nonce table; expired nonces are dropped once it is reached.
MAX_REMEMBERED_NONCES = 100000


def parse_acs_time(value):
    try:
        return calendar.timegm(time.strptime(value or '', '%Y-%m-%dT%H:%M:%SZ'))
    except ValueError as exc:
        raise ApiError('InvalidTimeStamp.Format') from exc


def claimed_access_key_id(params, headers):
    """The AccessKeyId a request claims, before anything is verified (for the request log)."""
    return params.get('AccessKeyId') or (signing.parse_v3_authorization(headers.get('authorization')) or {}).get('access_key_id')


class Authenticator:
    """Verifies requests against the access keys in the store; remembers nonces in memory.

    `api_version` is the Version (or x-acs-version) requests must name; `missing_token_code` the code
    for a temporary key sent without its token; `form_spaces` also accepts RPC signatures computed with
    `+` for a space (see signing.v2_signature). Temporary keys stop working at their expiry by `clock`.
    """

    def __init__(self, store, clock=None, api_version=API_VERSION, missing_token_code='InvalidSecurityToken.Malformed',
                 form_spaces=False):
        self.store = store
        self.clock = clock if clock is not None else Clock()
        self.api_version = api_version
        self.missing_token_code = missing_token_code
        self.form_spaces = form_spaces
        self._nonces = {}
        self._nonce_lock = threading.Lock()

    def authenticate(self, method, path, params, headers, body):
        """Verify the request; returns (key row with account_name, action, action parameters).

        `params` are the decoded query and form parameters, `headers` a dict with lower-case names.
        """
        authorization = headers.get('authorization')
        if authorization is not None:
            return self._authenticate_v3(method, path, params, headers, body, authorization)
        if 'Signature' in params:
            return self._authenticate_v2(method, params)
        raise ApiError('MissingSignature')

    def _key(self, access_key_id):
        with self.store.transaction(write=False) as tx:
            key = tx.access_key(access_key_id)
        if key is None:
            raise ApiError('InvalidAccessKeyId.NotFound')
        return key

    def _authenticate_v3(self, method, path, params, headers, body, authorization):
        auth = signing.parse_v3_authorization(authorization)
        if auth is None:
            raise ApiError('IncompleteSignature')
        key = self._key(auth['access_key_id'])
        signed = auth['signed_headers']
        if signed != sorted(signed) or any(h not in signed for h in V3_REQUIRED_SIGNED_HEADERS) or any(h not in headers for h in signed):
            raise ApiError('IncompleteSignature')
        if 'x-acs-security-token' in headers and 'x-acs-security-token' not in signed:
            raise ApiError('IncompleteSignature')
        payload = signing.sha256_hex(body)
        if headers.get('x-acs-content-sha256') != payload:
            raise ApiError('SignatureDoesNotMatch')
        canonical = signing.v3_canonical_request(method, path, params, headers, signed, payload)
        if not signing.constant_time_equal(signing.v3_signature(key['secret'], canonical), auth['signature']):
            raise ApiError('SignatureDoesNotMatch')
        self._check_fresh(key, headers.get('x-acs-date'), headers.get('x-acs-signature-nonce'))
        self._check_token(key, headers.get('x-acs-security-token'))
        if headers.get('x-acs-version') != self.api_version:
            raise ApiError('InvalidVersion')
        return key, headers.get('x-acs-action'), dict(params)

    def _authenticate_v2(self, method, params):
        if not params.get('AccessKeyId'):
            raise ApiError('IncompleteSignature')
        key = self._key(params['AccessKeyId'])
        if params.get('SignatureMethod') != 'HMAC-SHA1' or params.get('SignatureVersion') != '1.0':
            raise ApiError('IncompleteSignature')
        variants = (False, True) if self.form_spaces else (False,)
        if not any(signing.constant_time_equal(signing.v2_signature(method, params, key['secret'], form_spaces=plus),
                                               params['Signature']) for plus in variants):
            raise ApiError('SignatureDoesNotMatch')
        self._check_fresh(key, params.get('Timestamp'), params.get('SignatureNonce'))
        self._check_token(key, params.get('SecurityToken'))
        if params.get('Version') != self.api_version:
            raise ApiError('InvalidVersion')
        action_params = {k: v for k, v in params.items() if k not in V2_ENVELOPE}
        return key, params.get('Action'), action_params

    def _check_fresh(self, key, stamp, nonce):
        if abs(time.time() - parse_acs_time(stamp)) > CLOCK_SKEW_SECONDS:
            raise ApiError('InvalidTimeStamp.Expired')
        if not nonce:
            raise ApiError('IncompleteSignature')
        now = time.time()
        with self._nonce_lock:
            if len(self._nonces) > MAX_REMEMBERED_NONCES:
                self._nonces = {k: v for k, v in self._nonces.items() if v > now}
            slot = (key['access_key_id'], nonce)
            if self._nonces.get(slot, 0) > now:
                raise ApiError('SignatureNonceUsed')
            # A nonce must outlive every timestamp that could still pass the skew check.
            self._nonces[slot] = now + 2 * CLOCK_SKEW_SECONDS

    def _check_token(self, key, token):
        if not key['security_token']:
            return
        if not token:
            raise ApiError(self.missing_token_code)
        if not signing.constant_time_equal(token, key['security_token']):
            raise ApiError('InvalidSecurityToken.MismatchWithAccessKey')
        if key.get('expires_at') is not None and self.clock.now() >= key['expires_at']:
            raise ApiError('InvalidSecurityToken.Expired')
