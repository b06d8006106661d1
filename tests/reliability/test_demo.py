# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""`make demo` is the first thing a newcomer runs: it must work, converge in one run and print tables whose
values stand under their headers."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import time

import yaml

from conftest import REPO, report

DEMO = REPO / 'tests' / 'demo' / 'run_demo.py'
PLAYBOOK = REPO / 'examples' / 'demo-playbook.yml'


def tables(output):
    """The demo's rule tables by title ('before', 'after'): their lines, the header first."""
    found = {}
    lines = output.splitlines()
    for index, line in enumerate(lines):
        match = re.match(r'### (\w+): egress rules of ', line)
        if match:
            found[match.group(1)] = list(itertools.takewhile(str.strip, lines[index + 1:]))
    return found


def misaligned_cells(lines):
    """Cells that do not start under their header or run into the next column, as (row, header, text)."""
    header = lines[0]
    columns = [(match.group(), match.start()) for match in re.finditer(r'\S+', header)]
    problems = []
    for row in lines[1:]:
        for (name, start), (dummy, end) in zip(columns, columns[1:] + [('', len(row) + 2)]):
            cell = row[start:end]
            # A value starts right at its header and leaves the two-space gap before the next column.
            if cell[:1].isspace() or (len(row) > end - 2 and row[end - 2:end].strip()):
                problems.append((row, name, cell))
    return problems


def test_demo_converges_and_prints_aligned_tables():
    # As `make demo` runs it: without ANSIBLE_COLLECTIONS_PATH (the demo then links this tree as the
    # collection) and without the suite's PYTHONPATH.
    env = dict((name, value) for name, value in os.environ.items() if name not in ('ANSIBLE_COLLECTIONS_PATH', 'PYTHONPATH'))
    started = time.monotonic()
    process = subprocess.run([sys.executable, str(DEMO)], env=env, capture_output=True, text=True, timeout=300,
                             check=False, cwd=str(REPO))
    seconds = time.monotonic() - started
    output = process.stdout + process.stderr
    found = tables(process.stdout)
    changed_per_run = [int(count) for count in re.findall(r'^localhost\s+: ok=\d+\s+changed=(\d+)', process.stdout, re.M)]
    wanted = len(yaml.safe_load(PLAYBOOK.read_text(encoding='utf-8'))[0]['tasks'][0]['alicloud.ecs.security_group_egress']['rules'])
    misaligned = dict((title, misaligned_cells(lines)) for title, lines in found.items())
    report('demo', seconds='%.1f' % seconds, exit_code=process.returncode, tables=len(found),
           rules_before=len(found.get('before', [None])) - 1, rules_after=len(found.get('after', [None])) - 1,
           changed_tasks_per_run='/'.join(map(str, changed_per_run)),
           misaligned_cells=sum(len(problems) for problems in misaligned.values()))

    assert process.returncode == 0, output
    assert sorted(found) == ['after', 'before'], output
    # The first run changes the group, the second finds nothing to do.
    assert changed_per_run == [1, 0], output
    # purge_rules: afterwards the group holds exactly the playbook's rules.
    assert len(found['after']) - 1 == wanted, found['after']
    assert not any(misaligned.values()), misaligned
