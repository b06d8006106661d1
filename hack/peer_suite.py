# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run alibaba.alicloud's own security group playbooks with alicloud.ecs against the ECS emulator.

Usage: ``python hack/peer_suite.py PEER_CHECKOUT [--keep]`` (``make peer-suite PEER_CHECKOUT=<dir>``), where
PEER_CHECKOUT is a checkout of https://github.com/alibaba/alibaba.alicloud. The migration guide promises that
playbooks written for ``alibaba.alicloud.ali_security_group`` and ``ali_security_group_info`` run unchanged once
the module names are replaced; this script takes the peer's own test playbooks and proves it (or shows where not).

What it takes from the checkout (read, never changed there):

- ``tests/ali_security_group_test.yml`` and ``tests/ali_security_group_info_test.yml``, the test playbooks, with
  ``tests/roles/security_group/tasks/main.yml`` (the role both play first) and ``tests/roles/vpc/tasks/main.yml``;
- ``examples/*/roles/security_group/tasks/main.yml``, with the ``vpc`` role of the same example;
- the values of the variables these use and their plays do not define: ``tests/group_vars/all`` (or an
  example's ``group_vars/all``), else the vpc role's ``defaults/main.yml``.

It copies them into a temporary directory and changes, printing every change (file, line, task, before -> after):

- module names: ``alibaba.alicloud.ali_security_group`` (or the short ``ali_security_group``) becomes
  ``alicloud.ecs.security_group``, ``..._info`` becomes ``alicloud.ecs.security_group_info``; the rest of each
  task, including every option, stays as the peer wrote it;
- the VPC tasks, which are not this collection's business: in the ``vpc`` role, ``ali_vpc`` with ``register: R``
  becomes ``set_fact`` of ``R: {vpc: {id: vpc-demo-1, ...}}`` and ``ali_vpc_info`` with ``register: R`` becomes
  ``set_fact`` of ``R: {vpcs: [{id: vpc-demo-1, ...}], ids: [vpc-demo-1]}``: the emulator fixture's VPC in
  cn-hangzhou; the name, CIDR block and description are the ones the peer's task would have given its VPC. Any
  other ``ali_vpc``/``ali_vpc_info`` task (the final "Deleting vpcs") becomes a ``debug`` task that says what it
  replaced, keeping its name, loop and conditions;
- variables: ``group_vars/all.yml`` beside the playbooks defines each variable that the files use and neither
  their plays nor their tasks define, with the peer's value (a variable whose value uses another brings that one
  too); a variable that a task passes as ``alicloud_region``/``region`` is set to cn-hangzhou, where the emulator's
  VPCs are, and the peer's value is printed;
- for the example roles, which no peer playbook runs alone, a play of the example's ``create.yml`` reduced to its
  ``vpc`` and ``security_group`` roles (printed as a new file).

Any other module of ``alibaba.alicloud`` in these files stops the script (exit 2): it would need a stand-in too.

Then it starts the emulator (default fixture, a temporary state file), re-seeds it before each test playbook and
runs ``ansible-playbook`` the way ``tests/integration/conftest.py`` does: ANSIBLE_COLLECTIONS_PATH at a directory
whose ``ansible_collections/alicloud/ecs`` links to this working tree (never build/'s staged copy, which the
Makefile's environment points at and which may be older), the ``record_results`` callback of
``tests/integration/callback_plugins`` recording each task's result, the fixture's ``main`` keys,
ALIBABA_CLOUD_REGION_ID=cn-hangzhou, ALIBABA_CLOUD_ECS_ENDPOINT at the emulator and no proxy variables. Each
example play runs twice on the same state (no re-seed between), as a user would re-apply it.

Verdicts, one per task, in a table (expected, actual, verdict):

- a task whose name starts with ``Changed.`` must report ``changed``; with ``No Changed.`` or ``Not Changed.``
  it must not. For a looped task every item is judged: ``Changed.`` needs every item changed, the others need
  none changed. The peer's loops run over the groups its role found (one here), and each item is a separate
  module run with a claim of its own: "at least one" would let a loop whose second item silently did nothing
  pass. A loop with no items changes nothing and tests nothing: that fails too (Ansible reports it skipped, so
  it shows as not run);
- a task without such a claim must only succeed, except on the second run of an example play, where every
  module task must report no change (a re-run of an unchanged play changes nothing: the peer's "re-created
  rules" defect is what the migration guide says is gone);
- a task that failed, or never ran because the play stopped before it, fails;
- the replaced VPC tasks and fact gathering get no verdict (n/a) unless they fail; warnings are listed, not judged;
- end state, through the emulator's admin API: after each test playbook, every group it created (the log's
  successful CreateSecurityGroup calls) is gone and the fixture's groups are all still there; after the second
  run of an example, its group exists once, in vpc-demo-1, with exactly the rules of the variables the role passes
  as ``rules`` and ``rules_egress``.

The last line is ``N passed, M failed``; the exit status is 0 when nothing failed, 1 otherwise, and 2 when
PEER_CHECKOUT is missing, lacks one of the files above or holds what the script cannot replace. Needs Python 3.11,
PyYAML, ansible-core and the collection's SDK in the running interpreter's environment (the venv), and the
emulator harness of tests/emulator.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / 'tests' / 'emulator'))

from ecs_emulator import harness  # noqa: E402  pylint: disable=wrong-import-position

CALLBACKS = REPO / 'tests' / 'integration' / 'callback_plugins'
REGION = 'cn-hangzhou'
EMULATOR_VPC = 'vpc-demo-1'
PEER_URL = 'https://github.com/alibaba/alibaba.alicloud'

TEST_PLAYBOOKS = ('tests/ali_security_group_test.yml', 'tests/ali_security_group_info_test.yml')
TEST_ROLE = 'tests/roles/security_group/tasks/main.yml'
EXAMPLE_ROLES = 'examples/*/roles/security_group/tasks/main.yml'

MODULE_NAMES = {
    'alibaba.alicloud.ali_security_group': 'alicloud.ecs.security_group',
    'ali_security_group': 'alicloud.ecs.security_group',
    'alibaba.alicloud.ali_security_group_info': 'alicloud.ecs.security_group_info',
    'ali_security_group_info': 'alicloud.ecs.security_group_info',
}
VPC_MODULES = {
    'alibaba.alicloud.ali_vpc': 'vpc', 'ali_vpc': 'vpc',
    'alibaba.alicloud.ali_vpc_info': 'vpc_info', 'ali_vpc_info': 'vpc_info',
}
# Task keywords: every other key of a task is its module (or action).
TASK_KEYWORDS = {
    'name', 'action', 'local_action', 'args', 'register', 'loop', 'loop_control', 'when', 'tags', 'vars', 'become',
    'become_user', 'become_method', 'become_flags', 'become_exe', 'check_mode', 'diff', 'changed_when', 'failed_when',
    'ignore_errors', 'ignore_unreachable', 'delegate_to', 'delegate_facts', 'run_once', 'no_log', 'notify', 'listen',
    'environment', 'until', 'retries', 'delay', 'async', 'poll', 'throttle', 'timeout', 'any_errors_fatal',
    'connection', 'remote_user', 'port', 'module_defaults', 'collections', 'debugger', 'block', 'rescue', 'always',
}
TASK_LISTS = ('pre_tasks', 'tasks', 'post_tasks', 'handlers')
BLOCK_KEYS = ('block', 'rescue', 'always')
REGION_OPTIONS = ('alicloud_region', 'region')
# Names a template may use that no play has to define: Jinja's and Ansible's own.
BUILTIN_NAMES = {
    'item', 'omit', 'lookup', 'query', 'q', 'now', 'range', 'dict', 'lipsum', 'cycler', 'joiner', 'namespace',
    'hostvars', 'groups', 'group_names', 'inventory_hostname', 'inventory_hostname_short', 'play_hosts',
    'playbook_dir', 'role_path', 'role_name', 'undef', 'and', 'or', 'not', 'in', 'is', 'if', 'else', 'elif', 'for',
    'endfor', 'endif', 'set', 'true', 'false', 'none', 'True', 'False', 'None', 'loop', 'defined', 'undefined',
}
TEMPLATE = re.compile(r'{{(.*?)}}|{%(.*?)%}', re.S)
STRING_LITERAL = re.compile(r'"[^"]*"|\'[^\']*\'')
IDENTIFIER = re.compile(r'[A-Za-z_][A-Za-z0-9_]*')
SIMPLE_TEMPLATE = re.compile(r'^\s*{{\s*([A-Za-z_][A-Za-z0-9_]*)\s*}}\s*$')
CLAIM = re.compile(r'^\s*(changed|no changed|not changed)\s*\.', re.I)

PASS, FAIL, NA = 'PASS', 'FAIL', 'n/a'


class CheckoutError(Exception):
    """The checkout lacks what the suite needs, or holds what it cannot replace: exit 2."""


def say(text=''):
    print(text, flush=True)


def show(value):
    """A value on one line, for the printed changes."""
    return json.dumps(value, ensure_ascii=False, default=str)


# ------------------------------------------------------------------------------------------- the checkout ---

def check_checkout(given):
    if not given:
        raise CheckoutError('no peer checkout given: pass the directory of a checkout of %s '
                            '(make peer-suite PEER_CHECKOUT=<dir>)' % PEER_URL)
    root = Path(given).expanduser().resolve()
    if not root.is_dir():
        raise CheckoutError('PEER_CHECKOUT %s is not a directory (clone %s there first)' % (given, PEER_URL))
    missing = [path for path in TEST_PLAYBOOKS + (TEST_ROLE,) if not (root / path).is_file()]
    if not sorted(root.glob(EXAMPLE_ROLES)):
        missing.append(EXAMPLE_ROLES)
    if missing:
        raise CheckoutError('PEER_CHECKOUT %s is not a checkout of %s: it lacks %s'
                            % (given, PEER_URL, ', '.join(missing)))
    return root


# ------------------------------------------------------------------------------- reading tasks with lines ---

def task_key_module(mapping):
    """The module key of a task (a dict), or None for a block or a task without one."""
    if not isinstance(mapping, dict) or any(key in mapping for key in BLOCK_KEYS):
        return None
    keys = [key for key in mapping if key not in TASK_KEYWORDS and not str(key).startswith('with_')]
    if 'action' in mapping or 'local_action' in mapping:
        action = mapping.get('action') or mapping.get('local_action')
        text = action if isinstance(action, str) else (action or {}).get('module', '')
        return str(text).split()[0] if text else None
    return keys[0] if keys else None


def node_last_line(node):
    """0-based line of a node's last character."""
    if isinstance(node, yaml.ScalarNode) or getattr(node, 'flow_style', False) or not node.value:
        mark = node.end_mark
        return mark.line if mark.column > 0 else mark.line - 1
    last = node.value[-1]
    return node_last_line(last[1] if isinstance(node, yaml.MappingNode) else last)


def task_sequences(root, playbook):
    """(play index, list keyword, sequence node) of each task list of a playbook's plays, or of a role's file."""
    if not isinstance(root, yaml.SequenceNode):
        return []
    if not playbook:
        return [(0, 'tasks', root)]
    found = []
    for index, play in enumerate(root.value):
        if isinstance(play, yaml.MappingNode):
            found.extend((index, key.value, value) for key, value in play.value
                         if key.value in TASK_LISTS and isinstance(value, yaml.SequenceNode))
    return found


def walk_task_nodes(sequence):
    """Every task mapping node of a task list, blocks opened, in order."""
    for node in sequence.value:
        if not isinstance(node, yaml.MappingNode):
            continue
        blocks = [value for key, value in node.value if key.value in BLOCK_KEYS and isinstance(value, yaml.SequenceNode)]
        if blocks:
            for block in blocks:
                yield from walk_task_nodes(block)
        else:
            yield node


@dataclass
class Task:
    """A task as the suite copied it: where it is, what it calls, with which options."""
    file: str
    line: int           # 1-based, in the copied file (0: not in a file)
    name: str
    module: str | None
    args: object
    data: dict
    loop: bool
    replaced: bool = False
    play: int = 0
    section: str = 'tasks'


def read_tasks(text, rel, playbook, replaced_names=()):
    """The tasks of a file, in order, with their lines (the copied text)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    tasks = []
    if root is None:
        return tasks
    for play, section, sequence in task_sequences(root, playbook):
        for node in walk_task_nodes(sequence):
            data = yaml.safe_load(yaml.serialize(node)) or {}
            module = task_key_module(data)
            name = str(data.get('name') or module or '')
            loop = 'loop' in data or any(str(key).startswith('with_') for key in data)
            tasks.append(Task(rel, node.start_mark.line + 1, name, module, data.get(module) if module else None,
                              data, loop, name in replaced_names, play, section))
    return tasks


# -------------------------------------------------------------------------------------- changing a file ---

@dataclass
class SourceFile:
    """A copied file and the changes made to it."""
    rel: str
    playbook: bool
    text: str
    changes: list = field(default_factory=list)
    replaced: set = field(default_factory=set)
    facts: set = field(default_factory=set)


def vpc_fact(args):
    """The facts that stand for the VPC an ali_vpc task would create: the emulator's VPC, the task's own values."""
    args = args if isinstance(args, dict) else {}
    fact = {'id': EMULATOR_VPC, 'vpc_id': EMULATOR_VPC}
    for key, source in (('vpc_name', ('vpc_name', 'name')), ('cidr_block', ('cidr_block', 'cidr')),
                        ('description', ('description',))):
        for option in source:
            if args.get(option) is not None:
                fact[key] = args[option]
                break
    fact.update(region_id=REGION, status='Available', is_default=False)
    return fact


def replacement_task(data, module, kind, vpc):
    """The task that stands for an ali_vpc or ali_vpc_info task, and a one-line account of it."""
    args = data.get(module) if isinstance(data.get(module), dict) else {}
    keep = {key: value for key, value in data.items() if key != module}
    register = keep.get('register')
    present = str(args.get('state', 'present')).lower() != 'absent'
    new = {'name': keep.pop('name')} if 'name' in keep else {}
    if kind == 'vpc' and present and register:
        keep.pop('register')
        fact = {register: {'vpc': vpc_fact(args)}}
        new['ansible.builtin.set_fact'] = fact
        after = 'ansible.builtin.set_fact %s' % show(fact)
    elif kind == 'vpc_info' and register:
        keep.pop('register')
        fact = {register: {'vpcs': [vpc], 'ids': [EMULATOR_VPC]}}
        new['ansible.builtin.set_fact'] = fact
        after = 'ansible.builtin.set_fact %s' % show(fact)
    else:
        options = ', '.join('%s=%s' % (key, value) for key, value in args.items())
        message = ('replaced by hack/peer_suite.py: %s (%s) is not run; the emulator\'s VPC %s is part of its fixture '
                   'and stays' % (module, options, EMULATOR_VPC))
        new['ansible.builtin.debug'] = {'msg': message}
        after = 'ansible.builtin.debug msg=%s' % show(message)
    new.update(keep)
    before = '%s %s%s' % (module, show(args), ', register %s' % register if register else '')
    return new, before, after


def transform(source):
    """Rename the peer's security group modules and replace its VPC tasks, in place, recording each change."""
    lines = source.text.splitlines(keepends=True)
    root = yaml.compose(source.text, Loader=yaml.SafeLoader)
    renames, replacements = [], []
    # The VPC an ali_vpc_info task lists is the one the file's ali_vpc task creates.
    vpc = {'id': EMULATOR_VPC, 'vpc_id': EMULATOR_VPC}
    nodes = [node for _play, _section, sequence in task_sequences(root, source.playbook)
             for node in walk_task_nodes(sequence)] if root is not None else []
    for node in nodes:
        data = yaml.safe_load(yaml.serialize(node)) or {}
        module = task_key_module(data)
        if module in VPC_MODULES and VPC_MODULES[module] == 'vpc' and isinstance(data.get(module), dict) \
                and str(data[module].get('state', 'present')).lower() != 'absent':
            vpc = vpc_fact(data[module])
    for node in nodes:
        data = yaml.safe_load(yaml.serialize(node)) or {}
        module = task_key_module(data)
        name = str(data.get('name') or module)
        if module is None:
            continue
        if 'action' in data or 'local_action' in data:
            if module in MODULE_NAMES or module in VPC_MODULES or module.startswith(('alibaba.alicloud.', 'ali_')):
                raise CheckoutError('%s:%d task %r calls %s through action/local_action, which the suite does not rewrite'
                                    % (source.rel, node.start_mark.line + 1, name, module))
            continue
        key_node = next(key for key, _value in node.value if key.value == module)
        if module in MODULE_NAMES:
            renames.append((key_node.start_mark.line, key_node.start_mark.column, module, MODULE_NAMES[module], name))
        elif module in VPC_MODULES:
            start = node.start_mark.line
            stop = max(max(key.end_mark.line, node_last_line(value)) for key, value in node.value)
            new, before, after = replacement_task(data, module, VPC_MODULES[module], vpc)
            replacements.append((start, stop, node.start_mark.column, new, before, after, name))
            source.replaced.add(name)
            source.facts.update(new.get('ansible.builtin.set_fact', {}))
        elif module.startswith(('alibaba.alicloud.', 'ali_')):
            raise CheckoutError('%s:%d task %r uses %s, which has no stand-in in the suite'
                                % (source.rel, node.start_mark.line + 1, name, module))
    for line, column, old, new, name in renames:
        text = lines[line]
        if text[column:column + len(old)] != old:
            raise CheckoutError('%s:%d: expected %s at column %d' % (source.rel, line + 1, old, column + 1))
        lines[line] = text[:column] + new + text[column + len(old):]
        source.changes.append((line + 1, line + 1, name, old, new))
    for start, stop, column, new, before, after, name in sorted(replacements, reverse=True):
        dumped = yaml.safe_dump(new, sort_keys=False, default_flow_style=False, allow_unicode=True, width=100000)
        body = dumped.splitlines()
        prefix = lines[start][:column]
        text = [prefix + body[0] + '\n'] + [' ' * column + line + '\n' for line in body[1:]]
        lines[start:stop + 1] = text
        source.changes.append((start + 1, stop + 1, name, before, after))
    source.text = ''.join(lines)
    source.changes.sort(key=lambda change: change[0])
    return source


# -------------------------------------------------------------------------------------------- variables ---

def template_names(value):
    """Root variable names that the templates in a value use."""
    found = set()
    if isinstance(value, dict):
        for item in value.values():
            found |= template_names(item)
    elif isinstance(value, list):
        for item in value:
            found |= template_names(item)
    elif isinstance(value, str):
        for match in TEMPLATE.finditer(value):
            expression = STRING_LITERAL.sub('""', match.group(1) or match.group(2) or '')
            for name in IDENTIFIER.finditer(expression):
                # Skip attributes (a.b), filters (a | b), tests (a is b) and keyword arguments (f(b=1)).
                before, after = expression[:name.start()].rstrip(), expression[name.end():]
                if before.endswith(('.', '|')) or re.search(r'\bis$', before) or re.match(r'\s*=(?!=)', after):
                    continue
                found.add(name.group(0))
    return found


def expression_names(value):
    """The names a bare Jinja expression (when, changed_when, ...) uses."""
    if isinstance(value, list):
        return set().union(*(expression_names(item) for item in value)) if value else set()
    return template_names('{{ %s }}' % value) if isinstance(value, str) else set()


def used_and_defined(files):
    """(names the files' templates use, names their plays and tasks define, region variables) of a directory."""
    used, defined, regions = set(), set(), set()
    for source in files:
        data = yaml.safe_load(source.text) or []
        plays = data if source.playbook else []
        for play in plays:
            if isinstance(play, dict):
                defined |= set((play.get('vars') or {}).keys())
                used |= template_names({key: value for key, value in play.items() if key not in TASK_LISTS})
        defined |= set(source.facts)
        for task in read_tasks(source.text, source.rel, source.playbook):
            data = task.data
            if data.get('register'):
                defined.add(data['register'])
            if isinstance(data.get('ansible.builtin.set_fact'), dict):
                defined |= set(data['ansible.builtin.set_fact'])
            loop_var = (data.get('loop_control') or {}).get('loop_var')
            if loop_var:
                defined.add(loop_var)
            used |= template_names(data)
            for keyword in ('when', 'changed_when', 'failed_when', 'until'):
                used |= expression_names(data.get(keyword))
            if isinstance(task.args, dict):
                for option in REGION_OPTIONS:
                    match = SIMPLE_TEMPLATE.match(str(task.args.get(option, '')))
                    if match:
                        regions.add(match.group(1))
    return used, defined, regions


def variable_sources(checkout, directory):
    """The peer files that define a directory's variables, in the order they are looked up: (path, values, lines)."""
    sources = []
    group_vars = checkout / directory / 'group_vars'
    candidates = [group_vars / 'all', group_vars / 'all.yml', group_vars / 'all.yaml']
    if (group_vars / 'all').is_dir():
        candidates = sorted((group_vars / 'all').glob('*.y*ml'))
    candidates.append(checkout / directory / 'roles' / 'vpc' / 'defaults' / 'main.yml')
    for path in candidates:
        if not path.is_file():
            continue
        text = path.read_text(encoding='utf-8')
        values = yaml.safe_load(text) or {}
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        lines = {key.value: key.start_mark.line + 1 for key, _value in root.value} \
            if isinstance(root, yaml.MappingNode) else {}
        if isinstance(values, dict):
            sources.append((path.relative_to(checkout).as_posix(), values, lines))
    return sources


def define_variables(checkout, directory, files):
    """The group_vars/all.yml values that a directory's copied files need, and the printed account of each."""
    used, defined, regions = used_and_defined(files)
    sources = variable_sources(checkout, directory)
    values, notes, missing = {}, [], []
    pending = sorted(used - defined - BUILTIN_NAMES, key=str.lower)
    while pending:
        name = pending.pop(0)
        if name in values or name in defined or name in BUILTIN_NAMES:
            continue
        origin = next(((path, source, lines) for path, source, lines in sources if name in source), None)
        if origin is None:
            if not name.startswith('ansible_'):
                missing.append(name)
            continue
        path, source, lines = origin
        value = source[name]
        where = '%s:%s' % (path, lines.get(name, '?'))
        if name in regions:
            notes.append((name, REGION, 'the peer has %s at %s; the emulator\'s VPCs are in %s' % (show(value), where, REGION)))
            value = REGION
        else:
            notes.append((name, value, 'from %s' % where))
        values[name] = value
        pending.extend(sorted(template_names(value) - set(values) - defined - BUILTIN_NAMES, key=str.lower))
    if missing:
        raise CheckoutError('the copied files of %s use %s, which neither their plays, their tasks nor %s define'
                            % (directory, ', '.join(sorted(set(missing))),
                               ', '.join(path for path, _values, _lines in sources) or 'any group_vars file'))
    return values, notes


# ------------------------------------------------------------------------------------------------ setup ---

@dataclass
class Run:
    """One ansible-playbook run and how to judge it."""
    label: str
    playbook: Path
    shown: str          # the playbook as the table names it
    files: dict         # rel -> SourceFile of its directory
    reseed: bool
    second_run: bool = False
    end_check: str = ''  # 'cleanup' or 'example'
    variables: dict = field(default_factory=dict)


def write_source(work, source):
    path = work / source.rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source.text, encoding='utf-8')


def print_changes(source, origin):
    if not source.changes:
        say('  %s: copied from %s unchanged' % (source.rel, origin))
        return
    say('  %s: copied from %s, %d change(s):' % (source.rel, origin, len(source.changes)))
    for first, last, name, before, after in source.changes:
        lines = 'line %d' % first if first == last else 'lines %d-%d' % (first, last)
        say('    %s, task %r:\n      before: %s\n      after:  %s' % (lines, name, before, after))


def copy_directory(checkout, directory, peer_files, playbooks):
    """Copy and change a directory's files (its playbooks and roles), the vpc role and its variables."""
    files = {}
    for rel in peer_files:
        source = transform(SourceFile(rel, rel in playbooks, (checkout / rel).read_text(encoding='utf-8')))
        print_changes(source, rel)
        files[rel] = source
    vpc_rel = '%s/roles/vpc/tasks/main.yml' % directory
    if (checkout / vpc_rel).is_file():
        source = transform(SourceFile(vpc_rel, False, (checkout / vpc_rel).read_text(encoding='utf-8')))
        print_changes(source, vpc_rel)
    else:
        tasks = [{'name': 'Create a new alicloud VPC resource', 'ansible.builtin.set_fact': {'vpc': {'vpc': vpc_fact({})}}},
                 {'name': 'Get the existing vpc',
                  'ansible.builtin.set_fact': {'vpcs': {'vpcs': [vpc_fact({})], 'ids': [EMULATOR_VPC]}}}]
        source = SourceFile(vpc_rel, False, '---\n' + yaml.safe_dump(tasks, sort_keys=False, width=100000))
        source.replaced = {task['name'] for task in tasks}
        source.facts = {'vpc', 'vpcs'}
        say('  %s: new (the checkout has no vpc role here): facts vpc and vpcs of the emulator\'s %s'
            % (vpc_rel, EMULATOR_VPC))
    files[vpc_rel] = source
    return files


def finish_directory(checkout, work, directory, files):
    values, notes = define_variables(checkout, directory, list(files.values()))
    for source in files.values():
        write_source(work, source)
    rel = '%s/group_vars/all.yml' % directory
    path = work / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('---\n' + yaml.safe_dump(values, sort_keys=False, allow_unicode=True, width=100000), encoding='utf-8')
    say('  %s: new, the variables the plays need and do not define:' % rel)
    for name, value, why in notes:
        say('    %s = %s (%s)' % (name, show(value), why))
    return values


def prepare(checkout, work):
    """Copy and change everything; return the runs."""
    runs = []
    say('== changes to the peer files (copied into %s)' % work)
    tests = copy_directory(checkout, 'tests', TEST_PLAYBOOKS + (TEST_ROLE,), TEST_PLAYBOOKS)
    values = finish_directory(checkout, work, 'tests', tests)
    for index, playbook in enumerate(TEST_PLAYBOOKS):
        label = 'test' if index == 0 else 'info-test'
        runs.append(Run(label, work / playbook, playbook, tests, reseed=True, end_check='cleanup', variables=values))
    for role in sorted(checkout.glob(EXAMPLE_ROLES)):
        directory = role.relative_to(checkout).parents[3].as_posix()
        example = directory.split('/', 1)[1]
        role_rel = role.relative_to(checkout).as_posix()
        files = copy_directory(checkout, directory, (role_rel,), ())
        play_rel = '%s/peer_suite_play.yml' % directory
        play = [{'name': 'alibaba.alicloud example %s: its vpc and security_group roles' % example,
                 'hosts': 'localhost', 'remote_user': 'root', 'roles': ['vpc', 'security_group']}]
        source = SourceFile(play_rel, True, '---\n' + yaml.safe_dump(play, sort_keys=False))
        files[play_rel] = source
        say('  %s: new, the play of %s/create.yml with only its vpc and security_group roles (it runs twice)'
            % (play_rel, directory))
        values = finish_directory(checkout, work, directory, files)
        runs.append(Run('%s#1' % example, work / play_rel, play_rel, files, reseed=True, variables=values))
        runs.append(Run('%s#2' % example, work / play_rel, play_rel, files, reseed=False, second_run=True,
                        end_check='example', variables=values))
    return runs


# -------------------------------------------------------------------------------------------------- run ---

def collections_root(work):
    link = work / 'collections' / 'ansible_collections' / 'alicloud' / 'ecs'
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.exists():
        link.symlink_to(REPO)
    return str(work / 'collections')


def environment(emulator, work, record):
    env = {key: value for key, value in os.environ.items() if key not in harness.PROXY_VARIABLES}
    keys = harness.credentials('main')
    env.update(
        ANSIBLE_COLLECTIONS_PATH=collections_root(work),
        ANSIBLE_CALLBACK_PLUGINS=str(CALLBACKS),
        ANSIBLE_CALLBACKS_ENABLED='record_results',
        ANSIBLE_HOME=str(work / 'ansible-home'),
        ANSIBLE_LOCAL_TEMP=str(work / 'ansible-tmp'),
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_DEPRECATION_WARNINGS='0',
        ALIBABA_CLOUD_ACCESS_KEY_ID=keys['access_key_id'],
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=keys['access_key_secret'],
        ALIBABA_CLOUD_REGION_ID=REGION,
        ALIBABA_CLOUD_ECS_ENDPOINT='http://%s' % emulator.endpoint,
        RECORD_RESULTS_FILE=str(record),
    )
    if keys.get('security_token'):
        env['ALIBABA_CLOUD_SECURITY_TOKEN'] = keys['security_token']
    else:
        env.pop('ALIBABA_CLOUD_SECURITY_TOKEN', None)
    return env


def run_playbook(emulator, work, run, count):
    record = work / ('results-%d.jsonl' % count)
    command = [str(Path(sys.executable).parent / 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
               '-e', 'ansible_python_interpreter=%s' % sys.executable, str(run.playbook)]
    process = subprocess.run(command, env=environment(emulator, work, record), cwd=str(run.playbook.parent),
                             capture_output=True, text=True, timeout=900, check=False)
    (work / ('output-%d.txt' % count)).write_text(process.stdout + process.stderr, encoding='utf-8')
    results = [json.loads(line) for line in record.read_text(encoding='utf-8').splitlines()] if record.exists() else []
    return process, results


def static_tasks(run):
    """Every task the run's playbook would run, in Ansible's order: per play pre_tasks, roles, tasks, post_tasks."""
    source = run.files.get(run.shown)
    plays = yaml.safe_load(source.text) or []
    directory = run.shown.rsplit('/', 1)[0]
    own = read_tasks(source.text, source.rel, True, source.replaced)
    tasks = []
    for index, play in enumerate(plays):
        if str(play.get('gather_facts', True)).lower() not in ('false', 'no', '0'):
            tasks.append(Task(run.shown, 0, 'Gathering Facts', None, None, {}, False, True, index))
        tasks.extend(task for task in own if task.play == index and task.section == 'pre_tasks')
        for role in play.get('roles') or []:
            role_name = role if isinstance(role, str) else (role.get('role') or role.get('name'))
            rel = '%s/roles/%s/tasks/main.yml' % (directory, role_name)
            role_source = run.files.get(rel)
            if role_source is None:
                raise CheckoutError('%s uses role %s, which the suite did not copy' % (run.shown, role_name))
            tasks.extend(read_tasks(role_source.text, rel, False, role_source.replaced))
        for section in ('tasks', 'post_tasks'):
            tasks.extend(task for task in own if task.play == index and task.section == section)
    return tasks


def claim_of(task, run):
    """True: must report changed; False: must not; None: only has to succeed."""
    match = CLAIM.match(task.name)
    if match:
        return match.group(1).lower() == 'changed'
    if run.second_run and task.module and not task.replaced:
        return False
    return None


def item_changes(result, task):
    data = result['result']
    if task.loop:
        return [bool(item.get('changed')) for item in data.get('results') or []]
    return [bool(data.get('changed'))]


def failure_message(data):
    parts = []
    if data.get('msg'):
        parts.append(str(data['msg']))
    for index, item in enumerate(data.get('results') or []):
        if item.get('failed'):
            parts.append('item %d: %s' % (index, item.get('msg')))
    return '; '.join(dict.fromkeys(parts)) or json.dumps(data, default=str)[:500]


@dataclass
class Row:
    label: str
    task: str
    expected: str
    actual: str
    verdict: str
    detail: str = ''


def judge(run, tasks, results, process):
    """One row per task of the run (and one for an ansible-playbook failure no task shows)."""
    rows, position, stopped_at = [], 0, None
    for task in tasks:
        result = None
        if position < len(results) and results[position]['task'] == task.name:
            result = results[position]
            position += 1
        claim = None if task.replaced else claim_of(task, run)
        expected = {True: 'changed', False: 'not changed', None: 'succeeds'}[claim]
        if task.replaced:
            expected = NA
        where = '%s:%d' % (task.file, task.line) if task.line else run.shown
        options = '%s %s' % (task.module, show(task.args)) if task.module else ''
        if result is None:
            verdict = NA if task.replaced else FAIL
            actual = 'not run' + (' (the play stopped at %r)' % stopped_at if stopped_at else '')
            rows.append(Row(run.label, task.name, expected, actual, verdict, '' if verdict == NA else where))
            continue
        if result['status'] == 'failed':
            stopped_at = task.name
            message = failure_message(result['result'])
            rows.append(Row(run.label, task.name, expected, 'FAILED', FAIL,
                            '%s\n    %s\n    %s' % (where, options, message)))
            continue
        changes = item_changes(result, task)
        if task.loop:
            actual = 'changed %d/%d items' % (sum(changes), len(changes))
        else:
            actual = 'changed' if changes[0] else 'not changed'
        if claim is None:
            verdict = NA if task.replaced else PASS
            detail = ''
        elif not changes:
            verdict, detail = FAIL, '%s\n    %s\n    the loop had no items: nothing was tested' % (where, options)
        else:
            verdict = PASS if (all(changes) if claim else not any(changes)) else FAIL
            detail = '' if verdict == PASS else '%s\n    %s\n    expected %s, got %s' % (where, options, expected, actual)
        rows.append(Row(run.label, task.name, expected, actual, verdict, detail))
    if process.returncode != 0 and not any(result['status'] == 'failed' for result in results):
        tail = '\n    '.join((process.stdout + process.stderr).strip().splitlines()[-15:])
        rows.append(Row(run.label, '(ansible-playbook)', 'exit 0', 'exit %d' % process.returncode, FAIL,
                        '%s\n    %s' % (run.shown, tail)))
    return rows


def rule_key(rule, direction):
    cidr = rule.get('source_cidr_ip') if direction == 'ingress' else rule.get('dest_cidr_ip')
    try:
        cidr = str(ipaddress.ip_network(str(cidr), strict=False)) if cidr else ''
    except ValueError:
        cidr = str(cidr)
    return (str(rule.get('ip_protocol', '')).lower(), str(rule.get('port_range', '')), cidr,
            int(rule.get('priority') or 1))


def end_state(emulator, run, baseline, results):
    """The run's end state, read through the admin API, as a row."""
    label, name = run.label, 'end state'
    if run.end_check == 'cleanup':
        created = [entry for entry in emulator.requests() if entry['action'] == 'CreateSecurityGroup' and entry.get('applied')]
        names = sorted(str(entry['params'].get('SecurityGroupName')) for entry in created)
        now = {group['id']: group for group in emulator.groups()}
        left = {group_id: group['name'] for group_id, group in now.items() if group_id not in baseline}
        gone = sorted(set(baseline) - set(now))
        expected = 'the groups it created are gone'
        if not created:
            return Row(label, name, expected, 'it created no group', FAIL, '%s: no CreateSecurityGroup succeeded' % run.shown)
        actual = '%d created, %d left, %d of the fixture gone' % (len(created), len(left), len(gone))
        if left or gone:
            return Row(label, name, expected, actual, FAIL, '%s: created %s; left %s; fixture groups gone %s'
                       % (run.shown, show(names), show(left), show(gone)))
        return Row(label, name, expected, actual, PASS)
    if run.end_check == 'example':
        create = next((task for task in static_tasks(run) if task.module == 'alicloud.ecs.security_group'), None)
        result = next((entry['result'] for entry in results if create and entry['task'] == create.name
                       and entry['status'] == 'ok'), None)
        expected = 'one group in %s with the role\'s rules' % EMULATOR_VPC
        group = (result or {}).get('group') or {}
        if not group.get('group_id'):
            return Row(label, name, expected, 'no group in the results', FAIL, '%s: %r did not return a group'
                       % (run.shown, create.name if create else 'alicloud.ecs.security_group'))
        same_name = emulator.groups(name=group.get('group_name'))
        problems = []
        if len(same_name) != 1:
            problems.append('%d groups named %r' % (len(same_name), group.get('group_name')))
        stored = emulator.group(group['group_id']) or {}
        if stored.get('vpc_id') != EMULATOR_VPC:
            problems.append('group %s is in %r' % (group['group_id'], stored.get('vpc_id')))
        for option, direction in (('rules', 'ingress'), ('rules_egress', 'egress')):
            match = SIMPLE_TEMPLATE.match(str((create.args or {}).get(option, '')))
            if not match or not isinstance(run.variables.get(match.group(1)), list):
                continue
            want = sorted(rule_key(rule, direction) for rule in run.variables[match.group(1)])
            have = sorted(rule_key(rule, direction) for rule in emulator.rules(group['group_id'], direction))
            if want != have:
                problems.append('%s rules %s, expected %s (%s)' % (direction, show(have), show(want), match.group(1)))
        if problems:
            return Row(label, name, expected, 'differs', FAIL, '%s: %s' % (run.shown, '; '.join(problems)))
        return Row(label, name, expected, '%s once, rules as given' % group['group_id'], PASS)
    return None


def warnings_of(process):
    """The first line of each [WARNING] ansible-playbook printed."""
    return [line.strip() for line in (process.stdout + process.stderr).splitlines() if line.startswith('[WARNING]')]


def run_all(runs, work):
    """Every run's rows, and the warnings printed, each with the runs that printed it."""
    rows, warnings = [], {}
    emulator = harness.Emulator(str(work / 'emulator.sqlite'))
    emulator.start(reset=True)
    try:
        baseline = {}
        for count, run in enumerate(runs, 1):
            if run.reseed:
                emulator.clear_faults()
                emulator.clear_lag()
                emulator.reset()
                baseline = {group['id']: group['name'] for group in emulator.groups()}
            emulator.clear_log()
            say('== running %s (%s)' % (run.shown, run.label))
            process, results = run_playbook(emulator, work, run, count)
            for warning in warnings_of(process):
                warnings.setdefault(warning, []).append(run.label)
            run_rows = judge(run, static_tasks(run), results, process)
            end = end_state(emulator, run, baseline, results)
            if end is not None:
                run_rows.append(end)
            failed = sum(row.verdict == FAIL for row in run_rows)
            say('   ansible-playbook exit %d, %d task result(s), %d failure(s)' % (process.returncode, len(results), failed))
            rows.extend(run_rows)
    finally:
        emulator.stop()
    return rows, warnings


def report(rows, warnings):
    headers = ('run', 'task', 'expected', 'actual', 'verdict')
    table = [(row.label, row.task, row.expected, row.actual, row.verdict) for row in rows]
    widths = [max(len(str(line[index])) for line in table + [headers]) for index in range(len(headers))]
    say()
    say('== results')
    say('  '.join(str(text).ljust(width) for text, width in zip(headers, widths)).rstrip())
    say('  '.join('-' * width for width in widths))
    for line in table:
        say('  '.join(str(text).ljust(width) for text, width in zip(line, widths)).rstrip())
    failures = [row for row in rows if row.verdict == FAIL]
    if failures:
        say()
        say('== failures')
        for row in failures:
            if row.actual.startswith('not run'):
                say('%s: %r never ran (%s)' % (row.label, row.task, row.detail))
            else:
                say('%s: %s (expected %s, actual %s)\n    %s' % (row.label, row.task, row.expected, row.actual, row.detail))
    if warnings:
        say()
        say('== warnings ansible-playbook printed (not judged)')
        for warning, labels in warnings.items():
            say('%s (%s)' % (warning, ', '.join(labels)))
    passed = sum(row.verdict == PASS for row in rows)
    unjudged = [row for row in rows if row.verdict == NA]
    say()
    if unjudged:
        say('(%d without a verdict: fact gathering and the replaced VPC tasks)' % len(unjudged))
    say('%d passed, %d failed' % (passed, len(failures)))
    return 1 if failures else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('checkout', nargs='?', default='', help='a checkout of %s' % PEER_URL)
    parser.add_argument('--keep', action='store_true', help='keep the temporary directory (copies, outputs, state)')
    args = parser.parse_args(argv)
    try:
        checkout = check_checkout(args.checkout)
    except CheckoutError as exc:
        print('peer-suite: ERROR: %s' % exc, file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix='peer-suite-'))
    try:
        try:
            runs = prepare(checkout, work)
        except (CheckoutError, yaml.YAMLError, UnicodeDecodeError) as exc:
            print('peer-suite: ERROR: %s' % exc, file=sys.stderr)
            return 2
        return report(*run_all(runs, work))
    finally:
        if args.keep:
            say('kept %s' % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
