"""DescribePrefixListAttributes: a prefix list of the caller with its entries."""

from .common import given, region
from .errors import ApiError


def describe_prefix_list_attributes(ctx, tx):
    region_id = region(ctx, tx)
    prefix_list_id = given(ctx, 'PrefixListId')
    if prefix_list_id is None:
        raise ApiError('MissingParameter.PrefixListId')
    # Another account's list, or one in another region, is as unknown as a list that does not exist.
    plist = tx.find_prefix_list(prefix_list_id, ctx.account['account_id'], region_id)
    if plist is None:
        raise ApiError('InvalidPrefixListId.NotFound')
    entries = [{'Cidr': row['cidr'], 'Description': row['description']} for row in tx.prefix_list_entries(prefix_list_id)]
    return {
        'RequestId': ctx.request_id, 'PrefixListId': plist['prefix_list_id'], 'PrefixListName': plist['name'],
        'AddressFamily': plist['address_family'], 'MaxEntries': plist['max_entries'], 'Description': plist['description'],
        'CreationTime': plist['create_time'], 'Entries': {'Entry': entries},
    }, False
