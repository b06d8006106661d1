# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Thousands of generated bad option sets for the rule and info modules of both directions, and hundreds for
security_group (its own options and both of its rule lists): each fails with a message naming the bad option
(by its name in that direction, and for a rule of a list with its position), none raises, none blames another
option, and none reaches the API as a write.

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
import re
import string
import unicodedata
from collections import Counter

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from ansible.module_utils.testing import patch_module_args

from conftest import EGRESS, GROUP_MODULE, INGRESS, SuiteEmulator, harness, opposite, report

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


NOT_BOOLEAN_WORD = nasty.filter(
    lambda text: text.strip().lower() not in ('yes', 'no', 'true', 'false', 'on', 'off', 'y', 'n', '1', '0', 't', 'f', '1.0', '0.0'))


def rule_option_corruptions(direction, type_error_names=None):
    """Strategies of bad options of one rule of ``direction``: each yields (changes to a valid rule, what the
    message must name). The peer is the remote side (dest_* for egress, source_* for ingress), the local range
    the group's own side; every case is written once for both directions.

    What the collection checks itself is named by the option; a value that ansible-core's type check refuses
    (a priority that is no integer) by ``type_error_names(option)``, the option itself unless given.
    """
    named_by_type_check = type_error_names or (lambda option: option)
    peer_cidr, peer_ipv6 = direction.option('{peer}_cidr_ip'), direction.option('ipv6_{peer}_cidr_ip')
    peer_group, peer_group_owner = direction.option('{peer}_group_id'), direction.option('{peer}_group_owner_id')
    peer_prefix_list = direction.option('{peer}_prefix_list_id')
    peer_group_name = direction.option('{peer}_group_name')
    local_cidr, local_ipv6 = direction.option('{local}_cidr_ip'), direction.option('ipv6_{local}_cidr_ip')
    return [
        nasty.filter(lambda text: text.strip().lower() not in PROTOCOL_WORDS).map(lambda bad: ({'ip_protocol': bad}, 'ip_protocol')),
        st.integers().filter(lambda number: str(number) not in PROTOCOL_WORDS).map(lambda bad: ({'ip_protocol': bad}, 'ip_protocol')),
        bad_port_ranges().map(lambda bad: ({'port_range': bad}, 'port_range')),
        st.tuples(st.sampled_from(['icmp', 'GRE', 'all', 'icmpv6']), st.integers(1, 65535)).map(
            lambda pair: ({'ip_protocol': pair[0], 'port_range': '%d/%d' % (pair[1], pair[1])}, 'port_range')),
        bad_port_ranges().map(lambda bad: ({'source_port_range': bad}, 'source_port_range')),
        (st.integers(max_value=0) | st.integers(min_value=101)).map(lambda bad: ({'priority': bad}, 'priority')),
        nasty.filter(lambda text: not read_as_integer(text)).map(lambda bad: ({'priority': bad}, named_by_type_check('priority'))),
        INFINITIES.map(lambda bad: ({'priority': bad}, named_by_type_check('priority'))),
        nasty.filter(lambda text: text.strip().lower() not in ('accept', 'drop')).map(lambda bad: ({'policy': bad}, 'policy')),
        nasty.filter(lambda text: text.strip().lower() not in ('internet', 'intranet')).map(lambda bad: ({'nic_type': bad}, 'nic_type')),
        nasty.filter(not_an_ip_network).map(lambda bad: ({peer_cidr: bad}, peer_cidr)),
        st.tuples(ipv4, st.integers(33, 200)).map(lambda pair: ({peer_cidr: '%s/%d' % pair}, peer_cidr)),
        ipv4.map(lambda bad: ({peer_cidr: None, peer_ipv6: bad}, peer_ipv6)),
        # A local range of the other address family than the peer's.
        ipv6.map(lambda bad: ({local_cidr: bad}, local_cidr)),
        ipv6.map(lambda bad: ({local_ipv6: bad}, local_ipv6)),
        # Several addresses and a group in one rule (an IPv6 address given as peer_cidr, or with it, is a second rule
        # of the same kind since issue 21, so no bad input).
        st.lists(ipv4 | ipv6, min_size=2, max_size=4, unique=True).map(lambda addresses: ({peer_cidr: addresses, peer_group: 'sg-demo-db'}, peer_cidr)),
        # Lists of ports: a bad item, a protocol without ports, and ports given twice.
        bad_port_ranges().map(lambda bad: ({'port_range': None, 'ports': ['22', bad]}, 'ports')),
        st.sampled_from(['icmp', 'GRE', 'all', 'icmpv6']).map(lambda protocol: ({'ip_protocol': protocol, 'port_range': None, 'ports': ['22']}, 'ports')),
        st.just(({'ports': ['22']}, 'ports')),
        # A group of another account by name, which this account cannot look up.
        nasty.filter(lambda text: ',' not in text).map(
            lambda name: ({peer_cidr: None, peer_group_name: name, peer_group_owner: '1234567890'}, peer_group_name)),
        nasty.filter(lambda text: not text.strip().startswith('sg-')).map(lambda bad: ({peer_cidr: None, peer_group: bad}, peer_group)),
        nasty.filter(lambda text: not text.strip().startswith('pl-')).map(
            lambda bad: ({peer_cidr: None, peer_prefix_list: bad}, peer_prefix_list)),
        st.sampled_from(INJECTIONS[:4]).map(lambda bad: ({peer_cidr: None, peer_group: 'sg-' + bad}, peer_group)),
        nasty.filter(lambda text: not text.strip().isdigit()).map(
            lambda bad: ({peer_cidr: None, peer_group: 'sg-demo-db', peer_group_owner: bad}, peer_group_owner)),
        st.just(({peer_cidr: None}, peer_cidr)),
        st.text(min_size=513, max_size=700).map(lambda bad: ({'description': bad}, 'description')),
    ]


def rule_owner_corruptions():
    """A rule_owner that is no owner name, and a description marked by another owner, as rule_corruptions() yields them."""
    owner = re.compile(r'\A[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z')
    return [
        nasty.filter(lambda text: not owner.match(text.strip())).map(lambda bad: ({'rule_owner': bad}, 'rule_owner')),
        st.just(({'rule_owner': 'web', 'rules': [{'ip_protocol': 'icmp', 'source_cidr_ip': '10.0.0.0/8', 'description': 'ping [owner=db]'}]},
                 'rules[0].description')),
    ]


def client_token_corruptions():
    """A client_token too long, or not printable ASCII, as rule_corruptions() yields them."""
    return [
        st.text(alphabet=string.printable, min_size=65, max_size=120).map(lambda bad: ({'client_token': bad}, 'client_token')),
        words.filter(lambda text: any(ord(char) > 126 or ord(char) < 32 for char in text.strip())).map(
            lambda bad: ({'client_token': bad}, 'client_token')),
    ]


def rule_corruptions(direction, module):
    """Strategies of bad input to ``module``, the rule module of ``direction``: each yields (changes to a valid
    task, the option the message must name).
    """
    peer_cidr = direction.option('{peer}_cidr_ip')
    no_single_rule = {'ip_protocol': None, 'port_range': None, peer_cidr: None}
    return rule_option_corruptions(direction) + client_token_corruptions() + rule_owner_corruptions()[:1] + [
        nasty.filter(lambda text: text.strip().lower() not in ('present', 'absent')).map(lambda bad: ({'state': bad}, 'state')),
        NOT_BOOLEAN_WORD.map(lambda bad: ({'purge_rules': bad}, 'purge_rules')),
        # Text that is no rule (text opening with '{': see test_shapes_once_mishandled_fail_before_any_write_naming_the_option).
        st.one_of(st.integers(), words.filter(lambda text: ',' not in text and not text.startswith('{'))).map(
            lambda bad: (dict(no_single_rule, rules=bad), 'rules')),
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
        rule_owner_corruptions()[0],
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


# The options a message of the collection starts with, before its colon: 'rules[2].port_range: ...' or
# 'rules or rules_egress: ...'. ansible-core's own messages ("argument 'x' is of type ...") have none.
BLAMED_OPTIONS = re.compile(r'\A([\w.\[\]]+(?: or [\w.\[\]]+)*): ')


def names(message, expected):
    """Whether ``message`` names ``expected``: an option (text it must contain) or a pattern it must match."""
    return bool(expected.search(message)) if isinstance(expected, re.Pattern) else expected in message


def blames_another_option(message, expected):
    """Whether ``message`` starts by blaming options among which the bad one is not (an item of a list option,
    ``ports[1]``, names the option)."""
    blamed = BLAMED_OPTIONS.match(message)
    options = [re.sub(r'\[\d+\]$', '', name) for name in blamed.group(1).split(' or ')] if blamed else []
    return bool(blamed) and isinstance(expected, str) and expected not in options


def direction_figure(direction):
    """The figure of the examples that named an option by ``direction``'s own name (dest_* or source_*)."""
    return {'named_a_direction_option': lambda expected: expected in direction_options(direction)}


def check_every_corruption_is_rejected(server, title, module, base, corruptions, profile, featured):
    """Run ``module`` on every generated corruption of the valid options ``base``; each must fail with a
    message naming the bad option, blaming no other and without a traceback, and none may write to the API.

    ``featured`` maps the name of a figure to a test of what a message must name: each figure counts the
    examples whose bad option passes its test, and must not stay at zero, so that those option names were put
    to the test (a direction's own names, the positions in security_group's two rule lists).

    Everything is counted inside this one test, so that it gives its verdict when it runs alone.
    """
    first_seq = last_seq(server)
    counts = Counter()

    @profile
    @given(st.one_of(corruptions))
    def rejected(corruption):
        changes, expected = corruption
        args = apply(base, changes)
        result = run_in_process(module, args)
        message = str(result.get('msg'))
        counts['examples'] += 1
        counts['failed'] += result.get('failed') is True
        counts['named_the_option'] += names(message, expected)
        counts['blamed_another_option'] += blames_another_option(message, expected)
        for figure, features in featured.items():
            counts[figure] += isinstance(expected, str) and features(expected) and names(message, expected)
        counts['tracebacks'] += 'exception' in result
        # Asserted per example too, so that Hypothesis shrinks a finding to the smallest bad input.
        assert result.get('failed') is True, (args, result)
        assert 'exception' not in result, result['exception']
        assert names(message, expected), (expected, message)
        assert not blames_another_option(message, expected), (expected, message)

    try:
        rejected()
    finally:
        calls = server.requests(since=first_seq)
        writes = [entry for entry in calls if entry['write']]
        report(title, examples=counts['examples'], failed=counts['failed'], named_the_option=counts['named_the_option'],
               blamed_another_option=counts['blamed_another_option'], **{figure: counts[figure] for figure in featured},
               tracebacks=counts['tracebacks'], api_reads=len(calls) - len(writes), api_writes=len(writes))
    assert counts['examples'] >= MINIMUM_SHARE_OF_EXAMPLES * profile.max_examples, counts
    assert all(counts[figure] > 0 for figure in featured), counts
    assert counts['failed'] == counts['named_the_option'] == counts['examples'] and counts['tracebacks'] == 0, counts
    assert counts['blamed_another_option'] == 0, counts
    assert not writes, writes[:3]


def test_module_rejects_bad_input_without_writing(server, direction):
    module = module_of(direction.module)
    base = {**connection(server), 'security_group_id': 'sg-demo-app', 'ip_protocol': 'tcp', 'port_range': '80/80',
            direction.option('{peer}_cidr_ip'): '10.1.0.0/16'}
    check_every_corruption_is_rejected(server, 'bad input, %s' % direction.module, module, base,
                                       rule_corruptions(direction, module), PROFILE, direction_figure(direction))


def test_info_module_rejects_bad_input_without_writing(server, direction):
    base = dict(connection(server), security_group_id='sg-demo-app')
    check_every_corruption_is_rejected(server, 'bad input, %s' % direction.info_module, module_of(direction.info_module), base,
                                       info_corruptions(direction), settings(PROFILE, max_examples=500), direction_figure(direction))


# ---------------------------------------------------------------------------------------------
# security_group: the group's own options and both rule lists.
# ---------------------------------------------------------------------------------------------

GROUP_OPTIONS = frozenset(('name', 'security_group_id', 'vpc_id', 'description', 'security_group_type', 'resource_group_id',
                           'inner_access_policy', 'tags', 'purge_tags', 'multi_ok', 'recent', 'state', 'client_token'))
# Each rule list of security_group and the direction of its rules.
RULE_LISTS = (('rules', INGRESS), ('rules_egress', EGRESS))
NAME_PUNCTUATION = ':_.-'
URL_PREFIX = re.compile(r'\Ahttps?://', re.IGNORECASE)


def not_a_group_name(text):
    """Whether no reading of the documented limits takes ``text`` as a name: 2 to 128 characters, a letter first,
    then letters, digits (of any script: the module's reading, wider than the API's) and ``:_.-``, no URL."""
    allowed = all(unicodedata.category(char)[0] in 'LN' or char in NAME_PUNCTUATION for char in text)
    return not (2 <= len(text) <= 128 and unicodedata.category(text[0])[0] == 'L' and allowed and not URL_PREFIX.match(text))


def valid_rule(direction, index):
    """The index-th of some distinct valid rules of ``direction``."""
    return {'ip_protocol': 'tcp', 'port_range': '%d/%d' % (22 + index, 22 + index), direction.option('{peer}_cidr_ip'): '10.0.0.0/8'}


def type_error_in_list(list_option):
    """What ansible-core's type check of a rule option says about an element of ``list_option``: the sub-option
    and the list, but not the element's position."""
    def pattern(option):
        return re.compile(r"argument '%s' is of type \w+ found in '%s'\." % (re.escape(option), re.escape(list_option)))
    return pattern


def in_rule_list(list_option, direction, corruption):
    """A bad rule at position 0 to 2 of ``list_option``, after valid ones: the message must name it as
    ``list_option[i].option`` (or, for ansible-core's type check, as that check does)."""
    def place(pair):
        position, (changes, expected) = pair
        rules = [valid_rule(direction, index) for index in range(position)] + [apply(valid_rule(direction, position), changes)]
        return {list_option: rules}, '%s[%d].%s' % (list_option, position, expected) if isinstance(expected, str) else expected
    return st.tuples(st.integers(0, 2), corruption).map(place)


def tag_corruptions():
    key = st.text(min_size=1, max_size=20).filter(lambda text: 'http' not in text.lower() and not text.lower().startswith(('aliyun', 'acs:')))
    value = st.text(max_size=20).filter(lambda text: 'http' not in text.lower())
    url = st.tuples(st.sampled_from(['http://', 'https://', 'HTTP://', 'Https://']), st.text(max_size=10)).map(''.join)
    bad_tags = st.one_of(
        st.dictionaries(key, value, min_size=21, max_size=25),
        st.tuples(st.sampled_from(['aliyun', 'Aliyun', 'ALIYUN', 'acs:', 'ACS:']), st.text(max_size=10)).map(lambda pair: {''.join(pair): 'v'}),
        st.text(min_size=129, max_size=160).map(lambda long_key: {long_key: 'v'}),
        st.tuples(key, st.text(min_size=129, max_size=160)).map(lambda pair: {pair[0]: pair[1]}),
        st.tuples(key, url).map(lambda pair: {pair[0]: pair[1]}),
        st.tuples(url, value).map(lambda pair: {pair[0]: pair[1]}),
        st.just({'': 'empty key'}),
    )
    return [
        # One bad tag among good ones.
        st.tuples(st.dictionaries(key, value, max_size=3), bad_tags).map(lambda pair: ({'tags': dict(pair[0], **pair[1])}, 'tags')),
        # Neither a dictionary nor text (text: see test_shapes_once_mishandled_fail_before_any_write_naming_the_option).
        st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.lists(words, max_size=3)).map(
            lambda bad: ({'tags': bad}, 'tags')),
    ]


def group_corruptions(module):
    """Strategies of bad input to security_group, as rule_corruptions() yields them: the group's own options,
    each rule list as a whole, and every rule option at a position of either list."""
    documentation = yaml.safe_load(module.DOCUMENTATION)['options']
    strategies = [
        nasty.filter(not_a_group_name).map(lambda bad: ({'name': bad}, 'name')),
        st.from_regex(r'\A[0-9_.:-][A-Za-z0-9]{1,20}\Z').map(lambda bad: ({'name': bad}, 'name')),
        st.text(alphabet=string.ascii_letters, min_size=129, max_size=200).map(lambda bad: ({'name': bad}, 'name')),
        st.tuples(st.sampled_from(['http://', 'https://', 'HTTPS://']), st.text(alphabet=string.ascii_letters, max_size=20)).map(
            lambda pair: ({'name': ''.join(pair)}, 'name')),
        st.text(max_size=1).map(lambda bad: ({'description': bad}, 'description')),
        st.text(min_size=257, max_size=300).map(lambda bad: ({'description': bad}, 'description')),
        st.tuples(st.sampled_from(['http://', 'https://', 'Http://']), st.text(min_size=2, max_size=20)).map(
            lambda pair: ({'description': ''.join(pair)}, 'description')),
        nasty.filter(lambda text: text not in ('normal', 'enterprise')).map(lambda bad: ({'security_group_type': bad}, 'security_group_type')),
        st.one_of(nasty, st.sampled_from(['', ' '])).filter(lambda text: text.strip().lower() not in ('accept', 'drop')).map(
            lambda bad: ({'inner_access_policy': bad}, 'inner_access_policy')),
        st.tuples(st.sampled_from(['name', 'security_group_id', 'vpc_id', 'resource_group_id', 'client_token']),
                  st.sampled_from(['', ' ', '\t\n'])).map(lambda pair: ({pair[0]: pair[1]}, pair[0])),
        st.sampled_from(['purge_tags', 'multi_ok', 'recent', 'purge_rules', 'purge_rules_egress']).flatmap(
            lambda option: NOT_BOOLEAN_WORD.map(lambda bad: ({option: bad}, option))),
        nasty.filter(lambda text: text.strip().lower() not in ('present', 'absent')).map(lambda bad: ({'state': bad}, 'state')),
        st.just(({'multi_ok': True, 'recent': True}, 'multi_ok')),
        st.just(({'multi_ok': True, 'security_group_id': 'sg-demo-web', 'name': None}, 'multi_ok')),
        st.just(({'name': None}, 'name')),
        # Found only by a read: what a group keeps for life, a group that is not there, a name that two groups share.
        st.sampled_from([
            ({'security_group_id': 'sg-demo-web', 'name': None, 'security_group_type': 'enterprise'}, 'security_group_type'),
            ({'security_group_id': 'sg-demo-web', 'name': None, 'vpc_id': 'vpc-demo-2'}, 'vpc_id'),
            ({'security_group_id': 'sg-demo-web', 'name': None, 'resource_group_id': 'rg-elsewhere'}, 'resource_group_id'),
            ({'security_group_id': 'sg-demo-enterprise', 'name': None, 'inner_access_policy': 'accept'}, 'inner_access_policy'),
            ({'security_group_type': 'enterprise', 'inner_access_policy': 'Accept'}, 'inner_access_policy'),
            ({'security_group_id': 'sg-does-not-exist', 'name': None}, 'security_group_id'),
            ({'name': 'demo-dup', 'vpc_id': None}, 'name'),
        ]),
        st.from_regex(r'\A[a-z][a-z_]{2,20}\Z').filter(lambda name: name not in documented_options(module)).map(
            lambda name: ({name: 'x'}, name)),
        nasty.filter(lambda text: not read_as_integer(text)).map(lambda bad: ({'retries': bad}, 'retries')),
        INFINITIES.map(lambda bad: ({'timeout': bad}, 'timeout')),
    ] + tag_corruptions() + client_token_corruptions() + rule_owner_corruptions()
    for list_option, direction in RULE_LISTS:
        suboptions = frozenset(documentation[list_option]['suboptions'])
        strategies += [
            in_rule_list(list_option, direction, st.one_of(rule_option_corruptions(direction, type_error_in_list(list_option)))),
            # Text that is no rule (text opening with '{': see test_shapes_once_mishandled_fail_before_any_write_naming_the_option).
            st.one_of(st.integers(), words.filter(lambda text: ',' not in text and '=' not in text and not text.startswith('{'))).map(
                lambda bad, list_option=list_option: ({list_option: bad}, list_option)),
            st.from_regex(r'\A[a-z][a-z_]{2,20}\Z').filter(lambda name, suboptions=suboptions: name not in suboptions).map(
                lambda name, list_option=list_option, direction=direction: (
                    {list_option: [valid_rule(direction, 0), dict(valid_rule(direction, 1), **{name: 'x'})]}, '%s.%s' % (list_option, name))),
            st.just(({list_option: [valid_rule(direction, 0), apply(valid_rule(direction, 1), {'ip_protocol': None})]},
                     re.compile(r'missing required arguments: ip_protocol found in %s\Z' % list_option))),
        ]
    return strategies


GROUP_PROFILE = settings(PROFILE, max_examples=500)


def group_base(server):
    """A valid security_group task: a new group with tags and three rules in each list."""
    return dict(connection(server), name='rel-bad-input', vpc_id='vpc-demo-1', description='bad input base', tags={'env': 'test'},
                **{list_option: [valid_rule(direction, index) for index in range(3)] for list_option, direction in RULE_LISTS})


def test_security_group_rejects_bad_input_without_writing(server):
    module = module_of(GROUP_MODULE)
    featured = {'named_a_group_option': lambda expected: expected in GROUP_OPTIONS,
                'named_an_ingress_rule_at_its_position': lambda expected: expected.startswith('rules['),
                'named_an_egress_rule_at_its_position': lambda expected: expected.startswith('rules_egress[')}
    check_every_corruption_is_rejected(server, 'bad input, %s' % GROUP_MODULE, module, group_base(server), group_corruptions(module),
                                       GROUP_PROFILE, featured)
    assert not server.groups(name='rel-bad-input')


# Bad input that security_group (and for the last cases the rule modules too) once handled only after a write, or
# with a message naming no or another option; kept as regression cases.
IPV6_RULE = {'ip_protocol': 'tcp', 'port_range': '22/22', 'ipv6_source_cidr_ip': '2001:db8::/64'}
PREFIX_LIST_RULE = {'ip_protocol': 'tcp', 'port_range': '53/53', 'dest_prefix_list_id': 'pl-demo-ipv4'}
ONCE_MISHANDLED = {
    # Checked only after CreateSecurityGroup has made the group: the task fails, and the group stays behind.
    # (A new group without vpc_id is no longer taken for a classic one: the cloud puts it in the region's default VPC,
    # where IPv6 and prefix-list rules are fine; test_real_cloud.py has that case.)
    'new group without vpc_id, ICMP with an IPv6 source': (GROUP_MODULE, dict(name='rel-defect-icmp6', rules=[
        dict(IPV6_RULE, ip_protocol='icmp', port_range='-1/-1')]), 'rules[0].ip_protocol'),
    'new group without vpc_id, a malformed prefix list id': (GROUP_MODULE, dict(name='rel-defect-pl', rules_egress=[
        dict(PREFIX_LIST_RULE, dest_prefix_list_id='not-a-prefix-list')]), 'rules_egress[0].dest_prefix_list_id'),
    'new group, one rule with two descriptions': (GROUP_MODULE, dict(name='rel-defect-twice', vpc_id='vpc-demo-1', rules=[
        dict(valid_rule(INGRESS, 0), description='first'), dict(valid_rule(INGRESS, 0), description='second')]), 'rules[1].description'),
    'new group, 201 rules': (GROUP_MODULE, dict(name='rel-defect-limit', vpc_id='vpc-demo-1',
                                                rules=[valid_rule(INGRESS, index) for index in range(201)]), 'rules'),
    # Text for a dictionary option: the message blames the rule lists, or names no option at all.
    'tags as text': (GROUP_MODULE, dict(name='rel-defect-tags', tags='team'), 'tags'),
    "rules as text opening with '{'": (GROUP_MODULE, dict(name='rel-defect-brace', rules='{'), 'rules'),
    'assume_role as text, security_group': (GROUP_MODULE, dict(name='rel-defect-role', assume_role='role'), 'assume_role'),
    'assume_role as text, security_group_egress': (EGRESS.module, dict(security_group_id='sg-demo-app', assume_role='role', **valid_rule(EGRESS, 0)),
                                                   'assume_role'),
}


@pytest.mark.parametrize('case', sorted(ONCE_MISHANDLED))
def test_shapes_once_mishandled_fail_before_any_write_naming_the_option(server, case):
    module_name, args, expected = ONCE_MISHANDLED[case]
    seq = last_seq(server)
    result = run_in_process(module_of(module_name), dict(connection(server), **args))
    writes = [(entry['action'], entry['applied']) for entry in server.requests(since=seq) if entry['write']]
    print('%s: writes %s; message: %s' % (case, writes, result.get('msg')))
    assert result.get('failed') is True and 'exception' not in result, result
    assert names(result['msg'], expected) and not blames_another_option(result['msg'], expected), result['msg']
    assert not writes, writes
