# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Ten forks writing to the same groups at once, in either direction: every rule ends up exactly once and
the limit holds. Ten forks converging the same whole group through security_group: one creates it, the others
find it, and it ends up exactly as asked."""

from __future__ import annotations

import yaml

from conftest import (DIRECTIONS, EGRESS, GROUP_MODULE, GROUP_MODULE_WRITE_ACTIONS, INGRESS, SuiteEmulator, duplicates, identity,
                      lag_label, opposite, report)

FORKS = 10
DISJOINT, OVERLAP, NEAR_LIMIT = 'sg-rel-conc-disjoint', 'sg-rel-conc-overlap', 'sg-rel-conc-limit'
# The 200-rule limit counts ingress and egress together, so the near-limit group is filled with rules of
# the other direction: 190 of them leave room for exactly one rule of the tested direction per fork.
LIMIT = 200
FILLER = LIMIT - FORKS


def overlapping_ports(fork):
    """Four ports per fork, each shared with neighbouring forks (12 distinct ports in all)."""
    return [9000 + (fork + step) % 12 for step in range(4)]


def filler_rows(direction, count):
    """``count`` distinct fixture rules of ``direction`` (TCP ports from 10000 up)."""
    return [{'IpProtocol': 'TCP', 'PortRange': '%d/%d' % (10000 + index, 10000 + index),
             direction.api_name('{peer}_cidr_ip'): '10.200.0.0/16', 'Description': 'filler %d' % index} for index in range(count)]


def test_ten_forks_on_shared_groups(direction, lag_ms, playbooks, tmp_path):
    other = opposite(direction)
    peer_cidr = direction.option('{peer}_cidr_ip')
    groups = {DISJOINT: {}, OVERLAP: {}, NEAR_LIMIT: {other.name: filler_rows(other, FILLER)}}
    with SuiteEmulator(groups) as server:
        runner = playbooks(server)
        server.set_lag(lag_ms)
        # Light throttling makes the forks retry and interleave even more.
        server.set_faults({'seed': 7, 'rules': [{'kind': 'throttle', 'rate': 0.1}]})
        inventory = tmp_path / 'inventory.yml'
        hosts = dict(('fork%d' % fork, dict(fork=fork, ansible_connection='local')) for fork in range(FORKS))
        inventory.write_text(yaml.safe_dump({'forks': {'hosts': hosts}}), encoding='utf-8')
        rule = {'ip_protocol': 'tcp', peer_cidr: '10.20.0.0/16', 'description': 'fork {{ fork }}'}
        play = dict(name='forks', hosts='forks', gather_facts=False, tasks=[
            {'name': 'disjoint', direction.module: dict(
                rule, security_group_id=DISJOINT, port_range='{{ 8000 + fork }}/{{ 8000 + fork }}', retry_backoff=0.05)},
            {'name': 'overlap', direction.module: dict(
                security_group_id=OVERLAP, rules='{{ overlap_rules[fork] }}', retry_backoff=0.05)},
            {'name': 'near limit', direction.module: dict(
                rule, security_group_id=NEAR_LIMIT, port_range='{{ 7000 + fork }}/{{ 7000 + fork }}', retry_backoff=0.05)},
        ])
        overlap_rules = dict((fork, [{'ip_protocol': 'tcp', 'port_range': '%d/%d' % (port, port), peer_cidr: '10.30.0.0/16'}
                                     for port in overlapping_ports(fork)]) for fork in range(FORKS))
        variables = tmp_path / 'vars.yml'
        variables.write_text(yaml.safe_dump(dict(overlap_rules=overlap_rules)), encoding='utf-8')
        playbook = tmp_path / 'forks.yml'
        playbook.write_text(yaml.safe_dump([play], sort_keys=False), encoding='utf-8')

        run = runner.playbook(playbook, args=['-i', str(inventory), '--forks', str(FORKS), '-e', '@%s' % variables])
        failed_tasks = [entry['task'] for entry in run.results if entry['status'] != 'ok']
        entries = server.requests()
        throttled = sum(1 for entry in entries if entry['fault'] == 'throttle')
        writes_of_other_actions = [entry['action'] for entry in entries if entry['write'] and entry['action'] not in direction.write_actions]
        final = dict((group, server.rules(group, direction.name)) for group in groups)
        duplicated = dict((group, duplicates(rows, direction)) for group, rows in final.items())
        duplicate_count = sum(len(keys) for keys in duplicated.values())

        # One more rule would make 201: refused before any write, with a message that says so.
        seq = entries[-1]['seq']
        extra = runner.task({'security_group_id': NEAR_LIMIT, 'ip_protocol': 'udp', 'port_range': '53/53', peer_cidr: '10.0.0.0/8'},
                            module=direction.module.split('.')[-1])
        writes_for_the_extra_rule = [entry for entry in server.requests(since=seq) if entry['write']]
        near_limit_of_other_direction = len(server.rules(NEAR_LIMIT, other.name))
        near_limit_total = len(server.rules(NEAR_LIMIT))
        # Every fork's task once more, with the reads still lagging (when they do): nothing left to change.
        again = runner.playbook(playbook, args=['-i', str(inventory), '--forks', str(FORKS), '-e', '@%s' % variables])
        changed_again = [entry['task'] for entry in again.results if entry['result'].get('changed')]

    report('concurrency, %s, %s' % (direction.name, lag_label(lag_ms)),
           hosts=len({entry['host'] for entry in run.results}), tasks=len(run.results),
           failed_tasks=len(failed_tasks), throttled_calls=throttled, writes_of_other_actions=len(writes_of_other_actions),
           overlap_rules=len(final[OVERLAP]), duplicates=duplicate_count, near_limit_this_direction=len(final[NEAR_LIMIT]),
           near_limit_other_direction=near_limit_of_other_direction, near_limit_total=near_limit_total,
           writes_for_the_extra_rule=len(writes_for_the_extra_rule), false_changes_on_rerun=len(changed_again))
    assert not run.failed, run.output
    assert not again.failed and not changed_again, (changed_again, again.output)
    assert len(run.results) == 3 * FORKS and not failed_tasks, (failed_tasks, run.output)
    assert not writes_of_other_actions, writes_of_other_actions
    assert duplicate_count == 0, duplicated
    assert sorted(row['port_range'] for row in final[DISJOINT]) == ['%d/%d' % (8000 + fork, 8000 + fork) for fork in range(FORKS)]
    assert sorted(row['port_range'] for row in final[OVERLAP]) == ['%d/%d' % (port, port) for port in range(9000, 9012)]
    assert len(final[NEAR_LIMIT]) == FORKS and near_limit_of_other_direction == FILLER
    assert extra.failed and str(LIMIT) in extra.result['msg'], extra.output
    assert not writes_for_the_extra_rule, writes_for_the_extra_rule
    assert near_limit_total == LIMIT


SHARED_NAME = 'rel-conc-shared'
SHARED_GROUP = dict(
    name=SHARED_NAME, vpc_id='vpc-demo-1', description='one group, ten forks', inner_access_policy='drop',
    tags={'env': 'test', 'team': 'forks', 'owner': 'reliability'},
    rules=[{'ip_protocol': 'tcp', 'port_range': '%d/%d' % (port, port), 'source_cidr_ip': '10.40.0.0/16', 'description': 'in %d' % port}
           for port in (22, 80, 443)],
    rules_egress=[{'ip_protocol': 'udp', 'port_range': '53/53', 'dest_cidr_ip': '10.41.0.0/16'},
                  {'ip_protocol': 'all', 'dest_cidr_ip': '0.0.0.0/0', 'policy': 'drop', 'priority': 100}],
)


def test_ten_forks_converge_the_same_new_group(lag_ms, playbooks, tmp_path):
    with SuiteEmulator({}) as server:
        runner = playbooks(server)
        # With a lag, no fork sees the group another one created: they all send the same create token.
        server.set_lag(lag_ms)
        groups_before = len(server.groups())
        # The same light throttling as above, so that the forks retry and interleave.
        server.set_faults({'seed': 7, 'rules': [{'kind': 'throttle', 'rate': 0.1}]})
        inventory = tmp_path / 'inventory.yml'
        hosts = dict(('fork%d' % fork, dict(ansible_connection='local')) for fork in range(FORKS))
        inventory.write_text(yaml.safe_dump({'forks': {'hosts': hosts}}), encoding='utf-8')
        play = dict(name='forks on one group', hosts='forks', gather_facts=False, tasks=[
            {'name': 'converge', GROUP_MODULE: dict(SHARED_GROUP, retry_backoff=0.05)}])
        playbook = tmp_path / 'forks.yml'
        playbook.write_text(yaml.safe_dump([play], sort_keys=False), encoding='utf-8')

        run = runner.playbook(playbook, args=['-i', str(inventory), '--forks', str(FORKS)])
        entries = server.requests()
        server.clear_faults()
        named = server.groups(name=SHARED_NAME)
        group = server.group(named[0]['id']) if named else {}
        final = dict((direction, server.rules(group.get('id', 'none'), direction.name) if group else []) for direction in DIRECTIONS)
        # A calm run of the same task afterwards: nothing left to do.
        seq = server.requests()[-1]['seq']
        again = runner.task(SHARED_GROUP, module=GROUP_MODULE.rsplit('.', maxsplit=1)[-1])
        writes_again = [entry['action'] for entry in server.requests(since=seq) if entry['write']]
        groups_after = len(server.groups())

    answered_creates = [entry for entry in entries if entry['action'] == 'CreateSecurityGroup' and entry['status'] == 200]
    applied_creates = [entry for entry in answered_creates if entry['applied']]
    writes = [entry['action'] for entry in entries if entry['write']]
    failed_tasks = [entry['host'] for entry in run.results if entry['status'] != 'ok']
    ids = {entry['result'].get('security_group_id') for entry in run.results}
    wanted = {direction: sorted(identity(rule, direction) for rule in SHARED_GROUP[key])
              for direction, key in ((INGRESS, 'rules'), (EGRESS, 'rules_egress'))}
    present = dict((direction, sorted(identity(row, direction) for row in rows)) for direction, rows in final.items())
    duplicate_count = sum(len(duplicates(rows, direction)) for direction, rows in final.items())
    report('concurrency, security_group, %s' % lag_label(lag_ms), hosts=len({entry['host'] for entry in run.results}),
           tasks=len(run.results),
           failed_tasks=len(failed_tasks), throttled_calls=sum(1 for entry in entries if entry['fault'] == 'throttle'),
           groups_named=len(named), groups_created=groups_after - groups_before, creates_applied=len(applied_creates),
           creates_answered_from_the_token=len(answered_creates) - len(applied_creates),
           forks_that_found_the_group_by_name=len(run.results) - len(answered_creates),
           forks_reporting_changed=sum(1 for entry in run.results if entry['result'].get('changed')),
           ids_returned=len(ids), writes=len(writes), writes_that_changed_the_group=sum(1 for entry in entries if entry['write'] and entry['applied']),
           ingress_rules=len(final[INGRESS]), egress_rules=len(final[EGRESS]),
           duplicates=duplicate_count, writes_of_the_calm_run=len(writes_again))
    assert not run.failed and len(run.results) == FORKS and not failed_tasks, (failed_tasks, run.output)
    assert len(named) == 1 and groups_after - groups_before == 1 and len(applied_creates) == 1, (named, applied_creates)
    assert ids == {named[0]['id']}, ids
    assert set(writes) <= set(GROUP_MODULE_WRITE_ACTIONS), writes
    assert group['tags'] == SHARED_GROUP['tags'] and group['description'] == SHARED_GROUP['description'], group
    assert group['inner_access_policy'] == 'Drop', group
    assert duplicate_count == 0 and present == wanted, (present, wanted)
    assert not again.failed and again.result['changed'] is False and not writes_again, (again.output, writes_again)


TEARDOWN_GROUPS = 6


def test_the_teardown_play_converges_while_members_leave_late_and_reads_lag(lag_ms, playbooks, tmp_path):
    """The usual teardown: the instances were just released, then every group is deleted, in parallel. The cloud lets
    go of a group only a while after its members leave (a different while for each), and with the lag mode on, reads
    lag too. Every delete must wait it out and succeed, and a second run must find nothing left."""
    names = ['rel-teardown-%d' % index for index in range(TEARDOWN_GROUPS)]
    groups = {'sg-' + name: dict(name=name, vpc_id='vpc-demo-1') for name in names}
    with SuiteEmulator(groups) as server:
        runner = playbooks(server)
        server.set_lag(lag_ms)
        for index, name in enumerate(names):
            kind = 'instance' if index % 2 else 'network_interface'
            server.add_member('held-by-%d' % index, kind, ['sg-' + name])
            server.release_member('held-by-%d' % index, after_ms=500 + 400 * index)
        inventory = tmp_path / 'inventory.yml'
        hosts = dict(('fork%d' % index, dict(group_name=name, ansible_connection='local')) for index, name in enumerate(names))
        inventory.write_text(yaml.safe_dump({'forks': {'hosts': hosts}}), encoding='utf-8')
        play = dict(name='teardown', hosts='forks', gather_facts=False, tasks=[
            {'name': 'delete', GROUP_MODULE: dict(name='{{ group_name }}', vpc_id='vpc-demo-1', state='absent', delete_timeout=60)}])
        playbook = tmp_path / 'teardown.yml'
        playbook.write_text(yaml.safe_dump([play], sort_keys=False), encoding='utf-8')
        run = runner.playbook(playbook, args=['-i', str(inventory), '--forks', str(TEARDOWN_GROUPS)])
        entries = server.requests()
        left = [name for name in names if server.groups(name=name)]
        again = runner.playbook(playbook, args=['-i', str(inventory), '--forks', str(TEARDOWN_GROUPS)])
    deletes = [entry for entry in entries if entry['action'] == 'DeleteSecurityGroup']
    report('teardown, %s' % lag_label(lag_ms), groups=len(names),
           failed_tasks=sum(1 for entry in run.results if entry['status'] != 'ok'),
           reported_changed=sum(1 for entry in run.results if entry['result'].get('changed')),
           delete_calls=len(deletes), refused_while_held=sum(1 for entry in deletes if entry['code'] == 'DependencyViolation'),
           groups_left=len(left), changed_on_rerun=sum(1 for entry in again.results if entry['result'].get('changed')))
    assert not run.failed, run.output
    assert all(entry['result']['changed'] for entry in run.results) and len(run.results) == len(names)
    assert not left and sum(1 for entry in deletes if entry['code'] is None) == len(names)
    assert any(entry['code'] == 'DependencyViolation' for entry in deletes), 'no delete met a member still leaving'
    assert not again.failed and not any(entry['result'].get('changed') for entry in again.results), again.output
