# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The security_group_flow_info module: what a set of groups does with given flows, or which of their
rules can never take effect."""

from __future__ import annotations

import json

from ansible_collections.alicloud.ecs.plugins.module_utils import _flow_analysis, _group_model, _groups
from ansible_collections.alicloud.ecs.plugins.module_utils._base import AlicloudAnsibleModule, AlicloudEcsModule, alicloud_argument_spec
from ansible_collections.alicloud.ecs.plugins.module_utils._list_refs import ListReferences, list_report
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import EGRESS, INGRESS
from ansible_collections.alicloud.ecs.plugins.module_utils._values import RuleError

FLOW_OPTIONS = dict(
    direction=dict(type='str', required=True, choices=['ingress', 'egress']),
    protocol=dict(type='str', required=True),
    remote=dict(type='str', required=True),
    port=dict(type='int'),
    local=dict(type='str'),
    source_port=dict(type='int'),
    nic_type=dict(type='str'),
    remote_groups=dict(type='list', elements='str'),
)


class SecurityGroupFlowInfoModule(AlicloudEcsModule):

    def described_groups(self):
        """The DescribeSecurityGroups entries of the groups asked for: by ID first, then by name, each group once."""
        params = self.module.params
        by_name = []
        for name in params['security_group_names'] or []:
            try:
                by_name.append(_groups.find_group(self.call, name, params['vpc_id'], 'security_group_names', 'security_group_ids'))
            except _groups.GroupLookupError as error:
                self.module.fail_json(msg=str(error), request_ids=self.request_ids)
        found = dict((item.get('SecurityGroupId'), item) for item in by_name)
        by_id = [group_id for group_id in dict.fromkeys(params['security_group_ids'] or []) if group_id not in found]
        if by_id:
            found.update((item.get('SecurityGroupId'), item) for item in _groups.describe_groups(self.call, SecurityGroupIds=json.dumps(by_id)))
        missing = [group_id for group_id in by_id if group_id not in found]
        if missing:
            self.module.fail_json(msg='security_group_ids: no security group %s in region %s' % (', '.join(missing), params['region']),
                                  request_ids=self.request_ids)
        order = list(dict.fromkeys((params['security_group_ids'] or []) + [item.get('SecurityGroupId') for item in by_name]))
        return [found[group_id] for group_id in order]

    def run_module(self):
        params = self.module.params
        try:
            _groups.check_group_options(params)
            flows = [(item['direction'], _flow_analysis.parse_flow(item, 'flows[%d].' % index))
                     for index, item in enumerate(params['flows'] or [])]
            if not (params['security_group_ids'] or params['security_group_names']):
                raise RuleError('security_group_ids', 'give at least one group, by ID (security_group_ids) or by name (security_group_names)')
        except (RuleError, _groups.GroupLookupError) as error:
            self.module.fail_json(msg=str(error))

        contexts, rules = [], {INGRESS: [], EGRESS: []}
        for group in self.described_groups():
            group_id = group.get('SecurityGroupId')
            read = _groups.read_group_rules(self.call, group_id)
            contexts.append(_flow_analysis.GroupContext(group_id, _group_model.group_from_api(group).group_type, read.inner_access_policy))
            for direction in (INGRESS, EGRESS):
                rules[direction].extend((group_id, rule) for rule in read.rules(direction))
        list_ids = sorted(set(list_id for tagged in rules.values() for _group, rule in tagged for list_id in rule.list_ids))
        list_entries, unresolved = {}, list_ids
        if params['resolve_lists']:
            references = ListReferences(self.call, params['region'])
            unresolved = []
            for list_id in list_ids:
                entries = references.readable_entries(list_id)
                if entries is None:
                    unresolved.append(list_id)
                else:
                    list_entries[list_id] = entries

        try:
            if flows:
                # Each direction's rules are compiled once, whatever the number of flows.
                tables = dict((direction.name, _flow_analysis.RuleTable(rules[direction], list_entries)) for direction in (INGRESS, EGRESS))
                results = []
                for direction_name, flow in flows:
                    result = _flow_analysis.evaluate(direction_name, None, flow, contexts, table=tables[direction_name])
                    results.append(dict(result, direction=direction_name))
                self.result['flows'] = results
            else:
                self.result['findings'] = dict((direction.name, _flow_analysis.findings(direction.name, rules[direction], contexts, list_entries))
                                               for direction in (INGRESS, EGRESS))
        except RuleError as error:
            self.module.fail_json(msg=str(error), request_ids=self.request_ids)
        self.result.update(
            security_groups=[dict(security_group_id=context.security_group_id, security_group_type=context.group_type,
                                  inner_access_policy=context.inner_access_policy) for context in contexts],
            **list_report(list_entries, unresolved)
        )


def run_security_group_flow_info_module(module_class):
    spec = alicloud_argument_spec()
    spec.update(
        security_group_ids=dict(type='list', elements='str'),
        security_group_names=dict(type='list', elements='str'),
        vpc_id=dict(type='str'),
        flows=dict(type='list', elements='dict', options=FLOW_OPTIONS),
        resolve_lists=dict(type='bool', default=True, aliases=['resolve_prefix_lists']),
    )
    module = AlicloudAnsibleModule(argument_spec=spec, supports_check_mode=True, required_by=dict(vpc_id='security_group_names'))
    module_class(module).execute()
