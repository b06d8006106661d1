# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Conformance reports on disk, and the differences between two of them.

A report is JSON: ``format``, ``api_version``, ``target`` (``loopback`` or ``cloud``), ``inputs`` (which
optional inputs the run had) and ``cases``, a list in the order the probe ran them. Each case has
``name``, ``action``, ``request`` and either ``skipped`` (why) or ``status``, ``code``, ``answer`` and
optionally ``observed`` (what the probe read back afterwards). Only ``cases`` are compared: the
header says where a report came from, which is expected to differ.
"""

from __future__ import annotations

import json

REPORT_FORMAT = 1
MISSING = '<missing>'
# Fields a difference is reported under, in this order (others follow sorted).
CASE_FIELD_ORDER = ('skipped', 'action', 'request', 'status', 'code', 'answer', 'observed')


def dump_report(report):
    """The one serialisation of a report: the same report gives the same bytes."""
    return json.dumps(report, indent=1, ensure_ascii=True) + '\n'


def write_report(path, report):
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(dump_report(report))


def load_report(path):
    with open(path, 'r', encoding='utf-8') as handle:
        report = json.load(handle)
    if not isinstance(report, dict) or not isinstance(report.get('cases'), list):
        raise ValueError('%s is not a conformance report (no "cases" list)' % path)
    if report.get('format') != REPORT_FORMAT:
        raise ValueError('%s has report format %r; this probe reads format %d' % (path, report.get('format'), REPORT_FORMAT))
    return report


def _walk(path, value_a, value_b, found):
    if isinstance(value_a, dict) and isinstance(value_b, dict):
        for key in sorted(set(value_a) | set(value_b)):
            _walk('%s.%s' % (path, key) if path else key, value_a.get(key, MISSING), value_b.get(key, MISSING), found)
    elif isinstance(value_a, list) and isinstance(value_b, list):
        if len(value_a) == len(value_b):
            # Item by item: the lists of answers are sorted, so the same rule sits at the same index.
            for index, (item_a, item_b) in enumerate(zip(value_a, value_b)):
                _walk('%s[%d]' % (path, index), item_a, item_b, found)
        else:
            # A rule more or less would shift every index after it: name the items only one side has.
            found.append(('%s (length)' % path, len(value_a), len(value_b)))
            texts_a = [json.dumps(item, sort_keys=True) for item in value_a]
            texts_b = [json.dumps(item, sort_keys=True) for item in value_b]
            only_a = [item for item, text in zip(value_a, texts_a) if text not in texts_b]
            only_b = [item for item, text in zip(value_b, texts_b) if text not in texts_a]
            if only_a or only_b:
                found.append(('%s (items only one report has)' % path, only_a, only_b))
    elif value_a != value_b or type(value_a) is not type(value_b):
        # 1 == 1.0 and True == 1 in Python; a number against a boolean is a difference of form.
        found.append((path, value_a, value_b))


def case_differences(case_a, case_b):
    """[(field path, A's value, B's value)] for two cases of the same name; empty when they agree."""
    found = []
    if 'skipped' in case_a or 'skipped' in case_b:
        # A skipped case has nothing but its reason; every other field would only repeat that.
        _walk('skipped', case_a.get('skipped', MISSING), case_b.get('skipped', MISSING), found)
        return found
    fields = sorted(set(case_a) | set(case_b), key=lambda name: (CASE_FIELD_ORDER.index(name) if name in CASE_FIELD_ORDER else 99, name))
    for field in fields:
        if field == 'name':
            continue
        _walk(field, case_a.get(field, MISSING), case_b.get(field, MISSING), found)
    return found


def diff_reports(report_a, report_b, ignore_skipped=False):
    """[(case name, [(field, A, B), ...])] in the order of A's cases, then B's cases that A lacks.

    ``ignore_skipped`` leaves out the cases that either report skipped (a run without an optional
    input, such as a prefix list, skips the cases that need it).
    """
    cases_a = dict((case['name'], case) for case in report_a['cases'])
    cases_b = dict((case['name'], case) for case in report_b['cases'])
    names = [case['name'] for case in report_a['cases']] + [case['name'] for case in report_b['cases'] if case['name'] not in cases_a]
    result = []
    for name in names:
        case_a, case_b = cases_a.get(name), cases_b.get(name)
        if case_a is None or case_b is None:
            result.append((name, [('case', 'present' if case_a else MISSING, 'present' if case_b else MISSING)]))
            continue
        if ignore_skipped and ('skipped' in case_a or 'skipped' in case_b):
            continue
        found = case_differences(case_a, case_b)
        if found:
            result.append((name, found))
    return result


def _show(value):
    return json.dumps(value, ensure_ascii=True, sort_keys=True) if value != MISSING else MISSING


def format_differences(differences, label_a='A', label_b='B'):
    """Readable lines: one header per case, then one line per field that differs."""
    lines = []
    for name, fields in differences:
        lines.append('case %s' % name)
        for path, value_a, value_b in fields:
            lines.append('  %s' % path)
            lines.append('    %s: %s' % (label_a, _show(value_a)))
            lines.append('    %s: %s' % (label_b, _show(value_b)))
    return lines
