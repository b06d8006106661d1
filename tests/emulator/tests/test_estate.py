"""DescribeSecurityGroups at the scale of an estate: a few hundred groups in two accounts and two regions, listed in
pages of 100 as an audit lists them, with filters, account isolation, and latency that concurrent calls overlap."""

import json
import math
import time
from concurrent.futures import ThreadPoolExecutor, wait

import pytest

from conftest import M, api_error, make_client
from ecs_emulator.fixture_file import load_fixture
from ecs_emulator.harness import Emulator, write_fixture

HANGZHOU, SHANGHAI = 'cn-hangzhou', 'cn-shanghai'
# Groups added to the default fixture's, per (account, region). With main's 15 default groups in cn-hangzhou that makes
# exactly 200 there (two full pages: the last page must end the listing, not announce an empty third one), 66 in
# cn-shanghai (one page), 121 in peer's cn-hangzhou (a full page and one more group) and none in peer's cn-shanghai.
ESTATE = {('main', HANGZHOU): 185, ('main', SHANGHAI): 65, ('peer', HANGZHOU): 120, ('peer', SHANGHAI): 0}
PAGE = 100
LATENCY_MS = 50
CONCURRENT_CALLS = 10


def estate_group(account, region, index):
    """Fixture keys of one estate group. Both accounts use the same VPC ids and tags, so that a filter matching in both
    shows that each account still sees only its own groups."""
    return dict(region=region, name='estate-%s-%03d' % (account, index),
                vpc_id='vpc-estate-%s' % ('a' if index % 2 == 0 else 'b') if region == HANGZHOU else 'vpc-estate-c',
                tags=dict({'env': 'prod' if index % 3 == 0 else 'dev'}, **({'team': 'blue'} if index % 4 == 0 else {})))


@pytest.fixture(scope='module')
def estate_fixture(tmp_path_factory):
    path = str(tmp_path_factory.mktemp('estate') / 'estate.json')

    def groups_of(account):
        return dict(('sg-estate-%s-%s-%03d' % (account, region[3:], index), estate_group(account, region, index))
                    for (owner, region), count in ESTATE.items() if owner == account for index in range(count))

    # The default fixture plus main's groups, then that plus peer's.
    write_fixture(path, groups_of('main'), account='main')
    return write_fixture(path, groups_of('peer'), account='peer', base=path)


@pytest.fixture(scope='module')
def estate_server(tmp_path_factory, estate_fixture):
    # STS is not needed here; without it the emulator makes no certificate and starts sooner.
    server = Emulator(str(tmp_path_factory.mktemp('estate-state') / 'state.sqlite'), fixture_path=estate_fixture, sts=False).start()
    yield server
    server.stop()


@pytest.fixture
def estate(estate_server):
    estate_server.clear_faults()
    return estate_server


def fixture_groups(fixture_path, account, region):
    """The fixture's groups of one account and region, in fixture order: the order the emulator creates, and lists, them."""
    owner = next(entry for entry in load_fixture(fixture_path)['accounts'] if entry['name'] == account)
    return [group for group in owner['security_groups'] if group['region'] == region]


def fixture_ids(fixture_path, account, region, keep=lambda group: True):
    return [group['id'] for group in fixture_groups(fixture_path, account, region) if keep(group)]


def list_pages(client, region, **filters):
    """Every page of DescribeSecurityGroups for the filters, following NextToken (MaxResults as given)."""
    pages, token = [], None
    while True:
        body = client.describe_security_groups(M.DescribeSecurityGroupsRequest(region_id=region, next_token=token, **filters)).body
        pages.append(body)
        token = body.next_token
        if not token:
            return pages
        assert len(pages) <= 1000, 'NextToken never ends'


def ids_of(pages):
    return [group.security_group_id for page in pages for group in page.security_groups.security_group]


def tag_filter(**tags):
    """Tag.N filters; a None value filters on the key alone (any value)."""
    return [M.DescribeSecurityGroupsRequestTag(key=key, value=value) for key, value in tags.items()]


@pytest.mark.parametrize('account,region', sorted(ESTATE))
def test_pages_of_100_list_every_group_exactly_once(estate, estate_fixture, account, region):
    expected = fixture_ids(estate_fixture, account, region)
    pages = list_pages(make_client(estate.endpoint, account), region, max_results=PAGE)
    listed = ids_of(pages)
    assert listed == expected and len(set(listed)) == len(listed)
    # An empty scope still answers one (empty) page: the caller cannot know it is empty without asking.
    assert len(pages) == max(1, math.ceil(len(expected) / PAGE))
    assert [len(page.security_groups.security_group) for page in pages[:-1]] == [PAGE] * (len(pages) - 1)
    assert {page.total_count for page in pages} == {len(expected)}
    assert pages[-1].next_token == ''


def test_the_estate_has_the_sizes_the_tests_rely_on(estate_fixture):
    counts = dict(((account, region), len(fixture_ids(estate_fixture, account, region))) for account, region in ESTATE)
    assert counts == {('main', HANGZHOU): 200, ('main', SHANGHAI): 66, ('peer', HANGZHOU): 121, ('peer', SHANGHAI): 0}


def test_vpc_filter_combines_with_paging(estate, estate_fixture):
    expected = fixture_ids(estate_fixture, 'main', HANGZHOU, lambda group: group.get('vpc_id') == 'vpc-estate-a')
    pages = list_pages(make_client(estate.endpoint), HANGZHOU, vpc_id='vpc-estate-a', max_results=20)
    assert ids_of(pages) == expected and len(expected) == 93
    assert len(pages) == math.ceil(len(expected) / 20)
    assert {group.vpc_id for page in pages for group in page.security_groups.security_group} == {'vpc-estate-a'}
    assert {page.total_count for page in pages} == {len(expected)}


@pytest.mark.parametrize('tags,vpc_id', [
    (dict(env='prod'), None),
    (dict(env='prod', team='blue'), None),
    (dict(team=None), None),
    (dict(env='dev', team=None), 'vpc-estate-a'),
], ids=['one tag', 'two tags', 'key only', 'tags and vpc'])
def test_tag_filters_combine_with_paging(estate, estate_fixture, tags, vpc_id):
    def keep(group):
        carried = group.get('tags') or {}
        return (all(key in carried and (value is None or carried[key] == value) for key, value in tags.items())
                and (vpc_id is None or group.get('vpc_id') == vpc_id))

    expected = fixture_ids(estate_fixture, 'main', HANGZHOU, keep)
    pages = list_pages(make_client(estate.endpoint), HANGZHOU, tag=tag_filter(**tags), vpc_id=vpc_id, max_results=10)
    assert ids_of(pages) == expected and len(expected) > 10
    assert len(pages) == math.ceil(len(expected) / 10)
    for page in pages:
        for group in page.security_groups.security_group:
            carried = dict((tag.tag_key, tag.tag_value) for tag in group.tags.tag)
            assert all(carried.get(key) == value if value is not None else key in carried for key, value in tags.items())


def test_one_hundred_group_ids_page_with_other_filters(estate, estate_fixture):
    hangzhou = fixture_ids(estate_fixture, 'main', HANGZHOU)
    # 100 ids: 90 of main's cn-hangzhou groups, 5 of its cn-shanghai ones and 5 of peer's; only the first 90 are listed.
    asked = hangzhou[::2][:90] + fixture_ids(estate_fixture, 'main', SHANGHAI)[:5] + fixture_ids(estate_fixture, 'peer', HANGZHOU)[:5]
    assert len(asked) == 100
    client = make_client(estate.endpoint)
    pages = list_pages(client, HANGZHOU, security_group_ids=json.dumps(asked), max_results=30)
    assert ids_of(pages) == [group_id for group_id in hangzhou if group_id in asked[:90]]
    assert len(pages) == 3 and {page.total_count for page in pages} == {90}
    # The same ids narrowed by a tag: the filters must all hold, and paging still covers every match.
    prod = [group_id for group_id in fixture_ids(estate_fixture, 'main', HANGZHOU, lambda group: (group.get('tags') or {}).get('env') == 'prod')
            if group_id in asked[:90]]
    pages = list_pages(client, HANGZHOU, security_group_ids=json.dumps(asked), tag=tag_filter(env='prod'), max_results=7)
    assert ids_of(pages) == prod and len(pages) == math.ceil(len(prod) / 7)


def test_more_than_one_hundred_group_ids_are_refused(estate, estate_fixture):
    asked = fixture_ids(estate_fixture, 'main', HANGZHOU)[:101]
    client = make_client(estate.endpoint)
    err = api_error(client.describe_security_groups, M.DescribeSecurityGroupsRequest(region_id=HANGZHOU, security_group_ids=json.dumps(asked),
                                                                                     max_results=PAGE))
    # The code the emulator documents for a SecurityGroupIds it refuses (README, DescribeSecurityGroups).
    assert (err.code, err.status_code) == ('InvalidSecurityGroupIds.Malformed', 400)
    assert estate.requests()[-1]['code'] == 'InvalidSecurityGroupIds.Malformed'


def test_one_account_never_sees_the_others_groups(estate, estate_fixture):
    def owned(account):
        return dict((region, fixture_ids(estate_fixture, account, region)) for region in (HANGZHOU, SHANGHAI))

    for account, other_account in (('main', 'peer'), ('peer', 'main')):
        client, own, other = make_client(estate.endpoint, account), owned(account), owned(other_account)
        for region in (HANGZHOU, SHANGHAI):
            # Filters that match groups of both accounts (the same VPC id, the same tag) still list only the caller's.
            for filters in (dict(), dict(vpc_id='vpc-estate-a'), dict(tag=tag_filter(env='prod'))):
                listed = ids_of(list_pages(client, region, max_results=PAGE, **filters))
                assert set(listed) <= set(own[region]) and not set(listed) & set(other[region])
            assert ids_of(list_pages(client, region, max_results=PAGE)) == own[region]
        # Naming the other account's groups lists nothing, and reading one of them is NotFound.
        assert ids_of(list_pages(client, HANGZHOU, security_group_ids=json.dumps(other[HANGZHOU][:100]), max_results=PAGE)) == []
        err = api_error(client.describe_security_group_attribute, M.DescribeSecurityGroupAttributeRequest(
            region_id=HANGZHOU, security_group_id=other[HANGZHOU][-1]))
        assert (err.code, err.status_code) == ('InvalidSecurityGroupId.NotFound', 404)


def test_latency_lets_concurrent_calls_overlap(estate):
    clients = [make_client(estate.endpoint) for dummy in range(CONCURRENT_CALLS)]
    for client in clients:
        # Connections are opened before the clock starts: what is timed is the calls, not TCP set-up.
        client.describe_security_groups(M.DescribeSecurityGroupsRequest(region_id=HANGZHOU, max_results=1))
    estate.set_faults({'seed': 1, 'rules': [{'kind': 'latency', 'actions': ['*'], 'rate': 1.0, 'latency_ms': LATENCY_MS}]})
    estate.clear_log()

    def timed_call(client):
        started = time.monotonic()
        body = client.describe_security_groups(M.DescribeSecurityGroupsRequest(region_id=HANGZHOU, max_results=PAGE)).body
        return started, time.monotonic(), len(body.security_groups.security_group)

    with ThreadPoolExecutor(max_workers=CONCURRENT_CALLS) as pool:
        futures = [pool.submit(timed_call, client) for client in clients]
        done, pending = wait(futures, timeout=30)
    assert not pending, 'calls still running after 30 s'
    calls = [future.result() for future in done]
    # Each call waited out the injected latency ...
    assert all(ended - started >= LATENCY_MS / 1000.0 for started, ended, dummy in calls)
    assert [count for dummy, dummy_end, count in calls] == [PAGE] * CONCURRENT_CALLS
    # ... but not one after the other: serially they would take at least 10 x 50 ms = 500 ms.
    elapsed = max(ended for dummy, ended, dummy_count in calls) - min(started for started, dummy, dummy_count in calls)
    assert elapsed < CONCURRENT_CALLS * LATENCY_MS / 1000.0 / 2, 'the calls took %.3f s: they did not overlap' % elapsed
    entries = estate.requests()
    assert len(entries) == CONCURRENT_CALLS and {entry['fault'] for entry in entries} == {'latency'}
