# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Planning: from the rules a group has and the rules wanted, what to update, revoke and authorize.

Works on canonical rules of any one direction; nothing here talks to Ansible or to the network.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import sorted_rules
from ansible_collections.alicloud.ecs.plugins.module_utils._values import CLIENT_TOKEN_MAX_LENGTH, RuleError

# ECS counts ingress and egress rules together against this limit per security group.
RULE_LIMIT = 200


def deduplicate_desired(rules, where_of):
    """Merge repeated rules of the desired list into one, keeping the description whichever entry gives it.

    The same rule twice with two different descriptions is an error naming both entries.
    """
    seen = {}
    for index, rule in enumerate(rules):
        key = rule.key()
        if key not in seen:
            seen[key] = (index, rule)
            continue
        first_index, first = seen[key]
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


def plan_changes(existing, desired, state='present', purge=False):
    """Compare existing rules with the desired ones (both of one direction).

    present: add what is missing, fix descriptions in place, and with purge revoke everything not
    desired (including extra copies of a desired rule that the API holds twice in different spellings).
    absent: revoke every existing rule that matches a desired one.
    """
    by_key = {}
    for rule in existing:
        by_key.setdefault(rule.key(), []).append(rule)
    plan = ChangePlan(before=sorted_rules(existing))
    desired_keys = set()
    for rule in desired:
        key = rule.key()
        desired_keys.add(key)
        matches = by_key.get(key, [])
        if state == 'absent':
            plan.revoke.extend(matches)
            continue
        if not matches:
            plan.authorize.append(rule)
            continue
        keeper = matches[0]
        if rule.description is not None and rule.description != keeper.description:
            plan.update.append((keeper, rule.description))
        if purge:
            plan.revoke.extend(matches[1:])
    if state == 'present' and purge:
        plan.revoke.extend(rule for rule in existing if rule.key() not in desired_keys)
    plan.revoke = sorted_rules(plan.revoke)
    plan.authorize = sorted_rules(plan.authorize)
    plan.update.sort(key=lambda item: item[0].key())
    return plan


def check_rule_limit(plans, total_rule_count, limit=RULE_LIMIT, option='rules'):
    """Raise before any write when the plans would pass the group's total (ingress + egress) rule limit.

    ``plans`` is one plan or the plans of both directions of one group.
    """
    plans = plans if isinstance(plans, (list, tuple)) else [plans]
    adding = sum(len(plan.authorize) for plan in plans)
    removing = sum(len(plan.revoke) for plan in plans)
    after = total_rule_count - removing + adding
    if adding and after > limit:
        raise RuleError(option, 'the group would hold %d rules (%d now, %d to add, %d to remove); ECS allows at most %d '
                                'ingress and egress rules in total per security group'
                        % (after, total_rule_count, adding, removing, limit))


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
