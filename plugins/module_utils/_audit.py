# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Exact answers to audit questions about one group's rules: which addresses reach a port, whether the whole
internet does, and whether a team's own policy holds.

Static matchers (CIS benchmark queries, Prowler, ScoutSuite) look for a rule spelled ``0.0.0.0/0`` whose port
range holds 22. Here the question is asked of the flows ECS accepts: the rules are walked in precedence order
over the flows of the question (``_match_space`` boxes), so split CIDRs, ``::/0``, protocol ``all``, resolved
prefix lists and port range lists, higher-priority drops and ties are decided as ECS decides them.

An audited flow comes from an address, not from a member of a group: rules whose remote side is a group match
no such flow, and neither does the inner access policy. A list whose entries could not be read is never
guessed: the answer is computed at both extremes, as if such lists held every address or port for accept rules and
none for drop rules (the most that can be accepted), and the other way round (the least). Accepting is
monotonic in both, so when the two answers agree that is the answer; when they differ, it is ``undetermined``.

"Reaches" means: for some source port (the client picks it) and at one endpoint of the instance (one local
address and one NIC type), as an attacker needs one instance, not a different one per address.

Nothing here talks to Ansible or to the network.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, replace

from ansible_collections.alicloud.ecs.plugins.module_utils._flow_analysis import (
    Flow, GroupContext, RuleTable, default_kind, evaluate, findings, precedence, rule_view,
)
from ansible_collections.alicloud.ecs.plugins.module_utils._match_space import (
    FAMILY_MAX, FAMILY_PROTOCOLS, FULL_PORTS, NIC_UNIVERSE, PORT_MAX, PROTOCOL_UNIVERSE, Addresses, Box, Intervals, rule_region,
    subtract,
)
from ansible_collections.alicloud.ecs.plugins.module_utils._values import PORT_PROTOCOLS, PROTOCOL_NUMBERS, RuleError, text_or_none

SEVERITIES = ('low', 'medium', 'high', 'critical')
FAMILIES = {4: 'ipv4', 6: 'ipv6'}
WHOLE = {4: '0.0.0.0/0', 6: '::/0'}
ALL_PORTS = '1/65535'
CIS_SOURCE = 'CIS Alibaba Cloud Foundations Benchmark v2.0.0'

# Addresses no packet from the internet comes from. IPv4: the entries of the IANA special-purpose address registry
# (RFC 6890) that are not globally reachable, multicast (224.0.0.0/4) and the reserved 240.0.0.0/4. IPv6: every
# address outside global unicast (2000::/3, RFC 4291 section 2.4), and the documentation prefixes (RFC 3849, RFC 9637).
NOT_PUBLIC_V4 = ('0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
                 '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4',
                 '240.0.0.0/4')
GLOBAL_UNICAST_V6 = '2000::/3'
NOT_PUBLIC_V6 = ('2001:db8::/32', '3fff::/20')


def addresses_of(cidrs):
    found = Addresses()
    for cidr in cidrs:
        found = found | Addresses.network(cidr)
    return found


def family_space(version):
    return Addresses.network(WHOLE[version])


PUBLIC = (family_space(4) - addresses_of(NOT_PUBLIC_V4)) | (Addresses.network(GLOBAL_UNICAST_V6) - addresses_of(NOT_PUBLIC_V6))


def family_part(addresses, version):
    return addresses.v4 if version == 4 else addresses.v6


def of_family(intervals, version):
    return Addresses(v4=intervals) if version == 4 else Addresses(v6=intervals)


def cidrs(addresses):
    """The fewest CIDR blocks that make up the addresses, IPv4 first, in address order."""
    blocks = []
    for version in (4, 6):
        factory = ipaddress.IPv4Address if version == 4 else ipaddress.IPv6Address
        for low, high in family_part(addresses, version).spans:
            blocks.extend(str(network) for network in ipaddress.summarize_address_range(factory(low), factory(high)))
    return blocks


def _widest_in(low, high, bits):
    """(prefix length, start) of the widest aligned block within [low, high], the first of its size."""
    for prefix in range(bits + 1):
        size = 1 << (bits - prefix)
        start = -(-low // size) * size
        if start + size - 1 <= high:
            return prefix, start
    return bits, low


def widest_block(addresses):
    """The widest CIDR block inside the addresses (the first in address order among equals), or None."""
    best = None
    for version, bits in ((4, 32), (6, 128)):
        for low, high in family_part(addresses, version).spans:
            prefix, start = _widest_in(low, high, bits)
            if best is None or prefix < best[0]:
                best = (prefix, version, start)
    if best is None:
        return None
    prefix, version, start = best
    return ipaddress.ip_network('%s/%d' % (_address(version, start), prefix))


# --- questions -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Question:
    """A set of flows of one direction: ``protocols`` (names of PROTOCOL_UNIVERSE), destination ``ports`` (for tcp
    and udp; every other protocol has every port), ``remote`` and ``local`` addresses."""

    direction: str
    protocols: frozenset
    ports: Intervals = FULL_PORTS
    remote: Addresses = field(default_factory=Addresses.everything)
    local: Addresses = field(default_factory=Addresses.everything)
    nic_types: frozenset = NIC_UNIVERSE  # the NIC types the instances have

    def boxes(self):
        """The question as disjoint boxes (one per address family), in the dimensions of ``rule_region`` without tokens."""
        boxes = []
        for version in (4, 6):
            box = Box([self.protocols & FAMILY_PROTOCOLS[version], self.ports, of_family(family_part(self.remote, version), version),
                       of_family(family_part(self.local, version), version), FULL_PORTS, self.nic_types])
            if box:
                boxes.append(box)
        return boxes

    def wanted(self, version):
        """What must reach one endpoint of the family: protocols x ports x remote addresses."""
        return Box([self.protocols & FAMILY_PROTOCOLS[version], self.ports, of_family(family_part(self.remote, version), version)])

    def with_ports(self, ports):
        return replace(self, ports=ports)


def protocols_of(text, option):
    """The PROTOCOL_UNIVERSE names a protocol as a user writes it (all, a name, a number) stands for."""
    value = (text_or_none(text) or '').lower()
    value = PROTOCOL_NUMBERS.get(value, value)
    if value == 'all':
        return PROTOCOL_UNIVERSE
    if value in PROTOCOL_UNIVERSE and value != 'other':
        return frozenset((value,))
    if value.isascii() and value.isdigit() and 0 <= int(value) <= 255:
        return frozenset(('other',))
    raise RuleError(option, '%r is not valid; accepted values: all, tcp, udp, icmp, icmpv6, gre or a protocol number 0-255' % text)


def parse_ports(values, option):
    """Intervals from port numbers and ranges written ``a-b`` or ``a/b`` (1-65535)."""
    ports = Intervals()
    for index, value in enumerate(values):
        where = '%s[%d]' % (option, index)
        text = (text_or_none(value) or '').replace('/', '-')
        bounds = text.split('-')
        if len(bounds) not in (1, 2) or not all(bound.strip().isascii() and bound.strip().isdigit() for bound in bounds):
            raise RuleError(where, '%r is not a port (22) or a range of ports (5985-5986 or 5985/5986)' % value)
        low, high = int(bounds[0]), int(bounds[-1])
        if not 1 <= low <= high <= PORT_MAX:
            raise RuleError(where, '%r is not a port range within 1-%d with its lower bound first' % (value, PORT_MAX))
        ports = ports | Intervals.of(low, high)
    return ports


def parse_addresses(values, option, internet=True):
    """Addresses from CIDR blocks or single addresses, and (where ``internet``) the word internet for 0.0.0.0/0 and ::/0."""
    found = Addresses()
    for index, value in enumerate(values):
        where = '%s[%d]' % (option, index)
        text = text_or_none(value)
        if internet and text and text.lower() == 'internet':
            found = found | Addresses.everything()
            continue
        try:
            network = ipaddress.ip_network(text or '')
        except ValueError as error:
            accepted_forms = 'internet or an IPv4 or IPv6 CIDR block' if internet else 'an IPv4 or IPv6 CIDR block or address'
            raise RuleError(where, '%r is not %s (%s)' % (value, accepted_forms, error)) from None
        found = found | Addresses.network(str(network))
    return found


# --- what the rules accept -----------------------------------------------------------------------------------

def _at_extreme(tagged_rules, unresolved, most, list_entries=None):
    """[(group id, rule as evaluated, rule as read)]: each rule naming an unresolved prefix list or port range list
    taken at its extreme (see the module docstring); rules whose remote side is a group are left out (they match
    no address's flow)."""
    out = []
    for group_id, rule in tagged_rules:
        if rule.peer_group_id:
            continue
        unknown = _unknown_lists(rule, unresolved, list_entries)
        if not unknown:
            out.append((group_id, rule, rule))
            continue
        if (rule.policy == 'accept') != most:
            continue
        widened = rule
        if rule.port_range_list_id in unknown:
            widened = replace(widened, port_range_list_id=None, port_range=ALL_PORTS)
        if rule.peer_prefix_list_id in unknown:
            out.append((group_id, replace(widened, peer_prefix_list_id=None, peer_cidr_ip=WHOLE[4]), rule))
            out.append((group_id, replace(widened, peer_prefix_list_id=None, peer_ipv6_cidr_ip=WHOLE[6]), rule))
        else:
            out.append((group_id, widened, rule))
    return out


def _intersect(region, other):
    """The pieces of ``region`` within ``other``. The ports' bounds are compared first: a rule's ports are usually a
    few, and that test rejects most pieces for the price of two comparisons."""
    out = []
    for theirs in other:
        spans = theirs.dims[1].spans
        if not spans:
            continue
        low, high = spans[0][0], spans[-1][1]
        for mine in region:
            ports = mine.dims[1].spans
            if ports and ports[-1][1] >= low and ports[0][0] <= high and mine.meets(theirs):
                out.append(mine & theirs)
    return out


def default_accepts(direction_name, groups):
    """Whether the groups' default accepts a flow from an address no rule matched: only the egress default of normal
    groups does. An unknown type counts as dropping (the audit always reads the type)."""
    return direction_name == 'egress' and default_kind(groups) == 'normal'


def _may_meet(rule, question):
    """A cheap test that leaves out rules of other protocols before their boxes are built."""
    return rule.ip_protocol == 'all' or rule.ip_protocol in question.protocols


def accepted(tagged_rules, groups, question, list_entries=None, unresolved=(), most=False, regions=None, ordered=None):
    """[(box, decider)]: the flows of ``question`` the groups accept, as disjoint boxes, each with what accepts it,
    (group id, rule as read) or 'default'. ``regions`` caches the boxes of each rule between questions, ``ordered``
    the rules at the extreme in precedence order."""
    list_entries = list_entries or {}
    regions = {} if regions is None else regions
    if ordered is None:
        ordered = sorted(_at_extreme(tagged_rules, set(unresolved), most, list_entries), key=lambda item: precedence(item[1]))
    asked = question.boxes()
    remaining = asked
    pieces = []
    for group_id, rule, original in ordered:
        if not remaining:
            break
        if not _may_meet(rule, question):
            continue
        # By identity: hashing a rule hashes every field, and the same rule objects come back for every question.
        cached = regions.get(id(rule))
        if cached is None:
            cached = regions[id(rule)] = (rule, rule_region(rule, (), list_entries))
        region = cached[1]
        # Most rules miss the question altogether; that test costs a few boxes, not every piece left.
        if not any(mine.meets(theirs) for mine in asked for theirs in region):
            continue
        taken = _intersect(remaining, region)
        if not taken:
            continue
        if rule.policy == 'accept':
            pieces.extend((box, (group_id, original)) for box in taken)
        remaining = subtract(remaining, region)
    if remaining and default_accepts(question.direction, groups):
        pieces.extend((box, 'default') for box in remaining)
    return pieces


def _unknown_lists(rule, unresolved, list_entries):
    """The lists the rule names whose entries are not known (unreadable, or never read)."""
    return [list_id for list_id in rule.list_ids if list_id in unresolved or (list_entries or {}).get(list_id) is None]


def depends_on_unresolved(tagged_rules, unresolved, list_entries=None):
    return any(_unknown_lists(rule, unresolved, list_entries) for _group, rule in tagged_rules)


# --- endpoints ---------------------------------------------------------------------------------------------

@dataclass
class Endpoint:
    """One endpoint of the instance (a local address interval over which nothing changes, and a NIC type), the
    remote addresses from which every flow of the question reaches it, and what accepts those flows."""

    version: int
    local: Intervals
    nic_type: str
    full: Addresses
    covering: list  # [(projected box (protocols, ports, remote), decider)]

    def deciders(self):
        found = []
        for box, decider in self.covering:
            if box.dims[2].meets(self.full) and decider not in found:
                found.append(decider)
        return found


def _local_cuts(pieces, question, version):
    """The local address intervals of one family that no local side of the question or a piece splits."""
    local = family_part(question.local, version)
    cuts = set()
    for spans in [local.spans] + [family_part(box.dims[3], version).spans for box, _decider in pieces]:
        for low, high in spans:
            cuts.update((low, high + 1))
    points = sorted(cuts)
    return [Intervals.of(low, nxt - 1) for low, nxt in zip(points, points[1:]) if local.meets(Intervals.of(low, nxt - 1))]


def endpoints(pieces, question):
    """Every endpoint of both families, with the remote addresses from which the whole question reaches it."""
    found = []
    for version in (4, 6):
        wanted = question.wanted(version)
        if not wanted:
            continue
        projected = [(Box(box.dims[:3]), family_part(box.dims[3], version), box.dims[5], decider) for box, decider in pieces]
        for span in _local_cuts(pieces, question, version):
            for nic in sorted(question.nic_types):
                covering = [(box, decider) for box, local, nics, decider in projected if nic in nics and not (span - local)]
                full = wanted.dims[2]
                for box in subtract([wanted], [box for box, _decider in covering]):
                    full = full - box.dims[2]
                found.append(Endpoint(version, span, nic, full, covering))
    return found


# --- answers ----------------------------------------------------------------------------------------------

@dataclass
class Exposure:
    """How much of the internet reaches every flow of a question at one endpoint.

    ``whole``: True when every address of 0.0.0.0/0 or of ::/0 does, None when unreadable lists decide it.
    ``reachable``: the public addresses that do (certainly); ``possibly``: those that might, were the unreadable
    lists to hold every address (equal to ``reachable`` when no such list matters). ``breach``: the widest public
    block of a family wider than the tolerated prefix length of that family that certainly reaches one endpoint;
    ``breach_undetermined``: no such block certainly does, but one might.
    """

    whole: bool | None
    families: list
    reachable: Addresses
    possibly: Addresses
    endpoint: Endpoint | None = None  # the endpoint the witness reaches
    target: object = None  # the address the witness comes from
    pieces: list = field(default_factory=list)
    anywhere: Addresses = field(default_factory=Addresses)  # every address (public or not) that might reach one endpoint
    breach: object = None
    breach_undetermined: bool = False


@dataclass
class _Extreme:
    """What one extreme of the accepted flows comes to."""

    families: list
    reachable: Addresses
    anywhere: Addresses
    widest: dict  # {version: (widest public block, its endpoint)}
    whole_endpoint: Endpoint | None


def _summarise(found_endpoints):
    families, reachable, anywhere, widest, whole_endpoint = [], Addresses(), Addresses(), {}, None
    for endpoint in found_endpoints:
        if not endpoint.full:
            continue
        anywhere = anywhere | endpoint.full
        public = endpoint.full & PUBLIC
        reachable = reachable | public
        if family_part(endpoint.full, endpoint.version) == Intervals.of(0, FAMILY_MAX[endpoint.version]):
            if endpoint.version not in families:
                families.append(endpoint.version)
            whole_endpoint = whole_endpoint or endpoint
        block = widest_block(public)
        if block is not None and (endpoint.version not in widest or block.prefixlen < widest[endpoint.version][0].prefixlen):
            widest[endpoint.version] = (block, endpoint)
    return _Extreme(families, reachable, anywhere, widest, whole_endpoint)


def _breach(extreme, tolerated):
    """(block, endpoint) of the first family whose widest public block is wider than the family's tolerated prefix."""
    for version in (4, 6):
        limit = (tolerated or {}).get(FAMILIES[version])
        if limit is not None and version in extreme.widest and extreme.widest[version][0].prefixlen < limit:
            return extreme.widest[version]
    return None


def _endpoints_at(tagged_rules, groups, question, list_entries, unresolved, most, regions, ordered):
    """(accepted pieces, endpoints) of the question at one extreme.

    A question of several protocols is asked one protocol at a time when no rule names a local address (then each
    family and NIC type is one endpoint): the remote addresses that reach every protocol are those that reach each,
    and sweeping the rules of one protocol leaves far fewer pieces than sweeping all at once.
    """
    def ask(part):
        return accepted(tagged_rules, groups, part, list_entries, unresolved, most, regions, ordered)

    if len(question.protocols) == 1 or _has_local(tagged_rules) or question.local != Addresses.everything():
        pieces = ask(question)
        return pieces, endpoints(pieces, question)
    pieces, combined = [], {}
    for protocol in sorted(question.protocols):
        part = replace(question, protocols=frozenset((protocol,)))
        found = ask(part)
        pieces.extend(found)
        for endpoint in endpoints(found, part):
            key = (endpoint.version, endpoint.nic_type)
            if key in combined:
                earlier = combined[key]
                combined[key] = Endpoint(endpoint.version, endpoint.local, endpoint.nic_type, earlier.full & endpoint.full,
                                         earlier.covering + endpoint.covering)
            else:
                combined[key] = endpoint
    return pieces, [combined[key] for key in sorted(combined)]


def exposure(tagged_rules, groups, question, list_entries=None, unresolved=(), regions=None, tolerated=None, ordered=None):
    """The exposure of the question's flows; see Exposure. ``ordered(direction name, most)`` gives the rules in
    precedence order at each extreme, when the caller keeps them."""
    def at(most):
        return _endpoints_at(tagged_rules, groups, question, list_entries, unresolved, most, regions,
                             ordered(question.direction, most) if ordered else None)

    least_pieces, least_endpoints = at(False)
    least = _summarise(least_endpoints)
    most = least
    if depends_on_unresolved(tagged_rules, unresolved, list_entries):
        most = _summarise(at(True)[1])
    whole = bool(least.families) if bool(least.families) == bool(most.families) else None
    breach = _breach(least, tolerated)
    if least.whole_endpoint is not None:
        endpoint = least.whole_endpoint
        block = least.widest.get(endpoint.version, (None, None))[0]
        target = block.network_address if block is not None else _address(endpoint.version, _first(family_part(endpoint.full, endpoint.version)))
    elif breach is not None:
        target, endpoint = breach[0].network_address, breach[1]
    else:
        target, endpoint = None, None
    return Exposure(whole, least.families, least.reachable, most.reachable, endpoint, target, least_pieces, most.anywhere,
                    breach[0] if breach else None, breach is None and _breach(most, tolerated) is not None)


def port_cuts(pieces, ports):
    """The port intervals of ``ports`` over which the accepted pieces do not change."""
    cuts = set()
    for spans in [ports.spans] + [box.dims[1].spans for box, _decider in pieces]:
        for low, high in spans:
            cuts.update((low, high + 1))
    points = sorted(cuts)
    return [Intervals.of(low, nxt - 1) for low, nxt in zip(points, points[1:]) if ports.meets(Intervals.of(low, nxt - 1))]


# --- witnesses, checked by the evaluator -----------------------------------------------------------------

def _first(intervals):
    return intervals.spans[0][0]


def _address(version, value):
    return (ipaddress.IPv4Address if version == 4 else ipaddress.IPv6Address)(value)


def _has_local(tagged_rules):
    return any(rule.local_cidr_ip or rule.local_ipv6_cidr_ip for _group, rule in tagged_rules)


def _flow_view(direction_name, flow, verdict):
    return dict(direction=direction_name, protocol=flow.protocol, remote=str(flow.remote), port=flow.port,
                local=str(flow.local) if flow.local is not None else None, source_port=flow.source_port, nic_type=flow.nic_type,
                verdict=verdict['verdict'], decided_by=verdict['decided_by'], rule=verdict.get('rule'))


def _protocol_of(protocols):
    for name in ('tcp', 'udp', 'icmp', 'icmpv6', 'gre'):
        if name in protocols:
            return name
    return 'other'


def reaching_witness(group, question, found):
    """A flow of the question from ``found.target`` that reaches ``found.endpoint``, with the evaluator's own verdict."""
    endpoint, target = found.endpoint, found.target
    if endpoint is None:
        return None
    version = endpoint.version
    point = Intervals.of(int(target), int(target))
    for box, _decider in found.pieces:
        if endpoint.nic_type not in box.dims[5] or not family_part(box.dims[2], version).meets(point) \
                or (endpoint.local - family_part(box.dims[3], version)):
            continue
        protocol = _protocol_of(box.dims[0])
        flow = Flow(protocol=protocol, remote=target, port=_first(box.dims[1]) if protocol in PORT_PROTOCOLS else None,
                    local=_address(version, _first(endpoint.local)) if _has_local(group.rules[question.direction]) else None,
                    source_port=_first(box.dims[4]), nic_type=endpoint.nic_type, remote_groups=frozenset())
        return _flow_view(question.direction, flow, group.evaluate(question.direction, flow))
    return None


def missing(group, question, most=True):
    """(remote addresses from which some flow of the question is not accepted at some endpoint, a witness flow of
    them with the evaluator's verdict); (empty, None) when every flow is accepted everywhere."""
    question = group.ask(question)
    pieces = group.accepted(question, most)
    not_reached, witness = Addresses(), None
    for endpoint in endpoints(pieces, question):
        gaps = subtract([question.wanted(endpoint.version)], [box for box, _decider in endpoint.covering])
        for box in gaps:
            not_reached = not_reached | box.dims[2]
        if gaps and witness is None:
            box = gaps[0]
            version = endpoint.version
            protocol = _protocol_of(box.dims[0])
            flow = Flow(protocol=protocol, remote=_address(version, _first(family_part(box.dims[2], version))),
                        port=_first(box.dims[1]) if protocol in PORT_PROTOCOLS else None,
                        local=_address(version, _first(endpoint.local)) if _has_local(group.rules[question.direction]) else None,
                        # Not accepted from any source port: any will do, and one given keeps source-port rules decidable.
                        source_port=_first(FULL_PORTS), nic_type=endpoint.nic_type, remote_groups=frozenset())
            witness = _flow_view(question.direction, flow, group.evaluate(question.direction, flow))
    return not_reached, witness


# --- one group under audit ----------------------------------------------------------------------------------

@dataclass
class AuditedGroup:
    """One group as read: its context (type, inner access policy), its rules per direction name as [(group id,
    rule)], the entries of the prefix lists and port range lists they reference, and the lists that could not be read."""

    context: GroupContext
    rules: dict
    list_entries: dict = field(default_factory=dict)
    unresolved: tuple = ()
    nic_types: frozenset = frozenset(('intranet',))  # a VPC group's; a classic network group's instances have both
    regions: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)
    orders: dict = field(default_factory=dict)

    @property
    def group_id(self):
        return self.context.security_group_id

    def ask(self, question, from_internet=False):
        """The question about this group's instances: only the NIC types they have, and for traffic from the internet
        only the one it arrives on (a classic network instance's internet NIC; a VPC instance has one NIC type)."""
        nic_types = self.nic_types
        if from_internet and len(nic_types) > 1:
            nic_types = frozenset(('internet',))
        return replace(question, nic_types=nic_types)

    def ordered(self, direction_name, most):
        """The rules of a direction at one extreme, in precedence order (sorted once)."""
        key = (direction_name, most)
        if key not in self.orders:
            self.orders[key] = sorted(_at_extreme(self.rules[direction_name], set(self.unresolved), most, self.list_entries),
                                      key=lambda item: precedence(item[1]))
        return self.orders[key]

    def accepted(self, question, most=False):
        question = replace(question, nic_types=question.nic_types & self.nic_types)
        return accepted(self.rules[question.direction], [self.context], question, self.list_entries, self.unresolved, most, self.regions,
                        self.ordered(question.direction, most))

    def evaluate(self, direction_name, flow):
        """The evaluator's verdict on one flow (the rules of each direction compiled once). Lists whose entries
        are not known are taken at the extreme that accepts least, where the audit's certain answers come from (a
        flow accepted there is accepted whatever the lists hold); the rules are named as read."""
        rules = self.rules[direction_name]
        table = self.tables.get(direction_name)
        if table is None:
            least = _at_extreme(rules, set(self.unresolved), False, self.list_entries)
            table = self.tables[direction_name] = RuleTable([(group_id, rule) for group_id, rule, _original in least], self.list_entries)
        verdict = evaluate(direction_name, None, flow, [self.context], table=table)
        if verdict.get('rule') and depends_on_unresolved(rules, self.unresolved, self.list_entries):
            as_read = dict((rule.security_group_rule_id, (group_id, rule)) for group_id, rule in rules if rule.security_group_rule_id)
            original = as_read.get(verdict['rule']['security_group_rule_id'])
            if original is not None:
                verdict['rule'] = rule_view(original[1], original[0])
            verdict['assumed'] = 'lists not read (%s) taken to hold no entry for accept rules and every address or port for drop rules' \
                % ', '.join(sorted(set(list_id for _g, rule in rules for list_id in _unknown_lists(rule, self.unresolved, self.list_entries))))
        return verdict

    def exposure(self, question, tolerated=None):
        question = replace(question, nic_types=question.nic_types & self.nic_types)
        return exposure(self.rules[question.direction], [self.context], question, self.list_entries, self.unresolved, self.regions,
                        tolerated, self.ordered)


def rule_for_feedback(_group_id, rule):
    """The rule as the rule modules take it: with state=absent, it removes exactly that rule."""
    return rule.to_dict()


def _decider_text(decider):
    if decider == 'default':
        return "the group's default"
    return '%s (%s)' % (decider[1].security_group_rule_id or 'rule', decider[1].summary())


def _change_text(deciders):
    rules = [decider for decider in deciders if decider != 'default']
    if not rules:
        return ''
    text = '; change or revoke %s' % ', '.join(_decider_text(decider) for decider in rules[:3])
    return text + (' and %d more' % (len(rules) - 3) if len(rules) > 3 else '')


@dataclass(frozen=True)
class Check:
    """A built-in check: no ingress from the whole internet to any port of ``ports`` of ``protocols``."""

    name: str
    title: str
    severity: str
    protocols: frozenset
    ports: Intervals = FULL_PORTS
    cis: str | None = None
    every_port_at_once: bool = False  # the all-traffic check: every protocol and port must reach one endpoint


SSH = Check('internet_ssh', 'SSH (tcp port 22) open to the whole internet', 'high', frozenset(('tcp',)), Intervals.of(22, 22), '4.3')
# CIS 4.4 names the port, not a protocol: RDP listens on tcp and, since RDP 8.0, on udp 3389 too.
RDP = Check('internet_rdp', 'RDP (port 3389, tcp or udp) open to the whole internet', 'high', frozenset(('tcp', 'udp')),
            Intervals.of(3389, 3389), '4.4')
ALL_TRAFFIC = Check('internet_all_traffic', 'every protocol and port open to the whole internet', 'critical', PROTOCOL_UNIVERSE,
                    every_port_at_once=True)
# Telnet, VNC and WinRM (HTTP and HTTPS), by their IANA service name registrations; 22 and 3389 have their own checks.
DEFAULT_REMOTE_ADMIN_PORTS = ('23', '5900', '5985-5986')
HYGIENE = 'ineffective_rules'
CHECK_NAMES = ('internet_ssh', 'internet_rdp', 'internet_remote_admin', 'internet_all_traffic', HYGIENE)
DEFAULT_CHECKS = CHECK_NAMES[:4]


def remote_admin_check(ports):
    text = ', '.join('%d' % low if low == high else '%d-%d' % (low, high) for low, high in ports.spans)
    return Check('internet_remote_admin', 'a remote administration port (tcp %s) open to the whole internet' % text, 'high',
                 frozenset(('tcp',)), ports)


def built_in_checks(names, remote_admin_ports):
    table = dict(internet_ssh=SSH, internet_rdp=RDP, internet_all_traffic=ALL_TRAFFIC,
                 internet_remote_admin=remote_admin_check(remote_admin_ports))
    return [table[name] for name in names if name in table]


def _ports_text(ports):
    if ports == FULL_PORTS:
        return 'every port'
    low, high = ports.spans[0]
    return 'port %d' % low if low == high else 'ports %d-%d' % (low, high)


def _exposure_view(found):
    by_family = dict((FAMILIES[version], str(widest_block(of_family(family_part(found.reachable, version), version))))
                     for version in (4, 6) if family_part(found.reachable, version))
    # The widest source of the family the finding is about: the breach's, the whole family's, else IPv4's, else IPv6's.
    family = FAMILIES[found.breach.version] if found.breach is not None else FAMILIES[found.endpoint.version] if found.endpoint else None
    widest = by_family.get(family) or by_family.get('ipv4') or by_family.get('ipv6')
    return dict(whole_internet=found.whole, families=[FAMILIES[version] for version in found.families],
                reachable_from=cidrs(found.reachable), widest_source=widest, widest_sources=by_family,
                may_reach_from=cidrs(found.possibly) if found.possibly != found.reachable else None)


def run_check(check, group, tolerated=None):
    """The finding of one built-in check on one group, or None when it passes.

    Each protocol and each port is judged on its own, over the port intervals within which the rules treat every
    port alike; the finding is the worst of them, and names every port that fails as badly. ``tolerated``
    ({'ipv4': n, 'ipv6': m}) also fails the check, at severity medium, when a public block of a shorter prefix than n
    (m) reaches one endpoint.
    """
    question = group.ask(Question('ingress', check.protocols, check.ports), from_internet=True)
    if check.every_port_at_once:
        # Only rules of protocol all match the protocols no rule can name; no address they leave out can reach
        # every protocol, so the whole question is asked of what they let in (fewer boxes, the same answer).
        others = group.exposure(replace(question, protocols=frozenset(('other',))))
        if not others.anywhere:
            return None
        candidates = [replace(question, remote=others.anywhere)]
    else:
        candidates = []
        for protocol in sorted(check.protocols):
            part = replace(question, protocols=frozenset((protocol,)))
            # Cut where either extreme changes, so that each interval is judged alike at both.
            pieces = group.accepted(part, most=True)
            if depends_on_unresolved(group.rules['ingress'], group.unresolved, group.list_entries):
                pieces = pieces + group.accepted(part, most=False)
            candidates.extend(part.with_ports(ports) for ports in port_cuts(pieces, check.ports))
    results = [result for result in (_check_finding(check, group, candidate, group.exposure(candidate, tolerated), tolerated)
                                     for candidate in candidates) if result is not None]
    if not results:
        return None
    worst = max(results, key=_rank)
    alike = [result for result in results if _rank(result) == _rank(worst)]
    if len(alike) > 1:
        worst = dict(worst, message='%s; also %s' % (worst['message'], ', '.join(result['what'] for result in alike if result is not worst)),
                     rules=_merged_rules(result['rules'] for result in alike))
    worst['open'] = [result['what'] for result in alike]
    del worst['what']
    return worst


def _merged_rules(lists):
    merged = []
    for rules in lists:
        merged.extend(rule for rule in rules if rule not in merged)
    return merged


def _rank(finding):
    return (finding['status'] == 'fail', SEVERITIES.index(finding['severity']))


def accepting_rules(group, question, remote):
    """Every accept rule (as read) that accepts some flow of the question from ``remote`` at the extreme that accepts
    least, in precedence order: not only the rules that decide those flows now, but those that would once these were
    revoked, so that revoking them all closes the exposure."""
    asked = replace(question, remote=question.remote & remote).boxes()
    found = []
    for group_id, rule, original in group.ordered(question.direction, False):
        if rule.policy != 'accept' or not _may_meet(rule, question):
            continue
        cached = group.regions.get(id(rule))
        region = cached[1] if cached else rule_region(rule, (), group.list_entries)
        if any(mine.meets(theirs) for mine in asked for theirs in region) and (group_id, original) not in found:
            found.append((group_id, original))
    return found


def _check_finding(check, group, question, found, tolerated):
    protocols = 'every protocol,' if check.every_port_at_once else '/'.join(sorted(question.protocols))
    what = '%s %s' % (protocols, _ports_text(question.ports))
    breached = found.breach
    unread = ', '.join(sorted(group.unresolved))
    if found.whole:
        status, severity = 'fail', check.severity
        message = 'every address of %s reaches %s of one instance' % (' and '.join(WHOLE[version] for version in found.families), what)
    elif breached is not None:
        status, severity = 'fail', 'medium'
        message = 'the public block %s, wider than the tolerated /%d, reaches %s of one instance' % (
            breached, tolerated[FAMILIES[breached.version]], what)
        if found.whole is None:
            message += ' (whether the whole internet does depends on lists that could not be read: %s)' % unread
    elif found.whole is None:
        status, severity = 'undetermined', check.severity
        message = 'whether the whole internet reaches %s depends on lists that could not be read (%s)' % (what, unread)
    elif found.breach_undetermined:
        status, severity = 'undetermined', 'medium'
        message = 'whether a public block wider than the tolerated prefix length reaches %s depends on lists that could not ' \
                  'be read (%s)' % (what, unread)
    else:
        return None
    deciders = found.endpoint.deciders() if found.endpoint is not None else []
    rules = [decider for decider in deciders if decider != 'default']
    if found.endpoint is not None:
        rules += [item for item in accepting_rules(group, question, found.endpoint.full) if item not in rules]
    return dict(check=check.name, title=check.title, cis=check.cis, cis_source=CIS_SOURCE if check.cis else None, severity=severity,
                status=status, direction='ingress', message=message + _change_text(deciders), what=what, exposure=_exposure_view(found),
                rules=[rule_for_feedback(*item) for item in rules], decided_by_default='default' in deciders,
                witness=reaching_witness(group, question, found))


# --- a team's own assertions -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Assertion:
    """``forbid``: no flow of the question is accepted; ``require``: every flow of it is, at every local address.
    ``label`` names it uniquely (forbid[0]: its name), ``name`` as the user wrote it or a summary of the flows."""

    kind: str
    label: str
    name: str
    question: Question
    severity: str = 'high'


def _families(addresses):
    return [version for version in (4, 6) if family_part(addresses, version)]


def parse_assertion(kind, options, where):
    """An Assertion from one element of the forbid or require option (``where``: forbid[0]. and so on)."""
    direction = options.get('direction') or 'ingress'
    protocols = protocols_of(options.get('protocol'), where + 'protocol')
    port_values = options.get('ports') or []
    if port_values and not protocols <= frozenset(PORT_PROTOCOLS):
        raise RuleError(where + 'ports', 'applies only to tcp and udp; leave it out for %s' % options.get('protocol'))
    ports = parse_ports(port_values, where + 'ports') if port_values else FULL_PORTS
    remote_values = options.get('remote') or ['internet']
    remote = parse_addresses(remote_values, where + 'remote') - parse_addresses(options.get('remote_except') or [], where + 'remote_except')
    if not remote:
        raise RuleError(where + 'remote_except', 'leaves no remote address of remote')
    local = parse_addresses(options['local'], where + 'local', internet=False) if options.get('local') else Addresses.everything()
    question = Question(direction, protocols, ports, remote, local)
    if not any(question.wanted(version) and family_part(local, version) for version in (4, 6)):
        # Both ends of a flow are of one family, and ICMP and ICMPv6 each of their own: such an assertion holds no flow.
        raise RuleError(where.rstrip('.'), 'remote (IPv%s), local (IPv%s) and protocol %s have no address family in common, so no flow '
                        'is asked about' % ('/'.join(map(str, _families(remote))), '/'.join(map(str, _families(local))), options.get('protocol')))
    name = text_or_none(options.get('name')) or '%s %s %s %s %s' % (
        direction, options.get('protocol'), ','.join(str(port) for port in port_values) or 'any port', 'from' if direction == 'ingress' else 'to',
        ','.join(str(value) for value in remote_values) + (' except %s' % ','.join(options['remote_except']) if options.get('remote_except') else ''))
    return Assertion(kind, '%s: %s' % (where.rstrip('.'), name), name, question, options.get('severity') or 'high')


def run_assertion(assertion, group):
    """The finding of one forbid or require assertion on one group, or None when it holds."""
    question = group.ask(assertion.question)
    rules = group.rules[question.direction]
    context = [group.context]
    unsure = depends_on_unresolved(rules, group.unresolved, group.list_entries)
    if assertion.kind == 'forbid':
        least = group.accepted(question)
        if least:
            status = 'fail'
            pieces = least
        elif unsure and group.accepted(question, most=True):
            status, pieces = 'undetermined', []
        else:
            return None
        reaching = Addresses()
        deciders = []
        for box, decider in pieces:
            reaching = reaching | box.dims[2]
            if decider not in deciders:
                deciders.append(decider)
        witness = None
        if pieces:
            box = pieces[0][0]
            version = 4 if box.dims[2].v4 else 6
            protocol = _protocol_of(box.dims[0])
            local = family_part(box.dims[3], version)
            flow = Flow(protocol=protocol, remote=_address(version, _first(family_part(box.dims[2], version))),
                        port=_first(box.dims[1]) if protocol in PORT_PROTOCOLS else None,
                        local=_address(version, _first(local)) if _has_local(rules) or question.local != Addresses.everything() else None,
                        source_port=_first(box.dims[4]), nic_type=sorted(box.dims[5])[0], remote_groups=frozenset())
            witness = _flow_view(question.direction, flow, group.evaluate(question.direction, flow))
        preposition = 'from' if question.direction == 'ingress' else 'to'
        blocks = cidrs(reaching)
        message = ('%s is accepted %s %s' % (assertion.name, preposition, ', '.join(blocks[:5]) + (' ...' if len(blocks) > 5 else ''))
                   if status == 'fail' else 'whether %s is accepted depends on lists that could not be read (%s)'
                   % (assertion.name, ', '.join(sorted(group.unresolved))))
        message += _change_text(deciders)
        if 'default' in deciders:
            message += "; the group's default accepts %s traffic no rule drops: add a drop rule for it" % question.direction
        return dict(check='forbid', title='forbid: %s' % assertion.name, cis=None, cis_source=None, severity=assertion.severity,
                    status=status, direction=question.direction, message=message,
                    exposure=dict(reachable_from=cidrs(reaching)), rules=[rule_for_feedback(*decider) for decider in deciders if decider != 'default'],
                    decided_by_default='default' in deciders, witness=witness)
    not_reached, witness = missing(group, question, most=True)
    status = 'fail'
    if not not_reached:
        if not unsure:
            return None
        not_reached, witness = missing(group, question, most=False)
        if not not_reached:
            return None
        status = 'undetermined'
    blocked = witness['rule'] if witness and witness.get('rule') else None
    blocks = cidrs(not_reached)
    message = ('%s is not accepted %s %s' % (assertion.name, 'from' if question.direction == 'ingress' else 'to',
                                             ', '.join(blocks[:5]) + (' ...' if len(blocks) > 5 else ''))
               if status == 'fail' else 'whether %s is accepted depends on lists that could not be read (%s)'
               % (assertion.name, ', '.join(sorted(group.unresolved))))
    if blocked:
        message += '; %s decides it' % blocked['summary']
    elif witness:
        message += "; no rule accepts it, and the group's default drops it"
    return dict(check='require', title='require: %s' % assertion.name, cis=None, cis_source=None, severity=assertion.severity,
                status=status, direction=question.direction, message=message, exposure=dict(not_reached_from=cidrs(not_reached)),
                rules=[], decided_by_default=bool(witness) and witness['decided_by'] == 'default', witness=witness)


# --- hygiene ---------------------------------------------------------------------------------------------

def ineffective_rules(group):
    """Low-severity findings: rules that can never take effect (shadowed) or change no verdict (redundant).

    Revoking every shadowed rule at once changes no verdict (each is covered by rules of higher precedence, and what
    covers a shadowed rule covers what it covered). Redundant rules are not so: two rules may each be redundant
    because of the other. Findings say which by ``safe_to_remove``.
    """
    out = []
    for direction_name in ('ingress', 'egress'):
        tagged = group.rules[direction_name]
        if not tagged:
            continue
        found = findings(direction_name, tagged, [group.context], group.list_entries or None)
        # By ID and summary: rules of different identity have different summaries, and copies of one rule different IDs.
        as_read = dict(((rule.security_group_rule_id, rule.summary()), (group_id, rule)) for group_id, rule in tagged)
        for kind, key, why, safe in (
                ('shadowed', 'covered_by', 'can never take effect: rules of higher precedence decide every flow it matches', True),
                ('redundant', 'decided_anyway_by', 'is redundant: every flow it decides is decided the same way without it (revoke '
                 'redundant rules one at a time, auditing again in between: two may each be redundant because of the other)', False)):
            for entry in found[kind]:
                view = entry['rule']
                tagged_rule = as_read.get((view['security_group_rule_id'], view['summary']))
                others = '; '.join(item if isinstance(item, str) else item['summary'] for item in entry[key])
                out.append(dict(check=HYGIENE, title='%s rule' % kind, cis=None, cis_source=None, severity='low', status='fail',
                                direction=direction_name, message='%s %s (%s)' % (view['summary'], why, others),
                                exposure=None, rules=[rule_for_feedback(*tagged_rule)] if tagged_rule else [], safe_to_remove=safe,
                                decided_by_default=False, witness=None))
    return out


def audit_group(group, checks, assertions=(), hygiene=False, tolerated=None):
    """(findings, {check name: pass | fail | undetermined}) of one group."""
    results, statuses = [], {}
    for check in checks:
        finding = run_check(check, group, tolerated)
        statuses[check.name] = finding['status'] if finding else 'pass'
        if finding:
            results.append(finding)
    for assertion in assertions:
        finding = run_assertion(assertion, group)
        statuses[assertion.label] = finding['status'] if finding else 'pass'
        if finding:
            results.append(finding)
    if hygiene:
        found = ineffective_rules(group)
        statuses[HYGIENE] = 'fail' if found else 'pass'
        results.extend(found)
    return results, statuses
