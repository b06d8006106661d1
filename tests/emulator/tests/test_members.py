"""Group members added through the admin API, and releases that take effect after a delay."""

import time

import pytest

from conftest import admin, api_error, api_error_of, M, make_client, REGION, wait_for
from ecs_emulator.harness import DEFAULT_FIXTURE, EmulatorError, credentials
from ecs_emulator.service import Service
from ecs_emulator.store import Store

MAIN = credentials('main')


def delete(client_, group_id):
    return client_.delete_security_group(M.DeleteSecurityGroupRequest(region_id=REGION, security_group_id=group_id))


def test_an_added_instance_holds_the_group(client, emu):
    answer = emu.add_member('i-demo-added', 'instance', ['sg-demo-app', 'sg-demo-web'])
    assert answer == {'member_id': 'i-demo-added', 'kind': 'instance', 'security_group_ids': ['sg-demo-app', 'sg-demo-web']}
    assert emu.group('sg-demo-app')['members'] == {'instances': ['i-demo-added'], 'network_interfaces': []}
    err = api_error(delete, client, 'sg-demo-app')
    assert (err.code, err.status_code) == ('DependencyViolation', 403)
    assert err.data['Message'] == 'There is still instance(s) in the specified security group. Instances: i-demo-added.'
    assert emu.group('sg-demo-app') is not None


def test_an_added_network_interface_holds_a_group_of_another_account(emu):
    emu.add_member('eni-demo-added', 'network_interface', ['sg-peer-shared'])
    peer = make_client(emu.endpoint, 'peer')
    err = api_error(delete, peer, 'sg-peer-shared')
    assert (err.code, err.status_code) == ('DependencyViolation', 403)
    assert err.data['Message'] == ('There is still network interface(s) in the specified security group. '
                                   'Network interfaces: eni-demo-added.')
    emu.release_member('eni-demo-added')
    delete(peer, 'sg-peer-shared')
    assert emu.group('sg-peer-shared') is None


def deleted(client_, group_id):
    try:
        delete(client_, group_id)
    except Exception as exc:  # pylint: disable=broad-except
        if getattr(exc, 'code', None) == 'DependencyViolation':
            return False
        raise
    return True


def test_a_delayed_release_holds_the_group_until_its_time(client, emu):
    emu.add_member('i-demo-leaving', 'instance', ['sg-demo-app'])
    started = time.monotonic()
    answer = emu.release_member('i-demo-leaving', after_ms=1000)
    assert answer['member_id'] == 'i-demo-leaving' and answer['security_group_ids'] == ['sg-demo-app']
    assert answer['released_at'] >= time.time() - 1
    err = api_error(delete, client, 'sg-demo-app')
    assert err.code == 'DependencyViolation' and 'i-demo-leaving' in err.data['Message']
    done = wait_for(lambda: deleted(client, 'sg-demo-app'))
    assert done - started >= 1.0 - 0.05
    assert emu.group('sg-demo-app') is None


def test_a_release_at_once_frees_the_fixture_instance(client, emu):
    assert emu.release_member('i-demo-in-use-1')['security_group_ids'] == ['sg-demo-in-use']
    assert emu.group('sg-demo-in-use')['members'] == {'instances': [], 'network_interfaces': []}
    delete(client, 'sg-demo-in-use')
    # A released member is in no group any more.
    with pytest.raises(EmulatorError) as info:
        emu.release_member('i-demo-in-use-1')
    assert ': 404 ' in str(info.value)


def test_adding_again_calls_off_a_pending_release(client, emu):
    emu.add_member('i-demo-back', 'instance', ['sg-demo-app'])
    emu.release_member('i-demo-back', after_ms=60000)
    emu.add_member('i-demo-back', 'instance', ['sg-demo-app'])
    assert emu.group('sg-demo-app')['members']['instances'] == ['i-demo-back']
    emu.release_member('i-demo-back')
    delete(client, 'sg-demo-app')


def test_reset_restores_the_fixture_members(emu):
    emu.add_member('i-demo-temporary', 'instance', ['sg-demo-app'])
    emu.release_member('i-demo-in-use-1')
    emu.reset()
    assert emu.group('sg-demo-app')['members']['instances'] == []
    assert emu.group('sg-demo-in-use')['members']['instances'] == ['i-demo-in-use-1']


@pytest.mark.parametrize('body', [
    {'member_id': 'i-x', 'kind': 'instance'},
    {'member_id': 'i-x', 'kind': 'vm', 'security_group_ids': ['sg-demo-app']},
    {'member_id': '', 'kind': 'instance', 'security_group_ids': ['sg-demo-app']},
    {'member_id': 7, 'kind': 'instance', 'security_group_ids': ['sg-demo-app']},
    {'member_id': 'i-x', 'kind': 'instance', 'security_group_ids': 'sg-demo-app'},
    {'member_id': 'i-x', 'kind': 'instance', 'security_group_ids': []},
    {'member_id': 'i-x', 'kind': 'instance', 'security_group_ids': ['sg-demo-app'], 'extra': 1},
    ['i-x'],
], ids=['no-groups', 'bad-kind', 'empty-id', 'id-not-string', 'groups-not-list', 'groups-empty', 'extra-key', 'not-object'])
def test_bad_member_bodies_are_400(emu, body):
    status, answer = admin(emu, 'POST', '/members', body)
    assert status == 400 and 'error' in answer
    assert emu.group('sg-demo-app')['members']['instances'] == []


def test_unknown_groups_and_members_are_404(emu):
    status, answer = admin(emu, 'POST', '/members', {'member_id': 'i-x', 'kind': 'instance',
                                                     'security_group_ids': ['sg-demo-app', 'sg-nowhere']})
    assert status == 404 and 'sg-nowhere' in answer['error']
    # Nothing was added, not even to the group that exists.
    assert emu.group('sg-demo-app')['members']['instances'] == []
    assert admin(emu, 'DELETE', '/members/i-nobody')[0] == 404


def test_a_member_keeps_its_kind(emu):
    emu.add_member('i-demo-kind', 'instance', ['sg-demo-app'])
    status, dummy = admin(emu, 'POST', '/members', {'member_id': 'i-demo-kind', 'kind': 'network_interface',
                                                    'security_group_ids': ['sg-demo-web']})
    assert status == 400


@pytest.mark.parametrize('after', ['-1', 'soon', '1.5'])
def test_bad_release_delays_are_400(emu, after):
    emu.add_member('i-demo-delay', 'instance', ['sg-demo-app'])
    assert admin(emu, 'DELETE', '/members/i-demo-delay?after_ms=%s' % after)[0] == 400
    assert emu.group('sg-demo-app')['members']['instances'] == ['i-demo-delay']


class FakeClock:
    def __init__(self):
        self.now = 1_700_000_000.0

    def __call__(self):
        return self.now


def test_the_release_takes_effect_at_its_time_exactly(tmp_path):
    clock = FakeClock()
    store = Store(str(tmp_path / 'state.sqlite'), now=clock)
    store.initialise(DEFAULT_FIXTURE)
    service = Service(store)
    with store.transaction(write=True) as tx:
        tx.release_member('i-demo-in-use-1', clock.now + 600)
    clock.now += 599.5
    err = api_error_of(service, 'DeleteSecurityGroup', {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-in-use'}, MAIN)
    assert (err.code, err.status) == ('DependencyViolation', 403)
    clock.now += 0.5
    service.call('DeleteSecurityGroup', {'RegionId': REGION, 'SecurityGroupId': 'sg-demo-in-use'}, MAIN)
