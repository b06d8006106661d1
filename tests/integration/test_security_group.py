# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""alicloud.ecs.security_group and security_group_info in real playbook runs against the ECS emulator."""

from __future__ import annotations

import pytest
import yaml

VPC = 'vpc-demo-1'
MODULE = 'security_group'


def task(runner, args, **options):
    return runner.task(args, module=MODULE, **options)


def actions(emulator, writes_only=False):
    return [entry['action'] for entry in emulator.requests() if entry['write'] or not writes_only]


def comparable(result):
    return dict((key, value) for key, value in result.items() if key not in ('request_ids', 'invocation', '_ansible_no_log'))


WEB = dict(
    name='it-web', vpc_id=VPC, description='web tier', tags=dict(team='web', env='test'),
    rules=[dict(ip_protocol='tcp', port_range='443/443', source_cidr_ip='0.0.0.0/0', description='https'),
           dict(ip_protocol='tcp', port_range='22/22', source_group_id='sg-demo-web', description='ssh from web')],
    rules_egress=[dict(ip_protocol='all', dest_cidr_ip='0.0.0.0/0')],
)


def test_a_groups_whole_life(fresh, runner):
    created = task(runner, WEB)
    assert not created.failed, created.output
    result = created.result
    group_id = result['security_group_id']
    assert result['changed'] is True and group_id.startswith('sg-')
    assert result['group']['tags'] == {'team': 'web', 'env': 'test'} and result['group']['group_name'] == 'it-web'
    assert (len(result['added']['ingress']), len(result['added']['egress'])) == (2, 1)
    stored = fresh.group(group_id)
    assert stored['name'] == 'it-web' and stored['tags'] == {'team': 'web', 'env': 'test'}
    print('create calls: %s' % actions(fresh))
    assert actions(fresh, writes_only=True) == ['CreateSecurityGroup', 'AuthorizeSecurityGroup', 'AuthorizeSecurityGroupEgress']
    # The lookup by name, the create, one read of the new group (it tells a group deleted since), the rules, then
    # the read-back: the group's rules, and the listing that a lookup by name reads next.
    assert actions(fresh) == ['DescribeSecurityGroups', 'CreateSecurityGroup', 'DescribeSecurityGroupAttribute',
                              'AuthorizeSecurityGroup', 'AuthorizeSecurityGroupEgress', 'DescribeSecurityGroupAttribute',
                              'DescribeSecurityGroups']

    fresh.clear_log()
    again = task(runner, WEB)
    assert again.result['changed'] is False, again.result
    reads = actions(fresh)
    print('no-op calls: %s' % reads)
    assert reads == ['DescribeSecurityGroups', 'DescribeSecurityGroupAttribute']

    changed = dict(WEB, security_group_id=group_id, name='it-web-renamed', tags=dict(team='web', owner='ops'),
                   inner_access_policy='drop', rules=WEB['rules'][:1])
    fresh.clear_log()
    checked = task(runner, changed, check=True, diff=True)
    assert not checked.failed, checked.output
    assert actions(fresh, writes_only=True) == []
    real = task(runner, changed, diff=True)
    assert not real.failed, real.output
    assert comparable(checked.result) == comparable(real.result)
    assert real.result['diff']['before']['name'] == 'it-web' and real.result['diff']['after']['name'] == 'it-web-renamed'
    assert real.result['removed']['ingress'][0]['port_range'] == '22/22'
    assert actions(fresh, writes_only=True) == ['ModifySecurityGroupAttribute', 'ModifySecurityGroupPolicy', 'UntagResources',
                                                'TagResources', 'RevokeSecurityGroup']
    stored = fresh.group(group_id)
    assert stored['name'] == 'it-web-renamed' and stored['tags'] == {'team': 'web', 'owner': 'ops'}
    assert task(runner, changed).result['changed'] is False

    gone = task(runner, dict(name='it-web-renamed', vpc_id=VPC, state='absent'))
    assert gone.result['changed'] is True and gone.result['group'] == {}
    assert fresh.groups(name='it-web-renamed') == []
    assert task(runner, dict(name='it-web-renamed', vpc_id=VPC, state='absent')).result['changed'] is False


def test_check_mode_of_a_create_reports_the_real_run_and_writes_nothing(fresh, runner):
    checked = task(runner, WEB, check=True)
    assert not checked.failed, checked.output
    assert actions(fresh, writes_only=True) == [] and fresh.groups(name='it-web') == []
    real = task(runner, WEB)
    expected = comparable(real.result)
    expected.update(security_group_id=None, group=dict(expected['group'], group_id=None, id=None))
    assert comparable(checked.result) == expected


def test_a_lost_create_answer_makes_exactly_one_group(fresh, runner):
    fresh.set_faults(dict(seed=1, rules=[dict(kind='drop_after_write', actions=['CreateSecurityGroup'], first=1)]))
    run = task(runner, dict(WEB, retry_backoff=0.01))
    assert not run.failed, run.output
    creates = [entry for entry in fresh.requests() if entry['action'] == 'CreateSecurityGroup']
    print('CreateSecurityGroup attempts=%d groups named it-web=%d' % (len(creates), len(fresh.groups(name='it-web'))))
    assert len(creates) == 2 and len(set(entry['params']['ClientToken'] for entry in creates)) == 1
    assert [group['id'] for group in fresh.groups(name='it-web')] == [run.result['security_group_id']]
    # The same task run again after the lost answer finds the group instead of making another.
    assert task(runner, WEB).result['changed'] is False
    assert len(fresh.groups(name='it-web')) == 1


def test_a_group_deleted_and_created_again_gets_a_new_life(fresh, runner):
    first = task(runner, dict(name='it-again', vpc_id=VPC)).result['security_group_id']
    task(runner, dict(name='it-again', vpc_id=VPC, state='absent'))
    fresh.clear_log()
    # The same task's token replays the first create's answer, a group that is gone. Reads could also just lag a new
    # group; a write that changes nothing (the group's own name) tells: NotFound. Then a new create, at once.
    second = task(runner, dict(name='it-again', vpc_id=VPC))
    assert not second.failed, second.output
    assert second.result['security_group_id'] != first
    assert [group['id'] for group in fresh.groups(name='it-again')] == [second.result['security_group_id']]
    calls = [(entry['action'], entry['applied'], entry['code']) for entry in fresh.requests() if entry['write']]
    print('writes: %s' % calls)
    assert calls[:3] == [('CreateSecurityGroup', False, None), ('ModifySecurityGroupAttribute', False, 'InvalidSecurityGroupId.NotFound'),
                         ('CreateSecurityGroup', True, None)]


@pytest.mark.parametrize('group_id', ['sg-demo-in-use', 'sg-demo-referenced'])
def test_a_group_in_use_is_not_deleted(fresh, runner, group_id):
    before = fresh.group(group_id)
    run = task(runner, dict(security_group_id=group_id, state='absent', delete_timeout=0))
    assert run.failed and run.result['changed'] is False
    error = run.result['error']
    print('refusal: %s' % run.result['msg'])
    assert error['action'] == 'DeleteSecurityGroup' and error['code'] == 'DependencyViolation'
    assert error['request_id'] in run.result['msg'] and 'still in use after waiting 0 s (delete_timeout=0)' in run.result['msg']
    assert fresh.group(group_id) == before
    assert 'Traceback' not in run.output


def test_several_groups_of_one_name(fresh, runner):
    ambiguous = task(runner, dict(name='demo-dup'))
    assert ambiguous.failed
    assert 'sg-demo-dup-1, sg-demo-dup-2' in ambiguous.result['msg'] and 'recent=true' in ambiguous.result['msg']
    assert actions(fresh, writes_only=True) == []
    another = task(runner, dict(name='demo-dup', vpc_id=VPC, multi_ok=True))
    assert not another.failed, another.output and another.result['changed'] is True
    assert len(fresh.groups(name='demo-dup')) == 3
    newest = task(runner, dict(name='demo-dup', vpc_id=VPC, recent=True, description='the newest'))
    assert newest.result['security_group_id'] == another.result['security_group_id']


def test_a_playbook_written_for_ali_security_group_runs_unchanged(fresh, runner):
    # The tasks as the alibaba.alicloud documentation and typical roles write them; only the module name differs.
    play = [dict(name='peer style', hosts='localhost', gather_facts=False, tasks=[
        dict(name='Create a new security group', **{'alicloud.ecs.security_group': dict(name='AliyunSG', vpc_id=VPC)}),
        dict(name='Authorize security group', **{'alicloud.ecs.security_group': dict(
            name='AliyunSG', vpc_id=VPC, group_tags=dict(Name='AliyunSG', From='Ansible'),
            rules=[dict(ip_protocol='tcp', port_range='1/122', source_cidr_ip='10.159.6.18/12'),
                   dict(ip_protocol='TCP', port_range='80/80', source_cidr_ip='0.0.0.0/0', priority=1, policy='Accept')],
            rules_egress=[dict(ip_protocol='icmp', port_range='-1/-1', source_cidr_ip='10.0.0.0/10', dest_group_id='sg-demo-web',
                               priority=1)])}),
    ])]
    path = runner.workdir / 'peer-style.yml'
    path.write_text(yaml.safe_dump(play, sort_keys=False), encoding='utf-8')
    first = runner.playbook(path)
    assert not first.failed, first.output
    assert [result['result']['changed'] for result in first.results] == [True, True]
    fresh.clear_log()
    second = runner.playbook(path)
    assert not second.failed, second.output
    assert [result['result']['changed'] for result in second.results] == [False, False]
    assert actions(fresh, writes_only=True) == []
    group = second.results[-1]['result']['group']
    assert group['tags'] == {'Name': 'AliyunSG', 'From': 'Ansible'}
    assert sorted(rule['port_range'] for rule in group['permissions']) == ['1/122', '80/80']


def test_the_limit_counts_both_lists_before_any_write(fresh, runner):
    # sg-demo-full holds 198 ingress rules.
    run = task(runner, dict(security_group_id='sg-demo-full', purge_rules=False,
                            rules=[dict(ip_protocol='tcp', port_range='1', source_cidr_ip='10.0.0.0/8')],
                            rules_egress=[dict(ip_protocol='tcp', port_range=str(port), dest_cidr_ip='10.0.0.0/8') for port in (1, 2)]))
    assert run.failed and 'the group would hold 201 rules (198 now, 3 to add, 0 to remove)' in run.result['msg']
    assert actions(fresh, writes_only=True) == []


@pytest.mark.parametrize('args, fragment', [
    (dict(name='1bad'), 'name: '),
    (dict(name='ok-name', description='x'), 'description: must be 2 to 256'),
    (dict(name='ok-name', tags={'acs:x': 'y'}), 'tags: the key'),
    (dict(name='ok-name', multi_ok=True, recent=True), 'multi_ok: cannot be combined with recent'),
    (dict(name='ok-name', inner_access_policy='maybe'), 'inner_access_policy: '),
    (dict(name='ok-name', rules=[dict(ip_protocol='tcp', port_range='22')]), 'rules[0].source_cidr_ip: a source is required'),
    (dict(name='ok-name', rules_egress=[dict(ip_protocol='tcp', port_range='99999', dest_cidr_ip='10.0.0.0/8')]), 'rules_egress[0].port_range'),
    (dict(security_group_id=''), 'security_group_id: is empty'),
    (dict(security_group_id='sg-demo-web', security_group_type='enterprise'), 'security_group_type: sg-demo-web is a normal'),
    (dict(security_group_id='sg-demo-web', vpc_id='vpc-demo-2'), 'vpc_id: sg-demo-web is in vpc-demo-1'),
    (dict(security_group_id='sg-demo-enterprise', inner_access_policy='accept'), 'inner_access_policy: sg-demo-enterprise is an enterprise'),
    (dict(security_group_id='sg-demo-tagged', resource_group_id='rg-other'), 'resource_group_id: sg-demo-tagged is in resource group rg-demo-1'),
    (dict(security_group_id='sg-missing'), 'security_group_id: no security group sg-missing in region cn-hangzhou'),
    (dict(security_group_id='sg-demo-web', name='demo-web', multi_ok=True), 'multi_ok: applies to groups found by name'),
    (dict(name='ok-name', vpc_id=' '), 'vpc_id: is empty'),
])
def test_bad_input_fails_naming_the_option_before_any_write(fresh, runner, args, fragment):
    run = task(runner, dict(args))
    assert run.failed
    assert fragment in run.result['msg'], run.result['msg']
    assert actions(fresh, writes_only=True) == []
    assert 'Traceback' not in run.output


def test_an_unknown_vpc_is_the_apis_error(fresh, runner):
    run = task(runner, dict(name='it-nowhere', vpc_id='vpc-missing'))
    assert run.failed and run.result['error']['action'] == 'CreateSecurityGroup'
    print('unknown VPC: %s' % run.result['msg'])
    assert run.result['error']['http_status'] in (400, 403, 404)


def info(runner, args, check=False):
    return runner.task(args, check=check, module='security_group_info')


def test_the_info_module_lists_filters_and_feeds_back_without_change(fresh, runner):
    created = task(runner, WEB)
    group_id = created.result['security_group_id']
    fresh.clear_log()
    cheap = info(runner, dict(vpc_id=VPC, tags=dict(team='web')))
    assert not cheap.failed, cheap.output
    assert cheap.result['ids'] == [group_id] and 'rules' not in cheap.result['groups'][0]
    print('listing calls: %s' % actions(fresh))
    assert actions(fresh) == ['DescribeSecurityGroups']
    full = info(runner, dict(security_group_ids=[group_id], include_rules=True))
    listed = full.result['groups'][0]
    assert listed['inner_access_policy'] == 'accept' and len(listed['rules']) == 2
    fresh.clear_log()
    fed_back = task(runner, dict(security_group_id=listed['group_id'], name=listed['group_name'], tags=listed['tags'],
                                 description=listed['description'], rules=listed['rules'], rules_egress=listed['rules_egress']))
    assert fed_back.result['changed'] is False and actions(fresh, writes_only=True) == []
    prefixed = info(runner, dict(name_prefix='demo-d', filters=dict(security_group_type='normal')))
    assert {'sg-demo-db', 'sg-demo-dup-1', 'sg-demo-dup-2'} <= set(prefixed.result['ids'])
    assert info(runner, dict(security_group_ids=[])).result['groups'] == []
    blank = info(runner, dict(security_group_ids=['']))
    assert blank.failed and blank.result['msg'].startswith('security_group_ids: element 0 is empty')
    # The peer module's filter forms: underscores, dashes or the API name, even for what an option also sets.
    by_vpc = dict((form, info(runner, dict(name_prefix='demo-d', filters={form: 'vpc-demo-2'})).result['ids'])
                  for form in ('vpc_id', 'vpc-id', 'VpcId'))
    print('demo-d* in vpc-demo-2 by filter form: %s' % by_vpc)
    assert set(map(tuple, by_vpc.values())) == {('sg-demo-dup-2',)}
    agreeing = info(runner, dict(vpc_id='vpc-demo-2', filters={'vpc-id': 'vpc-demo-2'}))
    assert not agreeing.failed and 'sg-demo-dup-2' in agreeing.result['ids']
    bad = info(runner, dict(vpc_id='vpc-demo-1', filters=dict(vpc_id='vpc-demo-2')))
    assert bad.failed and bad.result['msg'] == "vpc_id: 'vpc-demo-1' and filters.vpc_id 'vpc-demo-2' disagree; give one of them"
    by_name = info(runner, dict(group_name='demo-dup', filters={'security-group-ids': ['sg-demo-dup-2']}, ids=['sg-demo-dup-1']))
    assert by_name.result['ids'] == ['sg-demo-dup-1', 'sg-demo-dup-2']
    paging = info(runner, dict(filters=dict(page_size=5)))
    assert paging.failed and paging.result['msg'].startswith('filters: PageSize is set by the module')
    blank_prefix = info(runner, dict(name_prefix=''))
    assert blank_prefix.failed and blank_prefix.result['msg'].startswith('name_prefix: is empty')
    unnamed = info(runner, dict(filters={'not a name': 'x'}))
    assert unnamed.failed and unnamed.result['msg'] == "filters: 'not a name' is not a DescribeSecurityGroups parameter name"
    blank_vpc = info(runner, dict(vpc_id=''))
    assert blank_vpc.failed and blank_vpc.result['msg'].startswith('vpc_id: is empty')


def test_deleting_a_group_that_is_not_there_changes_nothing(fresh, runner):
    run = task(runner, dict(security_group_id='sg-gone', state='absent'), diff=True)
    assert not run.failed, run.output
    assert run.result['changed'] is False and run.result['security_group_id'] is None
    assert actions(fresh) == ['DescribeSecurityGroups']


def test_rules_that_can_never_take_effect_are_named_per_list(fresh, runner):
    shadowing = dict(name='it-shadow', vpc_id=VPC, rules=[
        dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.0.0.0/8', priority=5),
        dict(ip_protocol='all', source_cidr_ip='0.0.0.0/0', policy='drop', priority=1)])
    run = task(runner, shadowing)
    assert not run.failed, run.output
    (shadowed,) = run.result['analysis']['ingress']['shadowed']
    print('shadowed: %s' % shadowed['rule']['summary'])
    assert shadowed['rule']['summary'] == 'accept tcp from 10.0.0.0/8 (22/22, priority 5, intranet)'
    assert run.result['analysis']['egress'] == dict(shadowed=[], redundant=[], overridden_accepts=[])
    assert 'can never take effect' in ' '.join(run.output.split())
    quiet = task(runner, dict(shadowing, warn_ineffective_rules=False))
    assert quiet.result['changed'] is False and quiet.result['analysis']['ingress']['shadowed']
    assert 'can never take effect' not in quiet.output
