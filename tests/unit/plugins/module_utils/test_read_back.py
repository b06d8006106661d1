# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""When a read shows what a task wrote: the conditions of the read-back, on reads made up here."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ansible_collections.alicloud.ecs.plugins.module_utils import _read_back, _waiting
from ansible_collections.alicloud.ecs.plugins.module_utils._base import ApiError
from ansible_collections.alicloud.ecs.plugins.module_utils._groups import GroupRules
from ansible_collections.alicloud.ecs.plugins.module_utils._planning import plan_changes
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import EGRESS, INGRESS, parse_rule, resolve_rule


def rule(port, description=None, direction=INGRESS):
    options = {'ip_protocol': 'tcp', 'port_range': '%d/%d' % (port, port), direction.option('peer_cidr_ip'): '10.0.0.0/8',
               'description': description}
    return resolve_rule(parse_rule(direction, options), True, 'sg-1')


def read_of(ingress=(), egress=(), **attributes):
    return GroupRules('sg-1', 'vpc-1', {INGRESS: list(ingress), EGRESS: list(egress)}, len(ingress) + len(egress), **attributes)


def test_a_read_that_lags_does_not_show_an_addition_and_one_that_caught_up_does():
    plans = {INGRESS: plan_changes([rule(22)], [rule(22), rule(443, 'web')])}
    assert not _read_back.rules_show_plans(read_of([rule(22)]), plans)
    assert not _read_back.rules_show_plans(read_of([rule(22), rule(443)]), plans), 'the description is part of what was written'
    assert _read_back.rules_show_plans(read_of([rule(22), rule(443, 'web')]), plans)


def test_a_revoked_rule_still_listed_is_not_settled_and_others_writers_rules_do_not_matter():
    plans = {INGRESS: plan_changes([rule(22), rule(80)], [rule(22)], purge=True)}
    assert not _read_back.rules_show_plans(read_of([rule(22), rule(80)]), plans)
    # A fork of the same play added port 8080 meanwhile: not this task's business.
    assert _read_back.rules_show_plans(read_of([rule(22), rule(8080)]), plans)


def test_a_description_fixed_in_place_must_show():
    plans = {EGRESS: plan_changes([rule(22, 'old', EGRESS)], [rule(22, 'new', EGRESS)])}
    assert not _read_back.rules_show_plans(read_of(egress=[rule(22, 'old', EGRESS)]), plans)
    assert _read_back.rules_show_plans(read_of(egress=[rule(22, 'new', EGRESS)]), plans)


def test_an_extra_copy_revoked_by_purge_must_be_gone_but_the_kept_copy_stays():
    twin = replace(rule(22), security_group_rule_id='sgr-2')
    plans = {INGRESS: plan_changes([replace(rule(22), security_group_rule_id='sgr-1'), twin], [rule(22)], purge=True)}
    assert len(plans[INGRESS].revoke) == 1
    assert not _read_back.rules_show_plans(read_of([rule(22), twin]), plans)
    assert _read_back.rules_show_plans(read_of([rule(22)]), plans)


def test_only_what_the_task_wrote_is_compared():
    renamed = _read_back.GroupWrites(name='web', inner_access_policy='drop')
    assert not _read_back.attributes_show(read_of(name='old', inner_access_policy='drop'), renamed)
    assert _read_back.attributes_show(read_of(name='web', description='anything', inner_access_policy='drop'), renamed)
    tagged = _read_back.GroupWrites(tags_set={'env': 'prod'}, tags_removed=['old'])
    listing = {'SecurityGroupId': 'sg-1', 'SecurityGroupName': 'renamed by someone else',
               'Tags': {'Tag': [{'TagKey': 'env', 'TagValue': 'prod'}, {'TagKey': 'team', 'TagValue': 'added by a fork'}]}}
    assert _read_back.listing_shows(listing, tagged), "another writer's name and tags do not hold the task up"
    assert not _read_back.listing_shows(dict(listing, Tags={'Tag': [{'TagKey': 'env', 'TagValue': 'test'}]}), tagged)
    assert not _read_back.listing_shows(dict(listing, Tags={'Tag': [{'TagKey': 'env', 'TagValue': 'prod'}, {'TagKey': 'old', 'TagValue': 'x'}]}),
                                        tagged)
    assert not _read_back.GroupWrites().listed and tagged.listed


def test_a_write_tells_a_group_reads_do_not_show_yet_from_one_that_is_gone():
    writes = []

    def call(action, query, write=False):
        writes.append((action, query, write))
        if query['SecurityGroupId'] == 'sg-gone':
            raise ApiError(action, 'InvalidSecurityGroupId.NotFound', 'no such group', 404)
        return {}
    assert _read_back.group_exists_for_writes(call, 'sg-new', 'web') is True
    assert _read_back.group_exists_for_writes(call, 'sg-gone', 'web') is False
    # Setting the name the group has: nothing changes.
    assert writes[0] == ('ModifySecurityGroupAttribute', {'SecurityGroupId': 'sg-new', 'SecurityGroupName': 'web'}, True)


def test_a_group_unknown_to_reads_is_waited_for_and_other_errors_are_raised(monkeypatch):
    monkeypatch.setattr(_waiting.time, 'sleep', lambda seconds: None)
    answers = [ApiError('DescribeSecurityGroupAttribute', 'InvalidSecurityGroupId.NotFound', 'no such group', 404)] * 2 + [
        {'SecurityGroupId': 'sg-1', 'VpcId': 'vpc-1', 'InnerAccessPolicy': 'Accept', 'Permissions': {'Permission': []}}]

    def call(action, query):
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer
    outcome = _read_back.wait_for_group(call, 'sg-1', 60)
    assert outcome.done and outcome.reads == 3 and outcome.value.vpc_id == 'vpc-1'

    def refused(action, query):
        raise ApiError('DescribeSecurityGroupAttribute', 'Forbidden.RAM', 'no permission', 403)
    with pytest.raises(ApiError):
        _read_back.wait_for_group(refused, 'sg-1', 60)
