"""Command line: `python -m ecs_emulator serve ...` and `python -m ecs_emulator log --admin URL`."""

import argparse
import ipaddress
import json
import os
import signal
import sys
import threading
import urllib.request

from .server import Emulator, make_servers, make_sts_server


def _loopback(host):
    if host == 'localhost':
        return '127.0.0.1'
    try:
        if ipaddress.ip_address(host).is_loopback:
            return host
    except ValueError:
        pass
    return None


def serve(args):
    host = _loopback(args.host)
    if host is None:
        sys.stderr.write('ecs_emulator: refusing to listen on non-loopback host %r\n' % args.host)
        return 2
    emulator = Emulator(args.state, args.fixture, reset=args.reset)
    sts_files = None
    if args.sts is not False:
        # Imported here: without STS the emulator needs neither cryptography nor openssl.
        from . import tls  # pylint: disable=import-outside-toplevel
        try:
            sts_files = tls.make_certificate(args.state, host)
        except (tls.TlsUnavailable, OSError) as exc:
            if args.sts:
                sys.stderr.write('ecs_emulator: cannot serve STS: %s\n' % exc)
                return 2
            sys.stderr.write('ecs_emulator: STS disabled: %s\n' % exc)
    api, admin = make_servers(emulator, host, args.port, args.admin_port)
    servers = [api, admin]
    if sts_files is not None:
        servers.append(make_sts_server(emulator, host, args.sts_port, tls.server_context(sts_files['cert_file'], sts_files['key_file'])))
    stop = threading.Event()

    def on_signal(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    threads = [threading.Thread(target=s.serve_forever, kwargs={'poll_interval': 0.2}, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    shown = '[%s]' % host if ':' in host else host
    announcement = {'endpoint': '%s:%d' % (shown, api.server_address[1]),
                    'admin': 'http://%s:%d' % (shown, admin.server_address[1]), 'pid': os.getpid()}
    if sts_files is not None:
        announcement.update(sts='%s:%d' % (shown, servers[2].server_address[1]), sts_ca_file=sts_files['ca_file'])
    sys.stdout.write(json.dumps(announcement) + '\n')
    sys.stdout.flush()
    while not stop.wait(0.5):
        pass
    for server in servers:
        server.shutdown()
        server.server_close()
    return 0


def show_log(args):
    url = args.admin.rstrip('/') + '/log?since=%d' % args.since
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as response:
        for entry in json.loads(response.read().decode('utf-8'))['entries']:
            sys.stdout.write(json.dumps(entry, sort_keys=True) + '\n')
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m ecs_emulator', description='ECS 2014-05-26 API emulator (loopback only)')
    sub = parser.add_subparsers(dest='command', required=True)
    p_serve = sub.add_parser('serve', help='run the emulator')
    p_serve.add_argument('--host', default='127.0.0.1')
    p_serve.add_argument('--port', type=int, default=0)
    p_serve.add_argument('--admin-port', type=int, default=0)
    p_serve.add_argument('--state', required=True, help='SQLite state file; created and seeded if new')
    p_serve.add_argument('--fixture', default=None, help='YAML or JSON fixture used to seed a new state')
    p_serve.add_argument('--reset', action='store_true', help='re-seed from the fixture even if the state exists')
    p_serve.add_argument('--sts', dest='sts', action='store_true', default=None,
                         help='serve STS over TLS (default: on when a certificate can be made; with --sts failing to make one is fatal)')
    p_serve.add_argument('--no-sts', dest='sts', action='store_false', help='do not serve STS')
    p_serve.add_argument('--sts-port', type=int, default=0)
    p_log = sub.add_parser('log', help='print the request log of a running emulator')
    p_log.add_argument('--admin', required=True)
    p_log.add_argument('--since', type=int, default=0)
    args = parser.parse_args(argv)
    if args.command == 'serve':
        return serve(args)
    return show_log(args)


if __name__ == '__main__':
    sys.exit(main())
