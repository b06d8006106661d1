"""Prefix lists and port range lists: their management actions as a client sees them.

Most tests go through the real SDK over HTTP; quotas, raw parameters the SDK cannot send, fixture
rules that use a port range list and the consistency lag are driven through the service directly.
"""

import re

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from darabonba.exceptions import UnretryableException

from conftest import M, REGION, api_error, api_error_of, describe, egress, make_client, permission, service_on
from ecs_emulator.fixture_file import load_fixture
from ecs_emulator.harness import DEFAULT_FIXTURE, credentials

MAIN = credentials('main')
FIXTURE_PREFIX_LISTS = ['pl-demo-ipv4', 'pl-demo-ipv6']
FIXTURE_PORT_RANGE_LISTS = ['prl-demo-web']
TIME_FORMAT = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')


# -- helpers ---------------------------------------------------------------------------------------
def _pairs(entries):
    """(value, description or None) pairs from strings or pairs."""
    return [(entry, None) if isinstance(entry, str) else entry for entry in entries]


def create_prefix_list(client, entries=(), **fields):
    request = {'region_id': REGION, 'prefix_list_name': 'web-servers', 'address_family': 'IPv4', 'max_entries': 10}
    request.update(fields)
    if entries:
        request['entry'] = [M.CreatePrefixListRequestEntry(cidr=cidr, description=text) for cidr, text in _pairs(entries)]
    return client.create_prefix_list(M.CreatePrefixListRequest(**request)).body


def modify_prefix_list(client, prefix_list_id, add=(), remove=(), **fields):
    request = {'region_id': REGION, 'prefix_list_id': prefix_list_id}
    request.update(fields)
    if add:
        request['add_entry'] = [M.ModifyPrefixListRequestAddEntry(cidr=cidr, description=text) for cidr, text in _pairs(add)]
    if remove:
        request['remove_entry'] = [M.ModifyPrefixListRequestRemoveEntry(cidr=cidr) for cidr in remove]
    return client.modify_prefix_list(M.ModifyPrefixListRequest(**request)).body


def delete_prefix_list(client, prefix_list_id, region_id=REGION):
    return client.delete_prefix_list(M.DeletePrefixListRequest(region_id=region_id, prefix_list_id=prefix_list_id)).body


def prefix_list_entries(client, prefix_list_id):
    body = client.describe_prefix_list_attributes(M.DescribePrefixListAttributesRequest(
        region_id=REGION, prefix_list_id=prefix_list_id)).body
    return [(entry.cidr, entry.description) for entry in body.entries.entry]


def describe_prefix_lists(client, **fields):
    fields.setdefault('region_id', REGION)
    return client.describe_prefix_lists(M.DescribePrefixListsRequest(**fields)).body


def prefix_list_ids(client, **fields):
    """The ids of every prefix list that passes the filters, over all pages."""
    ids, token = [], None
    while True:
        body = describe_prefix_lists(client, next_token=token, **fields)
        ids += [plist.prefix_list_id for plist in body.prefix_lists.prefix_list]
        token = body.next_token
        if not token:
            return ids


def prefix_list_associations(client, prefix_list_id, **fields):
    return client.describe_prefix_list_associations(M.DescribePrefixListAssociationsRequest(
        region_id=REGION, prefix_list_id=prefix_list_id, **fields)).body


def create_port_range_list(client, entries=(), **fields):
    request = {'region_id': REGION, 'port_range_list_name': 'web-ports', 'max_entries': 10}
    request.update(fields)
    if entries:
        request['entry'] = [M.CreatePortRangeListRequestEntry(port_range=ports, description=text) for ports, text in _pairs(entries)]
    return client.create_port_range_list(M.CreatePortRangeListRequest(**request)).body


def modify_port_range_list(client, port_range_list_id, add=(), remove=(), **fields):
    request = {'region_id': REGION, 'port_range_list_id': port_range_list_id}
    request.update(fields)
    if add:
        request['add_entry'] = [M.ModifyPortRangeListRequestAddEntry(port_range=ports, description=text) for ports, text in _pairs(add)]
    if remove:
        request['remove_entry'] = [M.ModifyPortRangeListRequestRemoveEntry(port_range=ports) for ports in remove]
    return client.modify_port_range_list(M.ModifyPortRangeListRequest(**request)).body


def delete_port_range_list(client, port_range_list_id, region_id=REGION):
    return client.delete_port_range_list(M.DeletePortRangeListRequest(region_id=region_id, port_range_list_id=port_range_list_id)).body


def port_range_list_entries(client, port_range_list_id, region_id=REGION):
    body = client.describe_port_range_list_entries(M.DescribePortRangeListEntriesRequest(
        region_id=region_id, port_range_list_id=port_range_list_id)).body
    return [(entry.port_range, entry.description) for entry in body.entries]


def describe_port_range_lists(client, **fields):
    fields.setdefault('region_id', REGION)
    return client.describe_port_range_lists(M.DescribePortRangeListsRequest(**fields)).body


def port_range_list_ids(client, **fields):
    ids, token = [], None
    while True:
        body = describe_port_range_lists(client, next_token=token, **fields)
        ids += [plist.port_range_list_id for plist in body.port_range_lists]
        token = body.next_token
        if not token:
            return ids


def port_range_list_associations(client, port_range_list_id, **fields):
    return client.describe_port_range_list_associations(M.DescribePortRangeListAssociationsRequest(
        region_id=REGION, port_range_list_id=port_range_list_id, **fields)).body


def reference_prefix_list(client, group_id, prefix_list_id, direction='egress', port='80/80'):
    """A rule of the group whose peer is the prefix list."""
    if direction == 'egress':
        client.authorize_security_group_egress(egress(group_id, ip_protocol='tcp', port_range=port, dest_prefix_list_id=prefix_list_id))
    else:
        client.authorize_security_group(M.AuthorizeSecurityGroupRequest(
            region_id=REGION, security_group_id=group_id, ip_protocol='tcp', port_range=port, source_prefix_list_id=prefix_list_id))


def cidr_blocks(count):
    return ['10.%d.%d.0/24' % (i // 256, i % 256) for i in range(count)]


def port_ranges(count):
    return ['%d/%d' % (1000 + i, 1000 + i) for i in range(count)]


def assert_refused(err, code, status, message=None):
    assert (err.code, err.status_code) == (code, status), err.message
    if message is not None:
        assert message in err.message


def port_list_rule_fixture():
    """The default fixture with one egress rule of sg-demo-app over the port range list prl-demo-web."""
    fixture = load_fixture(DEFAULT_FIXTURE)
    main = next(account for account in fixture['accounts'] if account['name'] == 'main')
    group = next(group for group in main['security_groups'] if group['id'] == 'sg-demo-app')
    group['egress'] = [{'IpProtocol': 'TCP', 'PortRange': '1/65535', 'DestCidrIp': '10.0.0.0/8', 'PortRangeListId': 'prl-demo-web',
                        'Description': 'web ports'}]
    return fixture


# -- CreatePrefixList ------------------------------------------------------------------------------
def test_create_prefix_list_and_read_it_back(client, emu):
    body = create_prefix_list(client, [('10.0.0.1', 'a host'), ('192.168.0.0/16', 'a network')], description='the web servers',
                              max_entries=5, resource_group_id='rg-demo-1',
                              tag=[M.CreatePrefixListRequestTag(key='env', value='demo')])
    assert re.match(r'^pl-[a-z0-9]{20}$', body.prefix_list_id)
    assert emu.requests()[-1]['write'] is True and emu.requests()[-1]['applied'] is True

    # A bare address is stored as a /32 block.
    assert prefix_list_entries(client, body.prefix_list_id) == [('10.0.0.1/32', 'a host'), ('192.168.0.0/16', 'a network')]
    (plist,) = describe_prefix_lists(client, prefix_list_id=[body.prefix_list_id]).to_map()['PrefixLists']['PrefixList']
    assert TIME_FORMAT.match(plist.pop('CreationTime'))
    assert plist == {'PrefixListId': body.prefix_list_id, 'PrefixListName': 'web-servers', 'Description': 'the web servers',
                     'AddressFamily': 'IPv4', 'MaxEntries': 5, 'AssociationCount': 0, 'ResourceGroupId': 'rg-demo-1',
                     'Tags': {'Tag': [{'TagKey': 'env', 'TagValue': 'demo'}]}}


def test_ipv6_entries_are_stored_compressed_in_lower_case(client):
    body = create_prefix_list(client, ['2001:0DB8:0000:0000:0000:0000:0000:0000/32', '2001:DB8:1::1'], address_family='IPv6')
    assert prefix_list_entries(client, body.prefix_list_id) == [('2001:db8::/32', ''), ('2001:db8:1::1/128', '')]


def test_names_and_limits_at_their_bounds_are_accepted(client):
    for name in ('ab', 'a' * 128, '前缀列表-1', 'a:b_c.d-e9'):
        create_prefix_list(client, prefix_list_name=name)
    body = create_prefix_list(client, cidr_blocks(200), max_entries=200, description='d' * 256)
    assert len(prefix_list_entries(client, body.prefix_list_id)) == 200
    body = create_prefix_list(client, [('10.0.0.0/8', 'x' * 32)], max_entries=1, description='ab')
    assert prefix_list_entries(client, body.prefix_list_id) == [('10.0.0.0/8', 'x' * 32)]


def test_names_need_not_be_unique(client):
    first = create_prefix_list(client, prefix_list_name='twice').prefix_list_id
    second = create_prefix_list(client, prefix_list_name='twice').prefix_list_id
    assert prefix_list_ids(client, prefix_list_name='twice') == [first, second]


def tags(count):
    return [M.CreatePrefixListRequestTag(key='k%d' % i, value='v') for i in range(count)]


CREATE_PREFIX_LIST_REFUSALS = [
    ('region-missing', dict(region_id=None), 'MissingRegionId', 400, None),
    ('region-unknown', dict(region_id='cn-nowhere'), 'InvalidRegionId.NotFound', 404, None),
    ('name-missing', dict(prefix_list_name=None), 'MissingParameter', 400, '"PrefixListName"'),
    ('name-one-character', dict(prefix_list_name='a'), 'InvalidParameter.PrefixListName', 400, 'PrefixListName is not valid'),
    ('name-too-long', dict(prefix_list_name='a' * 129), 'InvalidParameter.PrefixListName', 400, None),
    ('name-starts-with-digit', dict(prefix_list_name='1st'), 'InvalidParameter.PrefixListName', 400, None),
    ('name-url', dict(prefix_list_name='http://x'), 'InvalidParameter.PrefixListName', 400, None),
    ('name-com-aliyun', dict(prefix_list_name='com.aliyun.dns'), 'InvalidParameter.PrefixListName', 400, None),
    ('name-com-alibabacloud', dict(prefix_list_name='com.alibabacloud'), 'InvalidParameter.PrefixListName', 400, None),
    ('name-slash', dict(prefix_list_name='web/servers'), 'InvalidParameter.PrefixListName', 400, None),
    ('name-space', dict(prefix_list_name='web servers'), 'InvalidParameter.PrefixListName', 400, None),
    ('family-missing', dict(address_family=None), 'MissingParameter', 400, '"AddressFamily"'),
    ('family-lower-case', dict(address_family='ipv4'), 'InvalidParameter.AddressFamily', 400, 'should be IPv4 or IPv6'),
    ('family-unknown', dict(address_family='IPv5'), 'InvalidParameter.AddressFamily', 400, None),
    ('max-entries-missing', dict(max_entries=None), 'MissingParameter', 400, '"MaxEntries"'),
    ('max-entries-zero', dict(max_entries=0), 'InvalidParameter', 400, 'MaxEntries'),
    ('max-entries-201', dict(max_entries=201), 'InvalidParameter', 400, 'from 1 to 200'),
    ('description-one-character', dict(description='d'), 'InvalidDescription.Malformed', 400, 'The specified Description is wrongly formed.'),
    ('description-too-long', dict(description='d' * 257), 'InvalidDescription.Malformed', 400, None),
    ('description-url', dict(description='https://example.com'), 'InvalidDescription.Malformed', 400, None),
    ('cidr-bad-octet', dict(entries=['10.0.0.256']), 'InvalidParameter.CidrMalformed', 400, '"10.0.0.256" is not valid'),
    ('cidr-garbage', dict(entries=['web']), 'InvalidParameter.CidrMalformed', 400, None),
    ('cidr-prefix-too-long', dict(entries=['10.0.0.0/33']), 'InvalidParameter.CidrMalformed', 400, None),
    ('cidr-netmask-form', dict(entries=['10.0.0.0/255.0.0.0']), 'InvalidParameter.CidrMalformed', 400, None),
    ('cidr-host-bits', dict(entries=['10.0.0.1/8']), 'InvalidParameter.CidrMalformed', 400, 'its network is 10.0.0.0/8'),
    ('cidr-of-other-family', dict(entries=['2001:db8::/32']), 'InvalidParameter.CidrMalformed', 400, 'address family IPv4'),
    ('ipv4-in-ipv6-list', dict(entries=['10.0.0.0/8'], address_family='IPv6'), 'InvalidParameter.CidrMalformed', 400, 'IPv6'),
    ('entry-without-cidr', dict(entries=[(None, 'no block')]), 'MissingParameter', 400, '"Entry.1.Cidr"'),
    ('entry-description-one-character', dict(entries=[('10.0.0.0/8', 'd')]), 'InvalidDescription.Malformed', 400, None),
    ('entry-description-too-long', dict(entries=[('10.0.0.0/8', 'd' * 33)]), 'InvalidDescription.Malformed', 400, None),
    ('entry-description-url', dict(entries=[('10.0.0.0/8', 'http://x')]), 'InvalidDescription.Malformed', 400, None),
    ('duplicate-bare-and-block', dict(entries=['10.0.0.1', '10.0.0.1/32']), 'InvalidParameter.CidrDuplicated', 400, '10.0.0.1/32'),
    ('duplicate-ipv6-spellings', dict(entries=['2001:fd01:0:0:0:0:0:0/32', '2001:fd01::/32'], address_family='IPv6'),
     'InvalidParameter.CidrDuplicated', 400, None),
    ('201-entries', dict(entries=cidr_blocks(201), max_entries=200), 'LimitExceed.Entry', 400, 'added or removed exceeds the limit'),
    ('more-entries-than-max', dict(entries=cidr_blocks(3), max_entries=2), 'LimitExceed.MaxEntries', 400,
     'exceeds the MaxEntries of the specified prefix list'),
    ('21-tags', dict(tag=tags(21)), 'NumberExceed.Tags', 400, None),
    ('system-tag-key', dict(tag=[M.CreatePrefixListRequestTag(key='acs:owner', value='x')]), 'InvalidTagKey.Malformed', 400, None),
    ('duplicate-tag-key', dict(tag=[M.CreatePrefixListRequestTag(key='k', value='1'), M.CreatePrefixListRequestTag(key='k', value='2')]),
     'Duplicate.TagKey', 400, None),
    ('client-token-too-long', dict(client_token='t' * 65), 'InvalidClientToken.ValueNotSupported', 400, None),
]


@pytest.mark.parametrize('fields,code,status,message', [case[1:] for case in CREATE_PREFIX_LIST_REFUSALS],
                         ids=[case[0] for case in CREATE_PREFIX_LIST_REFUSALS])
def test_create_prefix_list_refusals_create_nothing(client, fields, code, status, message):
    fields = dict(fields)
    entries = fields.pop('entries', ())
    err = api_error(create_prefix_list, client, entries, **fields)
    assert_refused(err, code, status, message)
    assert prefix_list_ids(client) == FIXTURE_PREFIX_LISTS


def test_create_prefix_list_refuses_a_max_entries_that_is_not_a_number(tmp_path):
    error = api_error_of(service_on(tmp_path), 'CreatePrefixList', {
        'RegionId': REGION, 'PrefixListName': 'web', 'AddressFamily': 'IPv4', 'MaxEntries': 'ten'}, MAIN)
    assert (error.code, error.status) == ('InvalidParameter', 400)


def test_create_prefix_list_client_token(client, emu):
    first = create_prefix_list(client, ['10.0.0.0/8'], client_token='create-once')
    again = create_prefix_list(client, ['10.0.0.0/8'], client_token='create-once')
    assert (again.prefix_list_id, again.request_id) == (first.prefix_list_id, first.request_id)
    assert emu.requests()[-1]['applied'] is False
    assert prefix_list_ids(client) == FIXTURE_PREFIX_LISTS + [first.prefix_list_id]
    err = api_error(create_prefix_list, client, ['10.0.0.0/16'], client_token='create-once')
    assert_refused(err, 'IdempotentParameterMismatch', 400)


def test_prefix_list_quota_is_per_account_and_region(tmp_path):
    service = service_on(tmp_path)

    def create(region_id=REGION, key='main'):
        return service.call('CreatePrefixList', {'RegionId': region_id, 'PrefixListName': 'quota', 'AddressFamily': 'IPv4',
                                                 'MaxEntries': '1'}, credentials(key))

    for _number in range(100 - len(FIXTURE_PREFIX_LISTS)):
        create()
    error = api_error_of(service, 'CreatePrefixList',
                         {'RegionId': REGION, 'PrefixListName': 'quota', 'AddressFamily': 'IPv4', 'MaxEntries': '1'}, MAIN)
    assert (error.code, error.status) == ('LimitExceed.PrefixListPerRegion', 404)
    create(region_id='cn-shanghai')
    create(key='peer')
    service.call('DeletePrefixList', {'RegionId': REGION, 'PrefixListId': 'pl-demo-ipv4'}, MAIN)
    create()


# -- ModifyPrefixList ------------------------------------------------------------------------------
def test_add_and_remove_entries_in_one_call(client, emu):
    modify_prefix_list(client, 'pl-demo-ipv4', add=[('10.0.0.0/8', 'private'), '172.16.0.1'], remove=['100.100.2.136'])
    assert emu.requests()[-1]['write'] is True and emu.requests()[-1]['applied'] is True
    # The remaining entries keep their order; the new ones come after them.
    assert prefix_list_entries(client, 'pl-demo-ipv4') == [
        ('100.100.2.138/32', 'DNS resolver 2'), ('10.0.0.0/8', 'private'), ('172.16.0.1/32', '')]


def test_adding_an_existing_cidr_changes_its_description_in_place(client, emu):
    modify_prefix_list(client, 'pl-demo-ipv4', add=[('100.100.2.136', 'first resolver')])
    assert prefix_list_entries(client, 'pl-demo-ipv4') == [('100.100.2.136/32', 'first resolver'), ('100.100.2.138/32', 'DNS resolver 2')]
    modify_prefix_list(client, 'pl-demo-ipv4', add=[('100.100.2.136/32', 'first resolver')])
    assert emu.requests()[-1]['applied'] is False
    # Without a description the entry has none: AddEntry says what the entry becomes.
    modify_prefix_list(client, 'pl-demo-ipv4', add=['100.100.2.138/32'])
    assert prefix_list_entries(client, 'pl-demo-ipv4')[1] == ('100.100.2.138/32', '')


def test_rename_and_redescribe(client, emu):
    modify_prefix_list(client, 'pl-demo-ipv4', prefix_list_name='dns-resolvers', description='both resolvers')
    (plist,) = describe_prefix_lists(client, prefix_list_name='dns-resolvers').prefix_lists.prefix_list
    assert (plist.prefix_list_id, plist.description) == ('pl-demo-ipv4', 'both resolvers')
    # Absent name and description are left as they are; so are the current ones sent again.
    modify_prefix_list(client, 'pl-demo-ipv4', prefix_list_name='dns-resolvers')
    modify_prefix_list(client, 'pl-demo-ipv4', description='')
    assert emu.requests()[-1]['applied'] is False
    (plist,) = describe_prefix_lists(client, prefix_list_id=['pl-demo-ipv4']).prefix_lists.prefix_list
    assert (plist.prefix_list_name, plist.description, plist.max_entries) == ('dns-resolvers', 'both resolvers', 10)


def test_a_full_list_can_swap_entries_in_one_call(client):
    plist = create_prefix_list(client, ['10.0.0.0/8', '172.16.0.0/12'], max_entries=2).prefix_list_id
    modify_prefix_list(client, plist, add=['192.168.0.0/16'], remove=['10.0.0.0/8'])
    assert [cidr for cidr, _text in prefix_list_entries(client, plist)] == ['172.16.0.0/12', '192.168.0.0/16']
    err = api_error(modify_prefix_list, client, plist, add=['10.0.0.0/8'])
    assert_refused(err, 'LimitExceed.MaxEntries', 400, 'of the specified prefix list')


MODIFY_PREFIX_LIST_REFUSALS = [
    ('list-missing', dict(prefix_list_id=None), 'MissingParameter.PrefixListId', 400),
    ('list-unknown', dict(prefix_list_id='pl-nowhere'), 'InvalidPrefixListId.NotFound', 404),
    ('list-of-other-region', dict(region_id='cn-shanghai'), 'InvalidPrefixListId.NotFound', 404),
    ('region-unknown', dict(region_id='cn-nowhere'), 'InvalidRegionId.NotFound', 404),
    ('bad-name', dict(prefix_list_name='-web'), 'InvalidParameter.PrefixListName', 400),
    ('bad-description', dict(description='http://x'), 'InvalidDescription.Malformed', 400),
    ('cidr-malformed', dict(add=['10.0.0']), 'InvalidParameter.CidrMalformed', 400),
    ('cidr-host-bits', dict(add=['10.0.0.1/8']), 'InvalidParameter.CidrMalformed', 400),
    ('cidr-of-other-family', dict(add=['2001:db8::/32']), 'InvalidParameter.CidrMalformed', 400),
    ('removed-cidr-of-other-family', dict(remove=['2001:db8::/32']), 'InvalidParameter.CidrMalformed', 400),
    ('entry-description', dict(add=[('10.0.0.0/8', 'x' * 33)]), 'InvalidDescription.Malformed', 400),
    ('added-twice', dict(add=['10.0.0.0/8', '10.0.0.0/8']), 'InvalidParameter.CidrDuplicated', 400),
    ('removed-twice', dict(remove=['100.100.2.136', '100.100.2.136/32']), 'InvalidParameter.CidrDuplicated', 400),
    ('added-and-removed', dict(add=['100.100.2.136/32'], remove=['100.100.2.136']), 'InvalidParameter.CidrDuplicated', 400),
    ('removed-but-absent', dict(remove=['10.0.0.0/8']), 'InvalidParameter', 400),
    ('201-added', dict(add=cidr_blocks(201)), 'LimitExceed.Entry', 400),
    ('201-removed', dict(remove=cidr_blocks(201)), 'LimitExceed.Entry', 400),
    ('beyond-max-entries', dict(add=cidr_blocks(9)), 'LimitExceed.MaxEntries', 400),
]


@pytest.mark.parametrize('fields,code,status', [case[1:] for case in MODIFY_PREFIX_LIST_REFUSALS],
                         ids=[case[0] for case in MODIFY_PREFIX_LIST_REFUSALS])
def test_modify_prefix_list_refusals_change_nothing(client, fields, code, status):
    before = prefix_list_entries(client, 'pl-demo-ipv4')
    fields = dict(fields)
    prefix_list_id = fields.pop('prefix_list_id', 'pl-demo-ipv4')
    # A valid change rides along, to show that a refused call applies none of it.
    fields.setdefault('description', 'changed')
    err = api_error(modify_prefix_list, client, prefix_list_id, **fields)
    assert_refused(err, code, status)
    assert prefix_list_entries(client, 'pl-demo-ipv4') == before
    (plist,) = describe_prefix_lists(client, prefix_list_id=['pl-demo-ipv4']).prefix_lists.prefix_list
    assert plist.description == 'the two internal DNS resolvers'


def test_another_accounts_list_cannot_be_seen_or_changed(emu):
    peer = make_client(emu.endpoint, 'peer')
    for call in (lambda: modify_prefix_list(peer, 'pl-demo-ipv4', description='mine now'),
                 lambda: delete_prefix_list(peer, 'pl-demo-ipv4'),
                 lambda: prefix_list_associations(peer, 'pl-demo-ipv4'),
                 lambda: modify_port_range_list(peer, 'prl-demo-web', description='mine now'),
                 lambda: delete_port_range_list(peer, 'prl-demo-web'),
                 lambda: port_range_list_entries(peer, 'prl-demo-web'),
                 lambda: port_range_list_associations(peer, 'prl-demo-web')):
        err = api_error(call)
        assert err.code in ('InvalidPrefixListId.NotFound', 'InvalidPortRangeListId.NotFound')
    assert prefix_list_ids(peer) == [] and port_range_list_ids(peer) == []


def test_modify_prefix_list_ignores_a_client_token(tmp_path):
    # ModifyPrefixList's request model has no ClientToken: a token sent anyway neither replays nor refuses.
    service = service_on(tmp_path)
    params = {'RegionId': REGION, 'PrefixListId': 'pl-demo-ipv4', 'ClientToken': 'same'}
    service.call('ModifyPrefixList', dict(params, **{'AddEntry.1.Cidr': '10.0.0.0/8'}), MAIN)
    service.call('ModifyPrefixList', dict(params, **{'AddEntry.1.Cidr': '172.16.0.0/12'}), MAIN)
    body = service.call('DescribePrefixListAttributes', {'RegionId': REGION, 'PrefixListId': 'pl-demo-ipv4'}, MAIN)
    assert [entry['Cidr'] for entry in body['Entries']['Entry']][-2:] == ['10.0.0.0/8', '172.16.0.0/12']


# -- DeletePrefixList ------------------------------------------------------------------------------
def test_delete_prefix_list(client, emu):
    delete_prefix_list(client, 'pl-demo-ipv4')
    assert emu.requests()[-1]['write'] is True
    assert prefix_list_ids(client) == ['pl-demo-ipv6']
    assert_refused(api_error(prefix_list_entries, client, 'pl-demo-ipv4'), 'InvalidPrefixListId.NotFound', 404)
    assert_refused(api_error(delete_prefix_list, client, 'pl-demo-ipv4'), 'InvalidPrefixListId.NotFound', 404,
                   'The specified prefix list was not found.')


@pytest.mark.parametrize('direction', ['egress', 'ingress'])
def test_a_referenced_prefix_list_cannot_be_deleted(client, direction):
    reference_prefix_list(client, 'sg-demo-app', 'pl-demo-ipv4', direction)
    err = api_error(delete_prefix_list, client, 'pl-demo-ipv4')
    assert_refused(err, 'NotAllowed.AssociationExist', 400, 'The specified prefix list has associated resources.')
    assert 'pl-demo-ipv4' in prefix_list_ids(client)
    rules = describe(client, 'sg-demo-app', direction=direction)
    assert len(rules) == 1
    revoke = {'egress': (client.revoke_security_group_egress, M.RevokeSecurityGroupEgressRequest),
              'ingress': (client.revoke_security_group, M.RevokeSecurityGroupRequest)}[direction]
    revoke[0](revoke[1](region_id=REGION, security_group_id='sg-demo-app', security_group_rule_id=[rules[0]['SecurityGroupRuleId']]))
    delete_prefix_list(client, 'pl-demo-ipv4')
    assert prefix_list_ids(client) == ['pl-demo-ipv6']


@pytest.mark.parametrize('region_id,prefix_list_id,code,status', [
    (None, 'pl-demo-ipv4', 'MissingRegionId', 400),
    ('cn-shanghai', 'pl-demo-ipv4', 'InvalidPrefixListId.NotFound', 404),
    (REGION, '', 'MissingParameter.PrefixListId', 400),
])
def test_delete_prefix_list_refusals(client, region_id, prefix_list_id, code, status):
    assert_refused(api_error(delete_prefix_list, client, prefix_list_id, region_id), code, status)
    assert prefix_list_ids(client) == FIXTURE_PREFIX_LISTS


# -- DescribePrefixLists ---------------------------------------------------------------------------
def test_describe_prefix_lists_filters(client):
    tagged = create_prefix_list(client, prefix_list_name='tagged', resource_group_id='rg-web',
                                tag=[M.CreatePrefixListRequestTag(key='env', value='prod'),
                                     M.CreatePrefixListRequestTag(key='team', value='web')]).prefix_list_id
    ipv6 = create_prefix_list(client, prefix_list_name='tagged', address_family='IPv6',
                              tag=[M.CreatePrefixListRequestTag(key='env', value='test')]).prefix_list_id
    everything = FIXTURE_PREFIX_LISTS + [tagged, ipv6]
    assert prefix_list_ids(client) == everything
    assert prefix_list_ids(client, prefix_list_id=['pl-demo-ipv6', tagged, 'pl-nowhere']) == ['pl-demo-ipv6', tagged]
    assert prefix_list_ids(client, prefix_list_name='demo-ipv4') == ['pl-demo-ipv4']
    assert prefix_list_ids(client, prefix_list_name='demo') == []  # exact names only
    assert prefix_list_ids(client, address_family='IPv6') == ['pl-demo-ipv6', ipv6]
    assert prefix_list_ids(client, resource_group_id='rg-web') == [tagged]

    def tag(key, value=None):
        return M.DescribePrefixListsRequestTag(key=key, value=value)

    assert prefix_list_ids(client, tag=[tag('env')]) == [tagged, ipv6]
    assert prefix_list_ids(client, tag=[tag('env', 'prod')]) == [tagged]
    assert prefix_list_ids(client, tag=[tag('env'), tag('team', 'web')]) == [tagged]
    # Every filter must hold.
    assert prefix_list_ids(client, prefix_list_name='tagged', address_family='IPv4') == [tagged]
    assert prefix_list_ids(client, prefix_list_name='tagged', tag=[tag('env', 'prod')], address_family='IPv6') == []
    assert prefix_list_ids(client, region_id='cn-shanghai') == []


def test_describe_prefix_lists_pages(client):
    created = [create_prefix_list(client, prefix_list_name='page-%d' % number).prefix_list_id for number in range(12)]
    first = describe_prefix_lists(client)
    assert [plist.prefix_list_id for plist in first.prefix_lists.prefix_list] == (FIXTURE_PREFIX_LISTS + created)[:10]
    second = describe_prefix_lists(client, next_token=first.next_token)
    assert [plist.prefix_list_id for plist in second.prefix_lists.prefix_list] == created[8:]
    assert second.next_token == ''
    assert len(describe_prefix_lists(client, max_results=100).prefix_lists.prefix_list) == 14
    assert prefix_list_ids(client, max_results=1) == FIXTURE_PREFIX_LISTS + created


def test_association_count_counts_groups(client):
    reference_prefix_list(client, 'sg-demo-app', 'pl-demo-ipv4')
    reference_prefix_list(client, 'sg-demo-app', 'pl-demo-ipv4', 'ingress')
    reference_prefix_list(client, 'sg-demo-db', 'pl-demo-ipv4', port='443/443')
    counts = {plist.prefix_list_id: plist.association_count for plist in describe_prefix_lists(client).prefix_lists.prefix_list}
    assert counts == {'pl-demo-ipv4': 2, 'pl-demo-ipv6': 0}


@pytest.mark.parametrize('fields,code', [
    (dict(prefix_list_id=['pl-%d' % number for number in range(101)]), 'LimitExceed.PrefixListId'),
    (dict(address_family='ipv6'), 'InvalidParameter.AddressFamily'),
    (dict(max_results=0), 'InvalidParameter'),
    (dict(max_results=101), 'InvalidParameter'),
    (dict(next_token='not a token'), 'InvalidNextToken'),
    (dict(tag=[M.DescribePrefixListsRequestTag(value='orphan')]), 'InvalidParameter.TagValue'),
    (dict(region_id='cn-nowhere'), 'InvalidRegionId.NotFound'),
])
def test_describe_prefix_lists_refusals(client, fields, code):
    err = api_error(describe_prefix_lists, client, **fields)
    assert err.code == code
    assert err.status_code == (404 if code == 'InvalidRegionId.NotFound' else 400)


def test_a_hundred_ids_may_be_named(client):
    assert prefix_list_ids(client, prefix_list_id=['pl-demo-ipv4'] + ['pl-%d' % number for number in range(99)]) == ['pl-demo-ipv4']


# -- DescribePrefixListAssociations ----------------------------------------------------------------
def test_prefix_list_associations_in_pages(client):
    assert prefix_list_associations(client, 'pl-demo-ipv4').to_map()['PrefixListAssociations'] == {'PrefixListAssociation': []}
    for group_id in ('sg-demo-app', 'sg-demo-web', 'sg-demo-db'):
        reference_prefix_list(client, group_id, 'pl-demo-ipv4')
    reference_prefix_list(client, 'sg-demo-app', 'pl-demo-ipv4', 'ingress')
    body = prefix_list_associations(client, 'pl-demo-ipv4').to_map()
    # Groups in their creation order (the fixture's order), each once, typed in lower case.
    assert body['PrefixListAssociations'] == {'PrefixListAssociation': [
        {'ResourceId': group_id, 'ResourceType': 'securitygroup'} for group_id in ('sg-demo-web', 'sg-demo-db', 'sg-demo-app')]}
    assert body['NextToken'] == ''
    first = prefix_list_associations(client, 'pl-demo-ipv4', max_results=2)
    second = prefix_list_associations(client, 'pl-demo-ipv4', max_results=2, next_token=first.next_token)
    assert [row.resource_id for row in first.prefix_list_associations.prefix_list_association] == ['sg-demo-web', 'sg-demo-db']
    assert [row.resource_id for row in second.prefix_list_associations.prefix_list_association] == ['sg-demo-app']
    assert second.next_token == ''


@pytest.mark.parametrize('prefix_list_id,fields,code,status', [
    ('pl-nowhere', {}, 'InvalidPrefixListId.NotFound', 404),
    ('', {}, 'MissingParameter.PrefixListId', 400),
    ('pl-demo-ipv4', dict(max_results=101), 'InvalidParameter', 400),
    ('pl-demo-ipv4', dict(next_token='%%%'), 'InvalidNextToken', 400),
])
def test_prefix_list_associations_refusals(client, prefix_list_id, fields, code, status):
    assert_refused(api_error(prefix_list_associations, client, prefix_list_id, **fields), code, status)


# -- CreatePortRangeList ---------------------------------------------------------------------------
def test_create_port_range_list_and_read_it_back(client, emu):
    body = create_port_range_list(client, [('080/80', 'plain http'), ('8000/8999', 'apps')], description='the web ports',
                                  max_entries=20, resource_group_id='rg-demo-1',
                                  tag=[M.CreatePortRangeListRequestTag(key='env', value='')])
    assert re.match(r'^prl-[a-z0-9]{20}$', body.port_range_list_id)
    assert emu.requests()[-1]['write'] is True
    # Flat arrays, without the wrapper objects of the prefix list answers.
    entries = client.describe_port_range_list_entries(M.DescribePortRangeListEntriesRequest(
        region_id=REGION, port_range_list_id=body.port_range_list_id)).body.to_map()
    assert entries['Entries'] == [{'PortRange': '80/80', 'Description': 'plain http'}, {'PortRange': '8000/8999', 'Description': 'apps'}]
    listed = describe_port_range_lists(client, port_range_list_id=[body.port_range_list_id]).to_map()
    (plist,) = listed['PortRangeLists']
    assert TIME_FORMAT.match(plist.pop('CreationTime'))
    assert plist == {'PortRangeListId': body.port_range_list_id, 'PortRangeListName': 'web-ports', 'Description': 'the web ports',
                     'MaxEntries': 20, 'AssociationCount': 0, 'ResourceGroupId': 'rg-demo-1',
                     'Tags': [{'TagKey': 'env', 'TagValue': ''}]}
    assert listed['NextToken'] == ''


def test_the_fixture_port_range_list(client):
    assert port_range_list_entries(client, 'prl-demo-web') == [('80/80', 'plain http'), ('443/443', 'https')]
    (plist,) = describe_port_range_lists(client).port_range_lists
    assert (plist.port_range_list_id, plist.port_range_list_name, plist.max_entries) == ('prl-demo-web', 'demo-web', 10)


def test_port_range_list_bounds_are_accepted(client):
    body = create_port_range_list(client, ['1/65535'] + port_ranges(199), max_entries=2000, port_range_list_name='p' * 128)
    entries = port_range_list_entries(client, body.port_range_list_id)
    assert len(entries) == 200 and entries[0] == ('1/65535', '')


def port_tags(count):
    return [M.CreatePortRangeListRequestTag(key='k%d' % i, value='v') for i in range(count)]


CREATE_PORT_RANGE_LIST_REFUSALS = [
    ('region-unknown', dict(region_id='cn-nowhere'), 'InvalidRegionId.NotFound', 404, None),
    ('name-missing', dict(port_range_list_name=None), 'MissingParameter', 400, '"PortRangeListName"'),
    ('name-bad', dict(port_range_list_name='_web'), 'InvalidParameter.PortRangeListName', 400, 'PortRangeListName is not valid'),
    ('name-com-aliyun', dict(port_range_list_name='com.aliyun.web'), 'InvalidParameter.PortRangeListName', 400, None),
    ('max-entries-missing', dict(max_entries=None), 'MissingParameter', 400, '"MaxEntries"'),
    ('max-entries-zero', dict(max_entries=0), 'InvalidParameter', 400, 'from 1 to 2000'),
    ('max-entries-2001', dict(max_entries=2001), 'InvalidOperation.MaxEntriesCountExceed', 400, 'exceeded the upper limit'),
    ('description', dict(description='d'), 'InvalidDescription.Malformed', 400, 'The specifid Description is not valid.'),
    ('entry-without-range', dict(entries=[(None, 'no ports')]), 'InvalidParam.Entry', 400, 'parameter Entry is not valid'),
    ('single-port', dict(entries=['80']), 'InvalidParameter.PortRange', 400, 'two integers'),
    ('dash', dict(entries=['80-90']), 'InvalidParameter.PortRange', 400, None),
    ('port-zero', dict(entries=['0/80']), 'InvalidParameter.PortRange', 400, None),
    ('reversed', dict(entries=['90/80']), 'InvalidParameter.PortRange', 400, None),
    ('beyond-65535', dict(entries=['1/65536']), 'InvalidParameter.PortRange', 400, None),
    ('any-port', dict(entries=['-1/-1']), 'InvalidParameter.PortRange', 400, None),
    ('letters', dict(entries=['a/b']), 'InvalidParameter.PortRange', 400, None),
    ('entry-description', dict(entries=[('80/80', 'd' * 33)]), 'InvalidDescription.Malformed', 400, None),
    ('duplicate', dict(entries=['80/80', '080/080']), 'InvalidParameter.PortRangeDuplicated', 400, 'is duplicated'),
    ('201-entries', dict(entries=port_ranges(201), max_entries=2000), 'LimitExceed.Entry', 400, None),
    ('more-entries-than-max', dict(entries=port_ranges(3), max_entries=2), 'InvalidOperation.EntryCountExceedMaxEntries', 400, None),
    ('21-tags', dict(tag=port_tags(21)), 'NumberExceed.Tags', 400, None),
    ('client-token-not-ascii', dict(client_token='tökén'), 'InvalidClientToken.ValueNotSupported', 400, None),
]


@pytest.mark.parametrize('fields,code,status,message', [case[1:] for case in CREATE_PORT_RANGE_LIST_REFUSALS],
                         ids=[case[0] for case in CREATE_PORT_RANGE_LIST_REFUSALS])
def test_create_port_range_list_refusals_create_nothing(client, fields, code, status, message):
    fields = dict(fields)
    entries = fields.pop('entries', ())
    assert_refused(api_error(create_port_range_list, client, entries, **fields), code, status, message)
    assert port_range_list_ids(client) == FIXTURE_PORT_RANGE_LISTS


def test_create_port_range_list_client_token(client, emu):
    first = create_port_range_list(client, ['22/22'], client_token='ports-once')
    again = create_port_range_list(client, ['22/22'], client_token='ports-once')
    assert (again.port_range_list_id, again.request_id) == (first.port_range_list_id, first.request_id)
    assert emu.requests()[-1]['applied'] is False
    assert port_range_list_ids(client) == FIXTURE_PORT_RANGE_LISTS + [first.port_range_list_id]
    assert_refused(api_error(create_port_range_list, client, ['23/23'], client_token='ports-once'), 'IdempotentParameterMismatch', 400)


def test_port_range_list_quota(tmp_path):
    service = service_on(tmp_path)
    params = {'RegionId': REGION, 'PortRangeListName': 'quota', 'MaxEntries': '1'}
    for _number in range(100 - len(FIXTURE_PORT_RANGE_LISTS)):
        service.call('CreatePortRangeList', params, MAIN)
    error = api_error_of(service, 'CreatePortRangeList', params, MAIN)
    assert (error.code, error.status) == ('InvalidOperation.MaxCountExceed', 400)
    service.call('CreatePortRangeList', dict(params, RegionId='cn-shanghai'), MAIN)


# -- ModifyPortRangeList ---------------------------------------------------------------------------
def test_modify_port_range_list(client, emu):
    modify_port_range_list(client, 'prl-demo-web', add=[('8080/8080', 'alt http'), ('443/443', 'tls')], remove=['80/80'],
                           port_range_list_name='web-ports', description='what the web tier serves')
    assert port_range_list_entries(client, 'prl-demo-web') == [('443/443', 'tls'), ('8080/8080', 'alt http')]
    (plist,) = describe_port_range_lists(client, port_range_list_name='web-ports').port_range_lists
    assert (plist.port_range_list_id, plist.description) == ('prl-demo-web', 'what the web tier serves')
    modify_port_range_list(client, 'prl-demo-web', add=[('443/443', 'tls')])
    assert emu.requests()[-1]['applied'] is False


def test_modify_port_range_list_client_token(client, emu):
    first = modify_port_range_list(client, 'prl-demo-web', add=['22/22'], client_token='modify-once')
    again = modify_port_range_list(client, 'prl-demo-web', add=['22/22'], client_token='modify-once')
    assert again.request_id == first.request_id and emu.requests()[-1]['applied'] is False
    err = api_error(modify_port_range_list, client, 'prl-demo-web', add=['23/23'], client_token='modify-once')
    assert_refused(err, 'IdempotentParameterMismatch', 400)
    assert [ports for ports, _text in port_range_list_entries(client, 'prl-demo-web')] == ['80/80', '443/443', '22/22']


def test_a_full_port_range_list_can_swap_entries(client):
    plist = create_port_range_list(client, ['80/80'], max_entries=1).port_range_list_id
    modify_port_range_list(client, plist, add=['443/443'], remove=['80/80'])
    assert port_range_list_entries(client, plist) == [('443/443', '')]
    err = api_error(modify_port_range_list, client, plist, add=['80/80'])
    assert_refused(err, 'LimitExceed.MaxEntries', 400, 'of the specified PortRangeList')


MODIFY_PORT_RANGE_LIST_REFUSALS = [
    ('list-missing', dict(port_range_list_id=None), 'MissingParameter.PortRangeListId', 400),
    ('list-unknown', dict(port_range_list_id='prl-nowhere'), 'InvalidPortRangeListId.NotFound', 400),
    ('list-of-other-region', dict(region_id='cn-shanghai'), 'InvalidPortRangeListId.NotFound', 400),
    ('bad-name', dict(port_range_list_name='x'), 'InvalidParameter.PortRangeListName', 400),
    ('bad-description', dict(description='https://x'), 'InvalidDescription.Malformed', 400),
    ('bad-range', dict(add=['443']), 'InvalidParameter.PortRange', 400),
    ('bad-removed-range', dict(remove=['0/0']), 'InvalidParameter.PortRange', 400),
    ('added-twice', dict(add=['22/22', '22/22']), 'InvalidParameter.PortRangeDuplicated', 400),
    ('added-and-removed', dict(add=['80/80'], remove=['080/80']), 'InvalidParameter.PortRangeDuplicated', 400),
    ('removed-but-absent', dict(remove=['22/22']), 'InvalidParameter', 400),
    ('201-added', dict(add=port_ranges(201)), 'LimitExceed.Entry', 400),
    ('beyond-max-entries', dict(add=port_ranges(9)), 'LimitExceed.MaxEntries', 400),
]


@pytest.mark.parametrize('fields,code,status', [case[1:] for case in MODIFY_PORT_RANGE_LIST_REFUSALS],
                         ids=[case[0] for case in MODIFY_PORT_RANGE_LIST_REFUSALS])
def test_modify_port_range_list_refusals_change_nothing(client, fields, code, status):
    before = port_range_list_entries(client, 'prl-demo-web')
    fields = dict(fields)
    port_range_list_id = fields.pop('port_range_list_id', 'prl-demo-web')
    fields.setdefault('description', 'changed')
    assert_refused(api_error(modify_port_range_list, client, port_range_list_id, **fields), code, status)
    assert port_range_list_entries(client, 'prl-demo-web') == before
    assert describe_port_range_lists(client).port_range_lists[0].description == 'the web ports'


# -- DeletePortRangeList and port range lists in rules ---------------------------------------------
def test_delete_port_range_list(client, emu):
    delete_port_range_list(client, 'prl-demo-web')
    assert emu.requests()[-1]['write'] is True
    assert port_range_list_ids(client) == []
    assert_refused(api_error(port_range_list_entries, client, 'prl-demo-web'), 'InvalidPortRangeListId.NotFound', 400,
                   'The specified port range list was not found.')
    assert_refused(api_error(delete_port_range_list, client, 'prl-demo-web'), 'InvalidPortRangeListId.NotFound', 400)
    assert_refused(api_error(delete_port_range_list, client, ''), 'MissingParameter.PortRangeListId', 400)


def test_a_port_range_list_used_by_a_rule(tmp_path):
    service = service_on(tmp_path, port_list_rule_fixture())
    target = {'RegionId': REGION, 'PortRangeListId': 'prl-demo-web'}
    error = api_error_of(service, 'DeletePortRangeList', target, MAIN)
    assert (error.code, error.status, error.message) == (
        'InvalidPortRangeListId.AssociationExist', 400, 'The specified port range list has association resources.')
    answer = service.call('DescribePortRangeListAssociations', target, MAIN)
    assert answer['PortRangeListAssociations'] == [{'ResourceId': 'sg-demo-app', 'ResourceType': 'SecurityGroup'}]
    (plist,) = service.call('DescribePortRangeLists', {'RegionId': REGION}, MAIN)['PortRangeLists']
    assert plist['AssociationCount'] == 1

    group = {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-app'}
    (rule,) = service.call('DescribeSecurityGroupAttribute', group, MAIN)['Permissions']['Permission']
    assert (rule['PortRangeListId'], rule['PortRangeListName']) == ('prl-demo-web', 'demo-web')
    # Changing something else of the rule through the API keeps its port range list.
    service.call('ModifySecurityGroupEgressRule', dict(group, SecurityGroupRuleId=rule['SecurityGroupRuleId'], Priority='5'), MAIN)
    (rule,) = service.call('DescribeSecurityGroupAttribute', group, MAIN)['Permissions']['Permission']
    assert (rule['Priority'], rule['PortRangeListId']) == ('5', 'prl-demo-web')

    service.call('RevokeSecurityGroupEgress', dict(group, **{'SecurityGroupRuleId.1': rule['SecurityGroupRuleId']}), MAIN)
    assert service.call('DescribePortRangeListAssociations', target, MAIN)['PortRangeListAssociations'] == []
    service.call('DeletePortRangeList', target, MAIN)
    assert service.call('DescribePortRangeLists', {'RegionId': REGION}, MAIN)['PortRangeLists'] == []


def test_a_port_range_beside_a_port_range_list_makes_a_plain_rule(client):
    # The SDK models: PortRangeListId is ignored when PortRange is given (test_port_list_rules.py has the rest).
    client.authorize_security_group_egress(egress(permissions=[permission(
        ip_protocol='tcp', port_range='80/80', dest_cidr_ip='10.0.0.0/8', port_range_list_id='prl-demo-web')]))
    assert [(rule['PortRangeListId'], rule['PortRangeListName']) for rule in describe(client, 'sg-demo-app', direction='egress')] == [('', '')]
    assert port_range_list_associations(client, 'prl-demo-web').port_range_list_associations == []
    delete_port_range_list(client, 'prl-demo-web')


# -- DescribePortRangeLists, DescribePortRangeListEntries, DescribePortRangeListAssociations -------
def test_describe_port_range_lists_filters_and_pages(client):
    tagged = create_port_range_list(client, port_range_list_name='tagged', resource_group_id='rg-web',
                                    tag=[M.CreatePortRangeListRequestTag(key='env', value='prod')]).port_range_list_id
    created = [create_port_range_list(client, port_range_list_name='page-%d' % number).port_range_list_id for number in range(10)]
    everything = FIXTURE_PORT_RANGE_LISTS + [tagged] + created
    assert port_range_list_ids(client) == everything
    first = describe_port_range_lists(client)
    assert [plist.port_range_list_id for plist in first.port_range_lists] == everything[:10] and first.next_token
    second = describe_port_range_lists(client, next_token=first.next_token)
    assert [plist.port_range_list_id for plist in second.port_range_lists] == everything[10:] and second.next_token == ''
    assert port_range_list_ids(client, max_results=3) == everything
    assert port_range_list_ids(client, port_range_list_id=[tagged, 'prl-demo-web', 'prl-nowhere']) == ['prl-demo-web', tagged]
    assert port_range_list_ids(client, port_range_list_name='page-3') == [created[3]]
    assert port_range_list_ids(client, resource_group_id='rg-web') == [tagged]
    assert port_range_list_ids(client, tag=[M.DescribePortRangeListsRequestTag(key='env', value='prod')]) == [tagged]
    assert port_range_list_ids(client, tag=[M.DescribePortRangeListsRequestTag(key='env', value='test')]) == []
    assert port_range_list_ids(client, port_range_list_name='tagged', resource_group_id='other') == []


@pytest.mark.parametrize('fields,code', [
    (dict(port_range_list_id=['prl-%d' % number for number in range(101)]), 'LimitExceed.PortRangeListId'),
    (dict(max_results=0), 'InvalidParameter'),
    (dict(max_results=101), 'InvalidParameter'),
    (dict(next_token='garbage!'), 'InvalidNextToken'),
    (dict(tag=[M.DescribePortRangeListsRequestTag(key='k%d' % number) for number in range(21)]), 'NumberExceed.Tags'),
])
def test_describe_port_range_lists_refusals(client, fields, code):
    assert_refused(api_error(describe_port_range_lists, client, **fields), code, 400)


@pytest.mark.parametrize('region_id,port_range_list_id,code,status', [
    (REGION, 'prl-nowhere', 'InvalidPortRangeListId.NotFound', 400),
    ('cn-shanghai', 'prl-demo-web', 'InvalidPortRangeListId.NotFound', 400),
    ('cn-nowhere', 'prl-demo-web', 'InvalidRegionId.NotFound', 404),
    (None, 'prl-demo-web', 'MissingRegionId', 400),
    (REGION, None, 'MissingParameter.PortRangeListId', 400),
])
def test_describe_port_range_list_entries_refusals(client, region_id, port_range_list_id, code, status):
    assert_refused(api_error(port_range_list_entries, client, port_range_list_id, region_id), code, status)


def test_port_range_list_associations_in_pages(tmp_path):
    fixture = port_list_rule_fixture()
    main = next(account for account in fixture['accounts'] if account['name'] == 'main')
    for group in main['security_groups']:
        if group['id'] in ('sg-demo-web', 'sg-demo-db'):
            group.setdefault('ingress', []).append({'IpProtocol': 'TCP', 'PortRange': '1/65535', 'SourceCidrIp': '10.0.0.0/8',
                                                    'PortRangeListId': 'prl-demo-web'})
    service = service_on(tmp_path, fixture)
    target = {'RegionId': REGION, 'PortRangeListId': 'prl-demo-web'}
    first = service.call('DescribePortRangeListAssociations', dict(target, MaxResults='2'), MAIN)
    second = service.call('DescribePortRangeListAssociations', dict(target, MaxResults='2', NextToken=first['NextToken']), MAIN)
    assert [row['ResourceId'] for row in first['PortRangeListAssociations'] + second['PortRangeListAssociations']] == [
        'sg-demo-web', 'sg-demo-db', 'sg-demo-app']
    assert second['NextToken'] == ''
    refusals = ((dict(target, MaxResults='101'), 'InvalidParameter'), (dict(target, PortRangeListId='prl-x'), 'InvalidPortRangeListId.NotFound'))
    for params, code in refusals:
        error = api_error_of(service, 'DescribePortRangeListAssociations', params, MAIN)
        assert (error.code, error.status) == (code, 400)


# -- across the actions ----------------------------------------------------------------------------
def test_request_log_marks_the_writes(client, emu):
    emu.clear_log()
    plist = create_prefix_list(client, ['10.0.0.0/8']).prefix_list_id
    modify_prefix_list(client, plist, add=['172.16.0.0/12'])
    describe_prefix_lists(client)
    prefix_list_entries(client, plist)
    prefix_list_associations(client, plist)
    delete_prefix_list(client, plist)
    ports = create_port_range_list(client, ['80/80']).port_range_list_id
    modify_port_range_list(client, ports, remove=['80/80'])
    describe_port_range_lists(client)
    port_range_list_entries(client, ports)
    port_range_list_associations(client, ports)
    delete_port_range_list(client, ports)
    assert [(entry['action'], entry['write'], entry['applied']) for entry in emu.requests()] == [
        ('CreatePrefixList', True, True), ('ModifyPrefixList', True, True), ('DescribePrefixLists', False, False),
        ('DescribePrefixListAttributes', False, False), ('DescribePrefixListAssociations', False, False),
        ('DeletePrefixList', True, True), ('CreatePortRangeList', True, True), ('ModifyPortRangeList', True, True),
        ('DescribePortRangeLists', False, False), ('DescribePortRangeListEntries', False, False),
        ('DescribePortRangeListAssociations', False, False), ('DeletePortRangeList', True, True)]


def test_an_error_fault_applies_nothing(client, emu):
    emu.set_faults({'rules': [{'kind': 'throttle', 'actions': ['ModifyPrefixList', 'DeletePortRangeList']}]})
    err = api_error(modify_prefix_list, client, 'pl-demo-ipv4', add=['10.0.0.0/8'])
    assert isinstance(err, ClientException) and err.code == 'Throttling.User'
    assert_refused(api_error(delete_port_range_list, client, 'prl-demo-web'), 'Throttling.User', 400)
    assert [(entry['fault'], entry['write'], entry['applied']) for entry in emu.requests()[-2:]] == [('throttle', True, False)] * 2
    assert len(prefix_list_entries(client, 'pl-demo-ipv4')) == 2
    assert port_range_list_ids(client) == FIXTURE_PORT_RANGE_LISTS


def test_a_dropped_create_is_committed_and_its_client_token_retry_creates_nothing(client, emu):
    emu.set_faults({'rules': [{'kind': 'drop_after_write', 'actions': ['CreatePortRangeList'], 'first': 1}]})
    with pytest.raises(UnretryableException):
        create_port_range_list(client, ['22/22'], client_token='lost-answer')
    (created,) = [plist for plist in port_range_list_ids(client) if plist not in FIXTURE_PORT_RANGE_LISTS]
    assert create_port_range_list(client, ['22/22'], client_token='lost-answer').port_range_list_id == created
    assert len(port_range_list_ids(client)) == 2


def test_reset_restores_the_fixture_lists(client, emu):
    delete_prefix_list(client, 'pl-demo-ipv4')
    modify_port_range_list(client, 'prl-demo-web', remove=['80/80'])
    create_prefix_list(client)
    create_port_range_list(client)
    emu.reset()
    assert prefix_list_ids(client) == FIXTURE_PREFIX_LISTS
    assert port_range_list_ids(client) == FIXTURE_PORT_RANGE_LISTS
    assert len(port_range_list_entries(client, 'prl-demo-web')) == 2


def test_v2_signature_and_sts_key(emu):
    legacy = make_client(emu.endpoint, signature_algorithm='v2')
    plist = create_prefix_list(legacy, [('10.0.0.0/8', 'two words & more')], description='signed the old way').prefix_list_id
    assert prefix_list_entries(make_client(emu.endpoint, 'main-sts'), plist) == [('10.0.0.0/8', 'two words & more')]
    ports = create_port_range_list(legacy, [('80/80', 'web: http')]).port_range_list_id
    assert port_range_list_entries(make_client(emu.endpoint, 'main-sts'), ports) == [('80/80', 'web: http')]


def test_list_reads_do_not_lag(tmp_path):
    # The consistency lag applies to security groups only: lists and their associations are read as they are now.
    service = service_on(tmp_path)
    service.consistency.set(60000)
    created = service.call('CreatePrefixList', {'RegionId': REGION, 'PrefixListName': 'fresh', 'AddressFamily': 'IPv4',
                                                'MaxEntries': '5', 'Entry.1.Cidr': '10.0.0.0/8'}, MAIN)['PrefixListId']
    listed = service.call('DescribePrefixLists', {'RegionId': REGION, 'PrefixListId.1': created}, MAIN)['PrefixLists']['PrefixList']
    assert [plist['PrefixListId'] for plist in listed] == [created]
    service.call('AuthorizeSecurityGroupEgress', {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-app', 'IpProtocol': 'tcp',
                                                  'PortRange': '80/80', 'DestPrefixListId': created}, MAIN)
    group = {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-app'}
    assert service.call('DescribeSecurityGroupAttribute', group, MAIN)['Permissions']['Permission'] == []  # the group lags
    associations = service.call('DescribePrefixListAssociations', {'RegionId': REGION, 'PrefixListId': created}, MAIN)
    assert associations['PrefixListAssociations']['PrefixListAssociation'] == [{'ResourceId': 'sg-demo-app', 'ResourceType': 'securitygroup'}]
    ports = service.call('CreatePortRangeList', {'RegionId': REGION, 'PortRangeListName': 'fresh', 'MaxEntries': '5',
                                                 'Entry.1.PortRange': '22/22'}, MAIN)['PortRangeListId']
    assert service.call('DescribePortRangeListEntries', {'RegionId': REGION, 'PortRangeListId': ports}, MAIN)['Entries'] == [
        {'PortRange': '22/22', 'Description': ''}]


def test_fixture_lists_with_tags_and_resource_groups(tmp_path):
    fixture = load_fixture(DEFAULT_FIXTURE)
    main = next(account for account in fixture['accounts'] if account['name'] == 'main')
    main['port_range_lists'].append({'id': 'prl-bare', 'region': REGION, 'name': 'bare'})
    main['port_range_lists'].append({'id': 'prl-tagged', 'region': REGION, 'name': 'tagged', 'resource_group_id': 'rg-1',
                                     'tags': {'env': 'prod', 'empty': None}, 'max_entries': 3,
                                     'entries': [{'port_range': '22/22'}]})
    main['prefix_lists'].append({'id': 'pl-tagged', 'region': REGION, 'name': 'tagged', 'tags': {'env': 'prod'},
                                 'resource_group_id': 'rg-1'})
    service = service_on(tmp_path, fixture)
    lists = service.call('DescribePortRangeLists', {'RegionId': REGION}, MAIN)['PortRangeLists']
    assert [(plist['PortRangeListId'], plist['MaxEntries'], plist['ResourceGroupId'], plist['Tags']) for plist in lists[1:]] == [
        ('prl-bare', 10, '', []),
        ('prl-tagged', 3, 'rg-1', [{'TagKey': 'env', 'TagValue': 'prod'}, {'TagKey': 'empty', 'TagValue': ''}])]
    assert service.call('DescribePortRangeListEntries', {'RegionId': REGION, 'PortRangeListId': 'prl-bare'}, MAIN)['Entries'] == []
    tagged = service.call('DescribePrefixLists', {'RegionId': REGION, 'Tag.1.Key': 'env', 'ResourceGroupId': 'rg-1'}, MAIN)
    assert [plist['PrefixListId'] for plist in tagged['PrefixLists']['PrefixList']] == ['pl-tagged']


def test_the_order_of_the_checks(client):
    """Each call is refused for the first thing wrong, in the order the README gives."""
    fields = dict(prefix_list_name='1st', address_family='IPv5', max_entries=0, description='d')
    valid = dict(prefix_list_name='web', address_family='IPv4', max_entries=5, description='ok')
    for name, code in (('prefix_list_name', 'InvalidParameter.PrefixListName'), ('address_family', 'InvalidParameter.AddressFamily'),
                       ('max_entries', 'InvalidParameter'), ('description', 'InvalidDescription.Malformed')):
        assert api_error(create_prefix_list, client, ['10.0.0.1/8'], **fields).code == code
        fields[name] = valid[name]
    assert api_error(create_prefix_list, client, ['10.0.0.1/8'], **fields).code == 'InvalidParameter.CidrMalformed'
    # An unknown list is reported before anything wrong in the changes asked for.
    err = api_error(modify_prefix_list, client, 'pl-nowhere', prefix_list_name='1st', add=['10.0.0.1/8'])
    assert err.code == 'InvalidPrefixListId.NotFound'
    err = api_error(modify_port_range_list, client, 'prl-demo-web', port_range_list_name='_x', add=['0/0'], remove=['22/22'])
    assert err.code == 'InvalidParameter.PortRangeListName'
    err = api_error(modify_port_range_list, client, 'prl-demo-web', add=['0/0'], remove=['22/22'])
    assert err.code == 'InvalidParameter.PortRange'
    err = api_error(create_port_range_list, client, ['0/0'], max_entries=2001, port_range_list_name='ok-name')
    assert err.code == 'InvalidOperation.MaxEntriesCountExceed'
