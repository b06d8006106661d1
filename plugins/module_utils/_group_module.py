# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The security_group module: a group's whole life, its tags and both of its rule lists in one task.

The rule lists go through the same core as the rule modules (parsing, planning, writes); what is
added here is finding, creating, updating and deleting the group itself.
"""

from __future__ import annotations

import json
import uuid
from types import SimpleNamespace

from ansible_collections.alicloud.ecs.plugins.module_utils import (
    _flow_analysis, _group_model, _groups, _ownership, _planning, _read_back, _rule_requests, _waiting,
)
from ansible_collections.alicloud.ecs.plugins.module_utils._base import (
    AlicloudAnsibleModule, AlicloudEcsModule, ApiError, alicloud_argument_spec, wait_argument_spec,
)
from ansible_collections.alicloud.ecs.plugins.module_utils._group_refs import VPC_NOT_KNOWN_YET, GroupNames
from ansible_collections.alicloud.ecs.plugins.module_utils._list_refs import ListReferences
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import EGRESS, INGRESS
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_module import diff_view, held_warnings, rule_list_spec
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_writes import (
    APPLIED_NOTE, AppliedChanges, PartialApplyError, apply_plan, write_with_token,
)
from ansible_collections.alicloud.ecs.plugins.module_utils._values import RuleError, validate_client_token

# Per direction: the option with its rules, and the option that purges the others.
RULE_LISTS = ((INGRESS, 'rules', 'purge_rules'), (EGRESS, 'rules_egress', 'purge_rules_egress'))
# How messages about rules name a group that does not exist yet.
NEW_GROUP = 'the new group'
# Without a client_token option, a create's token still derives from a fixed base, so that the same task
# run again after a lost answer sends the same token.
CREATE_TOKEN_BASE = 'alicloud.ecs.security_group'
# Writes whose request models have no ClientToken (alibabacloud-ecs20140526): sent as they are. Each is
# idempotent by itself (a name, a policy or tags set to a value), except the delete, handled in delete().
WRITES_WITHOUT_TOKEN = frozenset(('DeleteSecurityGroup', 'ModifySecurityGroupAttribute', 'TagResources', 'UntagResources'))
# What DeleteSecurityGroup answers while instances, network interfaces or rules of other groups hold the group.
HELD = 'DependencyViolation'


def group_argument_spec():
    spec = alicloud_argument_spec()
    spec.update(wait_argument_spec())
    spec.update(
        delete_timeout=dict(type='int', default=600),
        name=dict(type='str', aliases=['group_name', 'security_group_name']),
        security_group_id=dict(type='str', aliases=['id', 'group_id']),
        vpc_id=dict(type='str'),
        description=dict(type='str'),
        security_group_type=dict(type='str', choices=list(_group_model.GROUP_TYPES)),
        resource_group_id=dict(type='str'),
        inner_access_policy=dict(type='str'),
        tags=dict(type='dict', aliases=['group_tags']),
        purge_tags=dict(type='bool', default=True),
        rules=rule_list_spec(INGRESS),
        rules_egress=rule_list_spec(EGRESS),
        purge_rules=dict(type='bool', default=True),
        purge_rules_egress=dict(type='bool', default=True),
        multi_ok=dict(type='bool', default=False),
        recent=dict(type='bool', default=False),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        client_token=dict(type='str', no_log=False),
        warn_ineffective_rules=dict(type='bool', default=True),
        rule_owner=dict(type='str'),
    )
    return spec


def group_diff_view(group, rules_by_direction):
    if group is None:
        return {}
    return dict(name=group.name, description=group.description, inner_access_policy=group.inner_access_policy,
                tags=dict(sorted(_group_model.user_tags(group.tags).items())), ingress_rules=diff_view(rules_by_direction[INGRESS]),
                egress_rules=diff_view(rules_by_direction[EGRESS]))


class SecurityGroupModule(AlicloudEcsModule):
    """Finds, creates, updates or deletes one group and converges its tags and rule lists."""

    def __init__(self, module):
        super().__init__(module)
        self.done = []  # what the writes so far changed, for the message of a failure half-way
        self.existing_same_name = 0
        self.references = ListReferences(self.call, module.params['region'])
        self.group_names = GroupNames(self.call)
        self.owner = None
        self.expanded = {}

    # --- what the task asks for ------------------------------------------------------------------

    def desired_group(self):
        """The group's own options, validated and canonical, before any call."""
        params = self.module.params
        for option in ('name', 'security_group_id', 'vpc_id', 'resource_group_id', 'client_token'):
            if params[option] is not None and not params[option].strip():
                self.module.fail_json(msg='%s: is empty; give a value or leave the option out' % option)
        if params['multi_ok'] and params['recent']:
            self.module.fail_json(msg='multi_ok: cannot be combined with recent; multi_ok creates another group, recent '
                                      'picks the newest of the existing ones')
        if params['rule_owner'] is not None and params['state'] == 'absent':
            self.module.fail_json(msg='rule_owner: applies with state=present; state=absent deletes the whole group, whoever owns its '
                                      'rules (remove a play\'s own rules with rules: [] and rule_owner instead)')
        if params['multi_ok'] and params['security_group_id']:
            self.module.fail_json(msg='multi_ok: applies to groups found by name; it cannot be combined with security_group_id')
        policy = params['inner_access_policy']
        if policy is not None and policy.strip().lower() not in _group_model.INNER_ACCESS_POLICIES:
            self.module.fail_json(msg='inner_access_policy: %r is not valid; accepted values: accept, drop (case-insensitive)' % policy)
        try:
            # A name is checked where it is written (create, rename): looking a group up by any name is harmless.
            if params['state'] == 'present':
                _group_model.validate_group_name(params['name'])
            return dict(
                name=params['name'],
                description=_group_model.validate_group_description(params['description']),
                vpc_id=params['vpc_id'],
                security_group_type=params['security_group_type'],
                resource_group_id=params['resource_group_id'],
                inner_access_policy=policy.strip().lower() if policy else None,
                tags=_group_model.validate_tags(params['tags']),
                client_token=validate_client_token(params['client_token']),
            )
        except RuleError as error:
            self.module.fail_json(msg=str(error))

    def desired_rules(self, warnings):
        """{direction: the API rules asked for (_rule_requests.Requested), or None where the list was not given}, before any call."""
        desired = {}
        try:
            self.owner = _ownership.validate_owner(self.module.params['rule_owner'])
            for direction, option, _purge in RULE_LISTS:
                items = self.module.params[option]
                desired[direction] = None if items is None else _rule_requests.claim_descriptions(
                    _rule_requests.expand_rules(direction, items, option, warnings), self.owner)
        except RuleError as error:
            self.module.fail_json(msg=str(error))
        return desired

    # --- finding the group -------------------------------------------------------------------------

    def find_group(self, desired):
        """The existing group the task is about, or None when there is none (or multi_ok asks for a new one)."""
        params = self.module.params
        if params['security_group_id']:
            found = _groups.describe_groups(self.call, SecurityGroupIds=json.dumps([params['security_group_id']]))
            found = [item for item in found if item.get('SecurityGroupId') == params['security_group_id']]
            if not found:
                if params['state'] == 'absent':
                    return None
                self.module.fail_json(msg='security_group_id: no security group %s in region %s; to create a group, give '
                                          'name (and vpc_id) instead' % (params['security_group_id'], params['region']),
                                      request_ids=self.request_ids)
            return _group_model.group_from_api(found[0])
        matches = [_group_model.group_from_api(item) for item in _groups.groups_named(self.call, desired['name'], desired['vpc_id'])]
        self.existing_same_name = len(matches)
        if params['multi_ok'] and params['state'] == 'present':
            return None
        if len(matches) > 1:
            if params['recent']:
                return _group_model.newest(matches)
            where = ' in VPC %s' % desired['vpc_id'] if desired['vpc_id'] else ''
            self.module.fail_json(msg='name: %d security groups are named %r%s (%s); give security_group_id, or recent=true for '
                                      'the newest, or multi_ok=true to create another'
                                      % (len(matches), desired['name'], where, ', '.join(sorted(group.security_group_id for group in matches))),
                                  request_ids=self.request_ids)
        return matches[0] if matches else None

    # --- the run -----------------------------------------------------------------------------------

    def run_module(self):
        params = self.module.params
        desired = self.desired_group()
        warnings = []
        wanted_rules = self.desired_rules(warnings)
        group = self.find_group(desired)
        base_token = desired['client_token'] or uuid.uuid4().hex
        if params['state'] == 'absent':
            self.delete(group)
            return
        if group is None:
            self.converge_new(desired, wanted_rules, warnings, base_token)
        else:
            self.converge_existing(group, desired, wanted_rules, warnings, base_token)

    def delete(self, group):
        """Delete the group, waiting up to ``delete_timeout`` while members that are being released still hold it.

        DeleteSecurityGroup takes no ClientToken: a retry after a lost answer meets
        InvalidSecurityGroupId.NotFound, which is then the delete's own success.
        """
        self.result.update(changed=False, security_group_id=group.security_group_id if group else None, group={})
        if self.module._diff:
            self.result['diff'] = dict(before=dict(security_group_id=group.security_group_id, name=group.name) if group else {}, after={})
        if group is None:
            return
        if self.module.check_mode:
            self.result['changed'] = True
            return
        try:
            # Instances and network interfaces leave a group some time after they are released; the Terraform
            # provider retries this answer for its whole 10-minute delete timeout.
            _waiting.persist(lambda: self.write('DeleteSecurityGroup', dict(SecurityGroupId=group.security_group_id), None),
                             lambda error: getattr(error, 'code', None) == HELD, self.module.params['delete_timeout'])
        except ApiError as error:
            if error.code == _read_back.GROUP_NOT_FOUND:
                # Gone: deleted by an attempt whose answer was lost (ours), or by someone else in between.
                self.result['changed'] = error.may_have_applied
                if self.module._diff and not error.may_have_applied:
                    self.result['diff'] = dict(before={}, after={})
                return
            if error.code == HELD:
                self.fail_api(error, note='the group is still in use after waiting %d s (delete_timeout=%d); release '
                                          'what the message names, or allow more time'
                                          % (round(error.waited), self.module.params['delete_timeout']))
            raise
        self.result['changed'] = True
        if self.wait_seconds:
            self.warn_unsettled(_read_back.wait_until_unlisted(self.call, group.security_group_id, self.read_back_seconds()),
                                '%s deleted' % group.security_group_id)

    def write(self, action, query, base_token):
        if action in WRITES_WITHOUT_TOKEN:
            return self.call(action, query, write=True)
        return write_with_token(self.call, action, query, base_token)

    def plan_rules(self, current_rules, wanted_rules, group, total_rule_count, warnings, emit=True):
        """{direction: ChangePlan} for the directions the task names; the limit checked over both.

        ``group`` has the group's ``security_group_id``, ``vpc_id`` and ``is_vpc``. With ``emit`` false the
        warnings are only collected: a plan made to validate before a write warns later.
        """
        plans = {}
        try:
            for direction, option, purge in RULE_LISTS:
                wanted = wanted_rules[direction]
                if wanted is None:
                    continue
                resolved, self.expanded[direction] = _rule_requests.resolve_requested(
                    wanted, group, self.references, self.group_names, warnings, own_name=self.module.params['name'])
                plans[direction] = _planning.plan_changes(current_rules[direction], resolved, 'present', self.module.params[purge], self.owner)
                warnings.extend(held_warnings(plans[direction]))
            existing = current_rules[INGRESS] + current_rules[EGRESS]
            sizes = self.references.max_entries(_planning.lists_to_size(list(plans.values()), existing))
            _planning.check_group_quota(list(plans.values()), existing, total_rule_count, sizes,
                                        option=' and '.join(option for direction, option, _purge in RULE_LISTS if direction in plans) or 'rules')
        except RuleError as error:
            # After a create, the result already says what was written (the new group).
            self.module.fail_json(msg=str(error), **dict(self.result, request_ids=self.request_ids))
        if emit:
            for warning in warnings:
                self.module.warn(warning)
        return plans

    def report(self, group_before, group_after, rules_before, plans, changed):
        rules_after = dict((direction, plans[direction].after() if direction in plans else rules_before[direction])
                           for direction in (INGRESS, EGRESS))
        per_direction = dict(
            added=dict((direction.name, [rule.to_dict() for rule in plans[direction].authorize] if direction in plans else [])
                       for direction in (INGRESS, EGRESS)),
            removed=dict((direction.name, [rule.to_dict() for rule in plans[direction].revoke] if direction in plans else [])
                         for direction in (INGRESS, EGRESS)),
            updated=dict((direction.name, [rule.to_dict() for rule in plans[direction].updated_rules()] if direction in plans else [])
                         for direction in (INGRESS, EGRESS)),
        )
        analysis = {}
        for direction, option, _purge in RULE_LISTS:
            analysis[direction.name] = _flow_analysis.end_state_findings(direction.name, rules_after[direction], group_after.security_group_id)
            if self.module.params['warn_ineffective_rules']:
                for warning in _flow_analysis.finding_warnings(analysis[direction.name], option):
                    self.module.warn(warning)
        self.result.update(
            analysis=analysis,
            changed=changed or any(plan.changed for plan in plans.values()),
            security_group_id=group_after.security_group_id,
            group=_group_model.group_view(group_after, rules_after),
            rules=[rule.to_dict() for rule in rules_after[INGRESS]],
            rules_egress=[rule.to_dict() for rule in rules_after[EGRESS]],
            expanded=dict((direction.name, _rule_requests.expansion_result(self.expanded.get(direction, {}))) for direction in (INGRESS, EGRESS)),
            left_alone=dict((direction.name, [rule.to_dict() for rule in plans[direction].spared()] if direction in plans else [])
                            for direction in (INGRESS, EGRESS)),
            **per_direction
        )
        if self.module._diff:
            self.result['diff'] = dict(before=group_diff_view(group_before, rules_before), after=group_diff_view(group_after, rules_after))
            notes = ''.join(_rule_requests.notes_text(direction, self.expanded.get(direction, {}), plans[direction], self.owner)
                            for direction in (INGRESS, EGRESS) if direction in plans)
            if notes:
                self.result['diff']['prepared'] = notes

    def converge_existing(self, group, desired, wanted_rules, warnings, base_token):
        try:
            _group_model.check_fixed_attributes(group, desired)
        except RuleError as error:
            self.module.fail_json(msg=str(error), request_ids=self.request_ids)
        read = _groups.read_group_rules(self.call, group.security_group_id)
        group.inner_access_policy = read.inner_access_policy
        current_rules = read.by_direction
        changes = _group_model.plan_group_changes(group, desired, self.module.params['purge_tags'])
        plans = self.plan_rules(current_rules, wanted_rules, read, read.total_rule_count, warnings)
        after = _group_model.group_after(group, changes)
        self.report(group, after, current_rules, plans, changes.changed)
        if self.module.check_mode:
            return
        self.apply(group.security_group_id, changes, plans, base_token, after)

    def converge_new(self, desired, wanted_rules, warnings, base_token):
        planned = _group_model.Group(
            security_group_id=None, name=desired['name'], description=desired['description'], vpc_id=desired['vpc_id'],
            group_type=desired['security_group_type'] or 'normal', resource_group_id=desired['resource_group_id'],
            tags=dict(desired['tags'] or {}), inner_access_policy='accept')
        if planned.group_type == 'enterprise' and desired['inner_access_policy'] == 'accept':
            self.module.fail_json(msg='inner_access_policy: an enterprise security group always isolates its members; only drop is accepted')
        no_rules = {INGRESS: [], EGRESS: []}
        changes = _group_model.plan_group_changes(planned, desired)
        # Every rule is checked against the group to be before it is created: a mistake must not leave a group behind.
        # Without vpc_id the cloud puts the group in the region's default VPC (the Terraform provider's real-cloud test
        # TestAccAliCloudECSSecurityGroup_basic8588 creates one so and finds a vpc_id), so
        # the group to be is a VPC group either way; the rules are planned again from the first read.
        place = SimpleNamespace(security_group_id=NEW_GROUP, vpc_id=desired['vpc_id'] or VPC_NOT_KNOWN_YET, is_vpc=True)
        plans = self.plan_rules(no_rules, wanted_rules, place, 0, list(warnings), emit=self.module.check_mode)
        if self.module.check_mode:
            self.report(None, _group_model.group_after(planned, changes), no_rules, plans, True)
            return
        group_id, read = self.create(desired)
        planned.security_group_id = group_id
        planned.vpc_id = read.vpc_id
        current_rules = read.by_direction
        planned.inner_access_policy = read.inner_access_policy or 'accept'
        plans = self.plan_rules(current_rules, wanted_rules, read, read.total_rule_count, warnings)
        after = _group_model.group_after(planned, changes)
        self.report(None, after, current_rules, plans, True)
        self.apply(group_id, changes, plans, base_token, after, created=True)

    def create(self, desired):
        """CreateSecurityGroup with a token derived from the task, so that a repeated create finds the first group.

        Returns the new group's ID and its first read (GroupRules).
        """
        query = _group_model.create_params(desired)
        # How many groups of this name exist is part of the token: with multi_ok, every further group is a
        # different create, while the same task repeated after a lost answer sends the same token.
        token_base = '%s|%s|%s|%d' % (desired['client_token'] or CREATE_TOKEN_BASE, self.module.params['region'],
                                      json.dumps(query, sort_keys=True), self.existing_same_name)
        group_id = self.created(self.write('CreateSecurityGroup', query, token_base))
        read = _read_back.read_rules_or_none(self.call, group_id)
        if read is None and not _read_back.group_exists_for_writes(self.call, group_id, desired['name']):
            # The token answered with a group that is gone: this task ran before and the group was deleted since,
            # so the API replayed the old answer. This is a new life of the group: a create with a token of its own.
            group_id = self.created(self.write('CreateSecurityGroup', query, '%s|%s' % (token_base, uuid.uuid4().hex)))
            read = _read_back.read_rules_or_none(self.call, group_id)
        if read is None:
            # The group exists, but reads do not show it yet.
            read = self.first_read(group_id)
        if read is None:
            self.module.fail_json(msg='CreateSecurityGroup created %s, but DescribeSecurityGroupAttribute did not show it within '
                                      'wait_timeout=%ds; run the task again once the group shows' % (group_id, self.wait_seconds),
                                  **dict(self.result, request_ids=self.request_ids))
        return group_id, read

    def created(self, answer):
        """Record a create the API accepted: from here on, any failure reports the new group and changed."""
        group_id = answer.get('SecurityGroupId')
        self.done[:] = ['created %s' % group_id]
        self.result.update(changed=True, security_group_id=group_id)
        return group_id

    def first_read(self, group_id):
        """The new group's first read, waiting within wait_timeout while reads do not know it yet; None if they never do."""
        return _read_back.wait_for_group(self.call, group_id, self.read_back_seconds()).value

    def apply(self, group_id, changes, plans, base_token, after, created=False):
        """Write what differs: attributes, policy, tags, then rule removals in both directions, then additions;
        then read back until the group shows it all (``after``, the group as planned)."""
        applied = dict((direction, AppliedChanges()) for direction in plans)
        try:
            if changes.attributes:
                self.write('ModifySecurityGroupAttribute', dict(changes.attributes, SecurityGroupId=group_id), base_token)
                self.done.append('attributes updated')
            if changes.inner_access_policy:
                self.write('ModifySecurityGroupPolicy', dict(SecurityGroupId=group_id,
                                                             InnerAccessPolicy=changes.inner_access_policy.capitalize()), base_token)
                self.done.append('inner access policy set')
            if changes.tags_to_remove:
                self.write('UntagResources', _group_model.untag_params(group_id, changes.tags_to_remove), base_token)
                self.done.append('%d tags removed' % len(changes.tags_to_remove))
            if changes.tags_to_set:
                self.write('TagResources', _group_model.tag_params(group_id, changes.tags_to_set), base_token)
                self.done.append('%d tags set' % len(changes.tags_to_set))
            for steps in (('update', 'revoke'), ('authorize',)):
                for direction, plan in plans.items():
                    apply_plan(self.call, direction, plan, group_id, base_token, applied[direction], steps=steps)
        except (ApiError, PartialApplyError) as failure:
            error = failure.error if isinstance(failure, PartialApplyError) else failure
            done = list(self.done) + ['%s rules: %s' % (direction.name, changes_made.summary())
                                      for direction, changes_made in applied.items() if changes_made]
            # What the plan predicted is not what the group holds now; the next read tells.
            for key in ('group', 'rules', 'rules_egress', 'analysis'):
                self.result.pop(key, None)
            self.result.update(changed=bool(done), security_group_id=group_id)
            for key in ('added', 'removed', 'updated'):
                self.result[key] = dict((direction.name, getattr(applied[direction], key) if direction in applied else [])
                                        for direction in (INGRESS, EGRESS))
            self.fail_api(error, note=APPLIED_NOTE % '; '.join(done) if done else None)
        self.read_back(group_id, changes, plans, after, created)

    def read_back(self, group_id, changes, plans, after, created):
        """Wait until reads show what this task wrote, so that the next task (or this one run again) reads it.

        DescribeSecurityGroupAttribute shows the rules, the name, the description and the policy; the listing
        (DescribeSecurityGroups), which lookups by name read, is checked too after a create or a tag change.
        """
        if not self.wait_seconds or not (created or changes.changed or any(plan.changed for plan in plans.values())):
            return
        written = _read_back.GroupWrites(
            name=after.name if created or 'SecurityGroupName' in changes.attributes else None,
            description=changes.attributes.get('Description'), inner_access_policy=changes.inner_access_policy,
            tags_set=after.tags if created else changes.tags_to_set, tags_removed=changes.tags_to_remove)
        outcome = _read_back.wait_for_rules(self.call, group_id, plans, self.read_back_seconds(), written)
        if outcome.done and written.listed:
            outcome = _read_back.wait_for_listing(self.call, group_id, written, self.read_back_seconds())
        self.warn_unsettled(outcome, group_id)


def run_security_group_module(module_class):
    module = AlicloudAnsibleModule(
        argument_spec=group_argument_spec(),
        required_one_of=[('name', 'security_group_id')],
        supports_check_mode=True,
    )
    module_class(module).execute()
