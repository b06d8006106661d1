"""HTTP front ends: the signed ECS API on one port and the admin/test API on another.

Keeping admin endpoints on a separate listener means nothing signed or unsigned that reaches the
API port can change emulator state except through real ECS actions.
"""

import calendar
import json
import socket
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from . import API_VERSION
from . import signing
from . import store as st
from .actions import ACTIONS, Context
from .errors import ApiError
from .faults import FaultConfigError, Faults
from .validation import check_client_token

MAX_BODY = 1024 * 1024
CLOCK_SKEW_SECONDS = 15 * 60
# Parameters of the v2 (RPC) envelope, not of the action itself.
V2_ENVELOPE = ('Action', 'Version', 'Format', 'Timestamp', 'SignatureNonce', 'SignatureMethod', 'SignatureVersion',
               'SignatureType', 'AccessKeyId', 'SecurityToken', 'Signature')
NEVER_LOGGED = ('Signature', 'SecurityToken', 'AccessKeyId')


def new_request_id():
    return str(uuid.uuid4()).upper()


def parse_acs_time(value):
    try:
        return calendar.timegm(time.strptime(value or '', '%Y-%m-%dT%H:%M:%SZ'))
    except ValueError as exc:
        raise ApiError('InvalidTimeStamp.Format') from exc


def decode_params(query, body, content_type):
    try:
        params = dict(parse_qsl(query, keep_blank_values=True, encoding='utf-8', errors='strict'))
        if body and content_type.split(';')[0].strip().lower() == 'application/x-www-form-urlencoded':
            params.update(parse_qsl(body.decode('utf-8'), keep_blank_values=True, encoding='utf-8', errors='strict'))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError('InvalidParameter.Encoding') from exc
    for key, value in params.items():
        # NUL and other C0 controls are refused, as a real gateway would choke on them too.
        if any(ord(ch) < 0x20 for ch in key + value if ch not in '\t\n\r'):
            raise ApiError('InvalidParameter.Encoding')
    return params


class Emulator:
    """Shared state of both listeners."""

    def __init__(self, state_path, fixture_path=None, reset=False):
        self.store = st.Store(state_path)
        self.fixture_path = fixture_path
        self.store.initialise(fixture_path, reset=reset)
        self.faults = Faults()
        self._log = []
        self._log_seq = 0
        self._log_lock = threading.Lock()
        self._nonces = {}
        self._nonce_lock = threading.Lock()

    # -- request log -------------------------------------------------------------------------------
    def record(self, entry):
        with self._log_lock:
            self._log_seq += 1
            entry['seq'] = self._log_seq
            self._log.append(entry)

    def log_since(self, since):
        with self._log_lock:
            return [dict(e) for e in self._log if e['seq'] > since]

    def clear_log(self):
        with self._log_lock:
            self._log = []

    def reset(self):
        if self.fixture_path:
            self.store.seed(st.load_fixture(self.fixture_path))

    # -- authentication ----------------------------------------------------------------------------
    def _key(self, access_key_id):
        row = self.store.connection().execute(
            'SELECT k.*, a.account_name FROM access_keys k JOIN accounts a ON a.account_id = k.account_id '
            'WHERE k.access_key_id = ?', (access_key_id,)).fetchone()
        if row is None:
            raise ApiError('InvalidAccessKeyId.NotFound')
        return dict(row)

    def _check_fresh(self, key, stamp, nonce):
        if abs(time.time() - parse_acs_time(stamp)) > CLOCK_SKEW_SECONDS:
            raise ApiError('InvalidTimeStamp.Expired')
        if not nonce:
            raise ApiError('IncompleteSignature')
        now = time.time()
        with self._nonce_lock:
            if len(self._nonces) > 100000:
                self._nonces = {k: v for k, v in self._nonces.items() if v > now}
            slot = (key['access_key_id'], nonce)
            if self._nonces.get(slot, 0) > now:
                raise ApiError('SignatureNonceUsed')
            self._nonces[slot] = now + 2 * CLOCK_SKEW_SECONDS

    @staticmethod
    def _check_token(key, token):
        if not key['security_token']:
            return
        if not token:
            raise ApiError('InvalidSecurityToken.Malformed')
        if not signing.constant_time_equal(token, key['security_token']):
            raise ApiError('InvalidSecurityToken.MismatchWithAccessKey')

    def authenticate(self, method, path, params, headers, body):
        """Verify the request; returns (key row, action, action parameters)."""
        authorization = headers.get('authorization')
        if authorization is not None:
            return self._authenticate_v3(method, path, params, headers, body, authorization)
        if 'Signature' in params:
            return self._authenticate_v2(method, params)
        raise ApiError('MissingSignature')

    def _authenticate_v3(self, method, path, params, headers, body, authorization):
        auth = signing.parse_v3_authorization(authorization)
        if auth is None:
            raise ApiError('IncompleteSignature')
        key = self._key(auth['access_key_id'])
        signed = auth['signed_headers']
        required = ('host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version')
        if signed != sorted(signed) or any(h not in signed for h in required) or any(h not in headers for h in signed):
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
        if headers.get('x-acs-version') != API_VERSION:
            raise ApiError('InvalidVersion')
        return key, headers.get('x-acs-action'), dict(params)

    def _authenticate_v2(self, method, params):
        if not params.get('AccessKeyId'):
            raise ApiError('IncompleteSignature')
        key = self._key(params['AccessKeyId'])
        if params.get('SignatureMethod') != 'HMAC-SHA1' or params.get('SignatureVersion') != '1.0':
            raise ApiError('IncompleteSignature')
        expected = signing.v2_signature(method, params, key['secret'])
        if not signing.constant_time_equal(expected, params['Signature']):
            raise ApiError('SignatureDoesNotMatch')
        self._check_fresh(key, params.get('Timestamp'), params.get('SignatureNonce'))
        self._check_token(key, params.get('SecurityToken'))
        if params.get('Version') != API_VERSION:
            raise ApiError('InvalidVersion')
        action_params = {k: v for k, v in params.items() if k not in V2_ENVELOPE}
        return key, params.get('Action'), action_params

    # -- one API call ------------------------------------------------------------------------------
    def execute(self, action, action_params, key, request_id):
        """Run the action in one transaction, honouring ClientToken. Returns (body, applied)."""
        handler, write = ACTIONS[action]
        account = {'account_id': key['account_id'], 'account_name': key['account_name']}
        token = check_client_token(action_params.get('ClientToken')) if write else None
        fingerprint = json.dumps({k: v for k, v in action_params.items() if k != 'ClientToken'}, sort_keys=True)
        with self.store.transaction(write) as conn:
            if token:
                seen = conn.execute('SELECT * FROM client_tokens WHERE account_id = ? AND action = ? AND token = ?',
                                    (account['account_id'], action, token)).fetchone()
                if seen is not None:
                    if seen['fingerprint'] != fingerprint:
                        raise ApiError('IdempotentParameterMismatch')
                    return json.loads(seen['body']), False
            body, applied = handler(Context(action, action_params, account, request_id), conn)
            if token:
                conn.execute('INSERT INTO client_tokens VALUES (?, ?, ?, ?, ?, ?)',
                             (account['account_id'], action, token, fingerprint, 200, json.dumps(body)))
        return body, applied

    def handle_api(self, method, raw_path, headers, body):
        """Returns (status, extra headers, body dict or None when the connection must be dropped)."""
        request_id = new_request_id()
        path, dummy, query = raw_path.partition('?')
        entry = {'time': time.time(), 'action': headers.get('x-acs-action'), 'params': {}, 'access_key_id': None,
                 'status': None, 'code': None, 'request_id': request_id, 'fault': None, 'write': False, 'applied': False}
        region = None
        drop = False
        try:
            if method not in ('GET', 'POST'):
                raise ApiError('UnsupportedHTTPMethod')
            if path != '/':
                raise ApiError('InvalidAction.NotFound')
            params = decode_params(query, body, headers.get('content-type', ''))
            entry['params'] = {k: v for k, v in params.items() if k not in NEVER_LOGGED}
            region = params.get('RegionId')
            entry['access_key_id'] = params.get('AccessKeyId') or (
                (signing.parse_v3_authorization(headers.get('authorization')) or {}).get('access_key_id'))
            key, action, action_params = self.authenticate(method, path, params, headers, body)
            entry['action'] = action
            if action not in ACTIONS:
                raise ApiError('InvalidAction.NotFound')
            entry['write'] = ACTIONS[action][1]
            decision = self.faults.decide(action)
            if decision.latency_ms:
                time.sleep(decision.latency_ms / 1000.0)
            entry['fault'] = decision.kind or ('latency' if decision.latency_ms else None)
            fault_error = decision.error()
            if fault_error is not None:
                raise fault_error
            answer, entry['applied'] = self.execute(action, action_params, key, request_id)
            drop = decision.kind == 'drop_after_write'
            status, extra = 200, {}
            entry['request_id'] = answer.get('RequestId', request_id)
        except ApiError as err:
            status, extra = err.status, dict(err.headers)
            answer = error_body(err, request_id, region)
            entry['code'] = err.code
        except Exception:  # pylint: disable=broad-except
            # Never show the client a traceback; the operator gets it on stderr.
            traceback.print_exc(file=sys.stderr)
            err = ApiError('InternalError')
            status, extra, answer = err.status, {}, error_body(err, request_id, region)
            entry['code'] = err.code
        entry['status'] = status
        self.record(entry)
        return status, extra, None if drop else answer


def error_body(err, request_id, region=None):
    host = 'ecs.%s.aliyuncs.com' % region if region and region.replace('-', '').isalnum() and len(region) < 40 else 'ecs.aliyuncs.com'
    return {'RequestId': request_id, 'HostId': host, 'Code': err.code, 'Message': err.message,
            'Recommend': 'https://api.aliyun.com/troubleshoot?q=%s&product=Ecs' % err.code}


class _BaseHandler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'ecs-emulator'
    sys_version = ''
    emulator = None  # set on the subclass built by make_servers

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        # The default access log would print query strings, and v2 queries carry the STS token.
        return

    def send_json(self, status, body, headers=None):
        data = json.dumps(body).encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', 'application/json;charset=utf-8')
        self.send_header('Content-Length', str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header('Connection', 'close')
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(data)

    def send_error(self, code, message=None, explain=None):
        # http.server's own errors (bad request line, 414, 501...) answered in the ECS shape.
        self.close_connection = True
        err = ApiError('RequestTooLarge' if code in (413, 414, 431) else 'BadRequest')
        try:
            self.send_json(code, error_body(err, new_request_id()))
        except OSError:
            pass

    def read_body(self):
        """The request body, or None after answering an unreadable one."""
        if self.headers.get('Transfer-Encoding'):
            self.send_error(400)
            return None
        try:
            length = int(self.headers.get('Content-Length') or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.send_error(400)
            return None
        if length > MAX_BODY:
            self.send_error(413)
            return None
        return self.rfile.read(length) if length else b''


class ApiHandler(_BaseHandler):
    def _handle(self):
        body = self.read_body()
        if body is None:
            return
        headers = {}
        for name, value in self.headers.items():
            headers.setdefault(name.lower(), value)
        status, extra, answer = self.emulator.handle_api(self.command, self.path, headers, body)
        if answer is None:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        extra['x-acs-request-id'] = answer.get('RequestId', '')
        self.send_json(status, answer, extra)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _handle


class AdminHandler(_BaseHandler):
    def _handle(self):
        body = self.read_body()
        if body is None:
            return
        path, dummy, query = self.path.partition('?')
        args = dict(parse_qsl(query, keep_blank_values=True, errors='replace'))
        parts = [p for p in path.split('/') if p]
        emu = self.emulator
        try:
            route = (self.command, parts[0] if parts else '')
            if route == ('GET', 'health'):
                self.send_json(200, {'ok': True})
            elif route == ('GET', 'log'):
                since = int(args.get('since') or 0)
                self.send_json(200, {'entries': emu.log_since(since)})
            elif route == ('DELETE', 'log'):
                emu.clear_log()
                self.send_json(200, {'ok': True})
            elif route == ('PUT', 'faults'):
                emu.faults.configure(json.loads(body.decode('utf-8') or '{}'))
                self.send_json(200, {'ok': True})
            elif route == ('GET', 'faults'):
                self.send_json(200, emu.faults.config())
            elif route == ('DELETE', 'faults'):
                emu.faults.clear()
                self.send_json(200, {'ok': True})
            elif route == ('GET', 'groups') and len(parts) == 3 and parts[2] == 'rules':
                conn = emu.store.connection()
                if st.find_group(conn, parts[1]) is None:
                    self.send_json(404, {'error': 'no such security group'})
                    return
                rows = st.rule_rows(conn, parts[1], args.get('direction') or None)
                for row in rows:
                    row.pop('seq', None)
                self.send_json(200, {'rules': rows})
            elif route == ('POST', 'reset'):
                emu.reset()
                self.send_json(200, {'ok': True})
            else:
                self.send_json(404, {'error': 'unknown admin endpoint'})
        except (ValueError, FaultConfigError) as exc:
            self.send_json(400, {'error': str(exc)})

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # A client hanging up mid-answer is routine for the fault tests; stay quiet about it.
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, socket.timeout)):
            traceback.print_exc(file=sys.stderr)


def make_servers(emulator, host, port, admin_port):
    api_cls = type('BoundApiHandler', (ApiHandler,), {'emulator': emulator})
    admin_cls = type('BoundAdminHandler', (AdminHandler,), {'emulator': emulator})
    server_cls = type('Server6', (_Server,), {'address_family': socket.AF_INET6}) if ':' in host else _Server
    return server_cls((host, port), api_cls), server_cls((host, admin_port), admin_cls)
