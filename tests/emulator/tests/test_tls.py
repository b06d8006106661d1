"""The STS listener's certificate (cryptography or openssl), and what happens without either."""

import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading

import pytest

from ecs_emulator import tls
from ecs_emulator.harness import DEFAULT_FIXTURE, PACKAGE_ROOT, Emulator, clean_env


def handshake(files, server_name, address='127.0.0.1'):
    """Serve one TLS handshake with the certificate and connect to it trusting only the CA; returns the peer's SAN."""
    context = tls.server_context(files['cert_file'], files['key_file'])
    family = socket.AF_INET6 if ':' in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as listener:
        listener.bind((address, 0))
        listener.listen(1)

        def accept_one():
            conn, dummy = listener.accept()
            try:
                with context.wrap_socket(conn, server_side=True):
                    pass
            except (OSError, ssl.SSLError):
                pass

        thread = threading.Thread(target=accept_one)
        thread.start()
        client = ssl.create_default_context(cafile=files['ca_file'])
        try:
            with socket.create_connection((address, listener.getsockname()[1]), timeout=10) as raw:
                with client.wrap_socket(raw, server_hostname=server_name) as secure:
                    return secure.getpeercert()['subjectAltName']
        finally:
            thread.join(10)


@pytest.mark.parametrize('method', ['cryptography', 'openssl'])
def test_certificate_for_loopback_names(tmp_path, method):
    if method == 'openssl' and shutil.which('openssl') is None:
        pytest.skip('no openssl command')
    files = tls.make_certificate(str(tmp_path / 's.sqlite'), method=method)
    assert files['method'] == method
    assert files['ca_file'] == str(tmp_path / 's.sqlite') + '.sts-ca.pem'
    assert oct(os.stat(files['key_file']).st_mode & 0o777) == '0o600'
    names = handshake(files, '127.0.0.1')
    assert ('DNS', 'localhost') in names and ('IP Address', '127.0.0.1') in names
    handshake(files, 'localhost')
    with pytest.raises(ssl.SSLCertVerificationError):
        handshake(files, 'example.com')


def test_certificate_covers_another_loopback_address(tmp_path):
    files = tls.make_certificate(str(tmp_path / 's.sqlite'), host='127.0.0.2')
    assert ('IP Address', '127.0.0.2') in handshake(files, '127.0.0.2', address='127.0.0.2')


@pytest.mark.parametrize('command', ['no-such-openssl-command', 'false'])
def test_openssl_failure_is_reported(command):
    with pytest.raises(tls.TlsUnavailable):
        tls._with_openssl(['127.0.0.1'], openssl=command)  # pylint: disable=protected-access


def test_unknown_method(tmp_path):
    with pytest.raises(ValueError):
        tls.make_certificate(str(tmp_path / 's.sqlite'), method='gnutls')


@pytest.fixture
def without_tls_tools(tmp_path):
    """An environment where `import cryptography` fails and no openssl command is on PATH."""
    stub = tmp_path / 'stub'
    (stub / 'cryptography').mkdir(parents=True)
    (stub / 'cryptography' / '__init__.py').write_text('raise ImportError("cryptography hidden by the test")\n')
    env = clean_env(extra_pythonpath=str(stub))
    env['PATH'] = str(tmp_path / 'empty-bin')
    return env


def serve(tmp_path, env, *extra):
    cmd = [sys.executable, '-m', 'ecs_emulator', 'serve', '--state', str(tmp_path / 's.sqlite'), '--fixture',
           DEFAULT_FIXTURE] + list(extra)
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=PACKAGE_ROOT)


def test_without_cryptography_openssl_is_used(tmp_path):
    if shutil.which('openssl') is None:
        pytest.skip('no openssl command')
    stub = tmp_path / 'stub'
    (stub / 'cryptography').mkdir(parents=True)
    (stub / 'cryptography' / '__init__.py').write_text('raise ImportError("hidden")\n')
    with serve(tmp_path, clean_env(extra_pythonpath=str(stub))) as proc:
        info = json.loads(proc.stdout.readline())
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
    assert 'sts' in info and os.path.exists(info['sts_ca_file'])


def test_without_any_tls_tool_sts_is_off_by_default(tmp_path, without_tls_tools):
    with serve(tmp_path, without_tls_tools) as proc:
        info = json.loads(proc.stdout.readline())
        proc.send_signal(signal.SIGTERM)
        dummy, err = proc.communicate(timeout=10)
    assert set(info) == {'endpoint', 'admin', 'pid'} and proc.returncode == 0
    assert b'STS disabled' in err


def test_without_any_tls_tool_sts_flag_fails(tmp_path, without_tls_tools):
    result = subprocess.run([sys.executable, '-m', 'ecs_emulator', 'serve', '--state', str(tmp_path / 's.sqlite'), '--sts'],
                            capture_output=True, env=without_tls_tools, cwd=PACKAGE_ROOT, timeout=30, check=False)
    assert result.returncode == 2 and result.stdout == b'' and b'cannot serve STS' in result.stderr


def test_no_sts_flag_keeps_the_old_announcement(tmp_path):
    emu = Emulator(str(tmp_path / 's.sqlite'), sts=False)
    with emu:
        assert emu.sts_endpoint is None and emu.sts_ca_file is None
    assert not os.path.exists(str(tmp_path / 's.sqlite') + '.sts-ca.pem')
    with serve(tmp_path, clean_env(), '--no-sts') as proc:
        info = json.loads(proc.stdout.readline())
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
    assert set(info) == {'endpoint', 'admin', 'pid'}


def test_fixed_sts_port(tmp_path):
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    with serve(tmp_path, clean_env(), '--sts-port', str(port)) as proc:
        info = json.loads(proc.stdout.readline())
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
    assert info['sts'] == '127.0.0.1:%d' % port
