# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""alicloud.ecs.prefix_list and prefix_list_info in real playbook runs against the ECS emulator.

The emulator's fixture has, for the main account in cn-hangzhou, the prefix lists pl-demo-ipv4 ("demo-ipv4", IPv4,
max 10 entries: 100.100.2.136/32 "DNS resolver 1" and 100.100.2.138/32 "DNS resolver 2") and pl-demo-ipv6
("demo-ipv6", IPv6, max 5 entries: 2001:db8:100::/64 "IPv6 demo range"); no rule references either.
"""

from __future__ import annotations

import random

import yaml

MODULE = 'prefix_list'
IPV4 = 'pl-demo-ipv4'
GROUP = 'sg-demo-app'

OFFICE = dict(prefix_list_name='it-office', description='office addresses', address_family='IPv4', max_entries=10,
              entries=[dict(cidr='203.0.113.0/28', description='uplink A'), dict(cidr='198.51.100.7', description='uplink B')])


def task(runner, args, **options):
    return runner.task(args, module=options.pop('module', MODULE), **options)


def actions(emulator, writes_only=False):
    return [entry['action'] for entry in emulator.requests() if entry['write'] or not writes_only]


def writes(emulator):
    return [entry for entry in emulator.requests() if entry['write']]


def comparable(result):
    return dict((key, value) for key, value in result.items() if key not in ('request_ids', 'invocation', '_ansible_no_log', 'warnings'))


def info(runner, **args):
    run = runner.task(args, module='prefix_list_info')
    assert not run.failed, run.output
    return run.result


def stored(runner, list_id):
    """The list as prefix_list_info reads it, with its associations."""
    (plist,) = info(runner, prefix_list_ids=[list_id], associations=True)['prefix_lists']
    return plist


def entries(plist):
    return [(entry['cidr'], entry['description']) for entry in plist['entries']]


def test_a_lists_whole_life(fresh, runner):
    created = task(runner, OFFICE)
    assert not created.failed, created.output
    result = created.result
    list_id = result['prefix_list_id']
    print('create calls: %s' % actions(fresh))
    assert result['changed'] is True and list_id.startswith('pl-')
    assert result['prefix_list'] == dict(
        prefix_list_id=list_id, prefix_list_name='it-office', description='office addresses', address_family='IPv4', max_entries=10,
        entries=[dict(cidr='198.51.100.7/32', description='uplink B'), dict(cidr='203.0.113.0/28', description='uplink A')],
        association_count=0, associations=[], creation_time=result['prefix_list']['creation_time'])
    assert result['prefix_list']['creation_time']
    assert [entry['cidr'] for entry in result['added']] == ['198.51.100.7/32', '203.0.113.0/28']
    # The lookup by name, the create with its entries, and one read that shows them.
    assert actions(fresh) == ['DescribePrefixLists', 'CreatePrefixList', 'DescribePrefixListAttributes']

    fresh.clear_log()
    again = task(runner, OFFICE)
    assert again.result['changed'] is False, again.result
    print('no-op calls: %s' % actions(fresh))
    assert actions(fresh) == ['DescribePrefixLists', 'DescribePrefixListAttributes']
    assert comparable(again.result) == dict(comparable(result), changed=False, added=[])

    gone = task(runner, dict(prefix_list_name='it-office', state='absent'))
    assert not gone.failed, gone.output
    assert gone.result['changed'] is True and gone.result['prefix_list'] == {} and gone.result['prefix_list_id'] == list_id
    assert info(runner, prefix_list_name='it-office')['prefix_lists'] == []
    fresh.clear_log()
    absent = task(runner, dict(prefix_list_name='it-office', state='absent'))
    assert absent.result['changed'] is False and writes(fresh) == []


def playbook(runner, tasks, check=False, diff=False):
    """Run several tasks as one playbook (one ansible-playbook start), and return the run."""
    play = [dict(name='several tasks', hosts='localhost', gather_facts=False, tasks=tasks)]
    runner.count += 1
    path = runner.workdir / ('play-lists-%d.yml' % runner.count)
    path.write_text(yaml.safe_dump(play, sort_keys=False), encoding='utf-8')
    return runner.playbook(path, args=(['--check'] if check else []) + (['--diff'] if diff else []))


def one_of_each(cases, module=MODULE):
    """Tasks that each run the module on one case's arguments and go on when it fails."""
    return [{'name': name, 'ignore_errors': True, 'alicloud.ecs.%s' % module: args} for name, args, _expected in cases]


BAD_INPUT = [
    ('a block that is none', dict(OFFICE, entries=[dict(cidr='10.0.0.0/8'), dict(cidr='office')]),
     "entries[1].cidr: 'office' is not a CIDR block or an IP address"),
    ('the same block twice', dict(OFFICE, entries=[dict(cidr='10.0.0.1'), dict(cidr='10.0.0.1/32')]),
     "entries[1].cidr: '10.0.0.1/32' is the same CIDR block as entries[0].cidr ('10.0.0.1')"),
    ('a block of the other family', dict(OFFICE, address_family='ipv6', entries=[dict(cidr='10.0.0.0/8')]),
     "entries[0].cidr: '10.0.0.0/8' is an IPv4 block; a list of address_family IPv6 holds IPv6 blocks only"),
    ('two families', dict(OFFICE, address_family=None, entries=[dict(cidr='10.0.0.0/8'), dict(cidr='2001:db8::/32')]),
     "entries[1].cidr: '2001:db8::/32' is an IPv6 block, but entries[0].cidr is IPv4"),
    ('more entries than max_entries', dict(OFFICE, max_entries=1), 'entries: 2 entries given; max_entries is 1'),
    ('a long entry description', dict(OFFICE, entries=[dict(cidr='10.0.0.0/8', description='d' * 33)]),
     'entries[0].description: must be 2 to 32 characters long (got 33)'),
    ('max_entries too large', dict(OFFICE, max_entries=201), 'max_entries: 201 is out of range; a prefix list holds 1 to 200 entries'),
    ('an unknown address family', dict(OFFICE, address_family='ipv5'), "address_family: 'ipv5' is not valid; accepted values: IPv4, IPv6"),
    ('a bad name', dict(OFFICE, prefix_list_name='1office'), "prefix_list_name: '1office' must start with a letter"),
    ('a reserved name', dict(OFFICE, prefix_list_name='com.aliyun.office'), "prefix_list_name: 'com.aliyun.office' must not start with com.aliyun"),
    ('a short description', dict(OFFICE, description='x'), 'description: must be 2 to 256 characters long (got 1)'),
    ('an id of another kind', dict(prefix_list_id='prl-demo-web'), "prefix_list_id: 'prl-demo-web' is not a valid ID; expected an ID that starts with 'pl-'"),
    ('an empty id', dict(prefix_list_id=''), 'prefix_list_id: is empty'),
    ('an entry without its block', dict(OFFICE, entries=[dict(description='no block')]), 'missing required arguments: cidr found in entries'),
]


def test_bad_input_is_named_before_any_call(fresh, runner):
    run = playbook(runner, one_of_each(BAD_INPUT))
    assert len(run.results) == len(BAD_INPUT), run.output
    for (name, _args, expected), recorded in zip(BAD_INPUT, run.results):
        print('%s: %s' % (name, recorded['result'].get('msg')))
        assert recorded['status'] == 'failed' and expected in recorded['result']['msg'], (name, recorded['result'])
        assert recorded['result']['changed'] is False
    assert fresh.requests() == []


def test_fixed_attributes_and_the_lists_family_are_refused_before_any_write(fresh, runner):
    cases = [
        ('another family', dict(prefix_list_id=IPV4, address_family='ipv6'),
         'address_family: prefix list pl-demo-ipv4 is IPv4; the address family is fixed when a list is created, so the list must be recreated'),
        ('another max_entries', dict(prefix_list_name='demo-ipv4', max_entries=20),
         'max_entries: prefix list pl-demo-ipv4 has max_entries 10; max_entries is fixed when a list is created, so the list must be recreated'),
        ('a block of the other family', dict(prefix_list_id=IPV4, entries=[dict(cidr='2001:db8::/32')]),
         'entries[0].cidr: 2001:db8::/32 is an IPv6 block; prefix list pl-demo-ipv4 holds IPv4 blocks only'),
        ('more than max_entries with the held ones', dict(prefix_list_id=IPV4, purge_entries=False,
                                                          entries=[dict(cidr='10.%d.0.0/16' % number) for number in range(9)]),
         'entries: the list would hold 11 entries (2 now, 9 to add, 0 to remove); pl-demo-ipv4 has max_entries 10, fixed when it was created'),
        ('no such id', dict(prefix_list_id='pl-missing', entries=[]),
         'prefix_list_id: no prefix list pl-missing in region cn-hangzhou; to create a list, give prefix_list_name without prefix_list_id'),
        ('a new list without its fixed attributes', dict(prefix_list_name='it-new', entries=[]),
         "address_family and max_entries: are required to create the prefix list 'it-new' (no prefix list has that name in region cn-hangzhou)"),
    ]
    run = playbook(runner, one_of_each(cases))
    for (name, _args, expected), recorded in zip(cases, run.results):
        print('%s: %s' % (name, recorded['result'].get('msg')))
        assert recorded['status'] == 'failed' and recorded['result']['msg'].startswith(expected), (name, recorded['result'])
    assert writes(fresh) == []
    assert len(run.results) == len(cases)


def test_entries_are_added_and_removed_in_one_call_and_descriptions_changed_in_place(fresh, runner):
    # The exact set: one block stays (its description left alone), one goes, one comes.
    exact = task(runner, dict(prefix_list_id=IPV4, entries=[dict(cidr='100.100.2.136'), dict(cidr='10.0.0.0/8', description='ten')]))
    assert not exact.failed, exact.output
    (modify,) = writes(fresh)
    print('one modify: %s' % modify['params'])
    assert modify['action'] == 'ModifyPrefixList'
    assert dict((key, value) for key, value in modify['params'].items() if 'Entry' in key) == {
        'AddEntry.1.Cidr': '10.0.0.0/8', 'AddEntry.1.Description': 'ten', 'RemoveEntry.1.Cidr': '100.100.2.138/32'}
    assert (exact.result['added'], exact.result['removed'], exact.result['updated']) == (
        [dict(cidr='10.0.0.0/8', description='ten')], [dict(cidr='100.100.2.138/32', description='DNS resolver 2')], [])
    assert entries(stored(runner, IPV4)) == [('10.0.0.0/8', 'ten'), ('100.100.2.136/32', 'DNS resolver 1')]

    # A new description for a held block: AddEntry of the same block, never a removal of it.
    fresh.clear_log()
    described = task(runner, dict(prefix_list_name='demo-ipv4', entries=[dict(cidr='10.0.0.0/8'), dict(cidr='100.100.2.136/32', description='resolver one')]))
    assert not described.failed, described.output
    (modify,) = writes(fresh)
    assert dict((key, value) for key, value in modify['params'].items() if 'Entry' in key) == {
        'AddEntry.1.Cidr': '100.100.2.136/32', 'AddEntry.1.Description': 'resolver one'}
    assert described.result['updated'] == [dict(cidr='100.100.2.136/32', description='resolver one')]
    assert entries(stored(runner, IPV4)) == [('10.0.0.0/8', 'ten'), ('100.100.2.136/32', 'resolver one')]

    # Additive: what is missing is added, nothing is removed.
    fresh.clear_log()
    additive = task(runner, dict(prefix_list_id=IPV4, purge_entries=False, entries=[dict(cidr='172.16.0.0/12', description='private')]))
    assert additive.result['changed'] is True and additive.result['removed'] == []
    assert entries(stored(runner, IPV4)) == [('10.0.0.0/8', 'ten'), ('100.100.2.136/32', 'resolver one'), ('172.16.0.0/12', 'private')]
    fresh.clear_log()
    assert task(runner, dict(prefix_list_id=IPV4, purge_entries=False, entries=[dict(cidr='172.16.0.0/12')])).result['changed'] is False
    # An empty exact set removes every entry.
    emptied = task(runner, dict(prefix_list_id=IPV4, entries=[]))
    assert len(emptied.result['removed']) == 3 and stored(runner, IPV4)['entries'] == []
    assert actions(fresh, writes_only=True) == ['ModifyPrefixList']


def test_the_name_and_description_change_and_the_list_is_then_found_by_its_new_name(fresh, runner):
    renamed = task(runner, dict(prefix_list_id=IPV4, prefix_list_name='resolvers', description='the resolvers'))
    assert not renamed.failed, renamed.output
    (modify,) = writes(fresh)
    assert modify['params']['PrefixListName'] == 'resolvers' and modify['params']['Description'] == 'the resolvers'
    assert not any('Entry' in key for key in modify['params'])
    assert renamed.result['prefix_list']['prefix_list_name'] == 'resolvers'
    fresh.clear_log()
    found = task(runner, dict(prefix_list_name='resolvers', description='the resolvers'))
    assert found.result['changed'] is False and found.result['prefix_list_id'] == IPV4 and writes(fresh) == []


def test_check_mode_writes_nothing_and_predicts_the_real_run_with_its_diff(fresh, runner):
    change = dict(prefix_list_id=IPV4, description='the two resolvers', entries=[
        dict(cidr='100.100.2.136/32', description='resolver 1'), dict(cidr='100.100.2.140')])
    checked = task(runner, change, check=True, diff=True)
    assert not checked.failed, checked.output
    assert writes(fresh) == []
    real = task(runner, change, diff=True)
    assert not real.failed, real.output
    assert comparable(checked.result) == comparable(real.result)
    diff = real.result['diff']
    print('diff: %s' % diff)
    assert diff['before']['entries'] == [dict(cidr='100.100.2.136/32', description='DNS resolver 1'),
                                         dict(cidr='100.100.2.138/32', description='DNS resolver 2')]
    assert diff['after']['entries'] == [dict(cidr='100.100.2.136/32', description='resolver 1'), dict(cidr='100.100.2.140/32', description=None)]
    assert (diff['before']['description'], diff['after']['description']) == ('the two internal DNS resolvers', 'the two resolvers')
    assert real.result['prefix_list'] == dict(stored(runner, IPV4), associations=[])

    fresh.clear_log()
    new = dict(OFFICE, prefix_list_name='it-checked')
    checked_create = task(runner, new, check=True, diff=True)
    assert not checked_create.failed, checked_create.output
    assert writes(fresh) == [] and info(runner, prefix_list_name='it-checked')['prefix_lists'] == []
    assert checked_create.result['diff']['before'] == {} and checked_create.result['prefix_list_id'] is None
    created = task(runner, new, diff=True)
    expected = comparable(created.result)
    expected.update(prefix_list_id=None, prefix_list=dict(expected['prefix_list'], prefix_list_id=None, creation_time=None),
                    diff=dict(expected['diff'], after=dict(expected['diff']['after'], prefix_list_id=None)))
    assert comparable(checked_create.result) == expected


def test_a_referenced_list_is_not_deleted_and_the_groups_are_named(fresh, runner):
    rule = runner.task(dict(security_group_id=GROUP, ip_protocol='tcp', port_range='53/53', dest_prefix_list_id=IPV4), module='security_group_egress')
    assert not rule.failed, rule.output
    fresh.clear_log()
    present = task(runner, dict(prefix_list_id=IPV4))
    assert present.result['prefix_list']['association_count'] == 1
    assert present.result['prefix_list']['associations'] == [dict(resource_id=GROUP, resource_type='securitygroup')]
    assert actions(fresh) == ['DescribePrefixLists', 'DescribePrefixListAttributes', 'DescribePrefixListAssociations']

    fresh.clear_log()
    refused = task(runner, dict(prefix_list_id=IPV4, state='absent'))
    assert refused.failed
    print(refused.result['msg'])
    assert refused.result['msg'] == ('prefix_list_id: prefix list pl-demo-ipv4 (demo-ipv4) is referenced by rules of 1 security group '
                                     '(sg-demo-app) and cannot be deleted; remove those rules first')
    assert refused.result['changed'] is False and writes(fresh) == []
    assert 'DeletePrefixList' not in actions(fresh)
    checked = task(runner, dict(prefix_list_id=IPV4, state='absent'), check=True)
    assert checked.failed and 'sg-demo-app' in checked.result['msg']
    assert stored(runner, IPV4)['association_count'] == 1


def test_a_rule_added_just_before_the_delete_gets_the_same_message(fresh, runner):
    fresh.set_faults(dict(rules=[dict(kind='error', code='NotAllowed.AssociationExist', status=400, actions=['DeletePrefixList'])]))
    raced = task(runner, dict(prefix_list_id=IPV4, state='absent'))
    assert raced.failed
    print(raced.result['msg'])
    assert raced.result['msg'] == ('prefix_list_id: prefix list pl-demo-ipv4 (demo-ipv4) is referenced by rules of security groups and '
                                   'cannot be deleted; remove those rules first')
    assert raced.result['error']['code'] == 'NotAllowed.AssociationExist' and raced.result['changed'] is False
    assert [entry['action'] for entry in writes(fresh)] == ['DeletePrefixList']


def test_lookup_by_name_with_no_match_and_with_two(fresh, runner):
    assert task(runner, dict(prefix_list_name='it-nothing', state='absent')).result['changed'] is False
    first = task(runner, dict(OFFICE, prefix_list_name='it-twin')).result['prefix_list_id']
    second = task(runner, dict(OFFICE, prefix_list_name='it-other')).result['prefix_list_id']
    renamed = task(runner, dict(prefix_list_id=second, prefix_list_name='it-twin'))
    assert renamed.result['changed'] is True
    fresh.clear_log()
    for args in (dict(prefix_list_name='it-twin'), dict(prefix_list_name='it-twin', state='absent')):
        ambiguous = task(runner, args)
        assert ambiguous.failed
        print(ambiguous.result['msg'])
        assert ambiguous.result['msg'] == "prefix_list_name: 2 prefix lists are named 'it-twin' in region cn-hangzhou (%s); give prefix_list_id instead" % (
            ', '.join(sorted([first, second])))
    assert writes(fresh) == []


def test_a_full_list_removes_before_it_adds(fresh, runner):
    small = dict(prefix_list_name='it-full', address_family='IPv4', max_entries=2, entries=[dict(cidr='10.1.0.0/16'), dict(cidr='10.2.0.0/16')])
    assert not task(runner, small).failed
    fresh.clear_log()
    swapped = task(runner, dict(small, entries=[dict(cidr='10.3.0.0/16'), dict(cidr='10.4.0.0/16')]))
    assert not swapped.failed, swapped.output
    calls = [sorted(set(key.split('.')[0] for key in entry['params'] if 'Entry' in key)) for entry in writes(fresh)]
    print('calls: %s' % calls)
    assert calls == [['RemoveEntry'], ['AddEntry']]
    assert [entry['code'] for entry in writes(fresh)] == [None, None]


def test_a_failure_half_way_reports_what_was_written(fresh, runner):
    small = dict(prefix_list_name='it-half', address_family='IPv4', max_entries=2, entries=[dict(cidr='10.1.0.0/16'), dict(cidr='10.2.0.0/16')])
    list_id = task(runner, small).result['prefix_list_id']
    fresh.clear_log()
    # The first ModifyPrefixList (the removals) passes, the second (the additions) is refused: with this seed the
    # rule's draws are 0.5 or more, then below.
    second_only = dict(kind='error', code='InvalidParameter', status=400, rate=0.5, actions=['ModifyPrefixList'])
    fresh.set_faults(dict(seed=seed_passing_then_failing(), rules=[second_only]))
    half = task(runner, dict(small, entries=[dict(cidr='10.3.0.0/16'), dict(cidr='10.4.0.0/16')]))
    assert half.failed
    print(half.result['msg'])
    assert half.result['changed'] is True and half.result['prefix_list_id'] == list_id
    assert half.result['removed'] == [dict(cidr='10.1.0.0/16', description=None), dict(cidr='10.2.0.0/16', description=None)]
    assert half.result['added'] == [] and 'prefix_list' not in half.result
    assert half.result['msg'].endswith('changes applied before the failure: entries: 0 entries added, 2 removed, 0 descriptions changed')
    fresh.clear_faults()
    assert task(runner, dict(small, entries=[dict(cidr='10.3.0.0/16'), dict(cidr='10.4.0.0/16')])).result['added'] == [
        dict(cidr='10.3.0.0/16', description=None), dict(cidr='10.4.0.0/16', description=None)]


def seed_passing_then_failing():
    """A seed whose first draw is 0.5 or more and whose second is below 0.5 (the emulator draws with random.Random)."""
    for seed in range(1000):
        draws = random.Random(seed)
        if draws.random() >= 0.5 and draws.random() < 0.5:
            return seed
    raise AssertionError('no such seed below 1000')


def test_throttling_is_retried(fresh, runner):
    fresh.set_faults(dict(seed=1, rules=[dict(kind='throttle', actions=['ModifyPrefixList'], first=1)]))
    run = task(runner, dict(prefix_list_id=IPV4, description='throttled once', retry_backoff=0.01))
    assert not run.failed, run.output
    modifies = [(entry['action'], entry['code']) for entry in writes(fresh)]
    print('writes: %s' % modifies)
    assert modifies == [('ModifyPrefixList', 'Throttling.User'), ('ModifyPrefixList', None)]
    assert stored(runner, IPV4)['description'] == 'throttled once'


def test_a_lost_create_answer_makes_exactly_one_list_and_a_list_deleted_since_is_made_anew(fresh, runner):
    fresh.set_faults(dict(seed=1, rules=[dict(kind='drop_after_write', actions=['CreatePrefixList'], first=1)]))
    run = task(runner, dict(OFFICE, retry_backoff=0.01))
    assert not run.failed, run.output
    creates = [entry for entry in fresh.requests() if entry['action'] == 'CreatePrefixList']
    assert len(creates) == 2 and len(set(entry['params']['ClientToken'] for entry in creates)) == 1
    assert info(runner, prefix_list_name='it-office')['ids'] == [run.result['prefix_list_id']]
    fresh.clear_faults()
    assert task(runner, OFFICE).result['changed'] is False

    assert task(runner, dict(prefix_list_name='it-office', state='absent')).result['changed'] is True
    fresh.clear_log()
    # The same task's token replays the first create's answer, a list that is gone: a write that changes nothing
    # (the list's own name) tells, and a create with a token of its own follows.
    again = task(runner, OFFICE)
    assert not again.failed, again.output
    assert again.result['prefix_list_id'] != run.result['prefix_list_id']
    assert info(runner, prefix_list_name='it-office')['ids'] == [again.result['prefix_list_id']]
    calls = [(entry['action'], entry['applied'], entry['code']) for entry in writes(fresh)]
    print('writes: %s' % calls)
    assert calls == [('CreatePrefixList', False, None), ('ModifyPrefixList', False, 'InvalidPrefixListId.NotFound'), ('CreatePrefixList', True, None)]


def test_host_bits_are_cleared_with_a_warning_and_spellings_compare_canonically(fresh, runner):
    run = task(runner, dict(prefix_list_name='it-hosts', address_family='ipv4', max_entries=5, entries=[dict(cidr='10.1.2.3/16')]))
    assert not run.failed, run.output
    print(run.result.get('warnings'))
    assert any('entries[0].cidr: 10.1.2.3/16 has host bits set; the list holds the network 10.1.0.0/16' in warning
               for warning in run.result['warnings'])
    assert entries(run.result['prefix_list']) == [('10.1.0.0/16', None)]
    fresh.clear_log()
    ipv6 = task(runner, dict(prefix_list_name='demo-ipv6', address_family='IPV6', max_entries=5, entries=[dict(cidr='2001:DB8:100:0:0::/64')]))
    assert ipv6.result['changed'] is False and writes(fresh) == []


def test_info_filters_and_feed_back(fresh, runner):
    everything = info(runner)
    assert everything['ids'] == ['pl-demo-ipv4', 'pl-demo-ipv6'] and 'associations' not in everything['prefix_lists'][0]
    assert info(runner, address_family='ipv6')['ids'] == ['pl-demo-ipv6']
    assert info(runner, prefix_list_name='demo-ipv4')['ids'] == ['pl-demo-ipv4']
    assert info(runner, prefix_list_name='demo-ipv')['ids'] == []
    assert info(runner, prefix_list_ids=['pl-demo-ipv4', 'pl-missing'])['ids'] == ['pl-demo-ipv4']
    assert info(runner, prefix_list_ids=['pl-demo-ipv4'], address_family='IPv6')['ids'] == []
    (ipv4,) = info(runner, prefix_list_ids=['pl-demo-ipv4'], associations=True)['prefix_lists']
    assert ipv4 == dict(prefix_list_id=IPV4, prefix_list_name='demo-ipv4', description='the two internal DNS resolvers', address_family='IPv4',
                        max_entries=10, entries=[dict(cidr='100.100.2.136/32', description='DNS resolver 1'),
                                                 dict(cidr='100.100.2.138/32', description='DNS resolver 2')],
                        association_count=0, associations=[], creation_time='2024-01-01T00:00:00Z')
    fresh.clear_log()
    assert info(runner, prefix_list_ids=[])['prefix_lists'] == [] and fresh.requests() == []
    bad = runner.task(dict(address_family='v6'), module='prefix_list_info')
    assert bad.failed and bad.result['msg'].startswith("address_family: 'v6' is not valid") and fresh.requests() == []

    listed = "{{ found.prefix_lists[0] }}"
    run = playbook(runner, [
        {'name': 'list', 'register': 'found', 'alicloud.ecs.prefix_list_info': dict(prefix_list_name='demo-ipv4')},
        {'name': 'feed back', 'alicloud.ecs.prefix_list': dict(
            prefix_list_id='{{ item.prefix_list_id }}', prefix_list_name='{{ item.prefix_list_name }}', description='{{ item.description }}',
            address_family='{{ item.address_family }}', max_entries='{{ item.max_entries }}', entries='{{ item.entries }}'),
         'loop': '{{ [%s] }}' % listed.strip('{} ')}])
    assert not run.failed, run.output
    assert run.results[-1]['result']['changed'] is False
    assert writes(fresh) == []


def test_a_modify_whose_answer_was_lost_is_confirmed_by_a_read(fresh, runner):
    # ModifyPrefixList takes no ClientToken: the retry of an applied removal is refused (the block is no longer an
    # entry), and a read shows that the first attempt did what was asked.
    fresh.set_faults(dict(seed=1, rules=[dict(kind='drop_after_write', actions=['ModifyPrefixList'], first=1)]))
    run = task(runner, dict(prefix_list_id=IPV4, entries=[dict(cidr='100.100.2.136/32')], retry_backoff=0.01))
    assert not run.failed, run.output
    calls = [(entry['action'], entry['applied'], entry['code']) for entry in fresh.requests()]
    print('calls: %s' % calls)
    modifies = [call for call in calls if call[0] == 'ModifyPrefixList']
    assert modifies == [('ModifyPrefixList', True, None), ('ModifyPrefixList', False, 'InvalidParameter')]
    assert run.result['changed'] is True and run.result['removed'] == [dict(cidr='100.100.2.138/32', description='DNS resolver 2')]
    assert entries(stored(runner, IPV4)) == [('100.100.2.136/32', 'DNS resolver 1')]


def test_a_refused_create_reports_no_change(fresh, runner):
    fresh.set_faults(dict(rules=[dict(kind='error', code='LimitExceed.PrefixListPerRegion', status=404, actions=['CreatePrefixList'])]))
    refused = task(runner, OFFICE)
    assert refused.failed and refused.result['error']['code'] == 'LimitExceed.PrefixListPerRegion'
    assert refused.result['changed'] is False and refused.result['prefix_list_id'] is None and 'prefix_list' not in refused.result


def test_a_change_in_progress_is_waited_out(fresh, runner):
    # TaskConflict says another change of the list is in progress and nothing was applied: the write is sent again.
    fresh.set_faults(dict(rules=[dict(kind='error', code='TaskConflict', status=400, actions=['ModifyPrefixList'], first=1)]))
    run = task(runner, dict(prefix_list_id=IPV4, description='after the conflict'))
    assert not run.failed, run.output
    assert [entry['code'] for entry in writes(fresh)] == ['TaskConflict', None]
    assert stored(runner, IPV4)['description'] == 'after the conflict'
