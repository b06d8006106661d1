# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared pieces of the reliability suite: an emulator seeded with the suite's own groups, the playbook
runner of the integration tests, the two rule directions, an independent rule canonicaliser and a figures report."""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
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


def tally(title, **counts):
    """Add ``counts`` to the figures of ``title``: the cases of a parametrised test add up to one line."""
    for index, (existing, figures) in enumerate(FIGURES):
        if existing == title:
            merged = dict(figures)
            for name, count in counts.items():
                merged[name] = merged.get(name, 0) + count
            FIGURES[index] = (title, merged)
            return
    FIGURES.append((title, dict(counts)))


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section('reliability figures')
    for title, figures in FIGURES:
        terminalreporter.write_line('%s: %s' % (title, ', '.join('%s=%s' % item for item in figures.items())))


class SuiteEmulator:
    """Starts an emulator on a fixture made for one test module; stopped even when the test fails.

    ``groups`` are added to account main, ``peer_groups`` to account peer (whose role ecs-admin main may assume).
    """

    def __init__(self, groups, peer_groups=None):
        self.directory = tempfile.TemporaryDirectory(prefix='ecs-reliability-')
        fixture = harness.write_fixture(os.path.join(self.directory.name, 'fixture.json'), groups)
        if peer_groups:
            fixture = harness.write_fixture(fixture, peer_groups, account='peer', base=fixture)
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
# The two directions. Written out here rather than taken from the collection's _rule_model, for
# the reason given for the canonical form below: a naming mistake there must not hide on both
# sides of a comparison.
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Direction:
    """The names one direction of rules goes by in options, API parameters, actions and modules.

    ``peer`` prefixes the options of the remote side (where egress traffic goes, where ingress traffic
    comes from), ``local`` those of the address range inside the group.
    """

    name: str
    peer: str
    local: str
    authorize_action: str
    revoke_action: str
    modify_action: str

    @property
    def write_actions(self):
        """The API actions through which this direction's rules change."""
        return (self.authorize_action, self.revoke_action, self.modify_action)

    @property
    def module(self):
        """The rule module's fully qualified name."""
        return 'alicloud.ecs.security_group_%s' % self.name

    @property
    def info_module(self):
        """The info module's fully qualified name."""
        return 'alicloud.ecs.security_group_%s_info' % self.name

    def option(self, template):
        """An option name of this direction: '{peer}_cidr_ip' is dest_cidr_ip for egress, source_cidr_ip for ingress."""
        return template.format(peer=self.peer, local=self.local)

    def api_name(self, template):
        """The API parameter of an option template: '{peer}_cidr_ip' is DestCidrIp for egress."""
        return ''.join(part.capitalize() for part in self.option(template).split('_'))


EGRESS = Direction(name='egress', peer='dest', local='source', authorize_action='AuthorizeSecurityGroupEgress',
                   revoke_action='RevokeSecurityGroupEgress', modify_action='ModifySecurityGroupEgressRule')
INGRESS = Direction(name='ingress', peer='source', local='dest', authorize_action='AuthorizeSecurityGroup',
                    revoke_action='RevokeSecurityGroup', modify_action='ModifySecurityGroupRule')
DIRECTIONS = (EGRESS, INGRESS)


# security_group writes the group's own attributes and tags besides both directions' rules.
GROUP_MODULE = 'alicloud.ecs.security_group'
GROUP_WRITE_ACTIONS = ('CreateSecurityGroup', 'ModifySecurityGroupAttribute', 'ModifySecurityGroupPolicy', 'TagResources',
                       'UntagResources', 'DeleteSecurityGroup')
# Every action through which security_group may change anything.
GROUP_MODULE_WRITE_ACTIONS = GROUP_WRITE_ACTIONS + EGRESS.write_actions + INGRESS.write_actions


def opposite(direction):
    """The other direction of the two."""
    return INGRESS if direction is EGRESS else EGRESS


# Reads that lag writes by this much (the emulator's consistency-lag mode): long enough that every read a task
# makes right after its writes sees the state before them, short enough for the suite's time budget.
LAG_MS = 400


@pytest.fixture(name='lag_ms', params=(0, LAG_MS), ids=lambda lag: 'lag %d ms' % lag if lag else 'no lag')
def lag_fixture(request):
    """Runs a test with reads that show the current state, and again with reads that lag writes by LAG_MS."""
    return request.param


def lag_label(lag_ms):
    """How a report names the lag of its run."""
    return 'lag %d ms' % lag_ms if lag_ms else 'no lag'


@pytest.fixture(name='direction', params=DIRECTIONS, ids=lambda each: each.name)
def direction_fixture(request):
    """Runs a test once per direction: a case is written once and holds for egress and ingress alike."""
    return request.param


# ---------------------------------------------------------------------------------------------
# An independent canonical form. The suite deliberately does not reuse the collection's rule model
# (_rule_model, _values): a normalisation bug there would otherwise hide on both sides of every comparison.
# ---------------------------------------------------------------------------------------------

PROTOCOL_NAMES = {'6': 'tcp', '17': 'udp', '1': 'icmp', '47': 'gre', '58': 'icmpv6', '-1': 'all'}


def canonical_ports(value):
    match = re.fullmatch(r'(\d+)(?:[/-](\d+))?', str(value or '').strip())
    if not match:
        return '-1/-1'
    return '%s/%s' % (int(match.group(1)), int(match.group(2) or match.group(1)))


def identity(rule, direction):
    """(protocol, ports, peer, policy, priority, nic type) of a rule of ``direction``, in API, module or stored form."""
    def pick(*names):
        for name in names:
            if rule.get(name) not in (None, ''):
                return rule[name]
        return None

    protocol = str(pick('ip_protocol', 'IpProtocol')).lower()
    protocol = PROTOCOL_NAMES.get(protocol, protocol)
    ports = canonical_ports(pick('port_range', 'PortRange'))
    cidr = pick(direction.option('{peer}_cidr_ip'), direction.api_name('{peer}_cidr_ip'))
    group = pick(direction.option('{peer}_group_id'), direction.api_name('{peer}_group_id'))
    peer = str(ipaddress.ip_network(cidr, strict=False)) if cidr else group
    return (protocol, ports, peer, str(pick('policy', 'Policy') or 'accept').lower(),
            int(pick('priority', 'Priority') or 1), str(pick('nic_type', 'NicType') or 'intranet').lower())


def duplicates(rules, direction):
    """The identities that more than one of ``rules`` has."""
    return sorted(key for key, count in Counter(identity(rule, direction) for rule in rules).items() if count > 1)
