# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""CPU cost of the flow analysis (plugins/module_utils/_flow_analysis.py), in process, without Ansible or HTTP.

Prints a markdown table: findings for a 200-rule group (target 50 ms of CPU) and 10,000 flows against 200
rules (target 1 s of CPU), each the median of --repeat runs, for a group like the benchmark's own (distinct
rules) and for one whose rules overlap heavily (the harder case for the set arithmetic).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

BUILD = Path(__file__).resolve().parents[2] / 'build'
sys.path.insert(0, str(BUILD))

# pylint: disable=wrong-import-position
from ansible_collections.alicloud.ecs.plugins.module_utils import _flow_analysis as analysis  # noqa: E402
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import INGRESS, parse_rule, resolve_rule  # noqa: E402

RULES = 200
FLOWS = 10000
TARGETS = {'findings': 0.050, 'flows': 1.0}
GROUPS = [analysis.GroupContext('sg-bench', 'normal', 'accept')]


def rule(**options):
    return resolve_rule(parse_rule(INGRESS, options), True, 'sg-bench')


def distinct_rules():
    """Like the benchmark's sg-bench-full-200: one TCP port each, from a few networks."""
    return [('sg-bench', rule(ip_protocol='tcp', port_range='%d' % (10000 + index), source_cidr_ip='10.%d.0.0/16' % (index % 16),
                              priority=1 + index % 100)) for index in range(RULES)]


def overlapping_rules(chooser):
    """Wide port ranges over nested networks, accept and drop at random priorities."""
    rules = []
    for _index in range(RULES):
        protocol = chooser.choice(['tcp', 'udp', 'all'])
        options = dict(ip_protocol=protocol, source_cidr_ip='10.%d.0.0/%d' % (chooser.randrange(4), chooser.choice([8, 12, 16, 24])),
                       priority=chooser.randint(1, 100), policy=chooser.choice(['accept', 'drop']))
        if protocol != 'all':
            low = chooser.randint(1, 60000)
            options['port_range'] = '%d/%d' % (low, min(low + chooser.randint(0, 5000), 65535))
        rules.append(('sg-bench', rule(**options)))
    return rules


def flows(chooser):
    return [analysis.parse_flow(dict(protocol=chooser.choice(['tcp', 'udp']), port=chooser.randint(1, 65535),
                                     remote='10.%d.%d.%d' % (chooser.randrange(16), chooser.randrange(256), chooser.randrange(256))))
            for _index in range(FLOWS)]


def cpu_seconds(work, repeat):
    spent = []
    for _run in range(repeat):
        started = time.process_time()
        work()
        spent.append(time.process_time() - started)
    return statistics.median(spent)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--repeat', type=int, default=5)
    args = parser.parse_args(argv)
    chooser = random.Random(20261129)
    probes = flows(chooser)
    print('\n### Flow analysis, CPU seconds (median of %d runs; %d rules, %d flows)\n' % (args.repeat, RULES, FLOWS))
    print('| rule set | findings | target | 10,000 flows | target | verdicts (accept/drop) |')
    print('|---|---:|---:|---:|---:|---|')
    over = []
    for name, rules in (('distinct rules', distinct_rules()), ('overlapping rules', overlapping_rules(chooser))):
        found = analysis.findings('ingress', rules, GROUPS)
        findings_cpu = cpu_seconds(lambda rules=rules: analysis.findings('ingress', rules, GROUPS), args.repeat)

        def evaluate_all(rules=rules):
            table = analysis.RuleTable(rules)
            return [analysis.evaluate('ingress', None, probe, GROUPS, table=table)['verdict'] for probe in probes]

        verdicts = evaluate_all()
        flows_cpu = cpu_seconds(evaluate_all, args.repeat)
        print('| %s (%d shadowed, %d redundant) | %.1f ms | %.0f ms | %.2f s | %.1f s | %d/%d |' % (
            name, len(found['shadowed']), len(found['redundant']), findings_cpu * 1000, TARGETS['findings'] * 1000,
            flows_cpu, TARGETS['flows'], verdicts.count('accept'), verdicts.count('drop')))
        over += [label for label, spent in (('findings', findings_cpu), ('flows', flows_cpu)) if spent > TARGETS[label] and name == 'distinct rules']
    print('\nOver target: %s' % (', '.join(over) or 'none'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
