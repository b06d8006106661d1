"""The ECS actions: each handler gets the call and a store Transaction, and returns (body, applied).

The rule and describe actions live here, with the registry of every action; the group lifecycle,
tag, prefix list and port range list actions are in group_actions.py, tag_actions.py,
prefix_list_actions.py and port_range_list_actions.py.
"""

import json
import re

from .common import decode_token, encode_token, given, int_param, own_group, region
from .consistency import reads
from .errors import ApiError
from .group_actions import create_group, delete_group, modify_group_attribute, modify_group_policy
from .group_validation import check_tag_filter, indexed_tags
from .port_range_list_actions import (create_port_range_list, delete_port_range_list, describe_port_range_list_associations,
                                      describe_port_range_list_entries, describe_port_range_lists, modify_port_range_list)
from .prefix_list_actions import (create_prefix_list, delete_prefix_list, describe_prefix_list_associations,
                                  describe_prefix_list_attributes, describe_prefix_lists, modify_prefix_list)
from .store import PORT_RANGE_LISTS, PREFIX_LISTS, new_rule_id, now_iso
from .tag_actions import list_tag_resources, tag_resources, untag_resources
from .validation import EGRESS, INGRESS, RULE_FIELDS, identity, parse_rule, row_to_params

_PERMISSION_RE = re.compile(r'^Permissions\.(\d{1,4})\.([A-Za-z0-9]+)$')
_RULE_ID_RE = re.compile(r'^SecurityGroupRuleId\.(\d{1,4})$')
# Rules of a group, ingress and egress together; a rule over lists takes more than one (rule_costs).
RULE_LIMIT = 200


def _rule_getters(params):
    """Top-level rule (if any rule field is there, or no Permissions at all) then Permissions.N in numeric order."""
    permissions = {}
    for key, value in params.items():
        match = _PERMISSION_RE.match(key)
        if match:
            permissions.setdefault(int(match.group(1)), {})[match.group(2)] = value
    getters = []
    top_level = any(params.get(f) not in (None, '') for f in RULE_FIELDS if f != 'Description')
    if top_level or not permissions:
        getters.append(params.get)
    for _index, fields in sorted(permissions.items()):
        getters.append(fields.get)
    return getters


def _parse_batch(ctx, tx, group, direction):
    return [parse_rule(get, group, direction, tx) for get in _rule_getters(ctx.params)]


def _refuse_group_peers_on_enterprise_groups(group, rows, direction):
    # The AuthorizeSecurityGroup(Egress) documents: rules of advanced groups cannot reference groups.
    if group['group_type'] == 'enterprise' and any(row[direction.col['peer_group']] for row in rows):
        raise ApiError('InvalidSecurityGroupType.NotSupportEnterprise', variant='group_peer')


def rule_costs(tx, rows):
    """What each rule takes of its group's RULE_LIMIT.

    A prefix list is charged at its MaxEntries, not at the entries it holds (Limits page, note 3; VPC
    user guide), and so is a port range list (CreatePortRangeList, MaxEntries). The pages say nothing
    of a rule over both: it stands for every pair of a block and a port range, so it is charged the
    product (assumed). Each rule is charged on its own, even where several name one list (assumed).
    A list that no longer exists (a fixture may name one) counts as 1.
    """
    prefix_lists = tx.max_entries(PREFIX_LISTS, [r[c] for r in rows for c in PREFIX_LISTS.rule_columns])
    port_lists = tx.max_entries(PORT_RANGE_LISTS, [r['port_range_list_id'] for r in rows])
    costs = []
    for row in rows:
        cost = 1
        for column in PREFIX_LISTS.rule_columns:
            if row[column]:
                cost *= prefix_lists.get(row[column], 1)
        if row['port_range_list_id']:
            cost *= port_lists.get(row['port_range_list_id'], 1)
        costs.append(cost)
    return costs


def authorize(ctx, tx, direction):
    group = own_group(ctx, tx, write=True)
    rows = _parse_batch(ctx, tx, group, direction)
    _refuse_group_peers_on_enterprise_groups(group, rows, direction)
    existing = {identity(r, group['account_id']) for r in tx.rules(group['group_id'], direction.name)}
    new_rows = []
    for row in rows:
        key = identity(row, group['account_id'])
        if key not in existing:
            existing.add(key)
            new_rows.append(row)
    if not new_rows:
        return {'RequestId': ctx.request_id}, False
    if sum(rule_costs(tx, tx.rules(group['group_id']) + new_rows)) > RULE_LIMIT:
        raise ApiError('AuthorizationLimitExceed')
    created = now_iso()
    for row in new_rows:
        row.update({'rule_id': new_rule_id(), 'group_id': group['group_id'], 'create_time': created})
        tx.insert_rule(row)
    return {'RequestId': ctx.request_id}, True


def revoke(ctx, tx, direction):
    group = own_group(ctx, tx, write=True)
    rule_ids = [v for k, v in sorted(ctx.params.items()) if _RULE_ID_RE.match(k) and v]
    stored = tx.rules(group['group_id'], direction.name)
    if rule_ids:
        known = {r['rule_id'] for r in stored}
        missing = [r for r in rule_ids if r not in known]
        if missing:
            raise ApiError('InvalidSecurityGroupRuleId.NotFound')
        doomed = set(rule_ids)
    else:
        wanted = {identity(row, group['account_id']) for row in _parse_batch(ctx, tx, group, direction)}
        doomed = {r['rule_id'] for r in stored if identity(r, group['account_id']) in wanted}
    tx.delete_rules(sorted(doomed))
    return {'RequestId': ctx.request_id}, bool(doomed)


def modify(ctx, tx, direction):
    group = own_group(ctx, tx, write=True)
    rule_id = ctx.get('SecurityGroupRuleId')
    if not rule_id:
        raise ApiError('MissingParameter.SecurityGroupRuleId')
    stored = tx.rules(group['group_id'], direction.name)
    current = next((r for r in stored if r['rule_id'] == rule_id), None)
    if current is None:
        raise ApiError('InvalidSecurityGroupRuleId.NotFound')
    # ModifySecurityGroupRule: a rule over a port range list stays one, and a rule with a port range too; a
    # PortRange makes a PortRangeListId sent beside it ignored, as in Authorize.
    asks_ports = given(ctx, 'PortRange') is not None
    asks_list = given(ctx, 'PortRangeListId') is not None and not asks_ports
    if (asks_ports and current['port_range_list_id']) or (asks_list and not current['port_range_list_id']):
        raise ApiError('InvalidOperation.ModifyPortRangeType')
    merged = row_to_params(current, direction)
    # A new destination (or source range) replaces the old one as a whole rather than mixing with it.
    for names in (direction.peer_params(), direction.local_params()):
        if any(given(ctx, n) for n in names):
            for name in names:
                merged.pop(name, None)
    # Modify cannot delete a stored value (ModifySecurityGroupRule usage notes), so an empty field keeps it.
    for name in RULE_FIELDS:
        if given(ctx, name):
            merged[name] = ctx.get(name)
    row = parse_rule(merged.get, group, direction, tx)
    _refuse_group_peers_on_enterprise_groups(group, [row], direction)
    key = identity(row, group['account_id'])
    if any(r['rule_id'] != rule_id and identity(r, group['account_id']) == key for r in stored):
        raise ApiError('InvalidSecurityGroupRule.Duplicate')
    # Only a change that makes the rule dearer can take the group past its quota: one that keeps its lists
    # never does, even in a group a fixture filled past the limit.
    old_cost, new_cost = rule_costs(tx, [current, row])
    if new_cost > old_cost and sum(rule_costs(tx, tx.rules(group['group_id']))) - old_cost + new_cost > RULE_LIMIT:
        raise ApiError('AuthorizationLimitExceed', variant='modify')
    changed = any(value != current[column] for column, value in row.items())
    if changed:
        tx.update_rule(rule_id, row)
    return {'RequestId': ctx.request_id}, changed


def _shown_port_range(row):
    # What DescribeSecurityGroupAttribute shows as the PortRange of a rule over a port range list is not
    # documented; "-1/-1", the "any port" of the protocols without ports, is assumed.
    if row['port_range_list_id'] and not row['port_range']:
        return '-1/-1'
    return row['port_range']


def _permission(row, group_names, list_names, port_list_names):
    return {
        'SecurityGroupRuleId': row['rule_id'], 'Direction': row['direction'],
        'IpProtocol': row['ip_protocol'].upper(), 'PortRange': _shown_port_range(row),
        'SourcePortRange': row['source_port_range'], 'Policy': row['policy'].capitalize(),
        'Priority': str(row['priority']), 'NicType': row['nic_type'],
        'DestCidrIp': row['dest_cidr_ip'], 'Ipv6DestCidrIp': row['ipv6_dest_cidr_ip'],
        'DestGroupId': row['dest_group_id'], 'DestGroupName': group_names.get(row['dest_group_id'], ''),
        'DestGroupOwnerAccount': row['dest_group_owner_id'], 'DestPrefixListId': row['dest_prefix_list_id'],
        'DestPrefixListName': list_names.get(row['dest_prefix_list_id'], ''),
        'SourceCidrIp': row['source_cidr_ip'], 'Ipv6SourceCidrIp': row['ipv6_source_cidr_ip'],
        'SourceGroupId': row['source_group_id'], 'SourceGroupName': group_names.get(row['source_group_id'], ''),
        'SourceGroupOwnerAccount': row['source_group_owner_id'], 'SourcePrefixListId': row['source_prefix_list_id'],
        'SourcePrefixListName': list_names.get(row['source_prefix_list_id'], ''),
        'PortRangeListId': row['port_range_list_id'], 'PortRangeListName': port_list_names.get(row['port_range_list_id'], ''),
        'Description': row['description'], 'CreateTime': row['create_time'],
    }


def describe_attribute(ctx, tx):
    tx = reads(ctx, tx)
    group = own_group(ctx, tx, write=False)
    direction = (ctx.get('Direction') or 'all').lower()
    if direction not in ('all', 'egress', 'ingress'):
        raise ApiError('InvalidParameter.Direction')
    nic = (ctx.get('NicType') or '').lower()
    if nic not in ('', 'internet', 'intranet'):
        raise ApiError('InvalidNicType.ValueNotSupported')
    # VPC groups only have intranet rules; a classic group answers for one NIC type per call.
    nic = 'intranet' if group['vpc_id'] else (nic or 'internet')
    max_results = int_param(ctx, 'MaxResults', 500, 10, 1000, 'InvalidParameter.MaxResults')
    after = decode_token(ctx.get('NextToken')) if ctx.get('NextToken') else 0
    rows = tx.rule_page(group['group_id'], nic, None if direction == 'all' else direction, after, max_results + 1)
    next_token = ''
    if len(rows) > max_results:
        rows = rows[:max_results]
        next_token = encode_token(rows[-1]['seq'])
    group_names = tx.group_names({r['dest_group_id'] for r in rows} | {r['source_group_id'] for r in rows})
    list_names = tx.prefix_list_names({r['dest_prefix_list_id'] for r in rows} | {r['source_prefix_list_id'] for r in rows})
    port_list_names = tx.port_range_list_names({r['port_range_list_id'] for r in rows})
    return {
        'RequestId': ctx.request_id, 'RegionId': group['region_id'], 'SecurityGroupId': group['group_id'],
        'SecurityGroupName': group['name'], 'Description': group['description'], 'VpcId': group['vpc_id'] or '',
        'InnerAccessPolicy': group['inner_access_policy'], 'NextToken': next_token,
        'Permissions': {'Permission': [_permission(r, group_names, list_names, port_list_names) for r in rows]},
    }, False


def _security_group_ids_filter(ctx):
    ids_param = ctx.get('SecurityGroupIds')
    if not ids_param:
        return None
    try:
        group_ids = json.loads(ids_param)
    except ValueError as exc:
        raise ApiError('InvalidSecurityGroupIds.Malformed') from exc
    if not isinstance(group_ids, list) or not all(isinstance(i, str) for i in group_ids) or len(group_ids) > 100:
        raise ApiError('InvalidSecurityGroupIds.Malformed')
    return group_ids


def _group_summary(row, tags, tx):
    return {
        'SecurityGroupId': row['group_id'], 'SecurityGroupName': row['name'], 'Description': row['description'],
        'VpcId': row['vpc_id'] or '', 'SecurityGroupType': row['group_type'],
        'ServiceManaged': bool(row['service_managed']), 'RuleCount': tx.rule_count(row['group_id']),
        'GroupToGroupRuleCount': tx.group_to_group_rule_count(row['group_id']),
        'CreationTime': row['create_time'], 'ResourceGroupId': row['resource_group_id'],
        'Tags': {'Tag': [{'TagKey': key, 'TagValue': value} for key, value in tags]},
    }


def describe_groups(ctx, tx):
    tx = reads(ctx, tx)
    region_id = region(ctx, tx)
    group_ids = _security_group_ids_filter(ctx)
    equal = {column: ctx.get(param) for param, column in (('SecurityGroupId', 'group_id'), ('SecurityGroupName', 'name'),
                                                          ('VpcId', 'vpc_id'), ('SecurityGroupType', 'group_type'),
                                                          ('ResourceGroupId', 'resource_group_id'))
             if ctx.get(param)}
    tag_filter = check_tag_filter(indexed_tags(ctx.params))
    rows = tx.security_groups(ctx.account['account_id'], region_id, group_ids, (ctx.get('NetworkType') or '').lower(),
                              tags=tag_filter, **equal)
    total = len(rows)
    if ctx.get('MaxResults') or ctx.get('NextToken'):
        size = int_param(ctx, 'MaxResults', 10, 1, 100, 'InvalidParameter.MaxResults')
        after = decode_token(ctx.get('NextToken')) if ctx.get('NextToken') else 0
        rows = [r for r in rows if r['seq'] > after]
        page_rows = rows[:size]
        next_token = encode_token(page_rows[-1]['seq']) if len(rows) > size else ''
        page_number = 1
    else:
        page_number = int_param(ctx, 'PageNumber', 1, 1, 1000000, 'InvalidParameter.PageSize')
        size = int_param(ctx, 'PageSize', 10, 1, 100, 'InvalidParameter.PageSize')
        page_rows = rows[(page_number - 1) * size:page_number * size]
        next_token = ''
    tags = tx.group_tags(row['group_id'] for row in page_rows)
    groups = [_group_summary(row, tags.get(row['group_id'], []), tx) for row in page_rows]
    return {'RequestId': ctx.request_id, 'RegionId': region_id, 'TotalCount': total, 'PageNumber': page_number,
            'PageSize': size, 'NextToken': next_token, 'SecurityGroups': {'SecurityGroup': groups}}, False


# Writes whose SDK request model has no ClientToken field: a ClientToken sent anyway is ignored.
WITHOUT_CLIENT_TOKEN = frozenset(('DeleteSecurityGroup', 'ModifySecurityGroupAttribute', 'TagResources', 'UntagResources',
                                  'ModifyPrefixList', 'DeletePrefixList', 'DeletePortRangeList'))

# action -> (handler, is_write)
ACTIONS = {
    'AuthorizeSecurityGroupEgress': (lambda c, n: authorize(c, n, EGRESS), True),
    'RevokeSecurityGroupEgress': (lambda c, n: revoke(c, n, EGRESS), True),
    'ModifySecurityGroupEgressRule': (lambda c, n: modify(c, n, EGRESS), True),
    'AuthorizeSecurityGroup': (lambda c, n: authorize(c, n, INGRESS), True),
    'RevokeSecurityGroup': (lambda c, n: revoke(c, n, INGRESS), True),
    'ModifySecurityGroupRule': (lambda c, n: modify(c, n, INGRESS), True),
    'DescribeSecurityGroupAttribute': (describe_attribute, False),
    'DescribeSecurityGroups': (describe_groups, False),
    'CreateSecurityGroup': (create_group, True),
    'DeleteSecurityGroup': (delete_group, True),
    'ModifySecurityGroupAttribute': (modify_group_attribute, True),
    'ModifySecurityGroupPolicy': (modify_group_policy, True),
    'TagResources': (tag_resources, True),
    'UntagResources': (untag_resources, True),
    'ListTagResources': (list_tag_resources, False),
    'CreatePrefixList': (create_prefix_list, True),
    'ModifyPrefixList': (modify_prefix_list, True),
    'DeletePrefixList': (delete_prefix_list, True),
    'DescribePrefixLists': (describe_prefix_lists, False),
    'DescribePrefixListAttributes': (describe_prefix_list_attributes, False),
    'DescribePrefixListAssociations': (describe_prefix_list_associations, False),
    'CreatePortRangeList': (create_port_range_list, True),
    'ModifyPortRangeList': (modify_port_range_list, True),
    'DeletePortRangeList': (delete_port_range_list, True),
    'DescribePortRangeLists': (describe_port_range_lists, False),
    'DescribePortRangeListEntries': (describe_port_range_list_entries, False),
    'DescribePortRangeListAssociations': (describe_port_range_list_associations, False),
}
