# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Confirming writes by reading: a task ends when the cloud's reads show what it wrote.

ECS reads can lag its writes (a new rule missing from DescribeSecurityGroupAttribute, a new group briefly
unknown, a deleted one briefly still listed). A task that returned at once would leave the next task, or the
same task run again, reading the old state: a false change, or a second write. So every module that writes
reads back, through these functions, until the read shows its writes or its ``wait_timeout`` runs out.

The conditions compare what a task changed, not the whole group, so that other writers of the same group
(forks of one play, a colleague) cannot keep a confirmation from ever holding. ``call`` is the module's
retrying call; the conditions are plain functions that tests call with reads they make up.
"""

from __future__ import annotations

import json
from collections import Counter

from ansible_collections.alicloud.ecs.plugins.module_utils import _groups, _waiting
from ansible_collections.alicloud.ecs.plugins.module_utils._base import ApiError
from ansible_collections.alicloud.ecs.plugins.module_utils._group_model import group_from_api

GROUP_NOT_FOUND = 'InvalidSecurityGroupId.NotFound'


def rules_show_plans(read, plans):
    """True when the read (GroupRules) shows every change of ``plans`` ({Direction: ChangePlan}).

    Each added rule is there (with its description), each new description is there, and of every revoked
    rule no more copies remain than the plan keeps.
    """
    for direction, plan in plans.items():
        shown = Counter(rule.key() for rule in read.rules(direction))
        descriptions = set((rule.key(), rule.description) for rule in read.rules(direction))
        for rule in plan.authorize:
            if not shown[rule.key()] or (rule.description is not None and (rule.key(), rule.description) not in descriptions):
                return False
        for rule, description in plan.update:
            if (rule.key(), description) not in descriptions:
                return False
        kept = Counter(rule.key() for rule in plan.after())
        if any(shown[rule.key()] > kept[rule.key()] for rule in plan.revoke):
            return False
    return True


class GroupWrites:
    """What a task wrote to a group's own attributes, and so what its read-back checks (nothing else about the group,
    which other writers may change meanwhile)."""

    def __init__(self, name=None, description=None, inner_access_policy=None, tags_set=None, tags_removed=()):
        self.name = name
        self.description = description
        self.inner_access_policy = inner_access_policy
        self.tags_set = dict(tags_set or {})
        self.tags_removed = list(tags_removed)

    @property
    def listed(self):
        """Whether the listing (DescribeSecurityGroups) must show something: a name or tags."""
        return bool(self.name is not None or self.tags_set or self.tags_removed)


def attributes_show(read, written):
    """True when the read (GroupRules) shows the name, description and inner access policy the task wrote."""
    return all(wanted is None or wanted == shown for wanted, shown in (
        (written.name, read.name), (written.description, read.description),
        (written.inner_access_policy, read.inner_access_policy)))


def listing_shows(item, written):
    """True when a DescribeSecurityGroups entry shows the name and the tags the task wrote (GroupWrites)."""
    listed = group_from_api(item)
    return (written.name is None or listed.name == written.name) and \
        all(listed.tags.get(key) == value for key, value in written.tags_set.items()) and \
        not any(key in listed.tags for key in written.tags_removed)


def read_rules_or_none(call, group_id):
    """The group's rules, or None while the group is unknown to reads."""
    try:
        return _groups.read_group_rules(call, group_id)
    except ApiError as error:
        if error.code != GROUP_NOT_FOUND:
            raise
        return None


def listed(call, group_id):
    """The group's DescribeSecurityGroups entry, or None while the listing does not show it."""
    found = _groups.describe_groups(call, SecurityGroupIds=json.dumps([group_id]))
    return next((item for item in found if item.get('SecurityGroupId') == group_id), None)


def wait_for_rules(call, group_id, plans, seconds, written=None):
    """Read until the group shows ``plans`` (and the attributes ``written``, a GroupWrites, when given).

    The outcome's value is the last read (GroupRules, or None if the group was never shown).
    """
    def probe():
        read = read_rules_or_none(call, group_id)
        done = read is not None and rules_show_plans(read, plans) and (written is None or attributes_show(read, written))
        return done, read
    return _waiting.poll(probe, seconds)


def wait_for_group(call, group_id, seconds):
    """Read until a group just created is known to reads; the value is its first read (GroupRules) or None."""
    def probe():
        read = read_rules_or_none(call, group_id)
        return read is not None, read
    return _waiting.poll(probe, seconds)


def wait_for_listing(call, group_id, written, seconds):
    """List until DescribeSecurityGroups shows the group with the name and tags ``written`` (a GroupWrites), which
    is what a task that looks the group up by name reads next."""
    def probe():
        item = listed(call, group_id)
        return item is not None and listing_shows(item, written), item
    return _waiting.poll(probe, seconds)


def group_exists_for_writes(call, group_id, name):
    """Whether the group exists, asked of the API's writes, which act on the current state while reads may lag.

    Setting the name the group already has changes nothing; for a group deleted since, the API answers
    InvalidSecurityGroupId.NotFound. This tells a new group that reads do not show yet from one that is gone.
    """
    try:
        call('ModifySecurityGroupAttribute', dict(SecurityGroupId=group_id, SecurityGroupName=name), write=True)
    except ApiError as error:
        if error.code != GROUP_NOT_FOUND:
            raise
        return False
    return True


def wait_until_unlisted(call, group_id, seconds):
    """List until DescribeSecurityGroups no longer shows a group just deleted."""
    def probe():
        return listed(call, group_id) is None, None
    return _waiting.poll(probe, seconds)
