# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The cases of the conformance probe, and the clean-up of what it creates.

The probe creates its own security groups in the given VPC (names ``alicloud-ecs-conformance-<run>-<role>``,
tag ``alicloud-ecs-test=conformance``), sends the requests the modules send (every action they use, both
directions) and the error cases of the AuthorizeSecurityGroupEgress document, and records each answer's
shape (conformance_shape). Whatever it created is deleted at the end, also when a case fails.

Roles of the groups: ``main`` (rules of both directions, attributes, tags), ``peer`` (the group the
main group's rules name), ``enterprise``, ``classic`` (many regions refuse classic network groups; its
cases are then skipped) and ``limit`` (filled to the 200-rule limit in batches of 100).
"""

from __future__ import annotations

import ipaddress
import itertools
import json
import uuid
from dataclasses import dataclass

from conformance_client import (
    ECS_API_VERSION, MALFORMED_GROUP_ID, MISSING_GROUP_ID, MISSING_PREFIX_LIST_ID, MISSING_RULE_ID, MISSING_VPC_ID, NAME_MARKER,
    PREFIX_LIST_VARIABLE, SECOND_VPC_VARIABLE, TEST_TAG_KEY, TEST_TAG_VALUE, EndpointGone,
)
from conformance_report import MISSING, REPORT_FORMAT

RUN_TAG_KEY = 'alicloud-ecs-conformance-run'
GROUP_DESCRIPTION = 'alicloud.ecs conformance probe; deleted at the end of its run'
RULE_LIMIT = 200
BATCH_SIZE = 100
# A listing that pages on beyond this is broken; the probe stops following it.
MAX_PAGES = 40
# A read that a write should have changed is repeated this often on a real account before it counts.
SETTLE_ATTEMPTS = 5
SETTLE_DELAY = 2.0
LISTING_DELAY = 1.0


@dataclass(frozen=True)
class Direction:
    """The API names of one direction: its actions and which parameters are the peer and the local side."""

    name: str
    authorize: str
    revoke: str
    modify: str
    peer_cidr: str
    peer_ipv6_cidr: str
    peer_group: str
    peer_prefix_list: str
    local_cidr: str
    local_ipv6_cidr: str

    def wire(self, role):
        return dict(protocol='IpProtocol', ports='PortRange', source_ports='SourcePortRange', policy='Policy', priority='Priority',
                    nic='NicType', description='Description', peer=self.peer_cidr, peer6=self.peer_ipv6_cidr, group=self.peer_group,
                    prefix_list=self.peer_prefix_list, local=self.local_cidr, local6=self.local_ipv6_cidr)[role]


INGRESS = Direction('ingress', 'AuthorizeSecurityGroup', 'RevokeSecurityGroup', 'ModifySecurityGroupRule',
                    'SourceCidrIp', 'Ipv6SourceCidrIp', 'SourceGroupId', 'SourcePrefixListId', 'DestCidrIp', 'Ipv6DestCidrIp')
EGRESS = Direction('egress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupEgress', 'ModifySecurityGroupEgressRule',
                   'DestCidrIp', 'Ipv6DestCidrIp', 'DestGroupId', 'DestPrefixListId', 'SourceCidrIp', 'Ipv6SourceCidrIp')

# Placeholders in rules, replaced by the run's ids when the request is sent.
SELF, PEER, OTHER_VPC_PEER, PREFIX_LIST = '<self>', '<peer>', '<other-vpc-peer>', '<prefix-list>'

# What the modules send for a rule (every field explicit, lower case); cases change one thing at a time.
BASE_RULE = dict(protocol='tcp', ports='10000/10000', peer='10.30.0.0/16', policy='accept', priority='1', nic='intranet')

# The rules of the first batch, as the modules would send them: one of each protocol and peer kind.
MODULE_BATCH = (
    dict(ports='22/22', peer='10.0.0.0/8', description='ssh from the office network'),
    dict(protocol='udp', ports='53/53', peer='10.0.0.1/32', priority='10'),
    dict(protocol='icmp', ports='-1/-1', peer='0.0.0.0/0', policy='drop', priority='100'),
    dict(protocol='all', ports='-1/-1', peer=None, peer6='2001:db8::/32', priority='50'),
    dict(ports='8000/8100', source_ports='1024/65535', local='192.168.1.0/24', peer='172.16.0.0/12'),
    dict(ports='5432/5432', peer=None, group=PEER),
    dict(protocol='gre', ports='-1/-1', peer='10.1.0.0/16'),
    dict(protocol='icmpv6', ports='-1/-1', peer=None, peer6='::/0'),
)

# (case, change to BASE_RULE): the rule errors of the AuthorizeSecurityGroupEgress document, mirrored for ingress.
RULE_ERRORS = (
    ('protocol-unknown', dict(protocol='xyz')),
    ('protocol-missing', dict(protocol=None)),
    ('protocol-as-number', dict(protocol='6')),
    ('port-range-missing', dict(ports=None)),
    ('port-range-single-port', dict(ports='80')),
    ('port-range-from-0', dict(ports='0/80')),
    ('port-range-above-65535', dict(ports='1/65536')),
    ('port-range-reversed', dict(ports='90/80')),
    ('port-range-any-with-tcp', dict(ports='-1/-1')),
    ('port-range-with-icmp', dict(protocol='icmp', ports='80/80')),
    ('port-range-with-all', dict(protocol='all', ports='1/65535')),
    ('source-port-range-malformed', dict(source_ports='1024-65535')),
    ('policy-allow', dict(policy='allow')),
    ('policy-reject', dict(policy='reject')),
    ('priority-0', dict(priority='0')),
    ('priority-101', dict(priority='101')),
    ('priority-not-a-number', dict(priority='high')),
    ('nic-type-unknown', dict(nic='wan')),
    ('peer-missing', dict(peer=None)),
    ('peer-cidr-octet-256', dict(peer='10.0.0.256/24')),
    ('peer-cidr-prefix-33', dict(peer='10.0.0.0/33')),
    ('peer-cidr-netmask', dict(peer='10.0.0.0/255.0.0.0')),
    ('peer-cidr-leading-zero', dict(peer='010.0.0.0/8')),
    ('peer-ipv4-and-ipv6', dict(peer6='2001:db8::/32')),
    ('peer-ipv6-malformed', dict(peer=None, peer6='2001:db8::zz/64')),
    ('peer-ipv6-prefix-129', dict(peer=None, peer6='2001:db8::/129')),
    ('local-cidr-malformed', dict(local='192.168.1.0/40')),
    ('local-cidr-equals-peer', dict(local='10.30.0.0/16')),
    ('local-ipv6-with-ipv4-peer', dict(local6='2001:db8:1::/48')),
    ('icmp-with-ipv6-peer', dict(protocol='icmp', ports='-1/-1', peer=None, peer6='2001:db8::/32')),
    ('icmpv6-with-ipv4-peer', dict(protocol='icmpv6', ports='-1/-1')),
    ('peer-group-missing', dict(peer=None, group=MISSING_GROUP_ID)),
    ('peer-group-malformed', dict(peer=None, group=MALFORMED_GROUP_ID)),
    ('peer-group-is-the-group-itself', dict(peer=None, group=SELF)),
    ('peer-group-with-nic-type-internet', dict(peer=None, group=PEER, nic='internet')),
    ('peer-prefix-list-missing', dict(peer=None, prefix_list=MISSING_PREFIX_LIST_ID)),
    ('description-513-characters', dict(description='d' * 513)),
)

# (case, change to BASE_RULE, port): accepted spellings whose stored form the probe reads back.
STORED_FORMS = (
    ('address-without-mask', dict(peer='10.0.0.2'), 10003),
    ('upper-case-values', dict(protocol='TCP', policy='Accept', nic='Intranet'), 10004),
    ('nic-type-internet-on-vpc-group', dict(nic='internet'), 10005),
    ('ipv6-address-without-prefix', dict(peer=None, peer6='2001:db8::1'), 10006),
    ('ipv6-uncompressed', dict(peer=None, peer6='2001:0db8:0000:0000:0000:0000:0000:0000/32'), 10007),
    ('peer-cidr-with-host-bits', dict(peer='10.0.0.1/8'), 10008),
    ('source-port-range-any', dict(source_ports='-1/-1'), 10009),
)


def rule_fields(direction, **changes):
    """The wire fields of BASE_RULE with ``changes`` (a None value leaves the field out)."""
    roles = dict(BASE_RULE, **changes)
    return dict((direction.wire(role), value) for role, value in roles.items() if value is not None)


def permissions(rules):
    """Permissions.N.* parameters, N from 1, as the modules batch rules."""
    query = {}
    for index, fields in enumerate(rules, start=1):
        for name, value in fields.items():
            query['Permissions.%d.%s' % (index, name)] = value
    return query


def filler_rules(direction, count, first_port, cidr):
    """``count`` distinct TCP rules on consecutive ports, for the limit and batch-size cases."""
    return [rule_fields(direction, ports='%d/%d' % (port, port), peer=cidr) for port in range(first_port, first_port + count)]


def rule_permissions(body):
    return ((body.get('Permissions') or {}).get('Permission')) or []


def group_entries(body):
    return ((body.get('SecurityGroups') or {}).get('SecurityGroup')) or []


def cidr_form(value):
    """The kind of a CIDR, for values that belong to an account (a prefix list's entries)."""
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return '<not a CIDR>'
    return '<ipv%d-%s>' % (network.version, 'cidr' if '/' in value else 'address')


class Probe:
    """Runs the cases in a fixed order against one endpoint and collects their records."""

    def __init__(self, client, settings, run_id, shape):
        self.client = client
        self.settings = settings
        self.run_id = run_id
        self.shape = shape
        self.groups = {}
        self.cases = []
        self.left_behind = []
        self.prefix_list_usable = False
        self.prefix_list_note = 'not given (%s)' % PREFIX_LIST_VARIABLE
        self._token_numbers = itertools.count(1)
        self._names = set()

    # --- running ---------------------------------------------------------------------------------

    def run(self):
        """Every section in order; whatever was created is deleted, whatever happened."""
        try:
            for section in (self.preflight, self.create_groups, self.describe_groups, self.read_group_attribute, self.read_prefix_list,
                            self.modify_group, self.tag_group, self.rules_of_ingress, self.rules_of_egress, self.read_rules_as_modules_do,
                            self.enterprise_group, self.classic_group, self.rule_limit, self.delete_group_cases):
                section()
        finally:
            try:
                self.left_behind = delete_groups(self.client, self.client.own_groups.ids, patient=not self.settings.is_loopback)
            except EndpointGone:
                self.left_behind = [(group_id, 'ConnectionError') for group_id in self.client.own_groups.ids]
        second_vpc = 'given' if self.settings.second_vpc_id else 'not given (%s)' % SECOND_VPC_VARIABLE
        return dict(format=REPORT_FORMAT, api_version=ECS_API_VERSION, target='loopback' if self.settings.is_loopback else 'cloud',
                    inputs=dict(prefix_list=self.prefix_list_note, second_vpc=second_vpc), cases=self.cases)

    def token(self):
        return 'conformance-%s-%03d' % (self.run_id, next(self._token_numbers))

    def resolve(self, query):
        """The request with the placeholders replaced by this run's ids."""
        replacements = {SELF: self.groups.get('main'), PEER: self.groups.get('peer'), OTHER_VPC_PEER: self.groups.get('other-vpc'),
                        PREFIX_LIST: self.settings.prefix_list_id}
        resolved = {}
        for name, value in query.items():
            resolved[name] = replacements.get(value) or value if value in replacements else value
        return resolved

    def _claim(self, name):
        if name in self._names:
            raise ValueError('two cases are named %s' % name)
        self._names.add(name)

    def record(self, name, action, query, exchange, answer, observed=None):
        self._claim(name)
        entry = dict(name=name, action=action, request=self.shape.request(query), status=exchange.status, code=exchange.code, answer=answer)
        if observed is not None:
            entry['observed'] = self.shape.observation(observed)
        self.cases.append(entry)

    def case(self, name, action, query, observe=None, answer=None, on_answer=None, settle=None):
        """Send one request and record it.

        ``on_answer(exchange)`` runs before anything is shaped (it names new ids), ``answer(exchange)``
        replaces the default shape of the body, ``observe(exchange)`` adds what the probe reads back.
        ``settle(exchange)`` says whether a read shows what earlier writes did; on a real account an
        unsettled read is repeated a few times, since listings may lag behind writes.
        """
        query = self.resolve(query)
        exchange = self.client.call(action, query)
        if settle is not None and not self.settings.is_loopback:
            for _attempt in range(SETTLE_ATTEMPTS):
                if settle(exchange):
                    break
                self.client.sleep(SETTLE_DELAY)
                exchange = self.client.call(action, query)
        if on_answer is not None:
            on_answer(exchange)
        shaped = answer(exchange) if answer is not None else self.shape.answer(exchange.body)
        self.record(name, action, query, exchange, shaped, observe(exchange) if observe is not None else None)
        return exchange

    def skip(self, name, action, reason):
        self._claim(name)
        self.cases.append(dict(name=name, action=action, skipped=reason))

    def missing(self, *roles):
        """Why cases that need these groups cannot run, or None."""
        absent = [role for role in roles if role not in self.groups]
        return 'needs the %s group, which was not created' % ' and '.join(absent) if absent else None

    # --- reading back ----------------------------------------------------------------------------

    def read_rules(self, group_id, direction='all', nic_type='intranet'):
        """Every Permission of a group (all pages), or None when a read fails."""
        query = dict(SecurityGroupId=group_id, Direction=direction, NicType=nic_type, MaxResults='1000')
        found = []
        for _page in range(MAX_PAGES):
            exchange = self.client.call('DescribeSecurityGroupAttribute', query)
            if not exchange.ok:
                return None
            found.extend(rule_permissions(exchange.body))
            if not exchange.body.get('NextToken'):
                return found
            query = dict(query, NextToken=exchange.body['NextToken'])
        return None

    def count_rules(self, direction, role='main'):
        rules = self.read_rules(self.groups[role], direction.name)
        return None if rules is None else len(rules)

    def count_change_since(self, direction, before, role='main'):
        after = self.count_rules(direction, role)
        return None if before is None or after is None else after - before

    def stored(self, direction, port_range, role='main'):
        """The rules of a direction on ``port_range`` as the backend lists them (a list: none, one or more)."""
        rules = self.read_rules(self.groups[role], direction.name)
        if rules is None:
            return 'the read failed'
        return self.shape.answer([rule for rule in rules if rule.get('PortRange') == port_range])

    def let_listings_settle(self):
        """On a real account, a short wait before a listing that shows group attributes or tags right after a write:
        those are indexed apart from the group and may lag (the emulator answers from one transaction)."""
        if not self.settings.is_loopback:
            self.client.sleep(LISTING_DELAY)

    def group_entry(self, role):
        """The group's DescribeSecurityGroups entry, or None."""
        self.let_listings_settle()
        exchange = self.client.call('DescribeSecurityGroups', dict(SecurityGroupIds=json.dumps([self.groups[role]]), MaxResults='100'))
        entries = group_entries(exchange.body) if exchange.ok else []
        return entries[0] if entries else None

    def tags_of(self, role):
        entry = self.group_entry(role)
        if entry is None:
            return 'the read failed'
        return dict((tag.get('TagKey'), tag.get('TagValue', MISSING)) for tag in ((entry.get('Tags') or {}).get('Tag') or []))

    def inner_access_policy(self, role):
        exchange = self.client.call('DescribeSecurityGroupAttribute', dict(SecurityGroupId=self.groups[role], Direction='all', MaxResults='1000'))
        return exchange.body.get('InnerAccessPolicy', MISSING) if exchange.ok else 'the read failed: %s' % exchange.code

    def exists(self, group_id):
        exchange = self.client.call('DescribeSecurityGroupAttribute', dict(SecurityGroupId=group_id, Direction='all', MaxResults='1000'))
        return exchange.ok

    def paging_case(self, name, action, query, list_of, id_field, settle_total=None):
        """Follow NextToken through every page; record per page the status, code, item count and token form.

        With ``settle_total``, a real account's listing that does not (yet) hold that many items is walked again.
        """
        query = self.resolve(query)

        def walk():
            pages, ids, first = [], [], None
            page_query = dict(query)
            for _page in range(MAX_PAGES):
                exchange = self.client.call(action, page_query)
                first = first or exchange
                items = list_of(exchange.body) if exchange.ok else []
                ids.extend(item.get(id_field) for item in items)
                pages.append(dict(status=exchange.status, code=exchange.code, items=len(items), NextToken=exchange.body.get('NextToken', MISSING)))
                token = exchange.body.get('NextToken') if exchange.ok else None
                if not token:
                    break
                page_query = dict(query, NextToken=token)
            return pages, ids, first

        pages, ids, first = walk()
        if settle_total is not None and not self.settings.is_loopback:
            for _attempt in range(SETTLE_ATTEMPTS):
                if len(ids) == settle_total:
                    break
                self.client.sleep(SETTLE_DELAY)
                pages, ids, first = walk()
        shaped_pages = [dict((key, self.shape.value(value, key)) for key, value in page.items()) for page in pages]
        answer = dict(pages=shaped_pages, fields_of_the_first_page=sorted(first.body))
        self.record(name, action, query, first, answer, dict(items=len(ids), distinct_ids=len(set(ids))))
        return ids

    def permission_count_answer(self, exchange):
        """A long listing by its fields and its number of rules (the rules themselves are in other cases)."""
        body = dict(exchange.body)
        if 'Permissions' in body:
            body['Permissions'] = '%d rules' % len(rule_permissions(exchange.body))
        return self.shape.answer(body)

    # --- groups ----------------------------------------------------------------------------------

    def group_name(self, role):
        return '%s%s-%s' % (NAME_MARKER, self.run_id, role)

    def group_query(self, role, **changes):
        """CreateSecurityGroup as the security_group module sends it, always with the probe's tag."""
        query = {'SecurityGroupName': self.group_name(role), 'Description': GROUP_DESCRIPTION, 'VpcId': self.settings.vpc_id,
                 'Tag.1.Key': TEST_TAG_KEY, 'Tag.1.Value': TEST_TAG_VALUE, 'Tag.2.Key': RUN_TAG_KEY, 'Tag.2.Value': self.run_id,
                 'ClientToken': self.token()}
        query.update(changes)
        return dict((name, value) for name, value in query.items() if value is not None)

    def adopt(self, role):
        """on_answer for CreateSecurityGroup: own and name the group it answers with (a known one stays as it is)."""
        def register(exchange):
            group_id = exchange.body.get('SecurityGroupId') if exchange.ok else None
            if not group_id:
                return
            self.client.own_groups.add(group_id)
            if self.shape.form_of(group_id) is None:
                self.groups[role] = group_id
                self.shape.name(group_id, '<sg:%s>' % role)
        return register

    def preflight(self):
        """The decoy group id must name no group: the error cases write to it."""
        missing_query = dict(SecurityGroupIds=json.dumps([MISSING_GROUP_ID]), MaxResults='100')
        listed = self.case('preflight.describe-groups.missing-id', 'DescribeSecurityGroups', missing_query)
        read = self.case('preflight.describe-attribute.missing-group', 'DescribeSecurityGroupAttribute',
                         dict(SecurityGroupId=MISSING_GROUP_ID, Direction='all', MaxResults='1000'))
        if group_entries(listed.body) or read.ok:
            raise RuntimeError('the decoy id %s names a security group of this account: the probe stops' % MISSING_GROUP_ID)

    def create_groups(self):
        main_query = self.group_query('main')
        first = self.case('group.create', 'CreateSecurityGroup', main_query, on_answer=self.adopt('main'))
        if 'main' in self.groups:
            def same_as_first(exchange):
                return dict(same_group_as_first_call=exchange.body.get('SecurityGroupId') == self.groups['main'],
                            same_request_id_as_first_call=exchange.body.get('RequestId') == first.body.get('RequestId'))
            self.case('group.create.replay-client-token', 'CreateSecurityGroup', main_query, on_answer=self.adopt('main-replayed'),
                      observe=same_as_first)
            self.case('group.create.client-token-reused-with-other-name', 'CreateSecurityGroup',
                      dict(main_query, SecurityGroupName=self.group_name('main-other-name')), on_answer=self.adopt('main-other-name'),
                      observe=same_as_first)
        else:
            for name in ('group.create.replay-client-token', 'group.create.client-token-reused-with-other-name'):
                self.skip(name, 'CreateSecurityGroup', self.missing('main'))
        self.case('group.create.peer', 'CreateSecurityGroup', self.group_query('peer'), on_answer=self.adopt('peer'))
        self.case('group.create.enterprise', 'CreateSecurityGroup', self.group_query('enterprise', SecurityGroupType='enterprise'),
                  on_answer=self.adopt('enterprise'))
        self.case('group.create.classic-network', 'CreateSecurityGroup', self.group_query('classic', VpcId=None), on_answer=self.adopt('classic'))
        self.case('group.create.limit', 'CreateSecurityGroup', self.group_query('limit'), on_answer=self.adopt('limit'))
        if self.settings.second_vpc_id:
            self.case('group.create.other-vpc', 'CreateSecurityGroup', self.group_query('other-vpc', VpcId=self.settings.second_vpc_id),
                      on_answer=self.adopt('other-vpc'))
        else:
            self.skip('group.create.other-vpc', 'CreateSecurityGroup', 'no second VPC given (%s)' % SECOND_VPC_VARIABLE)
        too_many_tags = dict(('Tag.%d.%s' % (index, part), 'probe-tag-%d' % index) for index in range(3, 22) for part in ('Key', 'Value'))
        refused = (
            ('name-starting-with-digit', dict(SecurityGroupName='1' + self.group_name('bad'))),
            ('name-starting-with-http', dict(SecurityGroupName='http://' + self.group_name('bad'))),
            ('name-129-characters', dict(SecurityGroupName=self.group_name('bad').ljust(129, 'x'))),
            ('description-starting-with-http', dict(Description='http://example.com/conformance')),
            ('tag-key-starting-with-aliyun', {'Tag.3.Key': 'aliyun-conformance', 'Tag.3.Value': 'x'}),
            ('tag-key-starting-with-acs', {'Tag.3.Key': 'acs:conformance', 'Tag.3.Value': 'x'}),
            ('tag-key-twice', {'Tag.3.Key': RUN_TAG_KEY, 'Tag.3.Value': 'again'}),
            ('21-tags', too_many_tags),
            ('vpc-missing', dict(VpcId=MISSING_VPC_ID)),
            ('type-unknown', dict(SecurityGroupType='advanced')),
        )
        for suffix, changes in refused:
            self.case('group.create.' + suffix, 'CreateSecurityGroup', self.group_query('bad', **changes), on_answer=self.adopt('unexpected-' + suffix))

    def describe_groups(self):
        ids = [group_id for role, group_id in self.groups.items() if not role.startswith('unexpected-')]
        self.case('groups.describe.by-ids', 'DescribeSecurityGroups', dict(SecurityGroupIds=json.dumps(ids), MaxResults='100'),
                  settle=lambda exchange: len(group_entries(exchange.body)) == len(ids))
        if 'main' in self.groups:
            self.case('groups.describe.by-name-and-vpc', 'DescribeSecurityGroups',
                      dict(SecurityGroupName=self.group_name('main'), VpcId=self.settings.vpc_id, MaxResults='100'),
                      settle=lambda exchange: len(group_entries(exchange.body)) == 1)
        else:
            self.skip('groups.describe.by-name-and-vpc', 'DescribeSecurityGroups', self.missing('main'))
        run_tag = {'Tag.1.Key': RUN_TAG_KEY, 'Tag.1.Value': self.run_id, 'MaxResults': '100'}
        self.case('groups.describe.by-run-tag', 'DescribeSecurityGroups', run_tag,
                  answer=lambda exchange: self.shape.answer(dict(exchange.body, SecurityGroups='%d groups' % len(group_entries(exchange.body)))),
                  settle=lambda exchange: len(group_entries(exchange.body)) >= len(ids))
        self.paging_case('groups.describe.paging-max-results-2', 'DescribeSecurityGroups', dict(SecurityGroupIds=json.dumps(ids), MaxResults='2'),
                         group_entries, 'SecurityGroupId', settle_total=len(ids))
        self.case('groups.describe.max-results-101', 'DescribeSecurityGroups', dict(SecurityGroupIds=json.dumps(ids), MaxResults='101'))

    def read_group_attribute(self):
        reason = self.missing('main')
        names = ('group.describe-attribute.new-group', 'group.describe-attribute.malformed-group-id', 'group.describe-attribute.direction-unknown',
                 'group.describe-attribute.max-results-9', 'group.describe-attribute.max-results-1001', 'group.describe-attribute.next-token-unknown')
        if reason:
            for name in names:
                self.skip(name, 'DescribeSecurityGroupAttribute', reason)
            return
        read = dict(SecurityGroupId=SELF, Direction='all', NicType='intranet', MaxResults='1000')
        for name, changes in zip(names, ({}, dict(SecurityGroupId=MALFORMED_GROUP_ID), dict(Direction='sideways'), dict(MaxResults='9'),
                                         dict(MaxResults='1001'), dict(NextToken='conformance-not-a-token'))):
            # A new group may take a moment to be readable on a real account.
            self.case(name, 'DescribeSecurityGroupAttribute', dict(read, **changes), settle=(lambda exchange: exchange.ok) if not changes else None)

    def read_prefix_list(self):
        if self.settings.prefix_list_id:
            exchange = self.case('prefix-list.describe', 'DescribePrefixListAttributes', dict(PrefixListId=PREFIX_LIST), answer=self.prefix_list_answer)
            self.prefix_list_usable = exchange.ok and exchange.body.get('AddressFamily') == 'IPv4'
            self.prefix_list_note = 'given, IPv4' if self.prefix_list_usable else 'given, not usable: %s' % (
                exchange.code or 'address family %s, not IPv4' % exchange.body.get('AddressFamily'))
        else:
            self.skip('prefix-list.describe', 'DescribePrefixListAttributes', 'no prefix list given (%s)' % PREFIX_LIST_VARIABLE)
        self.case('prefix-list.describe.missing', 'DescribePrefixListAttributes', dict(PrefixListId=MISSING_PREFIX_LIST_ID))

    def prefix_list_answer(self, exchange):
        """A prefix list belongs to the account: its name, description, sizes and entries become forms."""
        if not exchange.ok:
            return self.shape.answer(exchange.body)
        body = dict(exchange.body)
        self.shape.name(body.get('PrefixListName'), '<prefix-list-name>')
        for field, value in list(body.items()):
            if field == 'Description' and value:
                body[field] = '<text>'
            elif isinstance(value, int) and not isinstance(value, bool):
                body[field] = '<number>'
        entries = ((body.get('Entries') or {}).get('Entry')) or []
        forms = [dict(Cidr=cidr_form(entry.get('Cidr', '')), Description='<text>' if entry.get('Description') else entry.get('Description', MISSING))
                 for entry in entries]
        body['Entries'] = dict(Entry=[json.loads(text) for text in sorted(set(json.dumps(form, sort_keys=True) for form in forms))])
        return self.shape.answer(body)

    def modify_group(self):
        modify_names = ('group.modify-attribute', 'group.modify-attribute.name-starting-with-digit',
                        'group.modify-attribute.description-starting-with-http', 'group.modify-attribute.missing-group')
        policy_names = ('group.modify-policy.drop', 'group.modify-policy.accept-lower-case', 'group.modify-policy.unknown-value',
                        'group.modify-policy.missing-group')
        reason = self.missing('main')
        if reason:
            for name in modify_names:
                self.skip(name, 'ModifySecurityGroupAttribute', reason)
            for name in policy_names:
                self.skip(name, 'ModifySecurityGroupPolicy', reason)
            return

        def name_and_description(_exchange):
            entry = self.group_entry('main') or {}
            return dict(SecurityGroupName=entry.get('SecurityGroupName', MISSING), Description=entry.get('Description', MISSING))

        base = dict(SecurityGroupId=SELF)
        for name, changes in zip(modify_names, (
                dict(SecurityGroupName=self.group_name('main-renamed'), Description='renamed by the alicloud.ecs conformance probe'),
                dict(SecurityGroupName='1' + self.group_name('main')),
                dict(Description='http://example.com/conformance'),
                dict(SecurityGroupId=MISSING_GROUP_ID, Description='renamed by the alicloud.ecs conformance probe'))):
            self.case(name, 'ModifySecurityGroupAttribute', dict(base, ClientToken=self.token(), **changes), observe=name_and_description)
        for name, changes in zip(policy_names, (dict(InnerAccessPolicy='Drop'), dict(InnerAccessPolicy='accept'), dict(InnerAccessPolicy='Deny'),
                                                dict(SecurityGroupId=MISSING_GROUP_ID, InnerAccessPolicy='Drop'))):
            self.case(name, 'ModifySecurityGroupPolicy', dict(base, ClientToken=self.token(), **changes),
                      observe=lambda _exchange: dict(InnerAccessPolicy=self.inner_access_policy('main')))

    def tag_group(self):
        cases = (
            ('tags.tag-resources', 'TagResources', {'Tag.1.Key': 'probe-env', 'Tag.1.Value': 'test', 'Tag.2.Key': 'probe-team', 'Tag.2.Value': 'platform'}),
            ('tags.tag-resources.new-value', 'TagResources', {'Tag.1.Key': 'probe-env', 'Tag.1.Value': 'staging'}),
            ('tags.tag-resources.empty-value', 'TagResources', {'Tag.1.Key': 'probe-empty', 'Tag.1.Value': ''}),
            ('tags.untag-resources', 'UntagResources', {'TagKey.1': 'probe-team'}),
            ('tags.untag-resources.absent-key', 'UntagResources', {'TagKey.1': 'probe-never-set'}),
            ('tags.tag-resources.key-starting-with-aliyun', 'TagResources', {'Tag.1.Key': 'aliyun-probe', 'Tag.1.Value': 'x'}),
            ('tags.tag-resources.missing-group', 'TagResources', {'ResourceId.1': MISSING_GROUP_ID, 'Tag.1.Key': 'probe-env', 'Tag.1.Value': 'x'}),
            ('tags.tag-resources.resource-type-unknown', 'TagResources', {'ResourceType': 'securitygroups', 'Tag.1.Key': 'probe-env', 'Tag.1.Value': 'x'}),
            # The group has 4 tags by now (2 of the probe, probe-env, probe-empty): 17 more make 21.
            ('tags.tag-resources.beyond-20-on-the-group', 'TagResources',
             dict(('Tag.%d.%s' % (index, part), 'probe-extra-%d' % index) for index in range(1, 18) for part in ('Key', 'Value'))),
        )
        reason = self.missing('main')
        for name, action, changes in cases:
            if reason:
                self.skip(name, action, reason)
                continue
            query = dict({'ResourceType': 'securitygroup', 'ResourceId.1': SELF, 'ClientToken': self.token()}, **changes)
            self.case(name, action, query, observe=lambda _exchange: dict(tags=self.tags_of('main')))

    # --- rules -----------------------------------------------------------------------------------

    def rules_of_ingress(self):
        self.rules_of(INGRESS)

    def rules_of_egress(self):
        self.rules_of(EGRESS)

    def rules_of(self, direction):
        """Authorize, read, modify and revoke rules of one direction of the main group, then its error cases."""
        prefix = direction.name + '.'
        reason = self.missing('main', 'peer')
        if reason:
            for name in self.rule_case_names(direction):
                self.skip(name, direction.authorize, reason)
            return
        batch = permissions([rule_fields(direction, **rule) for rule in MODULE_BATCH])
        batch_query = dict(batch, SecurityGroupId=SELF, ClientToken=self.token())
        first = self.case(prefix + 'authorize.module-batch', direction.authorize, batch_query,
                          observe=lambda _exchange: dict(rules=self.count_rules(direction)))
        self.case(prefix + 'describe.after-module-batch', 'DescribeSecurityGroupAttribute',
                  dict(SecurityGroupId=SELF, Direction=direction.name, NicType='intranet', MaxResults='1000'))
        before = self.count_rules(direction)
        self.case(prefix + 'authorize.replay-client-token', direction.authorize, batch_query,
                  observe=lambda exchange: dict(rule_count_change=self.count_change_since(direction, before),
                                                same_request_id_as_first_call=exchange.body.get('RequestId') == first.body.get('RequestId')))
        self.rule_case(direction, 'authorize.client-token-reused-for-other-rule',
                       dict(permissions([rule_fields(direction, ports='10001/10001')]), ClientToken=batch_query['ClientToken']))
        office_ssh = rule_fields(direction, **MODULE_BATCH[0])
        self.rule_case(direction, 'authorize.existing-rule', permissions([office_ssh]))
        self.rule_case(direction, 'authorize.existing-rule-other-description',
                       permissions([dict(office_ssh, Description='another description')]), stored_ports='22/22')
        self.rule_case(direction, 'authorize.same-rule-twice-in-one-call',
                       permissions([rule_fields(direction, ports='10002/10002')] * 2), stored_ports='10002/10002')
        for name, changes, port in STORED_FORMS:
            ports = '%d/%d' % (port, port)
            self.rule_case(direction, 'authorize.' + name, permissions([rule_fields(direction, ports=ports, **changes)]), stored_ports=ports)
        without_defaults = rule_fields(direction, ports='10010/10010', policy=None, priority=None, nic=None)
        self.rule_case(direction, 'authorize.defaults-left-out', permissions([without_defaults]), stored_ports='10010/10010')
        self.rule_case(direction, 'authorize.top-level-fields', rule_fields(direction, ports='10011/10011'), stored_ports='10011/10011')
        prefix_list_cases = (('authorize.prefix-list', dict(ports='443/443', peer=None, prefix_list=PREFIX_LIST)),
                             ('authorize.prefix-list-with-ipv6-local-range',
                              dict(ports='444/444', peer=None, prefix_list=PREFIX_LIST, local6='2001:db8:1::/48')))
        for name, changes in prefix_list_cases:
            if self.prefix_list_usable:
                self.rule_case(direction, name, permissions([rule_fields(direction, **changes)]), stored_ports=changes['ports'])
            else:
                self.skip(prefix + name, direction.authorize, 'the prefix list is %s' % self.prefix_list_note)
        for name, changes in RULE_ERRORS:
            self.rule_case(direction, 'authorize.' + name, permissions([rule_fields(direction, **changes)]), count=False)
        self.rule_case(direction, 'authorize.group-missing', dict(permissions([office_ssh]), SecurityGroupId=MISSING_GROUP_ID), count=False)
        self.rule_case(direction, 'authorize.group-id-malformed', dict(permissions([office_ssh]), SecurityGroupId=MALFORMED_GROUP_ID), count=False)
        self.rule_case(direction, 'authorize.client-token-65-characters',
                       dict(permissions([rule_fields(direction, ports='10012/10012')]), ClientToken=('conformance-%s-' % self.run_id).ljust(65, 'x')))
        if 'other-vpc' in self.groups:
            self.rule_case(direction, 'authorize.peer-group-in-another-vpc', permissions([rule_fields(direction, peer=None, group=OTHER_VPC_PEER)]),
                           count=False)
        else:
            self.skip(prefix + 'authorize.peer-group-in-another-vpc', direction.authorize,
                      self.missing('other-vpc') if self.settings.second_vpc_id else 'no second VPC given (%s)' % SECOND_VPC_VARIABLE)
        self.rule_case(direction, 'authorize.batch-with-one-bad-rule', permissions(
            [rule_fields(direction, ports='10013/10013'), rule_fields(direction, protocol='xyz'), rule_fields(direction, ports='10014/10014')]))
        self.modify_and_revoke(direction)

    def rule_case(self, direction, name, query, count=True, stored_ports=None):
        """One Authorize of the main group's ``direction``; observes how many rules it added and how they are stored."""
        query = dict(dict(SecurityGroupId=SELF, ClientToken=self.token()), **query)
        before = self.count_rules(direction) if count else None

        def observe(_exchange):
            observed = {}
            if count:
                observed['rule_count_change'] = self.count_change_since(direction, before)
            if stored_ports:
                observed['stored'] = self.stored(direction, stored_ports)
            return observed or None
        self.case(direction.name + '.' + name, direction.authorize, query, observe=observe if (count or stored_ports) else None)

    def modify_and_revoke(self, direction):
        prefix = direction.name + '.'
        rules = self.read_rules(self.groups['main'], direction.name) or []

        def rule_id(port_range, protocol='tcp'):
            found = [rule.get('SecurityGroupRuleId') for rule in rules
                     if rule.get('PortRange') == port_range and str(rule.get('IpProtocol', '')).lower() == protocol]
            return found[0] if found else MISSING_RULE_ID

        ssh_rule = rule_id('22/22')

        def stored_ssh(_exchange):
            return dict(stored=self.stored(direction, '22/22'))

        self.case(prefix + 'modify.description', direction.modify,
                  dict(SecurityGroupId=SELF, SecurityGroupRuleId=ssh_rule, Description='changed by the probe', ClientToken=self.token()),
                  observe=stored_ssh)
        self.case(prefix + 'modify.empty-description', direction.modify,
                  dict(SecurityGroupId=SELF, SecurityGroupRuleId=ssh_rule, Description='', ClientToken=self.token()), observe=stored_ssh)
        self.case(prefix + 'modify.rule-missing', direction.modify,
                  dict(SecurityGroupId=SELF, SecurityGroupRuleId=MISSING_RULE_ID, Description='changed by the probe', ClientToken=self.token()))
        by_ids = {'SecurityGroupRuleId.1': rule_id('53/53', 'udp'), 'SecurityGroupRuleId.2': rule_id('-1/-1', 'icmp')}
        for name, query in (('revoke.by-ids', by_ids), ('revoke.by-ids-again', by_ids),
                            ('revoke.rule-missing', {'SecurityGroupRuleId.1': MISSING_RULE_ID}),
                            ('revoke.by-fields', rule_fields(direction, **MODULE_BATCH[6])),
                            ('revoke.by-fields-without-match', rule_fields(direction, ports='10999/10999'))):
            before = self.count_rules(direction)
            self.case(prefix + name, direction.revoke, dict(query, SecurityGroupId=SELF, ClientToken=self.token()),
                      observe=lambda _exchange, before=before: dict(rule_count_change=self.count_change_since(direction, before)))

    def rule_case_names(self, direction):
        """The names rules_of records, for skipping them all at once."""
        names = ['authorize.module-batch', 'describe.after-module-batch', 'authorize.replay-client-token',
                 'authorize.client-token-reused-for-other-rule', 'authorize.existing-rule', 'authorize.existing-rule-other-description',
                 'authorize.same-rule-twice-in-one-call']
        names += ['authorize.' + name for name, _changes, _port in STORED_FORMS]
        names += ['authorize.defaults-left-out', 'authorize.top-level-fields', 'authorize.prefix-list', 'authorize.prefix-list-with-ipv6-local-range']
        names += ['authorize.' + name for name, _changes in RULE_ERRORS]
        names += ['authorize.group-missing', 'authorize.group-id-malformed', 'authorize.client-token-65-characters', 'authorize.peer-group-in-another-vpc',
                  'authorize.batch-with-one-bad-rule',
                  'modify.description', 'modify.empty-description', 'modify.rule-missing', 'revoke.by-ids', 'revoke.by-ids-again',
                  'revoke.rule-missing', 'revoke.by-fields', 'revoke.by-fields-without-match']
        return [direction.name + '.' + name for name in names]

    def read_rules_as_modules_do(self):
        names = ('rules.describe.module-read', 'rules.describe.paging-max-results-10', 'rules.describe.nic-type-internet-on-vpc-group')
        reason = self.missing('main')
        if reason:
            for name in names:
                self.skip(name, 'DescribeSecurityGroupAttribute', reason)
            return
        read = dict(SecurityGroupId=SELF, Direction='all', NicType='intranet', MaxResults='1000')
        self.case(names[0], 'DescribeSecurityGroupAttribute', read)
        self.paging_case(names[1], 'DescribeSecurityGroupAttribute', dict(read, MaxResults='10'), rule_permissions, 'SecurityGroupRuleId')
        self.case(names[2], 'DescribeSecurityGroupAttribute', dict(read, NicType='internet'), answer=self.permission_count_answer)

    # --- special groups --------------------------------------------------------------------------

    def enterprise_group(self):
        cases = (
            ('enterprise.describe-attribute', 'DescribeSecurityGroupAttribute', dict(Direction='all', NicType='intranet', MaxResults='1000')),
            ('enterprise.modify-policy.accept', 'ModifySecurityGroupPolicy', dict(InnerAccessPolicy='Accept')),
            ('enterprise.ingress.authorize-peer-group', INGRESS.authorize, permissions([rule_fields(INGRESS, peer=None, group=PEER)])),
            ('enterprise.egress.authorize-cidr', EGRESS.authorize, permissions([rule_fields(EGRESS)])),
        )
        reason = self.missing('enterprise', 'peer')
        for name, action, query in cases:
            if reason:
                self.skip(name, action, reason)
                continue
            if action != 'DescribeSecurityGroupAttribute':
                query = dict(query, ClientToken=self.token())
            self.case(name, action, dict(query, SecurityGroupId=self.groups['enterprise']))

    def classic_group(self):
        internet_rule = rule_fields(INGRESS, ports='22/22', peer='0.0.0.0/0', nic='internet')
        intranet_rule = rule_fields(INGRESS, ports='22/22', peer='10.0.0.0/8')
        default_rule = rule_fields(INGRESS, ports='23/23', peer='10.0.0.0/8', nic=None)
        cases = (
            ('classic.describe-attribute.new-group', 'DescribeSecurityGroupAttribute', dict(Direction='all', NicType='internet', MaxResults='1000')),
            ('classic.ingress.authorize-nic-type-internet', INGRESS.authorize, permissions([internet_rule])),
            ('classic.ingress.authorize-nic-type-intranet', INGRESS.authorize, permissions([intranet_rule])),
            ('classic.ingress.authorize-nic-type-left-out', INGRESS.authorize, permissions([default_rule])),
            ('classic.describe-attribute.nic-type-internet', 'DescribeSecurityGroupAttribute', dict(Direction='all', NicType='internet', MaxResults='1000')),
            ('classic.describe-attribute.nic-type-intranet', 'DescribeSecurityGroupAttribute', dict(Direction='all', NicType='intranet', MaxResults='1000')),
            ('classic.describe-attribute.nic-type-left-out', 'DescribeSecurityGroupAttribute', dict(Direction='all', MaxResults='1000')),
            ('classic.egress.authorize-ipv6-peer', EGRESS.authorize, permissions([rule_fields(EGRESS, peer=None, peer6='2001:db8::/32')])),
            ('classic.egress.authorize-prefix-list', EGRESS.authorize, permissions([rule_fields(EGRESS, peer=None, prefix_list=PREFIX_LIST)])),
            ('classic.ingress.authorize-vpc-group-peer', INGRESS.authorize, permissions([rule_fields(INGRESS, peer=None, group=PEER)])),
        )
        reason = self.missing('classic', 'peer')
        for name, action, query in cases:
            if reason or (PREFIX_LIST in query.values() and not self.prefix_list_usable):
                self.skip(name, action, reason or 'the prefix list is %s' % self.prefix_list_note)
                continue
            if action != 'DescribeSecurityGroupAttribute':
                query = dict(query, ClientToken=self.token())
            self.case(name, action, dict(query, SecurityGroupId=self.groups['classic']))

    def rule_limit(self):
        """The 200-rule limit (ingress and egress together) in the limit group, filled in batches of 100."""
        limit_cases = (
            ('limit.ingress.authorize-101-rules-in-one-call', INGRESS.authorize), ('limit.ingress.authorize-100-rules', INGRESS.authorize),
            ('limit.egress.authorize-100-rules', EGRESS.authorize), ('limit.describe-groups.rule-count', 'DescribeSecurityGroups'),
            ('limit.ingress.authorize-rule-201', INGRESS.authorize), ('limit.egress.authorize-rule-201', EGRESS.authorize),
            ('limit.ingress.authorize-existing-rule-at-the-limit', INGRESS.authorize),
            ('limit.egress.authorize-existing-and-new-rule-at-the-limit', EGRESS.authorize),
            ('limit.describe-attribute.paging-max-results-100', 'DescribeSecurityGroupAttribute'),
            ('limit.ingress.revoke-100-rules-by-id', INGRESS.revoke), ('limit.delete-group-with-rules', 'DeleteSecurityGroup'),
        )
        reason = self.missing('limit')
        if reason:
            for name, action in limit_cases:
                self.skip(name, action, reason)
            return
        group_id = self.groups['limit']

        def count():
            rules = self.read_rules(group_id)
            return None if rules is None else len(rules)

        def write(name, direction, rules):
            before = count()
            return self.case(name, direction.authorize, dict(permissions(rules), SecurityGroupId=group_id, ClientToken=self.token()),
                             observe=lambda _exchange: dict(rule_count_change=None if before is None else (count() or 0) - before))

        oversized = write(limit_cases[0][0], INGRESS, filler_rules(INGRESS, BATCH_SIZE + 1, 21001, '10.203.0.0/16'))
        if oversized.ok:
            # The backend took more than 100 rules at once: take them out again, so that the fill below starts empty.
            revoke_all(self.client, group_id)
        write(limit_cases[1][0], INGRESS, filler_rules(INGRESS, BATCH_SIZE, 20001, '10.201.0.0/16'))
        write(limit_cases[2][0], EGRESS, filler_rules(EGRESS, BATCH_SIZE, 20001, '10.202.0.0/16'))
        self.case(limit_cases[3][0], 'DescribeSecurityGroups', dict(SecurityGroupIds=json.dumps([group_id]), MaxResults='100'),
                  settle=lambda exchange: [entry.get('RuleCount') for entry in group_entries(exchange.body)] == [RULE_LIMIT])
        write(limit_cases[4][0], INGRESS, [rule_fields(INGRESS, ports='20201/20201', peer='10.201.0.0/16')])
        write(limit_cases[5][0], EGRESS, [rule_fields(EGRESS, ports='20201/20201', peer='10.202.0.0/16')])
        write(limit_cases[6][0], INGRESS, [rule_fields(INGRESS, ports='20001/20001', peer='10.201.0.0/16')])
        write(limit_cases[7][0], EGRESS, [rule_fields(EGRESS, ports='20001/20001', peer='10.202.0.0/16'),
                                          rule_fields(EGRESS, ports='20202/20202', peer='10.202.0.0/16')])
        self.paging_case(limit_cases[8][0], 'DescribeSecurityGroupAttribute',
                         dict(SecurityGroupId=group_id, Direction='all', NicType='intranet', MaxResults='100'), rule_permissions, 'SecurityGroupRuleId')
        ingress_ids = [rule.get('SecurityGroupRuleId') for rule in (self.read_rules(group_id, 'ingress') or [])][:BATCH_SIZE]
        before = count()
        self.case(limit_cases[9][0], INGRESS.revoke,
                  dict(dict(('SecurityGroupRuleId.%d' % index, rule_id) for index, rule_id in enumerate(ingress_ids, start=1)),
                       SecurityGroupId=group_id, ClientToken=self.token()),
                  observe=lambda _exchange: dict(rule_count_change=None if before is None else (count() or 0) - before))
        self.case(limit_cases[10][0], 'DeleteSecurityGroup', dict(SecurityGroupId=group_id, ClientToken=self.token()),
                  observe=lambda _exchange: dict(group_still_there=self.exists(group_id)))

    def delete_group_cases(self):
        reason = self.missing('main', 'peer')
        if reason:
            self.skip('group.delete.referenced-by-another-group', 'DeleteSecurityGroup', reason)
        else:
            peer = self.groups['peer']
            self.case('group.delete.referenced-by-another-group', 'DeleteSecurityGroup', dict(SecurityGroupId=peer, ClientToken=self.token()),
                      observe=lambda _exchange: dict(group_still_there=self.exists(peer)))
        self.case('group.delete.missing-group', 'DeleteSecurityGroup', dict(SecurityGroupId=MISSING_GROUP_ID, ClientToken=self.token()))
        self.case('group.delete.malformed-group-id', 'DeleteSecurityGroup', dict(SecurityGroupId=MALFORMED_GROUP_ID, ClientToken=self.token()))
        reason = self.missing('enterprise')
        if reason:
            for name in ('group.delete', 'group.delete.replay-client-token'):
                self.skip(name, 'DeleteSecurityGroup', reason)
            return
        enterprise = self.groups['enterprise']
        query = dict(SecurityGroupId=enterprise, ClientToken=self.token())
        self.case('group.delete', 'DeleteSecurityGroup', query, observe=lambda _exchange: dict(group_still_there=self.exists(enterprise)))
        self.case('group.delete.replay-client-token', 'DeleteSecurityGroup', query)


# --- clean-up ------------------------------------------------------------------------------------

def _all_rules(client, group_id):
    """Every rule of a group, both NIC types (a classic group lists one per call), or None when it cannot be read."""
    found = {}
    for nic_type in ('intranet', 'internet'):
        query = dict(SecurityGroupId=group_id, Direction='all', NicType=nic_type, MaxResults='1000')
        for _page in range(MAX_PAGES):
            exchange = client.call('DescribeSecurityGroupAttribute', query)
            if not exchange.ok:
                return None
            for rule in rule_permissions(exchange.body):
                found[rule.get('SecurityGroupRuleId')] = rule
            if not exchange.body.get('NextToken'):
                break
            query = dict(query, NextToken=exchange.body['NextToken'])
    return list(found.values())


def revoke_all(client, group_id, only_group_references=False):
    """Revoke the group's rules (or only those naming another group), by id, 100 a call."""
    rules = _all_rules(client, group_id) or []
    for direction in (INGRESS, EGRESS):
        ids = [rule.get('SecurityGroupRuleId') for rule in rules
               if str(rule.get('Direction', '')).lower() == direction.name and rule.get('SecurityGroupRuleId')
               and (not only_group_references or rule.get('SourceGroupId') or rule.get('DestGroupId'))]
        for start in range(0, len(ids), BATCH_SIZE):
            query = dict(('SecurityGroupRuleId.%d' % index, rule_id) for index, rule_id in enumerate(ids[start:start + BATCH_SIZE], start=1))
            client.call(direction.revoke, dict(query, SecurityGroupId=group_id, ClientToken=uuid.uuid4().hex))


def delete_groups(client, group_ids, patient):
    """Delete the groups; [(id, last error code)] of those that could not be deleted.

    A group that another one's rule names cannot be deleted first; after a refused round the rules that
    name groups are revoked from every group still there, and the round is repeated. On a real account
    (``patient``) a round waits a little more each time, as deletes may be refused while writes settle.
    """
    pending = list(group_ids)
    refused = {}
    rounds = 6 if patient else 3
    for round_number in range(rounds):
        refused = {}
        for group_id in pending:
            exchange = client.call('DeleteSecurityGroup', dict(SecurityGroupId=group_id, ClientToken=uuid.uuid4().hex))
            if not exchange.ok and exchange.code != 'InvalidSecurityGroupId.NotFound':
                refused[group_id] = exchange.code
        pending = [group_id for group_id in pending if group_id in refused]
        if not pending or round_number == rounds - 1:
            break
        for group_id in pending:
            revoke_all(client, group_id, only_group_references=True)
        if patient:
            client.sleep(min(2.0 ** round_number, 10.0))
    return [(group_id, refused[group_id]) for group_id in pending]


def find_leftovers(client):
    """The groups of the region that carry the probe's tag AND name marker, [(id, name)].

    The tag is the filter; the answer is checked again (tag and name) so that an endpoint that ignored
    the filter could not make the clean-up delete anybody's group.
    """
    query = {'Tag.1.Key': TEST_TAG_KEY, 'Tag.1.Value': TEST_TAG_VALUE, 'MaxResults': '100'}
    found = []
    for _page in range(MAX_PAGES):
        exchange = client.call('DescribeSecurityGroups', query)
        if not exchange.ok:
            raise RuntimeError('DescribeSecurityGroups failed: %s (HTTP %s)' % (exchange.code, exchange.status))
        for entry in group_entries(exchange.body):
            tags = dict((tag.get('TagKey'), tag.get('TagValue')) for tag in ((entry.get('Tags') or {}).get('Tag') or []))
            if tags.get(TEST_TAG_KEY) == TEST_TAG_VALUE and NAME_MARKER in (entry.get('SecurityGroupName') or ''):
                found.append((entry['SecurityGroupId'], entry.get('SecurityGroupName')))
        if not exchange.body.get('NextToken'):
            return found
        query = dict(query, NextToken=exchange.body['NextToken'])
    raise RuntimeError('DescribeSecurityGroups did not stop paging after %d pages' % MAX_PAGES)
