# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Wire encoding of rule writes: the query parameters of the Authorize, Revoke and Modify actions."""

from __future__ import annotations

# ECS accepts at most 100 entries in one Permissions.N or SecurityGroupRuleId.N list.
WRITE_BATCH_SIZE = 100


def batches(items, size=WRITE_BATCH_SIZE):
    return [items[start:start + size] for start in range(0, len(items), size)]


def authorize_params(rules):
    """Permissions.N.* query parameters for one batched Authorize call of the rules' direction."""
    params = {}
    for index, rule in enumerate(rules, start=1):
        params.update(rule.to_api('Permissions.%d.' % index))
    return params


def revoke_params(rules):
    """SecurityGroupRuleId.N query parameters for one batched Revoke call."""
    return dict(('SecurityGroupRuleId.%d' % index, rule.security_group_rule_id) for index, rule in enumerate(rules, start=1))


def modify_description_params(rule, description):
    """Query parameters that set the description of one existing rule in place."""
    return dict(SecurityGroupRuleId=rule.security_group_rule_id, Description=description)
