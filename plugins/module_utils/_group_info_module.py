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

# Parameters the module sets itself (paging), which `filters` cannot give.
PAGING_PARAMETERS = ('RegionId', 'NextToken', 'MaxResults', 'PageNumber', 'PageSize')
# Filter keys that an option of this module also sets: {API name: option}. Given both ways, they must agree.
OPTION_FILTERS = dict(VpcId='vpc_id', SecurityGroupName='group_name')
# DescribeSecurityGroups accepts at most this many ids per call.
IDS_PER_CALL = 100


def api_parameter_name(name):
    """``security_group_type``, ``security-group-type`` or ``SecurityGroupType`` -> ``SecurityGroupType``.

    ali_security_group_info documents filter keys "as the request parameter name, or lower case with underscores or
    dashes"; its own examples write ``vpc-id``.
    """
    if '_' in name or '-' in name or name.islower():
        return ''.join(part.capitalize() for part in re.split(r'[_-]', name))
    return name


def _ids_of(value, key):
    """A SecurityGroupIds filter: a list, or a JSON list, or one id."""
    if isinstance(value, (list, tuple)):
        ids = [str(item) for item in value]
    elif isinstance(value, str) and value.strip().startswith('['):
        try:
            ids = [str(item) for item in json.loads(value)]
        except ValueError:
            raise RuleError('filters', '%s: %r is not a list of security group IDs' % (key, value)) from None
    else:
        ids = [str(value)]
    if any(not item.strip() for item in ids):
        raise RuleError('filters', '%s: an ID is empty' % key)
    return ids


def describe_filters(params):
    """(DescribeSecurityGroups parameters, security group ids or None) from the module's options, before any call.

    A filter key may name what an option also sets (``vpc_id``, ``SecurityGroupIds``, ``Tag.N.Key``,
    ``security_group_name``): the peer module allows that. The two must then agree; ids from ``filters`` join
    ``security_group_ids``, as the peer documents it.
    """
    filters, ids = {}, params['security_group_ids']
    chosen = dict((option, params[option]) for option in OPTION_FILTERS.values())
    for name, value in sorted((params['filters'] or {}).items()):
        wire = api_parameter_name(str(name))
        if not re.match(r'^[A-Z][A-Za-z0-9.]*$', wire):
            raise RuleError('filters', '%r is not a DescribeSecurityGroups parameter name' % name)
        if wire in PAGING_PARAMETERS:
            raise RuleError('filters', '%s is set by the module, which reads every page' % wire)
        if wire.startswith('Tag.'):
            raise RuleError('filters', '%s: give tags with the tags option, as a dictionary' % name)
        if wire == 'SecurityGroupIds':
            ids = list(ids or []) + _ids_of(value, name)
            continue
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if wire in OPTION_FILTERS:
            option = OPTION_FILTERS[wire]
            if not text.strip():
                raise RuleError('filters', '%s is empty; give a value or leave it out' % name)
            if chosen[option] is not None and chosen[option] != text:
                raise RuleError(option, '%r and filters.%s %r disagree; give one of them' % (chosen[option], name, text))
            chosen[option] = text
            continue
        filters[wire] = text
    for wire, option in OPTION_FILTERS.items():
        if chosen[option]:
            filters[wire] = chosen[option]
    filters.update(_group_model.tag_query(_group_model.validate_tags(params['tags'])))
    return filters, None if ids is None else list(dict.fromkeys(ids))


class SecurityGroupInfoModule(AlicloudEcsModule):

    def run_module(self):
        params = self.module.params
        try:
            _groups.check_group_options(params)
            for option in ('name_prefix', 'group_name'):
                if params[option] is not None and not params[option].strip():
                    raise RuleError(option, 'is empty; give the %s or leave the option out' % (
                        'start of the group names' if option == 'name_prefix' else 'exact name of a group'))
            filters, ids = describe_filters(params)
        except (RuleError, _groups.GroupLookupError) as error:
            self.module.fail_json(msg=str(error))
        found = []
        if ids is not None:
            for start in range(0, len(ids), IDS_PER_CALL):
                found.extend(_groups.describe_groups(self.call, SecurityGroupIds=json.dumps(ids[start:start + IDS_PER_CALL]), **filters))
        else:
            found = _groups.describe_groups(self.call, **filters)
        prefix = params['name_prefix']
        # The API's name filter is not documented as exact; only an exact match counts.
        name = filters.get('SecurityGroupName')
        groups = [_group_model.group_from_api(item) for item in found
                  if (not prefix or (item.get('SecurityGroupName') or '').startswith(prefix))
                  and (name is None or item.get('SecurityGroupName') == name)]
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
        group_name=dict(type='str', aliases=['name']),
        vpc_id=dict(type='str'),
        tags=dict(type='dict'),
        filters=dict(type='dict'),
        include_rules=dict(type='bool', default=False),
    )
    module = AlicloudAnsibleModule(argument_spec=spec, supports_check_mode=True)
    module_class(module).execute()
