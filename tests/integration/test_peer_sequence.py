# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The sequence alibaba.alicloud's own security-group test playbooks walk, written for this collection (issue 17).

`make peer-suite PEER_CHECKOUT=<dir>` runs that collection's playbooks themselves; this scenario, in `make test`,
keeps the same steps and expectations without them: create a group with both rule lists, find it by name prefix
with the VPC given as a filter in the peer's forms, change the description, add rules without purging, add them
again, purge to a list, the same for egress, and delete both groups. Every task's name says whether it must change.
"""

from __future__ import annotations

import yaml

VPC = 'vpc-demo-1'
NAME = 'it-peer-sequence'

INGRESS = [dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='0.0.0.0/0', priority=1),
           dict(ip_protocol='udp', port_range='10988/10989', source_cidr_ip='198.51.100.7/32', priority=2)]
EGRESS = [dict(ip_protocol='tcp', port_range='80/80', dest_cidr_ip='192.168.0.54/32', priority=1),
          dict(ip_protocol='tcp', port_range='8080/8085', dest_cidr_ip='198.51.100.7/32', priority=1)]
# Rules in the peer's shapes: a local range beside a peer group, ranges of both sides, priorities as numbers.
MORE_INGRESS = [dict(ip_protocol='icmp', port_range='-1/-1', dest_cidr_ip='10.0.0.0/10', source_group_id='{{ other.group.id }}', priority=1),
                dict(ip_protocol='tcp', port_range='8080/8080', source_cidr_ip='10.0.0.0/11', dest_cidr_ip='10.0.0.0/12', priority=100),
                dict(ip_protocol='all', port_range='-1/-1', source_cidr_ip='10.10.0.0/32', priority=2)]
MORE_EGRESS = [dict(ip_protocol='icmp', port_range='-1/-1', source_cidr_ip='10.0.0.0/10', dest_group_id='{{ other.group.id }}', priority=1),
               dict(ip_protocol='tcp', port_range='8080/8080', source_cidr_ip='10.0.0.0/11', dest_cidr_ip='10.0.0.0/12', priority=100),
               dict(ip_protocol='all', port_range='-1/-1', dest_cidr_ip='10.10.0.0/32', priority=2)]


def group_task(title, register=None, loop=True, **options):
    task = {'name': title, 'alicloud.ecs.security_group': options}
    if loop:
        task['loop'] = '{{ found.groups }}'
    if register:
        task['register'] = register
    return task


def sequence():
    by_item = dict(name='{{ item.group_name }}', vpc_id='{{ item.vpc_id }}')
    return [
        group_task('Changed. Create a VPC security group', loop=False, name=NAME, description='a group of the sequence',
                   vpc_id=VPC, rules=INGRESS, rules_egress=EGRESS),
        {'name': 'Find it by name prefix, the VPC as a filter',
         'alicloud.ecs.security_group_info': dict(name_prefix=NAME, filters={'vpc-id': VPC}), 'register': 'found'},
        group_task('Changed. Modify description', security_group_id='{{ item.group_id }}', name='{{ item.group_name }}',
                   description='a group of the sequence, modified'),
        group_task('No Changed. No attribute changed', security_group_id='{{ item.group_id }}', name='{{ item.group_name }}',
                   description='a group of the sequence, modified'),
        group_task('Changed. A group for source and destination', loop=False, register='other', name=NAME + '-other',
                   description='referenced by the rules', vpc_id=VPC),
        group_task('Changed. Add three rules', purge_rules=False, rules=MORE_INGRESS, **by_item),
        group_task('No Changed. The same three rules', purge_rules=False, rules=MORE_INGRESS, **by_item),
        group_task('Changed. Purge rules', rules=MORE_INGRESS + INGRESS[:1], **by_item),
        group_task('No Changed. Nothing left to purge', rules=MORE_INGRESS + INGRESS[:1], **by_item),
        group_task('Changed. Add three egress rules', purge_rules_egress=False, rules_egress=MORE_EGRESS, **by_item),
        group_task('No Changed. The same three egress rules', purge_rules_egress=False, rules_egress=MORE_EGRESS, **by_item),
        group_task('Changed. Purge egress rules', rules_egress=MORE_EGRESS + EGRESS[:1], **by_item),
        group_task('No Changed. Nothing left to purge in egress', rules_egress=MORE_EGRESS + EGRESS[:1], **by_item),
        group_task('Changed. Delete the groups', state='absent', **by_item),
        group_task('Changed. Delete the other group', loop=False, name='{{ other.group.group_name }}',
                   vpc_id='{{ other.group.vpc_id }}', state='absent'),
        group_task('No Changed. Deleting again', state='absent', **by_item),
    ]


def expected_change(task_name):
    if task_name.startswith(('No Changed.', 'Not Changed.')):
        return False
    if task_name.startswith('Changed.'):
        return True
    return None


def test_the_peers_sequence_changes_exactly_where_its_task_names_say(fresh, runner, tmp_path):
    playbook = tmp_path / 'sequence.yml'
    playbook.write_text(yaml.safe_dump([dict(name='the peer sequence', hosts='localhost', gather_facts=False, tasks=sequence())],
                                       sort_keys=False), encoding='utf-8')
    run = runner.playbook(playbook)
    assert not run.failed, run.output
    verdicts = []
    for entry in run.results:
        wanted = expected_change(entry['task'])
        # A looped task's result holds one result per item: every item must be as its name says.
        items = entry['result'].get('results') or [entry['result']]
        changed = [bool(item.get('changed')) for item in items]
        verdicts.append((entry['task'], wanted, changed))
    for task, wanted, changed in verdicts:
        print('%-50s wanted %-5s got %s' % (task, wanted, changed))
    wrong = [(task, wanted, changed) for task, wanted, changed in verdicts if wanted is not None and set(changed) != {wanted}]
    named = [task for task, wanted, _changed in verdicts if wanted is not None]
    print('%d tasks with an expectation, %d as named' % (len(named), len(named) - len(wrong)))
    assert len(named) == 15 and not wrong, wrong
    found = next(entry['result'] for entry in run.results if entry['task'].startswith('Find it'))
    assert [group['group_name'] for group in found['groups']] == [NAME]
    # The end state, read past the modules: both groups are gone.
    assert fresh.groups(name=NAME) == [] and fresh.groups(name=NAME + '-other') == []


def test_the_peers_option_names_win_over_the_environment_without_a_warning(fresh, runner):
    # The runner's environment sets ALIBABA_CLOUD_REGION_ID=cn-hangzhou; the peer's playbooks write alicloud_region.
    run = runner.task(dict(security_group_ids=['sg-demo-sh'], alicloud_region='cn-shanghai'), module='security_group_info')
    assert not run.failed, run.output
    print('found in cn-shanghai: %s' % run.result['ids'])
    assert run.result['ids'] == ['sg-demo-sh'] and 'Both option' not in run.output
    assert [entry['params']['RegionId'] for entry in fresh.requests()] == ['cn-shanghai']
