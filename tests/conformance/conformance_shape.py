# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What an answer looks like, without what varies between runs and accounts.

A report keeps every field name and every value that the probe itself decided (protocols, ports,
CIDRs, descriptions, priorities, counts): they show the value forms a backend uses (``TCP`` or
``tcp``, ``10.0.0.1`` or ``10.0.0.1/32``, ``"1"`` or ``1``, ``""`` or no field at all). Values that
differ from run to run or from account to account are replaced by their form, in this order:

1. UUIDs anywhere in a text (request ids, also inside URLs): ``<request-id>``;
2. the run's credentials (must never be there; replaced, and the report is refused, see ``assert_clean``);
3. ids the probe knows: its groups by role (``<sg:main>``), the decoys (``<sg:missing>``), the VPC
   (``<vpc>``), the prefix list (``<prefix-list>``);
4. other resource ids by kind (``<sgr-id>``, ``<sg-id>``, ``<rg-id>``...);
5. the run id inside names and tags (``<run>``) and the region (``<region>``);
6. timestamps, by their layout (``<timestamp:YYYY-MM-DDThh:mm:ssZ>``);
7. account ids (``<account-id>``), account names (``<account-name>``), access key ids
   (``<access-key-id>``) and long opaque strings (``<opaque>``); numbers of 12 digits or more
   (``<number:16 digits>``).

Field names decide a few values outright: ``RequestId`` is ``<request-id>`` and a non-empty
``NextToken`` is ``<token>`` whatever their layout. Lists from API answers are sorted (by their
sanitised JSON): the order of rules and tags is not part of the contract the modules rely on, and a
backend may not keep it stable.
"""

from __future__ import annotations

import json
import re

_UUID = re.compile(r'[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}')
_TIMESTAMP = re.compile(r'(?<!\d)\d{4}-\d{2}-\d{2}([T ])\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?(?!\d)')
_RESOURCE_ID = re.compile(r'(?<![\w-])(sgr|sg|vpc|pl|rg|eni|vsw)-[0-9a-z]{6,}(?![\w-])')
_ACCOUNT_ID = re.compile(r'(?<!\d)\d{16}(?!\d)')
_ACCOUNT_NAME = re.compile(r'[\w.+-]+@[\w-]+(?:\.[\w-]+)+')
_ACCESS_KEY_ID = re.compile(r'\b(?:LTAI[0-9A-Za-z]{8,}|STS\.[0-9A-Za-z]{8,})\b')
# Diagnostic blobs and tokens: long runs of base64 or hex characters with both letters and digits.
_OPAQUE = re.compile(r'(?=[0-9A-Za-z+/=_-]*[0-9])(?=[0-9A-Za-z+/=_-]*[A-Za-z])[0-9A-Za-z+/=_-]{40,}')
# A request value longer than this is shown by its length (a 513-character description, say).
_LONG_REQUEST_VALUE = 100
# Numbers this long are account ids (16 digits) or other identifiers, never something the probe chose.
_LONG_NUMBER_DIGITS = 12


def timestamp_form(match):
    """``2024-01-01T00:00:00Z`` -> ``<timestamp:YYYY-MM-DDThh:mm:ssZ>``: the layout, not the time."""
    separator, seconds, fraction, zone = match.groups()
    layout = 'YYYY-MM-DD%shh:mm' % separator
    if seconds:
        layout += ':ss'
    if fraction:
        layout += '.' + 'f' * (len(fraction) - 1)
    if zone:
        layout += 'Z' if zone == 'Z' else zone[0] + ('hh:mm' if ':' in zone else 'hhmm')
    return '<timestamp:%s>' % layout


def canonical_json(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(',', ':'))


class Sanitiser:
    """Turns answers, requests and observations into their run-independent shape."""

    def __init__(self, run_id, region_id, secrets=()):
        self.run_id = run_id
        self.region_id = region_id
        self.secrets = tuple(secret for secret in secrets if secret)
        self._known = {}

    def name(self, value, form):
        """Replace ``value`` by ``form`` wherever it appears (an id the probe knows the role of)."""
        if value and value not in self._known:
            self._known[value] = form

    def form_of(self, value):
        return self._known.get(value)

    def text(self, text):
        text = _UUID.sub('<request-id>', text)
        for secret in self.secrets:
            text = text.replace(secret, '<secret>')
        # Longest first, so that an id is never cut by a shorter one it contains.
        for value in sorted(self._known, key=len, reverse=True):
            text = text.replace(value, self._known[value])
        # Other ids before the run id: a random id could contain the run id, never the reverse.
        text = _RESOURCE_ID.sub(lambda match: '<%s-id>' % match.group(1), text)
        if self.run_id:
            text = text.replace(self.run_id, '<run>')
        if self.region_id:
            text = text.replace(self.region_id, '<region>')
        text = _TIMESTAMP.sub(timestamp_form, text)
        text = _ACCOUNT_ID.sub('<account-id>', text)
        text = _ACCOUNT_NAME.sub('<account-name>', text)
        text = _ACCESS_KEY_ID.sub('<access-key-id>', text)
        return _OPAQUE.sub('<opaque>', text)

    def value(self, value, field=None, sort_lists=False):
        """The shape of any JSON value; ``field`` is the name it was found under."""
        if isinstance(value, dict):
            return dict((key, self.value(value[key], key, sort_lists)) for key in sorted(value))
        if isinstance(value, list):
            items = [self.value(item, None, sort_lists) for item in value]
            return sorted(items, key=canonical_json) if sort_lists else items
        if isinstance(value, bool) or value is None or isinstance(value, float):
            return value
        if isinstance(value, int):
            return '<number:%d digits>' % len(str(abs(value))) if len(str(abs(value))) >= _LONG_NUMBER_DIGITS else value
        text = str(value)
        if field == 'RequestId' and text:
            return '<request-id>'
        if field == 'NextToken' and text:
            return '<token>'
        if field == 'ClientToken' and text:
            return '<client-token>'
        return self.text(text)

    def answer(self, body):
        """An API answer: every list sorted."""
        return self.value(body, sort_lists=True)

    def observation(self, value):
        """Something the probe worked out: lists stay in the order the probe built them."""
        return self.value(value, sort_lists=False)

    def request(self, query, keep_entries=10):
        """The parameters of a request; long Permissions.N / SecurityGroupRuleId.N / ResourceId.N lists
        are cut to their first and last entries (a 100-rule batch would drown the report)."""
        lists = {}
        plain = {}
        for name, value in query.items():
            match = re.match(r'^(Permissions|SecurityGroupRuleId|ResourceId|Tag|TagKey)\.(\d+)(?:\.(\w+))?$', name)
            if match:
                lists.setdefault(match.group(1), {}).setdefault(int(match.group(2)), {})[match.group(3) or ''] = value
            else:
                plain[name] = value
        shaped = dict((name, self.request_value(value, name)) for name, value in plain.items())
        for list_name, entries in lists.items():
            indexes = sorted(entries)
            if len(indexes) > keep_entries:
                shown = (indexes[0], indexes[-1])
                shaped['%s.N' % list_name] = '%d entries, from %d to %d; the first and the last follow' % (len(indexes), indexes[0], indexes[-1])
            else:
                shown = indexes
            for index in shown:
                for field, value in entries[index].items():
                    key = '%s.%d.%s' % (list_name, index, field) if field else '%s.%d' % (list_name, index)
                    shaped[key] = self.request_value(value, field or None)
        return dict((key, shaped[key]) for key in sorted(shaped))

    def request_value(self, value, field):
        shaped = self.value(value, field)
        if isinstance(shaped, str) and len(shaped) > _LONG_REQUEST_VALUE:
            return '<text:%d characters>' % len(value)
        return shaped

    def assert_clean(self, text, extra_forbidden=()):
        """Refuse to write ``text`` if a credential (or anything in ``extra_forbidden``) is in it."""
        for value in self.secrets + tuple(extra_forbidden):
            if value and value in text:
                raise ValueError('refusing to write the report: it contains a credential or an id that must not be there')
