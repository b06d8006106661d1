# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Audit answers about one group's rules: worked cases where a static matcher (a rule spelled 0.0.0.0/0 whose
port range holds 22) is wrong, and property tests against a brute-force reference that cuts every dimension into
elementary cells and asks the evaluator about one flow of each."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from ansible_collections.alicloud.ecs.plugins.module_utils import _audit as au
from ansible_collections.alicloud.ecs.plugins.module_utils import _flow_analysis as fa
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import EGRESS, INGRESS, parse_rule, resolve_rule
from ansible_collections.alicloud.ecs.plugins.module_utils._values import RuleError

GROUP_ID = 'sg-self'
NICS = ('intranet', 'internet')  # a classic group's instances have both; a VPC group's only intranet
VPC_NICS = ('intranet',)
CONTEXTS = {'normal': fa.GroupContext(GROUP_ID, 'normal', 'accept'), 'enterprise': fa.GroupContext(GROUP_ID, 'enterprise', 'accept')}
REMOTE_ADMIN = au.remote_admin_check(au.parse_ports(['23', '5985-5986'], 'remote_admin_ports'))


def rule(direction=INGRESS, nic_type=None, **options):
    """A canonical rule of a VPC group; ``nic_type`` internet makes it a classic group's internet rule."""
    made = resolve_rule(parse_rule(direction, options), True, GROUP_ID)
    return replace(made, nic_type=nic_type) if nic_type else made


def group(rules, group_type='normal', prefix_lists=None, unresolved=(), egress=(), nic_types=('intranet',)):
    return au.AuditedGroup(context=CONTEXTS[group_type], rules={'ingress': [(GROUP_ID, item) for item in rules],
                                                                'egress': [(GROUP_ID, item) for item in egress]},
                           list_entries=dict(prefix_lists or {}), unresolved=tuple(unresolved), nic_types=frozenset(nic_types))


def status_of(finding):
    return ('pass', None) if finding is None else (finding['status'], finding['severity'])


# --- the brute-force reference ------------------------------------------------------------------------------

TOP = {4: 2 ** 32, 6: 2 ** 128}  # one past the last address of each family
PROTOCOLS_OF = {4: ('tcp', 'udp', 'icmp', 'gre', 'other'), 6: ('tcp', 'udp', 'icmpv6', 'gre', 'other')}
EVERYTHING_LIST, NOTHING_LIST = 'pl-reference-every', 'pl-reference-none'


def span(cidr):
    network = ipaddress.ip_network(cidr, strict=False)
    return network.version, int(network.network_address), int(network.broadcast_address)


def port_span(text):
    """(low, high) of a rule's 'a/b' or a user's 'a-b' or 'a'; None for -1/-1 (every port)."""
    if text.startswith('-'):
        return None
    bounds = [int(bound) for bound in text.replace('-', '/').split('/')]
    return bounds[0], bounds[-1]


def cells(cuts):
    points = sorted(cuts)
    return [(low, nxt - 1) for low, nxt in zip(points, points[1:])]


def inside(cell, spans):
    """Whether a cell (which no bound of ``spans`` splits) lies within them."""
    return any(low <= cell[0] <= high for low, high in spans)


def in_cidrs(version, value, cidrs):
    return any(span(cidr)[0] == version and span(cidr)[1] <= value <= span(cidr)[2] for cidr in cidrs)


def address(version, value):
    return (ipaddress.IPv4Address if version == 4 else ipaddress.IPv6Address)(value)


class Reference:
    """Every flow of one direction's rules, one per elementary cell of each dimension, decided one at a time by
    ``_flow_analysis.evaluate`` as a flow from a plain address (no group membership) with every field given."""

    def __init__(self, direction_name, tagged_rules, context, prefix_lists, remote_cidrs=(), local_cidrs=(), ports=(), nics=NICS):
        self.direction_name, self.context, self.nics = direction_name, context, nics
        self.table = fa.RuleTable(tagged_rules, prefix_lists)
        remote_cuts = {4: {0, TOP[4]}, 6: {0, TOP[6]}}
        local_cuts = {4: {0, TOP[4]}, 6: {0, TOP[6]}}
        port_cuts, source_cuts = {1, 65536}, {1, 65536}

        def cut_cidr(cuts, cidr):
            version, low, high = span(cidr)
            cuts[version].update((low, high + 1))

        def cut_ports(cuts, bounds):
            if bounds is not None:
                cuts.update((bounds[0], bounds[1] + 1))

        for _group_id, item in tagged_rules:
            for cidr in [item.peer_cidr_ip, item.peer_ipv6_cidr_ip] + list(prefix_lists.get(item.peer_prefix_list_id) or []):
                if cidr:
                    cut_cidr(remote_cuts, cidr)
            for cidr in (item.local_cidr_ip, item.local_ipv6_cidr_ip):
                if cidr:
                    cut_cidr(local_cuts, cidr)
            if item.ip_protocol in ('tcp', 'udp'):
                cut_ports(port_cuts, port_span(item.port_range))
            if item.source_port_range:
                cut_ports(source_cuts, port_span(item.source_port_range))
        for cidr in remote_cidrs:
            cut_cidr(remote_cuts, cidr)
        for cidr in local_cidrs:
            cut_cidr(local_cuts, cidr)
        for bounds in ports:
            cut_ports(port_cuts, bounds)
        self.remote = dict((version, cells(remote_cuts[version])) for version in (4, 6))
        self.local = dict((version, cells(local_cuts[version])) for version in (4, 6))
        self.ports, self.source_ports = cells(port_cuts), cells(source_cuts)
        self.memo = {}

    def accepts(self, version, protocol, port, remote, local, nic):
        """Whether the flow of these cells is accepted for some source port."""
        key = (version, protocol, port, remote, local, nic)
        if key not in self.memo:
            self.memo[key] = False
            for source, _high in self.source_ports:
                flow = fa.Flow(protocol=protocol, remote=address(version, remote[0]), port=port[0] if port else None,
                               local=address(version, local[0]), source_port=source, nic_type=nic, remote_groups=frozenset())
                verdict = fa.evaluate(self.direction_name, None, flow, [self.context], table=self.table)['verdict']
                assert verdict in ('accept', 'drop'), (flow, verdict)
                if verdict == 'accept':
                    self.memo[key] = True
                    break
        return self.memo[key]

    def flows(self, version, protocols, ports):
        """[(protocol, port cell)] of a question: tcp and udp at every port cell within ``ports``, the other
        protocols (which have no ports) once."""
        out = []
        for protocol in PROTOCOLS_OF[version]:
            if protocol in protocols:
                out.extend([(protocol, cell) for cell in self.ports if inside(cell, ports)] if protocol in ('tcp', 'udp') else [(protocol, None)])
        return out

    def endpoints(self, version, local_cidrs=None):
        return [(local, nic) for local in self.local[version] if local_cidrs is None or in_cidrs(version, local[0], local_cidrs)
                for nic in self.nics]

    def reaching(self, version, flows, local, nic):
        """The remote cells from which every one of ``flows`` is accepted at one endpoint."""
        return [remote for remote in self.remote[version]
                if all(self.accepts(version, protocol, port, remote, local, nic) for protocol, port in flows)]


def not_public(version):
    if version == 4:
        return [span(cidr)[1:] for cidr in au.NOT_PUBLIC_V4]
    # Outside global unicast, or the documentation prefix.
    _version, low, high = span(au.GLOBAL_UNICAST_V6)
    return [(0, low - 1), (high + 1, TOP[6] - 1)] + [span(cidr)[1:] for cidr in au.NOT_PUBLIC_V6]


def widest_public_prefix(version, remote_cells):
    """The shortest prefix length of a public CIDR block made of the cells, or None."""
    best = None
    for low, high in remote_cells:
        pieces = [(low, high)]
        for cut_low, cut_high in not_public(version):
            pieces = [part for piece_low, piece_high in pieces
                      for part in ((piece_low, min(piece_high, cut_low - 1)), (max(piece_low, cut_high + 1), piece_high))
                      if part[0] <= part[1]]
        for piece_low, piece_high in pieces:
            for block in ipaddress.summarize_address_range(address(version, piece_low), address(version, piece_high)):
                best = block.prefixlen if best is None else min(best, block.prefixlen)
    return best


SEVERITY_ORDER = ('low', 'medium', 'high', 'critical')

# What each built-in check asks, written out here: (check, protocols, ports, whether each protocol and port is asked
# on its own).
REFERENCE_CHECKS = {
    'ssh': (au.SSH, {'tcp'}, [(22, 22)], True),
    'rdp': (au.RDP, {'tcp', 'udp'}, [(3389, 3389)], True),
    'remote_admin': (REMOTE_ADMIN, {'tcp'}, [(23, 23), (5985, 5986)], True),
    'all_traffic': (au.ALL_TRAFFIC, set(PROTOCOLS_OF[4] + PROTOCOLS_OF[6]), [(1, 65535)], False),
}


def reference_check(name, tagged_rules, context, prefix_lists, tolerated=None, nics=('intranet',)):
    """('pass', None) or ('fail', severity): whether for some port asked on its own, some endpoint is reached by
    every address of a family (the check's severity), or by a public block wider than tolerated (medium)."""
    check, protocols, ports, each_port = REFERENCE_CHECKS[name]
    # Traffic from the internet reaches a classic network instance (both NIC types) on its internet NIC only.
    nics = ('internet',) if len(nics) > 1 else nics
    reference = Reference('ingress', tagged_rules, context, prefix_lists, ports=ports, nics=nics)
    port_groups = [[cell] for cell in reference.ports if inside(cell, ports)] if each_port else [ports]
    protocol_groups = [{protocol} for protocol in sorted(protocols)] if each_port else [protocols]
    worst = ('pass', None)
    for ports, asked in ((ports, asked) for ports in port_groups for asked in protocol_groups):
        for version in (4, 6):
            flows = reference.flows(version, asked, ports)
            for local, nic in reference.endpoints(version):
                reach = reference.reaching(version, flows, local, nic)
                limit = (tolerated or {}).get(au.FAMILIES[version])
                widest = widest_public_prefix(version, reach) if limit is not None else None
                if len(reach) == len(reference.remote[version]):
                    found = ('fail', check.severity)
                elif widest is not None and widest < limit:
                    found = ('fail', 'medium')
                else:
                    continue
                if worst[0] == 'pass' or SEVERITY_ORDER.index(found[1]) > SEVERITY_ORDER.index(worst[1]):
                    worst = found
    return worst


def at_extreme(tagged_rules, prefix_lists, unresolved, most):
    """The rules with each unreadable prefix list taken as every address or none: for ``most`` accept rules get
    every address and drop rules none; otherwise the reverse."""
    rules = []
    for group_id, item in tagged_rules:
        if item.peer_prefix_list_id in unresolved:
            every = (item.policy == 'accept') == most
            item = replace(item, peer_prefix_list_id=EVERYTHING_LIST if every else NOTHING_LIST)
        rules.append((group_id, item))
    return rules, dict(prefix_lists, **{EVERYTHING_LIST: ['0.0.0.0/0', '::/0'], NOTHING_LIST: []})


def between_extremes(answer, tagged_rules, prefix_lists, unresolved, undetermined):
    """The answer when both extremes agree, else ``undetermined``."""
    most = answer(*at_extreme(tagged_rules, prefix_lists, unresolved, True))
    least = answer(*at_extreme(tagged_rules, prefix_lists, unresolved, False))
    return least if most == least else undetermined


# --- assertions, read straight off the options ------------------------------------------------------------

def assertion_domain(options):
    """(direction, protocols, port spans, remote CIDRs, remote_except CIDRs, local CIDRs or None) of the options."""
    protocol = str(options['protocol']).lower()
    protocols = set(PROTOCOLS_OF[4] + PROTOCOLS_OF[6]) if protocol == 'all' else {'other'} if protocol.isdigit() else {protocol}
    ports = [port_span(str(value)) for value in options.get('ports') or []] or [(1, 65535)]
    remote = [cidr for value in options.get('remote') or ['internet'] for cidr in (['0.0.0.0/0', '::/0'] if value == 'internet' else [value])]
    return options.get('direction') or 'ingress', protocols, ports, remote, options.get('remote_except') or [], options.get('local')


def reference_assertion(kind, options, tagged_rules, context, prefix_lists, nics=('intranet',)):
    """'fail' or 'pass': forbid fails when some flow of the question is accepted; require when some flow (at some
    local address and NIC type) is accepted for no source port."""
    direction_name, protocols, ports, remote, remote_except, local = assertion_domain(options)
    reference = Reference(direction_name, tagged_rules, context, prefix_lists, remote_cidrs=remote + remote_except,
                          local_cidrs=local or (), ports=ports, nics=nics)
    outcomes = []
    for version in (4, 6):
        remotes = [cell for cell in reference.remote[version]
                   if in_cidrs(version, cell[0], remote) and not in_cidrs(version, cell[0], remote_except)]
        flows = reference.flows(version, protocols, ports)
        for local_cell, nic in reference.endpoints(version, local):
            outcomes.extend(reference.accepts(version, protocol, port, remote_cell, local_cell, nic)
                            for remote_cell in remotes for protocol, port in flows)
    if kind == 'forbid':
        return 'fail' if any(outcomes) else 'pass'
    return 'pass' if all(outcomes) else 'fail'


# --- generated rule sets ------------------------------------------------------------------------------------

V4_CIDRS = ['0.0.0.0/0', '0.0.0.0/1', '128.0.0.0/1', '10.0.0.0/8', '1.2.3.0/24']
V6_CIDRS = ['::/0', '2000::/3']
PORT_RANGES = ['20/30', '22/22', '1/65535', '3389/3389', '-1/-1']
SOURCE_PORT_RANGES = ['1/1024', '1025/65535', '22/22']
PREFIX_LISTS = {'pl-halves': ['0.0.0.0/1', '128.0.0.0/1', '2000::/3'], 'pl-office': ['1.2.3.0/24'], 'pl-all': ['0.0.0.0/0', '::/0'],
                'pl-empty': []}
UNREADABLE = 'pl-unreadable'
LOCAL_V4, LOCAL_V6 = ['192.168.0.0/24', '192.168.0.0/25', '10.0.0.0/8'], ['fd00::/8']
PEERS = ('v4', 'v4', 'v4', 'v6', 'group', 'list')
PEERS_OF_LISTS = ('v4', 'v4', 'v6', 'group', 'list', 'list', 'list')
UNREADABLE_OFTEN = sorted(PREFIX_LISTS) + [UNREADABLE] * 4


@st.composite
def rule_options(draw, direction, lists, peers):
    protocol = draw(st.sampled_from(['tcp', 'tcp', 'udp', 'all', 'icmp']))
    option = direction.option
    options = dict(ip_protocol=protocol, policy=draw(st.sampled_from(['accept', 'accept', 'drop'])), priority=draw(st.sampled_from([1, 2, 100])))
    if protocol in ('tcp', 'udp'):
        options['port_range'] = draw(st.sampled_from(PORT_RANGES))
        if draw(st.integers(0, 3)) == 0:
            options['source_port_range'] = draw(st.sampled_from(SOURCE_PORT_RANGES))
    peer = draw(st.sampled_from(peers))
    nic_type = None
    if peer == 'v4':
        options[option('peer_cidr_ip')] = draw(st.sampled_from(V4_CIDRS))
        if draw(st.integers(0, 4)) == 0:
            options[option('local_cidr_ip')] = draw(st.sampled_from(LOCAL_V4))
    elif peer == 'v6':
        options[option('peer_ipv6_cidr_ip')] = draw(st.sampled_from(V6_CIDRS))
        if draw(st.integers(0, 4)) == 0:
            options[option('local_ipv6_cidr_ip')] = draw(st.sampled_from(LOCAL_V6))
    elif peer == 'group':
        options[option('peer_group_id')] = draw(st.sampled_from(['sg-peer', 'sg-other']))
    else:
        options[option('peer_prefix_list_id')] = draw(st.sampled_from(lists))
    if peer in ('v4', 'v6') and draw(st.integers(0, 5)) == 0:
        nic_type = 'internet'  # a classic group's rule
    return options, nic_type


def draw_rules(data, direction=INGRESS, lists=tuple(sorted(PREFIX_LISTS)), peers=PEERS, max_size=5):
    rules = []
    for options, nic_type in data.draw(st.lists(rule_options(direction, list(lists), peers), min_size=1, max_size=max_size), label='rules'):
        try:
            rules.append((GROUP_ID, rule(direction, nic_type, **options)))
        except RuleError:
            continue  # icmp from an IPv6 block, tcp with -1/-1: rules ECS does not take
    assume(rules)
    return rules


def audited(tagged_rules, group_type, prefix_lists=None, unresolved=(), direction_name='ingress', nics=NICS):
    prefix_lists = PREFIX_LISTS if prefix_lists is None else prefix_lists
    other = 'egress' if direction_name == 'ingress' else 'ingress'
    return au.AuditedGroup(context=CONTEXTS[group_type], rules={direction_name: tagged_rules, other: []}, list_entries=dict(prefix_lists),
                           unresolved=tuple(unresolved), nic_types=frozenset(nics))


PROPERTY = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def assert_witness_accepted(check, finding):
    witness = finding['witness']
    assert witness['verdict'] == 'accept', finding
    assert witness['protocol'] in check.protocols or check.every_port_at_once, finding
    if not check.every_port_at_once:
        assert any(low <= witness['port'] <= high for low, high in check.ports.spans), finding
    assert finding['rules'] or finding['decided_by_default'], finding
    assert all(item['policy'] == 'accept' for item in finding['rules']), finding


# --- property tests ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('group_type', ['normal', 'enterprise'])
@pytest.mark.parametrize('name', sorted(REFERENCE_CHECKS))
@PROPERTY
@given(data=st.data())
def test_a_check_fails_exactly_when_every_address_of_a_family_reaches_one_endpoint(group_type, name, data):
    rules = draw_rules(data)
    nics = data.draw(st.sampled_from([NICS, VPC_NICS]), label='nic_types')
    check = REFERENCE_CHECKS[name][0]
    expected = reference_check(name, rules, CONTEXTS[group_type], PREFIX_LISTS, nics=nics)
    finding = au.run_check(check, audited(rules, group_type, nics=nics))
    assert status_of(finding) == expected, [item.summary() for _group_id, item in rules]
    if finding is not None:
        assert_witness_accepted(check, finding)
        assert set(finding['exposure']['families']) <= {'ipv4', 'ipv6'} and finding['exposure']['whole_internet'] is True


@pytest.mark.parametrize('name', sorted(REFERENCE_CHECKS))
@PROPERTY
@given(data=st.data())
def test_a_check_fails_at_medium_when_a_public_block_wider_than_tolerated_reaches_one_endpoint(name, data):
    # Rules of the tolerated family only: see test_a_tolerance_of_one_family_is_not_hidden_by_a_wider_block_of_the_other.
    tolerated = data.draw(st.sampled_from([{'ipv4': 2}, {'ipv4': 8}, {'ipv4': 25}, {'ipv6': 4}]), label='tolerated')
    rules = draw_rules(data, lists=['pl-office', 'pl-empty'], peers=('v4', 'v4', 'group', 'list') if 'ipv4' in tolerated else ('v6', 'group'))
    expected = reference_check(name, rules, CONTEXTS['normal'], PREFIX_LISTS, tolerated, nics=NICS)
    finding = au.run_check(REFERENCE_CHECKS[name][0], audited(rules, 'normal'), tolerated)
    assert status_of(finding) == expected, [item.summary() for _group_id, item in rules]
    if finding is not None:
        assert_witness_accepted(REFERENCE_CHECKS[name][0], finding)


@pytest.mark.parametrize('name', sorted(REFERENCE_CHECKS))
@PROPERTY
@given(data=st.data())
def test_an_unreadable_prefix_list_gives_undetermined_exactly_when_its_extremes_disagree(name, data):
    rules = draw_rules(data, lists=UNREADABLE_OFTEN, peers=PEERS_OF_LISTS)
    group_type = data.draw(st.sampled_from(sorted(CONTEXTS)), label='group_type')
    nics = data.draw(st.sampled_from([NICS, VPC_NICS]), label='nic_types')
    check = REFERENCE_CHECKS[name][0]
    expected = between_extremes(lambda tagged, resolved: reference_check(name, tagged, CONTEXTS[group_type], resolved, nics=nics),
                                rules, PREFIX_LISTS, {UNREADABLE}, ('undetermined', check.severity))
    finding = au.run_check(check, audited(rules, group_type, unresolved=(UNREADABLE,), nics=nics))
    assert status_of(finding) == expected, [item.summary() for _group_id, item in rules]


@pytest.mark.parametrize('name', sorted(REFERENCE_CHECKS))
@PROPERTY
@given(data=st.data())
def test_a_resolved_prefix_list_answers_as_its_cidrs_written_out(name, data):
    rules = draw_rules(data)
    tolerated = data.draw(st.sampled_from([None, {'ipv4': 8}]), label='tolerated')
    written_out = []
    for group_id, item in rules:
        if not item.peer_prefix_list_id:
            written_out.append((group_id, item))
            continue
        for cidr in PREFIX_LISTS[item.peer_prefix_list_id]:
            version = ipaddress.ip_network(cidr).version
            written_out.append((group_id, replace(item, peer_prefix_list_id=None, **{'peer_cidr_ip' if version == 4 else 'peer_ipv6_cidr_ip': cidr})))
    check = REFERENCE_CHECKS[name][0]
    with_list = au.run_check(check, audited(rules, 'normal'), tolerated)
    spelled = au.run_check(check, audited(written_out, 'normal'), tolerated)
    assert status_of(with_list) == status_of(spelled)
    if with_list is not None:
        assert with_list['exposure'] == spelled['exposure']


ASSERTION_PROTOCOLS = ['tcp', 'udp', 'all', 'icmp', '132']


@st.composite
def assertion_options(draw):
    protocol = draw(st.sampled_from(ASSERTION_PROTOCOLS))
    options = dict(protocol=protocol, direction=draw(st.sampled_from(['ingress', 'egress'])))
    if protocol in ('tcp', 'udp') and draw(st.booleans()):
        options['ports'] = draw(st.lists(st.sampled_from(['22', '20-30', '3389', '1/100']), min_size=1, max_size=2))
    if draw(st.booleans()):
        options['remote'] = draw(st.lists(st.sampled_from(['internet', '10.0.0.0/8', '0.0.0.0/1', '::/0', '2000::/3']), min_size=1, max_size=2))
    if draw(st.booleans()):
        options['remote_except'] = draw(st.lists(st.sampled_from(['10.0.0.0/8', '1.2.3.0/24', '2000::/3']), min_size=1, max_size=2))
    if draw(st.integers(0, 2)) == 0:
        options['local'] = draw(st.sampled_from([['192.168.0.0/24'], ['192.168.0.0/25', 'fd00::/8'], ['10.0.0.0/8']]))
    return options


def parsed_assertion(kind, options):
    try:
        return au.parse_assertion(kind, options, '%s[0].' % kind)
    except RuleError as error:
        # Refused before any call: an exception that leaves no remote address, or ends of no family in common.
        assert 'remote_except' in str(error) or 'no address family in common' in str(error)
        assume(False)


@pytest.mark.parametrize('kind', ['forbid', 'require'])
@PROPERTY
@given(data=st.data())
def test_an_assertion_holds_exactly_when_the_reference_says_so(kind, data):
    options = data.draw(assertion_options(), label='options')
    direction = INGRESS if options['direction'] == 'ingress' else EGRESS
    rules = draw_rules(data, direction)
    group_type = data.draw(st.sampled_from(sorted(CONTEXTS)), label='group_type')
    nics = data.draw(st.sampled_from([NICS, VPC_NICS]), label='nic_types')
    assertion = parsed_assertion(kind, options)
    expected = reference_assertion(kind, options, rules, CONTEXTS[group_type], PREFIX_LISTS, nics)
    finding = au.run_assertion(assertion, audited(rules, group_type, direction_name=direction.name, nics=nics))
    assert (finding['status'] if finding else 'pass') == expected, [item.summary() for _group_id, item in rules]
    if finding is not None and kind == 'forbid':
        assert finding['witness']['verdict'] == 'accept', finding
    if finding is not None and kind == 'require':
        assert finding['witness']['verdict'] != 'accept', finding


@pytest.mark.parametrize('kind', ['forbid', 'require'])
@PROPERTY
@given(data=st.data())
def test_an_assertion_on_an_unreadable_prefix_list_is_undetermined_exactly_when_its_extremes_disagree(kind, data):
    options = data.draw(assertion_options(), label='options')
    direction = INGRESS if options['direction'] == 'ingress' else EGRESS
    rules = draw_rules(data, direction, lists=UNREADABLE_OFTEN, peers=PEERS_OF_LISTS)
    group_type = data.draw(st.sampled_from(sorted(CONTEXTS)), label='group_type')
    nics = data.draw(st.sampled_from([NICS, VPC_NICS]), label='nic_types')
    assertion = parsed_assertion(kind, options)
    expected = between_extremes(lambda tagged, resolved: reference_assertion(kind, options, tagged, CONTEXTS[group_type], resolved, nics),
                                rules, PREFIX_LISTS, {UNREADABLE}, 'undetermined')
    finding = au.run_assertion(assertion, audited(rules, group_type, unresolved=(UNREADABLE,), direction_name=direction.name, nics=nics))
    assert (finding['status'] if finding else 'pass') == expected, [item.summary() for _group_id, item in rules]


# --- worked cases: where a static matcher (0.0.0.0/0 with a port range holding 22) is wrong -----------------

def ssh(**options):
    return rule(ip_protocol='tcp', port_range=options.pop('port_range', '22/22'), **options)


CRAFTED = [
    # (id, rules, check, prefix lists, unreadable lists, tolerated, status, severity, families)
    ('cidrs split in halves', [ssh(source_cidr_ip='0.0.0.0/1'), ssh(source_cidr_ip='128.0.0.0/1')], au.SSH, {}, (), None,
     'fail', 'high', ['ipv4']),
    ('the whole of ipv6', [ssh(ipv6_source_cidr_ip='::/0')], au.SSH, {}, (), None, 'fail', 'high', ['ipv6']),
    ('a higher-priority drop of port 22', [ssh(source_cidr_ip='0.0.0.0/0', port_range='1/65535', priority=2),
                                           ssh(source_cidr_ip='0.0.0.0/0', policy='drop', priority=1)], au.SSH, {}, (), None,
     'pass', None, None),
    ('an equal-priority drop of half the internet', [ssh(source_cidr_ip='0.0.0.0/0', priority=5),
                                                     ssh(source_cidr_ip='0.0.0.0/1', port_range='20/30', policy='drop', priority=5)],
     au.SSH, {}, (), None, 'pass', None, None),
    ('an equal-priority drop of half the internet, wider than tolerated', [
        ssh(source_cidr_ip='0.0.0.0/0', priority=5), ssh(source_cidr_ip='0.0.0.0/1', port_range='20/30', policy='drop', priority=5)],
     au.SSH, {}, (), {'ipv4': 8}, 'fail', 'medium', []),
    ('a prefix list of the whole internet', [ssh(source_prefix_list_id='pl-everyone')], au.SSH, {'pl-everyone': ['0.0.0.0/0']}, (), None,
     'fail', 'high', ['ipv4']),
    ('protocol all, ssh', [rule(ip_protocol='all', source_cidr_ip='0.0.0.0/0')], au.SSH, {}, (), None, 'fail', 'high', ['ipv4']),
    ('protocol all, rdp', [rule(ip_protocol='all', source_cidr_ip='0.0.0.0/0')], au.RDP, {}, (), None, 'fail', 'high', ['ipv4']),
    ('protocol all, all traffic', [rule(ip_protocol='all', source_cidr_ip='0.0.0.0/0')], au.ALL_TRAFFIC, {}, (), None,
     'fail', 'critical', ['ipv4']),
    ('every named protocol is not all traffic', [rule(ip_protocol=protocol, source_cidr_ip='0.0.0.0/0', **ports) for protocol, ports in (
        ('tcp', dict(port_range='1/65535')), ('udp', dict(port_range='1/65535')), ('icmp', {}), ('gre', {}))], au.ALL_TRAFFIC, {}, (), None,
     'pass', None, None),
    ('port ranges around 22', [ssh(source_cidr_ip='0.0.0.0/0', port_range='1/21'), ssh(source_cidr_ip='0.0.0.0/0', port_range='23/100')],
     au.SSH, {}, (), None, 'pass', None, None),
    ('a port range holding 22', [ssh(source_cidr_ip='0.0.0.0/0', port_range='20/30')], au.SSH, {}, (), None, 'fail', 'high', ['ipv4']),
    ('each half of the internet reaches a different instance', [ssh(source_cidr_ip='0.0.0.0/1', dest_cidr_ip='192.168.0.0/25'),
                                                                ssh(source_cidr_ip='128.0.0.0/1', dest_cidr_ip='192.168.0.128/25')],
     au.SSH, {}, (), None, 'pass', None, None),
    ('a group peer', [ssh(source_group_id='sg-peer')], au.SSH, {}, (), None, 'pass', None, None),
    ('an unreadable prefix list', [ssh(source_prefix_list_id='pl-gone')], au.SSH, {}, ('pl-gone',), None, 'undetermined', 'high', []),
]


@pytest.mark.parametrize('group_type', ['normal', 'enterprise'])
@pytest.mark.parametrize('rules, check, prefix_lists, unreadable, tolerated, status, severity, families', [case[1:] for case in CRAFTED],
                         ids=[case[0] for case in CRAFTED])
def test_a_check_answers_each_worked_case_as_ecs_decides_it(group_type, rules, check, prefix_lists, unreadable, tolerated, status, severity,
                                                            families):
    # A static matcher gets the split CIDRs, ::/0, the prefix lists, protocol all and both drops wrong (and cannot
    # say undetermined); the other cases are the boundaries around them.
    finding = au.run_check(check, group(rules, group_type, prefix_lists, unreadable), tolerated)
    assert status_of(finding) == (status, severity), finding and finding['message']
    name = [key for key, value in REFERENCE_CHECKS.items() if value[0] is check][0]
    tagged = [(GROUP_ID, item) for item in rules]
    reference = between_extremes(lambda rules_, lists: reference_check(name, rules_, CONTEXTS[group_type], lists, tolerated),
                                 tagged, prefix_lists, set(unreadable), ('undetermined', check.severity))
    assert reference == (status, severity), 'the reference disagrees with the worked case'
    if finding is not None:
        assert finding['exposure']['families'] == families
        assert finding['exposure']['whole_internet'] is {'fail': bool(families), 'undetermined': None}[status]
    if status == 'fail':
        assert_witness_accepted(check, finding)
        # What to change or revoke: every accepting rule, as the rule module takes it.
        expected = [item.to_dict() for item in rules if item.policy == 'accept']
        named = [dict((key, entry.get(key)) for key in expected[0]) for entry in finding['rules']]
        assert sorted(named, key=repr) == sorted(expected, key=repr)


def test_a_public_block_wider_than_tolerated_is_named_as_the_widest_source():
    # 128.0.0.0/1 less the special-purpose blocks (169.254.0.0/16, 172.16.0.0/12, 192.0.0.0/24, ...): its widest
    # public block is 128.0.0.0/3 (128.0.0.0 to 159.255.255.255, which holds none of them).
    rules = [ssh(source_cidr_ip='0.0.0.0/0', priority=5), ssh(source_cidr_ip='0.0.0.0/1', policy='drop', priority=5)]
    finding = au.run_check(au.SSH, group(rules), {'ipv4': 8})
    assert finding['exposure']['widest_source'] == '128.0.0.0/3'
    assert finding['witness']['remote'] == '128.0.0.0' and finding['witness']['verdict'] == 'accept'
    assert '128.0.0.0/3' in finding['message'] and '/8' in finding['message']
    assert au.run_check(au.SSH, group(rules), {'ipv4': 3}) is None, 'a /3 is not wider than a tolerated /3'
    assert au.run_check(au.SSH, group(rules), {'ipv6': 1}) is None, 'no IPv6 block reaches it'


# Special-purpose blocks no packet from the internet comes from (RFC 6890 entries not globally reachable, multicast,
# reserved; IPv6 outside global unicast 2000::/3, and the documentation prefix of RFC 3849).
NOT_FROM_THE_INTERNET = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
                         '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
                         'fc00::/7', 'fe80::/10', '::1/128', '2001:db8::/32', '4000::/2']


@pytest.mark.parametrize('cidr', NOT_FROM_THE_INTERNET)
def test_a_block_no_internet_packet_comes_from_is_never_wider_than_tolerated(cidr):
    peer = 'source_cidr_ip' if ipaddress.ip_network(cidr).version == 4 else 'ipv6_source_cidr_ip'
    assert au.run_check(au.SSH, group([ssh(**{peer: cidr})]), {'ipv4': 32, 'ipv6': 128}) is None


@pytest.mark.parametrize('cidr, tolerated', [('1.2.3.0/24', {'ipv4': 25}), ('2a00::/16', {'ipv6': 17})])
def test_a_public_block_one_bit_wider_than_tolerated_fails(cidr, tolerated):
    peer = 'source_cidr_ip' if ipaddress.ip_network(cidr).version == 4 else 'ipv6_source_cidr_ip'
    finding = au.run_check(au.SSH, group([ssh(**{peer: cidr})]), tolerated)
    assert status_of(finding) == ('fail', 'medium') and finding['exposure']['widest_source'] == cidr
    assert finding['exposure']['reachable_from'] == [cidr] and finding['exposure']['whole_internet'] is False
    assert au.run_check(au.SSH, group([ssh(**{peer: cidr})]), dict((key, value - 1) for key, value in tolerated.items())) is None


def test_the_remote_admin_ports_are_judged_one_port_at_a_time():
    # 5985 and 5986 each open to half the internet: no port is open to all of it.
    halves = [rule(ip_protocol='tcp', port_range='5985/5985', source_cidr_ip='0.0.0.0/1'),
              rule(ip_protocol='tcp', port_range='5986/5986', source_cidr_ip='128.0.0.0/1')]
    assert au.run_check(REMOTE_ADMIN, group(halves)) is None
    # 5986 alone open to all of it is a finding, though 5985 is closed.
    one = [rule(ip_protocol='tcp', port_range='5986/5986', source_cidr_ip='0.0.0.0/0')]
    finding = au.run_check(REMOTE_ADMIN, group(one))
    assert status_of(finding) == ('fail', REMOTE_ADMIN.severity) and finding['witness']['port'] == 5986
    assert '5986' in finding['message']


def test_a_rule_for_the_internet_nic_reaches_an_endpoint_of_that_nic():
    # A classic group: the internet NIC has its own rules; every address reaches it though the intranet NIC is closed.
    finding = au.run_check(au.SSH, group([ssh(source_cidr_ip='0.0.0.0/0', nic_type='internet')], nic_types=NICS))
    assert status_of(finding) == ('fail', au.SSH.severity) and finding['witness']['nic_type'] == 'internet'
    # Traffic from the internet does not arrive on a classic instance's intranet NIC, whatever its rules say.
    assert au.run_check(au.SSH, group([ssh(source_cidr_ip='0.0.0.0/0', nic_type='intranet')], nic_types=NICS)) is None


def test_a_source_port_restriction_does_not_hide_an_open_port():
    # The client picks its source port: a rule for some source ports opens the port to every address.
    finding = au.run_check(au.SSH, group([ssh(source_cidr_ip='0.0.0.0/0', source_port_range='1024/65535')]))
    assert status_of(finding) == ('fail', au.SSH.severity)
    assert finding['witness']['source_port'] >= 1024 and finding['witness']['verdict'] == 'accept'


def test_an_unreadable_list_that_cannot_change_the_answer_does_not_make_it_undetermined():
    covered = [ssh(source_cidr_ip='0.0.0.0/0', priority=2), ssh(source_prefix_list_id='pl-gone', priority=1)]
    assert status_of(au.run_check(au.SSH, group(covered, unresolved=('pl-gone',)))) == ('fail', au.SSH.severity)
    dropped = [ssh(source_prefix_list_id='pl-gone', priority=2), ssh(source_cidr_ip='0.0.0.0/0', policy='drop', priority=1),
               ssh(ipv6_source_cidr_ip='::/0', policy='drop', priority=1)]
    assert au.run_check(au.SSH, group(dropped, unresolved=('pl-gone',))) is None
    finding = au.run_check(au.SSH, group([ssh(source_prefix_list_id='pl-gone')], unresolved=('pl-gone',)))
    assert 'pl-gone' in finding['message'] and finding['exposure']['may_reach_from']


# --- cases the reference found wrong once (each failed before its fix) ---------------------------------------------

def test_a_tolerance_of_one_family_is_not_hidden_by_a_wider_block_of_the_other():
    rules = [ssh(ipv6_source_cidr_ip='2000::/3'), ssh(source_cidr_ip='1.2.3.0/24')]
    tagged = [(GROUP_ID, item) for item in rules]
    assert reference_check('ssh', tagged, CONTEXTS['normal'], {}, {'ipv4': 25}) == ('fail', 'medium')
    assert status_of(au.run_check(au.SSH, group(rules), {'ipv4': 25})) == ('fail', 'medium')


def test_an_unreadable_list_that_may_breach_the_tolerance_is_undetermined():
    rules = [ssh(source_prefix_list_id='pl-gone'), ssh(source_cidr_ip='0.0.0.0/1', policy='drop', priority=1),
             ssh(ipv6_source_cidr_ip='::/0', policy='drop', priority=1)]
    tagged = [(GROUP_ID, item) for item in rules]
    expected = between_extremes(lambda rules_, lists: reference_check('ssh', rules_, CONTEXTS['normal'], lists, {'ipv4': 8}),
                                tagged, {}, {'pl-gone'}, ('undetermined', au.SSH.severity))
    assert expected[0] == 'undetermined'  # at most, 128.0.0.0/1 reaches port 22 (a /3 of it public); at least, nothing
    finding = au.run_check(au.SSH, group(rules, unresolved=('pl-gone',)), {'ipv4': 8})
    assert finding is not None and finding['status'] == 'undetermined'


def test_a_port_certainly_open_is_a_failure_whatever_an_unreadable_list_drops_on_its_neighbour():
    rules = [rule(ip_protocol='tcp', port_range='5985/5986', source_cidr_ip='0.0.0.0/0', priority=2),
             rule(ip_protocol='tcp', port_range='5985/5985', source_prefix_list_id='pl-gone', policy='drop', priority=1)]
    tagged = [(GROUP_ID, item) for item in rules]
    expected = between_extremes(lambda rules_, lists: reference_check('remote_admin', rules_, CONTEXTS['normal'], lists),
                                tagged, {}, {'pl-gone'}, ('undetermined', REMOTE_ADMIN.severity))
    assert expected == ('fail', REMOTE_ADMIN.severity)
    assert status_of(au.run_check(REMOTE_ADMIN, group(rules, unresolved=('pl-gone',)))) == expected


def test_the_witness_of_a_certain_failure_is_accepted_even_with_an_unreadable_list_above_it():
    rules = [ssh(source_cidr_ip='0.0.0.0/0', priority=2), ssh(source_prefix_list_id='pl-gone', priority=1)]
    finding = au.run_check(au.SSH, group(rules, unresolved=('pl-gone',)))
    assert finding['status'] == 'fail' and finding['witness']['verdict'] == 'accept'


@pytest.mark.parametrize('kind, direction, policy', [('require', INGRESS, 'accept'), ('forbid', EGRESS, 'drop')])
def test_an_assertion_on_a_vpc_group_is_not_decided_by_a_nic_it_does_not_have(kind, direction, policy):
    # VPC rules are all intranet: the internet NIC of a classic instance is left to the default (inbound drop,
    # outbound accept for a normal group), which breaks the assertion there, and only there.
    peer = direction.option('peer_cidr_ip'), direction.option('peer_ipv6_cidr_ip')
    rules = [rule(direction, ip_protocol='tcp', port_range='443/443', policy=policy, **{peer[0]: '0.0.0.0/0'}),
             rule(direction, ip_protocol='tcp', port_range='443/443', policy=policy, **{peer[1]: '::/0'})]
    assert all(item.nic_type == 'intranet' for item in rules)
    assertion = au.parse_assertion(kind, dict(protocol='tcp', ports=['443'], direction=direction.name), kind + '[0].')
    tagged = [(GROUP_ID, item) for item in rules]
    assert au.run_assertion(assertion, audited(tagged, 'normal', direction_name=direction.name, nics=VPC_NICS)) is None
    classic = au.run_assertion(assertion, audited(tagged, 'normal', direction_name=direction.name, nics=NICS))
    assert classic['status'] == 'fail' and classic['witness']['nic_type'] == 'internet'
    assert classic['witness']['decided_by'] == 'default'


# --- a team's own assertions ------------------------------------------------------------------------------------

def both_nics(**options):
    """The rule for the intranet and for the internet NIC of a classic group."""
    return [rule(**options), rule(nic_type='internet', **options)]


def test_forbid_holds_while_only_the_excepted_remote_addresses_are_accepted():
    forbid = au.parse_assertion('forbid', dict(protocol='tcp', ports=['22'], remote_except=['10.0.0.0/8']), 'forbid[0].')
    assert au.run_assertion(forbid, group([ssh(source_cidr_ip='10.0.0.0/8')])) is None
    finding = au.run_assertion(forbid, group([ssh(source_cidr_ip='10.0.0.0/8'), ssh(source_cidr_ip='1.2.3.0/24', priority=2)]))
    assert (finding['status'], finding['severity']) == ('fail', 'high')
    assert finding['exposure']['reachable_from'] == ['1.2.3.0/24']
    assert ipaddress.ip_address(finding['witness']['remote']) in ipaddress.ip_network('1.2.3.0/24')
    assert finding['witness']['verdict'] == 'accept' and finding['witness']['port'] == 22
    assert [item['source_cidr_ip'] for item in finding['rules']] == ['1.2.3.0/24']
    assert '1.2.3.0/24' in finding['message'] and 'except 10.0.0.0/8' in finding['title']


def test_forbid_is_about_the_local_addresses_it_names():
    rules = [ssh(source_cidr_ip='0.0.0.0/0', dest_cidr_ip='192.168.1.0/24')]
    elsewhere = au.parse_assertion('forbid', dict(protocol='tcp', ports=['20-30'], local=['192.168.0.0/24']), 'forbid[0].')
    assert au.run_assertion(elsewhere, group(rules)) is None
    there = au.parse_assertion('forbid', dict(protocol='tcp', ports=['20-30'], local=['192.168.1.5']), 'forbid[0].')
    finding = au.run_assertion(there, group(rules))
    assert finding['status'] == 'fail' and finding['witness']['local'] == '192.168.1.5' and finding['witness']['verdict'] == 'accept'


def test_forbid_of_a_port_list_fails_on_any_port_of_it():
    forbid = au.parse_assertion('forbid', dict(protocol='tcp', ports=['22', '5985/5986'], severity='critical'), 'forbid[0].')
    finding = au.run_assertion(forbid, group([rule(ip_protocol='tcp', port_range='5986/5986', source_cidr_ip='203.0.113.0/24')]))
    assert (finding['status'], finding['severity'], finding['witness']['port']) == ('fail', 'critical', 5986)
    assert au.run_assertion(forbid, group([rule(ip_protocol='tcp', port_range='23/5984', source_cidr_ip='0.0.0.0/0')])) is None


def test_require_holds_when_every_flow_is_accepted_at_every_local_address():
    require = au.parse_assertion('require', dict(protocol='tcp', ports=['443', '8080-8081'], local=['192.168.0.0/24']), 'require[0].')
    rules = both_nics(ip_protocol='tcp', port_range='443/443', source_cidr_ip='0.0.0.0/0') + \
        both_nics(ip_protocol='tcp', port_range='8080/8081', source_cidr_ip='0.0.0.0/0') + \
        both_nics(ip_protocol='tcp', port_range='443/443', ipv6_source_cidr_ip='::/0') + \
        both_nics(ip_protocol='tcp', port_range='8080/8081', ipv6_source_cidr_ip='::/0')
    assert au.run_assertion(require, group(rules)) is None
    # 8081 only for half of the local block: some instance is not reached.
    narrowed = rules[:2] + [rule(ip_protocol='tcp', port_range='8081/8081', source_cidr_ip='0.0.0.0/0', priority=1, policy='drop',
                                 dest_cidr_ip='192.168.0.128/25')] + rules[2:]
    finding = au.run_assertion(require, group(narrowed))
    assert finding['status'] == 'fail' and finding['witness']['port'] == 8081
    assert finding['witness']['verdict'] != 'accept' and finding['witness']['local'] == '192.168.0.128'
    assert finding['exposure']['not_reached_from'] == ['0.0.0.0/0']
    assert 'drop tcp from 0.0.0.0/0' in finding['message']


def test_require_of_remote_addresses_but_some_asks_nothing_of_the_excepted_ones():
    require = au.parse_assertion('require', dict(protocol='udp', ports=['53'], remote=['10.0.0.0/8'], remote_except=['10.1.0.0/16']),
                                 'require[0].')
    rules = both_nics(ip_protocol='udp', port_range='53/53', source_cidr_ip='10.0.0.0/8') + \
        both_nics(ip_protocol='udp', port_range='53/53', source_cidr_ip='10.1.0.0/16', policy='drop', priority=1)
    assert au.run_assertion(require, group(rules)) is None
    everything = au.parse_assertion('require', dict(protocol='udp', ports=['53'], remote=['10.0.0.0/8']), 'require[0].')
    finding = au.run_assertion(everything, group(rules))
    assert finding['status'] == 'fail' and finding['exposure']['not_reached_from'] == ['10.1.0.0/16']


def test_an_egress_forbid_counts_what_the_default_of_a_normal_group_accepts():
    forbid = au.parse_assertion('forbid', dict(direction='egress', protocol='all', remote=['203.0.113.0/24']), 'forbid[0].')
    assert au.run_assertion(forbid, group([], 'enterprise')) is None
    finding = au.run_assertion(forbid, group([], 'normal'))
    assert finding['status'] == 'fail' and finding['decided_by_default'] is True and finding['witness']['decided_by'] == 'default'


def test_an_assertion_on_an_unreadable_list_is_undetermined_not_guessed():
    forbid = au.parse_assertion('forbid', dict(protocol='tcp', ports=['22']), 'forbid[0].')
    finding = au.run_assertion(forbid, group([ssh(source_prefix_list_id='pl-gone')], unresolved=('pl-gone',)))
    assert finding['status'] == 'undetermined' and 'pl-gone' in finding['message']


@pytest.mark.parametrize('options, fragment', [
    (dict(protocol='tcp', ports=['ssh']), "forbid[0].ports[0]: 'ssh' is not a port (22) or a range of ports"),
    (dict(protocol='tcp', ports=['22', '70000']), 'forbid[0].ports[1]: '),
    (dict(protocol='tcp', ports=['30-20']), 'with its lower bound first'),
    (dict(protocol='tcp', ports=['0']), 'within 1-65535'),
    (dict(protocol='icmp', ports=['22']), 'forbid[0].ports: applies only to tcp and udp'),
    (dict(protocol='all', ports=['22']), 'forbid[0].ports: applies only to tcp and udp'),
    (dict(protocol='sctp'), "forbid[0].protocol: 'sctp' is not valid; accepted values: all, tcp, udp, icmp, icmpv6, gre or a protocol number 0-255"),
    (dict(protocol='256'), 'forbid[0].protocol: '),
    (dict(), 'forbid[0].protocol: '),
    (dict(protocol='tcp', remote=['internet', 'example.com']), "forbid[0].remote[1]: 'example.com' is not internet or an IPv4 or IPv6 CIDR block"),
    (dict(protocol='tcp', remote_except=['10.0.0.0/33']), 'forbid[0].remote_except[0]: '),
    (dict(protocol='tcp', remote=['10.0.0.0/8'], remote_except=['internet']), 'forbid[0].remote_except: leaves no remote address'),
    (dict(protocol='tcp', local=['here']), 'forbid[0].local[0]: '),
])
def test_a_bad_assertion_names_the_option(options, fragment):
    with pytest.raises(RuleError) as error:
        au.parse_assertion('forbid', options, 'forbid[0].')
    assert fragment in str(error.value)


def test_ports_are_numbers_and_ranges_written_either_way():
    assert au.parse_ports(['5985-5986'], 'ports') == au.parse_ports(['5985/5986'], 'ports') == au.parse_ports(['5986', '5985'], 'ports')
    assert au.parse_ports([' 22 '], 'ports').spans == ((22, 22),)
    with pytest.raises(RuleError) as error:
        au.parse_ports(['23', '5985-5986-5987'], 'remote_admin_ports')
    assert str(error.value).startswith('remote_admin_ports[1]: ') and '5985-5986' in str(error.value)


@pytest.mark.parametrize('text, expected', [('TCP', {'tcp'}), ('6', {'tcp'}), ('17', {'udp'}), ('58', {'icmpv6'}), ('132', {'other'}),
                                            ('-1', set(PROTOCOLS_OF[4] + PROTOCOLS_OF[6])), ('all', set(PROTOCOLS_OF[4] + PROTOCOLS_OF[6]))])
def test_a_protocol_is_named_as_rules_name_it(text, expected):
    assert au.protocols_of(text, 'protocol') == expected


def test_a_bad_protocol_names_the_option_and_the_accepted_values():
    with pytest.raises(RuleError) as error:
        au.protocols_of('esp', 'require[2].protocol')
    assert str(error.value).startswith('require[2].protocol: ')
    assert 'all, tcp, udp, icmp, icmpv6, gre or a protocol number 0-255' in str(error.value)


def test_an_audit_reports_every_check_and_assertion_by_name():
    rules = [replace(ssh(source_cidr_ip='0.0.0.0/0', priority=1), security_group_rule_id='sgr-open'),
             replace(ssh(source_cidr_ip='10.0.0.0/8', priority=2), security_group_rule_id='sgr-shadowed')]
    forbid = au.parse_assertion('forbid', dict(protocol='tcp', ports=['22'], name='no ssh'), 'forbid[0].')
    require = au.parse_assertion('require', dict(protocol='udp', ports=['53'], name='dns'), 'require[0].')
    found, statuses = au.audit_group(group(rules), au.built_in_checks(au.DEFAULT_CHECKS, REMOTE_ADMIN.ports), [forbid, require], hygiene=True)
    assert statuses == {'internet_ssh': 'fail', 'internet_rdp': 'pass', 'internet_remote_admin': 'pass', 'internet_all_traffic': 'pass',
                        'forbid[0]: no ssh': 'fail', 'require[0]: dns': 'fail', au.HYGIENE: 'fail'}
    assert sorted(item['check'] for item in found) == sorted(['internet_ssh', 'forbid', 'require', au.HYGIENE])
    (hygiene,) = [item for item in found if item['check'] == au.HYGIENE]
    assert [item['security_group_rule_id'] for item in hygiene['rules']] == ['sgr-shadowed'] and hygiene['severity'] == 'low'
    assert au.audit_group(group([]), [au.SSH])[1] == {'internet_ssh': 'pass'}


@pytest.mark.parametrize('options, fragment', [
    (dict(protocol='tcp', ports=['9100'], remote=['10.20.0.5'], local=['fd00::1']), 'remote (IPv4), local (IPv6)'),
    (dict(protocol='icmpv6', remote=['0.0.0.0/0']), 'protocol icmpv6 have no address family in common'),
    (dict(protocol='icmp', remote=['::/0']), 'protocol icmp have no address family in common'),
    (dict(protocol='tcp', local=['internet']), "local[0]: 'internet' is not an IPv4 or IPv6 CIDR block or address"),
    (dict(protocol='tcp', remote=['10.0.0.1/8']), 'remote[0]: '),
    (dict(protocol='tcp', ports=['\u0662\u0662']), 'ports[0]: '),
    (dict(protocol='\u0666'), 'protocol: '),
])
def test_an_assertion_that_asks_about_no_flow_or_a_malformed_one_is_refused_naming_the_option(options, fragment):
    with pytest.raises(RuleError) as error:
        au.parse_assertion('require', options, 'require[1].')
    print(error.value)
    assert str(error.value).startswith('require[1]') and fragment in str(error.value)


def test_hygiene_names_each_rule_itself_and_only_shadowed_rules_are_safe_to_revoke_together():
    first, second = ssh(source_cidr_ip='10.0.0.0/8', priority=1), ssh(source_cidr_ip='10.0.0.0/8', priority=2)
    inner = ssh(source_cidr_ip='10.1.0.0/16', priority=3)
    web = rule(ip_protocol='tcp', port_range='80/80', source_cidr_ip='0.0.0.0/0')
    found = au.ineffective_rules(group([first, second, inner, web]))
    named = sorted((item['title'], item['rules'][0]['source_cidr_ip'], item['rules'][0]['priority'], item['safe_to_remove']) for item in found)
    print('hygiene: %s' % named)
    # Without rule IDs, each finding still carries its own rule; the pair that covers each other is not revoked together.
    assert named == [('redundant rule', '10.0.0.0/8', 1, False), ('shadowed rule', '10.0.0.0/8', 2, True), ('shadowed rule', '10.1.0.0/16', 3, True)]
    safe = [item['rules'][0] for item in found if item['safe_to_remove']]
    kept = [item for item in [first, second, inner, web] if item.to_dict() not in safe]
    # Revoking those keeps SSH from 10.0.0.0/8 (on the intranet NIC, the one a VPC instance has).
    require = au.parse_assertion('require', dict(protocol='tcp', ports=['22'], remote=['10.0.0.0/8']), 'require[0].')
    assert au.run_assertion(require, group(kept)) is None


def test_a_finding_names_every_rule_that_lets_the_flows_in_so_that_revoking_them_closes_it():
    deciding, behind = ssh(source_cidr_ip='0.0.0.0/0', priority=1), rule(ip_protocol='tcp', port_range='1/1024', source_cidr_ip='0.0.0.0/0',
                                                                         priority=50)
    finding = au.run_check(au.SSH, group([deciding, behind]))
    named = [item['port_range'] for item in finding['rules']]
    print('rules named: %s' % named)
    assert named == ['22/22', '1/1024']
    assert au.run_check(au.SSH, group([item for item in [deciding, behind] if item.to_dict() not in finding['rules']])) is None


def test_every_port_that_fails_as_badly_is_named_in_one_finding():
    telnet = rule(ip_protocol='tcp', port_range='23/23', source_cidr_ip='0.0.0.0/0')
    vnc = rule(ip_protocol='tcp', port_range='5900/5900', source_cidr_ip='0.0.0.0/0')
    finding = au.run_check(au.remote_admin_check(au.parse_ports(['23', '5900'], 'remote_admin_ports')), group([telnet, vnc]))
    print('open: %s' % finding['open'])
    assert finding['open'] == ['tcp port 23', 'tcp port 5900'] and 'tcp port 5900' in finding['message']
    assert sorted(item['port_range'] for item in finding['rules']) == ['23/23', '5900/5900']


def test_a_certain_breach_of_the_tolerance_fails_although_unreadable_lists_leave_the_whole_internet_open_to_doubt():
    rules = [ssh(source_cidr_ip='0.0.0.0/1'), ssh(source_prefix_list_id='pl-gone')]
    finding = au.run_check(au.SSH, group(rules, unresolved=('pl-gone',)), {'ipv4': 8})
    print(finding['message'])
    assert (finding['status'], finding['severity']) == ('fail', 'medium') and 'pl-gone' in finding['message']
