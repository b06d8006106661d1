# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The security_group_audit module: the exact checks of ``_audit`` over every group of an estate, read concurrently
across accounts and regions, and a gate that fails the task on findings of a given severity."""

from __future__ import annotations

import functools
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ansible_collections.alicloud.ecs.plugins.module_utils import _audit, _credentials, _group_model, _groups
from ansible_collections.alicloud.ecs.plugins.module_utils._base import AlicloudAnsibleModule, AlicloudEcsModule, ApiError, alicloud_argument_spec
from ansible_collections.alicloud.ecs.plugins.module_utils._flow_analysis import GroupContext
from ansible_collections.alicloud.ecs.plugins.module_utils._list_refs import ListReferences, kind_of, list_report
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import EGRESS, INGRESS
from ansible_collections.alicloud.ecs.plugins.module_utils._values import RuleError, text_or_none

MAX_CONCURRENCY = 32  # the SDK's connection pool keeps 40 connections per host
DEFAULT_CONCURRENCY = 8
# SecurityGroupIds of DescribeSecurityGroups takes at most 100 IDs (API reference, DescribeSecurityGroups).
IDS_PER_LIST_CALL = 100
FAIL_ON = ('none', 'any') + _audit.SEVERITIES
# Options an element of ``accounts`` may set; a source option there replaces every source option of the task.
ACCOUNT_SOURCE_OPTIONS = ('access_key_id', 'access_key_secret', 'security_token', 'profile', 'shared_credentials_file', 'ecs_role_name')
ACCOUNT_ROLE_OPTIONS = ('assume_role_arn', 'assume_role_session_name', 'assume_role_session_expiration', 'assume_role_policy',
                        'assume_role_external_id')
GATE_LINES = 10

ASSERTION_OPTIONS = dict(
    name=dict(type='str'),
    direction=dict(type='str', default='ingress', choices=['ingress', 'egress']),
    protocol=dict(type='str', required=True),
    ports=dict(type='list', elements='str'),
    remote=dict(type='list', elements='str'),
    remote_except=dict(type='list', elements='str'),
    local=dict(type='list', elements='str'),
    severity=dict(type='str', default='high', choices=list(_audit.SEVERITIES)),
)

ACCOUNT_OPTIONS = dict(
    name=dict(type='str', required=True),
    access_key_id=dict(type='str', no_log=False),
    access_key_secret=dict(type='str', no_log=True),
    security_token=dict(type='str', no_log=True),
    profile=dict(type='str'),
    shared_credentials_file=dict(type='path'),
    ecs_role_name=dict(type='str'),
    assume_role_arn=dict(type='str'),
    assume_role_session_name=dict(type='str'),
    assume_role_session_expiration=dict(type='int'),
    assume_role_policy=dict(type='str'),
    assume_role_external_id=dict(type='str', no_log=True),
)


@dataclass(frozen=True)
class Scope:
    """One account in one region: where groups are listed and read."""

    account: str
    region: str
    call: object


@dataclass
class Settings:
    """What the task asks, validated before any call."""

    checks: list
    assertions: list
    hygiene: bool
    tolerated: dict | None
    accounts: list  # [(name, credential options or None)]
    regions: list
    filters: dict  # DescribeSecurityGroups parameters that narrow every listing: VpcId, Tag.N


def account_credentials(entry, params):
    """The credential options an element of ``accounts`` replaces.

    An element that names a source of credentials replaces every source option of the task, and the task's role
    too: its own keys, profile or instance role are another identity, which assumes a role only when the element
    says so. A profile named without a file is read from the task's ``shared_credentials_file``. An element that
    names a role replaces the task's role.
    """
    replaced = {}
    if any(entry.get(option) is not None for option in ACCOUNT_SOURCE_OPTIONS):
        replaced.update((option, entry.get(option)) for option in ACCOUNT_SOURCE_OPTIONS)
        if entry.get('profile') is not None and entry.get('shared_credentials_file') is None:
            replaced['shared_credentials_file'] = params.get('shared_credentials_file')
        replaced.update((option, None) for option in ACCOUNT_ROLE_OPTIONS)
        replaced['assume_role'] = None
    if any(entry.get(option) is not None for option in ACCOUNT_ROLE_OPTIONS):
        replaced.update((option, entry.get(option)) for option in ACCOUNT_ROLE_OPTIONS)
        replaced['assume_role'] = None
    return replaced


def tag_filters(tags):
    """Tag.N.Key / Tag.N.Value of DescribeSecurityGroups for the ``tags`` option: a value as the console shows it
    (YAML's true is 'true', not Python's 'True'), and a key without a value (null) matches any value."""
    query = {}
    for index, (key, value) in enumerate(sorted((tags or {}).items(), key=lambda item: str(item[0])), start=1):
        if not text_or_none(key):
            raise RuleError('tags', 'a key is empty; give tag keys and values to select groups by')
        query['Tag.%d.Key' % index] = str(key)
        if value is not None:
            query['Tag.%d.Value' % index] = str(value).lower() if isinstance(value, bool) else str(value)
    if len(tags or {}) > _group_model.MAX_TAGS:
        raise RuleError('tags', '%d tags given; DescribeSecurityGroups filters by at most %d' % (len(tags), _group_model.MAX_TAGS))
    return query


def without_unused_sts_endpoint(params):
    """The options with ``sts_endpoint`` dropped when they assume no role: with ``accounts``, the task's STS endpoint
    serves the accounts that assume a role, and the others have no use for it."""
    if params.get('assume_role_arn') or params.get('assume_role'):
        return params
    return dict(params, sts_endpoint=None)


def parse_settings(params):
    """Settings from the module's options; RuleError names the option at fault."""
    checks = list(dict.fromkeys(params['checks']))
    admin_ports = _audit.parse_ports(params['remote_admin_ports'], 'remote_admin_ports')
    if not admin_ports and 'internet_remote_admin' in checks:
        raise RuleError('remote_admin_ports', 'is empty; give ports such as 23 or 5985-5986, or leave internet_remote_admin out of checks')
    filters = tag_filters(params['tags'])
    tolerated = params['tolerated_prefix_length']
    if tolerated is not None:
        for family, most in (('ipv4', 32), ('ipv6', 128)):
            value = tolerated.get(family)
            if value is not None and not 0 <= value <= most:
                raise RuleError('tolerated_prefix_length.%s' % family, 'must be 0 to %d (got %d)' % (most, value))
    assertions = []
    for kind in ('forbid', 'require'):
        for index, options in enumerate(params[kind] or []):
            assertions.append(_audit.parse_assertion(kind, options, '%s[%d].' % (kind, index)))
    regions = [text_or_none(region) for region in (params['regions'] or [])]
    if any(region is None for region in regions):
        raise RuleError('regions', 'an element is empty; give region IDs such as cn-hangzhou')
    if not regions:
        if not text_or_none(params['region']):
            raise RuleError('region', 'give the region to audit (region, or regions for several)')
        regions = [params['region'].strip()]
    accounts = [(None, None)]
    if params['accounts']:
        accounts, names = [], set()
        for index, entry in enumerate(params['accounts']):
            name = text_or_none(entry['name'])
            if name is None or name in names:
                raise RuleError('accounts[%d].name' % index, 'must be a non-empty name no other element of accounts has')
            names.add(name)
            replaced = account_credentials(entry, params)
            replaced['sts_endpoint'] = without_unused_sts_endpoint(dict(params, **replaced))['sts_endpoint']
            try:
                _credentials.credential_plan(dict(params, **replaced))
            except _credentials.CredentialOptionError as error:
                raise RuleError('accounts[%d] (%s)' % (index, name), str(error)) from None
            accounts.append((name, replaced))
    for option in ('security_group_ids', 'security_group_names'):
        for index, value in enumerate(params[option] or []):
            if not text_or_none(value):
                raise RuleError('%s[%d]' % (option, index), 'is empty; %s' % _groups.EMPTY_OPTION_HINTS[option])
    if params['vpc_id'] is not None and not params['vpc_id'].strip():
        raise RuleError('vpc_id', 'is empty; give a VPC ID or leave vpc_id out')
    if params['vpc_id']:
        filters['VpcId'] = params['vpc_id'].strip()
    concurrency = params['max_concurrency']
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise RuleError('max_concurrency', 'must be 1 (one read at a time) to %d (got %d)' % (MAX_CONCURRENCY, concurrency))
    return Settings(_audit.built_in_checks(checks, admin_ports), assertions, _audit.HYGIENE in checks, tolerated, accounts,
                    list(dict.fromkeys(regions)), filters)


def severity_rank(name):
    return _audit.SEVERITIES.index(name)


def gate_failures(findings, fail_on):
    """The findings that fail the task under ``fail_on``: failed checks at or above the severity."""
    if fail_on == 'none':
        return []
    floor = 0 if fail_on == 'any' else severity_rank(fail_on)
    return [finding for finding in findings if finding['status'] == 'fail' and severity_rank(finding['severity']) >= floor]


def _where(finding):
    account = '%s/' % finding['account'] if finding.get('account') else ''
    name = ' (%s)' % finding['security_group_name'] if finding.get('security_group_name') else ''
    return '%s%s %s%s' % (account, finding['region'], finding['security_group_id'], name)


def unreadable_label(entry):
    """'prefix list pl-x in cn-hangzhou', 'scope prod/cn-shanghai', ..."""
    where = '/'.join(part for part in (entry.get('account'), entry.get('region')) if part)
    if entry['kind'] == 'scope':
        return 'account and region %s' % where
    return '%s %s%s' % (entry['kind'].replace('_', ' '), entry['id'], ' in %s' % where if where else '')


def gate_message(failing, fail_on):
    lines = []
    for finding in failing[:GATE_LINES]:
        cis = ' [CIS %s]' % finding['cis'] if finding.get('cis') else ''
        lines.append('%s: %s%s (%s): %s' % (_where(finding), finding['check'], cis, finding['severity'], finding['message']))
    more = ' ... and %d more (see findings)' % (len(failing) - GATE_LINES) if len(failing) > GATE_LINES else ''
    return 'fail_on=%s: %d finding%s at that severity or above: %s%s' % (
        fail_on, len(failing), '' if len(failing) == 1 else 's', ' | '.join(lines), more)


class ReferencedLists:
    """The entries of each prefix list and port range list, read once per account and region, by the thread that
    audits the groups.

    Not through the pool: the pool's queue holds every group read already, and a list read queued behind them would
    hold up the audit of the group that needs it until all were done.
    """

    def __init__(self):
        self.by_scope = {}

    def get(self, scope, list_id):
        """The list's entries, or the ApiError its read ended with."""
        references = self.by_scope.setdefault(scope, ListReferences(scope.call, scope.region))
        try:
            return references.entries(list_id)
        except ApiError as error:
            return error


class Report:
    """The groups, findings and unreadable resources of the audit, filled one group at a time."""

    def __init__(self):
        self.findings, self.groups, self.unreadable = [], [], []
        self.reported_lists = set()

    def add(self, scope, item, group, read, lists, settings):
        where = dict(account=scope.account, region=scope.region, security_group_id=item.get('SecurityGroupId'),
                     security_group_name=item.get('SecurityGroupName') or None, vpc_id=item.get('VpcId') or None)
        if group is None:
            self.unreadable.append(dict(where, kind='security_group', id=where['security_group_id'], error=read.as_dict()))
            self.groups.append(dict(where, status='unreadable', checks={}, rule_count=None))
            return
        list_ids = sorted(set(list_id for rules in group.rules.values() for _g, rule in rules for list_id in rule.list_ids))
        unresolved = []
        for list_id in list_ids:
            answer = lists.get(scope, list_id)
            if isinstance(answer, list):
                group.list_entries[list_id] = answer
                continue
            unresolved.append(list_id)
            if (scope, list_id) not in self.reported_lists:
                self.reported_lists.add((scope, list_id))
                self.unreadable.append(dict(account=scope.account, region=scope.region, kind=kind_of(list_id).module, id=list_id,
                                            error=answer.as_dict()))
        group.unresolved = tuple(unresolved)
        found, statuses = _audit.audit_group(group, settings.checks, settings.assertions, settings.hygiene, settings.tolerated)
        self.findings.extend(dict(where, **finding) for finding in found)
        status = 'fail' if 'fail' in statuses.values() else 'undetermined' if 'undetermined' in statuses.values() else 'pass'
        self.groups.append(dict(where, status=status, checks=statuses, rule_count=read.total_rule_count,
                                security_group_type=group.context.group_type, inner_access_policy=group.context.inner_access_policy,
                                **list_report(group.list_entries, group.unresolved)))


class SecurityGroupAuditModule(AlicloudEcsModule):

    def check_region(self):
        # With regions, region is not used, and may be blank (ALIBABA_CLOUD_REGION_ID='').
        if not self.module.params['regions']:
            super().check_region()

    def credential_plan(self):
        if self._credential_plan is None and self.module.params['accounts']:
            try:
                self._credential_plan = _credentials.credential_plan(without_unused_sts_endpoint(self.module.params))
            except _credentials.CredentialOptionError as error:
                self.module.fail_json(msg=str(error))
        return super().credential_plan()

    def scopes(self, settings):
        """One Scope per account and region, each with its own client (credentials are fetched on first use)."""
        out = []
        for name, credentials in settings.accounts:
            for region in settings.regions:
                client = self.client_for(region, credentials)
                out.append(Scope(name, region, functools.partial(self.call, client=client, region=region)))
        return out

    def list_scope(self, scope, filters):
        """(the scope's groups, None), or ([], the ApiError) when the scope cannot be listed."""
        try:
            return self.list_groups(scope, filters), None
        except ApiError as error:
            return [], error

    def list_groups(self, scope, filters):
        """The DescribeSecurityGroups entries of the scope's groups the task selects, each once, in listing order."""
        params = self.module.params
        ids = [item.strip() for item in params['security_group_ids'] or []]
        names = [item.strip() for item in params['security_group_names'] or []]
        if not ids and not names:
            return _groups.describe_groups(scope.call, **filters)
        found = {}
        for start in range(0, len(ids), IDS_PER_LIST_CALL):
            chunk = list(dict.fromkeys(ids[start:start + IDS_PER_LIST_CALL]))
            found.update((item.get('SecurityGroupId'), item) for item in
                         _groups.describe_groups(scope.call, SecurityGroupIds=json.dumps(chunk), **filters))
        for name in dict.fromkeys(names):
            found.update((item.get('SecurityGroupId'), item) for item in _groups.describe_groups(scope.call, SecurityGroupName=name, **filters)
                         if item.get('SecurityGroupName') == name)
        return list(found.values())

    def read_group(self, scope, item):
        """(AuditedGroup, None) or (None, the error) for one listed group."""
        group = _group_model.group_from_api(item)
        try:
            read = _groups.read_group_rules(scope.call, group.security_group_id)
        except ApiError as error:
            return None, error
        context = GroupContext(group.security_group_id, group.group_type, read.inner_access_policy)
        rules = dict((direction.name, [(group.security_group_id, rule) for rule in read.rules(direction)]) for direction in (INGRESS, EGRESS))
        # A VPC group's instances have intranet interfaces only; classic network instances have both.
        return _audit.AuditedGroup(context, rules, nic_types=frozenset(('intranet',)) if read.is_vpc else _audit.NIC_UNIVERSE), read

    def run_module(self):
        params = self.module.params
        try:
            settings = parse_settings(params)
        except RuleError as error:
            self.module.fail_json(msg=str(error))
        try:
            scopes = self.scopes(settings)
        except _credentials.CredentialOptionError as error:
            self.module.fail_json(msg=str(error))
        report = Report()
        with ThreadPoolExecutor(max_workers=params['max_concurrency']) as pool:
            listings = list(pool.map(lambda scope: self.list_scope(scope, settings.filters), scopes))
            refused = [(scope, error) for scope, (_items, error) in zip(scopes, listings) if error is not None]
            if len(refused) == len(scopes):
                # Nothing could be listed: most likely the credentials or the region, which the error names.
                raise refused[0][1]
            for scope, error in refused:
                report.unreadable.append(dict(account=scope.account, region=scope.region, kind='scope', id=None, error=error.as_dict()))
                self.module.warn('%s%s: %s; the other accounts and regions were audited' % (
                    '%s/' % scope.account if scope.account else '', scope.region, error.describe()))
            jobs = [(scope, item) for scope, (items, _error) in zip(scopes, listings) for item in items]
            lists = ReferencedLists()
            # Reads come back in order while the pool goes on reading: each group is audited as soon as its read is
            # in, so that the checks' CPU time overlaps the reads still waiting on the network.
            try:
                for (scope, item), (group, read) in zip(jobs, pool.map(lambda job: self.read_group(*job), jobs)):
                    report.add(scope, item, group, read, lists, settings)
            except BaseException:
                # A failure ends the audit: the reads still queued are not worth waiting for.
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        self.finish(settings, scopes, jobs, report)

    def finish(self, settings, scopes, jobs, report):
        params = self.module.params
        findings, groups, unreadable = report.findings, report.groups, report.unreadable
        unreadable.extend(self.not_found(jobs))
        if not groups:
            self.module.warn('no security group was audited: no account and region listed one that the task selects')
        findings.sort(key=lambda finding: (-severity_rank(finding['severity']), finding['account'] or '', finding['region'],
                                           finding['security_group_id'], finding['check']))
        summary = dict(
            groups=len(groups), rules=sum(group['rule_count'] or 0 for group in groups), findings=len(findings),
            failed_groups=sum(1 for group in groups if group['status'] == 'fail'),
            by_severity=dict((name, sum(1 for f in findings if f['severity'] == name and f['status'] == 'fail')) for name in _audit.SEVERITIES),
            by_check=dict((name, sum(1 for f in findings if f['check'] == name)) for name in sorted(set(f['check'] for f in findings))),
            undetermined=sum(1 for finding in findings if finding['status'] == 'undetermined'), unreadable=len(unreadable),
            scopes=[dict(account=scope.account, region=scope.region) for scope in scopes],
        )
        self.result.update(findings=findings, groups=groups, unreadable=unreadable, summary=summary,
                           checks=[check.name for check in settings.checks] + ([_audit.HYGIENE] if settings.hygiene else []))
        failing = gate_failures(findings, params['fail_on'])
        if failing:
            self.module.fail_json(msg=gate_message(failing, params['fail_on']), request_ids=self.request_ids, **self.result)
        if params['fail_on_unreadable'] and (unreadable or summary['undetermined']):
            parts = ['%s: %s' % (unreadable_label(entry), entry['error'].get('code')) for entry in unreadable[:GATE_LINES]]
            if summary['undetermined']:
                parts.append('%d check%s undetermined' % (summary['undetermined'], '' if summary['undetermined'] == 1 else 's'))
            self.module.fail_json(msg='fail_on_unreadable: the audit could not decide everything: %s' % '; '.join(parts),
                                  request_ids=self.request_ids, **self.result)

    def not_found(self, jobs):
        """Unreadable entries for the groups asked for by ID or name that no scope listed."""
        params = self.module.params
        filtered = ' with the vpc_id and tags given' if params['vpc_id'] or params['tags'] else ''
        listed_ids = set(item.get('SecurityGroupId') for _scope, item in jobs)
        listed_names = set(item.get('SecurityGroupName') for _scope, item in jobs)
        entries = []
        for kind, asked, listed in (('security_group', params['security_group_ids'], listed_ids),
                                    ('security_group_name', params['security_group_names'], listed_names)):
            for value in dict.fromkeys(item.strip() for item in asked or []):
                if value not in listed:
                    entries.append(dict(account=None, region=None, kind=kind, id=value, error=dict(
                        code='NotFound', message='no account and region of the audit lists it%s' % filtered, http_status=None,
                        request_id=None, action='DescribeSecurityGroups')))
        return entries


def run_security_group_audit_module(module_class):
    spec = alicloud_argument_spec()
    spec['region'] = dict(spec['region'], required=False)
    spec.update(
        regions=dict(type='list', elements='str'),
        accounts=dict(type='list', elements='dict', options=ACCOUNT_OPTIONS),
        security_group_ids=dict(type='list', elements='str'),
        security_group_names=dict(type='list', elements='str'),
        vpc_id=dict(type='str'),
        tags=dict(type='dict'),
        checks=dict(type='list', elements='str', choices=list(_audit.CHECK_NAMES), default=list(_audit.DEFAULT_CHECKS)),
        remote_admin_ports=dict(type='list', elements='str', default=list(_audit.DEFAULT_REMOTE_ADMIN_PORTS)),
        tolerated_prefix_length=dict(type='dict', options=dict(ipv4=dict(type='int'), ipv6=dict(type='int'))),
        forbid=dict(type='list', elements='dict', options=ASSERTION_OPTIONS),
        require=dict(type='list', elements='dict', options=ASSERTION_OPTIONS),
        fail_on=dict(type='str', default='none', choices=list(FAIL_ON)),
        fail_on_unreadable=dict(type='bool', default=False),
        max_concurrency=dict(type='int', default=DEFAULT_CONCURRENCY),
    )
    module = AlicloudAnsibleModule(argument_spec=spec, supports_check_mode=True)
    module_class(module).execute()
