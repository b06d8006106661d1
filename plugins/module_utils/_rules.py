# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure logic of security group egress rules: parsing, normalisation, identity and planning.

Nothing here talks to Ansible or to the network, so unit tests call it directly.
Both sides of every comparison (what the user asked for and what DescribeSecurityGroupAttribute
returned) go through the same canonical form, because the API stores and echoes values in forms
that differ from what users write (``10.0.0.1`` versus ``10.0.0.1/32``, ``TCP`` versus ``tcp``).
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass, field, replace

RULE_LIMIT = 200
# ECS accepts at most 100 entries in one Permissions.N or SecurityGroupRuleId.N list.
WRITE_BATCH_SIZE = 100
DESCRIPTION_MAX_LENGTH = 512
CLIENT_TOKEN_MAX_LENGTH = 64

PORT_PROTOCOLS = ('tcp', 'udp')
PORTLESS_PROTOCOLS = ('icmp', 'gre', 'all', 'icmpv6')
PROTOCOLS = PORT_PROTOCOLS + PORTLESS_PROTOCOLS
# IANA protocol numbers users sometimes write instead of names; -1 is the API's own "all".
PROTOCOL_NUMBERS = {'6': 'tcp', '17': 'udp', '1': 'icmp', '47': 'gre', '58': 'icmpv6', '-1': 'all'}
POLICIES = ('accept', 'drop')
NIC_TYPES = ('internet', 'intranet')
ANY_PORT = '-1/-1'

# The fields that together identify a rule. Description is deliberately outside: it is fixed in place.
# The owner of a destination group is outside too: group ids are unique across accounts, and
# DescribeSecurityGroupAttribute returns the owner account but never the owner id.
IDENTITY_FIELDS = (
    'ip_protocol', 'port_range', 'source_port_range', 'dest_cidr_ip', 'ipv6_dest_cidr_ip', 'dest_group_id',
    'dest_prefix_list_id', 'source_cidr_ip', 'ipv6_source_cidr_ip', 'policy', 'priority', 'nic_type',
)
RULE_FIELDS = IDENTITY_FIELDS + ('dest_group_owner_account', 'dest_group_owner_id', 'description')
RULE_OPTIONS = RULE_FIELDS + ('security_group_rule_id', 'create_time')

WIRE_NAMES = {
    'ip_protocol': 'IpProtocol',
    'port_range': 'PortRange',
    'source_port_range': 'SourcePortRange',
    'dest_cidr_ip': 'DestCidrIp',
    'ipv6_dest_cidr_ip': 'Ipv6DestCidrIp',
    'dest_group_id': 'DestGroupId',
    'dest_group_owner_account': 'DestGroupOwnerAccount',
    'dest_group_owner_id': 'DestGroupOwnerId',
    'dest_prefix_list_id': 'DestPrefixListId',
    'source_cidr_ip': 'SourceCidrIp',
    'ipv6_source_cidr_ip': 'Ipv6SourceCidrIp',
    'policy': 'Policy',
    'priority': 'Priority',
    'nic_type': 'NicType',
    'description': 'Description',
    'security_group_rule_id': 'SecurityGroupRuleId',
    'create_time': 'CreateTime',
}

_PORT_RANGE = re.compile(r'^\s*(-?\d+)\s*(?:[/-]\s*(-?\d+)\s*)?$')
_RESOURCE_ID = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$')


class RuleError(ValueError):
    """A rule option the user gave is not acceptable. ``option`` names it as the user wrote it."""

    def __init__(self, option, message):
        super().__init__('%s: %s' % (option, message))
        self.option = option


@dataclass(frozen=True)
class EgressRule:
    """One egress rule in canonical form. Absent values are None; ``priority`` is an int."""

    ip_protocol: str
    port_range: str
    policy: str = 'accept'
    priority: int = 1
    nic_type: str | None = None
    source_port_range: str | None = None
    dest_cidr_ip: str | None = None
    ipv6_dest_cidr_ip: str | None = None
    dest_group_id: str | None = None
    dest_group_owner_account: str | None = None
    dest_group_owner_id: str | None = None
    dest_prefix_list_id: str | None = None
    source_cidr_ip: str | None = None
    ipv6_source_cidr_ip: str | None = None
    description: str | None = None
    security_group_rule_id: str | None = field(default=None, compare=False)
    create_time: str | None = field(default=None, compare=False)

    def key(self):
        """The hashable, sortable identity of the rule (strings with '' for absent, priority as int)."""
        return tuple(self.priority if name == 'priority' else (getattr(self, name) or '') for name in IDENTITY_FIELDS)

    def to_dict(self):
        """The rule as the modules return it: snake_case, every option present, None where unset."""
        return dict((name, getattr(self, name)) for name in RULE_OPTIONS)

    def to_api(self, prefix=''):
        """Query parameters that create this rule, as AuthorizeSecurityGroupEgress expects them."""
        params = {}
        for name in RULE_FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            params[prefix + WIRE_NAMES[name]] = str(value)
        return params

    def summary(self):
        """A short human description, used in messages."""
        dest = (self.dest_cidr_ip or self.ipv6_dest_cidr_ip or self.dest_group_id or self.dest_prefix_list_id or '?')
        return '%s %s to %s (%s, priority %d, %s)' % (
            self.policy, self.ip_protocol, dest, self.port_range, self.priority, self.nic_type or 'default nic')


# ---------------------------------------------------------------------------------------------
# Parsing of single values. Each takes the option name so that errors name what the user wrote.
# ---------------------------------------------------------------------------------------------

def _text(value):
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def normalize_protocol(value, option='ip_protocol'):
    text = _text(value)
    if text is None:
        raise RuleError(option, 'is required; accepted values: %s (case-insensitive)' % ', '.join(PROTOCOLS))
    lowered = text.lower()
    lowered = PROTOCOL_NUMBERS.get(lowered, lowered)
    if lowered not in PROTOCOLS:
        raise RuleError(option, '%r is not a supported protocol; accepted values: %s (case-insensitive, '
                                'or the protocol numbers %s)' % (text, ', '.join(PROTOCOLS), ', '.join(sorted(PROTOCOL_NUMBERS))))
    return lowered


def normalize_port_range(value, protocol, option='port_range', required=True):
    """Return 'a/b' for tcp/udp and '-1/-1' for the portless protocols.

    A port range given for icmp, gre, all or icmpv6 other than -1/-1 is an error rather than being
    dropped, because silently widening 'all to port 22' to 'all ports' would open more than asked.
    """
    text = _text(value)
    if protocol in PORTLESS_PROTOCOLS:
        if text is None or text in (ANY_PORT, '-1'):
            return ANY_PORT
        raise RuleError(option, '%r is not valid for protocol %s, which has no ports; omit it or use -1/-1' % (text, protocol))
    if text is None:
        if not required:
            return None
        raise RuleError(option, 'is required for protocol %s; use start/end, e.g. 80/80 or 1024/65535' % protocol)
    match = _PORT_RANGE.match(text)
    if not match:
        raise RuleError(option, '%r is not a port range; use start/end with 1 <= start <= end <= 65535, e.g. 80/80' % text)
    start = int(match.group(1))
    end = int(match.group(2)) if match.group(2) is not None else start
    if not 1 <= start <= end <= 65535:
        raise RuleError(option, '%r is out of range; use start/end with 1 <= start <= end <= 65535 for protocol %s' % (text, protocol))
    return '%d/%d' % (start, end)


def normalize_source_port_range(value, protocol, option='source_port_range'):
    text = _text(value)
    if text is None:
        return None
    canonical = normalize_port_range(text, protocol, option)
    # The API echoes -1/-1 for portless protocols; it restricts nothing, so it is the same as unset.
    return None if canonical == ANY_PORT else canonical


def normalize_cidr(value, version, option, warnings=None):
    """Canonical network text for an IPv4 (version 4) or IPv6 (version 6) CIDR or plain address.

    A plain address becomes a /32 or /128 network. Host bits set under the mask are cleared, with a
    warning appended to ``warnings`` when it is a list (the user's values; the API's are cleared quietly).
    """
    text = _text(value)
    if text is None:
        return None
    family = 'IPv4' if version == 4 else 'IPv6'
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise RuleError(option, '%r is not an %s address or CIDR block' % (text, family)) from None
    if network.version != version:
        other = option.replace('ipv6_', '') if version == 6 else option.replace('dest_', 'ipv6_dest_').replace('source_', 'ipv6_source_')
        raise RuleError(option, '%r is an IPv%d value; this option takes %s only (use %s for it)'
                        % (text, network.version, family, other.split('.')[-1]))
    canonical = network.with_prefixlen
    if warnings is not None and '/' in text and ipaddress.ip_interface(text).ip != network.network_address:
        warnings.append('%s: %s has host bits set; the rule uses the network %s' % (option, text, canonical))
    return canonical


def normalize_policy(value, option='policy'):
    text = _text(value)
    if text is None:
        return 'accept'
    lowered = text.lower()
    if lowered not in POLICIES:
        raise RuleError(option, '%r is not valid; accepted values: accept, drop (case-insensitive)' % text)
    return lowered


def normalize_priority(value, option='priority'):
    if value is None or (isinstance(value, str) and not value.strip()):
        return 1
    if isinstance(value, bool):
        raise RuleError(option, '%r is not an integer from 1 to 100' % (value,))
    try:
        number = int(str(value).strip())
    except ValueError:
        raise RuleError(option, '%r is not an integer from 1 to 100' % (value,)) from None
    if not 1 <= number <= 100:
        raise RuleError(option, '%d is out of range; use an integer from 1 (highest) to 100 (lowest)' % number)
    return number


def normalize_nic_type(value, option='nic_type'):
    text = _text(value)
    if text is None:
        return None
    lowered = text.lower()
    if lowered not in NIC_TYPES:
        raise RuleError(option, '%r is not valid; accepted values: internet, intranet' % text)
    return lowered


def validate_resource_id(value, prefix, option):
    text = _text(value)
    if text is None:
        return None
    if not text.startswith(prefix) or not _RESOURCE_ID.match(text):
        raise RuleError(option, '%r is not a valid ID; expected an ID that starts with %r' % (text, prefix))
    return text


def validate_description(value, option='description'):
    if value is None:
        return None
    text = str(value)
    if not 1 <= len(text) <= DESCRIPTION_MAX_LENGTH:
        raise RuleError(option, 'must be 1 to %d characters long (got %d)' % (DESCRIPTION_MAX_LENGTH, len(text)))
    return text


def validate_client_token(value, option='client_token'):
    text = _text(value)
    if text is None:
        return None
    if len(text) > CLIENT_TOKEN_MAX_LENGTH or not all(32 <= ord(char) < 127 for char in text):
        raise RuleError(option, 'must be printable ASCII of at most %d characters' % CLIENT_TOKEN_MAX_LENGTH)
    return text


def validate_owner_id(value, option='dest_group_owner_id'):
    text = _text(value)
    if text is None:
        return None
    if not text.isdigit():
        raise RuleError(option, '%r is not a numeric Alibaba Cloud account ID' % text)
    return text


# ---------------------------------------------------------------------------------------------
# Whole rules
# ---------------------------------------------------------------------------------------------

def parse_rule(options, where='', warnings=None):
    """Validate one rule as the user wrote it and return it canonical, but for context-dependent defaults.

    ``options`` is a dict of the rule options (absent ones None). ``where`` prefixes option names in
    messages, e.g. 'rules[2].'. The NIC type stays None unless given: its default depends on the
    group's network type, which only the API knows (see resolve_rule).
    """
    def name(option):
        return where + option

    warnings = [] if warnings is None else warnings
    protocol = normalize_protocol(options.get('ip_protocol'), name('ip_protocol'))
    port_range = normalize_port_range(options.get('port_range'), protocol, name('port_range'))
    source_port_range = normalize_source_port_range(options.get('source_port_range'), protocol, name('source_port_range'))

    dest_cidr = normalize_cidr(options.get('dest_cidr_ip'), 4, name('dest_cidr_ip'), warnings=warnings)
    dest_cidr6 = normalize_cidr(options.get('ipv6_dest_cidr_ip'), 6, name('ipv6_dest_cidr_ip'), warnings=warnings)
    source_cidr = normalize_cidr(options.get('source_cidr_ip'), 4, name('source_cidr_ip'), warnings=warnings)
    source_cidr6 = normalize_cidr(options.get('ipv6_source_cidr_ip'), 6, name('ipv6_source_cidr_ip'), warnings=warnings)
    dest_group = validate_resource_id(options.get('dest_group_id'), 'sg-', name('dest_group_id'))
    prefix_list = validate_resource_id(options.get('dest_prefix_list_id'), 'pl-', name('dest_prefix_list_id'))
    owner_account = _text(options.get('dest_group_owner_account'))
    owner_id = validate_owner_id(options.get('dest_group_owner_id'), name('dest_group_owner_id'))

    if dest_cidr and dest_cidr6:
        raise RuleError(name('dest_cidr_ip'), 'cannot be combined with ipv6_dest_cidr_ip; a rule has one address family')
    if source_cidr and source_cidr6:
        raise RuleError(name('source_cidr_ip'), 'cannot be combined with ipv6_source_cidr_ip; a rule has one address family')
    if dest_cidr and source_cidr6:
        raise RuleError(name('ipv6_source_cidr_ip'), 'is IPv6 but dest_cidr_ip is IPv4; use source_cidr_ip')
    if dest_cidr6 and source_cidr:
        raise RuleError(name('source_cidr_ip'), 'is IPv4 but ipv6_dest_cidr_ip is IPv6; use ipv6_source_cidr_ip')
    if dest_cidr6 and dest_group:
        raise RuleError(name('dest_group_id'), 'cannot be combined with ipv6_dest_cidr_ip; give one destination')

    # The API's documented precedence: DestCidrIp wins over DestGroupId (and its owner); any address
    # or group wins over DestPrefixListId. Applying it here keeps the comparison honest.
    if dest_cidr and (dest_group or owner_account or owner_id):
        warnings.append('%s: dest_cidr_ip takes precedence over dest_group_id and its owner, which are ignored'
                        % (where.rstrip('.') or 'rule'))
        dest_group = owner_account = owner_id = None
    if prefix_list and (dest_cidr or dest_cidr6 or dest_group):
        warnings.append('%s: dest_prefix_list_id is ignored because an address or group destination is given'
                        % (where.rstrip('.') or 'rule'))
        prefix_list = None
    if (owner_account or owner_id) and not dest_group:
        raise RuleError(name('dest_group_owner_id' if owner_id else 'dest_group_owner_account'),
                        'only applies with dest_group_id')
    if not (dest_cidr or dest_cidr6 or dest_group or prefix_list):
        raise RuleError(where + 'dest_cidr_ip', 'a destination is required: give one of dest_cidr_ip, ipv6_dest_cidr_ip, '
                                                'dest_group_id or dest_prefix_list_id')

    if protocol == 'icmpv6' and (dest_cidr or source_cidr):
        raise RuleError(name('ip_protocol'), 'icmpv6 needs IPv6 addresses (ipv6_dest_cidr_ip / ipv6_source_cidr_ip)')
    if protocol == 'icmp' and (dest_cidr6 or source_cidr6):
        raise RuleError(name('ip_protocol'), 'icmp is IPv4 only; use icmpv6 with IPv6 addresses')
    if dest_cidr and source_cidr and dest_cidr == source_cidr:
        raise RuleError(name('source_cidr_ip'), 'must differ from dest_cidr_ip (%s)' % dest_cidr)
    if dest_cidr6 and source_cidr6 and dest_cidr6 == source_cidr6:
        raise RuleError(name('ipv6_source_cidr_ip'), 'must differ from ipv6_dest_cidr_ip (%s)' % dest_cidr6)

    nic_type = normalize_nic_type(options.get('nic_type'), name('nic_type'))
    if nic_type == 'internet' and dest_group:
        raise RuleError(name('nic_type'), 'must be intranet when the destination is a security group (dest_group_id)')
    if nic_type == 'internet' and prefix_list:
        raise RuleError(name('nic_type'), 'must be intranet when the destination is a prefix list')

    return EgressRule(
        ip_protocol=protocol,
        port_range=port_range,
        source_port_range=source_port_range,
        dest_cidr_ip=dest_cidr,
        ipv6_dest_cidr_ip=dest_cidr6,
        dest_group_id=dest_group,
        dest_group_owner_account=owner_account,
        dest_group_owner_id=owner_id,
        dest_prefix_list_id=prefix_list,
        source_cidr_ip=source_cidr,
        ipv6_source_cidr_ip=source_cidr6,
        policy=normalize_policy(options.get('policy'), name('policy')),
        priority=normalize_priority(options.get('priority'), name('priority')),
        nic_type=nic_type,
        description=validate_description(options.get('description'), name('description')),
    )


def resolve_rule(rule, is_vpc, security_group_id, where='', warnings=None):
    """Apply what depends on the group: the NIC type default and the VPC-only features."""
    def name(option):
        return where + option

    if rule.dest_group_id and rule.dest_group_id == security_group_id:
        raise RuleError(name('dest_group_id'), 'must differ from security_group_id (%s)' % security_group_id)
    if not is_vpc:
        if rule.ipv6_dest_cidr_ip or rule.ipv6_source_cidr_ip:
            raise RuleError(name('ipv6_dest_cidr_ip' if rule.ipv6_dest_cidr_ip else 'ipv6_source_cidr_ip'),
                            'IPv6 rules are supported only in VPC security groups; %s is a classic network group' % security_group_id)
        if rule.dest_prefix_list_id:
            raise RuleError(name('dest_prefix_list_id'),
                            'prefix lists are supported only in VPC security groups; %s is a classic network group' % security_group_id)
    nic_type = rule.nic_type
    if is_vpc:
        if nic_type == 'internet' and warnings is not None:
            warnings.append('%s: VPC security groups only have intranet rules; nic_type=internet is treated as intranet'
                            % (name('nic_type')))
        nic_type = 'intranet'
    elif nic_type is None:
        nic_type = 'intranet' if (rule.dest_group_id or rule.dest_prefix_list_id) else 'internet'
    return replace(rule, nic_type=nic_type)


def rule_from_api(permission, is_vpc=True):
    """Canonical rule from one DescribeSecurityGroupAttribute Permission (CamelCase, values as strings).

    The API's own values are trusted to be valid, but are normalised the same way as the user's,
    and never raise: a value this module cannot parse is kept as the API gave it.
    """
    def raw(name):
        value = permission.get(WIRE_NAMES[name])
        return _text(value)

    def lenient(function, *args, fallback=None):
        try:
            return function(*args)
        except RuleError:
            return fallback

    protocol_text = raw('ip_protocol') or 'all'
    protocol = lenient(normalize_protocol, protocol_text, fallback=protocol_text.lower())
    port_text = raw('port_range')
    port_range = lenient(normalize_port_range, port_text, protocol, fallback=port_text or ANY_PORT)
    source_ports = raw('source_port_range')
    if source_ports:
        source_ports = lenient(normalize_source_port_range, source_ports, protocol, fallback=source_ports)
    nic_type = (raw('nic_type') or ('intranet' if is_vpc else 'internet')).lower()
    dest_cidr = raw('dest_cidr_ip')
    dest_group = raw('dest_group_id')
    prefix_list = raw('dest_prefix_list_id')
    dest_cidr6 = raw('ipv6_dest_cidr_ip')
    if dest_cidr or dest_cidr6:
        dest_group = None
    if dest_cidr or dest_cidr6 or dest_group:
        prefix_list = None
    return EgressRule(
        ip_protocol=protocol,
        port_range=port_range,
        source_port_range=source_ports,
        dest_cidr_ip=lenient(normalize_cidr, dest_cidr, 4, 'DestCidrIp', fallback=dest_cidr),
        ipv6_dest_cidr_ip=lenient(normalize_cidr, dest_cidr6, 6, 'Ipv6DestCidrIp', fallback=dest_cidr6),
        dest_group_id=dest_group,
        dest_group_owner_account=raw('dest_group_owner_account') if dest_group else None,
        dest_prefix_list_id=prefix_list,
        source_cidr_ip=lenient(normalize_cidr, raw('source_cidr_ip'), 4, 'SourceCidrIp', fallback=raw('source_cidr_ip')),
        ipv6_source_cidr_ip=lenient(normalize_cidr, raw('ipv6_source_cidr_ip'), 6, 'Ipv6SourceCidrIp',
                                    fallback=raw('ipv6_source_cidr_ip')),
        policy=(raw('policy') or 'accept').lower(),
        priority=lenient(normalize_priority, raw('priority'), fallback=1),
        nic_type=nic_type,
        description=permission.get('Description') or None,
        security_group_rule_id=raw('security_group_rule_id'),
        create_time=raw('create_time'),
    )


def sorted_rules(rules):
    return sorted(rules, key=lambda rule: (rule.key(), rule.description or '', rule.security_group_rule_id or ''))


def deduplicate_desired(rules, where_of):
    """Merge repeated rules of the desired list into one, keeping the description whichever entry gives it.

    The same rule twice with two different descriptions is an error naming both entries.
    """
    seen = {}
    for index, rule in enumerate(rules):
        key = rule.key()
        if key not in seen:
            seen[key] = (index, rule)
            continue
        first_index, first = seen[key]
        if rule.description is None or rule.description == first.description:
            continue
        if first.description is not None:
            raise RuleError(where_of(index) + 'description',
                            'this rule is the same as %s but with another description; a rule has one description'
                            % where_of(first_index).rstrip('.'))
        seen[key] = (first_index, replace(first, description=rule.description))
    return [rule for _index, rule in seen.values()]


# ---------------------------------------------------------------------------------------------
# Planning
# ---------------------------------------------------------------------------------------------

@dataclass
class ChangePlan:
    """What must happen to reach the desired state, in the order it must happen."""

    before: list
    update: list = field(default_factory=list)     # (existing rule, new description)
    revoke: list = field(default_factory=list)     # existing rules
    authorize: list = field(default_factory=list)  # new rules

    @property
    def changed(self):
        return bool(self.update or self.revoke or self.authorize)

    def after(self):
        """The group's egress rules once the plan is applied, as far as it can be known without a read."""
        revoked = set(id(rule) for rule in self.revoke)
        descriptions = dict((id(rule), description) for rule, description in self.update)
        rules = []
        for rule in self.before:
            if id(rule) in revoked:
                continue
            if id(rule) in descriptions:
                rule = replace(rule, description=descriptions[id(rule)])
            rules.append(rule)
        return sorted_rules(rules + list(self.authorize))

    def updated_rules(self):
        return sorted_rules([replace(rule, description=description) for rule, description in self.update])


def plan_changes(existing, desired, state='present', purge=False):
    """Compare existing egress rules with the desired ones.

    present: add what is missing, fix descriptions in place, and with purge revoke everything not
    desired (including extra copies of a desired rule that the API holds twice in different spellings).
    absent: revoke every existing rule that matches a desired one.
    """
    by_key = {}
    for rule in existing:
        by_key.setdefault(rule.key(), []).append(rule)
    plan = ChangePlan(before=sorted_rules(existing))
    desired_keys = set()
    for rule in desired:
        key = rule.key()
        desired_keys.add(key)
        matches = by_key.get(key, [])
        if state == 'absent':
            plan.revoke.extend(matches)
            continue
        if not matches:
            plan.authorize.append(rule)
            continue
        keeper = matches[0]
        if rule.description is not None and rule.description != keeper.description:
            plan.update.append((keeper, rule.description))
        if purge:
            plan.revoke.extend(matches[1:])
    if state == 'present' and purge:
        plan.revoke.extend(rule for rule in existing if rule.key() not in desired_keys)
    plan.revoke = sorted_rules(plan.revoke)
    plan.authorize = sorted_rules(plan.authorize)
    plan.update.sort(key=lambda item: item[0].key())
    return plan


def check_rule_limit(plan, total_rule_count, limit=RULE_LIMIT):
    """Raise before any write when the plan would pass the group's total (ingress + egress) rule limit."""
    after = total_rule_count - len(plan.revoke) + len(plan.authorize)
    if len(plan.authorize) and after > limit:
        raise RuleError('rules', 'the group would hold %d rules (%d now, %d to add, %d to remove); ECS allows at most %d '
                                 'ingress and egress rules in total per security group'
                        % (after, total_rule_count, len(plan.authorize), len(plan.revoke), limit))


def batches(items, size=WRITE_BATCH_SIZE):
    return [items[start:start + size] for start in range(0, len(items), size)]


def authorize_params(rules):
    """Permissions.N.* query parameters for one batched AuthorizeSecurityGroupEgress call."""
    params = {}
    for index, rule in enumerate(rules, start=1):
        params.update(rule.to_api('Permissions.%d.' % index))
    return params


def revoke_params(rules):
    return dict(('SecurityGroupRuleId.%d' % index, rule.security_group_rule_id) for index, rule in enumerate(rules, start=1))


def derive_client_token(base, action, params):
    """An idempotency token for one write: the same base, action and parameters give the same token.

    A retried request thus carries the same token, and so does a re-run of the task with the same
    user-given base token, while two different writes never share one (which the API rejects).
    """
    digest = hashlib.sha256()
    digest.update(base.encode('utf-8'))
    digest.update(action.encode('utf-8'))
    for name in sorted(params):
        digest.update(('\0%s=%s' % (name, params[name])).encode('utf-8'))
    return digest.hexdigest()[:CLIENT_TOKEN_MAX_LENGTH]


# ---------------------------------------------------------------------------------------------
# Filtering (the info module)
# ---------------------------------------------------------------------------------------------

def parse_filters(options):
    """Canonical filters from the info module's options (absent ones None); errors name the option."""
    filters = {}
    if _text(options.get('ip_protocol')):
        filters['ip_protocol'] = normalize_protocol(options['ip_protocol'])
    if _text(options.get('policy')):
        filters['policy'] = normalize_policy(options['policy'])
    if _text(options.get('nic_type')):
        filters['nic_type'] = normalize_nic_type(options['nic_type'])
    if _text(options.get('dest_cidr_ip')):
        filters['dest_cidr_ip'] = normalize_cidr(options['dest_cidr_ip'], 4, 'dest_cidr_ip')
    if _text(options.get('ipv6_dest_cidr_ip')):
        filters['ipv6_dest_cidr_ip'] = normalize_cidr(options['ipv6_dest_cidr_ip'], 6, 'ipv6_dest_cidr_ip')
    if _text(options.get('dest_group_id')):
        filters['dest_group_id'] = _text(options['dest_group_id'])
    if _text(options.get('dest_prefix_list_id')):
        filters['dest_prefix_list_id'] = _text(options['dest_prefix_list_id'])
    if options.get('port') is not None:
        port = options['port']
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise RuleError('port', '%r is not a port number from 1 to 65535' % (port,))
        filters['port'] = port
    return filters


def rule_matches(rule, filters):
    """Whether a canonical rule passes every filter.

    ``port`` keeps the rules that apply to traffic to that port: tcp and udp rules whose range contains
    it, and ``all`` rules; icmp, gre and icmpv6 rules have no ports and never match it.
    """
    for name, wanted in filters.items():
        if name == 'port':
            if rule.ip_protocol == 'all':
                continue
            if rule.ip_protocol not in PORT_PROTOCOLS:
                return False
            try:
                start, end = (int(bound) for bound in rule.port_range.split('/'))
            except ValueError:
                return False
            if not start <= wanted <= end:
                return False
        elif getattr(rule, name) != wanted:
            return False
    return True
