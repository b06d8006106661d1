# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""alicloud.ecs.port_range_list and port_range_list_info in real playbook runs against the ECS emulator.

The emulator's fixture has, for the main account in cn-hangzhou, the port range list prl-demo-web ("demo-web",
"the web ports", max 10 entries: 80/80 "plain http" and 443/443 "https"), which no rule references. The tests of a
referenced list run on an emulator of their own, whose fixture adds a group with a rule over prl-demo-web.
"""

from __future__ import annotations

import os
import tempfile

import pytest
import yaml
from conftest import PlaybookRunner, harness

MODULE = 'port_range_list'
WEB = 'prl-demo-web'
REFERRER = 'sg-it-port-list-user'

APPS = dict(port_range_list_name='it-apps', description='application ports', max_entries=10,
            entries=[dict(port_range='8000-8080', description='apps'), dict(port_range='9443')])


def task(runner, args, **options):
    return runner.task(args, module=options.pop('module', MODULE), **options)


def actions(emulator, writes_only=False):
    return [entry['action'] for entry in emulator.requests() if entry['write'] or not writes_only]


def writes(emulator):
    return [entry for entry in emulator.requests() if entry['write']]


def comparable(result):
    return dict((key, value) for key, value in result.items() if key not in ('request_ids', 'invocation', '_ansible_no_log', 'warnings'))


def info(runner, **args):
    run = runner.task(args, module='port_range_list_info')
    assert not run.failed, run.output
    return run.result


def stored(runner, list_id):
    (plist,) = info(runner, port_range_list_ids=[list_id], associations=True)['port_range_lists']
    return plist


def entries(plist):
    return [(entry['port_range'], entry['description']) for entry in plist['entries']]


def entry_params(write, kind):
    return [key for key in write['params'] if key.startswith(kind + '.') and key.endswith('.PortRange')]


def playbook(runner, tasks):
    play = [dict(name='several tasks', hosts='localhost', gather_facts=False, tasks=tasks)]
    runner.count += 1
    path = runner.workdir / ('play-ports-%d.yml' % runner.count)
    path.write_text(yaml.safe_dump(play, sort_keys=False), encoding='utf-8')
    return runner.playbook(path)


def ports(count, start):
    return [dict(port_range='%d' % port) for port in range(start, start + count)]


@pytest.fixture(scope='module')
def referenced(tmp_path_factory):
    """An emulator of its own whose fixture adds a group with an ingress rule over prl-demo-web, and its runner."""
    with tempfile.TemporaryDirectory(prefix='ecs-port-lists-') as directory:
        rule = {'IpProtocol': 'TCP', 'PortRange': '1/65535', 'SourceCidrIp': '10.0.0.0/8', 'PortRangeListId': WEB, 'Description': 'web ports'}
        fixture = harness.write_fixture(os.path.join(directory, 'fixture.json'), {REFERRER: dict(name='it-port-list-user', ingress=[rule])})
        server = harness.Emulator(os.path.join(directory, 'state.sqlite'), fixture_path=fixture)
        server.start()
        try:
            yield server, PlaybookRunner(server, tmp_path_factory.mktemp('port-list-playbooks'))
        finally:
            server.stop()


def test_a_lists_whole_life(fresh, runner):
    created = task(runner, APPS)
    assert not created.failed, created.output
    result = created.result
    list_id = result['port_range_list_id']
    print('create calls: %s' % actions(fresh))
    assert result['changed'] is True and list_id.startswith('prl-')
    assert result['port_range_list'] == dict(
        port_range_list_id=list_id, port_range_list_name='it-apps', description='application ports', max_entries=10,
        entries=[dict(port_range='8000/8080', description='apps'), dict(port_range='9443/9443', description=None)],
        association_count=0, associations=[], creation_time=result['port_range_list']['creation_time'])
    assert result['port_range_list']['creation_time']
    (create,) = writes(fresh)
    assert create['params']['ClientToken'] and create['params']['Entry.1.PortRange'] == '8000/8080'
    # The lookup by name, the create, and one read of the new list: its attributes (the listing) and its entries.
    assert actions(fresh) == ['DescribePortRangeLists', 'CreatePortRangeList', 'DescribePortRangeLists', 'DescribePortRangeListEntries']

    fresh.clear_log()
    again = task(runner, APPS)
    assert again.result['changed'] is False, again.result
    print('no-op calls: %s' % actions(fresh))
    assert actions(fresh) == ['DescribePortRangeLists', 'DescribePortRangeListEntries']
    assert comparable(again.result) == dict(comparable(result), changed=False, added=[])

    fresh.clear_log()
    checked = task(runner, dict(port_range_list_id=list_id, state='absent'), check=True, diff=True)
    assert checked.result['changed'] is True and writes(fresh) == []
    assert checked.result['diff']['before']['port_range_list_id'] == list_id and checked.result['diff']['after'] == {}
    gone = task(runner, dict(port_range_list_id=list_id, state='absent'))
    assert gone.result['changed'] is True and gone.result['port_range_list'] == {}
    assert info(runner, port_range_list_name='it-apps')['port_range_lists'] == []
    fresh.clear_log()
    assert task(runner, dict(port_range_list_name='it-apps', state='absent')).result['changed'] is False and writes(fresh) == []
    # A missing port range list is a 400 of its own (InvalidPortRangeListId.NotFound); by id it is simply not listed.
    missing = task(runner, dict(port_range_list_id=list_id, state='absent'))
    assert missing.result['changed'] is False and writes(fresh) == []


BAD_INPUT = [
    ('a range that is none', dict(APPS, entries=[dict(port_range='80'), dict(port_range='http')]),
     "entries[1].port_range: 'http' is not a port range; accepted forms: 80, 80/80, 8000-8080 or 8000/8080"),
    ('a range out of bounds', dict(APPS, entries=[dict(port_range='0/80')]), "entries[0].port_range: '0/80' is out of range"),
    ('a reversed range', dict(APPS, entries=[dict(port_range='90-80')]), "entries[0].port_range: '90-80' is out of range"),
    ('the any port of rules', dict(APPS, entries=[dict(port_range='-1/-1')]), "entries[0].port_range: '-1/-1' is not a port range"),
    ('the same range twice', dict(APPS, entries=[dict(port_range='443'), dict(port_range='443/443')]),
     "entries[1].port_range: '443/443' is the same port range as entries[0].port_range ('443')"),
    ('more entries than max_entries', dict(APPS, max_entries=1), 'entries: 2 entries given; max_entries is 1'),
    ('max_entries too large', dict(APPS, max_entries=2001), 'max_entries: 2001 is out of range; a port range list holds 1 to 2000 entries'),
    ('a URL description', dict(APPS, entries=[dict(port_range='80', description='http://x')]),
     'entries[0].description: must not start with http:// or https://'),
    ('a bad name', dict(APPS, port_range_list_name='web ports'), "port_range_list_name: 'web ports' contains ' '"),
    ('an id of another kind', dict(port_range_list_id='pl-demo-ipv4'), "port_range_list_id: 'pl-demo-ipv4' is not a valid ID"),
    ('a blank name', dict(port_range_list_name='  '), 'port_range_list_name: is empty'),
    ('a long client token', dict(APPS, client_token='t' * 65), 'client_token: must be printable ASCII of at most 64 characters'),
]


def test_bad_input_is_named_before_any_call(fresh, runner):
    run = playbook(runner, [{'name': name, 'ignore_errors': True, 'alicloud.ecs.port_range_list': args} for name, args, _expected in BAD_INPUT])
    assert len(run.results) == len(BAD_INPUT), run.output
    for (name, _args, expected), recorded in zip(BAD_INPUT, run.results):
        print('%s: %s' % (name, recorded['result'].get('msg')))
        assert recorded['status'] == 'failed' and recorded['result']['msg'].startswith(expected), (name, recorded['result'])
    assert fresh.requests() == []


def test_max_entries_is_fixed_and_the_count_is_checked_before_any_write(fresh, runner):
    refused = task(runner, dict(port_range_list_name='demo-web', max_entries=20))
    assert refused.failed
    assert refused.result['msg'].startswith('max_entries: port range list prl-demo-web has max_entries 10; max_entries is fixed when a list '
                                            'is created, so the list must be recreated')
    too_many = task(runner, dict(port_range_list_id=WEB, purge_entries=False, entries=ports(9, 2000)))
    assert too_many.failed and too_many.result['msg'].startswith('entries: the list would hold 11 entries (2 now, 9 to add, 0 to remove)')
    assert writes(fresh) == []


def test_entries_change_in_calls_with_a_token_each_and_descriptions_in_place(fresh, runner):
    exact = task(runner, dict(port_range_list_id=WEB, entries=[dict(port_range='80', description='http'), dict(port_range='8080')]))
    assert not exact.failed, exact.output
    (modify,) = writes(fresh)
    print('one modify: %s' % modify['params'])
    assert dict((key, value) for key, value in modify['params'].items() if 'Entry' in key) == {
        'AddEntry.1.PortRange': '8080/8080', 'AddEntry.2.PortRange': '80/80', 'AddEntry.2.Description': 'http', 'RemoveEntry.1.PortRange': '443/443'}
    assert modify['params']['ClientToken']
    assert exact.result['updated'] == [dict(port_range='80/80', description='http')]
    assert entries(stored(runner, WEB)) == [('80/80', 'http'), ('8080/8080', None)]

    fresh.clear_log()
    additive = task(runner, dict(port_range_list_name='demo-web', purge_entries=False, entries=[dict(port_range='8443-8444', description='alt tls')]))
    assert additive.result['removed'] == [] and additive.result['added'] == [dict(port_range='8443/8444', description='alt tls')]
    renamed = task(runner, dict(port_range_list_id=WEB, port_range_list_name='web-ports', description='what the web tier serves'))
    assert renamed.result['changed'] is True
    tokens = [entry['params']['ClientToken'] for entry in writes(fresh)]
    assert len(tokens) == 2 and len(set(tokens)) == 2
    assert (stored(runner, WEB)['port_range_list_name'], stored(runner, WEB)['description']) == ('web-ports', 'what the web tier serves')
    fresh.clear_log()
    same = [dict(port_range='80/80'), dict(port_range='8080'), dict(port_range='8443/8444')]
    assert task(runner, dict(port_range_list_name='web-ports', entries=same)).result['changed'] is False
    assert writes(fresh) == []


def test_check_mode_writes_nothing_and_predicts_the_real_run_with_its_diff(fresh, runner):
    change = dict(port_range_list_id=WEB, entries=[dict(port_range='443', description='tls'), dict(port_range='8443')])
    checked = task(runner, change, check=True, diff=True)
    assert not checked.failed, checked.output
    assert writes(fresh) == []
    real = task(runner, change, diff=True)
    assert comparable(checked.result) == comparable(real.result)
    assert real.result['diff']['before']['entries'] == [dict(port_range='80/80', description='plain http'), dict(port_range='443/443', description='https')]
    assert real.result['diff']['after']['entries'] == [dict(port_range='443/443', description='tls'), dict(port_range='8443/8443', description=None)]
    assert real.result['port_range_list'] == dict(stored(runner, WEB), associations=[])

    fresh.clear_log()
    checked_create = task(runner, APPS, check=True)
    assert writes(fresh) == [] and checked_create.result['port_range_list_id'] is None
    created = task(runner, APPS)
    expected = comparable(created.result)
    expected.update(port_range_list_id=None, port_range_list=dict(expected['port_range_list'], port_range_list_id=None, creation_time=None))
    assert comparable(checked_create.result) == expected


def test_more_than_200_entries_go_in_batches_of_200(fresh, runner):
    big = dict(port_range_list_name='it-big', max_entries=300, entries=ports(250, 10000))
    created = task(runner, big)
    assert not created.failed, created.output
    calls = [(entry['action'], len(entry_params(entry, 'Entry')) or len(entry_params(entry, 'AddEntry'))) for entry in writes(fresh)]
    print('create: %s' % calls)
    assert calls == [('CreatePortRangeList', 200), ('ModifyPortRangeList', 50)]
    list_id = created.result['port_range_list_id']
    assert len(stored(runner, list_id)['entries']) == 250

    # All 250 replaced by 300 others in a list of 300: no call adds more than the room it has before it.
    fresh.clear_log()
    swapped = task(runner, dict(big, entries=ports(300, 20000)))
    assert not swapped.failed, swapped.output
    modifies = [(len(entry_params(entry, 'RemoveEntry')), len(entry_params(entry, 'AddEntry'))) for entry in writes(fresh)]
    print('swap (removed, added) per call: %s' % modifies)
    assert modifies == [(200, 50), (50, 200), (0, 50)]
    assert all(entry['code'] is None for entry in writes(fresh))
    assert [entry['port_range'] for entry in stored(runner, list_id)['entries']] == ['%d/%d' % (port, port) for port in range(20000, 20300)]
    fresh.clear_log()
    assert task(runner, dict(big, entries=ports(300, 20000))).result['changed'] is False and writes(fresh) == []


def test_a_failure_after_the_create_reports_the_new_list_and_what_was_written(fresh, runner):
    fresh.set_faults(dict(rules=[dict(kind='error', code='InvalidParameter.PortRange', status=400, actions=['ModifyPortRangeList'], first=1)]))
    half = task(runner, dict(port_range_list_name='it-half', max_entries=300, entries=ports(250, 10000)))
    assert half.failed
    print(half.result['msg'])
    new = [plist['port_range_list_id'] for plist in info(runner, port_range_list_name='it-half')['port_range_lists']]
    assert half.result['changed'] is True and [half.result['port_range_list_id']] == new
    assert len(half.result['added']) == 200 and 'port_range_list' not in half.result
    assert half.result['error']['code'] == 'InvalidParameter.PortRange'
    assert half.result['msg'].endswith('changes applied before the failure: created %s; entries: 200 entries added, 0 removed, 0 descriptions '
                                       'changed' % new[0])


def test_a_referenced_list_is_not_deleted_and_the_groups_are_named(referenced):
    server, ports_runner = referenced
    server.reset()
    server.clear_log()
    present = task(ports_runner, dict(port_range_list_id=WEB))
    assert not present.failed, present.output
    assert present.result['port_range_list']['associations'] == [dict(resource_id=REFERRER, resource_type='SecurityGroup')]
    assert present.result['port_range_list']['association_count'] == 1
    server.clear_log()
    refused = task(ports_runner, dict(port_range_list_name='demo-web', state='absent'))
    assert refused.failed
    print(refused.result['msg'])
    assert refused.result['msg'] == ('port_range_list_id: port range list prl-demo-web (demo-web) is referenced by rules of 1 security group '
                                     '(%s) and cannot be deleted; remove those rules first' % REFERRER)
    assert [entry['action'] for entry in server.requests()] == ['DescribePortRangeLists', 'DescribePortRangeListAssociations']
    (listed,) = info(ports_runner, port_range_list_name='demo-web', associations=True)['port_range_lists']
    assert listed['associations'] == [dict(resource_id=REFERRER, resource_type='SecurityGroup')]


def test_a_rule_added_just_before_the_delete_gets_the_same_message(fresh, runner):
    fresh.set_faults(dict(rules=[dict(kind='error', code='InvalidPortRangeListId.AssociationExist', status=400, actions=['DeletePortRangeList'])]))
    raced = task(runner, dict(port_range_list_id=WEB, state='absent'))
    assert raced.failed and raced.result['error']['code'] == 'InvalidPortRangeListId.AssociationExist'
    assert raced.result['msg'].startswith('port_range_list_id: port range list prl-demo-web (demo-web) is referenced by rules of security groups')


def test_lookup_by_name_with_no_match_and_with_two(fresh, runner):
    missing = task(runner, dict(port_range_list_name='it-nothing'))
    assert missing.failed and missing.result['msg'].startswith(
        "max_entries: is required to create the port range list 'it-nothing' (no port range list has that name in region cn-hangzhou)")
    first = task(runner, dict(APPS, port_range_list_name='it-twin')).result['port_range_list_id']
    second = task(runner, dict(APPS, port_range_list_name='it-other')).result['port_range_list_id']
    assert task(runner, dict(port_range_list_id=second, port_range_list_name='it-twin')).result['changed'] is True
    fresh.clear_log()
    ambiguous = task(runner, dict(port_range_list_name='it-twin', state='absent'))
    assert ambiguous.failed
    assert ambiguous.result['msg'] == ("port_range_list_name: 2 port range lists are named 'it-twin' in region cn-hangzhou (%s); "
                                       "give port_range_list_id instead" % ', '.join(sorted([first, second])))
    assert writes(fresh) == []


def test_throttling_is_retried_with_the_same_token(fresh, runner):
    fresh.set_faults(dict(seed=1, rules=[dict(kind='throttle_retry_after', actions=['ModifyPortRangeList'], first=1, retry_after_ms=50)]))
    run = task(runner, dict(port_range_list_id=WEB, purge_entries=False, entries=[dict(port_range='22')]))
    assert not run.failed, run.output
    modifies = [(entry['code'], entry['params']['ClientToken']) for entry in writes(fresh)]
    print('writes: %s' % modifies)
    assert [code for code, _token in modifies] == ['Throttling.User', None] and len(set(token for _code, token in modifies)) == 1
    assert ('22/22', None) in entries(stored(runner, WEB))


def test_a_lost_create_answer_makes_exactly_one_list(fresh, runner):
    fresh.set_faults(dict(seed=1, rules=[dict(kind='drop_after_write', actions=['CreatePortRangeList'], first=1)]))
    run = task(runner, dict(APPS, retry_backoff=0.01))
    assert not run.failed, run.output
    assert len([entry for entry in fresh.requests() if entry['action'] == 'CreatePortRangeList']) == 2
    assert info(runner, port_range_list_name='it-apps')['ids'] == [run.result['port_range_list_id']]


def test_info_filters_skips_a_list_gone_meanwhile_and_feeds_back(fresh, runner):
    apps = task(runner, APPS).result['port_range_list_id']
    assert info(runner)['ids'] == sorted([WEB, apps])
    assert info(runner, port_range_list_name='demo-web')['ids'] == [WEB]
    assert info(runner, port_range_list_ids=[apps, 'prl-missing'])['ids'] == [apps]
    assert 'associations' not in info(runner, port_range_list_ids=[WEB])['port_range_lists'][0]
    fresh.clear_log()
    assert info(runner, port_range_list_ids=[])['ids'] == [] and fresh.requests() == []
    # Deleted between the listing and the read of its entries: DescribePortRangeListEntries answers 400 NotFound.
    fresh.set_faults(dict(rules=[dict(kind='error', code='InvalidPortRangeListId.NotFound', status=400,
                                      actions=['DescribePortRangeListEntries'], first=1)]))
    # Lists are read in the order of their ids; the first one read is the one gone.
    assert info(runner)['ids'] == sorted([WEB, apps])[1:]
    fresh.clear_faults()

    fresh.clear_log()
    run = playbook(runner, [
        {'name': 'list', 'register': 'found', 'alicloud.ecs.port_range_list_info': dict(port_range_list_name='demo-web')},
        {'name': 'feed back', 'loop': '{{ found.port_range_lists }}', 'alicloud.ecs.port_range_list': dict(
            port_range_list_id='{{ item.port_range_list_id }}', port_range_list_name='{{ item.port_range_list_name }}',
            description='{{ item.description }}', max_entries='{{ item.max_entries }}', entries='{{ item.entries }}')}])
    assert not run.failed, run.output
    assert run.results[-1]['result']['changed'] is False and writes(fresh) == []
