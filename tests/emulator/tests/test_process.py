"""The process: CLI contract, restart durability, seeding rules, concurrency."""

import json
import signal
import subprocess
import sys
import threading

import pytest

from conftest import M, REGION, api_error, describe, egress, make_client, permission
from ecs_emulator.harness import DEFAULT_FIXTURE, PACKAGE_ROOT, Emulator, clean_env, credentials


def serve_cmd(state, *extra):
    return [sys.executable, '-m', 'ecs_emulator', 'serve', '--port', '0', '--admin-port', '0', '--state', str(state),
            '--fixture', DEFAULT_FIXTURE] + list(extra)


def test_announces_one_json_line_and_exits_cleanly_on_sigterm(tmp_path):
    with subprocess.Popen(serve_cmd(tmp_path / 's.sqlite'), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=clean_env(), cwd=PACKAGE_ROOT) as proc:
        info = json.loads(proc.stdout.readline())
        assert set(info) == {'endpoint', 'admin', 'pid', 'sts', 'sts_ca_file'} and info['pid'] == proc.pid
        assert info['sts'].startswith('127.0.0.1:') and info['sts_ca_file'] == str(tmp_path / 's.sqlite') + '.sts-ca.pem'
        assert info['endpoint'].startswith('127.0.0.1:') and info['admin'].startswith('http://127.0.0.1:')
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0 and out == b'' and b'secret' not in err


def test_sigint_exits_cleanly(tmp_path):
    with subprocess.Popen(serve_cmd(tmp_path / 's.sqlite'), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=clean_env(), cwd=PACKAGE_ROOT) as proc:
        json.loads(proc.stdout.readline())
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=10)
    assert proc.returncode == 0


@pytest.mark.parametrize('host', ['0.0.0.0', '192.0.2.10', 'example.com', '::'])
def test_refuses_non_loopback_host(tmp_path, host):
    proc = subprocess.run(serve_cmd(tmp_path / 's.sqlite', '--host', host), capture_output=True, env=clean_env(),
                          cwd=PACKAGE_ROOT, timeout=20, check=False)
    assert proc.returncode != 0 and proc.stdout == b'' and b'loopback' in proc.stderr


def test_harness_start_failure_reports_stderr(tmp_path):
    emu = Emulator(str(tmp_path / 's.sqlite'), fixture_path=str(tmp_path / 'missing.yml'))
    with pytest.raises(RuntimeError) as info:
        emu.start()
    assert 'missing.yml' in str(info.value)


@pytest.mark.parametrize('how', ['stop', 'kill'])
def test_state_survives_restart(tmp_path, how):
    emu = Emulator(str(tmp_path / 's.sqlite')).start()
    try:
        client = make_client(emu.endpoint)
        client.authorize_security_group_egress(egress(ip_protocol='tcp', port_range='8/8', dest_cidr_ip='10.0.0.0/8',
                                                      description='durable'))
        before = emu.rules('sg-demo-app') + emu.rules('sg-demo-web')
        getattr(emu, how)()
        emu.start()
        assert emu.rules('sg-demo-app') + emu.rules('sg-demo-web') == before
        client = make_client(emu.endpoint)
        described = describe(client, 'sg-demo-app', direction='egress')
        assert [(p['SecurityGroupRuleId'], p['Description']) for p in described] == [(before[0]['rule_id'], 'durable')]
    finally:
        emu.stop()


def test_client_token_survives_restart(tmp_path):
    with Emulator(str(tmp_path / 's.sqlite')) as emu:
        request = egress(ip_protocol='tcp', port_range='8/8', dest_cidr_ip='10.0.0.0/8', client_token='across-restart')
        first = make_client(emu.endpoint).authorize_security_group_egress(request).body.request_id
        emu.kill()
        emu.start()
        assert make_client(emu.endpoint).authorize_security_group_egress(request).body.request_id == first


def test_fixture_seeds_only_new_state_and_reset_reseeds(tmp_path):
    state = str(tmp_path / 's.sqlite')
    with Emulator(state) as emu:
        make_client(emu.endpoint).revoke_security_group_egress(M.RevokeSecurityGroupEgressRequest(
            region_id=REGION, security_group_id='sg-demo-web',
            security_group_rule_id=[r['rule_id'] for r in emu.egress_rules('sg-demo-web')]))
        seeded_ids = None
    with Emulator(state) as emu:
        assert emu.egress_rules('sg-demo-web') == []
        emu.reset()
        seeded_ids = [r['rule_id'] for r in emu.egress_rules('sg-demo-web')]
        assert len(seeded_ids) == 2
    emu = Emulator(state)
    emu.start(reset=True)
    try:
        assert [r['rule_id'] for r in emu.egress_rules('sg-demo-web')] == seeded_ids
    finally:
        emu.stop()


def test_json_fixture(tmp_path):
    fixture = tmp_path / 'f.json'
    fixture.write_text(json.dumps({'regions': ['cn-beijing'], 'accounts': [{
        'name': 'solo', 'account_id': '77', 'account_name': 'solo@example.com',
        'keys': [{'name': 'solo', 'access_key_id': 'LTAIsolo', 'access_key_secret': 'solo-secret'}],
        'security_groups': [{'id': 'sg-solo', 'region': 'cn-beijing', 'vpc_id': 'vpc-x', 'filler_ingress': 3}]}]}))
    with Emulator(str(tmp_path / 's.sqlite'), fixture_path=str(fixture)) as emu:
        cred = credentials('solo', str(fixture))
        assert cred == {'access_key_id': 'LTAIsolo', 'access_key_secret': 'solo-secret', 'account_id': '77',
                        'account_name': 'solo@example.com'}
        client = make_client(emu.endpoint, access_key_id='LTAIsolo', access_key_secret='solo-secret', security_token=None)
        assert len(describe(client, 'sg-solo', region_id='cn-beijing')) == 3


def test_credentials_of_default_fixture():
    assert credentials('main-sts')['security_token'] == 'main-sts-token-0002'
    assert credentials('peer')['account_id'] == '1000000000000002'
    assert 'security_token' not in credentials()
    with pytest.raises(KeyError):
        credentials('nobody')


def _run_threads(targets):
    threads = [threading.Thread(target=t) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)


def test_parallel_writers_never_pass_the_limit(emu):
    outcomes = []

    def worker(n):
        def run():
            client = make_client(emu.endpoint)
            try:
                client.authorize_security_group_egress(egress('sg-demo-full', permissions=[
                    permission(ip_protocol='tcp', port_range='%d/%d' % (n, n), dest_cidr_ip='10.0.0.0/8')]))
                outcomes.append('ok')
            except Exception as exc:  # pylint: disable=broad-except
                outcomes.append(getattr(exc, 'code', repr(exc)))
        return run

    _run_threads([worker(n) for n in range(1, 9)])
    assert sorted(outcomes) == ['AuthorizationLimitExceed'] * 6 + ['ok'] * 2
    rows = emu.rules('sg-demo-full')
    assert len(rows) == 200 and len({r['rule_id'] for r in rows}) == 200


def test_parallel_identical_adds_create_one_rule(emu):
    emu.clear_log()
    errors = []

    def run():
        try:
            make_client(emu.endpoint).authorize_security_group_egress(egress(ip_protocol='tcp', port_range='99/99',
                                                                             dest_cidr_ip='10.0.0.0/8'))
        except Exception as exc:  # pylint: disable=broad-except
            errors.append(exc)

    _run_threads([run] * 8)
    assert not errors
    assert len(emu.egress_rules('sg-demo-app')) == 1
    assert sum(1 for e in emu.requests() if e['action'] == 'AuthorizeSecurityGroupEgress' and e['applied']) == 1


def test_parallel_mixed_adds_all_land(emu):
    def worker(n):
        return lambda: make_client(emu.endpoint).authorize_security_group_egress(egress(permissions=[
            permission(ip_protocol='udp', port_range='%d/%d' % (p, p), dest_cidr_ip='10.0.0.0/8') for p in range(n * 10 + 1, n * 10 + 11)]))

    _run_threads([worker(n) for n in range(8)])
    rows = emu.egress_rules('sg-demo-app')
    assert len(rows) == 80 and len({r['port_range'] for r in rows}) == 80


def test_log_entry_shape(client, emu):
    since = emu.requests()[-1]['seq'] if emu.requests() else 0
    client.authorize_security_group_egress(egress(ip_protocol='tcp', port_range='1/1', dest_cidr_ip='10.0.0.0/8'))
    api_error(client.describe_security_group_attribute, M.DescribeSecurityGroupAttributeRequest(
        region_id=REGION, security_group_id='sg-nowhere'))
    ok, failed = emu.requests(since)
    assert set(ok) == {'seq', 'time', 'action', 'params', 'access_key_id', 'status', 'code', 'request_id', 'fault', 'write',
                       'applied'}
    assert (ok['action'], ok['status'], ok['code'], ok['write'], ok['applied'], ok['fault']) == (
        'AuthorizeSecurityGroupEgress', 200, None, True, True, None)
    assert ok['params']['PortRange'] == '1/1' and ok['access_key_id'] == 'LTAI5tMainDemoKey0001'
    assert (failed['status'], failed['code'], failed['write']) == (404, 'InvalidSecurityGroupId.NotFound', False)
    assert failed['seq'] == ok['seq'] + 1
    emu.clear_log()
    assert emu.requests() == []
