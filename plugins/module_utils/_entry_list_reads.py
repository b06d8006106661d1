# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading prefix lists and port range lists through the API, and reading back what a task wrote to one.

Every function takes ``call(action, query) -> body``, so the modules pass their base's retrying call and
tests pass anything that answers like the API. The ListKind says which actions and answer shapes apply.
"""

from __future__ import annotations

from ansible_collections.alicloud.ecs.plugins.module_utils import _entry_lists, _waiting
from ansible_collections.alicloud.ecs.plugins.module_utils._base import ApiError
from ansible_collections.alicloud.ecs.plugins.module_utils._groups import all_pages

# MaxResults of the Describe and Associations actions: at most 100.
PAGE_SIZE = 100
# PrefixListId.N and PortRangeListId.N of the Describe actions take at most 100 ids.
IDS_PER_CALL = 100


def _pages(call, action, query):
    return all_pages(call, action, dict(query, MaxResults=PAGE_SIZE))


def describe_lists(call, kind, **filters):
    """Every list of ``kind`` that the Describe action lists for the filters (its parameter names), all pages."""
    found = []
    for body in _pages(call, kind.describe_action, filters):
        found.extend(_entry_lists.list_from_api(kind, item) for item in kind.items(body, kind.listing_path))
    return found


def lists_by_ids(call, kind, list_ids, **filters):
    """The lists among ``list_ids`` (100 per call) that pass the filters."""
    found = []
    for start in range(0, len(list_ids), IDS_PER_CALL):
        batch = list_ids[start:start + IDS_PER_CALL]
        found.extend(plist for plist in describe_lists(call, kind, **dict(filters, **_entry_lists.ids_query(kind, batch)))
                     if plist.list_id in batch)
    return found


def list_by_id(call, kind, list_id):
    """The list with this id, or None when the caller has none in the region."""
    return next(iter(lists_by_ids(call, kind, [list_id])), None)


def lists_named(call, kind, name):
    """The lists called exactly ``name``: the name filter is not documented as exact, so only an exact match counts."""
    return [plist for plist in describe_lists(call, kind, **{kind.name_param: name}) if plist.name == name]


def read_entries(call, kind, list_id):
    """The list's entries (canonical, sorted); raises the API's NotFound when the list is unknown to reads."""
    return _entry_lists.entries_from_api(kind, call(kind.entries_action, {kind.id_param: list_id}))


def read_associations(call, kind, list_id):
    """[(resource id, resource type)] of every resource that references the list, all pages."""
    found = []
    for body in _pages(call, kind.associations_action, {kind.id_param: list_id}):
        found.extend(_entry_lists.associations_from_api(kind, body))
    return found


def read_list(call, kind, list_id, attributes=True):
    """The list with its entries, and with its attributes unless ``attributes`` is false; None while reads do not
    know it.

    DescribePrefixListAttributes answers both at once; a port range list's attributes are in the listing, a read
    of its own, which a task that changed only entries need not make. The association count is the listing's
    only: it is left at 0 here.
    """
    try:
        if kind.has_address_family:
            body = call(kind.entries_action, {kind.id_param: list_id})
            plist = _entry_lists.list_from_api(kind, body)
            plist.list_id = plist.list_id or list_id
            plist.entries = _entry_lists.entries_from_api(kind, body)
            return plist
        if attributes:
            plist = list_by_id(call, kind, list_id)
            if plist is None:
                return None
        else:
            plist = _entry_lists.EntryList(list_id, None, None, None)
        plist.entries = read_entries(call, kind, list_id)
        return plist
    except ApiError as error:
        if error.code != kind.not_found_code:
            raise
        return None


def wait_for_writes(call, kind, list_id, written, seconds, first_read=None):
    """Read until the list shows what the task wrote (a Written); the outcome's value is the last read (or None).

    ``first_read``, a read made since the last write, stands in for the first probe.
    """
    attributes = written.name is not None or written.description is not None
    pending = [first_read] if first_read is not None else []

    def probe():
        plist = pending.pop() if pending else read_list(call, kind, list_id, attributes)
        done = plist is not None and _entry_lists.entries_show(written, plist.entries) and _entry_lists.attributes_show(written, plist)
        return done, plist
    return _waiting.poll(probe, seconds)


def wait_until_unlisted(call, kind, list_id, seconds):
    """List until the Describe action no longer shows a list just deleted."""
    def probe():
        return list_by_id(call, kind, list_id) is None, None
    return _waiting.poll(probe, seconds)
