# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Exact set arithmetic over the flows a rule matches.

A rule matches a box: protocols x destination ports x remote addresses x local addresses x source
ports x NIC types x one membership dimension per token. Each dimension is a set with intersection
and difference; a region is a list of disjoint boxes. Addresses are IPv4 and IPv6 integer
intervals. A token stands for an address set that the rules alone do not tell: the members of a
security group, or a prefix list whose entries are not known. Its dimension says whether the remote
end is in that set ({True}), not in it ({False}) or either; a rule naming the token matches {True}
at any address, every other rule matches either. So a group rule is covered by address rules only
where they cover every address of both families, which is exact for members of unknown address.
A port range list whose entries are not known is a token of the same kind, for the destination port.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.alicloud.ecs.plugins.module_utils._values import PORT_PROTOCOLS

# 'other' stands for every IP protocol no rule can name but 'all' covers (SCTP, ESP, ...).
PROTOCOL_UNIVERSE = frozenset(('tcp', 'udp', 'icmp', 'icmpv6', 'gre', 'other'))
NIC_UNIVERSE = frozenset(('intranet', 'internet'))
# ICMP is IPv4's and ICMPv6 IPv6's: a box never pairs either with the other family.
FAMILY_PROTOCOLS = {4: PROTOCOL_UNIVERSE - {'icmpv6'}, 6: PROTOCOL_UNIVERSE - {'icmp'}}
PORT_MAX = 65535
EITHER = frozenset((False, True))
FAMILY_MAX = {4: 2 ** 32 - 1, 6: 2 ** 128 - 1}


class Intervals:
    """A set of integers as sorted, disjoint, closed intervals."""

    __slots__ = ('spans',)

    def __init__(self, spans=()):
        self.spans = tuple(spans)

    @classmethod
    def of(cls, low, high):
        return cls(((low, high),)) if low <= high else cls()

    def __bool__(self):
        return bool(self.spans)

    def __eq__(self, other):
        return isinstance(other, Intervals) and self.spans == other.spans

    def __hash__(self):
        return hash(self.spans)

    def __and__(self, other):
        out = []
        i = j = 0
        while i < len(self.spans) and j < len(other.spans):
            low = max(self.spans[i][0], other.spans[j][0])
            high = min(self.spans[i][1], other.spans[j][1])
            if low <= high:
                out.append((low, high))
            if self.spans[i][1] < other.spans[j][1]:
                i += 1
            else:
                j += 1
        return Intervals(out)

    def __sub__(self, other):
        out = []
        for low, high in self.spans:
            start = low
            for cut_low, cut_high in other.spans:
                if cut_high < start or cut_low > high:
                    continue
                if cut_low > start:
                    out.append((start, cut_low - 1))
                start = max(start, cut_high + 1)
                if start > high:
                    break
            if start <= high:
                out.append((start, high))
        return Intervals(out)

    def __or__(self, other):
        joined = []
        for low, high in sorted(self.spans + other.spans):
            if joined and low <= joined[-1][1] + 1:
                joined[-1] = (joined[-1][0], max(joined[-1][1], high))
            else:
                joined.append((low, high))
        return Intervals(joined)

    def meets(self, other):
        """Whether the two sets share a member (cheaper than building the intersection)."""
        if not self.spans or not other.spans or self.spans[-1][1] < other.spans[0][0] or other.spans[-1][1] < self.spans[0][0]:
            return False
        if len(self.spans) == 1 and len(other.spans) == 1:
            return True
        return bool(self & other)

    def __repr__(self):
        return 'Intervals(%r)' % (self.spans,)


class Addresses:
    """A set of addresses: IPv4 intervals and IPv6 intervals."""

    __slots__ = ('v4', 'v6')

    def __init__(self, v4=None, v6=None):
        self.v4 = v4 if v4 is not None else Intervals()
        self.v6 = v6 if v6 is not None else Intervals()

    @classmethod
    def everything(cls):
        return cls(Intervals.of(0, FAMILY_MAX[4]), Intervals.of(0, FAMILY_MAX[6]))

    @classmethod
    def network(cls, cidr):
        network = ipaddress.ip_network(cidr, strict=False)
        span = Intervals.of(int(network.network_address), int(network.broadcast_address))
        return cls(v4=span) if network.version == 4 else cls(v6=span)

    def __bool__(self):
        return bool(self.v4 or self.v6)

    def __eq__(self, other):
        return isinstance(other, Addresses) and (self.v4, self.v6) == (other.v4, other.v6)

    def __hash__(self):
        return hash((self.v4, self.v6))

    def __and__(self, other):
        return Addresses(self.v4 & other.v4, self.v6 & other.v6)

    def meets(self, other):
        return self.v4.meets(other.v4) or self.v6.meets(other.v6)

    def __sub__(self, other):
        return Addresses(self.v4 - other.v4, self.v6 - other.v6)

    def __or__(self, other):
        return Addresses(self.v4 | other.v4, self.v6 | other.v6)

    def __repr__(self):
        return 'Addresses(v4=%r, v6=%r)' % (self.v4, self.v6)


# Ports of real flows; '-1/-1' and an absent source port range mean all of them.
FULL_PORTS = Intervals.of(1, PORT_MAX)


class Box:
    """The flows one rule matches; every dimension supports &, - and truth.

    Dimensions: protocols, ports, remote, local, source ports, NIC types, then one membership per token.
    """

    __slots__ = ('dims',)

    def __init__(self, dims):
        self.dims = tuple(dims)

    def __bool__(self):
        return all(bool(dim) for dim in self.dims)

    def __and__(self, other):
        return Box(a & b for a, b in zip(self.dims, other.dims))

    def meets(self, other):
        """Whether the boxes share a flow, dimension by dimension, stopping at the first that shares none."""
        for mine, theirs in zip(self.dims, other.dims):
            if isinstance(mine, frozenset):
                if mine.isdisjoint(theirs):
                    return False
            elif not mine.meets(theirs):
                return False
        return True

    def minus(self, other):
        """Disjoint boxes whose union is self minus other."""
        if not self.meets(other):
            return [self]
        pieces = []
        for index in range(len(self.dims)):
            rest = self.dims[index] - other.dims[index]
            if rest:
                dims = [self.dims[j] & other.dims[j] for j in range(index)] + [rest] + list(self.dims[index + 1:])
                pieces.append(Box(dims))
        return pieces


def subtract(region, other):
    """Region (a list of disjoint boxes) minus another region."""
    for box in other:
        region = [rest for piece in region for rest in piece.minus(box)]
        if not region:
            break
    return region


def overlaps(region, other):
    return any(piece.meets(box) for piece in region for box in other)


def _ports(text):
    low, high = (int(bound) for bound in text.split('/'))
    return Intervals.of(max(low, 1), high) if low >= 0 else FULL_PORTS


def peer_token(rule, list_entries=None):
    """The token a rule's remote side stands for, or None when it is an address set."""
    if rule.peer_cidr_ip or rule.peer_ipv6_cidr_ip:
        return None
    if rule.peer_group_id:
        return rule.peer_group_id
    if (list_entries or {}).get(rule.peer_prefix_list_id) is None:
        return rule.peer_prefix_list_id
    return None


def port_token(rule, list_entries=None):
    """The token a rule's ports stand for: its port range list when the list's entries are not known, else None.

    A port set of unknown members is handled as an address set of unknown members is: the rule matches {True}
    of its token at every port, and a rule of known ports covers it only by covering every port.
    """
    if rule.port_range_list_id and (list_entries or {}).get(rule.port_range_list_id) is None:
        return rule.port_range_list_id
    return None


def tokens_of(rules, list_entries=None, extra=()):
    """The sorted tokens of a rule set: the dimensions its boxes need beyond the fixed ones."""
    found = set(extra)
    for rule in rules:
        found.update(token for token in (peer_token(rule, list_entries), port_token(rule, list_entries)) if token)
    return tuple(sorted(found))


def rule_ports(rule, list_entries=None):
    """The destination ports of a port protocol's rule: its range, or the union of its port range list's entries."""
    if not rule.port_range_list_id:
        return _ports(rule.port_range)
    entries = (list_entries or {}).get(rule.port_range_list_id)
    if entries is None:
        return FULL_PORTS
    ports = Intervals()
    for entry in entries:
        ports = ports | _ports(entry)
    return ports


def peer_addresses(rule, list_entries=None):
    """The remote addresses of a rule; every address where the remote side is a token."""
    if rule.peer_cidr_ip:
        return Addresses.network(rule.peer_cidr_ip)
    if rule.peer_ipv6_cidr_ip:
        return Addresses.network(rule.peer_ipv6_cidr_ip)
    if peer_token(rule, list_entries):
        return Addresses.everything()
    addresses = Addresses()
    for cidr in list_entries[rule.peer_prefix_list_id]:
        addresses = addresses | Addresses.network(cidr)
    return addresses


def _by_family(protocols, remote, local):
    """(protocols, remote, local) of one family each: both ends of a flow are of one family, and ICMP
    and ICMPv6 each of their own, so a box never holds flows no packet can be."""
    parts = []
    if remote.v4 and local.v4 and protocols & FAMILY_PROTOCOLS[4]:
        parts.append((protocols & FAMILY_PROTOCOLS[4], Addresses(v4=remote.v4), Addresses(v4=local.v4)))
    if remote.v6 and local.v6 and protocols & FAMILY_PROTOCOLS[6]:
        parts.append((protocols & FAMILY_PROTOCOLS[6], Addresses(v6=remote.v6), Addresses(v6=local.v6)))
    return parts


def everything_region(tokens, memberships=None):
    """Every flow; ``memberships`` {token: frozenset} narrows the membership dimensions."""
    memberships = memberships or {}
    everything = Addresses.everything()
    return [Box([protocols, FULL_PORTS, remote, local, FULL_PORTS, NIC_UNIVERSE] + [memberships.get(token, EITHER) for token in tokens])
            for protocols, remote, local in _by_family(PROTOCOL_UNIVERSE, everything, everything)]


def rule_region(rule, tokens, list_entries=None):
    """The flows a canonical rule matches, as disjoint boxes (one per address family), with a membership
    dimension for each of ``tokens``."""
    if rule.ip_protocol == 'all':
        protocols, ports = PROTOCOL_UNIVERSE, FULL_PORTS
    elif rule.ip_protocol in PORT_PROTOCOLS:
        protocols, ports = frozenset((rule.ip_protocol,)), rule_ports(rule, list_entries)
        if not ports:
            # A port range list without entries lets nothing through.
            return []
    else:
        protocols, ports = frozenset((rule.ip_protocol,)), FULL_PORTS
    remote = peer_addresses(rule, list_entries)
    if rule.local_cidr_ip or rule.local_ipv6_cidr_ip:
        local = Addresses.network(rule.local_cidr_ip or rule.local_ipv6_cidr_ip)
    else:
        local = Addresses.everything()
    source_ports = _ports(rule.source_port_range) if rule.source_port_range else FULL_PORTS
    nic_types = frozenset((rule.nic_type,)) if rule.nic_type in NIC_UNIVERSE else NIC_UNIVERSE
    own = (peer_token(rule, list_entries), port_token(rule, list_entries))
    memberships = [frozenset((True,)) if token in own else EITHER for token in tokens]
    return [Box([family_protocols, ports, remote_part, local_part, source_ports, nic_types] + memberships)
            for family_protocols, remote_part, local_part in _by_family(protocols, remote, local)]
