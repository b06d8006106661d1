"""The life of a security group: CreateSecurityGroup, DeleteSecurityGroup, ModifySecurityGroupAttribute,
ModifySecurityGroupPolicy. Each handler gets the call and a store Transaction and returns (body, applied).
"""

from .common import given, own_group, region
from .errors import ApiError
from .group_validation import (DEFAULT_INNER_ACCESS_POLICY, check_group_description, check_group_name, check_group_type,
                               check_inner_access_policy, check_tags, indexed_tags)
from .store import new_group_id, now_iso


def create_group(ctx, tx):
    region_id = region(ctx, tx)
    account_id = ctx.account['account_id']
    name = check_group_name(ctx.get('SecurityGroupName'))
    description = check_group_description(ctx.get('Description'), 'InvalidDescription.Malformed')
    group_type = check_group_type(ctx.get('SecurityGroupType'))
    tags = check_tags(indexed_tags(ctx.params))
    vpc_id = given(ctx, 'VpcId')
    if vpc_id is None:
        # The classic network is retired: a group without a VPC goes to the region's default VPC.
        vpc_id = tx.default_vpc(account_id, region_id)
        if vpc_id is None:
            raise ApiError('InvalidVpcId.NotFound', variant='empty')
    elif not tx.vpc_exists(account_id, region_id, vpc_id):
        raise ApiError('InvalidVpcId.NotFound')
    if tx.group_count(account_id, region_id) >= tx.security_group_quota(account_id):
        raise ApiError('QuotaExceed.SecurityGroup')
    group_id = new_group_id()
    tx.insert_group({
        'group_id': group_id, 'region_id': region_id, 'account_id': account_id, 'name': name or '',
        'description': description or '', 'vpc_id': vpc_id, 'service_managed': 0, 'group_type': group_type,
        'create_time': now_iso(), 'inner_access_policy': DEFAULT_INNER_ACCESS_POLICY[group_type],
        'resource_group_id': given(ctx, 'ResourceGroupId') or '',
    })
    tx.set_tags(group_id, tags)
    return {'RequestId': ctx.request_id, 'SecurityGroupId': group_id}, True


def _holders(label, ids):
    return '%s: %s.' % (label, ', '.join(ids))


def delete_group(ctx, tx):
    group = own_group(ctx, tx, write=True)
    group_id = group['group_id']
    # Checked in this order, and each refusal names what holds the group, so that a caller knows what to release.
    instances = tx.group_members(group_id, 'instance')
    interfaces = tx.group_members(group_id, 'network_interface')
    if instances:
        detail = _holders('Instances', instances) + (' ' + _holders('Network interfaces', interfaces) if interfaces else '')
        raise ApiError('DependencyViolation', detail, variant='instances')
    if interfaces:
        raise ApiError('DependencyViolation', _holders('Network interfaces', interfaces), variant='network_interfaces')
    referencing = tx.groups_referencing(group_id)
    if referencing:
        raise ApiError('DependencyViolation', _holders('Referenced by the rules of', referencing), variant='referenced')
    tx.delete_group(group_id)
    return {'RequestId': ctx.request_id}, True


def modify_group_attribute(ctx, tx):
    group = own_group(ctx, tx, write=True)
    wanted = {
        'name': check_group_name(ctx.get('SecurityGroupName')),
        'description': check_group_description(ctx.get('Description'), 'InvalidSecurityGroupDiscription.Malformed', 'group'),
    }
    # An absent (or empty) attribute is left as it is: the request models say "not modified".
    changes = {column: value for column, value in wanted.items() if value is not None and value != group[column]}
    if changes:
        tx.update_group(group['group_id'], changes)
    return {'RequestId': ctx.request_id}, bool(changes)


def modify_group_policy(ctx, tx):
    group = own_group(ctx, tx, write=True)
    policy = check_inner_access_policy(ctx.get('InnerAccessPolicy'))
    if group['group_type'] == 'enterprise':
        raise ApiError('InvalidSecurityGroupType.NotSupportEnterprise', variant='policy')
    changed = policy != group['inner_access_policy']
    if changed:
        tx.update_group(group['group_id'], {'inner_access_policy': policy})
    return {'RequestId': ctx.request_id}, changed
