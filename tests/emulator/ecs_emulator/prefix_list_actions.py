"""Prefix lists: CreatePrefixList, ModifyPrefixList, DeletePrefixList, DescribePrefixLists,
DescribePrefixListAttributes and DescribePrefixListAssociations.

Each handler gets the call and a store Transaction and returns (body, applied); what they share with
the port range list actions is in entry_lists.py. Lists are read as they are now, whatever the
consistency lag (README.md, Consistency lag).
"""

from .entry_lists import (ListApi, canonical_cidr, create_list, delete_list, missing, modify_list, own_list, page_of_associations,
                          page_of_lists)
from .errors import ApiError
from .store import PREFIX_LISTS, new_prefix_list_id

ADDRESS_FAMILIES = ('IPv4', 'IPv6')
# DescribePrefixListAssociations' document shows the type in lower case (DescribePortRangeListAssociations: SecurityGroup).
ASSOCIATED_RESOURCE_TYPE = 'securitygroup'


def _address_family(ctx):
    """CreatePrefixList's AddressFamily, required: exactly IPv4 or IPv6 (the spelling of the document's message)."""
    family = ctx.get('AddressFamily')
    if family in (None, ''):
        raise missing('AddressFamily')
    if family not in ADDRESS_FAMILIES:
        raise ApiError('InvalidParameter.AddressFamily')
    return {'address_family': family}


def _address_family_filter(ctx):
    """DescribePrefixLists' AddressFamily: empty means both families."""
    family = ctx.get('AddressFamily')
    if family in (None, ''):
        return {}
    if family not in ADDRESS_FAMILIES:
        raise ApiError('InvalidParameter.AddressFamily')
    return {'address_family': family}


PREFIX_LIST_API = ListApi(
    PREFIX_LISTS, id_param='PrefixListId', name_param='PrefixListName', value_field='Cidr', noun='prefix list',
    value_noun='CIDR block', new_id=new_prefix_list_id, max_entries_limit=200, quota=100, canonical=canonical_cidr,
    own_parameters=_address_family, own_filters=_address_family_filter,
    codes={
        'missing_id': ('MissingParameter.PrefixListId', None),
        'not_found': ('InvalidPrefixListId.NotFound', None),
        'bad_name': ('InvalidParameter.PrefixListName', None),
        'bad_description': ('InvalidDescription.Malformed', 'prefix_list'),
        'bad_max_entries': ('InvalidParameter', None),
        'max_entries_above_limit': ('InvalidParameter', None),
        'entry_without_value': ('MissingParameter', None),
        'duplicate': ('InvalidParameter.CidrDuplicated', None),
        'too_many_in_call': ('LimitExceed.Entry', None),
        'too_many_on_create': ('LimitExceed.MaxEntries', None),
        'too_many_on_modify': ('LimitExceed.MaxEntries', None),
        'quota': ('LimitExceed.PrefixListPerRegion', None),
        'in_use': ('NotAllowed.AssociationExist', None),
        'too_many_ids': ('LimitExceed.PrefixListId', None),
    })


def create_prefix_list(ctx, tx):
    return create_list(PREFIX_LIST_API, ctx, tx)


def modify_prefix_list(ctx, tx):
    return modify_list(PREFIX_LIST_API, ctx, tx)


def delete_prefix_list(ctx, tx):
    return delete_list(PREFIX_LIST_API, ctx, tx)


def describe_prefix_lists(ctx, tx):
    lists, next_token = page_of_lists(PREFIX_LIST_API, ctx, tx)
    return {
        'RequestId': ctx.request_id, 'NextToken': next_token,
        'PrefixLists': {'PrefixList': [{
            'PrefixListId': plist['id'], 'PrefixListName': plist['name'], 'Description': plist['description'],
            'AddressFamily': plist['address_family'], 'MaxEntries': plist['max_entries'],
            'AssociationCount': plist['association_count'], 'CreationTime': plist['create_time'],
            'ResourceGroupId': plist['resource_group_id'],
            'Tags': {'Tag': [{'TagKey': key, 'TagValue': value} for key, value in plist['tags']]},
        } for plist in lists]},
    }, False


def describe_prefix_list_attributes(ctx, tx):
    plist = own_list(PREFIX_LIST_API, ctx, tx)
    entries = [{'Cidr': row['value'], 'Description': row['description']} for row in tx.entries(PREFIX_LISTS, plist['id'])]
    return {
        'RequestId': ctx.request_id, 'PrefixListId': plist['id'], 'PrefixListName': plist['name'],
        'AddressFamily': plist['address_family'], 'MaxEntries': plist['max_entries'], 'Description': plist['description'],
        'CreationTime': plist['create_time'], 'Entries': {'Entry': entries},
    }, False


def describe_prefix_list_associations(ctx, tx):
    group_ids, next_token = page_of_associations(PREFIX_LIST_API, ctx, tx)
    return {
        'RequestId': ctx.request_id, 'NextToken': next_token,
        'PrefixListAssociations': {'PrefixListAssociation': [
            {'ResourceId': group_id, 'ResourceType': ASSOCIATED_RESOURCE_TYPE} for group_id in group_ids]},
    }, False
