# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Benchmark of a rule written with lists against the API rules it stands for, against the ECS emulator on loopback.

Scenario L: one security_group_ingress rule with SOURCES addresses and PORTS ports. Scenario E: the same
SOURCES x PORTS rules written one by one in ``rules``. Each scenario runs twice on a freshly seeded group: the
first run writes, the second must be ``ok`` with no write. Prints tables (markdown) of the calls by action (from
the emulator's request log), the rules per AuthorizeSecurityGroup call and the task wall time, medians of
--repeat runs. Run it with `make bench` (the staged collection under build/ is what gets measured).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_lists import PYTHON, connection, playbook_env, start  # noqa: E402  pylint: disable=wrong-import-position
from ecs_emulator import harness  # noqa: E402  pylint: disable=wrong-import-position

GROUP = 'sg-demo-app'
SOURCES = ['198.51.%d.%d/32' % (index // 10, index % 10 * 10) for index in range(30)]
PORTS = [22, 443, 8443]
SCENARIOS = ('L', 'E')
LABELS = {'L': 'L: 1 rule, %d addresses x %d ports' % (len(SOURCES), len(PORTS)),
          'E': 'E: the %d API rules it stands for, one by one' % (len(SOURCES) * len(PORTS))}


def rules_of(scenario):
    if scenario == 'L':
        return [dict(ip_protocol='tcp', source_cidr_ip=SOURCES, ports=[str(port) for port in PORTS], description='admins')]
    return [dict(ip_protocol='tcp', source_cidr_ip=source, port_range='%d/%d' % (port, port), description='admins')
            for source in SOURCES for port in PORTS]


def run_once(server, workdir, build, scenario, attempt):
    """One ansible-playbook run of the scenario's task: calls by action, rules per Authorize call, task seconds, changed."""
    timer_file = Path(workdir) / ('timings-%s-%s.jsonl' % (scenario, attempt))
    if timer_file.exists():
        timer_file.unlink()
    task = {'name': 'rules', 'register': 'result', 'alicloud.ecs.security_group_ingress': dict(
        connection(server), security_group_id=GROUP, purge_rules=True, rules=rules_of(scenario))}
    play = [dict(name='scenario %s' % scenario, hosts='localhost', gather_facts=False, tasks=[
        task, {'name': 'changed?', 'ansible.builtin.debug': {'msg': 'CHANGED={{ result.changed }}'}}])]
    playbook = Path(workdir) / ('scenario-%s.yml' % scenario)
    playbook.write_text(yaml.safe_dump(play, sort_keys=False), encoding='utf-8')
    server.clear_log()
    process = subprocess.run([str(Path(PYTHON).parent / 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(playbook)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=playbook_env(workdir, build, timer_file), check=False)
    output = process.stdout.decode(errors='replace')
    if process.returncode != 0:
        raise RuntimeError('scenario %s failed:\n%s' % (scenario, output[-3000:]))
    seconds = [entry for entry in (json.loads(line) for line in timer_file.read_text(encoding='utf-8').splitlines())
               if entry['task'] == 'rules'][0]['seconds']
    entries = [entry for entry in server.requests() if entry.get('service', 'ecs') == 'ecs']
    batches = [sum(1 for name in entry['params'] if name.startswith('Permissions.') and name.endswith('.IpProtocol'))
               for entry in entries if entry['action'] == 'AuthorizeSecurityGroup']
    return dict(reads=Counter(entry['action'] for entry in entries if not entry['write']),
                writes=Counter(entry['action'] for entry in entries if entry['write']),
                batches=batches, seconds=seconds, changed='CHANGED=True' in output)


def measure(server, workdir, build, repeat):
    """{(scenario, 'first' | 'again'): [runs]}, each pair on a freshly seeded emulator, checked as it goes."""
    runs = dict(((scenario, attempt), []) for scenario in SCENARIOS for attempt in ('first', 'again'))
    for dummy in range(repeat):
        for scenario in SCENARIOS:
            server.reset()
            first = run_once(server, workdir, build, scenario, 'first')
            again = run_once(server, workdir, build, scenario, 'again')
            stored = server.rules(GROUP, 'ingress')
            if len(stored) != len(SOURCES) * len(PORTS) or not first['changed'] or again['changed'] or again['writes']:
                raise RuntimeError('scenario %s: %d rules stored, first changed=%s, second changed=%s with writes %s'
                                   % (scenario, len(stored), first['changed'], again['changed'], dict(again['writes'])))
            runs[(scenario, 'first')].append(first)
            runs[(scenario, 'again')].append(again)
    return runs


def calls_text(counter):
    return ', '.join('%d %s' % (count, action) for action, count in sorted(counter.items())) or '-'


def main():
    options, build = start(__doc__, 'a rule with lists against the API rules it stands for')
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix='ecs-bench-authoring-') as workdir:
        server = harness.Emulator(os.path.join(workdir, 'state.sqlite'))
        server.start()
        try:
            runs = measure(server, workdir, build, options.repeat)
        finally:
            server.stop()
    print('\n| scenario | run | reads | writes | rules per AuthorizeSecurityGroup call | calls by action | task wall s |')
    print('|---|---|---:|---:|---|---|---:|')
    calls = {}
    for scenario in SCENARIOS:
        for attempt in ('first', 'again'):
            measured = runs[(scenario, attempt)]
            last = measured[-1]
            calls[(scenario, attempt)] = (last['reads'], last['writes'], last['batches'])
            same = all((run['reads'], run['writes'], run['batches']) == calls[(scenario, attempt)] for run in measured)
            print('| %s | %s | %d | %d | %s | %s%s | %.2f |' % (
                LABELS[scenario], attempt, sum(last['reads'].values()), sum(last['writes'].values()),
                ', '.join(str(size) for size in last['batches']) or '-', calls_text(last['reads'] + last['writes']),
                '' if same else ' (runs differed)', statistics.median(run['seconds'] for run in measured)))
    equal = all(calls[('L', attempt)] == calls[('E', attempt)] for attempt in ('first', 'again'))
    one_batch = calls[('L', 'first')][2] == [len(SOURCES) * len(PORTS)]
    verdict = 'met' if equal and one_batch else 'NOT met'
    print('\nTarget (issue 21): the rule with lists makes the calls of the rules it stands for, written in one batch: %s '
          '(same calls: %s; batches of L: %s)' % (verdict, 'yes' if equal else 'no', calls[('L', 'first')][2]))
    print('\nbench_authoring.py ran %.0f s' % (time.perf_counter() - started))


if __name__ == '__main__':
    main()
