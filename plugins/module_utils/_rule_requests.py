# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Rules as a task requests them: expanded from lists into API rules, resolved against the group, merged.

ECS takes one remote end and one port range per rule. A requested rule may list several of each (the remote
side in its direction's peer options, the ports in ``ports``); it stands for every combination of the two, and
each combination shares the rule's protocol, policy, priority, NIC type, local side and description. IPv6
blocks given among the IPv4 ones go to the IPv6 option, as the API wants them. The API rules are then resolved
against the group they belong to (defaults that depend on it, lists and groups by name) and merged where two
of them are the same rule. Nothing here talks to Ansible; the API is reached only through the resolvers given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ansible_collections.alicloud.ecs.plugins.module_utils import _ownership
from ansible_collections.alicloud.ecs.plugins.module_utils._planning import deduplicate_desired
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import parse_rule, resolve_rule
from ansible_collections.alicloud.ecs.plugins.module_utils._values import (
    PORT_PROTOCOLS, RuleError, normalize_cidr, normalize_port_range, normalize_protocol, text_or_none, validate_resource_id,
)

# The remote side's options that take lists, grouped by kind: one requested rule that lists several remote ends
# lists them in one kind, since for one remote end of each kind the API's precedence decides (see parse_rule).
PEER_KINDS = (
    ('addresses', ('peer_cidr_ip', 'peer_ipv6_cidr_ip')),
    ('security groups', ('peer_group_id', 'peer_group_name')),
    ('prefix lists', ('peer_prefix_list_id', 'peer_prefix_list_name')),
)
ID_AND_NAME_ROLES = (('peer_group_id', 'peer_group_name'), ('peer_prefix_list_id', 'peer_prefix_list_name'))
PEER_LIST_ROLES = tuple(role for _kind, roles in PEER_KINDS for role in roles)
# The ports option: a list of single ports and ranges; not a role of the rule model (each rule has one range).
PORTS_OPTION = 'ports'
# The most API rules one requested rule may stand for: a group holds no more rules than this.
EXPANSION_LIMIT = 200


@dataclass(frozen=True)
class Requested:
    """One API rule of a request, with where it was written (``rules[2].``) for messages."""

    rule: object
    where: str


def as_values(value):
    """The values of an option that takes one value or a list, as a list of stripped texts (None: not given)."""
    if value is None:
        return None
    items = value if isinstance(value, (list, tuple)) else [value]
    values = [text_or_none(item) for item in items]
    # Blank text (a variable that resolved to '') means not given, as for every option; Ansible has made it [''].
    return None if values == [None] else values


def _peer_values(direction, options, where):
    """The remote side as given: ({role: [(value, where it was written)]}, {option: how many values it lists}).

    IPv6 blocks written among the IPv4 ones go to the IPv6 role.
    """
    values = {}
    counts = {}
    for role in PEER_LIST_ROLES:
        option = direction.option(role)
        given = as_values(options.get(option))
        if given is None:
            continue
        if not given:
            raise RuleError(where + option, 'is an empty list; give at least one value or leave the option out')
        counts[option] = len(given)
        for index, item in enumerate(given):
            label = '%s%s[%d]' % (where, option, index) if len(given) > 1 else where + option
            if item is None:
                raise RuleError(label, 'is empty')
            values.setdefault('peer_ipv6_cidr_ip' if role == 'peer_cidr_ip' and ':' in item else role, []).append((item, label))
    return values, counts


def _lists_several(direction, values, counts, where):
    """Whether the rule lists several remote ends; refused when they are of more than one kind."""
    count = sum(len(items) for items in values.values())
    for id_role, name_role in ID_AND_NAME_ROLES:
        # One id and one name of the same kind is how a returned rule names its list: one remote end, not two.
        if len(values.get(id_role, ())) == 1 and len(values.get(name_role, ())) == 1:
            count -= 1
    if count < 2:
        return False
    kinds = [kind for kind, roles in PEER_KINDS if any(role in values for role in roles)]
    if len(kinds) == 1:
        return True
    # Several single values of different kinds are the single-rule form, where the API's precedence applies,
    # unless two of them are addresses of one family (an IPv6 block in the IPv4 option and one in the IPv6 option).
    listed = [option for option, number in counts.items() if number > 1]
    if not listed and len(values.get('peer_ipv6_cidr_ip', ())) > 1:
        listed = [direction.option('peer_cidr_ip')]
    if not listed:
        return False
    first = listed[0]
    others = sorted(option for option in counts if _kind_of(direction.role(option)) != _kind_of(direction.role(first)))
    raise RuleError(where + first,
                    'lists %d %ss, so it cannot be combined with %s in the same rule; a rule that lists several gives '
                    'them of one kind (%s): put the others in a rule of their own'
                    % (sum(len(items) for role, items in values.items() if _kind_of(role) == _kind_of(direction.role(first))),
                       direction.peer_noun, ', '.join(others), '; '.join(kind for kind, _roles in PEER_KINDS)))


def _kind_of(role):
    return next(kind for kind, roles in PEER_KINDS if role in roles)


def _ports(options, protocol, where):
    """The canonical port ranges of ``ports``, or None when not given."""
    given = as_values(options.get(PORTS_OPTION))
    if given is None:
        return None
    option = where + PORTS_OPTION
    if not given:
        raise RuleError(option, 'is an empty list; give at least one port or range, or leave the option out')
    if protocol not in PORT_PROTOCOLS:
        raise RuleError(option, 'applies only to tcp and udp rules, which have ports; this rule is %s' % protocol)
    for other in ('port_range', 'port_range_list_id', 'port_range_list_name'):
        if text_or_none(options.get(other)) is not None:
            raise RuleError(option, 'cannot be combined with %s%s; give the ports one way' % (where, other))
    ranges = []
    for index, item in enumerate(given):
        ranges.append(normalize_port_range(item, protocol, '%s[%d]' % (option, index)))
    return ranges


def _validate_peer(role, item, label, warnings):
    """Check one listed remote end where it was written, so that a message names its place in the list."""
    if role in ('peer_cidr_ip', 'peer_ipv6_cidr_ip'):
        return normalize_cidr(item, 6 if role == 'peer_ipv6_cidr_ip' else 4, label, warnings=warnings)
    if role == 'peer_group_id':
        return validate_resource_id(item, 'sg-', label)
    if role == 'peer_prefix_list_id':
        return validate_resource_id(item, 'pl-', label)
    return item


def expand_rule(direction, options, where='', warnings=None):
    """The API rules one requested rule stands for, parsed: a list of ``Requested``.

    ``options`` holds the direction's rule options as the user gave them (absent ones None), the remote side's
    as one value or a list, and ``ports``. Any mistake raises RuleError naming the option (and the list item).
    """
    warnings = [] if warnings is None else warnings
    first_warning = len(warnings)
    values, counts = _peer_values(direction, options, where)
    protocol = normalize_protocol(options.get('ip_protocol'), where + 'ip_protocol')
    port_ranges = _ports(options, protocol, where)
    single = dict((name, value) for name, value in options.items() if name != PORTS_OPTION)
    for role in PEER_LIST_ROLES:
        single[direction.option(role)] = None
    if _lists_several(direction, values, counts, where):
        peers = [{direction.option(role): _validate_peer(role, item, label, warnings)}
                 for role, items in values.items() for item, label in items]
    else:
        # Checked under the option the user wrote (an IPv6 block may have come in the IPv4 option).
        peers = [dict((direction.option(role), _validate_peer(role, items[0][0], items[0][1], warnings)) for role, items in values.items())]
    combinations = len(peers) * len(port_ranges or [None])
    if combinations > EXPANSION_LIMIT:
        raise RuleError(where.rstrip('.') or 'rule', 'stands for %d rules (%d %ss x %d port ranges); a security group holds at most %d'
                        % (combinations, len(peers), direction.peer_noun, len(port_ranges or [None]), EXPANSION_LIMIT))
    requested = []
    for peer in peers:
        for port_range in (port_ranges or [None]):
            item = dict(single, **peer)
            if port_range is not None:
                item['port_range'] = port_range
            requested.append(Requested(parse_rule(direction, item, where, warnings), where))
    # Each API rule of the request is parsed from the same values: a warning about one of them is said once.
    warnings[first_warning:] = list(dict.fromkeys(warnings[first_warning:]))
    return requested


def expand_rules(direction, items, option, warnings):
    """Every API rule of a list of requested rules given as ``option`` (``rules``), in order: a list of ``Requested``."""
    requested = []
    for index, item in enumerate(items):
        requested.extend(expand_rule(direction, item, '%s[%d].' % (option, index), warnings))
    return requested


def claim_descriptions(requested, owner):
    """With a rule_owner, the requested descriptions without the owner's own marker (added again when written)."""
    if owner is None:
        return requested
    return [Requested(replace(item.rule, description=_ownership.requested_text(item.rule.description, owner, item.where + 'description')),
                      item.where) for item in requested]


def resolve_requested(requested, group, references, group_names, warnings, own_name=None):
    """The API rules of ``requested`` for one group, ready to plan, and {where: [rules]} of those that expanded.

    ``group`` has ``security_group_id`` (None for a group still to be created), ``vpc_id`` and ``is_vpc``;
    ``references`` resolves list names (_list_refs.ListReferences), ``group_names`` group names
    (_group_refs.GroupNames). Repeated rules are merged with a warning; any mistake raises RuleError.
    """
    labels = [item.where for item in requested]

    def where(index):
        return labels[index]

    rules = [resolve_rule(item.rule, group.is_vpc, group.security_group_id, item.where, warnings) for item in requested]
    rules = references.resolve_names(rules, where)
    rules = group_names.resolve_names(rules, where, group.vpc_id, own_group_id=group.security_group_id, own_name=own_name)
    first_given = {}
    for label, rule in zip(labels, rules):
        first_given.setdefault(rule.key(), label)
    merged = deduplicate_desired(rules, where, warnings)
    # What each requested rule stands for once its repeats are merged (into the rule that gave them first).
    expanded = {}
    for rule in merged:
        expanded.setdefault(first_given[rule.key()], []).append(rule)
    return merged, dict((label, items) for label, items in expanded.items() if len(items) > 1)


def expansion_result(expanded):
    """The result's ``expanded``: each requested rule that stands for several API rules, with them."""
    return [dict(rule=label.rstrip('.') or 'rule', count=len(rules), rules=[rule.to_dict() for rule in rules])
            for label, rules in expanded.items()]


def notes_text(direction, expanded, plan, owner):
    """What diff mode shows after the before/after of one direction: the expansions and the rules left alone."""
    lines = []
    for label, rules in expanded.items():
        lines.append('%s stands for %d %s rules:' % (label.rstrip('.') or 'the rule', len(rules), direction.name))
        lines.extend('  %s' % rule.summary() for rule in rules)
    spared = plan.spared()
    if owner is not None and spared:
        lines.append('left alone, not owned by rule_owner %s (%d %s rules):' % (owner, len(spared), direction.name))
        lines.extend('  %s, %s' % (rule.summary(), 'owner %s' % rule.rule_owner if rule.rule_owner else 'no owner') for rule in spared)
    return ''.join(line + '\n' for line in lines)
