# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The security_group_flow_info module: what a set of groups does with given flows, or which of their
rules can never take effect."""

from __future__ import annotations

import json

from ansible_collections.alicloud.ecs.plugins.module_utils import _flow_analysis, _group_model, _groups
from ansible_collections.alicloud.ecs.plugins.module_utils._base import AlicloudAnsibleModule, AlicloudEcsModule, ApiError, alicloud_argument_spec
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
# Codes that say a prefix list cannot be read by this caller, rather than that the call went wrong.
UNREADABLE_PREFIX_LIST_CODES = ('InvalidPrefixListId.NotFound', 'Forbidden.RAM', 'Forbidden', 'NoPermission')


def read_prefix_list_entries(call, prefix_list_id):
    """The CIDR blocks of a prefix list (DescribePrefixListAttributes), or None when it cannot be read."""
    try:
        body = call('DescribePrefixListAttributes', dict(PrefixListId=prefix_list_id))
    except ApiError as error:
        if error.code in UNREADABLE_PREFIX_LIST_CODES:
            return None
        raise
    return [entry.get('Cidr') for entry in ((body.get('Entries') or {}).get('Entry') or []) if entry.get('Cidr')]


class SecurityGroupFlowInfoModule(AlicloudEcsModule):

    def group_ids(self):
        params = self.module.params
        ids = list(params['security_group_ids'] or [])
        for name in params['security_group_names'] or []:
            try:
                ids.append(_groups.find_group_id(self.call, name, params['vpc_id']))
            except _groups.GroupLookupError as error:
                self.module.fail_json(msg=str(error).replace('security_group_name:', 'security_group_names:', 1), request_ids=self.request_ids)
        return list(dict.fromkeys(ids))

    def run_module(self):
        params = self.module.params
        try:
            flows = [(item['direction'], _flow_analysis.parse_flow(item, 'flows[%d].' % index))
                     for index, item in enumerate(params['flows'] or [])]
            for option in ('security_group_ids', 'security_group_names'):
                if any(not value.strip() for value in params[option] or []):
                    raise RuleError(option, 'an element is empty')
            if not (params['security_group_ids'] or params['security_group_names']):
                raise RuleError('security_group_ids', 'give at least one group, by ID (security_group_ids) or by name (security_group_names)')
        except RuleError as error:
            self.module.fail_json(msg=str(error))

        group_ids = self.group_ids()
        described = dict((item.get('SecurityGroupId'), _group_model.group_from_api(item))
                         for item in _groups.describe_groups(self.call, SecurityGroupIds=json.dumps(group_ids)))
        missing = [group_id for group_id in group_ids if group_id not in described]
        if missing:
            self.module.fail_json(msg='security_group_ids: no security group %s in region %s' % (', '.join(missing), params['region']),
                                  request_ids=self.request_ids)
        contexts, rules = [], {INGRESS: [], EGRESS: []}
        for group_id in group_ids:
            read = _groups.read_group_rules(self.call, group_id)
            contexts.append(_flow_analysis.GroupContext(group_id, described[group_id].group_type, read.inner_access_policy))
            for direction in (INGRESS, EGRESS):
                rules[direction].extend((group_id, rule) for rule in read.rules(direction))
        prefix_lists, unresolved = {}, []
        if params['resolve_prefix_lists']:
            for list_id in sorted(set(rule.peer_prefix_list_id for tagged in rules.values() for _group, rule in tagged if rule.peer_prefix_list_id)):
                entries = read_prefix_list_entries(self.call, list_id)
                if entries is None:
                    unresolved.append(list_id)
                else:
                    prefix_lists[list_id] = entries
        else:
            unresolved = sorted(set(rule.peer_prefix_list_id for tagged in rules.values() for _group, rule in tagged if rule.peer_prefix_list_id))

        try:
            if flows:
                results = []
                for direction_name, flow in flows:
                    direction = INGRESS if direction_name == 'ingress' else EGRESS
                    result = _flow_analysis.evaluate(direction_name, rules[direction], flow, contexts, prefix_lists)
                    results.append(dict(result, direction=direction_name))
                self.result['flows'] = results
            else:
                self.result['findings'] = dict((direction.name, _flow_analysis.findings(direction.name, rules[direction], contexts, prefix_lists))
                                               for direction in (INGRESS, EGRESS))
        except RuleError as error:
            self.module.fail_json(msg=str(error), request_ids=self.request_ids)
        self.result.update(
            security_groups=[dict(security_group_id=context.security_group_id, security_group_type=context.group_type,
                                  inner_access_policy=context.inner_access_policy) for context in contexts],
            prefix_lists=dict(resolved=sorted(prefix_lists), unresolved=unresolved),
        )


def run_security_group_flow_info_module(module_class):
    spec = alicloud_argument_spec()
    spec.update(
        security_group_ids=dict(type='list', elements='str'),
        security_group_names=dict(type='list', elements='str'),
        vpc_id=dict(type='str'),
        flows=dict(type='list', elements='dict', options=FLOW_OPTIONS),
        resolve_prefix_lists=dict(type='bool', default=True),
    )
    module = AlicloudAnsibleModule(argument_spec=spec, supports_check_mode=True)
    module_class(module).execute()
