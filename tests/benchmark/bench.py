# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Performance benchmark of alicloud.ecs.security_group_egress and security_group_ingress against the ECS
emulator on loopback.

Prints tables (markdown) of: API calls per task and scaling in rules for both directions, per-task wall time
of both against ansible.builtin.ping, where a module run spends its start-up time, and scaling in groups
(egress). Medians of --repeat runs. Run it with `make bench` (the staged collection under build/ is what
gets measured).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, namedtuple
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / 'tests' / 'emulator'))

from ecs_emulator import harness  # noqa: E402  pylint: disable=wrong-import-position

BUILD = REPO / 'build'
PYTHON = sys.executable
SIZES = (1, 10, 100, 200)
BATCH = 100
# Rules per DescribeSecurityGroupAttribute page (MaxResults): a converge reads ceil(rules / RULES_PER_PAGE) pages.
RULES_PER_PAGE = 1000
GROUP_COUNT = 50
KEYS = harness.credentials('main')

# What the benchmark needs to know of a direction: its module, the peer's option and API parameter (where
# egress traffic goes, where ingress traffic comes from) and the actions that write its rules.
Direction = namedtuple('Direction', 'name module peer_option peer_parameter write_actions')
DIRECTIONS = (
    Direction('egress', 'security_group_egress', 'dest_cidr_ip', 'DestCidrIp',
              ('AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupEgress', 'ModifySecurityGroupEgressRule')),
    Direction('ingress', 'security_group_ingress', 'source_cidr_ip', 'SourceCidrIp',
              ('AuthorizeSecurityGroup', 'RevokeSecurityGroup', 'ModifySecurityGroupRule')),
)
EGRESS = DIRECTIONS[0]


def rule(index, direction):
    """The index-th distinct rule of ``direction``: TCP ports from 10000 up, to or from 10.0.0.0/8."""
    return {'ip_protocol': 'tcp', 'port_range': '%d/%d' % (10000 + index, 10000 + index), direction.peer_option: '10.0.0.0/8',
            'description': 'bench %d' % index}


def api_row(index, direction):
    item = rule(index, direction)
    return {'IpProtocol': 'TCP', 'PortRange': item['port_range'], direction.peer_parameter: item[direction.peer_option],
            'Policy': 'Accept', 'Priority': 1, 'NicType': 'intranet', 'Description': item['description']}


def empty_group(direction, size):
    return 'sg-bench-%s-empty-%d' % (direction.name, size)


def full_group(direction, size):
    return 'sg-bench-%s-full-%d' % (direction.name, size)


def ping_group(direction):
    return 'sg-bench-ping-%s' % direction.name


def bench_groups():
    """The benchmark's groups, for harness.write_fixture."""
    groups = {}
    for direction in DIRECTIONS:
        for size in SIZES:
            groups[empty_group(direction, size)] = {}
            groups[full_group(direction, size)] = {direction.name: [api_row(index, direction) for index in range(size)]}
        groups[ping_group(direction)] = {}
    for index in range(GROUP_COUNT):
        groups['sg-bench-many-%02d' % index] = {}
    return groups


def connection(server):
    return dict(region='cn-hangzhou', access_key_id=KEYS['access_key_id'], access_key_secret=KEYS['access_key_secret'],
                endpoint='http://%s' % server.endpoint)


def environment():
    env = dict((name, value) for name, value in os.environ.items() if 'proxy' not in name.lower())
    env['PYTHONPATH'] = str(BUILD)
    env['ANSIBLE_COLLECTIONS_PATH'] = str(BUILD)
    return env


def measured_run(server, workdir, args, module):
    path = Path(workdir) / 'args.json'
    path.write_text(json.dumps(dict(ANSIBLE_MODULE_ARGS=dict(connection(server), **args))), encoding='utf-8')
    entries = server.requests()
    seq = entries[-1]['seq'] if entries else 0
    out_path = Path(workdir) / 'out.json'
    started = time.perf_counter()
    with open(out_path, 'wb') as out:
        process = subprocess.Popen([PYTHON, '-m', 'ansible_collections.alicloud.ecs.plugins.modules.' + module, str(path)],
                                   stdout=out, stderr=subprocess.DEVNULL, env=environment())
        dummy, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    result = json.loads(out_path.read_text(encoding='utf-8'))
    if result.get('failed'):
        raise RuntimeError('module failed: %s' % result.get('msg'))
    calls = server.requests(since=seq)
    reads = sum(1 for entry in calls if not entry['write'])
    write_actions = Counter(entry['action'] for entry in calls if entry['write'])
    return dict(seconds=seconds, rss_mib=usage.ru_maxrss / 1024.0, reads=reads, writes=sum(write_actions.values()),
                write_actions=write_actions, result=result)


def median_of(runs, key):
    return statistics.median(run[key] for run in runs)


def scenario_runs(server, workdir, repeat, group, args, direction):
    runs = []
    for dummy in range(repeat):
        server.reset()
        runs.append(measured_run(server, workdir, dict(security_group_id=group, **args), direction.module))
    return runs


def write_calls_text(write_actions):
    """'2 AuthorizeSecurityGroup' and the like; '-' for no write."""
    return ', '.join('%d %s' % (count, action) for action, count in sorted(write_actions.items())) or '-'


def api_call_table(server, workdir, repeat):
    rows, timings = [], {}
    for size in SIZES:
        pages = math.ceil(size / RULES_PER_PAGE)
        for direction in DIRECTIONS:
            wanted = [rule(index, direction) for index in range(size)]
            # (case, group, module options, expected writes, how they follow from n)
            cases = [
                ('no-op converge', full_group(direction, size), dict(rules=wanted, purge_rules=True), 0, '0'),
                ('create from empty', empty_group(direction, size), dict(rules=wanted), math.ceil(size / BATCH),
                 'ceil(n/%d)' % BATCH),
                ('purge half', full_group(direction, size), dict(rules=wanted[:size // 2], purge_rules=True),
                 math.ceil((size - size // 2) / BATCH), 'ceil((n - n/2)/%d)' % BATCH),
            ]
            for name, group, args, expected_writes, formula in cases:
                runs = scenario_runs(server, workdir, repeat, group, args, direction)
                reads, writes = median_of(runs, 'reads'), median_of(runs, 'writes')
                # Every run's writes, not just the median's, must go to this direction's actions.
                write_actions = sum((run['write_actions'] for run in runs), Counter())
                own_actions = set(write_actions) <= set(direction.write_actions)
                target = 'reads == ceil(n/%d) = %d, writes == %s' % (RULES_PER_PAGE, pages, formula)
                if formula != str(expected_writes):
                    target += ' = %d' % expected_writes
                met = reads == pages and writes == expected_writes and own_actions
                rows.append((name, size, direction.name, reads, writes, write_calls_text(runs[-1]['write_actions']), target,
                             'yes' if met else 'NO'))
                timings[(direction.name, name, size)] = runs
    print('\n### API calls per task (from the emulator log)\n')
    print('| case | rules | direction | reads | writes | write calls (last run) | target | met |')
    print('|---|---:|---|---:|---:|---|---|---|')
    for row in sorted(rows, key=lambda row: (row[0] != 'no-op converge', row[0] != 'create from empty', row[1], row[2])):
        print('| %s | %d | %s | %d | %d | %s | %s | %s |' % row)
    return timings


def scaling_rules_table(timings):
    print('\n### Scaling in rules (one module process, median wall time and peak RSS)\n')
    print('| case | rules | egress wall s | ingress wall s | egress peak RSS MiB | ingress peak RSS MiB | egress vs 1 rule | ingress vs 1 rule |')
    print('|---|---:|---:|---:|---:|---:|---:|---:|')
    for name in ('no-op converge', 'create from empty'):
        for size in SIZES:
            seconds, memory, growth = [], [], []
            for direction in DIRECTIONS:
                runs = timings[(direction.name, name, size)]
                seconds.append(median_of(runs, 'seconds'))
                memory.append(median_of(runs, 'rss_mib'))
                growth.append(seconds[-1] / median_of(timings[(direction.name, name, 1)], 'seconds'))
            print('| %s | %d | %.3f | %.3f | %.1f | %.1f | %.2fx | %.2fx |' % ((name, size) + tuple(seconds) + tuple(memory) + tuple(growth)))


def playbook_env(workdir, timer_file):
    env = environment()
    env.update(ANSIBLE_CALLBACK_PLUGINS=str(REPO / 'tests' / 'benchmark' / 'callback_plugins'),
               ANSIBLE_CALLBACKS_ENABLED='task_timer', TASK_TIMER_FILE=str(timer_file),
               ANSIBLE_HOME=str(Path(workdir) / 'ansible-home'), ANSIBLE_LOCAL_TEMP=str(Path(workdir) / 'tmp'),
               ANSIBLE_NOCOLOR='1', ANSIBLE_PYTHON_INTERPRETER=PYTHON)
    env.pop('PYTHONPATH')
    return env


def run_playbook(workdir, play, name, extra_args=()):
    path = Path(workdir) / ('%s.yml' % name)
    path.write_text(yaml.safe_dump(play, sort_keys=False), encoding='utf-8')
    timer_file = Path(workdir) / ('%s.timings.jsonl' % name)
    if timer_file.exists():
        timer_file.unlink()
    started = time.perf_counter()
    process = subprocess.Popen([str(Path(PYTHON).parent / 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(path)]
                               + list(extra_args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=playbook_env(workdir, timer_file))
    output = process.stdout.read()
    dummy, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError('playbook %s failed:\n%s' % (name, output.decode(errors='replace')[-3000:]))
    timings = [json.loads(line) for line in timer_file.read_text(encoding='utf-8').splitlines()]
    return seconds, usage.ru_maxrss / 1024.0, timings


def ping_ratio_table(server, workdir, repeat, tasks=50):
    # The three kinds of task take turns (ping, egress, ingress, ping, ...), so that a change in the machine's
    # load during a run weighs on all three alike.
    modules = ['alicloud.ecs.%s' % direction.module for direction in DIRECTIONS]
    arguments = dict((direction.module, dict(connection(server), security_group_id=ping_group(direction), **rule(0, direction)))
                     for direction in DIRECTIONS)
    turns = []
    for index in range(tasks):
        turns.append({'name': 'ping %d' % index, 'ansible.builtin.ping': {}})
        turns.extend({'name': '%s %d' % (direction.name, index), 'alicloud.ecs.%s' % direction.module: arguments[direction.module]}
                     for direction in DIRECTIONS)
    play = [dict(name='ping versus the rule modules', hosts='localhost', gather_facts=False, tasks=turns)]
    pings, seconds, ratios = [], dict((module, []) for module in modules), dict((module, []) for module in modules)
    counted = dict((module, []) for module in modules + ['ansible.builtin.ping'])
    for dummy in range(repeat):
        server.reset()
        dummy_seconds, dummy_rss, timings = run_playbook(workdir, play, 'ping-ratio')
        ping_times = [entry['seconds'] for entry in timings if entry['action'] == 'ansible.builtin.ping']
        counted['ansible.builtin.ping'].append(len(ping_times))
        pings.append(statistics.median(ping_times))
        for module in modules:
            # Each module's first task creates its rule; the rest are the no-op converges a playbook repeats.
            module_times = [entry['seconds'] for entry in timings if entry['action'] == module and not entry['task'].endswith(' 0')]
            counted[module].append(len(module_times))
            seconds[module].append(statistics.median(module_times))
            ratios[module].append(seconds[module][-1] / pings[-1])
    print('\n### Per-task wall time in one playbook, ping and the rule modules taking turns (median of task medians'
          ' over %d runs)\n' % len(pings))
    print('| task | tasks timed per run | median s | against ping (target <= 2.0x) |')
    print('|---|---:|---:|---:|')
    print('| ansible.builtin.ping | %d | %.3f | |' % (min(counted['ansible.builtin.ping']), statistics.median(pings)))
    for module in modules:
        median_ratio = statistics.median(ratios[module])
        print('| %s (no-op) | %d | %.3f | %.2fx |' % (module, min(counted[module]), statistics.median(seconds[module]), median_ratio))
    return dict((module, statistics.median(ratios[module])) for module in modules)


def import_table():
    """Where a module process spends its start-up: python -X importtime of what the module imports."""
    code = ('import ansible.module_utils.basic\n'
            'from ansible_collections.alicloud.ecs.plugins.module_utils import _sdk\n'
            '_sdk.load()\n')
    env = environment()
    process = subprocess.run([PYTHON, '-X', 'importtime', '-c', code], capture_output=True, text=True, env=env, check=True)
    # Imports made directly by the code above (nesting level 0), summed per top-level package: each
    # nested import is charged to the first package that pulled it in.
    totals = {}
    for line in process.stderr.splitlines():
        match = re.match(r'import time:\s+\d+ \|\s+(\d+) \| (\S+)$', line)
        if match:
            package = match.group(2).split('.')[0]
            totals[package] = totals.get(package, 0) + int(match.group(1)) / 1e6
    print('\n### Start-up imports of a module process (python -X importtime, cumulative per package)\n')
    print('| package (and what it pulls in) | seconds |')
    print('|---|---:|')
    for name, seconds in sorted(totals.items(), key=lambda item: -item[1])[:8]:
        print('| %s | %.3f |' % (name, seconds))
    print('| total (interpreter start-up included) | %.3f |' % sum(totals.values()))


def many_groups_table(server, workdir, repeat, forks=10):
    inventory = Path(workdir) / 'many-hosts.yml'
    hosts = dict(('host%02d' % index, dict(group_index='%02d' % index, ansible_connection='local')) for index in range(GROUP_COUNT))
    inventory.write_text(yaml.safe_dump({'many': {'hosts': hosts}}), encoding='utf-8')
    args = dict(connection(server), security_group_id='sg-bench-many-{{ group_index }}', rules=[rule(index, EGRESS) for index in range(4)])
    play = [dict(name='many groups', hosts='many', gather_facts=False,
                 tasks=[{'name': 'converge', 'alicloud.ecs.security_group_egress': args}])]
    print('\n### Scaling in groups (security_group_egress: one task on %d hosts, each its own group, forks=%d)\n' % (GROUP_COUNT, forks))
    print('| run | groups | wall s | peak RSS MiB (largest process) |')
    print('|---|---:|---:|---:|')
    for label, reset in (('create', True), ('no-op', False)):
        results = []
        for dummy in range(repeat):
            if reset:
                server.reset()
            seconds, rss, timings = run_playbook(workdir, play, 'many', ['-i', str(inventory), '--forks', str(forks)])
            assert len(timings) == GROUP_COUNT
            results.append((seconds, rss, len(timings)))
        # The groups column counts the tasks that ran (one per host and group), not the configured number.
        print('| %s | %d | %.2f | %.1f |' % (label, min(r[2] for r in results), statistics.median(r[0] for r in results),
                                             statistics.median(r[1] for r in results)))
    one = []
    for dummy in range(repeat):
        server.reset()
        seconds, dummy_rss, timings = run_playbook(workdir, [dict(play[0], hosts='host00')], 'one', ['-i', str(inventory)])
        one.append((seconds, len(timings)))
    print('| create | %d | %.2f | |' % (min(r[1] for r in one), statistics.median(r[0] for r in one)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=5, help='runs per measurement (median is shown)')
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='ecs-bench-') as workdir:
        fixture = harness.write_fixture(os.path.join(workdir, 'fixture.json'), bench_groups())
        server = harness.Emulator(os.path.join(workdir, 'state.sqlite'), fixture_path=fixture)
        server.start()
        try:
            print('## alicloud.ecs benchmark\n')
            print('- machine: %s, %d CPUs, Python %s, %s' % (platform.machine(), os.cpu_count(), platform.python_version(),
                                                             platform.platform()))
            print('- date: %s; repeat: %d (medians)' % (time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()), options.repeat))
            timings = api_call_table(server, workdir, options.repeat)
            scaling_rules_table(timings)
            import_table()
            ping_ratio_table(server, workdir, options.repeat)
            many_groups_table(server, workdir, max(1, options.repeat // 2))
        finally:
            server.stop()


if __name__ == '__main__':
    main()
