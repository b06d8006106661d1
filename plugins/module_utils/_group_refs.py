# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The security groups that rules reference by name, found in the VPC of the group the rules belong to.

ECS references a group by id only; a name is looked up once per task and VPC, and must name exactly one
group there. Every function takes the API ``call(action, query) -> body``, so the modules pass their
base's retrying call and tests pass anything that answers like the API.
"""

from __future__ import annotations

from dataclasses import replace

from ansible_collections.alicloud.ecs.plugins.module_utils import _groups
from ansible_collections.alicloud.ecs.plugins.module_utils._values import RuleError

# The VPC of a group still to be created without vpc_id: ECS puts it in the region's default VPC, known only once
# it exists. Names are then checked for their form and for naming the group itself, and looked up after the create.
VPC_NOT_KNOWN_YET = 'the VPC of the new group'
# How many of a VPC's group names a message offers when a name matches none of them.
CANDIDATES_SHOWN = 10
# Why a group cannot be its own rule's remote end: the AuthorizeSecurityGroupEgress document's error table
# (403 InvalidParamter.Conflict, "The specified SecurityGroupId should be different from the SourceGroupId").
SELF_REFERENCE = ('ECS refuses a rule whose %s is its own group (InvalidParamter.Conflict); the members of a normal group '
                  'reach each other through the group\'s inner access policy (security_group inner_access_policy: accept)')


class GroupNames:
    """The ids behind the group names of one task's rules, each (VPC, name) asked for once."""

    def __init__(self, call):
        self.call = call
        self._groups_in = {}

    def _groups_of(self, vpc_id):
        """[(name, id)] of the groups of one VPC (of the classic network when ``vpc_id`` is None), read once."""
        if vpc_id not in self._groups_in:
            filters = dict(VpcId=vpc_id) if vpc_id else dict(NetworkType='classic')
            found = _groups.describe_groups(self.call, **filters)
            self._groups_in[vpc_id] = [(item.get('SecurityGroupName') or '', item.get('SecurityGroupId')) for item in found
                                       if (item.get('VpcId') or None) == vpc_id]
        return self._groups_in[vpc_id]

    def id_named(self, name, vpc_id, option):
        """The id of the one group called ``name`` in ``vpc_id``; a RuleError naming ``option`` and the candidates otherwise."""
        groups = self._groups_of(vpc_id)
        ids = sorted(group_id for group_name, group_id in groups if group_name == name)
        where = 'VPC %s' % vpc_id if vpc_id else 'the classic network'
        if len(ids) > 1:
            raise RuleError(option, '%d security groups in %s are named %r (%s); give the id instead' % (len(ids), where, name, ', '.join(ids)))
        if not ids:
            names = sorted(set(group_name for group_name, _group_id in groups if group_name))
            shown = ', '.join(repr(candidate) for candidate in names[:CANDIDATES_SHOWN])
            more = ' and %d more' % (len(names) - CANDIDATES_SHOWN) if len(names) > CANDIDATES_SHOWN else ''
            raise RuleError(option, 'no security group in %s is named %r; the groups there are %s%s'
                            % (where, name, shown or 'none', more))
        return ids[0]

    def resolve_names(self, rules, where_of, vpc_id, own_group_id=None, own_name=None):
        """The rules with every group given by name also given by id; ``where_of(index)`` prefixes option names.

        ``own_group_id`` and ``own_name`` are the group the rules belong to (a group this task is about to create
        has no id yet): a rule that names it is refused before any call, as ECS would refuse it.
        """
        resolved = []
        for index, rule in enumerate(rules):
            name = rule.peer_group_name
            if not name or rule.peer_group_id:
                resolved.append(rule)
                continue
            option = where_of(index) + rule.direction.option('peer_group_name')
            if own_name is not None and name == own_name:
                raise RuleError(option, 'names the group these rules belong to; ' + SELF_REFERENCE % rule.direction.peer_noun)
            if vpc_id == VPC_NOT_KNOWN_YET:
                # A stand-in id, unique per name, for the check made before the create; never written.
                resolved.append(replace(rule, peer_group_id='(%s)' % name))
                continue
            group_id = self.id_named(name, vpc_id, option)
            if group_id == own_group_id:
                raise RuleError(option, 'names the group these rules belong to (%s); %s' % (group_id, SELF_REFERENCE % rule.direction.peer_noun))
            resolved.append(replace(rule, peer_group_id=group_id))
        return resolved
