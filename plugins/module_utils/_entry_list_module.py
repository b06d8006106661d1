# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the list modules share: prefix_list and port_range_list, and their info modules.

A module of one kind is a subclass that names its ListKind (_entry_lists); finding, creating, changing,
deleting and listing a list, the results, check and diff mode are here, written once for both kinds.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

from ansible_collections.alicloud.ecs.plugins.module_utils import _entry_list_reads as reads
from ansible_collections.alicloud.ecs.plugins.module_utils import _entry_lists as lists
from ansible_collections.alicloud.ecs.plugins.module_utils import _waiting
from ansible_collections.alicloud.ecs.plugins.module_utils._base import (
    AlicloudAnsibleModule, AlicloudEcsModule, ApiError, alicloud_argument_spec, wait_argument_spec,
)
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_writes import APPLIED_NOTE, write_with_token
from ansible_collections.alicloud.ecs.plugins.module_utils._values import RuleError, validate_client_token, validate_resource_id

# Without a client_token option, a create's token still derives from a fixed base, so that the same task run
# again after a lost answer sends the same token.
CREATE_TOKEN_BASE = 'alicloud.ecs.%s'
# What the list writes answer while another change of the same list is in progress: the pages say to wait a
# moment and try again, and the write was not applied.
CONFLICT_CODES = ('TaskConflict', 'InvalidOperation.Conflict')


def entry_list_argument_spec(kind):
    spec = alicloud_argument_spec()
    spec.update(wait_argument_spec())
    spec.update({
        kind.id_option: dict(type='str'),
        kind.name_option: dict(type='str'),
        'description': dict(type='str'),
        'max_entries': dict(type='int'),
        'entries': dict(type='list', elements='dict', options={
            kind.value_option: dict(type='str', required=True),
            'description': dict(type='str'),
        }),
        'purge_entries': dict(type='bool', default=True),
        'state': dict(type='str', choices=['present', 'absent'], default='present'),
        'client_token': dict(type='str', no_log=False),
    })
    if kind.has_address_family:
        spec['address_family'] = dict(type='str')
    return spec


def entry_list_info_argument_spec(kind):
    spec = alicloud_argument_spec()
    spec.update({
        kind.ids_option: dict(type='list', elements='str'),
        kind.name_option: dict(type='str'),
        'associations': dict(type='bool', default=False),
    })
    if kind.has_address_family:
        spec['address_family'] = dict(type='str')
    return spec


def _check_blank(params, options):
    """Refuse an option that was given but is blank (typically a variable that resolved to '')."""
    for option in options:
        value = params.get(option)
        if value is not None and not str(value).strip():
            raise RuleError(option, 'is empty; give a value or leave the option out')


class Applied:
    """The entries written so far, in result form, for the report of a failure half-way."""

    def __init__(self):
        self.added = []
        self.removed = []
        self.updated = []

    def __bool__(self):
        return bool(self.added or self.removed or self.updated)

    def summary(self):
        return '%d entries added, %d removed, %d descriptions changed' % (len(self.added), len(self.removed), len(self.updated))


class EntryListModule(AlicloudEcsModule):
    """Finds, creates, changes or deletes one list of the subclass's KIND."""

    KIND = None

    def __init__(self, module):
        super().__init__(module)
        self.kind = self.KIND
        self.done = []            # what the writes so far did besides entries (a create, a rename)
        self.applied = Applied()
        self.base_token = None

    # --- what the task asks for ------------------------------------------------------------------

    def desired(self, warnings):
        """The options, validated and canonical, before any call."""
        kind, params = self.kind, self.module.params
        try:
            _check_blank(params, [kind.id_option, kind.name_option, 'client_token'] + (['address_family'] if kind.has_address_family else []))
            validate_resource_id(params[kind.id_option], kind.id_prefix, kind.id_option)
            desired = dict(list_id=params[kind.id_option], name=params[kind.name_option],
                           client_token=validate_client_token(params['client_token']))
            if params['state'] == 'absent':
                return desired
            # A name is checked where it is written (create, rename); looking a list up by any name is harmless.
            lists.validate_list_name(kind, params[kind.name_option])
            family = lists.normalize_address_family(params.get('address_family')) if kind.has_address_family else None
            max_entries = lists.validate_max_entries(kind, params['max_entries'])
            entries = None
            if params['entries'] is not None:
                entries, _family = lists.parse_entries(kind, params['entries'], family, warnings)
                if max_entries is not None and len(entries) > max_entries:
                    raise RuleError('entries', '%d entries given; max_entries is %d' % (len(entries), max_entries))
            desired.update(description=lists.validate_list_description(params['description']), address_family=family,
                           max_entries=max_entries, entries=entries)
            return desired
        except RuleError as error:
            self.module.fail_json(msg=str(error))

    # --- finding the list ----------------------------------------------------------------------------

    def find(self, desired):
        """The existing list the task is about, or None when there is none."""
        kind, params = self.kind, self.module.params
        if desired['list_id']:
            found = reads.list_by_id(self.call, kind, desired['list_id'])
            if found is None and params['state'] == 'present':
                self.fail('%s: no %s %s in region %s; to create a list, give %s without %s'
                          % (kind.id_option, kind.noun, desired['list_id'], params['region'], kind.name_option, kind.id_option))
            return found
        matches = reads.lists_named(self.call, kind, desired['name'])
        if len(matches) > 1:
            self.fail('%s: %d %ss are named %r in region %s (%s); give %s instead'
                      % (kind.name_option, len(matches), kind.noun, desired['name'], params['region'],
                         ', '.join(sorted(plist.list_id for plist in matches)), kind.id_option))
        return matches[0] if matches else None

    def fail(self, msg, **extra):
        """Fail with the result so far: after a write, it says what was written."""
        self.module.fail_json(msg=msg, **dict(self.result, request_ids=self.request_ids, **extra))

    # --- the run -----------------------------------------------------------------------------------

    def run_module(self):
        warnings = []
        desired = self.desired(warnings)
        for warning in warnings:
            self.module.warn(warning)
        plist = self.find(desired)
        # The base of the Modify calls' tokens, where the action takes one.
        self.base_token = desired['client_token'] or uuid.uuid4().hex
        if self.module.params['state'] == 'absent':
            self.delete(plist)
        elif plist is None:
            self.create(desired)
        else:
            self.converge(plist, desired)

    def report(self, before, after, plan, changed):
        kind = self.kind
        self.result.update({
            'changed': changed,
            kind.id_option: after.list_id,
            kind.module: lists.list_view(kind, after),
            'added': [entry.view(kind) for entry in plan.add],
            'removed': [entry.view(kind) for entry in plan.remove],
            'updated': [entry.view(kind) for entry in plan.update],
        })
        if self.module._diff:
            self.result['diff'] = dict(before=lists.diff_view(kind, before), after=lists.diff_view(kind, after))

    def converge(self, plist, desired):
        kind = self.kind
        try:
            lists.check_fixed_attributes(kind, plist, desired['address_family'], desired['max_entries'])
            if kind.has_address_family and desired['entries']:
                lists.check_entry_family(desired['entries'], plist.address_family, plist.list_id)
        except RuleError as error:
            self.fail(str(error))
        plist.entries = reads.read_entries(self.call, kind, plist.list_id)
        plist.associations = reads.read_associations(self.call, kind, plist.list_id) if plist.association_count else []
        plan = lists.plan_entries(kind, plist.entries, desired['entries'], self.module.params['purge_entries'])
        name = desired['name'] if desired['name'] is not None and desired['name'] != plist.name else None
        description = desired['description'] if desired['description'] is not None and desired['description'] != plist.description else None
        try:
            lists.check_entry_count(kind, plan, plist.max_entries, plist.list_id)
            batches = lists.plan_batches(plan, plist.max_entries)
        except RuleError as error:
            self.fail(str(error))
        after = replace(plist, name=name or plist.name, description=description or plist.description, entries=plan.after(kind))
        self.report(plist, after, plan, bool(plan.changed or name or description))
        if self.module.check_mode or not self.result['changed']:
            return
        written = self.apply(plist.list_id, batches, name, description)
        self.read_back(plist.list_id, written)

    def create(self, desired):
        kind, params = self.kind, self.module.params
        required = ['address_family', 'max_entries'] if kind.has_address_family else ['max_entries']
        missing = [option for option in required if desired[option] is None]
        if missing:
            self.fail('%s: %s required to create the %s %r (no %s has that name in region %s)'
                      % (' and '.join(missing), 'is' if len(missing) == 1 else 'are', kind.noun, desired['name'], kind.noun, params['region']))
        plan = lists.plan_entries(kind, [], desired['entries'] or [])
        try:
            lists.check_entry_count(kind, plan, desired['max_entries'])
        except RuleError as error:
            self.fail(str(error))
        after = lists.EntryList(None, desired['name'], desired['description'], desired['max_entries'], desired['address_family'],
                                entries=plan.after(kind), associations=[])
        self.report(None, after, plan, True)
        if self.module.check_mode:
            return
        # Until the create is accepted, a failure must not report the prediction as done.
        predicted = dict(self.result)
        self.result = dict(changed=False, **{kind.id_option: None})
        first, rest = lists.split_for_create(plan.add)
        query = lists.create_query(kind, desired['name'], desired['max_entries'], desired['description'], desired['address_family'], first)
        list_id, first_read = self.create_list(query, desired)
        self.applied.added.extend(entry.view(kind) for entry in first)
        written = lists.Written(present=list(first), name=desired['name'], description=desired['description'])
        if rest:
            more = self.apply(list_id, lists.plan_batches(lists.EntryPlan(before=first, add=rest), desired['max_entries']), None, None)
            written.present.extend(more.present)
            first_read = None
        outcome = self.read_back(list_id, written, first_read)
        read = outcome.value if outcome is not None else first_read
        predicted[kind.id_option] = list_id
        predicted[kind.module].update({kind.id_option: list_id, 'creation_time': read.creation_time if read is not None else None})
        self.result.update(predicted)

    # --- writes ------------------------------------------------------------------------------------

    def write(self, action, query, token_base=None):
        """One write, retried while the API says another change of the list is in progress; with ``token_base``, under
        a ClientToken derived from it and the query."""
        def attempt():
            if token_base is None:
                return self.call(action, query, write=True)
            return write_with_token(self.call, action, query, token_base)
        return _waiting.persist(attempt, lambda error: getattr(error, 'code', None) in CONFLICT_CODES, self.module.params['retry_timeout'])

    def create_list(self, query, desired):
        """Create with a token derived from the task, so that a repeated create finds the first list; returns the new
        list's id and its first read (None while reads do not show it)."""
        kind = self.kind
        token_base = '%s|%s|%s' % (desired['client_token'] or CREATE_TOKEN_BASE % kind.module, self.module.params['region'],
                                   json.dumps(query, sort_keys=True))
        list_id = self.created(self.write(kind.create_action, query, token_base))
        first_read = reads.read_list(self.call, kind, list_id)
        if first_read is None and not self.exists_for_writes(list_id, desired['name']):
            # The token answered with a list that is gone: this task ran before and the list was deleted since, so
            # the API replayed the old answer. This is a new list: a create with a token of its own.
            list_id = self.created(self.write(kind.create_action, query, '%s|%s' % (token_base, uuid.uuid4().hex)))
            first_read = reads.read_list(self.call, kind, list_id)
        return list_id, first_read

    def created(self, answer):
        """Record a create the API accepted: from here on, any failure reports the new list and changed."""
        list_id = answer.get(self.kind.id_param)
        self.done[:] = ['created %s' % list_id]
        self.result.update({'changed': True, self.kind.id_option: list_id})
        return list_id

    def exists_for_writes(self, list_id, name):
        """Whether the list exists, asked of a write that changes nothing (its own name): writes act on the current
        state while reads may lag, so this tells a new list that reads do not show yet from one that is gone."""
        kind = self.kind
        query = {kind.id_param: list_id, kind.name_param: name}
        try:
            self.write(kind.modify_action, query, uuid.uuid4().hex if kind.modify_takes_token else None)
        except ApiError as error:
            if error.code != kind.not_found_code:
                raise
            return False
        return True

    def apply(self, list_id, batches, name, description):
        """The Modify calls, in order, the name and description riding on the first; returns what they wrote (Written).

        A failure half-way reports what was written before it, and changed when anything was.
        """
        kind = self.kind
        written = lists.Written(name=name, description=description)
        try:
            for number, batch in enumerate(batches or [None]):
                attributes = (name, description) if number == 0 else (None, None)
                self.modify(list_id, lists.modify_query(kind, list_id, batch, *attributes), batch, *attributes)
                if number == 0 and (name or description):
                    self.done.append('%s set' % ' and '.join(word for word, value in (('name', name), ('description', description)) if value))
                if batch:
                    written.note(batch)
                    self.applied.added.extend(entry.view(kind) for entry in batch.add)
                    self.applied.updated.extend(entry.view(kind) for entry in batch.update)
                    self.applied.removed.extend(entry.view(kind) for entry in batch.remove)
        except ApiError as error:
            self.fail_half_way(list_id, error)
        return written

    def modify(self, list_id, query, batch, name, description):
        """One Modify call. ModifyPrefixList has no ClientToken: when an attempt of it may have been applied although
        the last answer is an error (the API refuses to remove an entry twice), a read tells whether it was."""
        kind = self.kind
        try:
            return self.write(kind.modify_action, query, self.base_token if kind.modify_takes_token else None)
        except ApiError as error:
            if kind.modify_takes_token or not error.may_have_applied:
                raise
            check = lists.Written(name=name, description=description)
            if batch:
                check.note(batch)
            plist = reads.read_list(self.call, kind, list_id)
            if plist is None or not (lists.entries_show(check, plist.entries) and lists.attributes_show(check, plist)):
                raise
            return {}

    def fail_half_way(self, list_id, error):
        kind = self.kind
        done = list(self.done) + (['entries: %s' % self.applied.summary()] if self.applied else [])
        # What the plan predicted is not what the list holds now; the next read tells.
        self.result.pop(kind.module, None)
        self.result.update({'changed': bool(done), kind.id_option: list_id, 'added': self.applied.added,
                            'removed': self.applied.removed, 'updated': self.applied.updated})
        self.fail_api(error, note=APPLIED_NOTE % '; '.join(done) if done else None)

    def read_back(self, list_id, written, first_read=None):
        """Wait until reads show what this task wrote, so that the next task (or this one run again) reads it."""
        if not self.wait_seconds:
            return None
        outcome = reads.wait_for_writes(self.call, self.kind, list_id, written, self.read_back_seconds(), first_read)
        if not outcome.done:
            self.module.warn('%s: the cloud accepted the writes, but its reads did not show them within wait_timeout=%ds (%d reads); '
                             'a task that reads this list right away may still see the earlier state' % (list_id, self.wait_seconds, outcome.reads))
        return outcome

    # --- delete ------------------------------------------------------------------------------------

    def delete(self, plist):
        """Delete the list, unless resources reference it: then fail before any write, naming them."""
        kind = self.kind
        self.result.update({'changed': False, kind.id_option: plist.list_id if plist else None, kind.module: {}})
        if self.module._diff:
            self.result['diff'] = dict(before=lists.diff_view(kind, plist), after={})
        if plist is None:
            return
        associations = reads.read_associations(self.call, kind, plist.list_id)
        if associations:
            self.fail(lists.in_use_message(kind, plist, associations))
        if self.module.check_mode:
            self.result['changed'] = True
            return
        try:
            self.write(kind.delete_action, {kind.id_param: plist.list_id})
        except ApiError as error:
            if error.code == kind.not_found_code:
                # Gone: deleted by an attempt whose answer was lost (ours), or by someone else in between.
                self.result['changed'] = error.may_have_applied
                return
            if error.code == kind.in_use_code:
                # A rule that references the list was added after the check above.
                try:
                    associations = reads.read_associations(self.call, kind, plist.list_id)
                except ApiError:
                    associations = []
                self.fail(lists.in_use_message(kind, plist, associations), error=error.as_dict())
            raise
        self.result['changed'] = True
        if self.wait_seconds:
            outcome = reads.wait_until_unlisted(self.call, kind, plist.list_id, self.read_back_seconds())
            if not outcome.done:
                self.module.warn('%s deleted: the cloud accepted the delete, but its listing still showed the list after '
                                 'wait_timeout=%ds (%d reads)' % (plist.list_id, self.wait_seconds, outcome.reads))


class EntryListInfoModule(AlicloudEcsModule):
    """Lists the lists of the subclass's KIND, each with its entries and, on request, its associations."""

    KIND = None

    def run_module(self):
        kind, params = self.KIND, self.module.params
        try:
            _check_blank(params, [kind.name_option] + (['address_family'] if kind.has_address_family else []))
            for index, value in enumerate(params[kind.ids_option] or []):
                if not value.strip():
                    raise RuleError(kind.ids_option, 'element %d is empty; give %s IDs' % (index, kind.noun))
            filters = {}
            if params[kind.name_option] is not None:
                filters[kind.name_param] = params[kind.name_option]
            if kind.has_address_family and params['address_family'] is not None:
                filters['AddressFamily'] = lists.normalize_address_family(params['address_family'])
        except RuleError as error:
            self.module.fail_json(msg=str(error))
        ids = params[kind.ids_option]
        if ids is not None:
            found = reads.lists_by_ids(self.call, kind, list(dict.fromkeys(ids)), **filters)
        else:
            found = reads.describe_lists(self.call, kind, **filters)
        name = params[kind.name_option]
        views = []
        for plist in sorted(found, key=lambda item: item.list_id or ''):
            if name is not None and plist.name != name:
                continue
            try:
                plist.entries = reads.read_entries(self.call, kind, plist.list_id)
                if params['associations']:
                    plist.associations = reads.read_associations(self.call, kind, plist.list_id) if plist.association_count else []
            except ApiError as error:
                if error.code != kind.not_found_code:
                    raise
                # Deleted between the listing and this read: it is no longer there to list.
                continue
            views.append(lists.list_view(kind, plist, with_associations=params['associations']))
        self.result.update({kind.result_key: views, 'ids': [view[kind.id_option] for view in views]})


def run_entry_list_module(module_class):
    kind = module_class.KIND
    module = AlicloudAnsibleModule(
        argument_spec=entry_list_argument_spec(kind),
        required_one_of=[(kind.id_option, kind.name_option)],
        supports_check_mode=True,
    )
    module_class(module).execute()


def run_entry_list_info_module(module_class):
    module = AlicloudAnsibleModule(argument_spec=entry_list_info_argument_spec(module_class.KIND), supports_check_mode=True)
    module_class(module).execute()
