# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Ten forks writing to the same groups at once: every rule ends up exactly once and the limit holds."""

from __future__ import annotations

import yaml

from conftest import SuiteEmulator, duplicates, report

FORKS = 10
DISJOINT, OVERLAP, NEAR_LIMIT = 'sg-rel-conc-disjoint', 'sg-rel-conc-overlap', 'sg-rel-conc-limit'
# 190 ingress rules leave room for exactly one egress rule per fork.
FILLER = 200 - FORKS


def overlapping_ports(fork):
    """Four ports per fork, each shared with neighbouring forks (12 distinct ports in all)."""
    return [9000 + (fork + step) % 12 for step in range(4)]


def test_ten_forks_on_shared_groups(playbooks, tmp_path):
    groups = {DISJOINT: {}, OVERLAP: {}, NEAR_LIMIT: dict(filler_ingress=FILLER)}
    with SuiteEmulator(groups) as server:
        runner = playbooks(server)
        # Light throttling makes the forks retry and interleave even more.
        server.set_faults({'seed': 7, 'rules': [{'kind': 'throttle', 'rate': 0.1}]})
        inventory = tmp_path / 'inventory.yml'
        hosts = dict(('fork%d' % fork, dict(fork=fork, ansible_connection='local')) for fork in range(FORKS))
        inventory.write_text(yaml.safe_dump({'forks': {'hosts': hosts}}), encoding='utf-8')
        rule = dict(ip_protocol='tcp', dest_cidr_ip='10.20.0.0/16', description='fork {{ fork }}')
        play = dict(name='forks', hosts='forks', gather_facts=False, tasks=[
            {'name': 'disjoint', 'alicloud.ecs.security_group_egress': dict(
                rule, security_group_id=DISJOINT, port_range='{{ 8000 + fork }}/{{ 8000 + fork }}', retry_backoff=0.05)},
            {'name': 'overlap', 'alicloud.ecs.security_group_egress': dict(
                security_group_id=OVERLAP, rules='{{ overlap_rules[fork] }}', retry_backoff=0.05)},
        ])
        play['tasks'].append({'name': 'near limit', 'alicloud.ecs.security_group_egress': dict(
            rule, security_group_id=NEAR_LIMIT, port_range='{{ 7000 + fork }}/{{ 7000 + fork }}', retry_backoff=0.05)})
        overlap_rules = dict((fork, [dict(ip_protocol='tcp', port_range='%d/%d' % (port, port), dest_cidr_ip='10.30.0.0/16')
                                     for port in overlapping_ports(fork)]) for fork in range(FORKS))
        variables = tmp_path / 'vars.yml'
        variables.write_text(yaml.safe_dump(dict(overlap_rules=overlap_rules)), encoding='utf-8')
        playbook = tmp_path / 'forks.yml'
        playbook.write_text(yaml.safe_dump([play], sort_keys=False), encoding='utf-8')

        run = runner.playbook(playbook, args=['-i', str(inventory), '--forks', str(FORKS), '-e', '@%s' % variables])
        failed_tasks = [entry['task'] for entry in run.results if entry['status'] != 'ok']
        throttled = sum(1 for entry in server.requests() if entry['fault'] == 'throttle')
        final = dict((group, server.egress_rules(group)) for group in groups)
        duplicated = dict((group, duplicates(rows)) for group, rows in final.items())
        duplicate_count = sum(len(keys) for keys in duplicated.values())

        # One more rule would make 201: refused before any write, with a message that says so.
        seq = server.requests()[-1]['seq']
        extra = runner.task(dict(security_group_id=NEAR_LIMIT, ip_protocol='udp', port_range='53/53', dest_cidr_ip='10.0.0.0/8'))
        writes_for_the_extra_rule = [entry for entry in server.requests(since=seq) if entry['write']]
        near_limit_total = len(server.rules(NEAR_LIMIT))

    report('concurrency', forks=FORKS, tasks=len(run.results), failed_tasks=len(failed_tasks), throttled_calls=throttled,
           overlap_rules=len(final[OVERLAP]), duplicates=duplicate_count,
           near_limit_total=near_limit_total, writes_for_the_extra_rule=len(writes_for_the_extra_rule))
    assert not run.failed, run.output
    assert len(run.results) == 3 * FORKS and not failed_tasks, (failed_tasks, run.output)
    assert duplicate_count == 0, duplicated
    assert sorted(row['port_range'] for row in final[DISJOINT]) == ['%d/%d' % (8000 + fork, 8000 + fork) for fork in range(FORKS)]
    assert sorted(row['port_range'] for row in final[OVERLAP]) == ['%d/%d' % (port, port) for port in range(9000, 9012)]
    assert len(final[NEAR_LIMIT]) == FORKS
    assert extra.failed and '200' in extra.result['msg'], extra.output
    assert not writes_for_the_extra_rule, writes_for_the_extra_rule
    assert near_limit_total == 200
