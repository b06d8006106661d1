# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters of the info modules: which of a group's rules to return."""

from __future__ import annotations

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
