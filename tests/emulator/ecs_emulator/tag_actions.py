"""TagResources, UntagResources and ListTagResources, for the one taggable resource the emulator has: security groups.

Each handler gets the call and a store Transaction and returns (body, applied). The tag actions have
error codes of their own (MissingParameter.RegionId rather than MissingRegionId, for instance): those
of their documents' tables.
"""

from .common import decode_token, encode_token, int_param, region
from .consistency import reads
from .errors import ApiError
from .group_validation import (SECURITY_GROUP_RESOURCE_TYPE, TAGS_PER_REQUEST, TAGS_PER_RESOURCE, check_resource_ids,
                               check_resource_type, check_tag_filter, check_tags, indexed_tags, indexed_values)


def _tag_region(ctx, tx):
    return region(ctx, tx, missing_code='MissingParameter.RegionId')


def _named_groups(ctx, tx, region_id, resource_type, resource_ids):
    """The distinct resource ids, in request order, after checking that each is one of the caller's groups there."""
    resource_ids = list(dict.fromkeys(resource_ids))
    # Other resource types are valid names, but the emulator holds no such resources.
    if resource_type != SECURITY_GROUP_RESOURCE_TYPE:
        raise ApiError('InvalidResourceId.NotFound')
    found = tx.security_groups(ctx.account['account_id'], region_id, group_ids=resource_ids)
    if len(found) != len(resource_ids):
        raise ApiError('InvalidResourceId.NotFound')
    return resource_ids


def tag_resources(ctx, tx):
    region_id = _tag_region(ctx, tx)
    resource_type = check_resource_type(ctx.get('ResourceType'))
    resource_ids = check_resource_ids(indexed_values(ctx.params, 'ResourceId'), required=True)
    pairs = indexed_tags(ctx.params)
    if not pairs:
        raise ApiError('MissingParameter.Tags')
    tags = check_tags(pairs, variant='tag_api')
    group_ids = _named_groups(ctx, tx, region_id, resource_type, resource_ids)
    current = tx.group_tags(group_ids)
    # Every resource is checked before any is tagged, so that a refused call changes nothing.
    for group_id in group_ids:
        keys = {key for key, _value in current.get(group_id, [])} | {key for key, _value in tags}
        if len(keys) > TAGS_PER_RESOURCE:
            raise ApiError('OperationDenied.QuotaExceed')
    changed = False
    for group_id in group_ids:
        changed = tx.set_tags(group_id, tags) or changed
    return {'RequestId': ctx.request_id}, changed


def _all_flag(value):
    if value in (None, ''):
        return False
    if value.lower() not in ('true', 'false'):
        raise ApiError('InvalidParameter.All')
    return value.lower() == 'true'


def untag_resources(ctx, tx):
    region_id = _tag_region(ctx, tx)
    resource_type = check_resource_type(ctx.get('ResourceType'))
    resource_ids = check_resource_ids(indexed_values(ctx.params, 'ResourceId'), required=True)
    keys = list(dict.fromkeys(indexed_values(ctx.params, 'TagKey')))
    if len(keys) > TAGS_PER_REQUEST:
        raise ApiError('NumberExceed.Tags')
    remove_all = _all_flag(ctx.get('All'))
    group_ids = _named_groups(ctx, tx, region_id, resource_type, resource_ids)
    removed = 0
    # All applies only when no TagKey.N is given (request model); neither given removes nothing.
    if keys or remove_all:
        for group_id in group_ids:
            removed += tx.remove_tags(group_id, keys or None)
    return {'RequestId': ctx.request_id}, removed > 0


def list_tag_resources(ctx, tx):
    tx = reads(ctx, tx)
    region_id = _tag_region(ctx, tx)
    resource_type = check_resource_type(ctx.get('ResourceType'))
    resource_ids = check_resource_ids(indexed_values(ctx.params, 'ResourceId'), required=False)
    if any(name.startswith('TagFilter.') for name in ctx.params):
        raise ApiError('InvalidParameter.TagFilter')
    tag_filter = check_tag_filter(indexed_tags(ctx.params))
    if not resource_ids and not tag_filter:
        raise ApiError('MissingParameter.Tags')
    max_results = int_param(ctx, 'MaxResults', 50, 1, 1000, 'InvalidParameter.MaxResults')
    after = decode_token(ctx.get('NextToken')) if ctx.get('NextToken') else 0
    rows = []
    if resource_type == SECURITY_GROUP_RESOURCE_TYPE:
        # A query, not a change: ids that name no group of the caller simply match nothing.
        groups = tx.security_groups(ctx.account['account_id'], region_id, group_ids=resource_ids or None, tags=tag_filter)
        rows = tx.tag_page([group['group_id'] for group in groups], after, max_results + 1)
    next_token = ''
    if len(rows) > max_results:
        rows = rows[:max_results]
        next_token = encode_token(rows[-1]['seq'])
    return {
        'RequestId': ctx.request_id, 'NextToken': next_token,
        'TagResources': {'TagResource': [{'ResourceId': row['group_id'], 'ResourceType': SECURITY_GROUP_RESOURCE_TYPE,
                                          'TagKey': row['tag_key'], 'TagValue': row['tag_value']} for row in rows]},
    }, False
