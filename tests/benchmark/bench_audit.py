# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Benchmark of alicloud.ecs.security_group_audit against the ECS emulator on loopback, and of its checks in process.

Prints tables (markdown) of: API calls and task wall time of the module auditing estates of 1, 100 and 1,000 VPC
groups of RULES_PER_GROUP ingress rules each (two regions; two accounts, each through a RAM role, for 1,000 groups),
serially and concurrently, without and with LATENCY_MS of latency injected on every ECS call; where the time of the
largest audit goes (emulator or module); and the CPU time of the checks on one group of CHECK_RULES varied rules.
Medians of --repeat runs. Run it with `make bench` (the staged collection under build/ is what gets measured).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
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
MODULE = 'ansible_collections.alicloud.ecs.plugins.modules.security_group_audit'
REGIONS = ('cn-hangzhou', 'cn-shanghai')
SIZES = (1, 100, 1000)
# From this size on, the estate is split across accounts main and peer as well as across the two regions.
TWO_ACCOUNTS_FROM = 1000
RULES_PER_GROUP = 50
# Every SSH_EVERY-th group (the first one included) lets the whole internet reach tcp port 22: one internet_ssh finding each.
SSH_EVERY = 10
CONCURRENCY = (1, 8, 16)
DEFAULT_CONCURRENCY = 8
LATENCY_MS = 50
# The serial audit of the largest estate with latency takes a minute a run: it runs once, whatever --repeat says.
SLOW_CASE = (max(SIZES), LATENCY_MS, 1)
# DescribeSecurityGroups pages (MaxResults) the module asks for.
GROUPS_PER_LIST_CALL = 100
WALL_TARGET_SECONDS = 15.0
CHECK_RULES = 200
CHECK_TARGET_SECONDS = 0.050
# The checks take milliseconds: more runs than --repeat, for a steady median.
CHECK_RUNS = 21
KEYS = harness.credentials('main')
# With two accounts, main's key assumes a role in each (the usual multi-account set-up): main-local in main as the
# task's own role, ecs-admin in peer as the peer element's. The task needs a role of its own because the module checks
# the task's credential options on their own too, and refuses sts_endpoint (here the emulator's STS listener) without one.
MAIN_ROLE = harness.role_arn('main', 'main-local')
PEER_ROLE = harness.role_arn('peer', 'ecs-admin')


# --- the estates ----------------------------------------------------------------------------------------

def estate_rules(index):
    """The RULES_PER_GROUP ingress rules of the index-th group, with the API's parameter names (as the fixture takes
    them): tcp ports from private networks at various priorities; the first rule of every SSH_EVERY-th group opens port
    22 to 0.0.0.0/0 instead."""
    rules = [{'IpProtocol': 'TCP', 'PortRange': '%d/%d' % (10000 + number, 10000 + number), 'SourceCidrIp': '10.%d.0.0/16' % (number % 16),
              'Policy': 'Accept', 'Priority': 1 + number % 100, 'NicType': 'intranet', 'Description': 'estate %d' % number}
             for number in range(RULES_PER_GROUP)]
    if index % SSH_EVERY == 0:
        rules[0] = {'IpProtocol': 'TCP', 'PortRange': '22/22', 'SourceCidrIp': '0.0.0.0/0', 'Policy': 'Accept', 'Priority': 1,
                    'NicType': 'intranet', 'Description': 'ssh from anywhere'}
    return rules


def estate_layout(size):
    """[(account, region, [group index, ...])]: the groups dealt out evenly over the scopes the audit covers."""
    accounts = ('main', 'peer') if size >= TWO_ACCOUNTS_FROM else ('main',)
    scopes = [(account, region) for account in accounts for region in REGIONS]
    placed = dict((scope, []) for scope in scopes)
    for index in range(size):
        placed[scopes[index % len(scopes)]].append(index)
    return [(account, region, placed[(account, region)]) for account, region in scopes]


def write_estate_fixture(workdir, size):
    """A fixture holding the estate's groups only: the default fixture's accounts, keys and roles without its groups
    (nor the members of those), so that every group listed is one of the estate and the call counts are exact."""
    base = load_fixture(harness.DEFAULT_FIXTURE)
    for account in base['accounts']:
        account.update(security_groups=[], instances=[], network_interfaces=[])
    path = os.path.join(workdir, 'estate-%d.json' % size)
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(base, handle)
    for account, region, indexes in estate_layout(size):
        groups = dict(('sg-audit-%04d' % index, dict(region=region, vpc_id='vpc-audit-%s' % region, name='audit-%04d' % index,
                                                     ingress=estate_rules(index))) for index in indexes)
        harness.write_fixture(path, groups, account=account, base=path)
    return path


def expected_calls(size):
    """(DescribeSecurityGroups calls, DescribeSecurityGroupAttribute calls) of an audit of the estate: one list call per
    GROUPS_PER_LIST_CALL groups of each account and region (at least one: an empty scope is listed once too) and one
    read per group (all are VPC groups; a classic group would take two)."""
    lists = sum(max(1, math.ceil(len(indexes) / GROUPS_PER_LIST_CALL)) for dummy, dummy_region, indexes in estate_layout(size))
    return lists, size


def scopes_text(size):
    accounts = len(set(account for account, dummy, dummy_indexes in estate_layout(size)))
    return '%d account%s x %d regions' % (accounts, '' if accounts == 1 else 's', len(REGIONS))


# --- running the module ---------------------------------------------------------------------------------

def audit_options(server, size, concurrency):
    options = dict(regions=list(REGIONS), access_key_id=KEYS['access_key_id'], access_key_secret=KEYS['access_key_secret'],
                   endpoint='http://%s' % server.endpoint, max_concurrency=concurrency)
    if size >= TWO_ACCOUNTS_FROM:
        options.update(accounts=[dict(name='main'), dict(name='peer', assume_role_arn=PEER_ROLE)], assume_role_arn=MAIN_ROLE,
                       sts_endpoint=server.sts_endpoint)
    return options


def environment(server, workdir=None, build=None):
    """The environment of a playbook (``workdir``) or of a module process run directly (``build``): no proxy
    variables, and trust in the emulator's STS certificate for the credentials library's HTTPS calls."""
    env = dict((name, value) for name, value in os.environ.items() if 'proxy' not in name.lower())
    env[harness.TRUST_VARIABLE] = server.sts_ca_file
    if workdir is None:
        env['PYTHONPATH'] = str(build)
        return env
    env.pop('PYTHONPATH', None)
    env.update(ANSIBLE_COLLECTIONS_PATH=str(build), ANSIBLE_CALLBACK_PLUGINS=str(REPO / 'tests' / 'benchmark' / 'callback_plugins'),
               ANSIBLE_CALLBACKS_ENABLED='task_timer', TASK_TIMER_FILE=str(Path(workdir) / 'audit.timings.jsonl'),
               ANSIBLE_HOME=str(Path(workdir) / 'ansible-home'), ANSIBLE_LOCAL_TEMP=str(Path(workdir) / 'tmp'), ANSIBLE_NOCOLOR='1',
               ANSIBLE_PYTHON_INTERPRETER=PYTHON)
    return env


def logged_calls(server):
    """The calls of the emulator's log, ECS and STS apart (STS calls are logged in the same sequence)."""
    entries = server.requests()
    ecs = [entry for entry in entries if entry.get('service', 'ecs') == 'ecs']
    return dict(actions=Counter(entry['action'] for entry in ecs), ecs_calls=len(ecs), failed_calls=sum(1 for entry in ecs if entry['status'] != 200),
                sts_calls=len(entries) - len(ecs), call_times=sorted(entry['time'] for entry in ecs))


def run_playbook_audit(server, workdir, build, size, concurrency):
    """One ansible-playbook run of a ping task (what any task costs, for reference) and the audit task, the emulator's
    log cleared first. Returns the task times, the calls the log shows and the audit's summary."""
    summary_file = Path(workdir) / 'summary.json'
    play = [dict(name='audit', hosts='localhost', gather_facts=False, tasks=[
        {'name': 'ping', 'ansible.builtin.ping': {}},
        {'name': 'audit', 'alicloud.ecs.security_group_audit': audit_options(server, size, concurrency), 'register': 'audit'},
        # After the timed task: what the audit found, for the tables.
        {'name': 'keep the summary', 'ansible.builtin.copy': {'content': '{{ audit.summary | to_json }}', 'dest': str(summary_file)}},
    ])]
    path = Path(workdir) / 'audit.yml'
    path.write_text(yaml.safe_dump(play, sort_keys=False), encoding='utf-8')
    env = environment(server, workdir=workdir, build=build)
    timer_file = Path(env['TASK_TIMER_FILE'])
    if timer_file.exists():
        timer_file.unlink()
    server.clear_log()
    process = subprocess.run([str(Path(PYTHON).parent / 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(path)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, check=False)
    if process.returncode != 0:
        raise RuntimeError('audit playbook failed:\n%s' % process.stdout.decode(errors='replace')[-3000:])
    timings = dict((entry['task'], entry['seconds']) for entry in
                   (json.loads(line) for line in timer_file.read_text(encoding='utf-8').splitlines()))
    return dict(logged_calls(server), seconds=timings['audit'], ping=timings['ping'],
                summary=json.loads(summary_file.read_text(encoding='utf-8')))


def process_cpu_seconds(pid):
    """User + system CPU time of a running process so far (Linux /proc)."""
    with open('/proc/%d/stat' % pid, encoding='ascii') as handle:
        fields = handle.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def run_module_directly(server, workdir, build, size, concurrency):
    """The module as its own process, without ansible-playbook (as Ansible runs it on the controller, minus the
    controller): wall time, the module's CPU time (wait4) and the emulator's over the same run (/proc)."""
    args_file = Path(workdir) / 'args.json'
    args_file.write_text(json.dumps(dict(ANSIBLE_MODULE_ARGS=audit_options(server, size, concurrency))), encoding='utf-8')
    out_file = Path(workdir) / 'out.json'
    server.clear_log()
    emulator_cpu = process_cpu_seconds(server.pid)
    started = time.time()
    with open(out_file, 'wb') as out:
        process = subprocess.Popen([PYTHON, '-m', MODULE, str(args_file)], stdout=out, stderr=subprocess.DEVNULL,
                                   env=environment(server, build=build))
        dummy, status, usage = os.wait4(process.pid, 0)
    ended = time.time()
    emulator_cpu = process_cpu_seconds(server.pid) - emulator_cpu
    result = json.loads(out_file.read_text(encoding='utf-8'))
    if os.waitstatus_to_exitcode(status) != 0 or result.get('failed'):
        raise RuntimeError('module failed: %s' % result.get('msg'))
    return dict(logged_calls(server), started=started, ended=ended, seconds=ended - started, module_cpu=usage.ru_utime + usage.ru_stime,
                emulator_cpu=emulator_cpu, output_bytes=out_file.stat().st_size, summary=result['summary'])


def latency_faults(latency_ms):
    return {'seed': 1, 'rules': [{'kind': 'latency', 'actions': ['*'], 'rate': 1.0, 'latency_ms': latency_ms}]}


def measure_estates(workdir, build, repeat):
    """{(size, latency, concurrency): [playbook runs]} and the direct module runs of the largest estate, by latency."""
    runs, direct = {}, {}
    for size in SIZES:
        fixture = write_estate_fixture(workdir, size)
        server = harness.Emulator(os.path.join(workdir, 'state-%d.sqlite' % size), fixture_path=fixture, sts=True)
        server.start()
        try:
            for latency in (0, LATENCY_MS):
                if latency:
                    server.set_faults(latency_faults(latency))
                else:
                    server.clear_faults()
                for concurrency in CONCURRENCY:
                    times = 1 if (size, latency, concurrency) == SLOW_CASE else repeat
                    runs[(size, latency, concurrency)] = [run_playbook_audit(server, workdir, build, size, concurrency) for dummy in range(times)]
                if size == max(SIZES):
                    direct[latency] = [run_module_directly(server, workdir, build, size, DEFAULT_CONCURRENCY) for dummy in range(repeat)]
        finally:
            server.stop()
    return runs, direct


def audit_table(runs, repeat):
    print('\n### security_group_audit: API calls and task wall time (emulator log; median of %d runs, 1 for the serial %s-group '
          'run with latency)\n' % (repeat, '{:,}'.format(SLOW_CASE[0])))
    print('Each run is one ansible-playbook process. *task s* is the wall time of the audit task as the playbook times it, '
          'from task start to result: the module process start-up is included (about the *ping s* of a ping task in the '
          'same play). Every group is a VPC group with %d ingress rules; every %dth opens tcp port 22 to 0.0.0.0/0, which '
          'makes one internet_ssh finding. Latency: a latency fault on every ECS call. With 2 accounts, each account '
          'is reached through a RAM role (STS calls).\n' % (RULES_PER_GROUP, SSH_EVERY))
    print('| groups | scopes | latency ms | max_concurrency | runs | DescribeSecurityGroups | DescribeSecurityGroupAttribute | ECS calls '
          '| STS calls | task s | ping s | groups audited | findings (expected) '
          '| target: 1 list call per %d groups (per account and region) + 1 read per group | met |' % GROUPS_PER_LIST_CALL)
    print('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|')
    missed = []
    for (size, latency, concurrency), measured in sorted(runs.items()):
        lists, reads = expected_calls(size)
        expected_findings = math.ceil(size / SSH_EVERY)
        last = measured[-1]
        # Every run must make exactly the calls of the target, none failing (a retry would be one more call), and
        # audit every group with the findings the estate holds.
        met = all((run['actions']['DescribeSecurityGroups'], run['actions']['DescribeSecurityGroupAttribute'], run['ecs_calls'], run['failed_calls'])
                  == (lists, reads, lists + reads, 0) and run['summary']['groups'] == size and run['summary']['findings'] == expected_findings
                  for run in measured)
        if not met:
            missed.append('%d groups, %d ms, max_concurrency %d' % (size, latency, concurrency))
        print('| %d | %s | %d | %d | %d | %d | %d | %d | %d | %.2f | %.2f | %d | %d (%d) | %d + %d = %d | %s |' % (
            size, scopes_text(size), latency, concurrency, len(measured), last['actions']['DescribeSecurityGroups'],
            last['actions']['DescribeSecurityGroupAttribute'], last['ecs_calls'], last['sts_calls'],
            statistics.median(run['seconds'] for run in measured), statistics.median(run['ping'] for run in measured),
            last['summary']['groups'], last['summary']['findings'], expected_findings, lists, reads, lists + reads, 'yes' if met else 'NO (missed)'))
    return missed


def wall_target_table(runs):
    largest = max(SIZES)
    measured = runs[(largest, LATENCY_MS, DEFAULT_CONCURRENCY)]
    seconds = statistics.median(run['seconds'] for run in measured)
    met = seconds < WALL_TARGET_SECONDS
    print('\n### Target: %s groups, %d ms latency on every call, max_concurrency %d (the default), in under %.0f s\n' % (
        '{:,}'.format(largest), LATENCY_MS, DEFAULT_CONCURRENCY, WALL_TARGET_SECONDS))
    print('| task s (median of %d) | fastest run s | slowest run s | target | met |' % len(measured))
    print('|---:|---:|---:|---|---|')
    fastest, slowest = min(run['seconds'] for run in measured), max(run['seconds'] for run in measured)
    print('| %.2f | %.2f | %.2f | under %.0f s | %s |' % (seconds, fastest, slowest, WALL_TARGET_SECONDS, 'yes' if met else 'NO (missed)'))
    return [] if met else ['%s groups with %d ms latency: %.2f s' % ('{:,}'.format(largest), LATENCY_MS, seconds)]


# --- the checks in process ------------------------------------------------------------------------------

def load_audit_code(build):
    """The staged collection's audit code, imported in this process."""
    if str(build) not in sys.path:
        sys.path.insert(0, str(build))
    # pylint: disable=import-outside-toplevel
    from ansible_collections.alicloud.ecs.plugins.module_utils import _audit, _groups
    from ansible_collections.alicloud.ecs.plugins.module_utils._flow_analysis import GroupContext
    from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import EGRESS, INGRESS
    return _audit, _groups, GroupContext, (INGRESS, EGRESS)


def read_and_group(build, permissions):
    """(parse, fresh_group): parse() reads ``permissions`` (one DescribeSecurityGroupAttribute answer) as the module
    reads a group; fresh_group(read) is the group the module audits. A new AuditedGroup per audit: it caches what it
    compiles, and the module audits each group once."""
    _audit, _groups, group_context, directions = load_audit_code(build)
    body = {'SecurityGroupId': 'sg-bench-checks', 'VpcId': 'vpc-bench', 'InnerAccessPolicy': 'Accept', 'NextToken': '',
            'Permissions': {'Permission': permissions}}

    def parse():
        return _groups.read_group_rules(lambda action, query: body, 'sg-bench-checks')

    def fresh_group(read):
        return _audit.AuditedGroup(group_context('sg-bench-checks', 'normal', read.inner_access_policy),
                                   dict((direction.name, [('sg-bench-checks', rule) for rule in read.rules(direction)]) for direction in directions))
    return parse, fresh_group


def default_checks(build):
    _audit = load_audit_code(build)[0]
    return _audit.built_in_checks(list(_audit.DEFAULT_CHECKS), _audit.parse_ports(list(_audit.DEFAULT_REMOTE_ADMIN_PORTS), 'remote_admin_ports'))


def cpu_median(work, runs=CHECK_RUNS):
    spent, answer = [], None
    for dummy in range(runs):
        started = time.process_time()
        answer = work()
        spent.append(time.process_time() - started)
    return statistics.median(spent), max(spent), answer


def estate_permissions(index):
    """The estate's index-th group as DescribeSecurityGroupAttribute answers it (every field a string)."""
    return [dict(((key, str(value)) for key, value in rule.items()), Direction='ingress', SecurityGroupRuleId='sgr-estate-%04d' % number)
            for number, rule in enumerate(estate_rules(index))]


def profile_table(direct, build):
    """Where the time of the largest audit goes: the module run directly (no ansible-playbook), the emulator's CPU over
    the same run, the API phase from the emulator's log, and the module's CPU per group measured in process."""
    parse, fresh_group = read_and_group(build, estate_permissions(0))
    checks = default_checks(build)
    _audit = load_audit_code(build)[0]
    parse_cpu = cpu_median(parse)[0]
    read = parse()
    check_cpu = cpu_median(lambda: _audit.audit_group(fresh_group(read), checks))[0]
    size = max(SIZES)
    lists, reads = expected_calls(size)
    print('\n### Where the time goes: %s groups, max_concurrency %d, the module run directly (python -m, no ansible-playbook; '
          'median of %d runs)\n' % ('{:,}'.format(size), DEFAULT_CONCURRENCY, len(direct[0])))
    print('*API phase*: from the first ECS call to the last one reaching the emulator (its log stamps each call when the '
          'request has been read). CPU: the module process from wait4(), the emulator process from /proc over the same run. '
          'Per-group CPU: in process, on one estate group (%d rules), median of %d runs. The machine has %d CPUs for both '
          'processes.\n' % (RULES_PER_GROUP, CHECK_RUNS, os.cpu_count()))
    print('| figure | 0 ms latency | %d ms latency |' % LATENCY_MS)
    print('|---|---:|---:|')

    def row(label, figure, pattern='%.2f'):
        """One figure per latency: figure(run, latency) over that latency's runs, the median."""
        print('| %s | %s |' % (label, ' | '.join(pattern % statistics.median(figure(run, latency) for run in direct[latency])
                                                 for latency in (0, LATENCY_MS))))

    row('module wall time s', lambda run, latency: run['seconds'])
    row('before the first ECS call s (interpreter, imports, credentials: STS AssumeRole)', lambda run, latency: run['call_times'][0] - run['started'])
    row('API phase s (%d + %d calls)' % (lists, reads), lambda run, latency: run['call_times'][-1] - run['call_times'][0])
    row('ideal API phase s: calls x latency / max_concurrency', lambda run, latency: (lists + reads) * latency / 1000.0 / DEFAULT_CONCURRENCY)
    row('after the last ECS call s (the checks still to run, the result)', lambda run, latency: run['ended'] - run['call_times'][-1])
    row('module CPU s (user + system)', lambda run, latency: run['module_cpu'])
    row('module CPU per group ms (module CPU / groups)', lambda run, latency: run['module_cpu'] * 1000.0 / size)
    row('emulator CPU s over the run', lambda run, latency: run['emulator_cpu'])
    row('emulator CPU per ECS call ms', lambda run, latency: run['emulator_cpu'] * 1000.0 / run['ecs_calls'])
    row('CPU of both processes / wall time (%d.0 = every CPU busy)' % os.cpu_count(),
        lambda run, latency: (run['module_cpu'] + run['emulator_cpu']) / run['seconds'])
    row('module result KiB', lambda run, latency: run['output_bytes'] / 1024.0, '%.0f')
    print('\nIn process, per group of %d rules: parsing one read (read_group_rules) %.2f ms of CPU; the default checks '
          '(audit_group) %.2f ms; for %s groups %.2f s and %.2f s.' % (RULES_PER_GROUP, parse_cpu * 1000, check_cpu * 1000,
                                                                       '{:,}'.format(size), parse_cpu * size, check_cpu * size))


def varied_permissions(chooser, count=CHECK_RULES):
    """``count`` ingress Permissions as DescribeSecurityGroupAttribute answers them: tcp and udp port ranges (remote
    administration ports among them), some protocol all, some drops, private, public and whole-internet sources (split
    halves and IPv6 included), priorities 1 to 100."""
    sources = ['10.%d.0.0/16', '172.16.%d.0/24', '192.168.%d.0/24', '100.64.%d.0/24', '47.%d.0.0/16', '0.0.0.0/0', '0.0.0.0/1',
               '128.0.0.0/1', '::/0', '2408:%x::/32']
    permissions = []
    for number in range(count):
        protocol = chooser.choice(['TCP'] * 6 + ['UDP'] * 3 + ['ALL'])
        low = chooser.choice([22, 23, 80, 443, 3389, 5900, 5985, 8080, chooser.randint(1, 60000)])
        ports = '-1/-1' if protocol == 'ALL' else '%d/%d' % (low, min(65535, low + chooser.choice([0, 0, 0, 10, 100, 1000])))
        source = chooser.choice(sources)
        source = source % chooser.randrange(256) if '%' in source else source
        permission = {'SecurityGroupRuleId': 'sgr-bench-%04d' % number, 'Direction': 'ingress', 'IpProtocol': protocol, 'PortRange': ports,
                      'Policy': chooser.choice(['Accept'] * 4 + ['Drop']), 'Priority': str(chooser.randint(1, 100)), 'NicType': 'intranet',
                      'Description': 'varied %d' % number}
        permission['Ipv6SourceCidrIp' if ':' in source else 'SourceCidrIp'] = source
        permissions.append(permission)
    return permissions


def distinct_permissions(count=CHECK_RULES):
    """``count`` ingress Permissions that barely overlap: one tcp port each, from private networks (the shape of the
    estate's groups), for comparison with the varied ones."""
    return [{'SecurityGroupRuleId': 'sgr-distinct-%04d' % number, 'Direction': 'ingress', 'IpProtocol': 'TCP',
             'PortRange': '%d/%d' % (10000 + number, 10000 + number), 'SourceCidrIp': '10.%d.0.0/16' % (number % 16), 'Policy': 'Accept',
             'Priority': str(1 + number % 100), 'NicType': 'intranet', 'Description': 'distinct %d' % number} for number in range(count)]


def check_table(build):
    """CPU time of audit_group on one group of CHECK_RULES rules, read as the module reads a group: the default checks
    on varied rules against the target; each check alone, the hygiene check and barely overlapping rules for scale."""
    _audit = load_audit_code(build)[0]
    checks = default_checks(build)
    varied_parse, varied_group = read_and_group(build, varied_permissions(random.Random(20261206)))
    varied = varied_parse()
    distinct_parse, distinct_group = read_and_group(build, distinct_permissions())
    distinct = distinct_parse()
    cases = [('default checks (%s), varied rules' % ', '.join(check.name for check in checks), lambda: _audit.audit_group(varied_group(varied), checks),
              CHECK_TARGET_SECONDS)]
    cases += [('%s alone, varied rules' % check.name, lambda check=check: _audit.audit_group(varied_group(varied), [check]), None) for check in checks]
    cases += [('default checks + %s, varied rules' % _audit.HYGIENE, lambda: _audit.audit_group(varied_group(varied), checks, hygiene=True), None),
              ('default checks, distinct rules (one tcp port each, private sources)', lambda: _audit.audit_group(distinct_group(distinct), checks), None)]
    print('\n### security_group_audit checks: CPU time in process (one group of %d ingress rules, parsed as the module parses a read; '
          'median of %d runs)\n' % (CHECK_RULES, CHECK_RUNS))
    print('*Varied rules*: tcp 60 %, udp 30 %, protocol all 10 %; port ranges of 1 to 1001 ports, many on remote administration '
          'ports; 1 in 5 a drop; sources private, shared, public, 0.0.0.0/0, its two halves, ::/0 and public IPv6 blocks; '
          'priorities 1 to 100 (seeded random).\n')
    print('| checks | CPU ms (median) | CPU ms (slowest run) | findings | check statuses | target | met |')
    print('|---|---:|---:|---:|---|---|---|')
    missed = []
    for label, work, target in cases:
        median, slowest, (findings, statuses) = cpu_median(work)
        met = target is None or median < target
        if not met:
            missed.append('default checks of %d varied rules: %.1f ms of CPU' % (CHECK_RULES, median * 1000))
        print('| %s | %.1f | %.1f | %d | %s | %s | %s |' % (
            label, median * 1000, slowest * 1000, len(findings), ', '.join('%s %s' % item for item in statuses.items()),
            'under %.0f ms' % (target * 1000) if target else '(informational)', '-' if target is None else 'yes' if met else 'NO (missed)'))
    return missed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=3, help='runs per measurement (median is shown)')
    parser.add_argument('--build', default=str(REPO / 'build'),
                        help='the folder that holds the staged ansible_collections/alicloud/ecs (make bench stages it in build/)')
    options = parser.parse_args()
    build = Path(options.build).resolve()
    print('## alicloud.ecs security_group_audit benchmark\n')
    print('- machine: %s, %d CPUs, Python %s, %s' % (platform.machine(), os.cpu_count(), platform.python_version(), platform.platform()))
    print('- date: %s; repeat: %d (medians)' % (time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()), options.repeat))
    with tempfile.TemporaryDirectory(prefix='ecs-bench-audit-') as workdir:
        runs, direct = measure_estates(workdir, build, options.repeat)
    missed = audit_table(runs, options.repeat)
    missed += wall_target_table(runs)
    profile_table(direct, build)
    missed += check_table(build)
    print('\nTargets missed: %s' % ('; '.join(missed) or 'none'))


if __name__ == '__main__':
    main()
