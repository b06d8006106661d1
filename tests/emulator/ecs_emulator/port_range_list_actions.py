"""Port range lists ("port lists"): CreatePortRangeList, ModifyPortRangeList, DeletePortRangeList,
DescribePortRangeLists, DescribePortRangeListEntries and DescribePortRangeListAssociations.

Each handler gets the call and a store Transaction and returns (body, applied); what they share with
the prefix list actions is in entry_lists.py. Unlike the prefix list answers, these put their
arrays straight under their keys, without wrapper objects (SDK response models). A group is
associated with a list while any of its rules (made through the rule actions or seeded by the
fixture) names the list as PortRangeListId.
"""

from .entry_lists import (ListApi, canonical_port_range, create_list, delete_list, modify_list, own_list, page_of_associations,
                          page_of_lists)
from .store import PORT_RANGE_LISTS, new_port_range_list_id

# The only type DescribePortRangeListAssociations' response model names (the prefix list one is in lower case).
ASSOCIATED_RESOURCE_TYPE = 'SecurityGroup'


def _no_own_columns(_ctx):
    """Port range lists have no parameter or filter of their own (no address family)."""
    return {}


PORT_RANGE_LIST_API = ListApi(
    PORT_RANGE_LISTS, id_param='PortRangeListId', name_param='PortRangeListName', value_field='PortRange',
    noun='port range list', value_noun='port range', new_id=new_port_range_list_id, max_entries_limit=2000, quota=100,
    canonical=canonical_port_range, own_parameters=_no_own_columns, own_filters=_no_own_columns,
    codes={
        'missing_id': ('MissingParameter.PortRangeListId', None),
        'not_found': ('InvalidPortRangeListId.NotFound', None),
        'bad_name': ('InvalidParameter.PortRangeListName', None),
        'bad_description': ('InvalidDescription.Malformed', 'port_range_list'),
        'bad_max_entries': ('InvalidParameter', None),
        'max_entries_above_limit': ('InvalidOperation.MaxEntriesCountExceed', None),
        'entry_without_value': ('InvalidParam.Entry', None),
        'duplicate': ('InvalidParameter.PortRangeDuplicated', None),
        'too_many_in_call': ('LimitExceed.Entry', None),
        # The document lists two codes for an overfull list; the one that speaks of "the specified
        # PortRangeList" is taken for Modify, which names an existing list (assumed).
        'too_many_on_create': ('InvalidOperation.EntryCountExceedMaxEntries', None),
        'too_many_on_modify': ('LimitExceed.MaxEntries', 'port_range_list'),
        'quota': ('InvalidOperation.MaxCountExceed', None),
        'in_use': ('InvalidPortRangeListId.AssociationExist', None),
        'too_many_ids': ('LimitExceed.PortRangeListId', None),
    })


def create_port_range_list(ctx, tx):
    return create_list(PORT_RANGE_LIST_API, ctx, tx)


def modify_port_range_list(ctx, tx):
    return modify_list(PORT_RANGE_LIST_API, ctx, tx)


def delete_port_range_list(ctx, tx):
    return delete_list(PORT_RANGE_LIST_API, ctx, tx)


def describe_port_range_lists(ctx, tx):
    lists, next_token = page_of_lists(PORT_RANGE_LIST_API, ctx, tx)
    return {
        'RequestId': ctx.request_id, 'NextToken': next_token,
        'PortRangeLists': [{
            'PortRangeListId': plist['id'], 'PortRangeListName': plist['name'], 'Description': plist['description'],
            'MaxEntries': plist['max_entries'], 'AssociationCount': plist['association_count'],
            'CreationTime': plist['create_time'], 'ResourceGroupId': plist['resource_group_id'],
            'Tags': [{'TagKey': key, 'TagValue': value} for key, value in plist['tags']],
        } for plist in lists],
    }, False


def describe_port_range_list_entries(ctx, tx):
    plist = own_list(PORT_RANGE_LIST_API, ctx, tx)
    entries = [{'PortRange': row['value'], 'Description': row['description']} for row in tx.entries(PORT_RANGE_LISTS, plist['id'])]
    return {'RequestId': ctx.request_id, 'Entries': entries}, False


def describe_port_range_list_associations(ctx, tx):
    group_ids, next_token = page_of_associations(PORT_RANGE_LIST_API, ctx, tx)
    return {
        'RequestId': ctx.request_id, 'NextToken': next_token,
        'PortRangeListAssociations': [{'ResourceId': group_id, 'ResourceType': ASSOCIATED_RESOURCE_TYPE} for group_id in group_ids],
    }, False
