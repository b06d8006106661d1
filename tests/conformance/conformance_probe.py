# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Command line of the conformance probe (mk/conformance.mk; docs/maintainers/real-account.md).

    python tests/conformance/conformance_probe.py run --endpoint ENDPOINT [--output FILE] [--baseline emulator]
    python tests/conformance/conformance_probe.py cleanup --endpoint ENDPOINT
    python tests/conformance/conformance_probe.py diff A.json B.json [--ignore-skipped]

ENDPOINT is host[:port] or an http(s) URL (plain HTTP only to loopback; a network host only with
ALICLOUD_ECS_TEST_CLOUD=yes), or the word ``emulator``: a fresh emulator of tests/emulator with its
default fixture, started and stopped by the probe. Exit status: 0 done, 1 failed (or, for diff, the
reports differ), 2 refused before anything was sent.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parents[1]
EMULATOR_PACKAGE = REPOSITORY / 'tests' / 'emulator'
REPORT_DIRECTORY = REPOSITORY / 'build' / 'conformance'
for _path in (str(HERE), str(EMULATOR_PACKAGE)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

# pylint: disable=wrong-import-position
from conformance_cases import Probe, delete_groups, find_leftovers  # noqa: E402
from conformance_client import (  # noqa: E402
    MALFORMED_GROUP_ID, MISSING_GROUP_ID, MISSING_PREFIX_LIST_ID, MISSING_RULE_ID, MISSING_VPC_ID, EndpointGone, OwnGroups, ProbeClient,
    ProbeRefused, ProbeSafetyError, ProbeSettings, probe_settings, without_proxies,
)
from conformance_report import diff_reports, dump_report, format_differences, load_report, write_report  # noqa: E402
from conformance_shape import Sanitiser  # noqa: E402

# What a run against the emulator uses: the default fixture's main account (tests/emulator/README.md).
EMULATOR_KEY_NAME = 'main'
EMULATOR_REGION = 'cn-hangzhou'
EMULATOR_VPC = 'vpc-demo-1'
EMULATOR_PREFIX_LIST = 'pl-demo-ipv4'
EMULATOR_SECOND_VPC = 'vpc-demo-2'


@dataclass
class ProbeResult:
    report: dict
    text: str
    seconds: float
    calls: int
    retries: int
    left_behind: list

    @property
    def skipped(self):
        return sum(1 for case in self.report['cases'] if 'skipped' in case)


def sanitiser_for(settings, run_id):
    shape = Sanitiser(run_id, settings.region_id, settings.secrets())
    for value, form in ((settings.vpc_id, '<vpc>'), (settings.second_vpc_id, '<vpc-2>'), (settings.prefix_list_id, '<prefix-list>'),
                        (MISSING_GROUP_ID, '<sg:missing>'),
                        (MALFORMED_GROUP_ID, '<sg:malformed>'), (MISSING_RULE_ID, '<sgr:missing>'),
                        (MISSING_PREFIX_LIST_ID, '<pl:missing>'), (MISSING_VPC_ID, '<vpc:missing>')):
        shape.name(value, form)
    return shape


def run_probe(settings, run_id=None):
    """Run every case against the settings' endpoint; the report is checked for credentials before it is returned."""
    run_id = run_id or secrets.token_hex(4)
    shape = sanitiser_for(settings, run_id)
    started = time.monotonic()
    with without_proxies(settings):
        client = ProbeClient(settings, OwnGroups())
        probe = Probe(client, settings, run_id, shape)
        report = probe.run()
    text = dump_report(report)
    shape.assert_clean(text)
    return ProbeResult(report, text, time.monotonic() - started, client.calls, client.retries, probe.left_behind)


def emulator_settings(endpoint, inputs=None):
    """The settings of a run against the emulator; ``inputs`` (a report's) leaves out the optional inputs that run lacked."""
    from ecs_emulator.harness import credentials  # pylint: disable=import-outside-toplevel
    keys = credentials(EMULATOR_KEY_NAME)
    with_prefix_list, with_second_vpc = (True, True) if inputs is None else (had_prefix_list(inputs), had_second_vpc(inputs))
    return ProbeSettings(endpoint=endpoint, protocol='http', is_loopback=True, access_key_id=keys['access_key_id'],
                         access_key_secret=keys['access_key_secret'], security_token=keys.get('security_token', ''),
                         region_id=EMULATOR_REGION, vpc_id=EMULATOR_VPC, prefix_list_id=EMULATOR_PREFIX_LIST if with_prefix_list else '',
                         second_vpc_id=EMULATOR_SECOND_VPC if with_second_vpc else '')


@contextlib.contextmanager
def fresh_emulator(inputs=None):
    """A new emulator process on a new state file (default fixture); yields (emulator, settings)."""
    from ecs_emulator.harness import Emulator  # pylint: disable=import-outside-toplevel
    with tempfile.TemporaryDirectory(prefix='ecs-conformance-') as workdir:
        emulator = Emulator(os.path.join(workdir, 'state.sqlite')).start(reset=True)
        try:
            yield emulator, emulator_settings(emulator.endpoint, inputs)
        finally:
            emulator.stop()


# A comparison run against the emulator must have the inputs of the run it is compared with: without a
# prefix list or a second VPC, cases are skipped and later listings hold fewer rules and groups.
def had_prefix_list(inputs):
    return inputs.get('prefix_list', '').startswith('given, IPv4')


def had_second_vpc(inputs):
    return inputs.get('second_vpc', '') == 'given'


def run_against_emulator(like_report=None):
    """A run against a fresh emulator, with the inputs of ``like_report`` (every input without one)."""
    with fresh_emulator(like_report['inputs'] if like_report else None) as (_emulator, settings):
        return run_probe(settings)


def default_report_path(settings, against_emulator):
    if against_emulator:
        return REPORT_DIRECTORY / 'emulator.json'
    if settings.is_loopback:
        return REPORT_DIRECTORY / 'loopback.json'
    return REPORT_DIRECTORY / ('cloud-%s-%s.json' % (settings.region_id, datetime.date.today().isoformat()))


def summary_lines(result, target, path):
    lines = ['conformance: %d cases (%d skipped) against %s in %.1f s (%d API calls, %d retried)'
             % (len(result.report['cases']), result.skipped, target, result.seconds, result.calls, result.retries),
             'report: %s' % path]
    if result.left_behind:
        lines.append('LEFT BEHIND: %d security groups could not be deleted: %s; run make conformance-cleanup'
                     % (len(result.left_behind), ', '.join('%s (%s)' % item for item in result.left_behind)))
    return lines


def command_run(arguments, environ, out):
    against_emulator = arguments.endpoint.strip() == 'emulator'
    settings = None if against_emulator else probe_settings(arguments.endpoint, environ)
    if against_emulator:
        with fresh_emulator() as (_emulator, emulator_probe_settings):
            settings = emulator_probe_settings
            result = run_probe(settings)
    else:
        result = run_probe(settings)
    path = Path(arguments.output) if arguments.output else default_report_path(settings, against_emulator)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_report(path, result.report)
    target = 'a fresh emulator' if against_emulator else ('%s (%s)' % (settings.endpoint, 'loopback' if settings.is_loopback else 'cloud'))
    for line in summary_lines(result, target, path):
        print(line, file=out)
    if arguments.baseline == 'emulator':
        baseline = run_against_emulator(like_report=result.report)
        baseline_path = path.with_name(path.stem + '.emulator-baseline.json')
        write_report(baseline_path, baseline.report)
        differences = diff_reports(result.report, baseline.report)
        skipped = len([name for name, fields in differences if fields[0][0] == 'skipped'])
        print('differences from the emulator: %d of %d cases (%d of them skipped in one run; emulator run: %.1f s); '
              'see make conformance-diff A=%s B=%s' % (len(differences), len(result.report['cases']), skipped, baseline.seconds, path, baseline_path),
              file=out)
    return 1 if result.left_behind else 0


def command_cleanup(arguments, environ, out):
    if arguments.endpoint.strip() == 'emulator':
        raise ProbeRefused('a fresh emulator has nothing to clean up; give the endpoint of the interrupted run')
    settings = probe_settings(arguments.endpoint, environ, need_vpc=False)
    with without_proxies(settings):
        own_groups = OwnGroups()
        client = ProbeClient(settings, own_groups)
        leftovers = find_leftovers(client)
        for group_id, _name in leftovers:
            own_groups.add(group_id)
        left = delete_groups(client, [group_id for group_id, _name in leftovers], patient=not settings.is_loopback)
    for group_id, name in leftovers:
        print('%s %s (%s)' % ('left' if group_id in dict(left) else 'deleted', group_id, name), file=out)
    print('conformance-cleanup: %d leftover groups found, %d deleted, %d left' % (len(leftovers), len(leftovers) - len(left), len(left)), file=out)
    return 1 if left else 0


def command_diff(arguments, _environ, out):
    report_a, report_b = load_report(arguments.a), load_report(arguments.b)
    differences = diff_reports(report_a, report_b, ignore_skipped=arguments.ignore_skipped)
    for line in format_differences(differences):
        print(line, file=out)
    names = set(case['name'] for case in report_a['cases']) | set(case['name'] for case in report_b['cases'])
    print('conformance-diff: %d of %d cases differ (A: %s, B: %s)' % (len(differences), len(names), arguments.a, arguments.b), file=out)
    return 1 if differences else 0


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog='conformance_probe.py', description='ECS API conformance probe of the alicloud.ecs collection')
    commands = parser.add_subparsers(dest='command', required=True)
    run = commands.add_parser('run', help='run every case and write a sanitised report')
    run.add_argument('--endpoint', required=True, help='host[:port], http(s) URL, or "emulator"')
    run.add_argument('--output', help='report file (default: build/conformance/<target>.json)')
    run.add_argument('--baseline', choices=('emulator', 'none'), default='none',
                     help='also run against a fresh emulator and count the cases that differ')
    cleanup = commands.add_parser('cleanup', help='delete the groups an interrupted run left (by their tag)')
    cleanup.add_argument('--endpoint', required=True)
    diff = commands.add_parser('diff', help='print the cases where two reports differ')
    diff.add_argument('a')
    diff.add_argument('b')
    diff.add_argument('--ignore-skipped', action='store_true', help='leave out cases that either report skipped')
    return parser.parse_args(argv)


def main(argv=None, environ=None, out=None):
    arguments = parse_arguments(argv)
    environ = os.environ if environ is None else environ
    out = out or sys.stdout
    command = dict(run=command_run, cleanup=command_cleanup, diff=command_diff)[arguments.command]
    try:
        return command(arguments, environ, out)
    except ProbeRefused as refusal:
        print('conformance: refused: %s' % refusal, file=sys.stderr)
        return 2
    except (ProbeSafetyError, EndpointGone, RuntimeError, ValueError, OSError) as failure:
        print('conformance: failed: %s: %s' % (type(failure).__name__, failure), file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main())
