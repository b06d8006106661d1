# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The emulator the whole test suite trusts: it survives hostile bytes, and kill -9 never corrupts its state."""

from __future__ import annotations

import contextlib
import json
import random
import socket
import sqlite3
import threading
import time
from collections import Counter

import pytest
from alibabacloud_ecs20140526 import models
from alibabacloud_ecs20140526.client import Client
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.exceptions import RetryError

from conftest import SuiteEmulator, harness, report

GROUP = 'sg-rel-durable'
KEYS = harness.credentials('main')


def sdk_client(server):
    return Client(Config(access_key_id=KEYS['access_key_id'], access_key_secret=KEYS['access_key_secret'],
                         region_id='cn-hangzhou', endpoint=server.endpoint, protocol='http',
                         connect_timeout=2000, read_timeout=5000))


def egress_count(server):
    """Egress rules of GROUP, read through the API port with a signed request (not the admin port)."""
    request = models.DescribeSecurityGroupAttributeRequest(region_id='cn-hangzhou', security_group_id=GROUP,
                                                           direction='egress', max_results=1000)
    return len(sdk_client(server).describe_security_group_attribute(request).body.permissions.permission)


def send_raw(server, payload, read=True):
    host, port = server.endpoint.rsplit(':', 1)
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(payload)
        if not read:
            return b''
        connection.shutdown(socket.SHUT_WR)
        chunks = []
        try:
            while True:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except OSError:
            pass
        return b''.join(chunks)


HOSTILE = {
    'random bytes': bytes(random.Random(1).getrandbits(8) for dummy in range(4096)),
    'no request line': b'\r\n\r\n',
    'bad request line': b'GARBAGE\r\n\r\n',
    'http/0.9': b'GET /\r\n',
    'header without colon': b'POST / HTTP/1.1\r\nHost: x\r\nnonsense\r\n\r\n',
    'header line of 100 kB': b'POST / HTTP/1.1\r\nX-Big: ' + b'a' * 100000 + b'\r\n\r\n',
    '200 headers': b'POST / HTTP/1.1\r\n' + b''.join(b'X-%d: y\r\n' % index for index in range(200)) + b'\r\n',
    'query of 1 MB': b'POST /?Action=DescribeRegions&' + b'x=' + b'%41' * 350000 + b' HTTP/1.1\r\nHost: x\r\n\r\n',
    'garbage parameters': b'POST /?Action=%ff%00&Version=../../&RegionId[]=1&&&=& HTTP/1.1\r\nHost: x\r\n\r\n',
    'form body unsigned': (b'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n'
                           b'Content-Length: 53\r\n\r\nAction=AuthorizeSecurityGroupEgress&SecurityGroupId=x'),
    'bad signature': (b'POST /?Action=AuthorizeSecurityGroupEgress&SecurityGroupId=' + GROUP.encode()
                      + b'&IpProtocol=tcp&PortRange=1/1&DestCidrIp=10.0.0.0/8 HTTP/1.1\r\nHost: x\r\n'
                      b'Authorization: ACS3-HMAC-SHA256 Credential=' + KEYS['access_key_id'].encode()
                      + b',SignedHeaders=host,Signature=00\r\nx-acs-action: AuthorizeSecurityGroupEgress\r\n\r\n'),
    'truncated body': b'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nAction=Desc',
}


SILENT_CLOSE_ALLOWED = ('random bytes', 'no request line', 'truncated body')


@pytest.fixture(scope='module')
def server():
    with SuiteEmulator({GROUP: {}}) as emulator:
        yield emulator


@pytest.mark.parametrize('case', sorted(HOSTILE))
def test_hostile_bytes_get_an_error_and_the_server_keeps_serving(server, case):
    before = egress_count(server)
    answer = send_raw(server, HOSTILE[case])
    # Only bytes that are no request at all may be met with a plain close.
    assert answer or case in SILENT_CLOSE_ALLOWED, 'the server closed without an answer'
    if answer.startswith(b'HTTP/'):
        status_line = answer.split(b'\r\n', 1)[0]
        assert int(status_line.split()[1]) >= 400, status_line
    elif answer:
        # A request line without a version is HTTP/0.9, whose answer is the body alone.
        assert json.loads(answer)['Code'], answer
    assert b'Traceback' not in answer
    assert egress_count(server) == before


def test_half_open_connections_do_not_block_others(server):
    # A client that sends half a request and goes quiet must not stall everyone else.
    idle = [socket.create_connection(tuple([server.endpoint.rsplit(':', 1)[0], int(server.endpoint.rsplit(':', 1)[1])]))
            for dummy in range(5)]
    try:
        for connection in idle:
            connection.sendall(b'POST / HTTP/1.1\r\nHost: x\r\n')
        started = time.monotonic()
        egress_count(server)
        # Generous for a busy CI machine; a server that serialised connections would wait for ever.
        assert time.monotonic() - started < 10
    finally:
        for connection in idle:
            connection.close()


class Acknowledged:
    """Port ranges of the writes the server answered, shared by the writer threads.

    The test waits on this (a condition with a deadline) instead of sleeping a fixed time before the
    kill: on a loaded machine a fixed sleep may end before the first write was answered.
    """

    def __init__(self):
        self.port_ranges = []
        self.changed = threading.Condition()

    def add(self, port_range):
        with self.changed:
            self.port_ranges.append(port_range)
            self.changed.notify_all()

    def writer_finished(self):
        with self.changed:
            self.changed.notify_all()

    def wait_for(self, count, workers, timeout):
        """Wait until ``count`` writes were answered, or every worker has stopped, or ``timeout`` has passed."""
        with self.changed:
            return self.changed.wait_for(
                lambda: len(self.port_ranges) >= count or not any(worker.is_alive() for worker in workers), timeout)


def hammer(server, worker, acknowledged, stop, errors):
    client = sdk_client(server)
    port = 1000 * (worker + 1)
    try:
        while not stop.is_set():
            port += 1
            request = models.AuthorizeSecurityGroupEgressRequest(
                region_id='cn-hangzhou', security_group_id=GROUP, ip_protocol='tcp', port_range='%d/%d' % (port, port),
                dest_cidr_ip='10.%d.0.0/16' % worker)
            try:
                client.authorize_security_group_egress(request)
            except Exception as exc:  # pylint: disable=broad-except
                # After the kill every call fails to connect; anything else before it is a finding.
                if not stop.is_set() and not isinstance(getattr(exc, 'inner_exception', exc), (OSError, RetryError)) \
                        and 'RetryError' not in type(exc).__name__:
                    errors.append(repr(exc))
                return
            acknowledged.add('%d/%d' % (port, port))
    finally:
        # Wakes the test up at once if every writer stopped early (an error) rather than at the deadline.
        acknowledged.writer_finished()


WRITERS = 4
# Far more than the writers need on a busy CI machine (they answer about 90 writes a second here).
ACKNOWLEDGED_DEADLINE = 60


# Kill right after the first answered write, a little later and well into the run.
@pytest.mark.parametrize('kill_after', [1, 30, 150])
def test_kill_9_during_writes_keeps_every_acknowledged_rule_and_a_sound_file(kill_after):
    with SuiteEmulator({GROUP: {}}) as emulator:
        acknowledged, errors, stop = Acknowledged(), [], threading.Event()
        workers = [threading.Thread(target=hammer, args=(emulator, worker, acknowledged, stop, errors))
                   for worker in range(WRITERS)]
        for worker in workers:
            worker.start()
        acknowledged.wait_for(kill_after, workers, ACKNOWLEDGED_DEADLINE)
        emulator.kill()
        stop.set()
        for worker in workers:
            worker.join(timeout=30)
        hung = [worker.name for worker in workers if worker.is_alive()]

        with contextlib.closing(sqlite3.connect(emulator.state_path)) as database:
            integrity = database.execute('PRAGMA integrity_check').fetchone()[0]
        # Checked before the restart, which would fail on a damaged file with a less telling error.
        assert integrity == 'ok', integrity
        emulator.start()
        stored = [row['port_range'] for row in emulator.egress_rules(GROUP)]
        counted_through_the_api = egress_count(emulator)
    written = acknowledged.port_ranges
    lost = sorted(set(written) - set(stored))
    duplicated = sorted(port_range for port_range, count in Counter(stored).items() if count > 1)
    report('kill -9 at acknowledged write #%d' % kill_after, acknowledged_writes=len(written), stored_rules=len(stored),
           lost=len(lost), duplicates=len(duplicated), integrity=integrity)

    assert not errors, errors[:3]
    assert not hung, hung
    assert len(written) >= kill_after, 'only %d writes answered within %ds' % (len(written), ACKNOWLEDGED_DEADLINE)
    assert not lost, lost[:5]
    assert not duplicated, duplicated[:5]
    # At most the writes in flight at the moment of the kill landed without an answer.
    assert len(stored) - len(written) <= WRITERS
    assert counted_through_the_api == len(stored)
