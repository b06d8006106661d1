# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""alicloud.ecs.security_group_egress in real playbook runs against the ECS emulator."""

from __future__ import annotations

import pytest

from ecs_emulator import harness

GROUP = 'sg-demo-app'


def writes(emulator):
    return [entry for entry in emulator.requests() if entry['write']]


def calls(emulator, action=None):
    return [entry for entry in emulator.requests() if action is None or entry['action'] == action]


def egress(emulator, group=GROUP):
    return emulator.egress_rules(group)


def comparable(result):
    """A module result without what legitimately differs between two runs (request ids, invocation)."""
    return dict((key, value) for key, value in result.items() if key not in ('request_ids', 'invocation', '_ansible_no_log'))


EXAMPLES = {
    'cidr': dict(ip_protocol='tcp', port_range='443/443', dest_cidr_ip='10.0.0.0/8', description='https internal'),
    'cross_account_group': dict(ip_protocol='tcp', port_range='5432/5432', dest_group_id='sg-peer-shared',
                                dest_group_owner_account='peer@example.com', description='peer database'),
    'prefix_list': dict(ip_protocol='udp', port_range='53/53', dest_prefix_list_id='pl-demo-ipv4'),
    'ipv6': dict(ip_protocol='tcp', port_range='443/443', ipv6_dest_cidr_ip='2001:db8:1234::/48'),
    'drop_with_priority': dict(ip_protocol='all', dest_cidr_ip='192.168.0.0/16', policy='drop', priority=10),
    'managed_list_with_purge': dict(purge_rules=True, rules=[
        dict(ip_protocol='tcp', port_range='443/443', dest_cidr_ip='0.0.0.0/0', description='https anywhere'),
        dict(ip_protocol='udp', port_range='53/53', dest_cidr_ip='100.100.2.136', description='resolver'),
        dict(ip_protocol='all', dest_cidr_ip='0.0.0.0/0', policy='drop', priority=100)]),
}


@pytest.mark.parametrize('name', sorted(EXAMPLES))
def test_each_example_changes_once_then_is_idempotent(fresh, runner, name):
    args = dict(security_group_id=GROUP, **EXAMPLES[name])
    first = runner.task(args)
    assert not first.failed, first.output
    assert first.result['changed'] is True
    assert first.result['added']
    stored = egress(fresh)
    assert len(stored) == len(first.result['rules'])
    fresh.clear_log()

    second = runner.task(args)
    assert not second.failed, second.output
    assert second.result['changed'] is False
    assert second.result['added'] == second.result['removed'] == second.result['updated'] == []
    assert writes(fresh) == []
    assert [entry['action'] for entry in calls(fresh)] == ['DescribeSecurityGroupAttribute']
    assert egress(fresh) == stored


def test_non_canonical_existing_rule_is_recognised_not_duplicated(fresh, runner):
    # The fixture stores this rule as IpProtocol TCP, DestCidrIp 10.0.0.1 (no mask), Policy Accept.
    before = egress(fresh, 'sg-demo-web')
    run = runner.task(dict(security_group_id='sg-demo-web', ip_protocol='tcp', port_range='443',
                           dest_cidr_ip='10.0.0.1/32', policy='ACCEPT'))
    assert not run.failed, run.output
    assert run.result['changed'] is False
    assert writes(fresh) == []
    assert egress(fresh, 'sg-demo-web') == before


def test_check_mode_reports_the_real_run_and_writes_nothing(fresh, runner):
    args = dict(security_group_id='sg-demo-web', purge_rules=True, rules=[
        dict(ip_protocol='tcp', port_range='443/443', dest_cidr_ip='10.0.0.1', description='https, renamed'),
        dict(ip_protocol='udp', port_range='53/53', dest_cidr_ip='10.0.0.2')])
    checked = runner.task(args, check=True, diff=True)
    assert not checked.failed, checked.output
    assert writes(fresh) == []

    real = runner.task(args, diff=True)
    assert not real.failed, real.output
    assert comparable(checked.result) == comparable(real.result)
    assert real.result['changed'] is True
    assert len(real.result['removed']) == 1 and len(real.result['added']) == 1 and len(real.result['updated']) == 1
    assert [entry['action'] for entry in writes(fresh)] == [
        'ModifySecurityGroupEgressRule', 'RevokeSecurityGroupEgress', 'AuthorizeSecurityGroupEgress']


def test_diff_shows_sorted_canonical_rules_before_and_after(fresh, runner):
    run = runner.task(dict(security_group_id='sg-demo-web', ip_protocol='udp', port_range='53', dest_cidr_ip='10.0.0.2'),
                      check=True, diff=True)
    diff = run.result['diff']
    before, after = diff['before']['egress_rules'], diff['after']['egress_rules']
    assert len(after) == len(before) + 1
    assert {'ip_protocol': 'tcp', 'port_range': '443/443', 'dest_cidr_ip': '10.0.0.1/32', 'policy': 'accept', 'priority': 1,
            'nic_type': 'intranet', 'description': 'seeded https'} in before
    assert [rule['ip_protocol'] for rule in after] == sorted(rule['ip_protocol'] for rule in after)


def test_description_change_is_made_in_place_keeping_the_rule_id(fresh, runner):
    (seeded,) = [rule for rule in egress(fresh, 'sg-demo-web') if rule['description'] == 'seeded https']
    run = runner.task(dict(security_group_id='sg-demo-web', ip_protocol='tcp', port_range='443/443', dest_cidr_ip='10.0.0.1',
                           description='https to the proxy'))
    assert run.result['changed'] is True
    assert [entry['action'] for entry in writes(fresh)] == ['ModifySecurityGroupEgressRule']
    (updated,) = [rule for rule in egress(fresh, 'sg-demo-web') if rule['rule_id'] == seeded['rule_id']]
    assert updated['description'] == 'https to the proxy'
    assert len(egress(fresh, 'sg-demo-web')) == 2


def test_purge_with_empty_rules_removes_every_egress_rule_in_one_call(fresh, runner):
    run = runner.task(dict(security_group_id='sg-demo-web', rules=[], purge_rules=True))
    assert run.result['changed'] is True
    assert len(run.result['removed']) == 2
    assert egress(fresh, 'sg-demo-web') == []
    assert [entry['action'] for entry in writes(fresh)] == ['RevokeSecurityGroupEgress']


def test_absent_removes_only_the_matching_rule(fresh, runner):
    run = runner.task(dict(security_group_id='sg-demo-web', state='absent', ip_protocol='TCP', port_range='443/443',
                           dest_cidr_ip='10.0.0.1/32'))
    assert run.result['changed'] is True
    remaining = egress(fresh, 'sg-demo-web')
    assert [rule['dest_cidr_ip'] for rule in remaining] == ['192.168.0.0/16']
    again = runner.task(dict(security_group_id='sg-demo-web', state='absent', ip_protocol='tcp', port_range='443',
                             dest_cidr_ip='10.0.0.1'))
    assert again.result['changed'] is False


def test_many_rules_are_written_in_batches_not_one_call_per_rule(fresh, runner):
    rules = [dict(ip_protocol='tcp', port_range='%d/%d' % (port, port), dest_cidr_ip='10.1.0.0/16') for port in range(1000, 1150)]
    run = runner.task(dict(security_group_id=GROUP, rules=rules))
    assert run.result['changed'] is True
    assert len(egress(fresh)) == 150
    # One read, two batches, one read-back that already shows all 150.
    assert [entry['action'] for entry in calls(fresh)] == [
        'DescribeSecurityGroupAttribute', 'AuthorizeSecurityGroupEgress', 'AuthorizeSecurityGroupEgress',
        'DescribeSecurityGroupAttribute']


def test_the_rule_limit_fails_before_any_write_with_the_numbers(fresh, runner):
    rules = [dict(ip_protocol='tcp', port_range='%d' % port, dest_cidr_ip='10.2.0.0/16') for port in (1, 2, 3)]
    run = runner.task(dict(security_group_id='sg-demo-full', rules=rules))
    assert run.failed
    assert 'would hold 201 rules (198 now, 3 to add, 0 to remove)' in run.result['msg']
    assert writes(fresh) == []


def test_purging_first_lets_a_full_group_swap_rules(fresh, runner):
    rules = [dict(ip_protocol='tcp', port_range='%d' % port, dest_cidr_ip='10.2.0.0/16') for port in (1, 2)]
    assert not runner.task(dict(security_group_id='sg-demo-full', rules=rules)).failed
    swapped = [dict(ip_protocol='tcp', port_range='%d' % port, dest_cidr_ip='10.2.0.0/16') for port in (3, 4)]
    run = runner.task(dict(security_group_id='sg-demo-full', rules=swapped, purge_rules=True))
    assert not run.failed, run.output
    assert sorted(rule['port_range'] for rule in egress(fresh, 'sg-demo-full')) == ['3/3', '4/4']


@pytest.mark.parametrize('args, fragment', [
    (dict(ip_protocol='tcp', port_range='22/22', dest_cidr_ip='10.0.0.300'), 'dest_cidr_ip: '),
    (dict(ip_protocol='icmp', port_range='22/22', dest_cidr_ip='10.0.0.0/8'), 'port_range: '),
    (dict(ip_protocol='sctp', port_range='22/22', dest_cidr_ip='10.0.0.0/8'), 'accepted values: tcp, udp'),
    (dict(ip_protocol='tcp', port_range='22/22', dest_cidr_ip='10.0.0.0/8', priority=0), 'priority: '),
    (dict(ip_protocol='tcp', port_range='22/22', dest_cidr_ip='10.0.0.0/8', policy='allow'), 'policy: '),
    (dict(ip_protocol='tcp', port_range='22/22', dest_cidr_ip='10.0.0.0/8', description='x' * 513), 'description: '),
    (dict(ip_protocol='tcp', port_range='22/22'), 'a destination is required'),
    (dict(ip_protocol='tcp', port_range='22/22', ipv6_dest_cidr_ip='10.0.0.0/8'), 'ipv6_dest_cidr_ip: '),
    (dict(ip_protocol='tcp', port_range='22/22', dest_cidr_ip='10.0.0.0/8', rules=[]), 'mutually exclusive'),
    (dict(ip_protocol='tcp', port_range='22/22', dest_cidr_ip='10.0.0.0/8', purge_rules=True), 'purge_rules: requires rules'),
    (dict(rules=[dict(ip_protocol='tcp', port_range='22/22', dest_cidr_ip='10.0.0.0/8')], purge_rules=True, state='absent'),
     'purge_rules: applies only with state=present'),
    (dict(rules=[dict(ip_protocol='tcp', port_range='22', dest_cidr_ip='10.0.0.0/8', description='a'),
                 dict(ip_protocol='TCP', port_range='22/22', dest_cidr_ip='10.0.0.0/8', description='b')]), 'rules[1].description'),
    (dict(ip_protocol='tcp', port_range='22/22', dest_group_id=GROUP), 'must differ from security_group_id'),
    (dict(ip_protocol='tcp', port_range='22/22', dest_cidr_ip='10.0.0.0/8', endpoint='http://192.0.2.10'), 'plain HTTP is allowed only'),
])
def test_bad_input_fails_clearly_before_any_write(fresh, runner, args, fragment):
    run = runner.task(dict(security_group_id=GROUP, **args))
    assert run.failed
    assert fragment in run.result['msg']
    assert 'Traceback' not in run.output
    assert writes(fresh) == []


@pytest.mark.parametrize('args, code, status', [
    (dict(security_group_id='sg-does-not-exist', ip_protocol='tcp', port_range='22', dest_cidr_ip='10.0.0.0/8'),
     'InvalidSecurityGroupId.NotFound', 404),
    (dict(security_group_id=GROUP, ip_protocol='tcp', port_range='22', dest_group_id='sg-missing'), 'InvalidDestGroupId.NotFound', 404),
    (dict(security_group_id='sg-demo-managed', ip_protocol='tcp', port_range='22', dest_cidr_ip='10.0.0.0/8'),
     'InvalidOperation.ResourceManagedByCloudProduct', 403),
    (dict(security_group_id=GROUP, ip_protocol='tcp', port_range='22', dest_prefix_list_id='pl-missing'), 'InvalidPrefixListId.NotFound', 404),
])
def test_api_failures_report_code_message_status_and_request_id(fresh, runner, args, code, status):
    run = runner.task(args)
    assert run.failed
    error = run.result['error']
    assert (error['code'], error['http_status']) == (code, status)
    assert error['request_id'] and error['request_id'] in run.result['msg']
    assert code in run.result['msg'] and error['message'] in run.result['msg']
    assert 'Traceback' not in run.output


def test_sts_credentials_work(fresh, runner):
    run = runner.task(dict(security_group_id=GROUP, **EXAMPLES['cidr']), credentials='main-sts')
    assert not run.failed, run.output
    assert run.result['changed'] is True


def test_a_wrong_secret_is_reported_as_the_apis_signature_error(fresh, runner):
    run = runner.task(dict(security_group_id=GROUP, **EXAMPLES['cidr']), env=dict(ALIBABA_CLOUD_ACCESS_KEY_SECRET='wrong'))
    assert run.failed
    assert run.result['error']['code'] == 'SignatureDoesNotMatch'
    assert 'wrong' not in run.output


def test_options_override_the_environment(fresh, runner):
    keys = harness.credentials('main')
    run = runner.task(dict(security_group_id=GROUP, access_key_id=keys['access_key_id'], access_key_secret=keys['access_key_secret'],
                           region='cn-hangzhou', **EXAMPLES['cidr']),
                      env=dict(ALIBABA_CLOUD_ACCESS_KEY_ID='LTAIunknown', ALIBABA_CLOUD_REGION_ID='cn-shanghai'))
    assert not run.failed, run.output


def without_keys(home, **extra):
    """An environment with no keys for the module, so that it falls back to the SDK's credential chain.

    The ECS metadata provider is switched off: it would query an address beyond loopback.
    """
    return dict(ALIBABA_CLOUD_ACCESS_KEY_ID='', ALIBABA_CLOUD_ACCESS_KEY_SECRET='', ALIBABA_CLOUD_SECURITY_TOKEN='',
                ALIBABA_CLOUD_ECS_METADATA_DISABLED='true', ALIBABA_CLOUD_CLI_PROFILE_DISABLED='true', HOME=str(home),
                **extra)


def test_without_keys_the_credential_chain_supplies_them(fresh, runner, tmp_path):
    keys = harness.credentials('main')
    profile = tmp_path / 'credentials.ini'
    profile.write_text('[default]\ntype = access_key\naccess_key_id = %s\naccess_key_secret = %s\n'
                       % (keys['access_key_id'], keys['access_key_secret']), encoding='utf-8')
    run = runner.task(dict(security_group_id=GROUP, **EXAMPLES['cidr']),
                      env=without_keys(tmp_path, ALIBABA_CLOUD_CREDENTIALS_FILE=str(profile)))
    assert not run.failed, run.output
    assert run.result['changed'] is True
    assert [rule['port_range'] for rule in egress(fresh)] == ['443/443']
    assert keys['access_key_secret'] not in run.output


def test_without_keys_anywhere_the_task_fails_clearly_before_any_call(fresh, runner, tmp_path):
    run = runner.task(dict(security_group_id=GROUP, **EXAMPLES['cidr']),
                      env=without_keys(tmp_path, ALIBABA_CLOUD_CREDENTIALS_FILE=str(tmp_path / 'missing.ini')))
    assert run.failed
    assert 'CredentialException' in run.result['msg'] and 'credentials' in run.result['msg']
    assert calls(fresh) == []
    assert 'Traceback' not in run.output


def test_throttling_is_retried_with_the_same_client_token(fresh, runner):
    fresh.set_faults(dict(seed=1, rules=[dict(kind='throttle', actions=['AuthorizeSecurityGroupEgress'], first=2)]))
    run = runner.task(dict(security_group_id=GROUP, retry_backoff=0.05, **EXAMPLES['cidr']))
    assert not run.failed, run.output
    attempts = calls(fresh, 'AuthorizeSecurityGroupEgress')
    assert [entry['code'] for entry in attempts] == ['Throttling.User', 'Throttling.User', None]
    assert len(set(entry['params']['ClientToken'] for entry in attempts)) == 1
    assert len(egress(fresh)) == 1


def test_a_write_whose_answer_was_lost_is_applied_once(fresh, runner):
    fresh.set_faults(dict(seed=1, rules=[dict(kind='drop_after_write', actions=['AuthorizeSecurityGroupEgress'], first=1)]))
    run = runner.task(dict(security_group_id=GROUP, retry_backoff=0.05, **EXAMPLES['cidr']))
    assert not run.failed, run.output
    assert len(calls(fresh, 'AuthorizeSecurityGroupEgress')) == 2
    assert len(egress(fresh)) == 1


def test_retries_run_out_with_a_clear_message(fresh, runner):
    fresh.set_faults(dict(seed=1, rules=[dict(kind='service_unavailable', actions=['DescribeSecurityGroupAttribute'], rate=1.0)]))
    run = runner.task(dict(security_group_id=GROUP, retries=2, retry_backoff=0.01, **EXAMPLES['cidr']))
    assert run.failed
    assert run.result['error']['code'] == 'ServiceUnavailable' and run.result['error']['http_status'] == 503
    assert len(calls(fresh, 'DescribeSecurityGroupAttribute')) == 3


def test_secrets_never_appear_in_output_at_full_verbosity(fresh, runner):
    keys = harness.credentials('main-sts')
    for check, args in ((True, EXAMPLES['cidr']), (False, EXAMPLES['cidr']),
                        (False, dict(ip_protocol='tcp', port_range='22', dest_group_id='sg-missing'))):
        run = runner.task(dict(security_group_id=GROUP, **args), check=check, diff=True, credentials='main-sts', verbosity=4)
        text = run.output + repr(run.results)
        assert keys['access_key_secret'] not in text
        assert keys['security_token'] not in text
    log = repr(fresh.requests())
    assert keys['access_key_secret'] not in log and keys['security_token'] not in log


def test_a_classic_group_reads_both_nic_types_and_defaults_to_internet(fresh, runner):
    run = runner.task(dict(security_group_id='sg-demo-classic', ip_protocol='tcp', port_range='80', dest_cidr_ip='0.0.0.0/0'))
    assert not run.failed, run.output
    assert run.result['rules'][0]['nic_type'] == 'internet'
    reads = calls(fresh, 'DescribeSecurityGroupAttribute')
    # Each read of a classic group (the first and the read-back) reads both NIC types.
    assert sorted(entry['params']['NicType'] for entry in reads) == ['internet', 'internet', 'intranet', 'intranet']
    again = runner.task(dict(security_group_id='sg-demo-classic', ip_protocol='tcp', port_range='80', dest_cidr_ip='0.0.0.0/0'))
    assert again.result['changed'] is False


@pytest.mark.parametrize('group_options, option', [
    (dict(security_group_id=''), 'security_group_id'),
    (dict(security_group_id='  '), 'security_group_id'),
    (dict(security_group_name=''), 'security_group_name'),
    (dict(security_group_name='demo-web', vpc_id=''), 'vpc_id'),
])
def test_an_empty_group_identifier_fails_naming_it_before_any_call(fresh, runner, group_options, option):
    # A variable that resolved to '' must not turn into a lookup of a group named None.
    run = runner.task(dict(ip_protocol='tcp', port_range='22/22', dest_cidr_ip='10.0.0.0/8', **group_options))
    assert run.failed
    assert run.result['msg'].startswith('%s: is empty' % option), run.result['msg']
    assert 'None' not in run.result['msg']
    assert calls(fresh) == []


def test_a_rule_listed_twice_gets_the_description_of_either_entry(fresh, runner):
    rules = [dict(ip_protocol='udp', port_range='53/53', dest_cidr_ip='100.100.2.136'),
             dict(ip_protocol='udp', port_range='53/53', dest_cidr_ip='100.100.2.136/32', description='resolver')]
    first = runner.task(dict(security_group_id=GROUP, rules=rules))
    assert not first.failed, first.output
    assert [rule['description'] for rule in egress(fresh)] == ['resolver']
    # On an existing rule without a description, the description is applied in place.
    fresh.reset()
    runner.task(dict(security_group_id=GROUP, rules=rules[:1]))
    second = runner.task(dict(security_group_id=GROUP, rules=rules))
    assert second.result['changed'] is True and [rule['description'] for rule in second.result['updated']] == ['resolver']
    assert [rule['description'] for rule in egress(fresh)] == ['resolver']
    again = runner.task(dict(security_group_id=GROUP, rules=rules))
    assert again.result['changed'] is False


def test_a_rule_that_can_never_take_effect_is_named_in_a_warning(fresh, runner):
    # The seed document's example: an accept under a drop of higher priority that covers all its flows.
    rules = [dict(ip_protocol='tcp', port_range='443/443', dest_cidr_ip='10.0.0.0/8', priority=5),
             dict(ip_protocol='all', dest_cidr_ip='0.0.0.0/0', policy='drop', priority=1)]
    run = runner.task(dict(security_group_id=GROUP, rules=rules))
    assert not run.failed, run.output
    (shadowed,) = run.result['analysis']['shadowed']
    assert shadowed['rule']['summary'] == 'accept tcp to 10.0.0.0/8 (443/443, priority 5, intranet)'
    assert [item['summary'] for item in shadowed['covered_by']] == ['drop all to 0.0.0.0/0 (-1/-1, priority 1, intranet)']
    assert 'accept tcp to 10.0.0.0/8 (443/443, priority 5, intranet) can never take effect' in ' '.join(run.output.split())
    # The findings cost no API call: the run read the group once, wrote once and read its write back.
    assert [entry['action'] for entry in calls(fresh)] == [
        'DescribeSecurityGroupAttribute', 'AuthorizeSecurityGroupEgress', 'DescribeSecurityGroupAttribute']
    quiet = runner.task(dict(security_group_id=GROUP, rules=rules, warn_ineffective_rules=False))
    assert 'can never take effect' not in quiet.output
    assert quiet.result['analysis']['shadowed'] and quiet.result['changed'] is False
