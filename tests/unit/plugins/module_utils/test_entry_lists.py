# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Prefix lists and port range lists as data: normalisation, plans, batches, queries, views and the reads."""

from __future__ import annotations

import pytest

from ansible_collections.alicloud.ecs.plugins.module_utils import _entry_list_reads as reads
from ansible_collections.alicloud.ecs.plugins.module_utils import _entry_lists as lists
from ansible_collections.alicloud.ecs.plugins.module_utils._base import ApiError
from ansible_collections.alicloud.ecs.plugins.module_utils._entry_lists import PORT_RANGE_LIST, PREFIX_LIST, Entry
from ansible_collections.alicloud.ecs.plugins.module_utils._values import RuleError


def error_of(function, *args, **kwargs):
    with pytest.raises(RuleError) as caught:
        function(*args, **kwargs)
    return str(caught.value)


def held(kind, *values):
    return [Entry(value, 'held %d' % number) for number, value in enumerate(values)]


def cidrs(count, second=0):
    return ['10.%d.%d.0/24' % (second, number) for number in range(count)]


def ports(count, start=1000):
    return ['%d/%d' % (start + number, start + number) for number in range(count)]


# --- single values ---------------------------------------------------------------------------------

@pytest.mark.parametrize('given, expected', [
    ('10.0.0.0/8', '10.0.0.0/8'),
    ('10.0.0.1', '10.0.0.1/32'),
    (' 192.0.2.7 ', '192.0.2.7/32'),
    ('2001:0DB8:0000:0000::/32', '2001:db8::/32'),
    ('2001:db8::1', '2001:db8::1/128'),
    ('0.0.0.0/0', '0.0.0.0/0'),
    ('10.0.0.0/08', '10.0.0.0/8'),
])
def test_cidr_blocks_are_canonical(given, expected):
    assert lists.normalize_cidr_entry(given, 'entries[0].cidr') == expected


def test_host_bits_are_cleared_with_a_warning_that_names_the_entry():
    warnings = []
    assert lists.normalize_cidr_entry('10.1.2.3/16', 'entries[2].cidr', 'IPv4', warnings) == '10.1.0.0/16'
    assert warnings == ['entries[2].cidr: 10.1.2.3/16 has host bits set; the list holds the network 10.1.0.0/16']
    # A plain address has no host bits to clear.
    lists.normalize_cidr_entry('10.1.2.3', 'entries[3].cidr', 'IPv4', warnings)
    assert len(warnings) == 1


@pytest.mark.parametrize('given, family, message', [
    (None, None, 'entries[0].cidr: is required; give a CIDR block such as 10.0.0.0/8, or a single address'),
    ('  ', None, 'entries[0].cidr: is required'),
    ('10.0.0.0/33', None, "entries[0].cidr: '10.0.0.0/33' is not a CIDR block or an IP address"),
    ('office', None, "entries[0].cidr: 'office' is not a CIDR block or an IP address; give one such as 10.0.0.0/8"),
    ('10.0.0.0/255.0.0.0', None, "entries[0].cidr: '10.0.0.0/255.0.0.0' is not a CIDR block; write the prefix length"),
    ('2001:db8::/32', 'IPv4', "entries[0].cidr: '2001:db8::/32' is an IPv6 block; a list of address_family IPv4 holds IPv4 blocks only"),
    ('10.0.0.0/8', 'IPv6', "entries[0].cidr: '10.0.0.0/8' is an IPv4 block; a list of address_family IPv6 holds IPv6 blocks only"),
])
def test_bad_cidr_blocks_name_the_entry_and_what_is_accepted(given, family, message):
    assert error_of(lists.normalize_cidr_entry, given, 'entries[0].cidr', family).startswith(message)


@pytest.mark.parametrize('given, expected', [('80', '80/80'), ('80/80', '80/80'), ('8000-8080', '8000/8080'), (' 8000 / 8080 ', '8000/8080'),
                                             ('080/80', '80/80'), ('1/65535', '1/65535'), (443, '443/443')])
def test_port_ranges_are_canonical(given, expected):
    assert lists.normalize_port_range_entry(given, 'entries[0].port_range') == expected


@pytest.mark.parametrize('given, message', [
    (None, 'entries[1].port_range: is required; give a port (443) or a range (8000/8080 or 8000-8080)'),
    ('http', "entries[1].port_range: 'http' is not a port range; accepted forms: 80, 80/80, 8000-8080 or 8000/8080"),
    ('-1/-1', "entries[1].port_range: '-1/-1' is not a port range"),
    ('0/80', "entries[1].port_range: '0/80' is out of range; ports run from 1 to 65535"),
    ('90/80', "entries[1].port_range: '90/80' is out of range"),
    ('1/65536', "entries[1].port_range: '1/65536' is out of range"),
    ('80/90/100', "entries[1].port_range: '80/90/100' is not a port range"),
])
def test_bad_port_ranges_name_the_entry(given, message):
    assert error_of(lists.normalize_port_range_entry, given, 'entries[1].port_range').startswith(message)


def test_address_families_are_case_insensitive():
    assert [lists.normalize_address_family(value) for value in ('ipv4', 'IPV6', ' IPv4 ', None)] == ['IPv4', 'IPv6', 'IPv4', None]
    assert error_of(lists.normalize_address_family, 'v4') == "address_family: 'v4' is not valid; accepted values: IPv4, IPv6 (case-insensitive)"


@pytest.mark.parametrize('kind, value, message', [
    (PREFIX_LIST, 0, 'max_entries: 0 is out of range; a prefix list holds 1 to 200 entries'),
    (PREFIX_LIST, 201, 'max_entries: 201 is out of range; a prefix list holds 1 to 200 entries'),
    (PORT_RANGE_LIST, 2001, 'max_entries: 2001 is out of range; a port range list holds 1 to 2000 entries'),
])
def test_max_entries_bounds(kind, value, message):
    assert error_of(lists.validate_max_entries, kind, value) == message


def test_max_entries_within_bounds():
    assert (lists.validate_max_entries(PREFIX_LIST, 200), lists.validate_max_entries(PORT_RANGE_LIST, 2000),
            lists.validate_max_entries(PORT_RANGE_LIST, None)) == (200, 2000, None)


@pytest.mark.parametrize('value, message', [
    ('x', 'entries[0].description: must be 2 to 32 characters long (got 1)'),
    ('', 'entries[0].description: must be 2 to 32 characters long (got 0); omit it to leave'),
    ('d' * 33, 'entries[0].description: must be 2 to 32 characters long (got 33)'),
    ('https://example.com', 'entries[0].description: must not start with http:// or https://'),
])
def test_entry_descriptions(value, message):
    assert error_of(lists.validate_entry_description, value, 'entries[0].description').startswith(message)


@pytest.mark.parametrize('kind', [PREFIX_LIST, PORT_RANGE_LIST])
def test_list_names(kind):
    assert lists.validate_list_name(kind, 'office:hz_1.a-b') == 'office:hz_1.a-b'
    assert error_of(lists.validate_list_name, kind, 'com.aliyun.office').startswith(
        "%s: 'com.aliyun.office' must not start with com.aliyun or com.alibabacloud" % kind.name_option)
    assert error_of(lists.validate_list_name, kind, '1office') == "%s: '1office' must start with a letter" % kind.name_option
    assert error_of(lists.validate_list_name, kind, 'http://x').startswith(kind.name_option + ':')


# --- the entries option ------------------------------------------------------------------------------

def test_entries_are_parsed_in_order_with_their_positions():
    parsed, family = lists.parse_entries(PREFIX_LIST, [dict(cidr='10.0.0.1', description='one'), dict(cidr='10.0.0.0/8')])
    assert parsed == [Entry('10.0.0.1/32', 'one'), Entry('10.0.0.0/8', None)] and family == 'IPv4'
    assert [entry.index for entry in parsed] == [0, 1]
    assert lists.parse_entries(PREFIX_LIST, []) == ([], None)
    assert lists.parse_entries(PORT_RANGE_LIST, [dict(port_range='80')]) == ([Entry('80/80')], None)


@pytest.mark.parametrize('kind, items, message', [
    (PREFIX_LIST, [dict(cidr='10.0.0.1'), dict(cidr='10.0.0.1/32')],
     "entries[1].cidr: '10.0.0.1/32' is the same CIDR block as entries[0].cidr ('10.0.0.1'), once written canonically as 10.0.0.1/32"),
    (PREFIX_LIST, [dict(cidr='2001:fd01:0:0:0:0:0:0/32'), dict(cidr='10.0.0.0/8'), dict(cidr='2001:fd01::/32')],
     "entries[1].cidr: '10.0.0.0/8' is an IPv4 block, but entries[0].cidr is IPv6; a prefix list holds blocks of one address family"),
    (PREFIX_LIST, [dict(cidr='2001:fd01:0:0:0:0:0:0/32'), dict(cidr='2001:fd01::/32')],
     "entries[1].cidr: '2001:fd01::/32' is the same CIDR block as entries[0].cidr ('2001:fd01:0:0:0:0:0:0/32')"),
    (PORT_RANGE_LIST, [dict(port_range='80'), dict(port_range='80-80')],
     "entries[1].port_range: '80-80' is the same port range as entries[0].port_range ('80'), once written canonically as 80/80"),
    (PORT_RANGE_LIST, [dict(port_range='80', description='http'), dict(port_range='443', description='h')],
     'entries[1].description: must be 2 to 32 characters long (got 1)'),
    (PORT_RANGE_LIST, ['80/80'], 'entries[0]: must be a dictionary with port_range and, optionally, description'),
])
def test_bad_entries_name_the_entry(kind, items, message):
    assert error_of(lists.parse_entries, kind, items).startswith(message)


def test_entries_of_the_other_family_than_address_family_are_refused():
    message = error_of(lists.parse_entries, PREFIX_LIST, [dict(cidr='10.0.0.0/8'), dict(cidr='::/0')], 'IPv4')
    assert message.startswith("entries[1].cidr: '::/0' is an IPv6 block; a list of address_family IPv4")


def test_entries_of_an_existing_list_of_the_other_family():
    wanted, _family = lists.parse_entries(PREFIX_LIST, [dict(cidr='2001:db8::/48'), dict(cidr='2001:db8:1::/48')])
    lists.check_entry_family(wanted, 'IPv6', 'pl-x')
    assert error_of(lists.check_entry_family, wanted, 'IPv4', 'pl-x') == (
        'entries[0].cidr: 2001:db8::/48 is an IPv6 block; prefix list pl-x holds IPv4 blocks only (its address family is fixed)')


# --- plans -------------------------------------------------------------------------------------------

def test_purge_makes_the_entries_the_exact_set():
    before = [Entry('10.0.0.0/8', 'ten'), Entry('192.168.0.0/16', 'lan'), Entry('172.16.0.0/12', None)]
    wanted = [Entry('10.0.0.0/8', 'ten'), Entry('172.16.0.0/12', 'private'), Entry('100.64.0.0/10', None)]
    plan = lists.plan_entries(PREFIX_LIST, before, wanted, purge=True)
    assert plan.add == [Entry('100.64.0.0/10')]
    assert plan.remove == [Entry('192.168.0.0/16', 'lan')]
    assert plan.update == [Entry('172.16.0.0/12', 'private')]
    assert plan.after(PREFIX_LIST) == [Entry('10.0.0.0/8', 'ten'), Entry('100.64.0.0/10'), Entry('172.16.0.0/12', 'private')]
    assert plan.changed


def test_without_purge_nothing_is_removed():
    before = [Entry('80/80', 'http'), Entry('443/443', 'https')]
    plan = lists.plan_entries(PORT_RANGE_LIST, before, [Entry('8080/8080', 'alt')], purge=False)
    assert (plan.add, plan.remove, plan.update) == ([Entry('8080/8080', 'alt')], [], [])
    assert [entry.value for entry in plan.after(PORT_RANGE_LIST)] == ['80/80', '443/443', '8080/8080']


def test_an_entry_without_description_leaves_the_description_alone_and_one_with_it_changes_it_in_place():
    before = [Entry('80/80', 'http'), Entry('443/443', 'https')]
    plan = lists.plan_entries(PORT_RANGE_LIST, before, [Entry('80/80', None), Entry('443/443', 'tls')])
    assert (plan.add, plan.remove, plan.update) == ([], [], [Entry('443/443', 'tls')])
    assert lists.plan_entries(PORT_RANGE_LIST, before, [Entry('80/80', None), Entry('443/443', 'https')]).changed is False


def test_no_entries_option_leaves_the_entries_alone_and_an_empty_one_with_purge_removes_them():
    before = held(PORT_RANGE_LIST, '80/80', '443/443')
    assert lists.plan_entries(PORT_RANGE_LIST, before, None).changed is False
    assert lists.plan_entries(PORT_RANGE_LIST, before, [], purge=True).remove == before
    assert lists.plan_entries(PORT_RANGE_LIST, before, [], purge=False).changed is False


def test_the_count_is_checked_against_max_entries():
    before = held(PORT_RANGE_LIST, *ports(8))
    additive = lists.plan_entries(PORT_RANGE_LIST, before, [Entry(value) for value in ports(3, start=2000)], purge=False)
    assert error_of(lists.check_entry_count, PORT_RANGE_LIST, additive, 10, 'prl-x') == (
        'entries: the list would hold 11 entries (8 now, 3 to add, 0 to remove); prl-x has max_entries 10, fixed when it was created')
    lists.check_entry_count(PORT_RANGE_LIST, additive, 11, 'prl-x')
    new = lists.plan_entries(PORT_RANGE_LIST, [], [Entry(value) for value in ports(3)])
    assert error_of(lists.check_entry_count, PORT_RANGE_LIST, new, 2) == 'entries: 3 entries given; max_entries is 2'


# --- batches -----------------------------------------------------------------------------------------

def test_a_small_change_is_one_call_with_additions_and_removals():
    before = held(PREFIX_LIST, '10.0.0.0/8', '192.168.0.0/16')
    plan = lists.plan_entries(PREFIX_LIST, before, [Entry('10.0.0.0/8', 'ten'), Entry('172.16.0.0/12')])
    (batch,) = lists.plan_batches(plan, 10)
    assert (batch.add, batch.update, batch.remove) == ([Entry('172.16.0.0/12')], [Entry('10.0.0.0/8', 'ten')], [before[1]])
    assert batch.add_entries == [Entry('172.16.0.0/12'), Entry('10.0.0.0/8', 'ten')]


def test_a_full_list_removes_in_a_call_of_its_own_before_it_adds():
    before = held(PREFIX_LIST, '10.0.0.0/8', '192.168.0.0/16')
    plan = lists.plan_entries(PREFIX_LIST, before, [Entry('172.16.0.0/12'), Entry('10.0.0.0/8', 'new')])
    first, second = lists.plan_batches(plan, 2)
    assert (first.add, first.update, first.remove) == ([], [Entry('10.0.0.0/8', 'new')], [before[1]])
    assert (second.add, second.update, second.remove) == ([Entry('172.16.0.0/12')], [], [])


def test_a_list_with_room_adds_and_removes_in_one_call():
    before = held(PREFIX_LIST, '10.0.0.0/8', '192.168.0.0/16')
    plan = lists.plan_entries(PREFIX_LIST, before, [Entry('172.16.0.0/12'), Entry('100.64.0.0/10')])
    (batch,) = lists.plan_batches(plan, 4)
    assert len(batch.add) == 2 and len(batch.remove) == 2


def test_more_than_200_changes_are_batched_200_at_a_time():
    wanted = [Entry(value) for value in ports(450)]
    plan = lists.plan_entries(PORT_RANGE_LIST, [], wanted)
    batches = lists.plan_batches(plan, 2000)
    assert [len(batch.add) for batch in batches] == [200, 200, 50]
    assert [entry.value for batch in batches for entry in batch.add] == [entry.value for entry in lists.sorted_entries(PORT_RANGE_LIST, wanted)]
    removal = lists.plan_entries(PORT_RANGE_LIST, [Entry(value) for value in ports(401)], [])
    assert [len(batch.remove) for batch in lists.plan_batches(removal, 2000)] == [200, 200, 1]


def test_a_swap_of_300_entries_in_a_list_of_300_removes_first():
    before = [Entry(value) for value in ports(300)]
    plan = lists.plan_entries(PORT_RANGE_LIST, before, [Entry(value) for value in ports(300, start=5000)])
    batches = lists.plan_batches(plan, 300)
    assert [(len(batch.remove), len(batch.add)) for batch in batches] == [(200, 0), (100, 200), (0, 100)]
    # No call adds more than the room the list has before it, whatever the API counts first.
    count = 300
    for batch in batches:
        assert count + len(batch.add) <= 300
        count += len(batch.add) - len(batch.remove)
    assert count == 300


def test_descriptions_fill_the_slots_that_additions_leave():
    before = [Entry(value, 'old') for value in ports(250)]
    wanted = [Entry(value, 'new') for value in ports(250)] + [Entry(value) for value in ports(100, start=5000)]
    batches = lists.plan_batches(lists.plan_entries(PORT_RANGE_LIST, before, wanted), 2000)
    assert [(len(batch.add), len(batch.update)) for batch in batches] == [(100, 100), (0, 150)]
    assert all(len(batch.add_entries) <= 200 for batch in batches)


def test_batches_that_cannot_fit_are_refused():
    plan = lists.plan_entries(PORT_RANGE_LIST, [Entry('80/80')], [Entry('443/443')], purge=False)
    assert error_of(lists.plan_batches, plan, 1) == 'entries: cannot add 1 more entries to a list of 1 with max_entries 1'


def test_a_create_carries_200_entries_and_modifies_add_the_rest():
    first, rest = lists.split_for_create([Entry(value) for value in ports(250)])
    assert (len(first), len(rest)) == (200, 50)


# --- queries -----------------------------------------------------------------------------------------

def test_create_and_modify_queries():
    assert lists.create_query(PREFIX_LIST, 'office', 10, 'the office', 'IPv4', [Entry('10.0.0.0/8', 'ten'), Entry('10.1.0.0/16')]) == {
        'PrefixListName': 'office', 'MaxEntries': 10, 'Description': 'the office', 'AddressFamily': 'IPv4',
        'Entry.1.Cidr': '10.0.0.0/8', 'Entry.1.Description': 'ten', 'Entry.2.Cidr': '10.1.0.0/16'}
    assert lists.create_query(PORT_RANGE_LIST, 'web', 5) == {'PortRangeListName': 'web', 'MaxEntries': 5}
    batch = lists.Batch(add=[Entry('8080/8080', 'alt')], update=[Entry('80/80', 'http')], remove=[Entry('443/443', 'https')])
    assert lists.modify_query(PORT_RANGE_LIST, 'prl-x', batch, name='web2') == {
        'PortRangeListId': 'prl-x', 'PortRangeListName': 'web2', 'AddEntry.1.PortRange': '8080/8080', 'AddEntry.1.Description': 'alt',
        'AddEntry.2.PortRange': '80/80', 'AddEntry.2.Description': 'http', 'RemoveEntry.1.PortRange': '443/443'}
    assert lists.modify_query(PREFIX_LIST, 'pl-x', None, description='new') == {'PrefixListId': 'pl-x', 'Description': 'new'}
    assert lists.ids_query(PREFIX_LIST, ['pl-a', 'pl-b']) == {'PrefixListId.1': 'pl-a', 'PrefixListId.2': 'pl-b'}


def test_a_description_change_is_never_a_removal_and_an_addition_of_the_same_value():
    before = held(PREFIX_LIST, '10.0.0.0/8')
    (batch,) = lists.plan_batches(lists.plan_entries(PREFIX_LIST, before, [Entry('10.0.0.0/8', 'renamed')]), 10)
    query = lists.modify_query(PREFIX_LIST, 'pl-x', batch)
    assert query == {'PrefixListId': 'pl-x', 'AddEntry.1.Cidr': '10.0.0.0/8', 'AddEntry.1.Description': 'renamed'}


# --- the API's answers -------------------------------------------------------------------------------

PREFIX_ATTRIBUTES = {'PrefixListId': 'pl-a', 'PrefixListName': 'office', 'AddressFamily': 'IPv4', 'MaxEntries': 10, 'Description': '',
                     'CreationTime': '2024-01-01T00:00:00Z',
                     'Entries': {'Entry': [{'Cidr': '10.0.0.1', 'Description': 'older spelling'}, {'Cidr': '10.0.0.0/24', 'Description': ''}]}}


def test_answers_of_both_shapes():
    assert lists.entries_from_api(PREFIX_LIST, PREFIX_ATTRIBUTES) == [Entry('10.0.0.0/24', None), Entry('10.0.0.1/32', 'older spelling')]
    assert lists.entries_from_api(PORT_RANGE_LIST, {'Entries': [{'PortRange': '443/443'}, {'PortRange': '80/80', 'Description': 'http'}]}) == [
        Entry('80/80', 'http'), Entry('443/443', None)]
    plist = lists.list_from_api(PREFIX_LIST, PREFIX_ATTRIBUTES)
    assert (plist.list_id, plist.name, plist.description, plist.address_family, plist.max_entries) == ('pl-a', 'office', None, 'IPv4', 10)
    assert lists.associations_from_api(PREFIX_LIST, {'PrefixListAssociations': {'PrefixListAssociation': [
        {'ResourceId': 'sg-1', 'ResourceType': 'securitygroup'}]}}) == [('sg-1', 'securitygroup')]
    assert lists.associations_from_api(PORT_RANGE_LIST, {'PortRangeListAssociations': [{'ResourceId': 'sg-2', 'ResourceType': 'SecurityGroup'}]}) == [
        ('sg-2', 'SecurityGroup')]
    assert lists.associations_from_api(PORT_RANGE_LIST, {}) == []


def test_the_result_form_feeds_back_into_the_options():
    plist = lists.list_from_api(PREFIX_LIST, PREFIX_ATTRIBUTES)
    plist.entries = lists.entries_from_api(PREFIX_LIST, PREFIX_ATTRIBUTES)
    view = lists.list_view(PREFIX_LIST, plist)
    assert view == dict(prefix_list_id='pl-a', prefix_list_name='office', description=None, address_family='IPv4', max_entries=10,
                        entries=[dict(cidr='10.0.0.0/24', description=None), dict(cidr='10.0.0.1/32', description='older spelling')],
                        association_count=0, associations=[], creation_time='2024-01-01T00:00:00Z')
    parsed, _family = lists.parse_entries(PREFIX_LIST, view['entries'], view['address_family'])
    assert lists.plan_entries(PREFIX_LIST, plist.entries, parsed).changed is False
    assert 'associations' not in lists.list_view(PREFIX_LIST, plist, with_associations=False)
    assert 'address_family' not in lists.list_view(PORT_RANGE_LIST, lists.EntryList('prl-a', 'web', None, 5))


def test_fixed_attributes():
    plist = lists.EntryList('pl-a', 'office', None, 10, 'IPv4')
    lists.check_fixed_attributes(PREFIX_LIST, plist, 'IPv4', 10)
    lists.check_fixed_attributes(PREFIX_LIST, plist, None, None)
    assert error_of(lists.check_fixed_attributes, PREFIX_LIST, plist, 'IPv6', None).startswith(
        'address_family: prefix list pl-a is IPv4; the address family is fixed when a list is created, so the list must be recreated')
    assert error_of(lists.check_fixed_attributes, PORT_RANGE_LIST, lists.EntryList('prl-a', 'web', None, 5), None, 6).startswith(
        'max_entries: port range list prl-a has max_entries 5; max_entries is fixed when a list is created, so the list must be recreated')


def test_the_message_of_a_list_in_use_names_the_groups():
    plist = lists.EntryList('pl-a', 'office', None, 10, 'IPv4')
    assert lists.in_use_message(PREFIX_LIST, plist, [('sg-2', 'securitygroup'), ('sg-1', 'securitygroup')]) == (
        'prefix_list_id: prefix list pl-a (office) is referenced by rules of 2 security groups (sg-1, sg-2) and cannot be deleted; '
        'remove those rules first')
    assert 'referenced by rules of security groups' in lists.in_use_message(PORT_RANGE_LIST, plist, [])


def test_the_read_back_conditions():
    written = lists.Written(name='office')
    written.note(lists.Batch(add=[Entry('10.0.0.0/8', 'ten'), Entry('10.1.0.0/16')], remove=[Entry('192.168.0.0/16')]))
    shown = [Entry('10.0.0.0/8', 'ten'), Entry('10.1.0.0/16', None)]
    assert lists.entries_show(written, shown)
    assert not lists.entries_show(written, shown + [Entry('192.168.0.0/16')])
    assert not lists.entries_show(written, [Entry('10.0.0.0/8', 'old'), Entry('10.1.0.0/16', None)])
    assert lists.attributes_show(written, lists.EntryList('pl-a', 'office', 'anything', 10))
    assert not lists.attributes_show(written, lists.EntryList('pl-a', 'office-old', None, 10))


# --- reads, through a fake API ----------------------------------------------------------------------------

class FakeApi:
    """Answers the listing in pages of ``page`` lists and the entries of the lists it holds; counts the calls."""

    def __init__(self, kind, listed, entries=None, page=2):
        self.kind, self.listed, self.entries, self.page = kind, listed, entries or {}, page
        self.calls = []

    def __call__(self, action, query):
        self.calls.append((action, dict(query)))
        kind = self.kind
        if action == kind.describe_action:
            start = int(query.get('NextToken') or 0)
            ids = [value for key, value in query.items() if key.startswith(kind.id_param + '.')]
            rows = [row for row in self.listed if (not ids or row[kind.id_param] in ids)
                    and (kind.name_param not in query or row[kind.name_param] == query[kind.name_param])]
            items = rows[start:start + self.page]
            token = str(start + self.page) if start + self.page < len(rows) else ''
            return {'NextToken': token, 'PrefixLists': {'PrefixList': items}} if kind is PREFIX_LIST else {'NextToken': token, 'PortRangeLists': items}
        list_id = query[kind.id_param]
        if list_id not in self.entries:
            raise ApiError(action, kind.not_found_code, 'not found', 400)
        return {'Entries': [{'PortRange': value} for value in self.entries[list_id]]}


def port_list(list_id, name):
    return {'PortRangeListId': list_id, 'PortRangeListName': name, 'MaxEntries': 5, 'AssociationCount': 0}


def test_lookups_read_every_page_and_match_names_exactly():
    api = FakeApi(PORT_RANGE_LIST, [port_list('prl-%d' % number, 'web' if number % 2 else 'db') for number in range(7)])
    assert [plist.list_id for plist in reads.lists_named(api, PORT_RANGE_LIST, 'web')] == ['prl-1', 'prl-3', 'prl-5']
    assert [call[1].get('NextToken') for call in api.calls] == [None, '2']
    assert all(call[1]['MaxResults'] == 100 for call in api.calls)
    assert reads.list_by_id(api, PORT_RANGE_LIST, 'prl-4').name == 'db'
    assert reads.list_by_id(api, PORT_RANGE_LIST, 'prl-9') is None


def test_ids_are_asked_100_at_a_time():
    api = FakeApi(PORT_RANGE_LIST, [port_list('prl-%d' % number, 'web') for number in range(3)], page=100)
    found = reads.lists_by_ids(api, PORT_RANGE_LIST, ['prl-%d' % number for number in range(250)])
    assert [plist.list_id for plist in found] == ['prl-0', 'prl-1', 'prl-2']
    assert [len([key for key in query if key.startswith('PortRangeListId.')]) for _action, query in api.calls] == [100, 100, 50]


def test_a_list_unknown_to_reads_is_none_and_other_errors_go_through():
    api = FakeApi(PORT_RANGE_LIST, [port_list('prl-1', 'web')], {'prl-1': ['80/80']})
    assert reads.read_list(api, PORT_RANGE_LIST, 'prl-1').entries == [Entry('80/80')]
    assert reads.read_list(api, PORT_RANGE_LIST, 'prl-2') is None
    only_entries = reads.read_list(api, PORT_RANGE_LIST, 'prl-1', attributes=False)
    assert only_entries.entries == [Entry('80/80')] and api.calls[-1][0] == 'DescribePortRangeListEntries'

    def refusing(action, query):
        raise ApiError(action, 'Forbidden.RAM', 'no', 403)
    with pytest.raises(ApiError):
        reads.read_list(refusing, PORT_RANGE_LIST, 'prl-1')


def test_the_read_back_polls_until_the_writes_show(clock):
    answers = [['80/80'], ['80/80', '443/443']]

    def api(action, query):
        return {'Entries': [{'PortRange': value} for value in (answers.pop(0) if len(answers) > 1 else answers[0])]}
    written = lists.Written(present=[Entry('443/443')])
    outcome = reads.wait_for_writes(api, PORT_RANGE_LIST, 'prl-1', written, 10)
    assert outcome.done and outcome.reads == 2 and clock.sleeps == [0.25]
    given = lists.EntryList('prl-1', None, None, None, entries=[Entry('443/443')])
    assert reads.wait_for_writes(api, PORT_RANGE_LIST, 'prl-1', written, 10, first_read=given).reads == 1
