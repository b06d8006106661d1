"""Parameter validation and canonical comparison of security group rules.

One rule is validated at a time from a getter over the request parameters, so the same code serves
top-level fields, `Permissions.N.*`, egress and (mirrored) ingress, and the Modify merge.
"""

import ipaddress
import re

from .errors import ApiError

PROTOCOLS = {'tcp': 'TCP', 'udp': 'UDP', 'icmp': 'ICMP', 'gre': 'GRE', 'all': 'ALL', 'icmpv6': 'ICMPv6'}
PORTED = ('tcp', 'udp')
_PORT_RE = re.compile(r'^(-?\d{1,6})/(-?\d{1,6})$')
_V4_RE = re.compile(r'^\d{1,3}(\.\d{1,3}){3}(/\d{1,2})?$')
_GROUP_ID_RE = re.compile(r'^sg-[A-Za-z0-9][A-Za-z0-9-]{0,62}$')
_INT_RE = re.compile(r'^[+-]?\d{1,9}$')


class Direction:
    """Parameter names, columns and error codes for one rule direction.

    For egress the peer is the destination and the local side the source; ingress mirrors it.
    """

    def __init__(self, name):
        self.name = name
        peer, local = ('Dest', 'Source') if name == 'egress' else ('Source', 'Dest')
        self.peer_cidr = peer + 'CidrIp'
        self.peer_cidr6 = 'Ipv6' + peer + 'CidrIp'
        self.peer_group = peer + 'GroupId'
        self.peer_owner_id = peer + 'GroupOwnerId'
        self.peer_owner_account = peer + 'GroupOwnerAccount'
        self.peer_pl = peer + 'PrefixListId'
        self.local_cidr = local + 'CidrIp'
        self.local_cidr6 = 'Ipv6' + local + 'CidrIp'
        pcol, lcol = peer.lower(), local.lower()
        self.col = {
            'peer_cidr': pcol + '_cidr_ip', 'peer_cidr6': 'ipv6_' + pcol + '_cidr_ip', 'peer_group': pcol + '_group_id',
            'peer_owner': pcol + '_group_owner_id', 'peer_pl': pcol + '_prefix_list_id',
            'local_cidr': lcol + '_cidr_ip', 'local_cidr6': 'ipv6_' + lcol + '_cidr_ip',
        }
        # A code names the parameter it is about, not its role: InvalidParam.DestIp means DestCidrIp or
        # Ipv6DestCidrIp in both directions, the peer of an egress rule and the local range of an ingress one.
        if name == 'egress':
            self.codes = {
                'missing': 'MissingParameter.Dest', 'peer_malformed': 'InvalidDestCidrIp.Malformed',
                'peer_both': 'InvalidParam.DestIp', 'peer6': 'InvalidParam.Ipv6DestCidrIp',
                'local_both': 'InvalidParam.SourceIp', 'local_malformed': 'InvalidParam.SourceIp',
                'local6': 'InvalidParam.Ipv6SourceCidrIp', 'family_mismatch': 'InvalidParam.SourceIp',
                'group_not_found': 'InvalidDestGroupId.NotFound', 'group_mismatch': 'InvalidDestGroupId.Mismatch',
            }
            self.self_reference = ('InvalidSecurityGroup.IsSame', None)
        else:
            self.codes = {
                'missing': 'MissingParameter.Source', 'peer_malformed': 'InvalidSourceCidrIp.Malformed',
                'peer_both': 'InvalidParam.SourceIp', 'peer6': 'InvalidParam.Ipv6SourceCidrIp',
                'local_both': 'InvalidParam.DestIp', 'local_malformed': 'InvalidDestCidrIp.Malformed',
                'local6': 'InvalidParam.Ipv6DestCidrIp', 'family_mismatch': 'InvalidParam.DestIp',
                'group_not_found': 'InvalidSourceGroupId.NotFound', 'group_mismatch': 'InvalidSourceGroupId.Mismatch',
            }
            # The AuthorizeSecurityGroup table has no IsSame row; its self-reference row is this one.
            self.self_reference = ('InvalidParamter.Conflict', 'self_source')

    def peer_params(self):
        return (self.peer_cidr, self.peer_cidr6, self.peer_group, self.peer_owner_id, self.peer_owner_account,
                self.peer_pl)

    def local_params(self):
        return (self.local_cidr, self.local_cidr6)


EGRESS = Direction('egress')
INGRESS = Direction('ingress')
DIRECTIONS = {'egress': EGRESS, 'ingress': INGRESS}

RULE_FIELDS = ('IpProtocol', 'PortRange', 'SourcePortRange', 'Policy', 'Priority', 'NicType', 'Description',
               'DestCidrIp', 'Ipv6DestCidrIp', 'DestGroupId', 'DestGroupOwnerId', 'DestGroupOwnerAccount',
               'DestPrefixListId', 'SourceCidrIp', 'Ipv6SourceCidrIp', 'SourceGroupId', 'SourceGroupOwnerId',
               'SourceGroupOwnerAccount', 'SourcePrefixListId', 'PortRangeListId')


def check_group_id(value):
    if not value or not _GROUP_ID_RE.match(value):
        raise ApiError('InvalidSecurityGroupId.Malformed')
    return value


def check_description(value):
    # Empty is "no description", like every other empty field: clients echo the rules they read back.
    if not value:
        return ''
    if len(value) > 512:
        raise ApiError('InvalidSecurityGroupDiscription.Malformed')
    return value


def check_client_token(value):
    if value is None or value == '':
        return None
    if len(value) > 64 or not value.isascii() or not value.isprintable():
        raise ApiError('InvalidClientToken.ValueNotSupported')
    return value


def parse_ipv4(value):
    """IPv4 address or CIDR -> IPv4Interface, None if malformed."""
    if not _V4_RE.match(value):
        return None
    try:
        return ipaddress.IPv4Interface(value)
    except ValueError:
        return None


def parse_ipv6(value):
    """IPv6 address or CIDR -> (IPv6Interface or None, error kind or None); kind is 'address' or 'prefix'."""
    addr, sep, prefix = value.partition('/')
    if '%' in addr:
        return None, 'address'
    try:
        ipaddress.IPv6Address(addr)
    except ValueError:
        return None, 'address'
    if sep and (not prefix.isdigit() or not 0 <= int(prefix) <= 128 or len(prefix) > 3):
        return None, 'prefix'
    return ipaddress.IPv6Interface(value), None


def compress_ipv6(value):
    """A valid IPv6 address or CIDR block in compressed lower-case form (2001:DB8:0:0::/64 -> 2001:db8::/64).

    The address keeps its host bits and a prefix-less address stays prefix-less.
    """
    addr, sep, prefix = value.partition('/')
    text = ipaddress.IPv6Address(addr).compressed
    return '%s/%d' % (text, int(prefix)) if sep else text


def _port_pair(value):
    match = _PORT_RE.match(value or '')
    if not match:
        return None
    return int(match.group(1)), int(match.group(2))


def check_port_range(protocol, value):
    pair = _port_pair(value)
    if pair is None:
        raise ApiError('InvalidIpProtocol.Malformed')
    low, high = pair
    if protocol in PORTED:
        if (low, high) == (-1, -1):
            raise ApiError('OperationDenied')
        if not 1 <= low <= high <= 65535:
            raise ApiError('InvalidIpProtocol.Malformed')
    elif (low, high) != (-1, -1):
        raise ApiError('OperationDenied')
    return '%d/%d' % (low, high)


def check_source_port_range(protocol, value):
    if value is None or value == '':
        return ''
    pair = _port_pair(value)
    if pair is None:
        raise ApiError('InvalidSourcePortRange.Malformed')
    low, high = pair
    if protocol in PORTED:
        ok = 1 <= low <= high <= 65535
    else:
        ok = (low, high) == (-1, -1)
    if not ok:
        raise ApiError('InvalidSourcePortRange.Malformed')
    return '%d/%d' % (low, high)


def check_priority(value):
    if value is None or value == '':
        return '1'
    if not _INT_RE.match(value):
        raise ApiError('InvalidPriority.Malformed')
    number = int(value)
    if not 1 <= number <= 100:
        raise ApiError('InvalidPriority.ValueNotSupported')
    return str(number)


def _cidr4(value, code):
    parsed = parse_ipv4(value)
    if parsed is None:
        raise ApiError(code, 'The specified parameter "%s" is not a valid IPv4 address or CIDR block.' % value[:64])
    return parsed


def _cidr6(value, name, code):
    parsed, error = parse_ipv6(value)
    if error == 'address':
        raise ApiError(code, 'The specified parameter "%s" is not a valid IPv6 address or CIDR block.' % name)
    if error == 'prefix':
        raise ApiError('ILLEGAL_IPV6_CIDR', 'The prefix length of the specified IPv6 CIDR block is not valid.')
    return parsed


def parse_rule(get, group, direction, lookup):
    """Validate one rule; `get(name)` returns the parameter or None. Returns the row to store (no id/time).

    `lookup` answers owner_account_id, find_group, find_prefix_list and find_port_range_list (a store Transaction does).
    """
    def opt(name):
        value = get(name)
        return value if value not in (None, '') else None

    raw_protocol = opt('IpProtocol')
    protocol = (raw_protocol or '').lower()
    if protocol not in PROTOCOLS:
        raise ApiError('InvalidIpProtocol.ValueNotSupported')
    port_list_id = opt('PortRangeListId')
    # The SDK models: PortRangeListId is ignored when PortRange is given, so only a rule without one names a list.
    if port_list_id and opt('PortRange') is None:
        port_range = ''
        port_list_id = _check_port_list(protocol, group, port_list_id, lookup)
    else:
        port_range = check_port_range(protocol, get('PortRange'))
        port_list_id = ''
    source_port_range = check_source_port_range(protocol, get('SourcePortRange'))

    policy = (opt('Policy') or 'accept').lower()
    if policy not in ('accept', 'drop'):
        raise ApiError('InvalidPolicy.Malformed')
    priority = check_priority(get('Priority'))

    is_vpc = bool(group['vpc_id'])
    nic = opt('NicType')
    if nic is not None:
        nic = nic.lower()
        if nic not in ('internet', 'intranet'):
            raise ApiError('InvalidNicType.ValueNotSupported')
    nic_before_coercion = nic or ('intranet' if is_vpc else 'internet')

    codes = direction.codes
    row = {'direction': direction.name, 'ip_protocol': PROTOCOLS[protocol], 'port_range': port_range,
           'source_port_range': source_port_range, 'policy': policy.capitalize(), 'priority': priority,
           'description': check_description(get('Description'))}
    for column in ('dest_cidr_ip', 'ipv6_dest_cidr_ip', 'dest_group_id', 'dest_group_owner_id', 'dest_prefix_list_id',
                   'source_cidr_ip', 'ipv6_source_cidr_ip', 'source_group_id', 'source_group_owner_id',
                   'source_prefix_list_id'):
        row[column] = ''
    row['port_range_list_id'] = port_list_id

    peer4, peer6 = opt(direction.peer_cidr), opt(direction.peer_cidr6)
    peer_group, peer_pl = opt(direction.peer_group), opt(direction.peer_pl)
    local4, local6 = opt(direction.local_cidr), opt(direction.local_cidr6)

    peer4_parsed = peer6_parsed = None
    # Which destination wins: CIDR, then IPv6 CIDR, then group, then prefix list (document).
    if peer4 and peer6:
        raise ApiError(codes['peer_both'], '%s and %s cannot be specified together.' % (direction.peer_cidr, direction.peer_cidr6))
    if peer4:
        kind = 'cidr4'
        peer4_parsed = _cidr4(peer4, codes['peer_malformed'])
    elif peer6:
        kind = 'cidr6'
        if not is_vpc:
            raise ApiError(codes['peer6'], 'IPv6 addresses are only supported by VPC security groups.')
        peer6_parsed = _cidr6(peer6, direction.peer_cidr6, codes['peer6'])
    elif peer_group:
        kind = 'group'
    elif peer_pl:
        kind = 'prefix_list'
    else:
        raise ApiError(codes['missing'])

    if local4 and local6:
        raise ApiError(codes['local_both'], '%s and %s cannot be specified together.' % (direction.local_cidr, direction.local_cidr6))
    local4_parsed = _cidr4(local4, codes['local_malformed']) if local4 else None
    local6_parsed = None
    if local6:
        if not is_vpc:
            raise ApiError(codes['local6'], 'IPv6 addresses are only supported by VPC security groups.')
        local6_parsed = _cidr6(local6, direction.local_cidr6, codes['local6'])

    if kind == 'group' and nic_before_coercion != 'intranet':
        raise ApiError(codes['group_mismatch'])
    if kind == 'prefix_list' and not is_vpc:
        raise ApiError('NotSupported.ClassicNetworkPrefixList')
    # The document: VPC groups only know intranet, whatever was asked.
    row['nic_type'] = 'intranet' if is_vpc else nic_before_coercion

    family = {'cidr4': 4, 'cidr6': 6}.get(kind)
    plist = None
    if kind == 'prefix_list':
        plist = lookup.find_prefix_list(peer_pl, group['account_id'], group['region_id'])
        if plist is None:
            raise ApiError('InvalidPrefixListId.NotFound')
        family = 6 if plist['address_family'].lower() == 'ipv6' else 4
    local_family = 4 if local4 else 6 if local6 else None

    if protocol == 'icmp' and (family == 6 or local_family == 6):
        raise ApiError('InvalidParam.Ipv4ProtocolConflictWithIpv6Address', 'The protocol ICMP cannot be used with an IPv6 address.')
    if protocol == 'icmpv6' and (family == 4 or local_family == 4):
        raise ApiError('InvalidParam.Ipv6ProtocolConflictWithIpv4Address', 'The protocol ICMPv6 cannot be used with an IPv4 address.')
    if family and local_family and family != local_family:
        if kind == 'prefix_list':
            raise ApiError('InvalidParam.PrefixListAddressFamilyMismatch')
        raise ApiError(codes['family_mismatch'], 'The address families of %s and %s do not match.' % (
            direction.peer_cidr if family == 4 else direction.peer_cidr6,
            direction.local_cidr if local_family == 4 else direction.local_cidr6))

    col = direction.col
    if kind == 'cidr4':
        if local4_parsed is not None and local4_parsed == peer4_parsed:
            raise ApiError('InvalidParamter.Conflict')
        row[col['peer_cidr']] = peer4
    elif kind == 'cidr6':
        if local6_parsed is not None and local6_parsed == peer6_parsed:
            raise ApiError('InvalidParamter.Conflict')
        row[col['peer_cidr6']] = compress_ipv6(peer6)
    elif kind == 'group':
        row[col['peer_group']], row[col['peer_owner']] = _resolve_peer_group(get, group, direction, lookup, peer_group)
    else:
        row[col['peer_pl']] = plist['prefix_list_id']
    if local4:
        row[col['local_cidr']] = local4
    if local6:
        row[col['local_cidr6']] = compress_ipv6(local6)
    return row


def _check_port_list(protocol, group, port_list_id, lookup):
    """The id of the caller's port range list that a rule without PortRange names, or the refusal.

    The AuthorizeSecurityGroupEgress page has a code for a protocol that takes no port list but does
    not say which protocols; only tcp and udp have ports, so only they take one (assumed). The SDK
    models say classic groups cannot use port lists and give no code (the one used is assumed).
    """
    if protocol not in PORTED:
        raise ApiError('InvalidParam.ProtocolNotSupportPortRangeList')
    if not group['vpc_id']:
        raise ApiError('InvalidSecurityGroup.InvalidNetworkType')
    if lookup.find_port_range_list(port_list_id, group['account_id'], group['region_id']) is None:
        raise ApiError('InvalidPortRangeListId.NotFound')
    return port_list_id


def _resolve_peer_group(get, group, direction, lookup, peer_group):
    codes = direction.codes
    if peer_group == group['group_id']:
        code, variant = direction.self_reference
        raise ApiError(code, variant=variant)
    owner_id, owner_account = get(direction.peer_owner_id), get(direction.peer_owner_account)
    if owner_id or owner_account:
        owner = lookup.owner_account_id(owner_id or None, owner_account or None)
        if owner is None:
            raise ApiError(codes['group_not_found'])
    else:
        owner = group['account_id']
    peer = lookup.find_group(peer_group, owner, group['region_id'])
    if peer is None:
        raise ApiError(codes['group_not_found'])
    if bool(peer['vpc_id']) != bool(group['vpc_id']):
        raise ApiError('InvalidNetworkType.Conflict')
    if group['vpc_id'] and peer['vpc_id'] != group['vpc_id']:
        raise ApiError(codes['group_mismatch'], variant='vpc')
    return peer_group, owner


def _canon_cidr(value):
    if not value:
        return ''
    parsed = parse_ipv4(value)
    if parsed is None:
        parsed = parse_ipv6(value)[0]
    return str(parsed) if parsed is not None else value.strip().lower()


def _canon_ports(value, blank_is_any):
    pair = _port_pair(value)
    if pair is None:
        return (value or '').strip()
    text = '%d/%d' % pair
    return '' if blank_is_any and text == '-1/-1' else text


def identity(row, group_account_id):
    """Everything but the description and id, compared the way ECS treats rules as equal.

    The port range list is part of it: a rule over a port range list is not the same rule as one with
    the ports the list holds as its PortRange.
    """
    def priority():
        try:
            return int(row['priority'])
        except ValueError:
            return row['priority']
    return (
        row['direction'], row['ip_protocol'].lower(), _canon_ports(row['port_range'], False),
        _canon_ports(row['source_port_range'], True), row['policy'].lower(), priority(), row['nic_type'].lower(),
        _canon_cidr(row['dest_cidr_ip']), _canon_cidr(row['ipv6_dest_cidr_ip']), row['dest_group_id'],
        (row['dest_group_owner_id'] or group_account_id) if row['dest_group_id'] else '',
        row['dest_prefix_list_id'], _canon_cidr(row['source_cidr_ip']), _canon_cidr(row['ipv6_source_cidr_ip']),
        row['source_group_id'], (row['source_group_owner_id'] or group_account_id) if row['source_group_id'] else '',
        row['source_prefix_list_id'], row['port_range_list_id'],
    )


def row_to_params(row, direction):
    """A stored rule as request parameters, so Modify can overlay the caller's changes and re-validate.

    A rule that names a port range list is a port list rule, even a fixture rule that has a PortRange
    too: its PortRange is left out, as it would make the list ignored.
    """
    col = direction.col
    port_list = row['port_range_list_id']
    params = {'IpProtocol': row['ip_protocol'], 'PortRange': '' if port_list else row['port_range'], 'PortRangeListId': port_list,
              'SourcePortRange': row['source_port_range'], 'Policy': row['policy'], 'Priority': row['priority'],
              'NicType': row['nic_type'], 'Description': row['description'] or None,
              direction.peer_cidr: row[col['peer_cidr']], direction.peer_cidr6: row[col['peer_cidr6']],
              direction.peer_group: row[col['peer_group']], direction.peer_owner_id: row[col['peer_owner']],
              direction.peer_pl: row[col['peer_pl']], direction.local_cidr: row[col['local_cidr']],
              direction.local_cidr6: row[col['local_cidr6']]}
    return {k: v for k, v in params.items() if v not in (None, '')}
