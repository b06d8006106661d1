# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Thousands of generated bad option sets for the rule and info modules of both directions: each fails with
a message naming the bad option (by its name in that direction), none raises, and none reaches the API as a write.

The module runs in this process (as ansible-core's own module unit tests do), so that thousands of
examples stay affordable; the SDK still talks to a real emulator process for the calls that happen.
"""

from __future__ import annotations

import contextlib
import decimal
import functools
import importlib
import io
import ipaddress
import itertools
import json
import string
from collections import Counter

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from ansible.module_utils.testing import patch_module_args

from conftest import SuiteEmulator, harness, opposite, report

KEYS = harness.credentials('main')
PROTOCOL_WORDS = {'tcp', 'udp', 'icmp', 'gre', 'all', 'icmpv6', '6', '17', '1', '47', '58', '-1'}
INJECTIONS = ["'; DROP TABLE rules; --", '$(reboot)', '`id`', "{{ lookup('env', 'HOME') }}", '<script>x</script>',
              '../../etc/passwd', '%s%s%n', 'a\x00b', '\u202e\u0645\u0631\u062d\u0628\u0627', '\U0001f525' * 3, 'null', '[]']

words = st.text(alphabet=st.characters(blacklist_categories=('Cs',)), min_size=1, max_size=40)
# Blank text means "not given" to the module (as an omitted option), so it is no bad input.
nasty = st.one_of(words.filter(str.strip), st.sampled_from(INJECTIONS))
ipv4 = st.ip_addresses(v=4).map(str)
ipv6 = st.ip_addresses(v=6).map(str)
# The options whose names depend on the direction: the peer's and the local range's. The others are shared.
DIRECTION_OPTION_TEMPLATES = ('{peer}_cidr_ip', 'ipv6_{peer}_cidr_ip', '{peer}_group_id', '{peer}_group_owner_id',
                              '{peer}_group_owner_account', '{peer}_prefix_list_id', '{local}_cidr_ip', 'ipv6_{local}_cidr_ip')


def not_an_ip_network(text):
    try:
        ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return bool(text.strip())
    return False


# Infinity as YAML and JSON spell it, as text and as a float: ansible-core's own int check would end in a traceback.
INFINITIES = st.sampled_from(['inf', '-Infinity', '+INF', ' infinity ', float('inf'), float('-inf')])


def read_as_integer(text):
    """Whether ansible-core's ``type: int`` takes ``text``: it parses with Decimal, so '0E0', ' 7 ' and '1e3'
    are integers, not bad input. Infinities are bad input: the collection marks them before ansible-core's
    int check, which would otherwise end in an OverflowError traceback.
    """
    try:
        number = decimal.Decimal(text)
    except decimal.DecimalException:
        return False
    return number.is_finite() and number == number.to_integral_value()


def bad_port_ranges():
    out_of_range = st.integers(min_value=-100000, max_value=0) | st.integers(min_value=65536, max_value=10 ** 9)
    return st.one_of(
        st.tuples(out_of_range, st.integers(1, 65535)).map(lambda pair: '%d/%d' % pair),
        st.tuples(st.integers(2, 65535), st.integers(1, 65534)).filter(lambda pair: pair[0] > pair[1]).map(lambda pair: '%d/%d' % pair),
        nasty.filter(lambda text: not text.strip().replace('/', '').replace('-', '').isdigit()),
    )


@functools.lru_cache(maxsize=None)
def documented_options(module):
    """Names and aliases of the options that ``module`` documents, its documentation fragments' included.

    Read from the documentation (what ansible-doc shows and sanity tests hold to the argument spec)
    rather than from the module's code, whose layout is the collection's own business.
    """
    documentation = yaml.safe_load(module.DOCUMENTATION)
    option_sets = [documentation['options']]
    for fragment in documentation.get('extends_documentation_fragment') or []:
        namespace, collection, name = fragment.split('.')[:3]
        fragment_module = importlib.import_module('ansible_collections.%s.%s.plugins.doc_fragments.%s' % (namespace, collection, name))
        option_sets.append(yaml.safe_load(fragment_module.ModuleDocFragment.DOCUMENTATION)['options'])
    return frozenset(itertools.chain.from_iterable(
        [name] + list(option.get('aliases') or []) for options in option_sets for name, option in options.items()))


def rule_corruptions(direction, module):
    """Strategies of bad input to ``module``, the rule module of ``direction``: each yields (changes to a valid
    task, the option the message must name). The peer is the remote side (dest_* for egress, source_* for
    ingress), the local range the group's own side; every case is written once for both directions.
    """
    peer_cidr, peer_ipv6 = direction.option('{peer}_cidr_ip'), direction.option('ipv6_{peer}_cidr_ip')
    peer_group, peer_group_owner = direction.option('{peer}_group_id'), direction.option('{peer}_group_owner_id')
    peer_prefix_list = direction.option('{peer}_prefix_list_id')
    local_cidr, local_ipv6 = direction.option('{local}_cidr_ip'), direction.option('ipv6_{local}_cidr_ip')
    no_single_rule = {'ip_protocol': None, 'port_range': None, peer_cidr: None}
    return [
        nasty.filter(lambda text: text.strip().lower() not in PROTOCOL_WORDS).map(lambda bad: ({'ip_protocol': bad}, 'ip_protocol')),
        st.integers().filter(lambda number: str(number) not in PROTOCOL_WORDS).map(lambda bad: ({'ip_protocol': bad}, 'ip_protocol')),
        bad_port_ranges().map(lambda bad: ({'port_range': bad}, 'port_range')),
        st.tuples(st.sampled_from(['icmp', 'GRE', 'all', 'icmpv6']), st.integers(1, 65535)).map(
            lambda pair: ({'ip_protocol': pair[0], 'port_range': '%d/%d' % (pair[1], pair[1])}, 'port_range')),
        bad_port_ranges().map(lambda bad: ({'source_port_range': bad}, 'source_port_range')),
        (st.integers(max_value=0) | st.integers(min_value=101)).map(lambda bad: ({'priority': bad}, 'priority')),
        nasty.filter(lambda text: not read_as_integer(text)).map(lambda bad: ({'priority': bad}, 'priority')),
        INFINITIES.map(lambda bad: ({'priority': bad}, 'priority')),
        nasty.filter(lambda text: text.strip().lower() not in ('accept', 'drop')).map(lambda bad: ({'policy': bad}, 'policy')),
        nasty.filter(lambda text: text.strip().lower() not in ('internet', 'intranet')).map(lambda bad: ({'nic_type': bad}, 'nic_type')),
        nasty.filter(not_an_ip_network).map(lambda bad: ({peer_cidr: bad}, peer_cidr)),
        ipv6.map(lambda bad: ({peer_cidr: bad}, peer_cidr)),
        st.tuples(ipv4, st.integers(33, 200)).map(lambda pair: ({peer_cidr: '%s/%d' % pair}, peer_cidr)),
        ipv4.map(lambda bad: ({peer_cidr: None, peer_ipv6: bad}, peer_ipv6)),
        # A local range of the other address family than the peer's.
        ipv6.map(lambda bad: ({local_cidr: bad}, local_cidr)),
        ipv6.map(lambda bad: ({local_ipv6: bad}, local_ipv6)),
        # Both address families of the peer at once.
        ipv6.map(lambda bad: ({peer_ipv6: bad}, peer_cidr)),
        nasty.filter(lambda text: not text.strip().startswith('sg-')).map(lambda bad: ({peer_cidr: None, peer_group: bad}, peer_group)),
        nasty.filter(lambda text: not text.strip().startswith('pl-')).map(
            lambda bad: ({peer_cidr: None, peer_prefix_list: bad}, peer_prefix_list)),
        st.sampled_from(INJECTIONS[:4]).map(lambda bad: ({peer_cidr: None, peer_group: 'sg-' + bad}, peer_group)),
        nasty.filter(lambda text: not text.strip().isdigit()).map(
            lambda bad: ({peer_cidr: None, peer_group: 'sg-demo-db', peer_group_owner: bad}, peer_group_owner)),
        st.just(({peer_cidr: None}, peer_cidr)),
        st.text(min_size=513, max_size=700).map(lambda bad: ({'description': bad}, 'description')),
        st.text(alphabet=string.printable, min_size=65, max_size=120).map(lambda bad: ({'client_token': bad}, 'client_token')),
        words.filter(lambda text: any(ord(char) > 126 or ord(char) < 32 for char in text.strip())).map(
            lambda bad: ({'client_token': bad}, 'client_token')),
        nasty.filter(lambda text: text.strip().lower() not in ('present', 'absent')).map(lambda bad: ({'state': bad}, 'state')),
        nasty.filter(lambda text: text.strip().lower() not in ('yes', 'no', 'true', 'false', 'on', 'off', 'y', 'n', '1', '0', 't', 'f', '1.0', '0.0')).map(
            lambda bad: ({'purge_rules': bad}, 'purge_rules')),
        st.one_of(st.integers(), words.filter(lambda text: ',' not in text)).map(lambda bad: (dict(no_single_rule, rules=bad), 'rules')),
        st.tuples(st.integers(0, 3), bad_port_ranges()).map(lambda pair: (
            dict(no_single_rule, rules=[{'ip_protocol': 'tcp', 'port_range': '%d/%d' % (22 + i, 22 + i), peer_cidr: '10.0.0.0/8'}
                                        for i in range(pair[0])] + [{'ip_protocol': 'tcp', 'port_range': pair[1], peer_cidr: '10.0.0.0/8'}]),
            'rules[%d].port_range' % pair[0])),
        st.from_regex(r'\A[a-z][a-z_]{2,20}\Z').filter(lambda name: name not in documented_options(module)).map(
            lambda name: ({name: 'x'}, name)),
        # The other direction's peer options (dest_group_id given to the ingress module) are unknown here.
        st.sampled_from(sorted(documented_options(module_of(opposite(direction).module)) - documented_options(module))).map(
            lambda name: ({name: 'x'}, name)),
        nasty.filter(lambda text: not read_as_integer(text)).map(lambda bad: ({'retries': bad}, 'retries')),
        INFINITIES.map(lambda bad: ({'retries': bad}, 'retries')),
        st.just(({'purge_rules': True}, 'purge_rules')),
        st.just(({'ip_protocol': None}, 'ip_protocol')),
        st.just(({'security_group_id': None}, 'security_group_id')),
        st.just(({'vpc_id': 'vpc-demo-1'}, 'vpc_id')),
        st.just(({'access_key_secret': None}, 'access_key_secret')),
        nasty.filter(lambda text: '://' not in text or not text.startswith(('http://127.', 'http://localhost', 'https://'))).map(
            lambda bad: ({'endpoint': 'http://' + bad.strip().replace('/', '') + '.example.com'}, 'endpoint')),
    ]


def info_corruptions(direction):
    """Strategies of bad input to the info module of ``direction``, as rule_corruptions() yields them."""
    peer_cidr = direction.option('{peer}_cidr_ip')
    return [
        nasty.filter(lambda text: text.strip().lower() not in PROTOCOL_WORDS).map(lambda bad: ({'ip_protocol': bad}, 'ip_protocol')),
        nasty.filter(lambda text: text.strip().lower() not in ('accept', 'drop')).map(lambda bad: ({'policy': bad}, 'policy')),
        nasty.filter(not_an_ip_network).map(lambda bad: ({peer_cidr: bad}, peer_cidr)),
        (st.integers(max_value=0) | st.integers(min_value=65536)).map(lambda bad: ({'port': bad}, 'port')),
        st.one_of(st.integers(), st.dictionaries(words, words, min_size=1)).map(lambda bad: ({'security_group_ids': bad}, 'security_group_ids')),
    ]


def direction_options(direction):
    """The names that ``direction`` gives to the options of DIRECTION_OPTION_TEMPLATES."""
    return frozenset(direction.option(template) for template in DIRECTION_OPTION_TEMPLATES)


def module_of(name):
    """The module called ``name`` of this collection, as the staged tree under build/ holds it."""
    return importlib.import_module('ansible_collections.alicloud.ecs.plugins.modules.%s' % name.split('.')[-1])


@pytest.fixture(scope='module')
def server():
    with SuiteEmulator({}) as emulator:
        yield emulator


def run_in_process(module, args):
    """Run a module's main() on ``args``; return its JSON result. Any exception but exit is a bug."""
    output = io.StringIO()
    with patch_module_args(args), contextlib.redirect_stdout(output), contextlib.suppress(SystemExit):
        module.main()
    return json.loads(output.getvalue())


def connection(server):
    return dict(region='cn-hangzhou', access_key_id=KEYS['access_key_id'], access_key_secret=KEYS['access_key_secret'],
                endpoint='http://%s' % server.endpoint, retries=0)


def apply(base, changes):
    args = dict(base)
    for name, value in changes.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = value
    return args


def last_seq(server):
    entries = server.requests()
    return entries[-1]['seq'] if entries else 0


PROFILE = settings(max_examples=2500, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
# Filters may make Hypothesis give up before max_examples; far fewer examples would mean the
# strategies no longer generate what they claim to, and the test would pass on next to nothing.
MINIMUM_SHARE_OF_EXAMPLES = 0.8


def check_every_corruption_is_rejected(server, title, module, base, corruptions, profile, direction):
    """Run ``module`` on every generated corruption of the valid options ``base``; each must fail with a
    message naming the bad option and without a traceback, and none may write to the API. Some of the
    named options must be ``direction``'s own, so that its option names were put to the test.

    Everything is counted inside this one test, so that it gives its verdict when it runs alone.
    """
    first_seq = last_seq(server)
    counts = Counter()

    @profile
    @given(st.one_of(corruptions))
    def rejected(corruption):
        changes, option = corruption
        args = apply(base, changes)
        result = run_in_process(module, args)
        counts['examples'] += 1
        counts['failed'] += result.get('failed') is True
        counts['named_the_option'] += option in str(result.get('msg'))
        counts['named_a_direction_option'] += option in direction_options(direction) and option in str(result.get('msg'))
        counts['tracebacks'] += 'exception' in result
        # Asserted per example too, so that Hypothesis shrinks a finding to the smallest bad input.
        assert result.get('failed') is True, (args, result)
        assert 'exception' not in result, result['exception']
        assert option in result['msg'], (option, result['msg'])

    try:
        rejected()
    finally:
        calls = server.requests(since=first_seq)
        writes = [entry for entry in calls if entry['write']]
        report(title, examples=counts['examples'], failed=counts['failed'], named_the_option=counts['named_the_option'],
               named_a_direction_option=counts['named_a_direction_option'], tracebacks=counts['tracebacks'],
               api_reads=len(calls) - len(writes), api_writes=len(writes))
    assert counts['examples'] >= MINIMUM_SHARE_OF_EXAMPLES * profile.max_examples, counts
    assert counts['named_a_direction_option'] > 0, counts
    assert counts['failed'] == counts['named_the_option'] == counts['examples'] and counts['tracebacks'] == 0, counts
    assert not writes, writes[:3]


def test_module_rejects_bad_input_without_writing(server, direction):
    module = module_of(direction.module)
    base = {**connection(server), 'security_group_id': 'sg-demo-app', 'ip_protocol': 'tcp', 'port_range': '80/80',
            direction.option('{peer}_cidr_ip'): '10.1.0.0/16'}
    check_every_corruption_is_rejected(server, 'bad input, %s' % direction.module, module, base,
                                       rule_corruptions(direction, module), PROFILE, direction)


def test_info_module_rejects_bad_input_without_writing(server, direction):
    base = dict(connection(server), security_group_id='sg-demo-app')
    check_every_corruption_is_rejected(server, 'bad input, %s' % direction.info_module, module_of(direction.info_module), base,
                                       info_corruptions(direction), settings(PROFILE, max_examples=500), direction)
