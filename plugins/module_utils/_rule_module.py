# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the rule modules of both directions share: options, reading, planning, writing, results.

A module of one direction (security_group_egress, security_group_ingress and their info modules) is
a subclass that names its Direction; everything else is here, written once.
"""

from __future__ import annotations

import uuid

from ansible_collections.alicloud.ecs.plugins.module_utils import _flow_analysis, _groups, _ownership, _planning, _read_back, _rule_requests
from ansible_collections.alicloud.ecs.plugins.module_utils._base import (
    AlicloudAnsibleModule, AlicloudEcsModule, alicloud_argument_spec, wait_argument_spec,
)
from ansible_collections.alicloud.ecs.plugins.module_utils._group_refs import GroupNames
from ansible_collections.alicloud.ecs.plugins.module_utils._list_refs import ListReferences
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import EGRESS, INGRESS
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_writes import PartialApplyError, apply_plan
from ansible_collections.alicloud.ecs.plugins.module_utils._values import RuleError, validate_client_token


def rule_argument_spec(direction):
    """The options of one rule of ``direction``, at the top level or as an element of ``rules``.

    The remote side's options take one value or a list, and ``ports`` a list: such a rule stands for one API
    rule per remote end and port range (see _rule_requests).
    """
    spec = dict((name, dict(type='str')) for name in direction.settable_options)
    for role in _rule_requests.PEER_LIST_ROLES:
        spec[direction.option(role)] = dict(type='list', elements='str')
    spec[_rule_requests.PORTS_OPTION] = dict(type='list', elements='str')
    spec['priority'] = dict(type='int')
    return spec


def rule_list_spec(direction):
    """A list of rules of ``direction``; the keys a returned rule also has are accepted, so results can be fed back."""
    suboptions = rule_argument_spec(direction)
    suboptions['ip_protocol']['required'] = True
    suboptions.update(security_group_rule_id=dict(type='str'), create_time=dict(type='str'), rule_owner=dict(type='str'))
    return dict(type='list', elements='dict', options=suboptions)


def rule_module_argument_spec(direction):
    spec = alicloud_argument_spec()
    spec.update(rule_argument_spec(direction))
    spec.update(_groups.group_argument_spec())
    spec.update(wait_argument_spec())
    spec.update(
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        purge_rules=dict(type='bool', default=False),
        rules=rule_list_spec(direction),
        client_token=dict(type='str', no_log=False),
        warn_ineffective_rules=dict(type='bool', default=True),
        rule_owner=dict(type='str'),
    )
    return spec


def diff_view(rules):
    """Rules as the diff shows them: identity and description only, without ids or empty fields."""
    view = []
    for rule in rules:
        item = dict((name, value) for name, value in rule.to_dict().items()
                    if value is not None and name not in ('security_group_rule_id', 'create_time', 'rule_owner'))
        view.append(item)
    return view


def desired_rules(direction, params, warnings):
    """The API rules a rule module's task asks for (no API needed), as _rule_requests.Requested: any mistake raises
    RuleError, before any call."""
    if params['rules'] is not None:
        return _rule_requests.expand_rules(direction, params['rules'], 'rules', warnings)
    options = dict((name, params[name]) for name in direction.settable_options + (_rule_requests.PORTS_OPTION,))
    return _rule_requests.expand_rule(direction, options, '', warnings)


def held_warnings(plan):
    """Warnings for the wanted rules that the group holds under another owner's marker (left to that owner)."""
    return ['the %s rule %s is already in the group, marked as owned by %r; it is left to that owner'
            % (wanted.direction.name, wanted.summary(), existing.rule_owner) for wanted, existing in plan.held_by_others]


class RuleModule(AlicloudEcsModule):
    """A module that manages the rules of one direction of one security group."""

    DIRECTION = None

    def check_form(self):
        params = self.module.params
        if params['purge_rules'] and params['rules'] is None:
            self.module.fail_json(msg='purge_rules: requires rules (rules: [] with purge_rules: true removes every %s rule)'
                                      % self.DIRECTION.name)
        if params['purge_rules'] and params['state'] == 'absent':
            self.module.fail_json(msg='purge_rules: applies only with state=present')
        if params['rules'] is None and params['ip_protocol'] is None:
            self.module.fail_json(msg='ip_protocol: is required unless rules is given; give one rule with ip_protocol, '
                                      'port_range and a %s, or a list in rules' % self.DIRECTION.peer_noun)
        try:
            _groups.check_group_options(params)
        except _groups.GroupLookupError as error:
            self.module.fail_json(msg=str(error))

    def run_module(self):
        params = self.module.params
        direction = self.DIRECTION
        self.check_form()
        warnings = []
        try:
            base_token = validate_client_token(params['client_token']) or uuid.uuid4().hex
            owner = _ownership.validate_owner(params['rule_owner'])
            requested = _rule_requests.claim_descriptions(desired_rules(direction, params, warnings), owner)
        except RuleError as error:
            self.module.fail_json(msg=str(error))

        try:
            group_id = _groups.target_group_id(self.call, params)
        except _groups.GroupLookupError as error:
            self.module.fail_json(msg=str(error), request_ids=self.request_ids)
        group = _groups.read_group_rules(self.call, group_id)
        references = ListReferences(self.call, params['region'])
        try:
            resolved, expanded = _rule_requests.resolve_requested(requested, group, references, GroupNames(self.call), warnings)
            plan = _planning.plan_changes(group.rules(direction), resolved, params['state'], params['purge_rules'], owner)
            existing = group.rules(EGRESS) + group.rules(INGRESS)
            sizes = references.max_entries(_planning.lists_to_size([plan], existing))
            _planning.check_group_quota([plan], existing, group.total_rule_count, sizes)
        except RuleError as error:
            self.module.fail_json(msg=str(error), request_ids=self.request_ids)
        warnings.extend(held_warnings(plan))
        rules_after = plan.after()
        analysis = _flow_analysis.end_state_findings(direction.name, rules_after, group_id)
        if params['warn_ineffective_rules']:
            warnings.extend(_flow_analysis.finding_warnings(analysis))
        for warning in warnings:
            self.module.warn(warning)

        self.result.update(
            changed=plan.changed,
            analysis=analysis,
            security_group_id=group_id,
            rules=[rule.to_dict() for rule in rules_after],
            added=[rule.to_dict() for rule in plan.authorize],
            removed=[rule.to_dict() for rule in plan.revoke],
            updated=[rule.to_dict() for rule in plan.updated_rules()],
            expanded=_rule_requests.expansion_result(expanded),
            left_alone=[rule.to_dict() for rule in plan.spared()],
        )
        if self.module._diff:
            key = '%s_rules' % direction.name
            self.result['diff'] = dict(before={key: diff_view(plan.before)}, after={key: diff_view(rules_after)})
            notes = _rule_requests.notes_text(direction, expanded, plan, owner)
            if notes:
                self.result['diff']['prepared'] = notes
        if plan.changed and not self.module.check_mode:
            self.apply(plan, group_id, base_token)

    def apply(self, plan, group_id, base_token):
        try:
            apply_plan(self.call, self.DIRECTION, plan, group_id, base_token)
        except PartialApplyError as failure:
            # Report what really happened, not the plan: the group is now somewhere in between.
            self.result.pop('rules', None)
            self.result.update(changed=bool(failure.applied), **failure.applied.as_result())
            self.fail_api(failure.error, note=failure.note())
        if self.wait_seconds:
            outcome = _read_back.wait_for_rules(self.call, group_id, {self.DIRECTION: plan}, self.read_back_seconds())
            self.warn_unsettled(outcome, group_id)


def run_rule_module(module_class):
    direction = module_class.DIRECTION
    module = AlicloudAnsibleModule(
        argument_spec=rule_module_argument_spec(direction),
        mutually_exclusive=([('rules', name) for name in direction.settable_options + (_rule_requests.PORTS_OPTION,)]
                            + _groups.GROUP_OPTION_RULES['mutually_exclusive']),
        required_one_of=_groups.GROUP_OPTION_RULES['required_one_of'],
        required_by=_groups.GROUP_OPTION_RULES['required_by'],
        supports_check_mode=True,
    )
    module_class(module).execute()
