# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the rule info modules of both directions share (security_group_egress_info, security_group_ingress_info).

Kept apart from the rule modules' base so that a read-only task loads no planning, writing or analysis code.
"""

from __future__ import annotations

from ansible_collections.alicloud.ecs.plugins.module_utils import _filters, _groups
from ansible_collections.alicloud.ecs.plugins.module_utils._base import (
    AlicloudAnsibleModule, AlicloudEcsModule, alicloud_argument_spec,
)
from ansible_collections.alicloud.ecs.plugins.module_utils._list_refs import ListReferences
from ansible_collections.alicloud.ecs.plugins.module_utils._values import RuleError


class RuleInfoModule(AlicloudEcsModule):
    """A module that lists the rules of one direction of one or more groups, optionally filtered."""

    DIRECTION = None

    def run_module(self):
        params = self.module.params
        try:
            filters = _filters.parse_filters(self.DIRECTION, params)
        except RuleError as error:
            self.module.fail_json(msg=str(error))
        try:
            _groups.check_group_options(params)
            if params['security_group_ids'] is not None:
                group_ids = params['security_group_ids']
            else:
                group_ids = [_groups.target_group_id(self.call, params)]
        except _groups.GroupLookupError as error:
            self.module.fail_json(msg=str(error), request_ids=self.request_ids)

        groups = []
        references = ListReferences(self.call, params['region'])
        list_entries = {}
        for group_id in dict.fromkeys(group_ids):
            group = _groups.read_group_rules(self.call, group_id)
            if 'port' in filters:
                # Which ports a rule over a port range list opens is in the list: each list is read once for the task.
                for rule in group.rules(self.DIRECTION):
                    if rule.port_range_list_id and rule.port_range_list_id not in list_entries:
                        list_entries[rule.port_range_list_id] = references.readable_entries(rule.port_range_list_id)
            rules = [rule.to_dict() for rule in group.rules(self.DIRECTION) if _filters.rule_matches(rule, filters, list_entries)]
            groups.append(dict(security_group_id=group_id, vpc_id=group.vpc_id, total_rule_count=group.total_rule_count, rules=rules))
        for list_id in sorted(list_id for list_id, entries in list_entries.items() if entries is None):
            self.module.warn('port: port range list %s could not be read; its rules are returned, as they may apply to port %d'
                             % (list_id, filters['port']))
        self.result.update(security_groups=groups, rules=[rule for group in groups for rule in group['rules']])


def run_rule_info_module(module_class):
    spec = alicloud_argument_spec()
    spec.update(_groups.group_argument_spec())
    spec.update(security_group_ids=dict(type='list', elements='str'))
    spec.update(_filters.filter_argument_spec(module_class.DIRECTION))
    module = AlicloudAnsibleModule(
        argument_spec=spec,
        required_one_of=[('security_group_id', 'security_group_ids', 'security_group_name')],
        mutually_exclusive=[('security_group_id', 'security_group_ids', 'security_group_name')],
        required_by=_groups.GROUP_OPTION_RULES['required_by'],
        supports_check_mode=True,
    )
    module_class(module).execute()
