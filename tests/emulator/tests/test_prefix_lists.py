"""DescribePrefixListAttributes: the fixture's prefix lists with their entries, and the documented errors."""

import pytest

from conftest import REGION, M, api_error, api_error_of, make_client, service_on
from ecs_emulator.harness import credentials
from ecs_emulator.service import Service
from ecs_emulator.store import Store


def describe(client, prefix_list_id, region_id=REGION):
    return client.describe_prefix_list_attributes(M.DescribePrefixListAttributesRequest(
        region_id=region_id, prefix_list_id=prefix_list_id)).body


def test_ipv4_list_with_its_entries(client):
    body = describe(client, 'pl-demo-ipv4')
    assert body.to_map() == {
        'RequestId': body.request_id, 'PrefixListId': 'pl-demo-ipv4', 'PrefixListName': 'demo-ipv4',
        'AddressFamily': 'IPv4', 'MaxEntries': 10, 'Description': 'the two internal DNS resolvers',
        'CreationTime': '2024-01-01T00:00:00Z',
        'Entries': {'Entry': [{'Cidr': '100.100.2.136/32', 'Description': 'DNS resolver 1'},
                              {'Cidr': '100.100.2.138/32', 'Description': 'DNS resolver 2'}]},
    }


def test_ipv6_list(client):
    body = describe(client, 'pl-demo-ipv6')
    assert (body.address_family, body.max_entries) == ('IPv6', 5)
    assert [(e.cidr, e.description) for e in body.entries.entry] == [('2001:db8:100::/64', 'IPv6 demo range')]


def test_v2_signature_and_sts_key_work_too(emu):
    for key, extra in (('main', {'signature_algorithm': 'v2'}), ('main-sts', {})):
        body = describe(make_client(emu.endpoint, key, **extra), 'pl-demo-ipv4')
        assert len(body.entries.entry) == 2
    assert emu.requests()[-1]['action'] == 'DescribePrefixListAttributes' and emu.requests()[-1]['write'] is False


@pytest.mark.parametrize('key,prefix_list_id,region_id,code,status', [
    ('main', 'pl-nowhere', REGION, 'InvalidPrefixListId.NotFound', 404),
    ('peer', 'pl-demo-ipv4', REGION, 'InvalidPrefixListId.NotFound', 404),
    ('main', 'pl-demo-ipv4', 'cn-shanghai', 'InvalidPrefixListId.NotFound', 404),
    ('main', 'pl-demo-ipv4', 'cn-nowhere', 'InvalidRegionId.NotFound', 404),
    ('main', 'pl-demo-ipv4', None, 'MissingRegionId', 400),
    ('main', None, REGION, 'MissingParameter.PrefixListId', 400),
    ('main', '', REGION, 'MissingParameter.PrefixListId', 400),
])
def test_errors(emu, key, prefix_list_id, region_id, code, status):
    err = api_error(describe, make_client(emu.endpoint, key), prefix_list_id, region_id)
    assert (err.code, err.status_code) == (code, status)
    if code == 'InvalidPrefixListId.NotFound':
        assert 'The specified prefix list was not found.' in err.message


def test_service_without_http(tmp_path):
    service = service_on(tmp_path)
    body = service.call('DescribePrefixListAttributes', {'RegionId': REGION, 'PrefixListId': 'pl-demo-ipv6'}, credentials('main'))
    assert body['Entries'] == {'Entry': [{'Cidr': '2001:db8:100::/64', 'Description': 'IPv6 demo range'}]}
    error = api_error_of(service, 'DescribePrefixListAttributes', {'RegionId': REGION, 'PrefixListId': 'pl-demo-ipv6'}, credentials('peer'))
    assert error.code == 'InvalidPrefixListId.NotFound'


def test_fixture_without_entries_or_max_entries(tmp_path):
    store = Store(str(tmp_path / 's.sqlite'))
    store.initialise(None)
    store.seed({'regions': [REGION], 'accounts': [{
        'name': 'a', 'account_id': '1', 'account_name': 'a@example.com', 'keys': [],
        'prefix_lists': [{'id': 'pl-bare', 'region': REGION, 'name': 'bare'}]}]})
    body = Service(store).call('DescribePrefixListAttributes', {'RegionId': REGION, 'PrefixListId': 'pl-bare'},
                               {'account_id': '1', 'account_name': 'a@example.com'})
    assert (body['AddressFamily'], body['MaxEntries'], body['Description'], body['Entries']) == ('IPv4', 10, '', {'Entry': []})
