"""What the prefix list and port range list actions share.

Both kinds are lists of entries (a CIDR block or a port range, each with a description) with a
MaxEntries fixed at creation, and the API treats them alike: Create with entries, Modify that adds,
changes and removes entries in one call, Delete refused while security groups use the list, a
paged Describe with filters, and a paged list of associations. They differ in parameter names,
limits, error codes and answer shapes: a ListApi holds what differs, the functions here the rest.
Each function gets the call and a store Transaction; the action modules shape the answers.
"""

import re
import string

from .common import decode_token, encode_token, given, region
from .errors import ApiError
from .group_validation import check_tag_filter, check_tags, indexed_tags, indexed_values
from .store import now_iso
from .validation import parse_ipv4, parse_ipv6

# Entry.N, AddEntry.N and RemoveEntry.N: N is 0..200 in every request model (per list of a call, assumed).
ENTRIES_PER_CALL = 200
# PrefixListId.N and PortRangeListId.N of the Describe actions: N is 0..100.
IDS_PER_DESCRIBE = 100
# MaxResults of the Describe actions: at most 100, 10 by default.
MAX_RESULTS_LIMIT = 100
DEFAULT_MAX_RESULTS = 10

_NAME_PUNCTUATION = ':_.-'
# A name must not look like a URL or like the names of the cloud's own (system) lists.
_RESERVED_NAME_PREFIXES = ('http://', 'https://', 'com.aliyun', 'com.alibabacloud')
_URL_PREFIXES = ('http://', 'https://')
_PORT_RANGE_RE = re.compile(r'^(\d{1,5})/(\d{1,5})$')
_FAMILY_VERSIONS = {'IPv4': 4, 'IPv6': 6}


class ListApi:  # pylint: disable=too-many-instance-attributes,too-few-public-methods
    """One kind of list as the API speaks of it.

    `kind` is the store's ListKind; `id_param` and `name_param` the request's names of the list id
    and name, `value_field` the name of an entry's value (`Cidr`, `PortRange`); `noun` and
    `value_noun` name the list and an entry's value in messages; `new_id` makes an id;
    `max_entries_limit` is the largest MaxEntries, `quota` how many lists an account may have in a
    region. `canonical(value, owner)` returns an entry value as stored or raises, `owner` being the
    list (or the new list's own columns); `own_parameters(ctx)` reads and checks the Create
    parameters only this kind has (returned as columns), `own_filters(ctx)` the Describe filters
    only this kind has. `codes` maps each refusal to (code, variant).
    """

    # Keyword-only, one per thing that differs between the two kinds of list: a table of settings, named at the call.
    def __init__(self, kind, *, id_param, name_param, value_field, noun, value_noun, new_id,  # pylint: disable=too-many-arguments
                 max_entries_limit, quota, canonical, own_parameters, own_filters, codes):
        self.kind = kind
        self.id_param = id_param
        self.name_param = name_param
        self.value_field = value_field
        self.noun = noun
        self.value_noun = value_noun
        self.new_id = new_id
        self.max_entries_limit = max_entries_limit
        self.quota = quota
        self.canonical = canonical
        self.own_parameters = own_parameters
        self.own_filters = own_filters
        self.codes = codes

    def fail(self, refusal, detail=None):
        code, variant = self.codes[refusal]
        raise ApiError(code, detail, variant=variant)

    def stored_key(self, value, owner):
        """What a stored entry value is compared by: its canonical form, or the value itself when the
        fixture stored one that is not valid (fixture entries are stored as given)."""
        try:
            return self.canonical(value, owner)
        except ApiError:
            return value


def missing(name):
    return ApiError('MissingParameter', 'The input parameter "%s" that is mandatory for processing this request is not supplied.' % name)


def canonical_cidr(value, owner):
    """A prefix list entry as stored: a CIDR block of the list's family, in canonical form.

    A bare address becomes a /32 (or /128) block and IPv6 is written compressed in lower case (SDK
    model); a block with host bits set (10.0.0.1/8) is refused (ModifyPrefixList usage notes).
    """
    shown = value[:64]
    parsed = parse_ipv4(value)
    if parsed is None:
        parsed = parse_ipv6(value)[0]
    if parsed is None:
        raise ApiError('InvalidParameter.CidrMalformed', 'The specified CIDR block "%s" is not valid.' % shown)
    family = owner['address_family']
    if parsed.version != _FAMILY_VERSIONS[family]:
        raise ApiError('InvalidParameter.CidrMalformed',
                       'The CIDR block "%s" does not belong to the address family %s of the prefix list.' % (shown, family))
    network = parsed.network
    if parsed.ip != network.network_address:
        raise ApiError('InvalidParameter.CidrMalformed', 'The CIDR block "%s" has host bits set; its network is %s.' % (shown, network))
    return str(network)


def canonical_port_range(value, _owner):
    """A port range list entry as stored: `low/high` with 1 <= low <= high <= 65535, without leading zeros."""
    match = _PORT_RANGE_RE.match(value)
    if not match:
        raise ApiError('InvalidParameter.PortRange')
    low, high = int(match.group(1)), int(match.group(2))
    if not 1 <= low <= high <= 65535:
        raise ApiError('InvalidParameter.PortRange')
    return '%d/%d' % (low, high)


def check_list_name(api, value):
    """A name to store, or None when none was given (absent or empty)."""
    if value in (None, ''):
        return None
    valid = (2 <= len(value) <= 128 and value[0].isalpha() and not value.startswith(_RESERVED_NAME_PREFIXES)
             and all(ch.isalpha() or ch in string.digits or ch in _NAME_PUNCTUATION for ch in value))
    if not valid:
        api.fail('bad_name')
    return value


def _check_description(api, value, longest):
    if value in (None, ''):
        return None
    if not 2 <= len(value) <= longest or value.startswith(_URL_PREFIXES):
        api.fail('bad_description')
    return value


def check_list_description(api, value):
    """The list's description (2..256 characters), or None when none was given."""
    return _check_description(api, value, 256)


def check_entry_description(api, value):
    """An entry's description (2..32 characters), `""` when none was given."""
    return _check_description(api, value, 32) or ''


def indexed_entries(params, prefix):
    """[(N, {field: value})] of the `prefix.N.Field` parameters, N in numeric order.

    Empty fields are left out, and an N whose fields are all empty is no entry at all: clients
    send empty fields for "not set".
    """
    pattern = re.compile(r'^%s\.(\d{1,4})\.([A-Za-z]+)$' % re.escape(prefix))
    groups = {}
    for key, value in params.items():
        match = pattern.match(key)
        if match and value not in (None, ''):
            groups.setdefault(int(match.group(1)), {})[match.group(2)] = value
    return sorted(groups.items())


def parse_entries(api, params, prefix, owner, with_description=True):
    """The entries `prefix.N` names, as [(canonical value, description)] in request order.

    Checked in order: how many there are, then each entry (its value given, its value, its
    description), a value given twice refused when it comes the second time.
    """
    groups = indexed_entries(params, prefix)
    if len(groups) > ENTRIES_PER_CALL:
        api.fail('too_many_in_call')
    parsed, seen = [], set()
    for index, fields in groups:
        raw = fields.get(api.value_field)
        if raw is None:
            api.fail('entry_without_value', 'The input parameter "%s.%d.%s" that is mandatory for processing this request is not supplied.'
                     % (prefix, index, api.value_field))
        value = api.canonical(raw, owner)
        description = check_entry_description(api, fields.get('Description')) if with_description else ''
        if value in seen:
            api.fail('duplicate', 'The %s "%s" is given more than once.' % (api.value_noun, value))
        seen.add(value)
        parsed.append((value, description))
    return parsed


def _max_entries(api, ctx):
    raw = ctx.get('MaxEntries')
    if raw in (None, ''):
        raise missing('MaxEntries')
    detail = 'The specified MaxEntries "%s" is not valid: it must be a whole number from 1 to %d.' % (raw[:32], api.max_entries_limit)
    if not re.match(r'^\d{1,9}$', raw) or int(raw) < 1:
        api.fail('bad_max_entries', detail)
    if int(raw) > api.max_entries_limit:
        api.fail('max_entries_above_limit', detail)
    return int(raw)


def own_list(api, ctx, tx):
    """The caller's list named by the id parameter in RegionId; another account's or region's list is not found."""
    region_id = region(ctx, tx)
    list_id = given(ctx, api.id_param)
    if list_id is None:
        api.fail('missing_id')
    found = tx.find_list(api.kind, list_id, ctx.account['account_id'], region_id)
    if found is None:
        api.fail('not_found')
    return found


def create_list(api, ctx, tx):
    region_id = region(ctx, tx)
    account_id = ctx.account['account_id']
    name = check_list_name(api, ctx.get(api.name_param))
    if name is None:
        raise missing(api.name_param)
    own_values = api.own_parameters(ctx)
    max_entries = _max_entries(api, ctx)
    description = check_list_description(api, ctx.get('Description')) or ''
    entries = parse_entries(api, ctx.params, 'Entry', own_values)
    if len(entries) > max_entries:
        api.fail('too_many_on_create')
    tags = check_tags(indexed_tags(ctx.params))
    if tx.list_count(api.kind, account_id, region_id) >= api.quota:
        api.fail('quota')
    list_id = api.new_id()
    row = dict(own_values, region_id=region_id, account_id=account_id, name=name, description=description,
               max_entries=max_entries, create_time=now_iso(), resource_group_id=given(ctx, 'ResourceGroupId') or '')
    tx.insert_list(api.kind, list_id, row, entries, tags)
    return {'RequestId': ctx.request_id, api.id_param: list_id}, True


def _planned_entry_changes(api, ctx, tx, plist):
    """The checked AddEntry.N and RemoveEntry.N of a Modify: (additions [(value, description)], removed values,
    {canonical value: stored entry}); raises on the first thing wrong."""
    additions = parse_entries(api, ctx.params, 'AddEntry', plist)
    removals = [value for value, _description in parse_entries(api, ctx.params, 'RemoveEntry', plist, with_description=False)]
    added_values = {value for value, _description in additions}
    both = next((value for value in removals if value in added_values), None)
    if both is not None:
        api.fail('duplicate', 'The %s "%s" is both added and removed.' % (api.value_noun, both))
    stored = {api.stored_key(row['value'], plist): row for row in tx.entries(api.kind, plist['id'])}
    absent = next((value for value in removals if value not in stored), None)
    if absent is not None:
        raise ApiError('InvalidParameter', 'The %s "%s" is not an entry of the %s.' % (api.value_noun, absent, api.noun))
    new_count = len([value for value in added_values if value not in stored])
    # Removals count first, so a full list can swap entries in one call (assumed).
    if len(stored) - len(removals) + new_count > plist['max_entries']:
        api.fail('too_many_on_modify')
    return additions, removals, stored


def modify_list(api, ctx, tx):
    """Rename, describe, and add, change and remove entries, all or nothing; returns (body, whether anything changed)."""
    plist = own_list(api, ctx, tx)
    list_id = plist['id']
    # An absent or empty name or description is left as it is: the request models say nothing of clearing them.
    wanted = {'name': check_list_name(api, ctx.get(api.name_param)), 'description': check_list_description(api, ctx.get('Description'))}
    additions, removals, stored = _planned_entry_changes(api, ctx, tx, plist)

    changes = {column: value for column, value in wanted.items() if value is not None and value != plist[column]}
    if changes:
        tx.update_list(api.kind, list_id, changes)
    for value in removals:
        tx.delete_entry(api.kind, list_id, stored[value]['value'])
    changed_entries = 0
    for value, entry_description in additions:
        current = stored.get(value)
        if current is None:
            tx.insert_entry(api.kind, list_id, value, entry_description)
        elif current['description'] != entry_description:
            # AddEntry with a CIDR (or port range) the list holds gives that entry the description sent.
            tx.update_entry(api.kind, list_id, current['value'], entry_description)
        else:
            continue
        changed_entries += 1
    return {'RequestId': ctx.request_id}, bool(changes or removals or changed_entries)


def delete_list(api, ctx, tx):
    plist = own_list(api, ctx, tx)
    if tx.associations(api.kind, plist['id'], limit=1):
        api.fail('in_use')
    tx.delete_list(api.kind, plist['id'])
    return {'RequestId': ctx.request_id}, True


def _page_size(ctx):
    """MaxResults; common.int_param's codes carry no message, and these pages document InvalidParameter `%s`."""
    value = ctx.get('MaxResults')
    if value in (None, ''):
        return DEFAULT_MAX_RESULTS
    if not re.match(r'^\d{1,7}$', value) or not 1 <= int(value) <= MAX_RESULTS_LIMIT:
        raise ApiError('InvalidParameter', 'The specified parameter "MaxResults" is not valid: it must be from 1 to %d.' % MAX_RESULTS_LIMIT)
    return int(value)


def _one_page(ctx, rows):
    """The page of `rows` (in `seq` order) that MaxResults and NextToken ask for, and the next page's token ('' on the last)."""
    size = _page_size(ctx)
    after = decode_token(ctx.get('NextToken')) if ctx.get('NextToken') else 0
    rows = [row for row in rows if row['seq'] > after]
    if len(rows) > size:
        rows = rows[:size]
        return rows, encode_token(rows[-1]['seq'])
    return rows, ''


def page_of_lists(api, ctx, tx):
    """One page of the caller's lists in RegionId that pass every filter; returns (lists, next token).

    Each list is its row plus `tags` [(key, value)] and `association_count`.
    """
    region_id = region(ctx, tx)
    list_ids = indexed_values(ctx.params, api.id_param)
    if len(list_ids) > IDS_PER_DESCRIBE:
        api.fail('too_many_ids')
    equal = api.own_filters(ctx)
    # Names are matched exactly (assumed: the documents do not say).
    for param, column in ((api.name_param, 'name'), ('ResourceGroupId', 'resource_group_id')):
        if given(ctx, param) is not None:
            equal[column] = ctx.get(param)
    tag_filter = check_tag_filter(indexed_tags(ctx.params))
    rows, next_token = _one_page(ctx, tx.lists(api.kind, ctx.account['account_id'], region_id, list_ids or None, tags=tag_filter, **equal))
    tags = tx.list_tags(row['id'] for row in rows)
    return [dict(row, tags=tags.get(row['id'], []), association_count=tx.association_count(api.kind, row['id'])) for row in rows], next_token


def page_of_associations(api, ctx, tx):
    """One page of the ids of the security groups whose rules use the caller's list; returns (group ids, next token)."""
    plist = own_list(api, ctx, tx)
    rows, next_token = _one_page(ctx, tx.associations(api.kind, plist['id']))
    return [row['group_id'] for row in rows], next_token
