# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The estate audit while the API throttles, fails and stalls: an estate of groups in two regions is audited calmly,
then under seeded faults with retries (the answer must not change), then under the same faults without retries (every
group is either audited exactly as before or reported unreadable, never silently dropped or answered wrong)."""

from __future__ import annotations

from collections import Counter

from conftest import SuiteEmulator, report

SEED = 20261206
GROUPS_PER_REGION = 120
READ_ACTIONS = ['DescribeSecurityGroups', 'DescribeSecurityGroupAttribute']
FAULTS = [dict(kind='throttle', actions=READ_ACTIONS, rate=0.2), dict(kind='service_unavailable', actions=READ_ACTIONS, rate=0.05),
          dict(kind='internal_error', actions=READ_ACTIONS, rate=0.03), dict(kind='latency', actions=READ_ACTIONS, rate=0.3, latency_ms=30)]


def permission(protocol, ports, source, policy='Accept', priority=1):
    return {'IpProtocol': protocol, 'PortRange': ports, 'Ipv6SourceCidrIp' if ':' in source else 'SourceCidrIp': source, 'Policy': policy,
            'Priority': priority, 'NicType': 'intranet'}


def estate():
    """Groups of main in two regions: every 5th opens SSH through two halves of IPv4, every 7th everything to IPv6,
    every 11th has SSH under a drop of higher priority; all have a few rules from private networks."""
    groups = {}
    for region, vpc_id, prefix in (('cn-hangzhou', 'vpc-demo-1', 'hz'), ('cn-shanghai', 'vpc-demo-3', 'sh')):
        for index in range(GROUPS_PER_REGION):
            rules = [permission('TCP', '%d/%d' % (8000 + step, 8000 + step), '10.%d.0.0/16' % step) for step in range(3)]
            if index % 5 == 0:
                rules += [permission('TCP', '22/22', '0.0.0.0/1'), permission('TCP', '22/22', '128.0.0.0/1')]
            if index % 7 == 0:
                rules.append(permission('ALL', '-1/-1', '::/0', priority=20))
            if index % 11 == 0:
                rules += [permission('TCP', '22/22', '0.0.0.0/0', priority=50), permission('TCP', '1/1024', '0.0.0.0/0', 'Drop', priority=2)]
            groups['sg-rel-%s-%03d' % (prefix, index)] = dict(region=region, vpc_id=vpc_id, name='rel-%s-%03d' % (prefix, index), ingress=rules)
    return groups


def answer(run, regions_of=None):
    """{group id: sorted failed checks} for the groups audited, and the ids reported unreadable, by themselves or as
    groups of a region that could not be listed (``regions_of``: {group id: region})."""
    audited = dict((group['security_group_id'], sorted(name for name, status in group['checks'].items() if status == 'fail'))
                   for group in run.result['groups'] if group['status'] != 'unreadable')
    unreadable = set(entry['id'] for entry in run.result['unreadable'] if entry['kind'] == 'security_group')
    unlisted = set(entry['region'] for entry in run.result['unreadable'] if entry['kind'] == 'scope')
    unreadable |= set(group_id for group_id, region in (regions_of or {}).items() if region in unlisted)
    return audited, unreadable


def test_an_audit_under_faults_answers_as_a_calm_one_and_without_retries_loses_no_group(playbooks):
    regions = dict(regions=['cn-hangzhou', 'cn-shanghai'], retry_backoff=0.05)
    groups = estate()
    with SuiteEmulator(groups) as server:
        runner = playbooks(server)
        calm = runner.task(regions, module='security_group_audit')
        assert not calm.failed, calm.output
        calm_answer, calm_unreadable = answer(calm)
        assert not calm_unreadable and len(calm_answer) == calm.result['summary']['groups']

        server.set_faults(dict(seed=SEED, rules=FAULTS))
        server.clear_log()
        faulty = runner.task(regions, module='security_group_audit')
        faults = Counter(entry['fault'] for entry in server.requests() if entry['fault'])
        assert not faulty.failed, faulty.output
        assert answer(faulty) == (calm_answer, set())

        server.clear_log()
        fragile = runner.task(dict(regions, retries=0), module='security_group_audit')
        fragile_faults = Counter(entry['fault'] for entry in server.requests() if entry['fault'] and entry['fault'] != 'latency')
        server.clear_faults()
    regions_of = dict((group['security_group_id'], group['region']) for group in calm.result['groups'])
    audited, unreadable = answer(fragile, regions_of)
    exposed = sum(1 for checks in calm_answer.values() if checks)
    report('audit under faults', groups=len(calm_answer), exposed_groups=exposed, faulty_calls=sum(faults.values()), **dict(
        ('faults_%s' % kind, count) for kind, count in sorted(faults.items())))
    report('audit under faults without retries', failed=fragile.failed, audited=len(audited), unreadable=len(unreadable),
           errors_met=sum(fragile_faults.values()))
    # Without retries, every listing may fail (the task then fails with the API's error); else each group is either
    # audited with the calm answer or reported unreadable (itself or its region), and none is missing.
    if fragile.failed:
        assert fragile.result['error']['code'] and 'Traceback' not in fragile.output
        return
    assert unreadable and set(audited) | unreadable == set(calm_answer) and not set(audited) & unreadable
    assert all(calm_answer[group_id] == checks for group_id, checks in audited.items())
