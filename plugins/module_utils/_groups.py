# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading security groups through the API: finding a group by name, and reading its rules.

Every function takes ``call(action, query) -> body``, so the modules pass their base's retrying call
and tests can pass anything that answers like the API.
"""

from __future__ import annotations

from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import EGRESS, INGRESS, rule_from_api, sorted_rules

DESCRIBE_RULES_PAGE_SIZE = 1000
DESCRIBE_GROUPS_PAGE_SIZE = 100


class GroupLookupError(ValueError):
    """The group asked for by name does not exist, or more than one does."""


class GroupRules:
    """What one read of a group tells: its network type, its rules per direction and its total rule count."""

    def __init__(self, security_group_id, vpc_id, by_direction, total_rule_count, inner_access_policy=None, name=None,
                 description=None):
        self.security_group_id = security_group_id
        self.name = name
        self.description = description
        self.vpc_id = vpc_id
        self.by_direction = by_direction  # {Direction: canonical rules, sorted}
        self.total_rule_count = total_rule_count
        self.inner_access_policy = inner_access_policy

    @property
    def is_vpc(self):
        return bool(self.vpc_id)

    def rules(self, direction):
        return self.by_direction[direction]


def all_pages(call, action, query):
    """Every answer of a paginated read, following NextToken until an answer has none."""
    while True:
        body = call(action, query)
        yield body
        token = body.get('NextToken')
        if not token:
            return
        query = dict(query, NextToken=token)


def read_group_rules(call, security_group_id):
    """Read every rule of the group, both directions and all pages, in one pass for a VPC group.

    Direction=all, because the 200-rule limit counts ingress and egress together. A classic network
    group needs a second pass: the API lists one NIC type per call there, internet by default.
    """
    def read(nic_type):
        query = dict(SecurityGroupId=security_group_id, Direction='all', NicType=nic_type, MaxResults=DESCRIBE_RULES_PAGE_SIZE)
        return list(all_pages(call, 'DescribeSecurityGroupAttribute', query))

    pages = read('intranet')
    vpc_id = pages[0].get('VpcId') or None
    if not vpc_id:
        pages += read('internet')
    permissions = []
    for body in pages:
        permissions.extend(((body.get('Permissions') or {}).get('Permission')) or [])
    by_direction = dict((direction, []) for direction in (EGRESS, INGRESS))
    for item in permissions:
        # With Direction=all every Permission names its own; one that does not was always read as egress.
        direction = INGRESS if str(item.get('Direction') or '').lower() == 'ingress' else EGRESS
        by_direction[direction].append(rule_from_api(direction, item, bool(vpc_id)))
    policy = pages[0].get('InnerAccessPolicy')
    return GroupRules(security_group_id, vpc_id, dict((direction, sorted_rules(rules)) for direction, rules in by_direction.items()),
                      len(permissions), policy.lower() if policy else None, pages[0].get('SecurityGroupName') or None,
                      pages[0].get('Description') or None)


def describe_groups(call, **filters):
    """Every group DescribeSecurityGroups lists for the filters (its parameter names), all pages."""
    query = dict(filters, MaxResults=DESCRIBE_GROUPS_PAGE_SIZE)
    groups = []
    for body in all_pages(call, 'DescribeSecurityGroups', query):
        groups.extend(((body.get('SecurityGroups') or {}).get('SecurityGroup')) or [])
    return groups


def groups_named(call, name, vpc_id=None):
    """The DescribeSecurityGroups entries of the groups called exactly ``name`` (in ``vpc_id`` when given)."""
    filters = dict(SecurityGroupName=name)
    if vpc_id:
        filters['VpcId'] = vpc_id
    # The API's name filter is not documented as exact; only an exact match counts.
    return [group for group in describe_groups(call, **filters)
            if group.get('SecurityGroupName') == name and (not vpc_id or group.get('VpcId') == vpc_id)]


def find_group(call, name, vpc_id=None, name_option='security_group_name', id_option='security_group_id'):
    """The DescribeSecurityGroups entry of the one group called ``name`` (in ``vpc_id`` when given).

    The options are named as the calling module names them, so that its user reads a message about their own task.
    """
    matches = groups_named(call, name, vpc_id)
    where = ' in VPC %s' % vpc_id if vpc_id else ''
    if not matches:
        raise GroupLookupError('%s: no security group named %r%s in this region' % (name_option, name, where))
    if len(matches) > 1:
        raise GroupLookupError('%s: %d security groups are named %r%s (%s); give %s%s'
                               % (name_option, len(matches), name, where, ', '.join(sorted(group.get('SecurityGroupId') for group in matches)),
                                  id_option, '' if vpc_id else ' or vpc_id'))
    return matches[0]


def find_group_id(call, name, vpc_id=None):
    """The ID of the one group called ``name`` (in ``vpc_id`` when given), read with DescribeSecurityGroups."""
    return find_group(call, name, vpc_id).get('SecurityGroupId')


def group_argument_spec():
    """Options that name the group: by ID, or by name (and VPC)."""
    return dict(
        security_group_id=dict(type='str'),
        security_group_name=dict(type='str'),
        vpc_id=dict(type='str'),
    )


GROUP_OPTION_RULES = dict(
    required_one_of=[('security_group_id', 'security_group_name')],
    mutually_exclusive=[('security_group_id', 'security_group_name')],
    required_by=dict(vpc_id='security_group_name'),
)


EMPTY_OPTION_HINTS = dict(
    security_group_id='give the ID of a security group (sg-...) or use security_group_name',
    security_group_name='give the exact name of a security group or use security_group_id',
    vpc_id='give the VPC of the group named by security_group_name, or leave vpc_id out',
    security_group_ids='give security group IDs (sg-...); an empty list asks for no group',
    security_group_names='give the exact names of security groups',
)


def check_group_options(params):
    """Refuse a group option that was given but is blank (typically a variable that resolved to '').

    Left through, a blank ID would fall back to a lookup by a name that is not there either.
    """
    for option in ('security_group_id', 'security_group_name', 'vpc_id'):
        value = params.get(option)
        if value is not None and not value.strip():
            raise GroupLookupError('%s: is empty; %s' % (option, EMPTY_OPTION_HINTS[option]))
    for option in ('security_group_ids', 'security_group_names'):
        for index, value in enumerate(params.get(option) or []):
            if not value.strip():
                raise GroupLookupError('%s: element %d is empty; %s' % (option, index, EMPTY_OPTION_HINTS[option]))


def target_group_id(call, params):
    """The group the task is about: ``security_group_id`` as given, or the one found by name."""
    if params.get('security_group_id'):
        return params['security_group_id']
    return find_group_id(call, params['security_group_name'], params.get('vpc_id'))
