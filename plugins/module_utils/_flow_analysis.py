# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How ECS decides a flow, and which rules can never take effect.

The semantics, from the AuthorizeSecurityGroupEgress document and Alibaba Cloud's "Security group
rules" guide: rules have priorities 1 (highest) to 100; of the rules that match a flow, the one of
highest priority decides; at equal priority a drop rule wins over an accept rule; a flow that no
rule matches gets the default of its group. The defaults: a normal (basic) group accepts all
outbound traffic and, inbound, only traffic from its own members while its inner access policy is
accept; an enterprise (advanced) group drops both directions. The rules of every group an instance
is in are evaluated together as one list.

Before any rule, the inner access policy: while a normal group's policy is Accept, its members reach each
other whatever the rules say (the ModifySecurityGroupPolicy page, in every language version: "Accept takes
precedence ... not affected by the user's own rules"); with Drop, the rules decide, and may allow it.

Nothing here talks to Ansible or to the network.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from ansible_collections.alicloud.ecs.plugins.module_utils._match_space import (
    NIC_UNIVERSE, everything_region, overlaps, rule_region, subtract, tokens_of,
)
from ansible_collections.alicloud.ecs.plugins.module_utils._values import (
    PORT_PROTOCOLS, PROTOCOL_NUMBERS, PROTOCOLS, RuleError, normalize_port, text_or_none,
)

INNER_ACCESS_SOURCE = ('Alibaba Cloud API reference, ModifySecurityGroupPolicy: with InnerAccessPolicy Accept, instances of the '
                       'group can always reach each other, whatever its rules say (Accept takes precedence); with Drop, '
                       'the rules decide')
DEFAULT_SOURCE = ('Alibaba Cloud ECS user guide, "Security group rules": basic groups allow all outbound traffic and inbound '
                  'traffic from instances of the same group (while the inner access policy is accept); enterprise groups '
                  'deny inbound and outbound traffic by default')


def precedence(rule):
    """Sort key: higher priority first; at equal priority drop before accept; then a stable order."""
    return _tier(rule) + (rule.key(),)


def _tier(rule):
    """What decides between two rules that both match: priority, then drop before accept."""
    return (rule.priority, 0 if rule.policy == 'drop' else 1)


# --- flows -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Flow:
    protocol: str
    remote: object
    port: int | None = None
    local: object = None
    source_port: int | None = None
    nic_type: str = 'intranet'
    remote_groups: frozenset | None = None

    def describe(self):
        port = ' port %d' % self.port if self.port is not None else ''
        return '%s %s%s' % (self.protocol, self.remote, port)


def _address(value, option):
    text = text_or_none(value)
    if text is None:
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise RuleError(option, '%r is not an IPv4 or IPv6 address' % text) from None


def parse_flow(options, where=''):
    """A Flow from the user's options: protocol, remote, port, local, source_port, nic_type, remote_groups."""
    def name(option):
        return where + option

    protocol_text = text_or_none(options.get('protocol'))
    if protocol_text is None:
        raise RuleError(name('protocol'), 'is required: tcp, udp, icmp, icmpv6, gre or a protocol number')
    protocol = protocol_text.lower()
    protocol = PROTOCOL_NUMBERS.get(protocol, protocol)
    if protocol == 'all':
        raise RuleError(name('protocol'), 'a flow has one protocol; all is not one')
    if protocol not in PROTOCOLS:
        if not protocol.isdigit() or not 0 <= int(protocol) <= 255:
            raise RuleError(name('protocol'), '%r is not tcp, udp, icmp, icmpv6, gre or a protocol number 0-255' % protocol_text)
        protocol = 'other'
    remote = _address(options.get('remote'), name('remote'))
    if remote is None:
        raise RuleError(name('remote'), 'is required: the address at the other end of the flow')
    port = normalize_port(options.get('port'), name('port'))
    if protocol in PORT_PROTOCOLS and port is None:
        raise RuleError(name('port'), 'is required for protocol %s' % protocol)
    if protocol not in PORT_PROTOCOLS and port is not None:
        raise RuleError(name('port'), 'applies only to tcp and udp flows')
    local = _address(options.get('local'), name('local'))
    if local is not None and local.version != remote.version:
        raise RuleError(name('local'), 'is IPv%d but remote is IPv%d; both ends of a flow are of one family' % (local.version, remote.version))
    if protocol == 'icmpv6' and remote.version != 6 or protocol == 'icmp' and remote.version != 4:
        raise RuleError(name('protocol'), '%s does not go with an IPv%d address' % (protocol, remote.version))
    nic_type = (text_or_none(options.get('nic_type')) or 'intranet').lower()
    if nic_type not in NIC_UNIVERSE:
        raise RuleError(name('nic_type'), '%r is not valid; accepted values: internet, intranet' % options.get('nic_type'))
    groups = options.get('remote_groups')
    if groups is not None and (isinstance(groups, str) or not all(isinstance(item, str) and item.strip() for item in groups)):
        raise RuleError(name('remote_groups'), 'must be a list of security group IDs')
    return Flow(protocol=protocol, remote=remote, port=port, local=local,
                source_port=normalize_port(options.get('source_port'), name('source_port')), nic_type=nic_type,
                remote_groups=frozenset(item.strip() for item in groups) if groups is not None else None)


# --- matching one flow -------------------------------------------------------------------------

MATCH, NO_MATCH, UNKNOWN = 'match', 'no match', 'unknown'


# --- defaults -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GroupContext:
    """What decides the default of one group: its ID, type and inner access policy (None: not known)."""

    security_group_id: str | None
    group_type: str | None = 'normal'
    inner_access_policy: str | None = 'accept'


def default_kind(groups):
    """Whose default applies to the groups together: 'normal', 'enterprise', or None when a type is not known."""
    types = set(group.group_type for group in groups)
    if None in types or not groups:
        return None
    if 'enterprise' not in types:
        return 'normal'
    if types != {'enterprise'}:
        raise RuleError('security_group_ids', 'an instance cannot be in normal and enterprise security groups at once')
    return 'enterprise'


def default_verdict(direction_name, groups, flow):
    """(policy, why) for a flow no rule matched, or (None, why) when the groups' types are not known."""
    kind = default_kind(groups)
    if kind is None:
        return None, 'the group type is not known, so neither is its default'
    if kind == 'enterprise':
        return 'drop', 'enterprise groups drop %s traffic no rule accepts' % direction_name
    if direction_name == 'egress':
        return 'accept', 'normal groups accept outbound traffic no rule drops'
    for group in groups:
        if group.inner_access_policy == 'accept' and flow is not None and flow.remote_groups is not None \
                and group.security_group_id in flow.remote_groups:
            return 'accept', 'the remote end is a member of %s, whose inner access policy is accept' % group.security_group_id
    return 'drop', 'normal groups drop inbound traffic no rule accepts, but from their own members'


def inner_accept_groups(groups):
    """The groups whose members reach each other before any rule (normal, inner access policy accept), sorted;
    their membership is a dimension of the flows, so their tokens join the rule set's."""
    return sorted(group.security_group_id for group in groups
                  if group.group_type == 'normal' and group.inner_access_policy == 'accept' and group.security_group_id)


def inner_accept_region(groups, tokens):
    """The flows the inner access policy accepts before any rule: those whose remote end is a member of one of
    ``inner_accept_groups``, as disjoint boxes."""
    region = []
    for member in inner_accept_groups(groups):
        piece = everything_region(tokens, {member: frozenset((True,))})
        region.extend(subtract(piece, region))
    return region


def inner_access_verdict(groups, flow):
    """('accept', why) when the inner access policy decides the flow, ('not applied', why) when it would if the
    remote end were a member, which the flow does not tell (then, as for the default, it is taken for no member),
    else (None, None)."""
    members = inner_accept_groups(groups)
    if not members:
        return None, None
    if flow.remote_groups is None:
        return 'not applied', 'the flow does not say whether the remote end is a member of %s, whose inner access policy ' \
                              'accept would let it in before any rule; give remote_groups to check' % ', '.join(members)
    for member in members:
        if member in flow.remote_groups:
            return 'accept', 'the remote end is a member of %s, whose inner access policy is accept: members reach each ' \
                             'other whatever the rules say' % member
    return None, None


def default_accept_region(direction_name, groups, tokens):
    """The flows the groups' default accepts, as a list of boxes; None when the default is not known."""
    kind = default_kind(groups)
    if kind is None:
        return None
    if kind == 'enterprise':
        return []
    if direction_name == 'egress':
        return everything_region(tokens)
    # Inbound, from the groups' own members: by then the inner access policy has accepted those flows already.
    return inner_accept_region(groups, tokens)


# --- evaluation -------------------------------------------------------------------------------------

def rule_view(rule, group_id=None):
    return dict(security_group_id=group_id, security_group_rule_id=rule.security_group_rule_id, priority=rule.priority,
                policy=rule.policy, summary=rule.summary(), description=rule.description)


def _span(cidr):
    network = ipaddress.ip_network(cidr, strict=False)
    return network.version, int(network.network_address), int(network.broadcast_address)


def _ports_span(text):
    low, high = (int(bound) for bound in text.split('/'))
    return None if low < 0 else (low, high)


class RuleTable:
    """The rules of one direction compiled once for evaluating many flows: precedence order, integer
    address ranges, and one list per protocol so that a flow only meets the rules of its protocol.

    The unit tests hold it to a plain matcher that reads each rule as it is written.
    """

    def __init__(self, tagged_rules, list_entries=None):
        self.entries = []
        for group_id, rule in sorted(tagged_rules, key=lambda item: precedence(item[1])):
            self.entries.append((group_id, rule, self._compile(rule, list_entries or {})))
        self.by_protocol = dict((protocol, [entry for entry in self.entries if entry[1].ip_protocol in ('all', protocol)])
                                for protocol in PROTOCOLS + ('other',))

    @staticmethod
    def _compile(rule, list_entries):
        if rule.peer_cidr_ip or rule.peer_ipv6_cidr_ip:
            peer = ('spans', (_span(rule.peer_cidr_ip or rule.peer_ipv6_cidr_ip),))
        elif rule.peer_group_id:
            peer = ('group', rule.peer_group_id)
        elif list_entries.get(rule.peer_prefix_list_id) is not None:
            peer = ('spans', tuple(_span(cidr) for cidr in list_entries[rule.peer_prefix_list_id]))
        else:
            peer = ('unresolved', rule.peer_prefix_list_id)
        local = rule.local_cidr_ip or rule.local_ipv6_cidr_ip
        if rule.ip_protocol not in PORT_PROTOCOLS:
            ports = None
        elif rule.port_range_list_id:
            entries = list_entries.get(rule.port_range_list_id)
            ports = ('unresolved', rule.port_range_list_id) if entries is None else ('spans', tuple(_ports_span(entry) for entry in entries))
        else:
            ports = ('spans', (_ports_span(rule.port_range),))
        return (ports, rule.nic_type, peer, _span(local) if local else None,
                _ports_span(rule.source_port_range) if rule.source_port_range else None)

    @staticmethod
    def _status(compiled, flow, remote, local):
        ports, nic_type, peer, local_span, source_ports = compiled
        unknown = []
        if ports is not None:
            kind, value = ports
            if kind == 'unresolved':
                unknown.append('depends on the entries of port range list %s, which were not resolved' % value)
            elif not any(span is None or span[0] <= flow.port <= span[1] for span in value):
                return NO_MATCH, None
        if nic_type and nic_type != flow.nic_type:
            return NO_MATCH, None
        kind, value = peer
        if kind == 'spans':
            if not any(version == remote[0] and low <= remote[1] <= high for version, low, high in value):
                return NO_MATCH, None
        elif kind == 'group':
            if flow.remote_groups is None:
                unknown.append('depends on membership of %s' % value)
            elif value not in flow.remote_groups:
                return NO_MATCH, None
        else:
            unknown.append('depends on the entries of prefix list %s, which were not resolved' % value)
        if local_span is not None:
            if local is None:
                unknown.append('depends on the local address, which the flow does not give')
            elif not (local_span[0] == local[0] and local_span[1] <= local[1] <= local_span[2]):
                return NO_MATCH, None
        if source_ports is not None:
            if flow.source_port is None:
                unknown.append('depends on the source port, which the flow does not give')
            elif not source_ports[0] <= flow.source_port <= source_ports[1]:
                return NO_MATCH, None
        if unknown:
            return UNKNOWN, '; '.join(unknown)
        return MATCH, None

    def statuses(self, flow):
        """(group id, rule, status, why) for the rules of the flow's protocol, in precedence order, up to the
        first match that decides (and every later match)."""
        remote = (flow.remote.version, int(flow.remote))
        local = (flow.local.version, int(flow.local)) if flow.local is not None else None
        for group_id, rule, compiled in self.by_protocol[flow.protocol]:
            status, why = self._status(compiled, flow, remote, local)
            if status != NO_MATCH:
                yield group_id, rule, status, why


def evaluate(direction_name, tagged_rules, flow, groups, list_entries=None, table=None):
    """The verdict of the groups' rules on one flow.

    ``tagged_rules`` is a list of (group id, canonical rule) of one direction (or pass a RuleTable of
    them as ``table`` to evaluate many flows). The result says the verdict (accept, drop, or
    undetermined when a rule of higher precedence that would decide otherwise depends on what the flow does not
    tell), the deciding
    rule, every other matching rule in precedence order, the rules whose match is unknown, and whether
    the default decided.
    """
    default_kind(groups)  # groups that cannot govern one instance fail, whether or not the default decides this flow
    table = table or RuleTable(tagged_rules, list_entries)
    matched, unsure = [], []
    for group_id, rule, status, why in table.statuses(flow):
        if status == MATCH:
            matched.append((group_id, rule))
        elif not matched:
            unsure.append((rule, dict(rule_view(rule, group_id), reason=why)))
    # Rules met before the deciding one (or the default) whose match is not known: those of the deciding rule's
    # priority and policy come before it only by their arbitrary order among equals, and cannot matter.
    unknown = [(rule, view) for rule, view in unsure if not matched or _tier(rule) < _tier(matched[0][1])]
    result = dict(flow=dict(protocol=flow.protocol, remote=str(flow.remote), port=flow.port,
                            local=str(flow.local) if flow.local is not None else None, source_port=flow.source_port,
                            nic_type=flow.nic_type, remote_groups=sorted(flow.remote_groups) if flow.remote_groups is not None else None),
                  also_matched=[rule_view(rule, group_id) for group_id, rule in matched[1:]], unknown=[view for _rule, view in unknown])
    inner, inner_why = inner_access_verdict(groups, flow)
    if inner == 'accept':
        # Before any rule: every rule that matched is overridden, and whether others match does not matter.
        result.update(verdict='accept', decided_by='inner_access_policy', rule=None, default=None, unknown=[],
                      also_matched=[rule_view(rule, group_id) for group_id, rule in matched],
                      inner_access=dict(policy='accept', applied=True, reason=inner_why, source=INNER_ACCESS_SOURCE))
        return result
    if matched:
        group_id, decider = matched[0]
        result.update(verdict=decider.policy, decided_by='rule', rule=rule_view(decider, group_id), default=None)
    else:
        policy, why = default_verdict(direction_name, groups, flow)
        result.update(verdict=policy or 'undetermined', decided_by='default', rule=None, default=dict(policy=policy, reason=why,
                                                                                                      source=DEFAULT_SOURCE))
    if inner == 'not applied' and result['verdict'] != 'accept':
        # Most flows name an address, not a membership: they are taken for a stranger's, and the result says so.
        result['inner_access'] = dict(policy='accept', applied=False, reason=inner_why, source=INNER_ACCESS_SOURCE)
    # A rule whose match is not known leaves the verdict open only if it would decide otherwise: whether an accept
    # rule above the accepting one matches, the flow is accepted.
    unknown = [(rule, view) for rule, view in unknown if rule.policy != result['verdict']]
    result['unknown'] = [view for _rule, view in unknown]
    if unknown:
        result['verdict_if_unknown_rules_do_not_match'] = result['verdict']
        result['verdict'] = 'undetermined'
    return result


# --- static findings ---------------------------------------------------------------------------------

def findings(direction_name, tagged_rules, groups, list_entries=None, with_default=True):
    """Shadowed rules, redundant rules and overridden accepts of one direction's rules, by exact set arithmetic.

    shadowed: the inner access policy (for flows between members of a group whose policy is accept) and rules of
    higher precedence decide every flow the rule matches, so it decides none.
    redundant: not shadowed, but every flow it decides would be decided the same way without it (by
    rules of equal or lower precedence, or by the default when ``with_default`` and the groups' types
    are known).
    overridden: for each drop rule, the accept rules of lower precedence some of whose flows it decides (all of
    them: ``entirely``); a drop that decides none of them (shadowed itself, say) is not named.
    """
    ordered = sorted(tagged_rules, key=lambda item: precedence(item[1]))
    tokens = tokens_of([rule for _group_id, rule in ordered], list_entries, inner_accept_groups(groups))
    boxes = [rule_region(rule, tokens, list_entries) for _group_id, rule in ordered]
    keys = [precedence(rule)[:2] for _group_id, rule in ordered]
    inner = inner_accept_region(groups, tokens)
    inner_view = dict(security_group_id=None, security_group_rule_id=None, priority=None, policy='accept', description=None,
                      summary='inner access policy accept (%s)' % ', '.join(inner_accept_groups(groups)))
    accepted_by_default = default_accept_region(direction_name, groups, tokens) if with_default else None
    shadowed, redundant, overridden = [], [], []
    # What each rule decides: its flows, less those of the inner access policy and of rules of higher precedence.
    decides = []
    for index, (group_id, rule) in enumerate(ordered):
        region = boxes[index]
        covering = []
        for other in range(len(ordered)):
            if not region:
                break
            if keys[other] >= keys[index] or not overlaps(boxes[other], region):
                continue
            covering.append(rule_view(ordered[other][1], ordered[other][0]))
            region = subtract(region, boxes[other])
        # The inner access policy comes before every rule; it is named only where the rules leave flows to it.
        if region and inner and overlaps(region, inner):
            covering.append(inner_view)
            region = subtract(region, inner)
        decides.append(region)
        if not region:
            shadowed.append(dict(rule=rule_view(rule, group_id), covered_by=covering))
            continue
        deciders = _same_decision(index, region, ordered, boxes, keys, accepted_by_default)
        if deciders is not None:
            redundant.append(dict(rule=rule_view(rule, group_id), decided_anyway_by=deciders))
    for index, (group_id, rule) in enumerate(ordered):
        if rule.policy != 'drop' or not decides[index]:
            continue
        taken = []
        for other, (other_group, other_rule) in enumerate(ordered):
            if other_rule.policy != 'accept' or keys[other] <= keys[index]:
                continue
            flows = subtract(boxes[other], inner) if inner else boxes[other]
            if overlaps(flows, decides[index]):
                taken.append(dict(rule_view(other_rule, other_group), entirely=not subtract(flows, decides[index])))
        if taken:
            overridden.append(dict(drop_rule=rule_view(rule, group_id), accept_rules=taken))
    return dict(shadowed=shadowed, redundant=redundant, overridden_accepts=overridden)


def _same_decision(index, region, ordered, boxes, keys, accepted_by_default):
    """The rules (and 'default') that decide every flow of ``region`` as rule ``index`` does, or None."""
    policy = ordered[index][1].policy
    rest = region
    deciders = []
    for other in range(len(ordered)):
        if other == index or keys[other] < keys[index] or not overlaps(rest, boxes[other]):
            continue
        if ordered[other][1].policy != policy:
            return None
        deciders.append(rule_view(ordered[other][1], ordered[other][0]))
        rest = subtract(rest, boxes[other])
        if not rest:
            return deciders
    if accepted_by_default is None:
        return None
    if policy == 'accept':
        if subtract(rest, accepted_by_default):
            return None
    elif overlaps(rest, accepted_by_default):
        return None
    return deciders + ['default']


# --- what the rule modules say about the rules they leave behind ------------------------------------------

def end_state_findings(direction_name, rules, security_group_id):
    """Findings on the rules a task leaves in one direction of one group.

    The rule modules read no more than the group's rules, so the group's type and with it its default
    are not known here: a rule is reported redundant only when other rules decide all its flows.
    """
    return findings(direction_name, [(security_group_id, rule) for rule in rules],
                    [GroupContext(security_group_id, None, None)], with_default=False)


def finding_warnings(found, option='rules'):
    """One warning per shadowed or redundant rule, naming the rule and what decides its flows instead."""
    warnings = []
    for entry in found['shadowed']:
        warnings.append('%s: %s can never take effect: rules of higher precedence decide every flow it matches (%s)'
                        % (option, entry['rule']['summary'], '; '.join(item['summary'] for item in entry['covered_by'])))
    for entry in found['redundant']:
        warnings.append('%s: %s is redundant: every flow it decides is decided the same way without it (by %s)'
                        % (option, entry['rule']['summary'],
                           '; '.join(item if isinstance(item, str) else item['summary'] for item in entry['decided_anyway_by'])))
    return warnings
