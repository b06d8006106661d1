# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters of the info modules: which of a group's rules to return."""

from __future__ import annotations

from ansible_collections.alicloud.ecs.plugins.module_utils._ownership import validate_owner
from ansible_collections.alicloud.ecs.plugins.module_utils._values import (
    PORT_PROTOCOLS, normalize_cidr, normalize_nic_type, normalize_policy, normalize_port, normalize_protocol, text_or_none,
)

# The roles a user can filter on, with how to make the filter value canonical (None: as given).
FILTER_ROLES = (
    ('ip_protocol', normalize_protocol),
    ('policy', normalize_policy),
    ('nic_type', normalize_nic_type),
    ('peer_cidr_ip', lambda value, option: normalize_cidr(value, 4, option)),
    ('peer_ipv6_cidr_ip', lambda value, option: normalize_cidr(value, 6, option)),
    ('peer_group_id', None),
    ('peer_prefix_list_id', None),
    ('port_range_list_id', None),
    # The owner a rule's description marks (see _ownership): the rules one play or role manages.
    ('rule_owner', validate_owner),
)


def filter_argument_spec(direction):
    spec = dict((direction.option(role), dict(type='str')) for role, _normalise in FILTER_ROLES)
    spec['port'] = dict(type='int')
    return spec


def parse_filters(direction, options):
    """Canonical filters, keyed by option name, from the info module's options (absent ones None); errors name the option."""
    filters = {}
    for role, normalise in FILTER_ROLES:
        option = direction.option(role)
        value = text_or_none(options.get(option))
        if value is not None:
            filters[option] = normalise(value, option) if normalise else value
    if options.get('port') is not None:
        filters['port'] = normalize_port(options['port'])
    return filters


def rule_ports(rule, list_entries):
    """[(start, end)] of a tcp or udp rule's destination ports; None when they are a port range list not read."""
    if rule.port_range_list_id:
        entries = list_entries.get(rule.port_range_list_id)
        texts = None if entries is None else entries
    else:
        texts = [rule.port_range]
    if texts is None:
        return None
    spans = []
    for text in texts:
        try:
            spans.append(tuple(int(bound) for bound in text.split('/')))
        except ValueError:
            continue
    return spans


def rule_matches(rule, filters, list_entries=None):
    """Whether a canonical rule passes every filter.

    ``port`` keeps the rules that apply to traffic to that port: tcp and udp rules whose range (or one of whose
    port range list's entries, given in ``list_entries``) contains it, and ``all`` rules; icmp, gre and icmpv6
    rules have no ports and never match it. A rule over a port range list whose entries are not known may
    apply, and is kept.
    """
    for name, wanted in filters.items():
        if name == 'port':
            if rule.ip_protocol == 'all':
                continue
            if rule.ip_protocol not in PORT_PROTOCOLS:
                return False
            spans = rule_ports(rule, list_entries or {})
            if spans is not None and not any(start <= wanted <= end for start, end in spans):
                return False
        elif getattr(rule, name) != wanted:
            return False
    return True
