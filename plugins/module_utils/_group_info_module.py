# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The security_group_info module: groups by ids, name prefix, VPC, tags or any DescribeSecurityGroups filter."""

from __future__ import annotations

import json
import re

from ansible_collections.alicloud.ecs.plugins.module_utils import _group_model, _groups
from ansible_collections.alicloud.ecs.plugins.module_utils._base import AlicloudAnsibleModule, AlicloudEcsModule, alicloud_argument_spec
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import EGRESS, INGRESS
from ansible_collections.alicloud.ecs.plugins.module_utils._values import RuleError

# Parameters the module sets itself, which `filters` must not override.
OWN_PARAMETERS = ('RegionId', 'SecurityGroupIds', 'VpcId', 'NextToken', 'MaxResults', 'PageNumber', 'PageSize')
# DescribeSecurityGroups accepts at most this many ids per call.
IDS_PER_CALL = 100


def api_parameter_name(name):
    """``security_group_type`` or ``SecurityGroupType`` -> ``SecurityGroupType``."""
    if '_' in name or name.islower():
        return ''.join(part.capitalize() for part in name.split('_'))
    return name


def describe_filters(params):
    """DescribeSecurityGroups parameters from the module's options, checked before any call."""
    filters = {}
    for name, value in sorted((params['filters'] or {}).items()):
        wire = api_parameter_name(str(name))
        if not re.match(r'^[A-Z][A-Za-z0-9.]*$', wire):
            raise RuleError('filters', '%r is not a DescribeSecurityGroups parameter name' % name)
        if wire in OWN_PARAMETERS or wire.startswith('Tag.'):
            raise RuleError('filters', '%s is set by the module (use security_group_ids, vpc_id or tags)' % wire)
        filters[wire] = str(value).lower() if isinstance(value, bool) else str(value)
    if params['vpc_id']:
        filters['VpcId'] = params['vpc_id']
    filters.update(_group_model.tag_query(_group_model.validate_tags(params['tags'])))
    return filters


class SecurityGroupInfoModule(AlicloudEcsModule):

    def run_module(self):
        params = self.module.params
        try:
            filters = describe_filters(params)
            _groups.check_group_options(params)
        except (RuleError, _groups.GroupLookupError) as error:
            self.module.fail_json(msg=str(error))
        found = []
        if params['security_group_ids'] is not None:
            ids = list(dict.fromkeys(params['security_group_ids']))
            for start in range(0, len(ids), IDS_PER_CALL):
                found.extend(_groups.describe_groups(self.call, SecurityGroupIds=json.dumps(ids[start:start + IDS_PER_CALL]), **filters))
        else:
            found = _groups.describe_groups(self.call, **filters)
        prefix = params['name_prefix']
        groups = [_group_model.group_from_api(item) for item in found
                  if not prefix or (item.get('SecurityGroupName') or '').startswith(prefix)]
        results = []
        for group in sorted(groups, key=lambda group: group.security_group_id):
            rules = {INGRESS: [], EGRESS: []}
            if params['include_rules']:
                read = _groups.read_group_rules(self.call, group.security_group_id)
                group.inner_access_policy = read.inner_access_policy
                rules = read.by_direction
            view = _group_model.group_view(group, rules)
            if params['include_rules']:
                view.update(rules=[rule.to_dict() for rule in rules[INGRESS]], rules_egress=[rule.to_dict() for rule in rules[EGRESS]])
            else:
                for key in ('permissions', 'permissions_egress', 'inner_access_policy'):
                    view.pop(key)
            results.append(view)
        self.result.update(groups=results, ids=[view['group_id'] for view in results])


def run_security_group_info_module(module_class):
    spec = alicloud_argument_spec()
    spec.update(
        security_group_ids=dict(type='list', elements='str', aliases=['group_ids', 'ids']),
        name_prefix=dict(type='str'),
        vpc_id=dict(type='str'),
        tags=dict(type='dict'),
        filters=dict(type='dict'),
        include_rules=dict(type='bool', default=False),
    )
    module = AlicloudAnsibleModule(argument_spec=spec, supports_check_mode=True)
    module_class(module).execute()
