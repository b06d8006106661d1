# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The reads of security_group_flow_info, through a callable that answers like the API (no Ansible run, no HTTP)."""

from __future__ import annotations

import pytest

from ansible_collections.alicloud.ecs.plugins.module_utils import _groups
from ansible_collections.alicloud.ecs.plugins.module_utils._base import ApiError
from ansible_collections.alicloud.ecs.plugins.module_utils._list_refs import ListReferences


def answering(outcome):
    def call(action, query):
        assert (action, sorted(query)) in (('DescribePrefixListAttributes', ['PrefixListId']), ('DescribePortRangeListEntries', ['PortRangeListId']))
        if isinstance(outcome, Exception):
            raise outcome
        return outcome
    return call


def test_the_entries_of_a_readable_prefix_list_are_its_cidr_blocks():
    body = dict(Entries=dict(Entry=[dict(Cidr='10.0.0.0/8', Description='a'), dict(Cidr='192.0.2.0/24')]))
    assert ListReferences(answering(body)).readable_entries('pl-1') == ['10.0.0.0/8', '192.0.2.0/24']
    assert ListReferences(answering({})).readable_entries('pl-1') == []


def test_the_entries_of_a_readable_port_range_list_are_its_ranges():
    # Port range lists answer with a flat array where prefix lists wrap theirs.
    body = dict(Entries=[dict(PortRange='80/80', Description='web'), dict(PortRange='8000/8080')])
    assert ListReferences(answering(body)).readable_entries('prl-1') == ['80/80', '8000/8080']


@pytest.mark.parametrize('code, list_id', [('InvalidPrefixListId.NotFound', 'pl-1'), ('Forbidden.RAM', 'pl-1'), ('Forbidden', 'pl-1'),
                                           ('NoPermission', 'pl-1'), ('InvalidPortRangeListId.NotFound', 'prl-1')])
def test_a_list_this_caller_cannot_read_is_unresolved_not_an_error(code, list_id):
    error = ApiError('DescribePrefixListAttributes', code, 'cannot read it', 403, 'req-1')
    assert ListReferences(answering(error)).readable_entries(list_id) is None


def test_any_other_failure_to_read_a_prefix_list_fails_the_task():
    error = ApiError('DescribePrefixListAttributes', 'ServiceUnavailable', 'later', 503, 'req-2')
    with pytest.raises(ApiError) as raised:
        ListReferences(answering(error)).readable_entries('pl-1')
    assert raised.value.code == 'ServiceUnavailable'


def test_an_ambiguous_name_is_reported_in_the_flow_modules_option_names():
    groups = [dict(SecurityGroupId=group_id, SecurityGroupName='web', VpcId=vpc) for group_id, vpc in (('sg-2', 'vpc-2'), ('sg-1', 'vpc-1'))]

    def call(action, query):
        return dict(NextToken='', SecurityGroups=dict(SecurityGroup=groups))
    with pytest.raises(_groups.GroupLookupError) as raised:
        _groups.find_group(call, 'web', None, 'security_group_names', 'security_group_ids')
    assert str(raised.value) == ("security_group_names: 2 security groups are named 'web' (sg-1, sg-2); "
                                 "give security_group_ids or vpc_id")
