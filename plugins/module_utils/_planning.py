# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Planning: from the rules a group has and the rules wanted, what to update, revoke and authorize.

Works on canonical rules of any one direction; nothing here talks to Ansible or to the network.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from ansible_collections.alicloud.ecs.plugins.module_utils import _ownership
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import sorted_rules
from ansible_collections.alicloud.ecs.plugins.module_utils._values import CLIENT_TOKEN_MAX_LENGTH, DESCRIPTION_MAX_LENGTH, RuleError

# ECS counts ingress and egress rules together against this limit per security group.
RULE_LIMIT = 200


def deduplicate_desired(rules, where_of, warnings=None):
    """Merge repeated rules of the desired list into one, keeping the description whichever entry gives it.

    Each merge is reported in ``warnings`` (when a list). The same rule twice with two different descriptions is
    an error naming both entries.
    """
    seen = {}
    for index, rule in enumerate(rules):
        key = rule.key()
        if key not in seen:
            seen[key] = (index, rule)
            continue
        first_index, first = seen[key]
        if warnings is not None:
            first_where, where = where_of(first_index).rstrip('.') or 'the rule', where_of(index).rstrip('.') or 'the rule'
            place = '%s lists it twice' % where if first_where == where else '%s repeats %s' % (where, first_where)
            warnings.append('%s: the same rule (%s); it is written once' % (place, rule.summary()))
        if rule.description is None or rule.description == first.description:
            continue
        if first.description is not None:
            raise RuleError(where_of(index) + 'description',
                            'this rule is the same as %s but with another description; a rule has one description'
                            % where_of(first_index).rstrip('.'))
        seen[key] = (first_index, replace(first, description=rule.description))
    return [rule for _index, rule in seen.values()]


@dataclass
class ChangePlan:
    """What must happen to reach the desired state, in the order it must happen."""

    before: list
    update: list = field(default_factory=list)     # (existing rule, new description)
    revoke: list = field(default_factory=list)     # existing rules
    authorize: list = field(default_factory=list)  # new rules
    # Rules a task limited to its own (rule_owner) leaves as they are: another owner's or nobody's.
    left_alone: list = field(default_factory=list)
    # (desired rule, existing rule of another owner that already is that rule): wanted, present, not claimed.
    held_by_others: list = field(default_factory=list)

    @property
    def changed(self):
        return bool(self.update or self.revoke or self.authorize)

    def after(self):
        """The rules once the plan is applied, as far as it can be known without a read."""
        revoked = set(id(rule) for rule in self.revoke)
        descriptions = dict((id(rule), description) for rule, description in self.update)
        rules = []
        for rule in self.before:
            if id(rule) in revoked:
                continue
            if id(rule) in descriptions:
                rule = replace(rule, description=descriptions[id(rule)])
            rules.append(rule)
        return sorted_rules(rules + list(self.authorize))

    def updated_rules(self):
        return sorted_rules([replace(rule, description=description) for rule, description in self.update])

    def spared(self):
        """The existing rules a task limited to its own left as they are: ``left_alone``, then those ``held_by_others``."""
        return self.left_alone + [existing for _wanted, existing in self.held_by_others]


def _keeper(matches, owner):
    """Of the existing copies of a desired rule, the one to keep: the owner's own, else an unmarked one, else any."""
    for wanted in (owner, None):
        for rule in matches:
            if _ownership.owner_of(rule.description) == wanted:
                return rule
    return matches[0]


def _owned_description(rule, keeper, owner):
    """The description an owner's rule must hold: the requested text (or the kept rule's own), then the marker."""
    text = rule.description if rule.description is not None else _ownership.text_of(keeper.description if keeper else None)
    description = _ownership.owned_description(text, owner)
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise RuleError('rule_owner', 'the existing rule %s would have a description of %d characters with the owner marker; ECS '
                                      'takes at most %d: give the rule a shorter description in the task'
                        % (rule.summary(), len(description), DESCRIPTION_MAX_LENGTH))
    return description


def plan_changes(existing, desired, state='present', purge=False, owner=None):
    """Compare existing rules with the desired ones (both of one direction).

    present: add what is missing, fix descriptions in place, and with purge revoke everything not
    desired (including extra copies of a desired rule that the API holds twice in different spellings).
    absent: revoke every existing rule that matches a desired one.
    With ``owner`` (rule_owner), every rule written or kept carries the owner's marker, and only rules that
    carry it are revoked; the others are left alone (listed in ``left_alone``). A desired rule that exists with
    another owner's marker is left with it (listed in ``held_by_others``).
    """
    by_key = {}
    for rule in existing:
        by_key.setdefault(rule.key(), []).append(rule)
    plan = ChangePlan(before=sorted_rules(existing))
    desired_keys = set()
    left_alone = []
    for rule in desired:
        key = rule.key()
        desired_keys.add(key)
        matches = by_key.get(key, [])
        if state == 'absent':
            plan.revoke.extend(match for match in matches if _ownership.in_scope(match, owner))
            left_alone.extend(match for match in matches if not _ownership.in_scope(match, owner))
            continue
        if not matches:
            plan.authorize.append(replace(rule, description=_owned_description(rule, None, owner)) if owner else rule)
            continue
        keeper = _keeper(matches, owner) if owner else matches[0]
        marked = _ownership.owner_of(keeper.description)
        if owner and marked is not None and marked != owner:
            plan.held_by_others.append((rule, keeper))
        else:
            description = _owned_description(rule, keeper, owner) if owner else rule.description
            if description is not None and description != keeper.description:
                plan.update.append((keeper, description))
        if purge:
            extras = [match for match in matches if match is not keeper]
            plan.revoke.extend(match for match in extras if _ownership.in_scope(match, owner))
            left_alone.extend(match for match in extras if not _ownership.in_scope(match, owner))
    if state == 'present' and purge:
        unwanted = [rule for rule in existing if rule.key() not in desired_keys]
        plan.revoke.extend(rule for rule in unwanted if _ownership.in_scope(rule, owner))
        left_alone.extend(rule for rule in unwanted if not _ownership.in_scope(rule, owner))
    plan.revoke = sorted_rules(plan.revoke)
    plan.authorize = sorted_rules(plan.authorize)
    plan.left_alone = sorted_rules(left_alone)
    plan.update.sort(key=lambda item: item[0].key())
    return plan


def check_rule_limit(plans, total_rule_count, limit=RULE_LIMIT, option='rules', cost=None, used=None):
    """Raise before any write when the plans would pass the group's total (ingress + egress) rule limit.

    ``plans`` is one plan or the plans of both directions of one group. ``cost(rule)`` is what a rule takes of
    the quota (1 unless it references a list, see _list_refs.rule_cost) and ``used`` what the group's rules take
    now; without them every rule counts one.
    """
    plans = plans if isinstance(plans, (list, tuple)) else [plans]
    cost = cost or (lambda rule: 1)
    used = total_rule_count if used is None else used
    adding = sum(cost(rule) for plan in plans for rule in plan.authorize)
    removing = sum(cost(rule) for plan in plans for rule in plan.revoke)
    after = used - removing + adding
    if not adding or after <= limit:
        return
    if used == total_rule_count and adding == sum(len(plan.authorize) for plan in plans):
        raise RuleError(option, 'the group would hold %d rules (%d now, %d to add, %d to remove); ECS allows at most %d '
                                'ingress and egress rules in total per security group'
                        % (after, total_rule_count, adding, removing, limit))
    raise RuleError(option, 'the group would take %d of its %d rules (%d now, %d to add, %d to remove), counting a rule that '
                            'references a prefix list or port range list as the max_entries of the list, as ECS does'
                    % (after, limit, used, adding, removing))


def rule_cost(rule, max_entries):
    """What one rule takes of its group's rule quota, at the least: 1, or the MaxEntries of the list it references.

    ECS charges a rule over a prefix list or a port range list the list's MaxEntries, however many entries
    it holds now (ECS Limits, note 3; CreatePortRangeList, MaxEntries). What a rule over both lists costs is
    not documented; the larger of the two is the least it can cost, so the check before any write never refuses
    what ECS would accept, and ECS's own answer decides the rest. ``max_entries`` is {list id: MaxEntries};
    a list not in it (one this caller cannot read) counts one.
    """
    costs = [max_entries.get(list_id, 1) for list_id in rule.list_ids]
    return max(costs) if costs else 1


def lists_to_size(plans, existing_rules):
    """The ids of the lists whose MaxEntries the quota check needs: none unless the plans add rules."""
    if not any(plan.authorize for plan in plans):
        return set()
    involved = list(existing_rules) + [rule for plan in plans for rule in plan.authorize]
    return set(list_id for rule in involved for list_id in rule.list_ids)


def check_group_quota(plans, existing_rules, total_rule_count, max_entries, option='rules'):
    """Raise a RuleError before any write when the plans would pass the group's rule quota, counting lists as ECS does.

    ``existing_rules`` are the group's rules of both directions, ``max_entries`` the sizes of the lists in
    ``lists_to_size``.
    """
    def cost(rule):
        return rule_cost(rule, max_entries)

    used = total_rule_count + sum(cost(rule) - 1 for rule in existing_rules)
    check_rule_limit(plans, total_rule_count, option=option, cost=cost, used=used)


def derive_client_token(base, action, params):
    """An idempotency token for one write: the same base, action and parameters give the same token.

    A retried request thus carries the same token, and so does a re-run of the task with the same
    user-given base token, while two different writes never share one (which the API rejects).
    """
    digest = hashlib.sha256()
    digest.update(base.encode('utf-8'))
    digest.update(action.encode('utf-8'))
    for name in sorted(params):
        digest.update(('\0%s=%s' % (name, params[name])).encode('utf-8'))
    return digest.hexdigest()[:CLIENT_TOKEN_MAX_LENGTH]
