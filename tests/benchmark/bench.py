# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Performance benchmark of alicloud.ecs.security_group_egress, security_group_ingress and security_group against
the ECS emulator on loopback.

Prints tables (markdown) of: API calls per task and scaling in rules for both directions, the API calls of a
security_group no-op converge and what assuming a RAM role adds to a task, per-task wall time of the three modules
(and of egress through an assumed role) against ansible.builtin.ping, where a module run spends its start-up time,
and scaling in groups (egress). Medians of --repeat runs. Run it with `make bench` (the staged collection under
build/ is what gets measured).
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
# The role of account peer that main assumes (through the emulator's STS) in the assume-role measurements.
PEER_ROLE = harness.role_arn('peer', 'ecs-admin')
# Tasks of each kind in the playbook that times them against ping.
PING_TURNS = 30

# What the benchmark needs to know of a direction: its module, the peer's option and API parameter (where
# egress traffic goes, where ingress traffic comes from) and the actions that write its rules.
Direction = namedtuple('Direction', 'name module peer_option peer_parameter write_actions')
DIRECTIONS = (
    Direction('egress', 'security_group_egress', 'dest_cidr_ip', 'DestCidrIp',
              ('AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupEgress', 'ModifySecurityGroupEgressRule')),
    Direction('ingress', 'security_group_ingress', 'source_cidr_ip', 'SourceCidrIp',
              ('AuthorizeSecurityGroup', 'RevokeSecurityGroup', 'ModifySecurityGroupRule')),
)
EGRESS, INGRESS = DIRECTIONS


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


# security_group's group: found by name, with tags and GROUP_RULES rules in each direction, already as the task asks.
WHOLE_GROUP = 'sg-bench-group'
WHOLE_GROUP_NAME = 'bench-group'
WHOLE_GROUP_TAGS = {'env': 'bench', 'team': 'performance', 'owner': 'benchmark'}
GROUP_RULES = 10
# Account peer's groups, reached through the assumed role: one holding rule 0 (as full_group(EGRESS, 1) does in
# main's account) and one for the ping comparison.
PEER_GROUP = 'sg-bench-peer-1'
PEER_PING_GROUP = 'sg-bench-ping-peer'


def bench_groups():
    """The benchmark's groups of account main, for harness.write_fixture."""
    groups = {}
    for direction in DIRECTIONS:
        for size in SIZES:
            groups[empty_group(direction, size)] = {}
            groups[full_group(direction, size)] = {direction.name: [api_row(index, direction) for index in range(size)]}
        groups[ping_group(direction)] = {}
    for index in range(GROUP_COUNT):
        groups['sg-bench-many-%02d' % index] = {}
    groups[WHOLE_GROUP] = dict(name=WHOLE_GROUP_NAME, description='bench group', tags=WHOLE_GROUP_TAGS,
                               **{direction.name: [api_row(index, direction) for index in range(GROUP_RULES)] for direction in DIRECTIONS})
    return groups


def peer_groups():
    """The benchmark's groups of account peer."""
    return {PEER_GROUP: {EGRESS.name: [api_row(0, EGRESS)]}, PEER_PING_GROUP: {}}


def whole_group_task():
    """The security_group options that find WHOLE_GROUP by name and ask for exactly what it holds."""
    return dict(name=WHOLE_GROUP_NAME, vpc_id='vpc-demo-1', description='bench group', tags=WHOLE_GROUP_TAGS,
                rules=[rule(index, INGRESS) for index in range(GROUP_RULES)], rules_egress=[rule(index, EGRESS) for index in range(GROUP_RULES)])


def through_role(server):
    """The options that make a module assume PEER_ROLE through the emulator's STS (which SSL_CERT_FILE must trust)."""
    return dict(assume_role_arn=PEER_ROLE, sts_endpoint=server.sts_endpoint)


def connection(server):
    return dict(region='cn-hangzhou', access_key_id=KEYS['access_key_id'], access_key_secret=KEYS['access_key_secret'],
                endpoint='http://%s' % server.endpoint)


def environment(server=None):
    """The environment of a module or playbook run; with ``server``, one that trusts its STS listener."""
    env = dict((name, value) for name, value in os.environ.items() if 'proxy' not in name.lower())
    env['PYTHONPATH'] = str(BUILD)
    env['ANSIBLE_COLLECTIONS_PATH'] = str(BUILD)
    if server is not None:
        env[harness.TRUST_VARIABLE] = server.sts_ca_file
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
                                   stdout=out, stderr=subprocess.DEVNULL, env=environment(server))
        dummy, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    result = json.loads(out_path.read_text(encoding='utf-8'))
    if result.get('failed'):
        raise RuntimeError('module failed: %s' % result.get('msg'))
    calls = server.requests(since=seq)
    # The STS listener logs its AssumeRole calls in the same sequence (as writes); they are counted apart.
    ecs_calls = [entry for entry in calls if entry.get('service', 'ecs') == 'ecs']
    reads = sum(1 for entry in ecs_calls if not entry['write'])
    write_actions = Counter(entry['action'] for entry in ecs_calls if entry['write'])
    return dict(seconds=seconds, rss_mib=usage.ru_maxrss / 1024.0, reads=reads, writes=sum(write_actions.values()),
                write_actions=write_actions, sts_calls=len(calls) - len(ecs_calls), result=result)


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
                # A task that writes reads the group once more, to confirm its writes (wait_timeout); a no-op does not.
                expected_reads = pages * (2 if expected_writes else 1)
                target = 'reads == %sceil(n/%d) = %d, writes == %s' % (
                    '2 x ' if expected_writes else '', RULES_PER_PAGE, expected_reads, formula)
                if formula != str(expected_writes):
                    target += ' = %d' % expected_writes
                met = reads == expected_reads and writes == expected_writes and own_actions
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


def playbook_env(workdir, timer_file, server):
    env = environment(server)
    env.update(ANSIBLE_CALLBACK_PLUGINS=str(REPO / 'tests' / 'benchmark' / 'callback_plugins'),
               ANSIBLE_CALLBACKS_ENABLED='task_timer', TASK_TIMER_FILE=str(timer_file),
               ANSIBLE_HOME=str(Path(workdir) / 'ansible-home'), ANSIBLE_LOCAL_TEMP=str(Path(workdir) / 'tmp'),
               ANSIBLE_NOCOLOR='1', ANSIBLE_PYTHON_INTERPRETER=PYTHON)
    env.pop('PYTHONPATH')
    return env


def run_playbook(server, workdir, play, name, extra_args=()):
    path = Path(workdir) / ('%s.yml' % name)
    path.write_text(yaml.safe_dump(play, sort_keys=False), encoding='utf-8')
    timer_file = Path(workdir) / ('%s.timings.jsonl' % name)
    if timer_file.exists():
        timer_file.unlink()
    started = time.perf_counter()
    process = subprocess.Popen([str(Path(PYTHON).parent / 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(path)]
                               + list(extra_args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=playbook_env(workdir, timer_file, server))
    output = process.stdout.read()
    dummy, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError('playbook %s failed:\n%s' % (name, output.decode(errors='replace')[-3000:]))
    timings = [json.loads(line) for line in timer_file.read_text(encoding='utf-8').splitlines()]
    return seconds, usage.ru_maxrss / 1024.0, timings


def ping_ratio_table(server, workdir, repeat, tasks=PING_TURNS):
    """Per-task wall time of the modules' no-op converges against ping, in one playbook where the kinds of task take
    turns (ping, egress, ingress, security_group, egress through the assumed role, ping, ...), so that a change in the
    machine's load during a run weighs on all of them alike. Returns {kind: median ratio against ping}."""
    # (task name prefix, what the table calls it, action, options)
    kinds = [('ping', 'ansible.builtin.ping', 'ansible.builtin.ping', {})]
    kinds += [(direction.name, 'alicloud.ecs.%s (no-op)' % direction.module, 'alicloud.ecs.%s' % direction.module,
               dict(connection(server), security_group_id=ping_group(direction), **rule(0, direction))) for direction in DIRECTIONS]
    kinds.append(('group', 'alicloud.ecs.security_group (no-op: %d tags, %d + %d rules)' % (len(WHOLE_GROUP_TAGS), GROUP_RULES, GROUP_RULES),
                  'alicloud.ecs.security_group', dict(connection(server), **whole_group_task())))
    kinds.append(('egress-role', 'alicloud.ecs.security_group_egress through assume_role_arn (no-op)', 'alicloud.ecs.security_group_egress',
                  dict(connection(server), security_group_id=PEER_PING_GROUP, **rule(0, EGRESS), **through_role(server))))
    turns = [{'name': '%s %d' % (prefix, index), action: options} for index in range(tasks) for prefix, dummy, action, options in kinds]
    play = [dict(name='ping versus the modules', hosts='localhost', gather_facts=False, tasks=turns)]
    seconds, ratios, counted = ({prefix: [] for prefix, *dummy in kinds} for dummy in range(3))
    for dummy in range(repeat):
        server.reset()
        dummy_seconds, dummy_rss, timings = run_playbook(server, workdir, play, 'ping-ratio')
        for prefix, *dummy_rest in kinds:
            # Each module's first task creates its rule; the rest are the no-op converges a playbook repeats.
            kind_times = [entry['seconds'] for entry in timings
                          if entry['task'].rsplit(' ', 1)[0] == prefix and (prefix == 'ping' or not entry['task'].endswith(' 0'))]
            counted[prefix].append(len(kind_times))
            seconds[prefix].append(statistics.median(kind_times))
        for prefix in seconds:
            ratios[prefix].append(seconds[prefix][-1] / seconds['ping'][-1])
    print('\n### Per-task wall time in one playbook, ping and the modules taking turns (median of task medians over %d runs)\n' % repeat)
    print('| task | tasks timed per run | median s | against ping (target <= 2.0x) |')
    print('|---|---:|---:|---:|')
    for prefix, label, *dummy in kinds:
        against = '' if prefix == 'ping' else ' %.2fx' % statistics.median(ratios[prefix])
        print('| %s | %d | %.3f |%s |' % (label, min(counted[prefix]), statistics.median(seconds[prefix]), against))
    # Within each run, the same no-op egress task with and without the role: what assuming it adds to a task.
    extra = [role - keys for role, keys in zip(seconds['egress-role'], seconds['egress'])]
    print('\nassume_role_arn adds %.3f s per task (median over the runs of the per-run difference of the egress medians; %.2fx ping)'
          % (statistics.median(extra), statistics.median(extra[index] / seconds['ping'][index] for index in range(len(extra)))))
    return dict((prefix, statistics.median(ratios[prefix])) for prefix, *dummy in kinds if prefix != 'ping')


def group_and_role_table(server, workdir, repeat):
    """API calls and module wall time of a security_group no-op converge, and of an egress no-op with and without
    assume_role_arn (one module process each, as in the scaling tables; the emulator re-seeded before every run)."""
    cases = [
        # (task, module, options, target reads, target STS calls)
        ('security_group no-op, found by name (%d tags, %d + %d rules)' % (len(WHOLE_GROUP_TAGS), GROUP_RULES, GROUP_RULES),
         'security_group', whole_group_task(), 2, 0),
        ('security_group no-op, by security_group_id', 'security_group', dict(whole_group_task(), security_group_id=WHOLE_GROUP), 2, 0),
        ('security_group_egress no-op, 1 rule, keys', 'security_group_egress', dict(security_group_id=full_group(EGRESS, 1), **rule(0, EGRESS)), 1, 0),
        ('security_group_egress no-op, 1 rule, assume_role_arn', 'security_group_egress',
         dict(security_group_id=PEER_GROUP, **rule(0, EGRESS), **through_role(server)), 1, 1),
    ]
    rows, medians = [], {}
    for name, module, options, target_reads, target_sts in cases:
        runs = []
        for dummy in range(repeat):
            server.reset()
            runs.append(measured_run(server, workdir, options, module))
        reads, writes, sts = median_of(runs, 'reads'), median_of(runs, 'writes'), median_of(runs, 'sts_calls')
        unchanged = all(not run['result']['changed'] for run in runs)
        met = reads <= target_reads and writes == 0 and sts == target_sts and unchanged
        medians[name] = median_of(runs, 'seconds')
        rows.append((name, reads, writes, sts, medians[name], median_of(runs, 'rss_mib'),
                     'reads <= %d, writes == 0, STS calls == %d, changed false' % (target_reads, target_sts), 'yes' if met else 'NO'))
    print('\n### security_group no-op converge, and assume_role_arn (from the emulator log; median of %d runs)\n' % repeat)
    print('| task | ECS reads | ECS writes | STS calls | module wall s | peak RSS MiB | target | met |')
    print('|---|---:|---:|---:|---:|---:|---|---|')
    for row in rows:
        print('| %s | %d | %d | %d | %.3f | %.1f | %s | %s |' % row)
    keys, role = rows[2][4], rows[3][4]
    print('\nassume_role_arn adds %.3f s to a module process (%.3f s against %.3f s)' % (role - keys, role, keys))
    return medians


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


# The lag of the read-back table: reads show a write only this long after it, as the cloud's can.
READ_BACK_LAG_MS = 500
READ_BACK_TASKS = 8


def read_back_table(server, workdir, repeat, tasks=READ_BACK_TASKS):
    """What confirming writes costs: changed tasks (each adds a new rule, or creates a new group) taking turns with
    ping in one playbook, with reads that show writes at once and with reads that lag them by READ_BACK_LAG_MS, then
    the same tasks again (no-ops). Reads and writes per task come from the emulator log, split by task through the
    log's sequence (tasks run one at a time)."""
    kinds = [('egress', 'security_group_egress, adds a rule', 'alicloud.ecs.security_group_egress',
              lambda index: dict(connection(server), security_group_id=ping_group(EGRESS), **rule(100 + index, EGRESS))),
             ('group', 'security_group, creates a group with 1 + 1 rules', 'alicloud.ecs.security_group',
              lambda index: dict(connection(server), name='bench-read-back-%d' % index, vpc_id='vpc-demo-1',
                                 rules=[rule(index, INGRESS)], rules_egress=[rule(index, EGRESS)]))]
    turns = []
    for index in range(tasks):
        turns.append({'name': 'ping %d' % index, 'ansible.builtin.ping': {}})
        turns.extend({'name': '%s %d' % (prefix, index), action: options(index)} for prefix, dummy, action, options in kinds)
    play = [dict(name='read-back cost', hosts='localhost', gather_facts=False, tasks=turns)]
    print('\n### What confirming writes costs (wait_timeout read-back; median over %d runs of %d tasks of each kind)\n'
          % (repeat, tasks))
    print('| task | reads lag writes by | reads per task | writes per task | median s | against ping | changed |')
    print('|---|---:|---:|---:|---:|---:|---|')
    for lag_ms in (0, READ_BACK_LAG_MS):
        for phase in ('changed', 'no-op'):
            figures = dict((prefix, dict(reads=[], writes=[], seconds=[], ratio=[], changed=set())) for prefix, *dummy in kinds)
            for dummy in range(repeat):
                if phase == 'changed':
                    server.reset()
                server.set_lag(lag_ms)
                server.clear_log()
                dummy_seconds, dummy_rss, timings = run_playbook(server, workdir, play, 'read-back')
                entries = server.requests()
                ping = statistics.median(entry['seconds'] for entry in timings if entry['task'].startswith('ping '))
                for prefix, *dummy_rest in kinds:
                    mine = [entry for entry in timings if entry['task'].rsplit(' ', 1)[0] == prefix]
                    figures[prefix]['seconds'].append(statistics.median(entry['seconds'] for entry in mine))
                    figures[prefix]['ratio'].append(figures[prefix]['seconds'][-1] / ping)
                    figures[prefix]['changed'].update(entry['changed'] for entry in mine)
                calls = dict((prefix, Counter()) for prefix, *dummy_rest in kinds)
                for entry in entries:
                    # The egress tasks touch only their own group; every other call is a security_group task's.
                    prefix = 'egress' if entry['params'].get('SecurityGroupId') == ping_group(EGRESS) else 'group'
                    calls[prefix]['writes' if entry['write'] else 'reads'] += 1
                for prefix in calls:
                    figures[prefix]['reads'].append(calls[prefix]['reads'] / float(tasks))
                    figures[prefix]['writes'].append(calls[prefix]['writes'] / float(tasks))
            for prefix, label, *dummy in kinds:
                item = figures[prefix]
                print('| %s (%s) | %d ms | %.2f | %.2f | %.3f | %.2fx | %s |' % (
                    label, phase, lag_ms, statistics.median(item['reads']), statistics.median(item['writes']),
                    statistics.median(item['seconds']), statistics.median(item['ratio']),
                    '/'.join(sorted(str(flag).lower() for flag in item['changed']))))
    server.clear_lag()


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
            seconds, rss, timings = run_playbook(server, workdir, play, 'many', ['-i', str(inventory), '--forks', str(forks)])
            assert len(timings) == GROUP_COUNT
            results.append((seconds, rss, len(timings)))
        # The groups column counts the tasks that ran (one per host and group), not the configured number.
        print('| %s | %d | %.2f | %.1f |' % (label, min(r[2] for r in results), statistics.median(r[0] for r in results),
                                             statistics.median(r[1] for r in results)))
    one = []
    for dummy in range(repeat):
        server.reset()
        seconds, dummy_rss, timings = run_playbook(server, workdir, [dict(play[0], hosts='host00')], 'one', ['-i', str(inventory)])
        one.append((seconds, len(timings)))
    print('| create | %d | %.2f | |' % (min(r[1] for r in one), statistics.median(r[0] for r in one)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=5, help='runs per measurement (median is shown)')
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='ecs-bench-') as workdir:
        fixture = harness.write_fixture(os.path.join(workdir, 'fixture.json'), bench_groups())
        fixture = harness.write_fixture(fixture, peer_groups(), account='peer', base=fixture)
        # STS on: the assume-role measurements need it (the emulator refuses to start without it rather than skip them).
        server = harness.Emulator(os.path.join(workdir, 'state.sqlite'), fixture_path=fixture, sts=True)
        server.start()
        try:
            print('## alicloud.ecs benchmark\n')
            print('- machine: %s, %d CPUs, Python %s, %s' % (platform.machine(), os.cpu_count(), platform.python_version(),
                                                             platform.platform()))
            print('- date: %s; repeat: %d (medians)' % (time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()), options.repeat))
            timings = api_call_table(server, workdir, options.repeat)
            scaling_rules_table(timings)
            group_and_role_table(server, workdir, options.repeat)
            import_table()
            ping_ratio_table(server, workdir, options.repeat)
            read_back_table(server, workdir, options.repeat)
            many_groups_table(server, workdir, max(1, options.repeat // 2))
        finally:
            server.stop()


if __name__ == '__main__':
    main()
