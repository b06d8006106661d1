# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared pieces of the reliability suite: an emulator seeded with the suite's own groups, the playbook
runner of the integration tests, an independent rule canonicaliser and a figures report."""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / 'tests' / 'emulator'))

from ecs_emulator import harness  # noqa: E402  pylint: disable=wrong-import-position


def _load_integration_helpers():
    # The integration suite's conftest holds the playbook runner; load it under another name so that
    # pytest's own conftest of this directory does not clash with it.
    spec = importlib.util.spec_from_file_location('integration_playbooks', REPO / 'tests' / 'integration' / 'conftest.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PlaybookRunner = _load_integration_helpers().PlaybookRunner

FIGURES = []


def report(title, **figures):
    """Keep figures for the end-of-run summary, where they are printed even when tests pass."""
    FIGURES.append((title, figures))


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section('reliability figures')
    for title, figures in FIGURES:
        terminalreporter.write_line('%s: %s' % (title, ', '.join('%s=%s' % item for item in figures.items())))


class SuiteEmulator:
    """Starts an emulator on a fixture made for one test module; stopped even when the test fails."""

    def __init__(self, groups):
        self.directory = tempfile.TemporaryDirectory(prefix='ecs-reliability-')
        fixture = harness.write_fixture(os.path.join(self.directory.name, 'fixture.json'), groups)
        self.server = harness.Emulator(os.path.join(self.directory.name, 'state.sqlite'), fixture_path=fixture)

    def __enter__(self):
        try:
            self.server.start()
        except BaseException:
            self.directory.cleanup()
            raise
        return self.server

    def __exit__(self, *exc):
        try:
            self.server.stop()
        finally:
            self.directory.cleanup()


@pytest.fixture
def playbooks(tmp_path):
    def make(server):
        return PlaybookRunner(server, tmp_path / 'runs')
    return make


# ---------------------------------------------------------------------------------------------
# An independent canonical form. The suite deliberately does not reuse the collection's _rules
# module: a normalisation bug there would otherwise hide on both sides of every comparison.
# ---------------------------------------------------------------------------------------------

PROTOCOL_NAMES = {'6': 'tcp', '17': 'udp', '1': 'icmp', '47': 'gre', '58': 'icmpv6', '-1': 'all'}


def canonical_ports(value):
    match = re.fullmatch(r'(\d+)(?:[/-](\d+))?', str(value or '').strip())
    if not match:
        return '-1/-1'
    return '%s/%s' % (int(match.group(1)), int(match.group(2) or match.group(1)))


def identity(rule):
    """(protocol, ports, destination, policy, priority, nic type) of a rule in API or module form."""
    def pick(*names):
        for name in names:
            if rule.get(name) not in (None, ''):
                return rule[name]
        return None

    protocol = str(pick('ip_protocol', 'IpProtocol')).lower()
    protocol = PROTOCOL_NAMES.get(protocol, protocol)
    ports = canonical_ports(pick('port_range', 'PortRange'))
    cidr = pick('dest_cidr_ip', 'DestCidrIp')
    destination = str(ipaddress.ip_network(cidr, strict=False)) if cidr else pick('dest_group_id', 'DestGroupId')
    return (protocol, ports, destination, str(pick('policy', 'Policy') or 'accept').lower(),
            int(pick('priority', 'Priority') or 1), str(pick('nic_type', 'NicType') or 'intranet').lower())


def duplicates(rules):
    return sorted(key for key, count in Counter(identity(rule) for rule in rules).items() if count > 1)
