# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Normalisation of single rule values, shared by every direction.

Both sides of every comparison (what the user asked for and what DescribeSecurityGroupAttribute
returned) go through these same functions, because the API stores and echoes values in forms that
differ from what users write (``10.0.0.1`` versus ``10.0.0.1/32``, ``TCP`` versus ``tcp``). Each
function takes the option name, so that an error names what the user wrote.
"""

from __future__ import annotations

import ipaddress
import re

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

_PORT_RANGE = re.compile(r'^\s*(-?\d+)\s*(?:[/-]\s*(-?\d+)\s*)?$')
_RESOURCE_ID = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$')


class RuleError(ValueError):
    """A rule option the user gave is not acceptable. ``option`` names it as the user wrote it."""

    def __init__(self, option, message):
        super().__init__('%s: %s' % (option, message))
        self.option = option


def text_or_none(value):
    """The value as stripped text, or None when it is absent or blank (blank means not given)."""
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def normalize_protocol(value, option='ip_protocol'):
    text = text_or_none(value)
    if text is None:
        raise RuleError(option, 'is required; accepted values: %s (case-insensitive)' % ', '.join(PROTOCOLS))
    lowered = text.lower()
    lowered = PROTOCOL_NUMBERS.get(lowered, lowered)
    if lowered not in PROTOCOLS:
        raise RuleError(option, '%r is not a supported protocol; accepted values: %s (case-insensitive, '
                                'or the protocol numbers %s)' % (text, ', '.join(PROTOCOLS), ', '.join(sorted(PROTOCOL_NUMBERS))))
    return lowered


def normalize_port_range(value, protocol, option='port_range'):
    """Return 'a/b' for tcp/udp and '-1/-1' for the portless protocols.

    A port range given for icmp, gre, all or icmpv6 other than -1/-1 is an error rather than being
    dropped, because silently widening 'all to port 22' to 'all ports' would open more than asked.
    """
    text = text_or_none(value)
    if protocol in PORTLESS_PROTOCOLS:
        if text is None or text in (ANY_PORT, '-1'):
            return ANY_PORT
        raise RuleError(option, '%r is not valid for protocol %s, which has no ports; omit it or use -1/-1' % (text, protocol))
    if text is None:
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
    text = text_or_none(value)
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
    text = text_or_none(value)
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
    text = text_or_none(value)
    if text is None:
        return 'accept'
    lowered = text.lower()
    if lowered not in POLICIES:
        raise RuleError(option, '%r is not valid; accepted values: accept, drop (case-insensitive)' % text)
    return lowered


def whole_number(value, option, expected):
    """`value` (a number or its text) as an int; a boolean or other text fails, saying what was `expected`."""
    if not isinstance(value, bool):
        try:
            return int(str(value).strip())
        except ValueError:
            pass
    raise RuleError(option, '%r is not %s' % (value, expected))


def normalize_priority(value, option='priority'):
    if value is None or (isinstance(value, str) and not value.strip()):
        return 1
    number = whole_number(value, option, 'an integer from 1 to 100')
    if not 1 <= number <= 100:
        raise RuleError(option, '%d is out of range; use an integer from 1 (highest) to 100 (lowest)' % number)
    return number


def normalize_port(value, option='port'):
    """One port, 1 to 65535, or None when absent."""
    if value is None:
        return None
    number = whole_number(value, option, 'a port number from 1 to 65535')
    if not 1 <= number <= 65535:
        raise RuleError(option, '%d is not a port number from 1 to 65535' % number)
    return number


def normalize_nic_type(value, option='nic_type'):
    text = text_or_none(value)
    if text is None:
        return None
    lowered = text.lower()
    if lowered not in NIC_TYPES:
        raise RuleError(option, '%r is not valid; accepted values: internet, intranet' % text)
    return lowered


def validate_resource_id(value, prefix, option):
    text = text_or_none(value)
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
    text = text_or_none(value)
    if text is None:
        return None
    if len(text) > CLIENT_TOKEN_MAX_LENGTH or not all(32 <= ord(char) < 127 for char in text):
        raise RuleError(option, 'must be printable ASCII of at most %d characters' % CLIENT_TOKEN_MAX_LENGTH)
    return text


def validate_owner_id(value, option='dest_group_owner_id'):
    text = text_or_none(value)
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()):
        raise RuleError(option, '%r is not a numeric Alibaba Cloud account ID' % text)
    return text
