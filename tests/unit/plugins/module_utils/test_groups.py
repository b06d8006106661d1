# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading groups through any callable that answers like the API (no Ansible, no HTTP)."""

from __future__ import annotations

import pytest

from ansible_collections.alicloud.ecs.plugins.module_utils import _groups
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import EGRESS


class RecordedApi:
    """Answers each action from a list of canned bodies, in order, and records the queries."""

    def __init__(self, **answers):
        self.answers = dict((action, list(bodies)) for action, bodies in answers.items())
        self.queries = []

    def __call__(self, action, query):
        self.queries.append((action, dict(query)))
        return self.answers[action].pop(0)


def permission(direction, port, nic='intranet'):
    return dict(Direction=direction, IpProtocol='TCP', PortRange='%d/%d' % (port, port), DestCidrIp='10.0.0.0/8',
                SourceCidrIp='10.0.0.0/8' if direction == 'ingress' else '', Policy='Accept', Priority='1', NicType=nic,
                SecurityGroupRuleId='sgr-%s-%d' % (direction, port))


def page(rules, token='', vpc='vpc-1'):
    return dict(VpcId=vpc, NextToken=token, Permissions=dict(Permission=rules))


def test_every_page_is_read_and_ingress_counts_towards_the_total():
    api = RecordedApi(DescribeSecurityGroupAttribute=[
        page([permission('egress', 1), permission('ingress', 2)], token='next'),
        page([permission('egress', 3)])])
    group = _groups.read_group_rules(api, 'sg-1')
    assert [rule.port_range for rule in group.rules(EGRESS)] == ['1/1', '3/3']
    assert group.total_rule_count == 3 and group.is_vpc
    assert api.queries[1][1]['NextToken'] == 'next'
    assert api.queries[0][1]['MaxResults'] == 1000 and api.queries[0][1]['Direction'] == 'all'


def test_a_classic_group_is_read_once_per_nic_type():
    api = RecordedApi(DescribeSecurityGroupAttribute=[
        page([permission('egress', 1, 'intranet')], vpc=''), page([permission('egress', 2, 'internet')], vpc='')])
    group = _groups.read_group_rules(api, 'sg-classic')
    assert [query['NicType'] for _action, query in api.queries] == ['intranet', 'internet']
    assert [(rule.port_range, rule.nic_type) for rule in group.rules(EGRESS)] == [('1/1', 'intranet'), ('2/2', 'internet')]
    assert not group.is_vpc


def groups_page(*groups):
    return dict(NextToken='', SecurityGroups=dict(SecurityGroup=[
        dict(SecurityGroupId=group_id, SecurityGroupName=name, VpcId=vpc) for group_id, name, vpc in groups]))


def test_a_name_resolves_only_on_an_exact_single_match():
    api = RecordedApi(DescribeSecurityGroups=[groups_page(('sg-1', 'web', 'vpc-1'), ('sg-2', 'web-old', 'vpc-1'))])
    assert _groups.find_group_id(api, 'web') == 'sg-1'


def test_an_ambiguous_name_lists_the_candidates():
    api = RecordedApi(DescribeSecurityGroups=[groups_page(('sg-1', 'web', 'vpc-1'), ('sg-2', 'web', 'vpc-2'))])
    with pytest.raises(_groups.GroupLookupError, match=r"2 security groups are named 'web' \(sg-1, sg-2\); give security_group_id or vpc_id"):
        _groups.find_group_id(api, 'web')


def test_a_missing_name_says_where_it_looked():
    api = RecordedApi(DescribeSecurityGroups=[groups_page()])
    with pytest.raises(_groups.GroupLookupError, match="no security group named 'web' in VPC vpc-9"):
        _groups.find_group_id(api, 'web', 'vpc-9')
    assert api.queries[0][1]['VpcId'] == 'vpc-9'
