# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The prefix lists and port range lists that rules reference: found by name, their sizes and their entries.

Each list is read at most once per task, however many rules name it. Every function takes the API
``call(action, query) -> body``, so the modules pass their base's retrying call and tests pass anything
that answers like the API.
"""

from __future__ import annotations

from dataclasses import replace

from ansible_collections.alicloud.ecs.plugins.module_utils import _entry_list_reads
from ansible_collections.alicloud.ecs.plugins.module_utils._base import ApiError
from ansible_collections.alicloud.ecs.plugins.module_utils._entry_lists import KINDS, PORT_RANGE_LIST, PREFIX_LIST
from ansible_collections.alicloud.ecs.plugins.module_utils._values import RuleError

# Codes that say a list cannot be read by this caller, rather than that the call went wrong.
UNREADABLE_CODES = ('InvalidPrefixListId.NotFound', 'InvalidPortRangeListId.NotFound', 'Forbidden.RAM', 'Forbidden', 'NoPermission')
# The rule role that names a list of each kind, by id and by name.
RULE_ROLES = {PREFIX_LIST: ('peer_prefix_list_id', 'peer_prefix_list_name'), PORT_RANGE_LIST: ('port_range_list_id', 'port_range_list_name')}


def kind_of(list_id):
    """The kind of list an id names, told by its prefix (pl- or prl-)."""
    return PORT_RANGE_LIST if list_id.startswith(PORT_RANGE_LIST.id_prefix) else PREFIX_LIST


class ListReferences:
    """What a task learns of the lists its rules reference, each asked for once."""

    def __init__(self, call, region=None):
        self.call = call
        self.region = region
        self._ids_by_name = {}
        self._max_entries = {}
        self._entries = {}

    # --- names ---------------------------------------------------------------------------------

    def id_named(self, kind, name, option):
        """The id of the one list of ``kind`` called ``name``; a RuleError naming ``option`` when none or several are."""
        key = (kind.noun, name)
        if key not in self._ids_by_name:
            found = _entry_list_reads.lists_named(self.call, kind, name)
            self._ids_by_name[key] = sorted(plist.list_id for plist in found)
            for plist in found:
                self._max_entries.setdefault(plist.list_id, plist.max_entries)
        ids = self._ids_by_name[key]
        where = ' in region %s' % self.region if self.region else ''
        if not ids:
            raise RuleError(option, 'no %s is named %r%s' % (kind.noun, name, where))
        if len(ids) > 1:
            raise RuleError(option, '%d %ss are named %r%s (%s); give the id instead' % (len(ids), kind.noun, name, where, ', '.join(ids)))
        return ids[0]

    def resolve_names(self, rules, where_of):
        """The rules with every list given by name also given by id. ``where_of(index)`` prefixes option names."""
        resolved = []
        for index, rule in enumerate(rules):
            changes = {}
            for kind in KINDS:
                id_role, name_role = RULE_ROLES[kind]
                name = getattr(rule, name_role)
                if name and not getattr(rule, id_role):
                    changes[id_role] = self.id_named(kind, name, where_of(index) + rule.direction.option(name_role))
            resolved.append(replace(rule, **changes) if changes else rule)
        return resolved

    # --- sizes ---------------------------------------------------------------------------------

    def max_entries(self, list_ids):
        """{id: MaxEntries} of the lists among ``list_ids`` that this caller can list; the others are left out."""
        wanted = sorted(set(list_ids) - set(self._max_entries))
        for kind in KINDS:
            ids = [list_id for list_id in wanted if kind_of(list_id) is kind]
            if not ids:
                continue
            try:
                found = _entry_list_reads.lists_by_ids(self.call, kind, ids)
            except ApiError as error:
                if error.code not in UNREADABLE_CODES:
                    raise
                found = []
            for plist in found:
                self._max_entries[plist.list_id] = plist.max_entries
            for list_id in ids:
                self._max_entries.setdefault(list_id, None)
        return dict((list_id, self._max_entries[list_id]) for list_id in list_ids if self._max_entries.get(list_id) is not None)

    # --- entries -------------------------------------------------------------------------------

    def entries(self, list_id):
        """The entries (CIDR blocks or port ranges, as the API gives them) of a list; an ApiError when it cannot be read."""
        if list_id not in self._entries:
            kind = kind_of(list_id)
            try:
                self._entries[list_id] = [entry.value for entry in _entry_list_reads.read_entries(self.call, kind, list_id)]
            except ApiError as error:
                # A list this caller cannot read stays so for the task: asking again would only cost calls.
                self._entries[list_id] = error
                raise
        if isinstance(self._entries[list_id], ApiError):
            raise self._entries[list_id]
        return self._entries[list_id]

    def readable_entries(self, list_id):
        """The entries of a list, or None when the API says this caller cannot read it."""
        try:
            return self.entries(list_id)
        except ApiError as error:
            if error.code in UNREADABLE_CODES:
                return None
            raise


def list_report(list_entries, unresolved):
    """What the analysis modules return of the lists their rules name: {'prefix_lists': {resolved, unresolved}, 'port_range_lists': ...}."""
    report = {}
    for kind in KINDS:
        report[kind.result_key] = dict(
            resolved=sorted(list_id for list_id, entries in list_entries.items() if entries is not None and kind_of(list_id) is kind),
            unresolved=sorted(list_id for list_id in unresolved if kind_of(list_id) is kind))
    return report
