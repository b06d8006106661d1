# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A security group's own attributes: validation, their form in the API, and planning their changes.

The limits are those the ECS SDK's request models document for CreateSecurityGroup, TagResources and
ModifySecurityGroupPolicy. Nothing here talks to Ansible or to the network.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import EGRESS, INGRESS
from ansible_collections.alicloud.ecs.plugins.module_utils._values import RuleError

GROUP_TYPES = ('normal', 'enterprise')
INNER_ACCESS_POLICIES = ('accept', 'drop')
MAX_TAGS = 20
TAG_TEXT_MAX_LENGTH = 128
# Keys the user may not set (the API refuses them) and keys that are the cloud's own: services set them on a
# group, a user's purge must never remove them and the modules do not show them as the user's tags (the
# Terraform provider's tags.go, tagIgnored).
SYSTEM_TAG_PREFIXES = ('aliyun', 'acs:', 'http://', 'https://', 'sae.do.not.delete')
_NAME_EXTRA_CHARACTERS = ':_.-'
_URL_PREFIX = re.compile(r'^https?://', re.IGNORECASE)


def validate_group_name(value, option='name'):
    """2 to 128 characters, starting with a letter (any script), then letters, decimal digits and ``:_.-``.

    Digits of any script pass: whether the API takes them is for the API to say. The Terraform provider
    dropped its own check of names (commit 9b1a2ca76, "There is a bug in the SecurityGroupName attribute
    in CreateSecurityGroup"), so no client-side rule is stricter than the documents' words.
    """
    if value is None:
        return None
    text = str(value)
    if not 2 <= len(text) <= 128:
        raise RuleError(option, '%r must be 2 to 128 characters long (got %d)' % (text, len(text)))
    if _URL_PREFIX.match(text):
        raise RuleError(option, '%r must not start with http:// or https://' % text)
    if not unicodedata.category(text[0]).startswith('L'):
        raise RuleError(option, '%r must start with a letter' % text)
    bad = sorted(set(char for char in text if not (unicodedata.category(char)[0] == 'L' or unicodedata.category(char) == 'Nd'
                                                   or char in _NAME_EXTRA_CHARACTERS)))
    if bad:
        raise RuleError(option, '%r contains %s; a name may contain letters, digits and the characters : _ . -'
                        % (text, ', '.join(repr(char) for char in bad)))
    return text


def validate_group_description(value, option='description'):
    if value is None:
        return None
    text = str(value)
    if not 2 <= len(text) <= 256:
        raise RuleError(option, 'must be 2 to 256 characters long (got %d)' % len(text))
    if _URL_PREFIX.match(text):
        raise RuleError(option, 'must not start with http:// or https://')
    return text


def validate_tags(tags, option='tags'):
    """The tags as a {key: value} dict of strings; None when not given."""
    if tags is None:
        return None
    if not isinstance(tags, dict):
        raise RuleError(option, 'must be a dictionary of tag keys and values')
    if len(tags) > MAX_TAGS:
        raise RuleError(option, '%d tags given; a security group takes at most %d' % (len(tags), MAX_TAGS))
    canonical = {}
    for key, value in tags.items():
        key = '' if key is None else str(key)
        value = '' if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
        if not key or len(key) > TAG_TEXT_MAX_LENGTH:
            raise RuleError(option, 'the key %r must be 1 to %d characters long' % (key, TAG_TEXT_MAX_LENGTH))
        if key.lower().startswith(SYSTEM_TAG_PREFIXES):
            raise RuleError(option, 'the key %r is reserved for the cloud\'s own tags: keys must not start with %s'
                            % (key, ', '.join(SYSTEM_TAG_PREFIXES)))
        if len(value) > TAG_TEXT_MAX_LENGTH:
            raise RuleError(option, 'the value of %r must be at most %d characters long' % (key, TAG_TEXT_MAX_LENGTH))
        for text in (key, value):
            if 'http://' in text.lower() or 'https://' in text.lower():
                raise RuleError(option, 'the tag %r must not contain http:// or https://' % key)
        canonical[key] = value
    return canonical


def tags_from_api(group):
    """{key: value} from a DescribeSecurityGroups group's Tags.Tag list."""
    items = ((group.get('Tags') or {}).get('Tag')) or []
    return dict((item.get('TagKey'), item.get('TagValue') or '') for item in items if item.get('TagKey'))


def user_tags(tags):
    """The tags a user manages: without the cloud's own (aliyun..., acs:..., sae.do.not.delete...), which a
    purge leaves alone."""
    return dict((key, value) for key, value in tags.items() if not key.lower().startswith(SYSTEM_TAG_PREFIXES))


@dataclass
class Group:
    """What the module knows of one existing group."""

    security_group_id: str
    name: str | None
    description: str | None
    vpc_id: str | None
    group_type: str
    resource_group_id: str | None
    tags: dict
    creation_time: str | None = None
    inner_access_policy: str | None = None


def group_from_api(item):
    """A Group from one entry of DescribeSecurityGroups."""
    return Group(
        security_group_id=item.get('SecurityGroupId'),
        name=item.get('SecurityGroupName') or None,
        description=item.get('Description') or None,
        vpc_id=item.get('VpcId') or None,
        group_type=(item.get('SecurityGroupType') or 'normal').lower(),
        resource_group_id=item.get('ResourceGroupId') or None,
        tags=tags_from_api(item),
        creation_time=item.get('CreationTime') or None,
    )


@dataclass
class GroupChanges:
    """What must change on an existing group's own attributes, each written only when it differs."""

    attributes: dict = field(default_factory=dict)  # SecurityGroupName / Description for ModifySecurityGroupAttribute
    inner_access_policy: str | None = None           # the new policy, for ModifySecurityGroupPolicy
    tags_to_set: dict = field(default_factory=dict)
    tags_to_remove: list = field(default_factory=list)

    @property
    def changed(self):
        return bool(self.attributes or self.inner_access_policy or self.tags_to_set or self.tags_to_remove)


def check_fixed_attributes(group, desired):
    """Refuse a change of what a group keeps for life, before any write."""
    if desired.get('security_group_type') and desired['security_group_type'] != group.group_type:
        raise RuleError('security_group_type', '%s is a %s security group; the type is fixed when a group is created '
                                               '(create a new group to change it)' % (group.security_group_id, group.group_type))
    if desired.get('vpc_id') and desired['vpc_id'] != group.vpc_id:
        raise RuleError('vpc_id', '%s is in %s, not %s; a group cannot move to another network'
                        % (group.security_group_id, group.vpc_id or 'the classic network', desired['vpc_id']))
    if desired.get('resource_group_id') and desired['resource_group_id'] != group.resource_group_id:
        raise RuleError('resource_group_id', '%s is in resource group %s; this module sets the resource group only when '
                                             'it creates a group' % (group.security_group_id, group.resource_group_id or '(none)'))
    if desired.get('inner_access_policy') and group.group_type == 'enterprise' and desired['inner_access_policy'] != 'drop':
        raise RuleError('inner_access_policy', '%s is an enterprise security group, whose members never reach each other '
                                               'through the group; its inner access policy cannot be changed' % group.security_group_id)


def plan_group_changes(group, desired, purge_tags=True):
    """Compare an existing group with the desired attributes (absent ones None: leave them alone)."""
    changes = GroupChanges()
    if desired.get('name') is not None and desired['name'] != group.name:
        changes.attributes['SecurityGroupName'] = desired['name']
    if desired.get('description') is not None and desired['description'] != group.description:
        changes.attributes['Description'] = desired['description']
    wanted_policy = desired.get('inner_access_policy')
    if wanted_policy and group.group_type != 'enterprise' and wanted_policy != group.inner_access_policy:
        changes.inner_access_policy = wanted_policy
    tags = desired.get('tags')
    if tags is not None:
        current = user_tags(group.tags)
        changes.tags_to_set = dict((key, value) for key, value in sorted(tags.items()) if current.get(key) != value)
        if purge_tags:
            changes.tags_to_remove = sorted(key for key in current if key not in tags)
    return changes


def group_after(group, changes):
    """The group as it will be once ``changes`` are applied."""
    tags = dict((key, value) for key, value in group.tags.items() if key not in changes.tags_to_remove)
    tags.update(changes.tags_to_set)
    return Group(
        security_group_id=group.security_group_id,
        name=changes.attributes.get('SecurityGroupName', group.name),
        description=changes.attributes.get('Description', group.description),
        vpc_id=group.vpc_id,
        group_type=group.group_type,
        resource_group_id=group.resource_group_id,
        tags=tags,
        creation_time=group.creation_time,
        inner_access_policy=changes.inner_access_policy or group.inner_access_policy,
    )


def create_params(desired):
    """CreateSecurityGroup parameters for the desired group (tags in the same call)."""
    params = {}
    for option, wire in (('name', 'SecurityGroupName'), ('description', 'Description'), ('vpc_id', 'VpcId'),
                         ('security_group_type', 'SecurityGroupType'), ('resource_group_id', 'ResourceGroupId')):
        if desired.get(option):
            params[wire] = desired[option]
    params.update(tag_query(desired.get('tags')))
    return params


def tag_query(tags):
    """Tags as the API's Tag.N.Key / Tag.N.Value parameters, in key order (no tags: none)."""
    query = {}
    for index, (key, value) in enumerate(sorted((tags or {}).items()), start=1):
        query['Tag.%d.Key' % index] = key
        query['Tag.%d.Value' % index] = value
    return query


def tag_params(group_id, tags):
    return dict(tag_query(tags), ResourceType='securitygroup', **{'ResourceId.1': group_id})


def untag_params(group_id, keys):
    params = dict(ResourceType='securitygroup', **{'ResourceId.1': group_id})
    for index, key in enumerate(sorted(keys), start=1):
        params['TagKey.%d' % index] = key
    return params


def newest(groups):
    """The most recently created of several groups (by CreationTime, then id for a stable choice)."""
    return max(groups, key=lambda group: (group.creation_time or '', group.security_group_id))


def group_view(group, rules_by_direction):
    """The ``group`` result: the keys of ali_security_group, in this collection's canonical values."""
    if group is None:
        return {}
    ingress = [dict(rule.to_dict(), direction='ingress') for rule in rules_by_direction[INGRESS]]
    egress = [dict(rule.to_dict(), direction='egress') for rule in rules_by_direction[EGRESS]]
    return dict(group_id=group.security_group_id, id=group.security_group_id, group_name=group.name,
                description=group.description, vpc_id=group.vpc_id, security_group_type=group.group_type,
                resource_group_id=group.resource_group_id, inner_access_policy=group.inner_access_policy,
                tags=user_tags(group.tags), permissions=ingress, permissions_egress=egress)
