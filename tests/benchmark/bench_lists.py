# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Benchmark of changing one address of an office that GROUP_COUNT groups allow, against the ECS emulator on loopback.

Scenario A: the groups' rule references the prefix list ``office``; one alicloud.ecs.prefix_list task replaces an
entry. Scenario B: the groups' rules name the office's addresses as CIDR blocks; one security_group_ingress task per
group (a loop) converges each group's full rule list with the new address (purge_rules). Prints tables (markdown) of
the API calls (from the emulator's request log, by action), the task wall time and the ratio B/A, without and with
LATENCY_MS of latency injected on every ECS call, and scenario A against issue 20's target. Medians of --repeat
runs (scenario B with latency: one run). Run it with `make bench` (the staged collection under build/ is what gets
measured).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / 'tests' / 'emulator'))

from ecs_emulator import harness  # noqa: E402  pylint: disable=wrong-import-position
from ecs_emulator.fixture_file import load_fixture  # noqa: E402  pylint: disable=wrong-import-position

PYTHON = sys.executable
GROUP_COUNT = 50
LATENCY_MS = 50
KEYS = harness.credentials('main')

OFFICE_LIST_ID = 'pl-bench-office'
OFFICE_LIST_NAME = 'office'
OFFICE_MAX_ENTRIES = 10
# (cidr, description) of the office's uplinks: B moves from its old address to its new one.
UPLINK_A = ('203.0.113.0/28', 'office uplink A')
UPLINK_B_OLD = ('198.51.100.7/32', 'office uplink B')
UPLINK_B_NEW = ('192.0.2.44/32', 'office uplink B (new)')
OFFICE_PORT = 443

# The target issue 20 set for scenario A (the user guide, prefix_and_port_lists.rst, states the measured calls).
TARGET_LIST_READS = 1
TARGET_LIST_WRITES = 1
# Every action that writes a group's rules, in either direction: scenario A must make none of them.
RULE_WRITE_ACTIONS = ('AuthorizeSecurityGroup', 'RevokeSecurityGroup', 'ModifySecurityGroupRule',
                      'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupEgress', 'ModifySecurityGroupEgressRule')
SCENARIOS = ('A', 'B')
# Scenario B with latency takes half a minute a run (a module process per group, each of its calls slowed): it runs
# once, whatever --repeat says, so that the default run stays under two minutes; its task time sums GROUP_COUNT tasks.
SLOW_CASE = (LATENCY_MS, 'B')


def with_list_group(index):
    return 'sg-bench-list-%02d' % index


def with_cidrs_group(index):
    return 'sg-bench-cidr-%02d' % index


# The rules each group holds besides the office's, the same in both scenarios, in the module's form.
OTHER_RULES = [
    {'ip_protocol': 'tcp', 'port_range': '22/22', 'source_cidr_ip': '10.0.0.0/8', 'description': 'ssh from the internal network'},
    {'ip_protocol': 'udp', 'port_range': '53/53', 'source_cidr_ip': '100.100.2.136/32', 'description': 'dns resolver'},
    {'ip_protocol': 'icmp', 'source_cidr_ip': '10.0.0.0/8', 'description': 'ping from the internal network'},
]


def office_rule(uplink):
    """Scenario B's rule for one office address, in the module's form."""
    return {'ip_protocol': 'tcp', 'port_range': '%d/%d' % (OFFICE_PORT, OFFICE_PORT), 'source_cidr_ip': uplink[0],
            'description': 'https from %s' % uplink[1]}


def api_row(rule):
    """A rule of the module's form with the API's parameter names, as the fixture takes it."""
    names = {'ip_protocol': 'IpProtocol', 'port_range': 'PortRange', 'source_cidr_ip': 'SourceCidrIp',
             'source_prefix_list_id': 'SourcePrefixListId', 'description': 'Description'}
    row = dict((names[key], value.upper() if key == 'ip_protocol' else value) for key, value in rule.items())
    row.setdefault('PortRange', '-1/-1')
    row.update(Policy='Accept', Priority=1, NicType='intranet')
    return row


def office_list_rule():
    return {'ip_protocol': 'tcp', 'port_range': '%d/%d' % (OFFICE_PORT, OFFICE_PORT), 'source_prefix_list_id': OFFICE_LIST_ID,
            'description': 'https from the office'}


def write_lists_fixture(workdir):
    """The default fixture plus the office list and both scenarios' groups (each scenario touches only its own)."""
    base = load_fixture(harness.DEFAULT_FIXTURE)
    main = next(account for account in base['accounts'] if account['name'] == 'main')
    main.setdefault('prefix_lists', []).append(dict(
        id=OFFICE_LIST_ID, region='cn-hangzhou', name=OFFICE_LIST_NAME, address_family='IPv4', description='public addresses of the office',
        max_entries=OFFICE_MAX_ENTRIES, entries=[dict(cidr=cidr, description=text) for cidr, text in (UPLINK_A, UPLINK_B_OLD)]))
    path = os.path.join(workdir, 'fixture.json')
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(base, handle)
    groups = {}
    for index in range(GROUP_COUNT):
        groups[with_list_group(index)] = {'ingress': [api_row(rule) for rule in [office_list_rule()] + OTHER_RULES]}
        groups[with_cidrs_group(index)] = {'ingress': [api_row(rule) for rule in [office_rule(UPLINK_A), office_rule(UPLINK_B_OLD)] + OTHER_RULES]}
    return harness.write_fixture(path, groups, base=path)


# --- the two playbooks ----------------------------------------------------------------------------------

def connection(server):
    return dict(region='cn-hangzhou', access_key_id=KEYS['access_key_id'], access_key_secret=KEYS['access_key_secret'],
                endpoint='http://%s' % server.endpoint)


def scenario_play(server, scenario, result_file):
    """The playbook of a scenario: the timed task 'change', then (no API call) its result saved for the checks."""
    if scenario == 'A':
        change = {'name': 'change', 'alicloud.ecs.prefix_list': dict(
            connection(server), prefix_list_name=OFFICE_LIST_NAME, address_family='IPv4', max_entries=OFFICE_MAX_ENTRIES,
            entries=[dict(cidr=cidr, description=text) for cidr, text in (UPLINK_A, UPLINK_B_NEW)]), 'register': 'change'}
    else:
        # Rules as code: each group's whole ingress list, the office's new address in it, purge on; the old
        # address's rule goes because it is no longer listed.
        change = {'name': 'change', 'alicloud.ecs.security_group_ingress': dict(
            connection(server), security_group_id='{{ item }}', purge_rules=True,
            rules=[office_rule(UPLINK_A), office_rule(UPLINK_B_NEW)] + OTHER_RULES),
            'loop': [with_cidrs_group(index) for index in range(GROUP_COUNT)], 'register': 'change'}
    keep = {'name': 'keep the result', 'ansible.builtin.copy': {'content': '{{ change | to_json }}', 'dest': str(result_file)}}
    return [dict(name='scenario %s' % scenario, hosts='localhost', gather_facts=False, tasks=[change, keep])]


def playbook_env(workdir, build, timer_file):
    env = dict((name, value) for name, value in os.environ.items() if 'proxy' not in name.lower())
    env.pop('PYTHONPATH', None)
    env.update(ANSIBLE_COLLECTIONS_PATH=str(build), ANSIBLE_CALLBACK_PLUGINS=str(REPO / 'tests' / 'benchmark' / 'callback_plugins'),
               ANSIBLE_CALLBACKS_ENABLED='task_timer', TASK_TIMER_FILE=str(timer_file), ANSIBLE_HOME=str(Path(workdir) / 'ansible-home'),
               ANSIBLE_LOCAL_TEMP=str(Path(workdir) / 'tmp'), ANSIBLE_NOCOLOR='1', ANSIBLE_PYTHON_INTERPRETER=PYTHON)
    return env


def run_scenario(server, workdir, build, scenario):
    """One ansible-playbook run of the scenario on a freshly seeded emulator: the calls of the log by action, the
    change task's wall time (a loop's: all its items), the whole run's, and the task's result."""
    server.reset()
    server.clear_log()
    result_file = Path(workdir) / ('result-%s.json' % scenario)
    timer_file = Path(workdir) / ('timings-%s.jsonl' % scenario)
    for path in (result_file, timer_file):
        if path.exists():
            path.unlink()
    playbook = Path(workdir) / ('scenario-%s.yml' % scenario)
    playbook.write_text(yaml.safe_dump(scenario_play(server, scenario, result_file), sort_keys=False), encoding='utf-8')
    started = time.perf_counter()
    process = subprocess.run([str(Path(PYTHON).parent / 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(playbook)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=playbook_env(workdir, build, timer_file), check=False)
    playbook_seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError('scenario %s playbook failed:\n%s' % (scenario, process.stdout.decode(errors='replace')[-3000:]))
    timings = dict((entry['task'], entry['seconds']) for entry in
                   (json.loads(line) for line in timer_file.read_text(encoding='utf-8').splitlines()))
    entries = [entry for entry in server.requests() if entry.get('service', 'ecs') == 'ecs']
    result = json.loads(result_file.read_text(encoding='utf-8'))
    return dict(reads=Counter(entry['action'] for entry in entries if not entry['write']),
                writes=Counter(entry['action'] for entry in entries if entry['write']),
                failed=sum(1 for entry in entries if entry['status'] != 200),
                tasks=len(result['results']) if 'results' in result else 1,
                seconds=timings['change'], playbook_seconds=playbook_seconds, result=result)


# --- checks: each run did the change, and only the change ---------------------------------------------

def check_list_change(server, run):
    """Scenario A: the list now holds uplink A and B's new address, and no group's rules were written."""
    result = run['result']
    entries = sorted(entry['cidr'] for entry in result['prefix_list']['entries'])
    added = [entry['cidr'] for entry in result['added']]
    removed = [entry['cidr'] for entry in result['removed']]
    if not (result['changed'] and entries == sorted([UPLINK_A[0], UPLINK_B_NEW[0]]) and added == [UPLINK_B_NEW[0]] and removed == [UPLINK_B_OLD[0]]):
        raise RuntimeError('scenario A did not replace %s by %s: %s' % (UPLINK_B_OLD[0], UPLINK_B_NEW[0], json.dumps(result)[:2000]))
    rule_writes = dict((action, count) for action, count in run['writes'].items() if action in RULE_WRITE_ACTIONS)
    assert not rule_writes, 'scenario A wrote rules: %s' % rule_writes
    # The groups still reference the list (and only the list) for the office.
    for index in range(GROUP_COUNT):
        sources = [rule['source_prefix_list_id'] for rule in server.rules(with_list_group(index), 'ingress') if rule['port_range'] == '443/443']
        assert sources == [OFFICE_LIST_ID], 'group %s: office rule sources %s' % (with_list_group(index), sources)


def check_rule_change(server, run):
    """Scenario B: every group changed, and allows the office's new address and no longer its old one."""
    changed = [item['changed'] for item in run['result']['results']]
    if len(changed) != GROUP_COUNT or not all(changed):
        raise RuntimeError('scenario B: %d of %d groups changed' % (sum(changed), GROUP_COUNT))
    for index in range(GROUP_COUNT):
        sources = sorted(rule['source_cidr_ip'] for rule in server.rules(with_cidrs_group(index), 'ingress') if rule['port_range'] == '443/443')
        assert sources == sorted([UPLINK_A[0], UPLINK_B_NEW[0]]), 'group %s: office rule sources %s' % (with_cidrs_group(index), sources)


def measure(server, workdir, build, repeat):
    """{(latency, scenario): [runs]}."""
    runs = {}
    for latency in (0, LATENCY_MS):
        if latency:
            server.set_faults({'seed': 1, 'rules': [{'kind': 'latency', 'actions': ['*'], 'rate': 1.0, 'latency_ms': latency}]})
        else:
            server.clear_faults()
        for scenario in SCENARIOS:
            runs[(latency, scenario)] = []
            for dummy in range(1 if (latency, scenario) == SLOW_CASE else repeat):
                run = run_scenario(server, workdir, build, scenario)
                (check_list_change if scenario == 'A' else check_rule_change)(server, run)
                runs[(latency, scenario)].append(run)
    server.clear_faults()
    return runs


# --- tables ---------------------------------------------------------------------------------------------

def figures(measured):
    """Medians over the runs: calls (all, rule writes, list writes), tasks and seconds."""
    def median(figure):
        return statistics.median(figure(run) for run in measured)
    return dict(tasks=median(lambda run: run['tasks']), reads=median(lambda run: sum(run['reads'].values())),
                writes=median(lambda run: sum(run['writes'].values())),
                rule_writes=median(lambda run: sum(count for action, count in run['writes'].items() if action in RULE_WRITE_ACTIONS)),
                other_writes=median(lambda run: sum(count for action, count in run['writes'].items() if action not in RULE_WRITE_ACTIONS)),
                failed=max(run['failed'] for run in measured), seconds=median(lambda run: run['seconds']),
                playbook_seconds=median(lambda run: run['playbook_seconds']))


def calls_text(counter):
    return ', '.join('%d %s' % (count, action) for action, count in sorted(counter.items())) or '-'


def same_calls(measured):
    """Whether every run made the same calls (then the per-action figures of one run are every run's)."""
    return all((run['reads'], run['writes']) == (measured[0]['reads'], measured[0]['writes']) for run in measured)


def ratio(numerator, denominator):
    if not denominator:
        return '-' if not numerator else 'A: none'
    return '%.1fx' % (numerator / denominator) if numerator else 'B: none'


def scenario_table(runs, latency):
    labels = {'A': 'A: with the prefix list (`prefix_list`, 1 task)',
              'B': 'B: without lists (`security_group_ingress`, purge_rules, a loop of 1 task per group)'}
    print('\n### Changing one office address allowed by %d groups, %d ms latency on every ECS call (median of %s runs)\n'
          % (GROUP_COUNT, latency, ' and '.join('%d (%s)' % (len(runs[(latency, scenario)]), scenario) for scenario in SCENARIOS)))
    print('| scenario | tasks (module runs) | reads | writes | rule writes | list writes | failed calls | task wall s | playbook wall s |')
    print('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
    measured = dict((scenario, figures(runs[(latency, scenario)])) for scenario in SCENARIOS)
    for scenario in SCENARIOS:
        item = measured[scenario]
        print('| %s | %d | %d | %d | %d | %d | %d | %.2f | %.2f |' % (
            labels[scenario], item['tasks'], item['reads'], item['writes'], item['rule_writes'], item['other_writes'], item['failed'],
            item['seconds'], item['playbook_seconds']))
    a, b = measured['A'], measured['B']
    print('| B / A | %s | %s | %s | %s | %s | | %s | %s |' % tuple(
        ratio(b[key], a[key]) for key in ('tasks', 'reads', 'writes', 'rule_writes', 'other_writes', 'seconds', 'playbook_seconds')))
    return measured


def calls_table(runs):
    """Each scenario's calls by action, from the log of its last run without latency; and whether every run (with
    latency too) made the same calls."""
    print('\n### Calls by action (emulator log, last run without latency)\n')
    print('| scenario | reads by action | writes by action | runs (both latencies) | every run made the same calls |')
    print('|---|---|---|---:|---|')
    for scenario in SCENARIOS:
        last = runs[(0, scenario)][-1]
        every = runs[(0, scenario)] + runs[(LATENCY_MS, scenario)]
        print('| %s | %s | %s | %d | %s |' % (scenario, calls_text(last['reads']), calls_text(last['writes']), len(every),
                                              'yes' if same_calls(every) else 'no'))


def target_table(runs):
    """Scenario A against issue 20's target: one read and one write of the list, no rule write."""
    print('\n### Target (issue 20): scenario A reads the list %d time and writes it %d time, '
          'no rule write\n' % (TARGET_LIST_READS, TARGET_LIST_WRITES))
    print('| latency ms | reads (by action) | writes (by action) | rule writes | target | met |')
    print('|---:|---|---|---:|---|---|')
    missed = []
    for latency in (0, LATENCY_MS):
        measured = runs[(latency, 'A')]
        last = measured[-1]
        reads, writes = sum(last['reads'].values()), sum(last['writes'].values())
        rule_writes = sum(count for action, count in last['writes'].items() if action in RULE_WRITE_ACTIONS)
        met = same_calls(measured) and (reads, writes, rule_writes) == (TARGET_LIST_READS, TARGET_LIST_WRITES, 0)
        if not met:
            missed.append('%d ms: %d reads (%s), %d writes (%s)' % (latency, reads, calls_text(last['reads']), writes, calls_text(last['writes'])))
        print('| %d | %d (%s) | %d (%s) | %d | reads == %d, writes == %d, rule writes == 0 | %s |' % (
            latency, reads, calls_text(last['reads']), writes, calls_text(last['writes']), rule_writes, TARGET_LIST_READS,
            TARGET_LIST_WRITES, 'yes' if met else 'NO'))
    return missed


def start(doc, title):
    """The options of a benchmark script of the staged collection (--repeat, --build), with its heading printed."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=3, help='runs per measurement (median is shown)')
    parser.add_argument('--build', default=str(REPO / 'build'),
                        help='the folder that holds the staged ansible_collections/alicloud/ecs (make bench stages it in build/)')
    options = parser.parse_args()
    print('## alicloud.ecs benchmark: %s\n' % title)
    print('- machine: %s, %d CPUs, Python %s, %s' % (platform.machine(), os.cpu_count(), platform.python_version(), platform.platform()))
    print('- date: %s; repeat: %d (medians)' % (time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()), options.repeat))
    return options, Path(options.build).resolve()


def main():
    options, build = start(__doc__, 'changing a list referenced by many groups')
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix='ecs-bench-lists-') as workdir:
        server = harness.Emulator(os.path.join(workdir, 'state.sqlite'), fixture_path=write_lists_fixture(workdir))
        server.start()
        try:
            runs = measure(server, workdir, build, options.repeat)
        finally:
            server.stop()
    for latency in (0, LATENCY_MS):
        scenario_table(runs, latency)
    calls_table(runs)
    missed = target_table(runs)
    print('\nTargets missed: %s' % ('; '.join(missed) or 'none'))
    print('\nbench_lists.py ran %.0f s' % (time.perf_counter() - started))


if __name__ == '__main__':
    main()
