"""HTTP front ends: the signed ECS API on one port, the admin/test API on another, STS over TLS on a third.

Keeping admin endpoints on a separate listener means nothing signed or unsigned that reaches the
API port can change emulator state except through real ECS actions. STS has a listener of its own
because the credentials library always speaks HTTPS to it, while the ECS API port stays plain HTTP.
"""

import json
import socket
import ssl
import sys
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote

from .auth import Authenticator, claimed_access_key_id
from .clock import Clock
from .consistency import Consistency, LagConfigError
from .errors import ApiError
from .faults import FaultConfigError, Faults
from .request_log import RequestLog
from .service import CallReport, Service, new_request_id
from .store import Store
from .sts import STS_API_VERSION, StsService

MAX_BODY = 1024 * 1024
# After an early error answer (414, 431, 413...) the client may still be sending. Closing with its bytes
# unread makes the kernel send a reset, and the reset can destroy the answer before the client reads it;
# so the handler reads and discards what still comes, within these bounds, before it closes.
LINGER_SECONDS = 5.0
LINGER_BYTES = 16 * MAX_BODY
# An external ID is the shared secret of a role's trust policy: it stays out of the log like the keys.
NEVER_LOGGED = ('Signature', 'SecurityToken', 'AccessKeyId', 'ExternalId')
# What can be in a group (POST /members `kind`, the store's member kinds).
MEMBER_KINDS = ('instance', 'network_interface')


class NotFoundError(LookupError):
    """An admin request about something that does not exist: answered 404."""


def drain_before_close(connection, seconds=LINGER_SECONDS, limit=LINGER_BYTES):
    """Discard the client's unread bytes until it stops sending, a deadline or a byte limit."""
    if not isinstance(connection, ssl.SSLSocket):
        # Our end is said: the client sees the end of the answer and can stop sending and close.
        # (A TLS socket cannot half-close without losing its TLS layer; it only drains.)
        try:
            connection.shutdown(socket.SHUT_WR)
        except OSError:
            return
    deadline = time.monotonic() + seconds
    received = 0
    while received < limit:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        try:
            connection.settimeout(remaining)
            chunk = connection.recv(65536)
        except (OSError, ValueError):
            return
        if not chunk:
            return
        received += len(chunk)


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
    """What the listeners share: the store, authentication, the services, faults, the clock and the request log."""

    def __init__(self, state_path, fixture_path=None, reset=False):
        self.store = Store(state_path)
        self.fixture_path = fixture_path
        self.store.initialise(fixture_path, reset=reset)
        self.faults = Faults()
        self.consistency = Consistency()
        self.log = RequestLog()
        self.clock = Clock()
        self.authenticator = Authenticator(self.store, self.clock)
        self.service = Service(self.store, self.faults, self.consistency)
        # The credentials library signs AssumeRole with quote_plus, hence form_spaces.
        self.sts_authenticator = Authenticator(self.store, self.clock, api_version=STS_API_VERSION,
                                               missing_token_code='MissingSecurityToken', form_spaces=True)
        self.sts = StsService(self.store, self.clock)

    def reset(self):
        if self.fixture_path:
            self.store.seed_from(self.fixture_path)

    def group_rules(self, group_id, direction=None):
        """The stored rows of a group's rules, or None for an unknown group (admin API)."""
        with self.store.transaction(write=False) as tx:
            if tx.find_group(group_id) is None:
                return None
            return tx.rules(group_id, direction)

    def group_detail(self, group_id):
        """A group's attributes, tags and rule count, or None for an unknown group (admin API)."""
        with self.store.transaction(write=False) as tx:
            group = tx.find_group(group_id)
            if group is None:
                return None
            detail = admin_group_view(group, tx.group_tags([group_id]).get(group_id, []))
            detail.update(account_id=group['account_id'], region=group['region_id'], description=group['description'],
                          inner_access_policy=group['inner_access_policy'], resource_group_id=group['resource_group_id'],
                          service_managed=bool(group['service_managed']), create_time=group['create_time'],
                          rule_count=tx.rule_count(group_id),
                          members={'instances': tx.group_members(group_id, 'instance'),
                                   'network_interfaces': tx.group_members(group_id, 'network_interface')})
            return detail

    def add_member(self, request):
        """POST /members: put an instance or network interface in groups of any account."""
        if not isinstance(request, dict) or set(request) != {'member_id', 'kind', 'security_group_ids'}:
            raise ValueError('the body must be {"member_id": ..., "kind": "instance" | "network_interface", "security_group_ids": [...]}')
        member_id, kind, group_ids = request['member_id'], request['kind'], request['security_group_ids']
        if not isinstance(member_id, str) or not member_id:
            raise ValueError('"member_id" must be a non-empty string')
        if kind not in MEMBER_KINDS:
            raise ValueError('"kind" must be "instance" or "network_interface"')
        if not isinstance(group_ids, list) or not group_ids or not all(isinstance(g, str) and g for g in group_ids):
            raise ValueError('"security_group_ids" must be a non-empty list of group ids')
        with self.store.transaction(write=True) as tx:
            unknown = sorted({g for g in group_ids if tx.find_group(g) is None})
            if unknown:
                raise NotFoundError('no such security group: %s' % ', '.join(unknown))
            other_kinds = {k for dummy, k in tx.member_groups(member_id)} - {kind}
            if other_kinds:
                raise ValueError('%s is already a member as a %s' % (member_id, other_kinds.pop()))
            tx.add_member(member_id, kind, list(dict.fromkeys(group_ids)))
            held = [group_id for group_id, dummy in tx.member_groups(member_id)]
        return {'member_id': member_id, 'kind': kind, 'security_group_ids': held}

    def release_member(self, member_id, after_ms):
        """DELETE /members/<id>?after_ms=N: from N ms on, the member holds none of its groups."""
        with self.store.transaction(write=True) as tx:
            held = [group_id for group_id, dummy in tx.member_groups(member_id)]
            if not held:
                raise NotFoundError('%s is in no security group' % member_id)
            released_at = self.store.now() + after_ms / 1000.0
            tx.release_member(member_id, released_at)
        return {'member_id': member_id, 'security_group_ids': held, 'released_at': released_at}

    def groups(self, name=None):
        """Every account's groups, or those with a name, in creation order (admin API)."""
        with self.store.transaction(write=False) as tx:
            rows = tx.all_groups(name)
            tags = tx.group_tags(row['group_id'] for row in rows)
            return [dict(admin_group_view(row, tags.get(row['group_id'], [])), account_id=row['account_id'], region=row['region_id'])
                    for row in rows]

    def temporary_keys(self):
        """The temporary keys AssumeRole issued, secrets included (admin API only: tests scan output for them)."""
        with self.store.transaction(write=False) as tx:
            return tx.temporary_keys()

    def handle_api(self, method, raw_path, headers, body):
        """Returns (status, extra headers, body dict or None when the connection must be dropped)."""
        report = CallReport()

        def run(entry, action, params, key, request_id):
            return self.service.call(action, params, key, request_id, report)

        status, extra, answer, entry = self._serve('ecs', self.authenticator, run, method, raw_path, headers, body)
        entry.update(write=report.write, fault=report.fault, applied=report.applied)
        self.log.record(entry)
        return status, extra, None if report.drop_connection else answer

    def handle_sts(self, method, raw_path, headers, body):
        """The STS listener's request: (status, extra headers, body dict). No faults apply here."""
        def run(entry, action, params, key, request_id):
            entry['write'] = action == 'AssumeRole'
            answer = self.sts.call(action, params, key, request_id)
            entry['applied'] = True
            return answer

        status, dummy, answer, entry = self._serve('sts', self.sts_authenticator, run, method, raw_path, headers, body)
        self.log.record(entry)
        return status, {}, answer

    def _serve(self, service_name, authenticator, run, method, raw_path, headers, body):
        """What both listeners do with a request: check, decode, authenticate, run, and answer errors in the
        service's shape. Returns (status, extra headers, body dict, request log entry not yet recorded)."""
        request_id = new_request_id()
        path, dummy, query = raw_path.partition('?')
        entry = new_log_entry(service_name, request_id, headers)
        region = None
        try:
            if method not in ('GET', 'POST'):
                raise ApiError('UnsupportedHTTPMethod')
            if path != '/':
                raise ApiError('InvalidAction.NotFound')
            params = decode_params(query, body, headers.get('content-type', ''))
            entry['params'] = {k: v for k, v in params.items() if k not in NEVER_LOGGED}
            region = params.get('RegionId')
            entry['access_key_id'] = claimed_access_key_id(params, headers)
            key, action, action_params = authenticator.authenticate(method, path, params, headers, body)
            entry['action'] = action
            answer = run(entry, action, action_params, key, request_id)
            status, extra = 200, {}
            entry['request_id'] = answer.get('RequestId', request_id)
        except ApiError as err:
            status, extra = err.status, dict(err.headers)
            answer = error_body(err, request_id, region, service=service_name)
            entry['code'] = err.code
        except Exception:  # pylint: disable=broad-except
            # Never show the client a traceback; the operator gets it on stderr.
            traceback.print_exc(file=sys.stderr)
            err = ApiError('InternalError', variant='sts' if service_name == 'sts' else None)
            status, extra, answer = err.status, {}, error_body(err, request_id, region, service=service_name)
            entry['code'] = err.code
        entry['status'] = status
        return status, extra, answer, entry


def new_log_entry(service, request_id, headers):
    """A request log entry; STS entries carry one more field, `service: "sts"` (ECS entries keep their shape)."""
    entry = {'time': time.time(), 'action': headers.get('x-acs-action'), 'params': {}, 'access_key_id': None,
             'status': None, 'code': None, 'request_id': request_id, 'fault': None, 'write': False, 'applied': False}
    if service != 'ecs':
        entry['service'] = service
    return entry


def admin_group_view(group, tags):
    return {'id': group['group_id'], 'name': group['name'], 'vpc_id': group['vpc_id'], 'type': group['group_type'],
            'tags': dict(tags)}


def error_body(err, request_id, region=None, service='ecs'):
    if service == 'sts':
        host, product = 'sts.aliyuncs.com', 'Sts'
    else:
        host = 'ecs.%s.aliyuncs.com' % region if region and region.replace('-', '').isalnum() and len(region) < 40 else 'ecs.aliyuncs.com'
        product = 'Ecs'
    return {'RequestId': request_id, 'HostId': host, 'Code': err.code, 'Message': err.message,
            'Recommend': 'https://api.aliyun.com/troubleshoot?q=%s&product=%s' % (err.code, product)}


class _BaseHandler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'ecs-emulator'
    sys_version = ''
    emulator = None  # set on the subclass built by make_servers
    service_name = 'ecs'  # whose error shape the listener answers in
    answered_early = False  # an error answer went out before the whole request was read

    def setup(self):
        super().setup()
        # Headers and body leave in separate writes; with Nagle's algorithm on, the body then waits for the
        # client's delayed ACK, some 40 ms on every answer of a kept-alive connection.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def finish(self):
        super().finish()
        if self.answered_early:
            drain_before_close(self.connection)

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
        # http.server's own errors (bad request line, 414, 501...) answered in the shape of the listener's service.
        self.close_connection = True
        self.answered_early = True
        err = ApiError('RequestTooLarge' if code in (413, 414, 431) else 'BadRequest')
        try:
            self.send_json(code, error_body(err, new_request_id(), service=self.service_name))
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
    def dispatch(self, headers, body):
        return self.emulator.handle_api(self.command, self.path, headers, body)

    def _handle(self):
        body = self.read_body()
        if body is None:
            return
        headers = {}
        for name, value in self.headers.items():
            headers.setdefault(name.lower(), value)
        status, extra, answer = self.dispatch(headers, body)
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


class StsHandler(ApiHandler):
    service_name = 'sts'

    def dispatch(self, headers, body):
        return self.emulator.handle_sts(self.command, self.path, headers, body)


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
                self.send_json(200, {'entries': emu.log.since(since)})
            elif route == ('DELETE', 'log'):
                emu.log.clear()
                self.send_json(200, {'ok': True})
            elif route == ('PUT', 'faults'):
                emu.faults.configure(json.loads(body.decode('utf-8') or '{}'))
                self.send_json(200, {'ok': True})
            elif route == ('GET', 'faults'):
                self.send_json(200, emu.faults.config())
            elif route == ('DELETE', 'faults'):
                emu.faults.clear()
                self.send_json(200, {'ok': True})
            elif route == ('GET', 'groups'):
                self._get_groups(parts[1:], args)
            elif route == ('POST', 'reset'):
                emu.reset()
                self.send_json(200, {'ok': True})
            elif route == ('POST', 'clock'):
                request = json.loads(body.decode('utf-8') or '{}')
                if not isinstance(request, dict) or set(request) != {'advance_seconds'}:
                    raise ValueError('the body must be {"advance_seconds": N}')
                emu.clock.advance(request['advance_seconds'])
                self.send_json(200, emu.clock.state())
            elif route == ('GET', 'temporary-keys'):
                self.send_json(200, {'keys': emu.temporary_keys()})
            elif route == ('PUT', 'consistency'):
                request = json.loads(body.decode('utf-8') or '{}')
                if not isinstance(request, dict) or set(request) != {'lag_ms'}:
                    raise ValueError('the body must be {"lag_ms": N}')
                emu.consistency.set(request['lag_ms'])
                self.send_json(200, emu.consistency.state())
            elif route == ('GET', 'consistency'):
                self.send_json(200, emu.consistency.state())
            elif route == ('DELETE', 'consistency'):
                emu.consistency.clear()
                self.send_json(200, emu.consistency.state())
            elif route == ('POST', 'members') and len(parts) == 1:
                self.send_json(200, emu.add_member(json.loads(body.decode('utf-8') or '{}')))
            elif route == ('DELETE', 'members') and len(parts) == 2:
                after_ms = args.get('after_ms') or '0'
                if not (after_ms.isascii() and after_ms.isdigit()):
                    raise ValueError('"after_ms" must be an integer >= 0')
                self.send_json(200, emu.release_member(unquote(parts[1]), int(after_ms)))
            elif route == ('GET', 'clock'):
                self.send_json(200, emu.clock.state())
            elif route == ('DELETE', 'clock'):
                emu.clock.reset()
                self.send_json(200, emu.clock.state())
            else:
                self.send_json(404, {'error': 'unknown admin endpoint'})
        except NotFoundError as exc:
            self.send_json(404, {'error': str(exc)})
        except (ValueError, FaultConfigError, LagConfigError) as exc:
            self.send_json(400, {'error': str(exc)})

    def _get_groups(self, parts, args):
        """GET /groups[?name=], /groups/<id>, /groups/<id>/rules[?direction=]."""
        emu = self.emulator
        if not parts:
            self.send_json(200, {'groups': emu.groups(args['name'] if 'name' in args else None)})
            return
        if len(parts) == 1:
            answer = emu.group_detail(parts[0])
            key = 'group'
        elif len(parts) == 2 and parts[1] == 'rules':
            answer = emu.group_rules(parts[0], args.get('direction') or None)
            key = 'rules'
            for row in answer or []:
                row.pop('seq', None)
        else:
            self.send_json(404, {'error': 'unknown admin endpoint'})
            return
        if answer is None:
            self.send_json(404, {'error': 'no such security group'})
            return
        self.send_json(200, {key: answer})

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # A client hanging up mid-answer is routine for the fault tests; stay quiet about it.
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, socket.timeout)):
            traceback.print_exc(file=sys.stderr)


class _TlsServer(_Server):
    """TLS per connection, the handshake in the connection's own thread so a silent client blocks nobody."""
    ssl_context = None  # set by make_sts_server
    handshake_timeout = 10
    idle_timeout = 60

    def finish_request(self, request, client_address):
        request.settimeout(self.handshake_timeout)
        try:
            connection = self.ssl_context.wrap_socket(request, server_side=True)
        except (OSError, ValueError):
            return  # a failed handshake (plain HTTP, untrusted certificate): the socket is closed already
        try:
            connection.settimeout(self.idle_timeout)
            self.RequestHandlerClass(connection, client_address, self)
        finally:
            try:
                connection.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], ssl.SSLError):
            return
        super().handle_error(request, client_address)


def _server_class(base, host):
    return type(base.__name__ + '6', (base,), {'address_family': socket.AF_INET6}) if ':' in host else base


def make_servers(emulator, host, port, admin_port):
    api_cls = type('BoundApiHandler', (ApiHandler,), {'emulator': emulator})
    admin_cls = type('BoundAdminHandler', (AdminHandler,), {'emulator': emulator})
    server_cls = _server_class(_Server, host)
    return server_cls((host, port), api_cls), server_cls((host, admin_port), admin_cls)


def make_sts_server(emulator, host, port, context):
    """The STS listener: AssumeRole over TLS with `context` (tls.server_context)."""
    sts_cls = type('BoundStsHandler', (StsHandler,), {'emulator': emulator})
    server = _server_class(_TlsServer, host)((host, port), sts_cls)
    server.ssl_context = context
    return server
