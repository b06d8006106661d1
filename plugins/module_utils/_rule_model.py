# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The rule model of both directions: what a rule is, how it is parsed, and what identifies it.

A rule has a peer (the remote side: where egress traffic goes, where ingress traffic comes from) and
optionally a local address range. The logic below is written once in terms of these roles; a
``Direction`` maps each role to the option and API parameter names of its direction, e.g. the peer's
address is ``dest_cidr_ip`` / ``DestCidrIp`` for egress and ``source_cidr_ip`` / ``SourceCidrIp`` for
ingress. Nothing here talks to Ansible or to the network.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace

from ansible_collections.alicloud.ecs.plugins.module_utils._ownership import owner_of
from ansible_collections.alicloud.ecs.plugins.module_utils._values import (
    ANY_PORT, PORT_PROTOCOLS, RuleError, normalize_cidr, normalize_nic_type, normalize_policy, normalize_port_range, normalize_priority,
    normalize_protocol, normalize_source_port_range, text_or_none, validate_description, validate_owner_id,
    validate_resource_id,
)

# The roles that together identify a rule. Description is deliberately outside: it is fixed in place.
# The owner of a peer group is outside too: group ids are unique across accounts, and
# DescribeSecurityGroupAttribute returns the owner only as *GroupOwnerAccount (holding the account ID).
# A rule over a port range list and a rule over the same ports as a range are different rules: each is its own
# entry to ECS, and a later change of the list changes only the first.
IDENTITY_ROLES = (
    'ip_protocol', 'port_range', 'port_range_list_id', 'source_port_range', 'peer_cidr_ip', 'peer_ipv6_cidr_ip',
    'peer_group_id', 'peer_prefix_list_id', 'local_cidr_ip', 'local_ipv6_cidr_ip', 'policy', 'priority', 'nic_type',
)
# What the API accepts in Permissions.N.
SENT_ROLES = IDENTITY_ROLES + ('peer_group_owner_account', 'peer_group_owner_id', 'description')
# Lists and groups by name: resolved to their ids before planning (see _list_refs and _group_refs); never sent,
# and outside the identity, so that a rule read back with both the id and the name feeds back unchanged.
NAME_ROLES = ('peer_prefix_list_name', 'port_range_list_name', 'peer_group_name')
# What a user may set on a rule.
SETTABLE_ROLES = SENT_ROLES + NAME_ROLES
# What the modules return for a rule (rule_owner: the owner its description marks, see _ownership).
OUTPUT_ROLES = SETTABLE_ROLES + ('security_group_rule_id', 'create_time', 'rule_owner')


@dataclass(frozen=True)
class Direction:
    """Names of one direction: which side of a rule is the peer, and which API actions serve it."""

    name: str
    peer_side: str
    local_side: str
    peer_noun: str
    preposition: str
    authorize_action: str
    revoke_action: str
    modify_action: str

    def option(self, role):
        """The option name of a role in this direction (``peer_cidr_ip`` -> ``dest_cidr_ip`` for egress)."""
        if role.startswith('peer_ipv6_') or role.startswith('local_ipv6_'):
            side, rest = role.split('_ipv6_', 1)
            return 'ipv6_%s_%s' % (self.peer_side if side == 'peer' else self.local_side, rest)
        if role.startswith('peer_'):
            return '%s_%s' % (self.peer_side, role[len('peer_'):])
        if role.startswith('local_'):
            return '%s_%s' % (self.local_side, role[len('local_'):])
        return role

    def wire(self, role):
        """The API parameter name of a role (``peer_cidr_ip`` -> ``DestCidrIp`` for egress)."""
        return ''.join(part.capitalize() for part in self.option(role).split('_'))

    def role(self, option):
        """The role behind an option name of this direction, or None."""
        return _roles_by_option(self).get(option)

    @property
    def settable_options(self):
        return tuple(self.option(role) for role in SETTABLE_ROLES)

    @property
    def output_options(self):
        return tuple(self.option(role) for role in OUTPUT_ROLES)


@functools.lru_cache(maxsize=None)
def _roles_by_option(direction):
    return dict((direction.option(role), role) for role in OUTPUT_ROLES)


EGRESS = Direction(name='egress', peer_side='dest', local_side='source', peer_noun='destination', preposition='to',
                   authorize_action='AuthorizeSecurityGroupEgress', revoke_action='RevokeSecurityGroupEgress',
                   modify_action='ModifySecurityGroupEgressRule')
INGRESS = Direction(name='ingress', peer_side='source', local_side='dest', peer_noun='source', preposition='from',
                    authorize_action='AuthorizeSecurityGroup', revoke_action='RevokeSecurityGroup',
                    modify_action='ModifySecurityGroupRule')


@dataclass(frozen=True)
class Rule:
    """One rule in canonical form. Absent values are None; ``priority`` is an int.

    Besides its role names, a rule answers to its direction's option names: ``rule.dest_cidr_ip`` of
    an egress rule is its ``peer_cidr_ip``.
    """

    direction: Direction
    ip_protocol: str
    port_range: str | None
    policy: str = 'accept'
    priority: int = 1
    nic_type: str | None = None
    source_port_range: str | None = None
    peer_cidr_ip: str | None = None
    peer_ipv6_cidr_ip: str | None = None
    peer_group_id: str | None = None
    peer_group_owner_account: str | None = None
    peer_group_owner_id: str | None = None
    peer_prefix_list_id: str | None = None
    port_range_list_id: str | None = None
    local_cidr_ip: str | None = None
    local_ipv6_cidr_ip: str | None = None
    description: str | None = None
    peer_prefix_list_name: str | None = field(default=None, compare=False)
    peer_group_name: str | None = field(default=None, compare=False)
    port_range_list_name: str | None = field(default=None, compare=False)
    security_group_rule_id: str | None = field(default=None, compare=False)
    create_time: str | None = field(default=None, compare=False)

    def __getattr__(self, name):
        # Only reached for names that are not fields: the direction's option names.
        if name.startswith('_') or name == 'direction':
            raise AttributeError(name)
        role = self.direction.role(name)
        if role is None or role == name:
            raise AttributeError(name)
        return getattr(self, role)

    def key(self):
        """The hashable, sortable identity of the rule (strings with '' for absent, priority as int)."""
        return tuple(self.priority if role == 'priority' else (getattr(self, role) or '') for role in IDENTITY_ROLES)

    def to_dict(self):
        """The rule as the modules return it: the direction's option names, every one present, None where unset."""
        return dict((self.direction.option(role), getattr(self, role)) for role in OUTPUT_ROLES)

    def to_api(self, prefix=''):
        """Query parameters that create this rule, as the direction's Authorize action expects them."""
        params = {}
        for role in SENT_ROLES:
            value = getattr(self, role)
            if value is not None:
                params[prefix + self.direction.wire(role)] = str(value)
        return params

    @property
    def peer(self):
        return (self.peer_cidr_ip or self.peer_ipv6_cidr_ip or self.peer_group_id or self.peer_group_name or self.peer_prefix_list_id
                or self.peer_prefix_list_name)

    @property
    def rule_owner(self):
        return owner_of(self.description)

    @property
    def ports(self):
        """The destination ports as written: a range, or the port range list the rule takes them from."""
        if self.port_range_list_id or self.port_range_list_name:
            return 'port list %s' % (self.port_range_list_id or self.port_range_list_name)
        return self.port_range

    @property
    def list_ids(self):
        """The ids of the prefix list and port range list the rule references, where it does."""
        return tuple(list_id for list_id in (self.peer_prefix_list_id, self.port_range_list_id) if list_id)

    def summary(self):
        """A short human description, used in messages: rules of different identity get different summaries."""
        local = self.local_cidr_ip or self.local_ipv6_cidr_ip
        local_parts = ''.join((', %s %s' % (self.direction.local_side, local) if local else '',
                               ', source ports %s' % self.source_port_range if self.source_port_range else ''))
        return '%s %s %s %s (%s, priority %d, %s%s)' % (
            self.policy, self.ip_protocol, self.direction.preposition, self.peer or '?', self.ports, self.priority,
            self.nic_type or 'default nic', local_parts)


def parse_rule(direction, options, where='', warnings=None):
    """Validate one rule as the user wrote it and return it canonical, but for context-dependent defaults.

    ``options`` is a dict of the direction's rule options (absent ones None). ``where`` prefixes option
    names in messages, e.g. 'rules[2].'. The NIC type stays None unless given: its default depends on
    the group's network type, which only the API knows (see resolve_rule).
    """
    def name(role):
        return where + direction.option(role)

    def given(role):
        return options.get(direction.option(role))

    warnings = [] if warnings is None else warnings
    subject = where.rstrip('.') or 'rule'
    protocol = normalize_protocol(given('ip_protocol'), name('ip_protocol'))
    port_list = validate_resource_id(given('port_range_list_id'), 'prl-', name('port_range_list_id'))
    port_list_name = text_or_none(given('port_range_list_name'))
    if port_list or port_list_name:
        list_option = name('port_range_list_id' if port_list else 'port_range_list_name')
        if protocol not in PORT_PROTOCOLS:
            raise RuleError(list_option, 'applies only to tcp and udp rules, which have ports; this rule is %s' % protocol)
        if text_or_none(given('port_range')) is not None:
            # ECS would ignore the list and open the range: which of the two was meant cannot be told.
            raise RuleError(list_option, 'cannot be combined with %s; ECS ignores the list when a port range is given, so give one of them'
                            % name('port_range'))
        port_range = None
    else:
        port_range = normalize_port_range(given('port_range'), protocol, name('port_range'))
    source_port_range = normalize_source_port_range(given('source_port_range'), protocol, name('source_port_range'))

    peer_cidr = normalize_cidr(given('peer_cidr_ip'), 4, name('peer_cidr_ip'), warnings=warnings)
    peer_cidr6 = normalize_cidr(given('peer_ipv6_cidr_ip'), 6, name('peer_ipv6_cidr_ip'), warnings=warnings)
    local_cidr = normalize_cidr(given('local_cidr_ip'), 4, name('local_cidr_ip'), warnings=warnings)
    local_cidr6 = normalize_cidr(given('local_ipv6_cidr_ip'), 6, name('local_ipv6_cidr_ip'), warnings=warnings)
    peer_group = validate_resource_id(given('peer_group_id'), 'sg-', name('peer_group_id'))
    peer_group_name = None if peer_group else text_or_none(given('peer_group_name'))
    prefix_list = validate_resource_id(given('peer_prefix_list_id'), 'pl-', name('peer_prefix_list_id'))
    prefix_list_name = text_or_none(given('peer_prefix_list_name'))
    owner_account = text_or_none(given('peer_group_owner_account'))
    owner_id = validate_owner_id(given('peer_group_owner_id'), name('peer_group_owner_id'))
    option = direction.option

    if peer_cidr and peer_cidr6:
        raise RuleError(name('peer_cidr_ip'), 'cannot be combined with %s; a rule has one address family' % option('peer_ipv6_cidr_ip'))
    if local_cidr and local_cidr6:
        raise RuleError(name('local_cidr_ip'), 'cannot be combined with %s; a rule has one address family' % option('local_ipv6_cidr_ip'))
    if peer_cidr and local_cidr6:
        raise RuleError(name('local_ipv6_cidr_ip'), 'is IPv6 but %s is IPv4; use %s' % (option('peer_cidr_ip'), option('local_cidr_ip')))
    if peer_cidr6 and local_cidr:
        raise RuleError(name('local_cidr_ip'), 'is IPv4 but %s is IPv6; use %s' % (option('peer_ipv6_cidr_ip'), option('local_ipv6_cidr_ip')))
    if peer_cidr6 and (peer_group or peer_group_name):
        raise RuleError(name('peer_group_id' if peer_group else 'peer_group_name'), 'cannot be combined with %s; give one %s'
                        % (option('peer_ipv6_cidr_ip'), direction.peer_noun))
    if peer_group_name and (owner_account or owner_id):
        # A name is looked up with this task's credentials, which list this account's groups only.
        raise RuleError(name('peer_group_name'), 'names a group of this account; a group of another account (%s) is given by %s'
                        % (option('peer_group_owner_id' if owner_id else 'peer_group_owner_account'), option('peer_group_id')))

    # The API's documented precedence: an IPv4 address wins over a group (and its owner); any address
    # or group wins over a prefix list. Applying it here keeps the comparison honest.
    if peer_cidr and (peer_group or peer_group_name or owner_account or owner_id):
        warnings.append('%s: %s takes precedence over %s and its owner, which are ignored'
                        % (subject, option('peer_cidr_ip'), option('peer_group_id' if peer_group or not peer_group_name else 'peer_group_name')))
        peer_group = peer_group_name = owner_account = owner_id = None
    if (prefix_list or prefix_list_name) and (peer_cidr or peer_cidr6 or peer_group or peer_group_name):
        warnings.append('%s: %s is ignored because an address or group %s is given'
                        % (subject, option('peer_prefix_list_id' if prefix_list else 'peer_prefix_list_name'), direction.peer_noun))
        prefix_list = prefix_list_name = None
    if (owner_account or owner_id) and not peer_group:
        raise RuleError(name('peer_group_owner_id' if owner_id else 'peer_group_owner_account'),
                        'only applies with %s' % option('peer_group_id'))
    if not (peer_cidr or peer_cidr6 or peer_group or peer_group_name or prefix_list or prefix_list_name):
        raise RuleError(name('peer_cidr_ip'), 'a %s is required: give one of %s, %s, %s, %s, %s or %s' % (
            direction.peer_noun, option('peer_cidr_ip'), option('peer_ipv6_cidr_ip'), option('peer_group_id'), option('peer_group_name'),
            option('peer_prefix_list_id'), option('peer_prefix_list_name')))

    if protocol == 'icmpv6' and (peer_cidr or local_cidr):
        raise RuleError(name('ip_protocol'), 'icmpv6 needs IPv6 addresses (%s / %s)'
                        % (option('peer_ipv6_cidr_ip'), option('local_ipv6_cidr_ip')))
    if protocol == 'icmp' and (peer_cidr6 or local_cidr6):
        raise RuleError(name('ip_protocol'), 'icmp is IPv4 only; use icmpv6 with IPv6 addresses')
    if peer_cidr and local_cidr and peer_cidr == local_cidr:
        raise RuleError(name('local_cidr_ip'), 'must differ from %s (%s)' % (option('peer_cidr_ip'), peer_cidr))
    if peer_cidr6 and local_cidr6 and peer_cidr6 == local_cidr6:
        raise RuleError(name('local_ipv6_cidr_ip'), 'must differ from %s (%s)' % (option('peer_ipv6_cidr_ip'), peer_cidr6))

    nic_type = normalize_nic_type(given('nic_type'), name('nic_type'))
    if nic_type == 'internet' and (peer_group or peer_group_name):
        raise RuleError(name('nic_type'), 'must be intranet when the %s is a security group (%s)'
                        % (direction.peer_noun, option('peer_group_id' if peer_group else 'peer_group_name')))
    if nic_type == 'internet' and (prefix_list or prefix_list_name):
        raise RuleError(name('nic_type'), 'must be intranet when the %s is a prefix list' % direction.peer_noun)

    return Rule(
        direction=direction,
        ip_protocol=protocol,
        port_range=port_range,
        source_port_range=source_port_range,
        peer_cidr_ip=peer_cidr,
        peer_ipv6_cidr_ip=peer_cidr6,
        peer_group_id=peer_group,
        peer_group_name=peer_group_name,
        peer_group_owner_account=owner_account,
        peer_group_owner_id=owner_id,
        peer_prefix_list_id=prefix_list,
        peer_prefix_list_name=prefix_list_name,
        port_range_list_id=port_list,
        port_range_list_name=port_list_name,
        local_cidr_ip=local_cidr,
        local_ipv6_cidr_ip=local_cidr6,
        policy=normalize_policy(given('policy'), name('policy')),
        priority=normalize_priority(given('priority'), name('priority')),
        nic_type=nic_type,
        description=validate_description(given('description'), name('description')),
    )


def resolve_rule(rule, is_vpc, security_group_id, where='', warnings=None):
    """Apply what depends on the group: the NIC type default and the VPC-only features."""
    def name(role):
        return where + rule.direction.option(role)

    if rule.peer_group_id and rule.peer_group_id == security_group_id:
        raise RuleError(name('peer_group_id'), 'must differ from security_group_id (%s)' % security_group_id)
    if not is_vpc:
        if rule.peer_ipv6_cidr_ip or rule.local_ipv6_cidr_ip:
            raise RuleError(name('peer_ipv6_cidr_ip' if rule.peer_ipv6_cidr_ip else 'local_ipv6_cidr_ip'),
                            'IPv6 rules are supported only in VPC security groups; %s is a classic network group' % security_group_id)
        if rule.peer_prefix_list_id or rule.peer_prefix_list_name:
            raise RuleError(name('peer_prefix_list_id' if rule.peer_prefix_list_id else 'peer_prefix_list_name'),
                            'prefix lists are supported only in VPC security groups; %s is a classic network group' % security_group_id)
        if rule.port_range_list_id or rule.port_range_list_name:
            raise RuleError(name('port_range_list_id' if rule.port_range_list_id else 'port_range_list_name'),
                            'port range lists are supported only in VPC security groups; %s is a classic network group' % security_group_id)
    nic_type = rule.nic_type
    if is_vpc:
        if nic_type == 'internet' and warnings is not None:
            warnings.append('%s: VPC security groups only have intranet rules; nic_type=internet is treated as intranet'
                            % name('nic_type'))
        nic_type = 'intranet'
    elif nic_type is None:
        nic_type = 'intranet' if (rule.peer_group_id or rule.peer_group_name or rule.peer_prefix_list_id) else 'internet'
    return replace(rule, nic_type=nic_type)


def rule_from_api(direction, permission, is_vpc=True):
    """Canonical rule from one DescribeSecurityGroupAttribute Permission (CamelCase, values as strings).

    The API's own values are trusted to be valid, but are normalised the same way as the user's,
    and never raise: a value this module cannot parse is kept as the API gave it.
    """
    def raw(role):
        return text_or_none(permission.get(direction.wire(role)))

    def lenient(function, *args, fallback=None):
        try:
            return function(*args)
        except RuleError:
            return fallback

    def address(role, version):
        value = raw(role)
        return lenient(normalize_cidr, value, version, direction.wire(role), fallback=value)

    protocol_text = raw('ip_protocol') or 'all'
    protocol = lenient(normalize_protocol, protocol_text, fallback=protocol_text.lower())
    port_list = raw('port_range_list_id')
    if port_list:
        # What PortRange holds for a rule over a port list is not documented: the list's entries are the ports.
        port_range = None
    else:
        port_text = raw('port_range')
        port_range = lenient(normalize_port_range, port_text, protocol, fallback=port_text or ANY_PORT)
    source_ports = raw('source_port_range')
    if source_ports:
        source_ports = lenient(normalize_source_port_range, source_ports, protocol, fallback=source_ports)
    peer_cidr, peer_cidr6 = address('peer_cidr_ip', 4), address('peer_ipv6_cidr_ip', 6)
    peer_group = None if (peer_cidr or peer_cidr6) else raw('peer_group_id')
    prefix_list = None if (peer_cidr or peer_cidr6 or peer_group) else raw('peer_prefix_list_id')
    # Describe names the owner of a peer group in *GroupOwnerAccount, and what it holds there is the owner's
    # account ID (Terraform provider commit 0c5ea3c94, issue 10142, checked against a real second account):
    # returned as the owner id, the rule feeds back as *_group_owner_id. A name, should one ever come, stays a name.
    owner = raw('peer_group_owner_account') if peer_group else None
    owner_id = owner if owner and owner.isascii() and owner.isdigit() else None
    owner_account = owner if owner and not owner_id else None
    return Rule(
        direction=direction,
        ip_protocol=protocol,
        port_range=port_range,
        source_port_range=source_ports,
        peer_cidr_ip=peer_cidr,
        peer_ipv6_cidr_ip=peer_cidr6,
        peer_group_id=peer_group,
        peer_group_owner_account=owner_account,
        peer_group_owner_id=owner_id,
        peer_prefix_list_id=prefix_list,
        peer_prefix_list_name=raw('peer_prefix_list_name') if prefix_list else None,
        port_range_list_id=port_list,
        port_range_list_name=raw('port_range_list_name') if port_list else None,
        local_cidr_ip=address('local_cidr_ip', 4),
        local_ipv6_cidr_ip=address('local_ipv6_cidr_ip', 6),
        policy=(raw('policy') or 'accept').lower(),
        priority=lenient(normalize_priority, raw('priority'), fallback=1),
        nic_type=(raw('nic_type') or ('intranet' if is_vpc else 'internet')).lower(),
        description=permission.get('Description') or None,
        security_group_rule_id=raw('security_group_rule_id'),
        create_time=raw('create_time'),
    )


def sorted_rules(rules):
    return sorted(rules, key=lambda rule: (rule.key(), rule.description or '', rule.security_group_rule_id or ''))
