# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Prefix lists and port range lists as data: their two kinds, their entries, plans of entry changes and batches.

Both kinds are lists of entries (a CIDR block or a port range, each with a description) whose MaxEntries is
fixed when the list is created; the API names and shapes them differently, and a ListKind holds what differs.
Nothing here talks to Ansible or to the network: the functions take and return plain values, raise RuleError
naming the option the user wrote, and build the query parameters of the writes.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field, replace

from ansible_collections.alicloud.ecs.plugins.module_utils._group_model import validate_group_description, validate_group_name
from ansible_collections.alicloud.ecs.plugins.module_utils._values import RuleError, text_or_none, whole_number

# Entry.N, AddEntry.N and RemoveEntry.N take at most this many entries each (the request models: N is 0..200).
ENTRIES_PER_CALL = 200
ENTRY_DESCRIPTION_MAX_LENGTH = 32
# Names of the cloud's own lists: the request models forbid them for a user's list.
RESERVED_NAME_PREFIXES = ('com.aliyun', 'com.alibabacloud')
ADDRESS_FAMILIES = ('IPv4', 'IPv6')
_URL_PREFIX = re.compile(r'^https?://', re.IGNORECASE)
_PORT_RANGE = re.compile(r'^\s*(\d+)\s*(?:[/-]\s*(\d+)\s*)?$')


@dataclass(frozen=True)
class ListKind:
    """How the API and the modules name one kind of list.

    The answers differ in shape as well as names: prefix lists wrap their arrays in objects
    (``PrefixLists.PrefixList``), port range lists do not (``PortRangeLists``); a missing prefix list is a 404,
    a missing port range list a 400.
    """

    module: str                 # the module's short name, also the key of its result
    noun: str
    id_prefix: str
    id_option: str
    name_option: str
    value_option: str           # an entry's value, in the options and results
    value_noun: str
    id_param: str
    name_param: str
    value_param: str
    create_action: str
    modify_action: str
    delete_action: str
    describe_action: str
    entries_action: str
    associations_action: str
    listing_path: tuple
    entries_path: tuple
    associations_path: tuple
    max_entries_limit: int
    not_found_code: str
    in_use_code: str
    has_address_family: bool = False
    # Whether the Modify request model has a ClientToken; the Delete ones never do.
    modify_takes_token: bool = False

    @property
    def ids_option(self):
        return self.id_option + 's'

    @property
    def result_key(self):
        return self.module + 's'

    def items(self, body, path):
        """The array at ``path`` of an answer, [] where the answer has none."""
        for key in path:
            body = body.get(key) if isinstance(body, dict) else None
        return body if isinstance(body, list) else []

    def normalize_value(self, value, option, family=None, warnings=None):
        """An entry value as the API stores it; see normalize_cidr_entry and normalize_port_range_entry."""
        if self.has_address_family:
            return normalize_cidr_entry(value, option, family, warnings)
        return normalize_port_range_entry(value, option)

    def canonical_or_given(self, value):
        """A value the API answered, in canonical form when it has one; the API stores values canonically, yet a
        list may hold an older spelling (``10.0.0.1`` for ``10.0.0.1/32``) that must compare equal."""
        try:
            return self.normalize_value(value, self.value_option)
        except RuleError:
            return value

    def sort_key(self, value):
        if self.has_address_family:
            try:
                network = ipaddress.ip_network(value, strict=False)
                return (network.version, int(network.network_address), network.prefixlen, value)
            except ValueError:
                return (9, 0, 0, value)
        match = _PORT_RANGE.match(value or '')
        return (int(match.group(1)), int(match.group(2) or match.group(1)), value) if match else (1 << 17, 0, value)


PREFIX_LIST = ListKind(
    module='prefix_list', noun='prefix list', id_prefix='pl-', id_option='prefix_list_id', name_option='prefix_list_name',
    value_option='cidr', value_noun='CIDR block', id_param='PrefixListId', name_param='PrefixListName', value_param='Cidr',
    create_action='CreatePrefixList', modify_action='ModifyPrefixList', delete_action='DeletePrefixList',
    describe_action='DescribePrefixLists', entries_action='DescribePrefixListAttributes',
    associations_action='DescribePrefixListAssociations', listing_path=('PrefixLists', 'PrefixList'),
    entries_path=('Entries', 'Entry'), associations_path=('PrefixListAssociations', 'PrefixListAssociation'),
    max_entries_limit=200, not_found_code='InvalidPrefixListId.NotFound', in_use_code='NotAllowed.AssociationExist',
    has_address_family=True)
PORT_RANGE_LIST = ListKind(
    module='port_range_list', noun='port range list', id_prefix='prl-', id_option='port_range_list_id', name_option='port_range_list_name',
    value_option='port_range', value_noun='port range', id_param='PortRangeListId', name_param='PortRangeListName',
    value_param='PortRange', create_action='CreatePortRangeList', modify_action='ModifyPortRangeList',
    delete_action='DeletePortRangeList', describe_action='DescribePortRangeLists', entries_action='DescribePortRangeListEntries',
    associations_action='DescribePortRangeListAssociations', listing_path=('PortRangeLists',), entries_path=('Entries',),
    associations_path=('PortRangeListAssociations',), max_entries_limit=2000, not_found_code='InvalidPortRangeListId.NotFound',
    in_use_code='InvalidPortRangeListId.AssociationExist', modify_takes_token=True)
KINDS = (PREFIX_LIST, PORT_RANGE_LIST)


# --- single values ---------------------------------------------------------------------------------

def normalize_address_family(value, option='address_family'):
    """``IPv4`` or ``IPv6`` from any case of them; None when not given."""
    text = text_or_none(value)
    if text is None:
        return None
    for family in ADDRESS_FAMILIES:
        if text.lower() == family.lower():
            return family
    raise RuleError(option, '%r is not valid; accepted values: IPv4, IPv6 (case-insensitive)' % text)


def _version_of(family):
    return 6 if family == 'IPv6' else 4


def normalize_cidr_entry(value, option, family=None, warnings=None):
    """A CIDR block as a prefix list stores it: ``network/length``, IPv6 compressed and in lower case.

    A plain address becomes a /32 or /128 block. Host bits under the mask are cleared, with a warning appended
    to ``warnings`` when it is a list, because the API refuses a block with host bits set. With ``family`` the
    block must be of that address family.
    """
    text = text_or_none(value)
    if text is None:
        raise RuleError(option, 'is required; give a CIDR block such as 10.0.0.0/8, or a single address')
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise RuleError(option, '%r is not a CIDR block or an IP address; give one such as 10.0.0.0/8, 192.0.2.1 or '
                                '2001:db8::/32' % text) from None
    if '/' in text and not re.match(r'^\d{1,3}$', text.rsplit('/', 1)[1].strip()):
        # ipaddress takes a netmask after the slash; the API takes prefix lengths only.
        raise RuleError(option, '%r is not a CIDR block; write the prefix length after the slash (10.0.0.0/8)' % text)
    if family is not None and network.version != _version_of(family):
        raise RuleError(option, '%r is an IPv%d block; a list of address_family %s holds IPv%d blocks only'
                        % (text, network.version, family, _version_of(family)))
    canonical = network.with_prefixlen
    if warnings is not None and '/' in text and ipaddress.ip_interface(text.strip()).ip != network.network_address:
        warnings.append('%s: %s has host bits set; the list holds the network %s' % (option, text, canonical))
    return canonical


def normalize_port_range_entry(value, option):
    """A port range as a port range list stores it, ``a/b`` with 1 <= a <= b <= 65535, from ``80``, ``80/80``,
    ``8000-8080`` or ``8000/8080``."""
    text = text_or_none(value)
    if text is None:
        raise RuleError(option, 'is required; give a port (443) or a range (8000/8080 or 8000-8080)')
    match = _PORT_RANGE.match(text)
    if not match:
        raise RuleError(option, '%r is not a port range; accepted forms: 80, 80/80, 8000-8080 or 8000/8080, with '
                                '1 <= start <= end <= 65535' % text)
    start = int(match.group(1))
    end = int(match.group(2)) if match.group(2) is not None else start
    if not 1 <= start <= end <= 65535:
        raise RuleError(option, '%r is out of range; ports run from 1 to 65535 and a range\'s start must not be above its end'
                        % text)
    return '%d/%d' % (start, end)


def validate_entry_description(value, option):
    """An entry's description, 2 to 32 characters; None when not given (the entry's description is then left alone)."""
    if value is None:
        return None
    text = str(value)
    if not 2 <= len(text) <= ENTRY_DESCRIPTION_MAX_LENGTH:
        raise RuleError(option, 'must be 2 to %d characters long (got %d); omit it to leave the entry\'s description as it is'
                        % (ENTRY_DESCRIPTION_MAX_LENGTH, len(text)))
    if _URL_PREFIX.match(text):
        raise RuleError(option, 'must not start with http:// or https://')
    return text


def validate_list_name(kind, value, option=None):
    """A list's name as the request models allow it (those of a security group, and not the cloud's own prefixes)."""
    option = option or kind.name_option
    text = validate_group_name(value, option)
    if text is not None and text.startswith(RESERVED_NAME_PREFIXES):
        raise RuleError(option, '%r must not start with %s, which are the names of the cloud\'s own lists'
                        % (text, ' or '.join(RESERVED_NAME_PREFIXES)))
    return text


def validate_list_description(value, option='description'):
    return validate_group_description(value, option)


def validate_max_entries(kind, value, option='max_entries'):
    if value is None:
        return None
    number = whole_number(value, option, 'a whole number from 1 to %d' % kind.max_entries_limit)
    if not 1 <= number <= kind.max_entries_limit:
        raise RuleError(option, '%d is out of range; a %s holds 1 to %d entries' % (number, kind.noun, kind.max_entries_limit))
    return number


# --- entries -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One entry: its value in canonical form, and its description (None: none, or, for a wanted entry, not managed).

    ``index`` is where a wanted entry stands in the ``entries`` option, for messages; it is not part of equality.
    """

    value: str
    description: str | None = None
    index: int | None = field(default=None, compare=False)

    def view(self, kind):
        return {kind.value_option: self.value, 'description': self.description}


def sorted_entries(kind, entries):
    return sorted(entries, key=lambda entry: kind.sort_key(entry.value))


def _where(option, index):
    return '%s[%d].' % (option, index)


def parse_entries(kind, items, family=None, warnings=None, option='entries'):
    """The ``entries`` option as canonical Entry values, checked without any call: each value, each description,
    one address family for all (``family`` when it is given), and no value twice once canonical.

    Returns (entries, the address family of the CIDR blocks, or None for port ranges and for no entries).
    """
    entries = []
    seen = {}
    first_family = None
    for index, item in enumerate(items):
        where = _where(option, index)
        if not isinstance(item, dict):
            raise RuleError(where.rstrip('.'), 'must be a dictionary with %s and, optionally, description' % kind.value_option)
        value = kind.normalize_value(item.get(kind.value_option), where + kind.value_option, family, warnings)
        description = validate_entry_description(item.get('description'), where + 'description')
        if kind.has_address_family:
            this_family = family_of(value)
            if first_family is None:
                first_family = (this_family, index)
            elif this_family != first_family[0]:
                # Refused here rather than by the API, which would name no option.
                raise RuleError(where + kind.value_option, '%r is an %s block, but %s%s is %s; a prefix list holds blocks of one '
                                                           'address family' % (str(item.get(kind.value_option)).strip(), this_family,
                                                                               _where(option, first_family[1]), kind.value_option,
                                                                               first_family[0]))
        if value in seen:
            first = seen[value]
            raise RuleError(where + kind.value_option, '%r is the same %s as %s%s (%r), once written canonically as %s; '
                                                       'give each entry once'
                            % (str(item.get(kind.value_option)).strip(), kind.value_noun, _where(option, first),
                               kind.value_option, str(items[first].get(kind.value_option)).strip(), value))
        seen[value] = index
        entries.append(Entry(value, description, index))
    return entries, first_family[0] if first_family else None


def family_of(value):
    """``IPv4`` or ``IPv6``: the address family of a canonical CIDR block."""
    return 'IPv6' if ':' in value else 'IPv4'


def check_entry_family(entries, family, list_id, option='entries'):
    """Refuse, before any write, a wanted block whose family is not the existing list's."""
    for entry in entries:
        if family_of(entry.value) != family:
            where = _where(option, entry.index) if entry.index is not None else option + '.'
            raise RuleError(where + 'cidr', '%s is an %s block; prefix list %s holds %s blocks only (its address family is '
                                            'fixed)' % (entry.value, family_of(entry.value), list_id, family))


def entries_from_api(kind, body):
    """The entries of a DescribePrefixListAttributes or DescribePortRangeListEntries answer, canonical, sorted."""
    entries = []
    for item in kind.items(body, kind.entries_path):
        value = item.get(kind.value_param)
        if value:
            entries.append(Entry(kind.canonical_or_given(value), item.get('Description') or None))
    return sorted_entries(kind, entries)


# --- plans -------------------------------------------------------------------------------------------

@dataclass
class EntryPlan:
    """What must happen to a list's entries: values to add, to remove, and descriptions to change in place."""

    before: list
    add: list = field(default_factory=list)      # Entry values the list does not hold
    remove: list = field(default_factory=list)   # Entry values the list holds, as it holds them
    update: list = field(default_factory=list)   # Entry values the list holds, with their new descriptions

    @property
    def changed(self):
        return bool(self.add or self.remove or self.update)

    def after(self, kind):
        """The entries once the plan is applied."""
        removed = set(entry.value for entry in self.remove)
        updated = dict((entry.value, entry.description) for entry in self.update)
        kept = [replace(entry, description=updated.get(entry.value, entry.description), index=None)
                for entry in self.before if entry.value not in removed]
        return sorted_entries(kind, kept + [replace(entry, index=None) for entry in self.add])


def plan_entries(kind, before, wanted, purge=True):
    """Compare the entries a list holds with the wanted ones (None: leave the entries alone).

    A wanted entry without a description takes no part in descriptions; with one, a different description is
    changed in place (AddEntry of the same value, as the ModifyPrefixList page says, never a removal and an
    addition of it). With ``purge``, entries not wanted are removed; without, nothing is.
    """
    plan = EntryPlan(before=list(before))
    if wanted is None:
        return plan
    held = dict((entry.value, entry) for entry in before)
    for entry in wanted:
        current = held.get(entry.value)
        if current is None:
            plan.add.append(entry)
        elif entry.description is not None and entry.description != current.description:
            plan.update.append(replace(current, description=entry.description))
    if purge:
        wanted_values = set(entry.value for entry in wanted)
        plan.remove = [entry for entry in before if entry.value not in wanted_values]
    plan.add = sorted_entries(kind, plan.add)
    plan.remove = sorted_entries(kind, plan.remove)
    plan.update = sorted_entries(kind, plan.update)
    return plan


def check_entry_count(kind, plan, max_entries, list_id=None, option='entries'):
    """Refuse, before any write, entries that would pass the list's max_entries."""
    count = len(plan.after(kind))
    if count <= max_entries:
        return
    if list_id is None:
        raise RuleError(option, '%d entries given; max_entries is %d' % (count, max_entries))
    raise RuleError(option, 'the list would hold %d entries (%d now, %d to add, %d to remove); %s has max_entries %d, fixed '
                            'when it was created' % (count, len(plan.before), len(plan.add), len(plan.remove), list_id, max_entries))


@dataclass
class Batch:
    """One Modify call's entries: AddEntry.N carries the new values and the held values with new descriptions,
    RemoveEntry.N the values to remove."""

    add: list = field(default_factory=list)
    update: list = field(default_factory=list)
    remove: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.add or self.update or self.remove)

    @property
    def add_entries(self):
        return self.add + self.update


def plan_batches(plan, max_entries, per_call=ENTRIES_PER_CALL):
    """The Modify calls that carry out ``plan``, in order, each with at most ``per_call`` AddEntry and RemoveEntry.

    Whether the API counts a call's removals before its additions is not documented, so no call adds more than
    the room the list has before it: when the list would otherwise pass ``max_entries`` mid-way, removals go
    first, in calls of their own, and additions follow. Description changes ride in the AddEntry slots left over.
    """
    removals, additions, updates = list(plan.remove), list(plan.add), list(plan.update)
    count = len(plan.before)
    batches = []
    while removals or additions or updates:
        batch = Batch(remove=removals[:per_call])
        removals = removals[per_call:]
        room = max(max_entries - count, 0)
        taken = min(per_call, room, len(additions))
        batch.add, additions = additions[:taken], additions[taken:]
        slots = per_call - taken
        batch.update, updates = updates[:slots], updates[slots:]
        if not batch:
            raise RuleError('entries', 'cannot add %d more entries to a list of %d with max_entries %d'
                            % (len(additions), count, max_entries))
        count += taken - len(batch.remove)
        batches.append(batch)
    return batches


def split_for_create(entries, per_call=ENTRIES_PER_CALL):
    """(the entries CreatePrefixList or CreatePortRangeList can carry, the rest for Modify calls after it)."""
    return list(entries[:per_call]), list(entries[per_call:])


# --- queries -----------------------------------------------------------------------------------------

def entry_query(kind, prefix, entries, with_description=True):
    """``prefix.N.<value>`` (and ``prefix.N.Description`` where there is one) for the entries, N from 1."""
    query = {}
    for number, entry in enumerate(entries, start=1):
        query['%s.%d.%s' % (prefix, number, kind.value_param)] = entry.value
        if with_description and entry.description:
            query['%s.%d.Description' % (prefix, number)] = entry.description
    return query


def create_query(kind, name, max_entries, description=None, address_family=None, entries=()):
    query = {kind.name_param: name, 'MaxEntries': max_entries}
    if description:
        query['Description'] = description
    if kind.has_address_family:
        query['AddressFamily'] = address_family
    query.update(entry_query(kind, 'Entry', entries))
    return query


def modify_query(kind, list_id, batch=None, name=None, description=None):
    """ModifyPrefixList / ModifyPortRangeList parameters (without ClientToken) for one call."""
    query = {kind.id_param: list_id}
    if name is not None:
        query[kind.name_param] = name
    if description is not None:
        query['Description'] = description
    if batch:
        query.update(entry_query(kind, 'AddEntry', batch.add_entries))
        query.update(entry_query(kind, 'RemoveEntry', batch.remove, with_description=False))
    return query


def ids_query(kind, list_ids):
    return dict(('%s.%d' % (kind.id_param, number), list_id) for number, list_id in enumerate(list_ids, start=1))


# --- lists -------------------------------------------------------------------------------------------

@dataclass
class EntryList:
    """What the modules know of one list. ``entries`` and ``associations`` are None until read."""

    list_id: str | None
    name: str | None
    description: str | None
    max_entries: int | None
    address_family: str | None = None
    entries: list | None = None
    association_count: int = 0
    associations: list | None = None   # [(resource id, resource type)]
    creation_time: str | None = None


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _family_from_api(value):
    for family in ADDRESS_FAMILIES:
        if str(value or '').lower() == family.lower():
            return family
    return value or None


def list_from_api(kind, item):
    """An EntryList from one item of DescribePrefixLists / DescribePortRangeLists (or a DescribePrefixListAttributes
    answer, which has the same attribute names), without its entries."""
    return EntryList(
        list_id=item.get(kind.id_param), name=item.get(kind.name_param) or None, description=item.get('Description') or None,
        max_entries=_int_or_none(item.get('MaxEntries')),
        address_family=_family_from_api(item.get('AddressFamily')) if kind.has_address_family else None,
        association_count=_int_or_none(item.get('AssociationCount')) or 0, creation_time=item.get('CreationTime') or None)


def associations_from_api(kind, body):
    return [(item.get('ResourceId'), item.get('ResourceType')) for item in kind.items(body, kind.associations_path) if item.get('ResourceId')]


def list_view(kind, plist, with_associations=True):
    """The result form of a list: the keys its managing module takes back, and what the cloud adds."""
    if plist is None:
        return {}
    view = {kind.id_option: plist.list_id, kind.name_option: plist.name, 'description': plist.description}
    if kind.has_address_family:
        view['address_family'] = plist.address_family
    view.update(max_entries=plist.max_entries, entries=[entry.view(kind) for entry in sorted_entries(kind, plist.entries or [])],
                association_count=plist.association_count, creation_time=plist.creation_time)
    if with_associations:
        view['associations'] = [dict(resource_id=resource_id, resource_type=resource_type)
                                for resource_id, resource_type in plist.associations or []]
    return view


def diff_view(kind, plist):
    if plist is None:
        return {}
    view = {kind.id_option: plist.list_id, kind.name_option: plist.name, 'description': plist.description}
    if kind.has_address_family:
        view['address_family'] = plist.address_family
    view.update(max_entries=plist.max_entries, entries=[entry.view(kind) for entry in sorted_entries(kind, plist.entries or [])])
    return view


# --- checks on the existing list ------------------------------------------------------------------------

def check_fixed_attributes(kind, plist, address_family=None, max_entries=None):
    """Refuse, before any write, a different value of what a list keeps for life."""
    if kind.has_address_family and address_family is not None and address_family != plist.address_family:
        raise RuleError('address_family', '%s %s is %s; the address family is fixed when a list is created, so the list must '
                                          'be recreated (create a new list, move the rules to it, delete this one)'
                        % (kind.noun, plist.list_id, plist.address_family))
    if max_entries is not None and plist.max_entries is not None and max_entries != plist.max_entries:
        raise RuleError('max_entries', '%s %s has max_entries %d; max_entries is fixed when a list is created, so the list '
                                       'must be recreated (create a new list, move the rules to it, delete this one)'
                        % (kind.noun, plist.list_id, plist.max_entries))


def in_use_message(kind, plist, associations):
    """Why a list that security groups reference is not deleted, naming them."""
    groups = sorted(set(resource_id for resource_id, _type in associations))
    named = ' (%s)' % plist.name if plist.name else ''
    if not groups:
        return '%s: %s %s%s is referenced by rules of security groups and cannot be deleted; remove those rules first' % (
            kind.id_option, kind.noun, plist.list_id, named)
    return ('%s: %s %s%s is referenced by rules of %d security group%s (%s) and cannot be deleted; remove those rules first'
            % (kind.id_option, kind.noun, plist.list_id, named, len(groups), '' if len(groups) == 1 else 's', ', '.join(groups)))


# --- read-back ------------------------------------------------------------------------------------------

@dataclass
class Written:
    """What a task wrote to one list, and so what its read-back waits for (nothing else, which others may change)."""

    present: list = field(default_factory=list)   # Entry values that must be there (with their description when given)
    absent: list = field(default_factory=list)    # values that must be gone
    name: str | None = None
    description: str | None = None

    def note(self, batch):
        self.present.extend(batch.add_entries)
        self.absent.extend(entry.value for entry in batch.remove)


def entries_show(written, entries):
    """True when the entries read show every entry written and none removed."""
    held = dict((entry.value, entry.description) for entry in entries)
    for entry in written.present:
        if entry.value not in held or (entry.description is not None and held[entry.value] != entry.description):
            return False
    return not any(value in held for value in written.absent)


def attributes_show(written, plist):
    return (written.name is None or plist.name == written.name) and (written.description is None or plist.description == written.description)
