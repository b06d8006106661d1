# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the real cloud does that its documents do not say, as the official Terraform provider learned it
(issue 16; docs/maintainers/real-account.md lists the evidence), modelled in the emulator and met by the modules:
reads that lag writes, groups held after their members are released, deletes whose answer is lost, throttling
codes of every shape, groups created without a VPC, owners reported by ID, the cloud's own tags."""

from __future__ import annotations

import time

VPC = 'vpc-demo-1'
# Long enough that every read a task makes right after its writes lags, short enough for a test suite.
LAG_MS = 1500


def group_task(runner, args, **options):
    return runner.task(args, module='security_group', **options)


def actions(emulator, writes_only=False):
    return [entry['action'] for entry in emulator.requests() if entry['write'] or not writes_only]


def timed(function, *args, **kwargs):
    started = time.monotonic()
    result = function(*args, **kwargs)
    return result, time.monotonic() - started


# --- deleting a group -------------------------------------------------------------------------------

def test_the_teardown_play_deletes_a_group_once_its_instance_has_left(fresh, runner):
    created = group_task(runner, dict(name='it-teardown', vpc_id=VPC)).result['security_group_id']
    fresh.add_member('i-it-teardown', 'instance', [created])
    # The instance is released; the cloud lets go of the group only a while later.
    fresh.release_member('i-it-teardown', after_ms=3000)
    fresh.clear_log()
    run, seconds = timed(group_task, runner, dict(name='it-teardown', vpc_id=VPC, state='absent', delete_timeout=60))
    assert not run.failed, run.output
    deletes = [entry for entry in fresh.requests() if entry['action'] == 'DeleteSecurityGroup']
    print('DeleteSecurityGroup attempts=%d (refused %d), task took %.1f s' % (
        len(deletes), sum(1 for entry in deletes if entry['code'] == 'DependencyViolation'), seconds))
    assert run.result['changed'] is True and fresh.group(created) is None
    assert [entry['code'] for entry in deletes][-1] is None and {entry['code'] for entry in deletes[:-1]} == {'DependencyViolation'}
    assert len(deletes) >= 2 and seconds >= 3.0
    # No ClientToken: DeleteSecurityGroup's request model has none.
    assert all('ClientToken' not in entry['params'] for entry in deletes)


def test_a_group_whose_member_stays_fails_after_delete_timeout_naming_it_and_reports_no_change(fresh, runner):
    created = group_task(runner, dict(name='it-held', vpc_id=VPC)).result['security_group_id']
    fresh.add_member('eni-it-held', 'network_interface', [created])
    run, seconds = timed(group_task, runner, dict(name='it-held', vpc_id=VPC, state='absent', delete_timeout=3))
    print('gave up after %.1f s: %s' % (seconds, run.result['msg']))
    assert run.failed and run.result['changed'] is False
    assert run.result['error']['code'] == 'DependencyViolation' and 'eni-it-held' in run.result['msg']
    assert 'delete_timeout=3' in run.result['msg'] and seconds >= 3.0
    assert fresh.group(created) is not None and 'Traceback' not in run.output


def test_a_delete_whose_answer_is_lost_is_done_when_the_retry_finds_the_group_gone(fresh, runner):
    created = group_task(runner, dict(name='it-lost-delete', vpc_id=VPC)).result['security_group_id']
    fresh.set_faults(dict(seed=1, rules=[dict(kind='drop_after_write', actions=['DeleteSecurityGroup'], first=1)]))
    fresh.clear_log()
    run = group_task(runner, dict(name='it-lost-delete', vpc_id=VPC, state='absent', retry_backoff=0.01))
    assert not run.failed, run.output
    deletes = [(entry['applied'], entry['code']) for entry in fresh.requests() if entry['action'] == 'DeleteSecurityGroup']
    print('DeleteSecurityGroup attempts: %s' % deletes)
    assert deletes == [(True, None), (False, 'InvalidSecurityGroupId.NotFound')]
    assert run.result['changed'] is True and fresh.group(created) is None


def test_a_refused_delete_reports_no_change(fresh, runner):
    before = fresh.group('sg-demo-managed')
    run = group_task(runner, dict(security_group_id='sg-demo-managed', state='absent'))
    assert run.failed and run.result['changed'] is False
    assert run.result['error']['code'] == 'InvalidOperation.ResourceManagedByCloudProduct'
    assert fresh.group('sg-demo-managed') == before


# --- reads that lag writes -------------------------------------------------------------------------

def test_a_rule_task_waits_for_its_rule_to_show_so_a_rerun_during_the_lag_changes_nothing(fresh, runner):
    fresh.set_lag(LAG_MS)
    rule = dict(security_group_id='sg-demo-app', ip_protocol='tcp', port_range='8443/8443', dest_cidr_ip='10.8.0.0/16')
    first, seconds = timed(runner.task, rule)
    assert not first.failed, first.output and first.result['changed'] is True
    reads = actions(fresh).count('DescribeSecurityGroupAttribute')
    print('first run: %.1f s, %d reads (lag %d ms)' % (seconds, reads, LAG_MS))
    assert reads >= 3 and 'did not show' not in first.output
    fresh.clear_log()
    again = runner.task(rule)
    assert again.result['changed'] is False and actions(fresh, writes_only=True) == []
    assert len(fresh.egress_rules('sg-demo-app')) == 1


def test_without_the_read_back_a_rerun_during_the_lag_would_report_a_false_change(fresh, runner):
    # The failure the read-back prevents, shown with it turned off (wait_timeout: 0).
    fresh.set_lag(5000)
    rule = dict(security_group_id='sg-demo-app', ip_protocol='tcp', port_range='8444/8444', dest_cidr_ip='10.8.0.0/16', wait_timeout=0)
    assert runner.task(rule).result['changed'] is True
    again = runner.task(rule)
    print('re-run without read-back during the lag: changed=%s' % again.result['changed'])
    assert again.result['changed'] is True
    assert len(fresh.egress_rules('sg-demo-app')) == 1, 'the API answers a re-added rule with success: still one rule'


def test_a_new_group_briefly_unknown_to_reads_is_waited_for_and_never_duplicated(fresh, runner):
    fresh.set_lag(LAG_MS)
    args = dict(name='it-lagging', vpc_id=VPC, tags=dict(team='web'),
                rules=[dict(ip_protocol='tcp', port_range='443/443', source_cidr_ip='0.0.0.0/0')])
    run, seconds = timed(group_task, runner, args)
    assert not run.failed, run.output
    missed = [entry for entry in fresh.requests() if entry['code'] == 'InvalidSecurityGroupId.NotFound']
    print('create under lag: %.1f s, %d reads of the new group answered NotFound, groups named it-lagging: %d'
          % (seconds, len(missed), len(fresh.groups(name='it-lagging'))))
    assert missed, 'the lag mode should have hidden the new group from the first read'
    assert actions(fresh, writes_only=True).count('CreateSecurityGroup') == 1
    # The write that tells a lagging group from a deleted one found it.
    probes = [entry for entry in fresh.requests() if entry['action'] == 'ModifySecurityGroupAttribute']
    assert [(entry['code'], entry['applied']) for entry in probes] == [(None, False)]
    assert len(fresh.groups(name='it-lagging')) == 1
    fresh.clear_log()
    again = group_task(runner, args)
    assert again.result['changed'] is False and actions(fresh, writes_only=True) == []
    assert again.result['security_group_id'] == run.result['security_group_id']


def test_under_lag_a_deleted_group_is_gone_for_the_next_task_and_its_new_life_is_one_group(fresh, runner):
    fresh.set_lag(LAG_MS)
    first = group_task(runner, dict(name='it-lag-again', vpc_id=VPC)).result['security_group_id']
    gone = group_task(runner, dict(name='it-lag-again', vpc_id=VPC, state='absent'))
    assert gone.result['changed'] is True
    again = group_task(runner, dict(name='it-lag-again', vpc_id=VPC, state='absent'))
    assert again.result['changed'] is False, 'the delete waited until the listing no longer showed the group'
    second = group_task(runner, dict(name='it-lag-again', vpc_id=VPC))
    assert not second.failed, second.output
    names = [group['id'] for group in fresh.groups(name='it-lag-again')]
    print('groups named it-lag-again after delete and create: %s (first was %s)' % (names, first))
    assert names == [second.result['security_group_id']] and first not in names


def test_revoking_a_rule_another_writer_removed_a_moment_ago_is_success(fresh, runner):
    group = 'sg-demo-web'
    gone = dict(security_group_id=group, ip_protocol='all', port_range='-1/-1', dest_cidr_ip='192.168.0.0/16', policy='drop',
                priority=100, state='absent', wait_timeout=0)
    fresh.set_lag(3000)
    assert runner.task(gone).result['changed'] is True
    # Reads still show the drop rule; this purge plans to revoke it by its id, which no longer exists.
    fresh.clear_log()
    purge = runner.task(dict(security_group_id=group, purge_rules=True,
                             rules=[dict(ip_protocol='tcp', port_range='443/443', dest_cidr_ip='10.0.0.1', description='seeded https')]))
    assert not purge.failed, purge.output
    revokes = [(entry['code'], sorted(value for name, value in entry['params'].items() if name.startswith('SecurityGroupRuleId.')))
               for entry in fresh.requests() if entry['action'] == 'RevokeSecurityGroupEgress']
    print('revokes: %s' % revokes)
    # The one rule to revoke is gone: that is what the task wanted, so it succeeds without another call.
    assert [code for code, _ids in revokes] == ['InvalidSecurityGroupRuleId.NotFound']
    assert [rule['dest_cidr_ip'] for rule in fresh.egress_rules(group)] == ['10.0.0.1']


# --- retries ----------------------------------------------------------------------------------------

def test_throttling_codes_of_every_shape_are_retried(fresh, runner):
    fresh.set_faults(dict(seed=1, rules=[
        dict(kind='error', code='Rejected.Throttling', status=400, actions=['DescribeSecurityGroupAttribute'], first=1),
        dict(kind='error', code='Throttling.Api', status=400, actions=['AuthorizeSecurityGroupEgress'], first=1)]))
    run = runner.task(dict(security_group_id='sg-demo-app', ip_protocol='tcp', port_range='9000/9000', dest_cidr_ip='10.9.0.0/16',
                           retry_backoff=0.01))
    assert not run.failed, run.output
    codes = [entry['code'] for entry in fresh.requests() if entry['code']]
    print('answered with: %s' % codes)
    assert codes == ['Rejected.Throttling', 'Throttling.Api'] and len(fresh.egress_rules('sg-demo-app')) == 1


def test_the_retry_budget_is_time_and_a_lasting_outage_fails_with_the_apis_answer(fresh, runner):
    fresh.set_faults(dict(seed=1, rules=[dict(kind='service_unavailable', actions=['DescribeSecurityGroupAttribute'])]))
    run, seconds = timed(runner.task, dict(security_group_id='sg-demo-app', ip_protocol='tcp', port_range='9001/9001',
                                           dest_cidr_ip='10.9.0.0/16', retry_timeout=3, retry_backoff=0.2))
    attempts = len(fresh.requests())
    print('gave up after %.1f s and %d attempts' % (seconds, attempts))
    assert run.failed and run.result['error']['code'] == 'ServiceUnavailable' and run.result['changed'] is False
    assert attempts >= 3 and seconds >= 3.0


# --- what the cloud reports differently --------------------------------------------------------------

def test_a_group_without_vpc_id_lands_in_the_default_vpc_and_takes_ipv6_rules(fresh, runner):
    args = dict(name='it-no-vpc', rules=[dict(ip_protocol='tcp', port_range='443/443', ipv6_source_cidr_ip='2001:DB8:0:0::/64')])
    run = group_task(runner, args)
    assert not run.failed, run.output
    print('vpc of the new group: %s' % run.result['group']['vpc_id'])
    assert run.result['group']['vpc_id'] == fresh.group(run.result['security_group_id'])['vpc_id'] == 'vpc-demo-default-hz'
    # The cloud echoes the address compressed; the module compares it compressed too.
    assert [rule['ipv6_source_cidr_ip'] for rule in fresh.rules(run.result['security_group_id'], direction='ingress')] == ['2001:db8::/64']
    assert group_task(runner, args).result['changed'] is False


def test_a_rule_naming_another_accounts_group_reads_back_with_the_owner_id_and_feeds_back(fresh, runner):
    rule = dict(ip_protocol='tcp', port_range='5432/5432', source_group_id='sg-peer-shared', source_group_owner_id='1000000000000002')
    assert runner.task(dict(security_group_id='sg-demo-app', **rule), module='security_group_ingress').result['changed'] is True
    read = runner.task(dict(security_group_id='sg-demo-app'), module='security_group_ingress_info').result['rules']
    (peer_rule,) = [item for item in read if item['source_group_id'] == 'sg-peer-shared']
    print('owner as read: id=%s account=%s' % (peer_rule['source_group_owner_id'], peer_rule['source_group_owner_account']))
    assert (peer_rule['source_group_owner_id'], peer_rule['source_group_owner_account']) == ('1000000000000002', None)
    fresh.clear_log()
    fed_back = runner.task(dict(security_group_id='sg-demo-app', rules=read, purge_rules=True), module='security_group_ingress')
    assert not fed_back.failed, fed_back.output
    assert fed_back.result['changed'] is False and actions(fresh, writes_only=True) == []


def test_the_clouds_own_tags_are_neither_shown_nor_purged(fresh, runner):
    group = 'sg-demo-system-tags'
    system = dict((key, value) for key, value in fresh.group(group)['tags'].items() if key != 'team')
    assert system, 'the fixture group carries system tags'
    same = group_task(runner, dict(security_group_id=group, tags=dict(team='platform')))
    assert same.result['changed'] is False and same.result['group']['tags'] == dict(team='platform')
    emptied = group_task(runner, dict(security_group_id=group, tags={}, purge_tags=True))
    assert emptied.result['changed'] is True
    print('tags left: %s' % sorted(fresh.group(group)['tags']))
    assert fresh.group(group)['tags'] == system


def test_names_are_judged_where_they_are_written(fresh, runner):
    arabic_indic = u'it-web\u0663'
    absent = group_task(runner, dict(name=arabic_indic, vpc_id=VPC, state='absent'))
    assert not absent.failed and absent.result['changed'] is False
    assert actions(fresh) == ['DescribeSecurityGroups'], 'a lookup by any name is harmless'
    created = group_task(runner, dict(name=arabic_indic, vpc_id=VPC))
    print('create refused by the API: %s' % created.result.get('msg'))
    assert created.failed and created.result['changed'] is False
    assert created.result['error']['code'] == 'InvalidSecurityGroupName.Malformed'
    assert fresh.groups(name=arabic_indic) == []


def test_a_blank_region_fails_naming_it_before_any_call(fresh, runner):
    for module, args in (('security_group_egress_info', dict(security_group_id='sg-demo-app')),
                         ('security_group', dict(name='it-x', vpc_id=VPC))):
        run = runner.task(dict(args, region=' '), module=module)
        assert run.failed and run.result['msg'].startswith('region: is empty'), run.result['msg']
    assert fresh.requests() == []


def test_a_write_whose_answer_was_lost_and_whose_retries_ran_out_reports_a_change(fresh, runner):
    # The first Authorize is applied and its answer lost; every retry is throttled until retry_timeout runs out.
    fresh.set_faults(dict(seed=1, rules=[
        dict(kind='drop_after_write', actions=['AuthorizeSecurityGroupEgress'], first=1),
        dict(kind='throttle', actions=['AuthorizeSecurityGroupEgress'])]))
    run = runner.task(dict(security_group_id='sg-demo-app', ip_protocol='tcp', port_range='9002/9002', dest_cidr_ip='10.9.0.0/16',
                           retry_timeout=2, retry_backoff=0.2))
    print('message: %s' % run.result['msg'])
    assert run.failed and run.result['error']['code'] == 'Throttling.User'
    assert run.result['changed'] is True and 'may have been applied' in run.result['msg']
    assert len(fresh.egress_rules('sg-demo-app')) == 1, 'the write the task could not confirm is there'


def test_a_read_back_that_runs_out_of_time_warns_and_the_task_still_succeeds(fresh, runner):
    fresh.set_lag(4000)
    run = runner.task(dict(security_group_id='sg-demo-app', ip_protocol='tcp', port_range='9003/9003', dest_cidr_ip='10.9.0.0/16',
                           wait_timeout=1))
    assert not run.failed, run.output
    text = ' '.join(run.output.split())
    print('warned: %s' % ('did not show them within wait_timeout=1s' in text))
    assert run.result['changed'] is True and 'did not show them within wait_timeout=1s' in text
    assert len(fresh.egress_rules('sg-demo-app')) == 1


def test_a_new_group_reads_never_show_in_time_fails_with_its_id_and_changed(fresh, runner):
    fresh.set_lag(4000)
    run = group_task(runner, dict(name='it-slow-to-show', vpc_id=VPC, wait_timeout=1,
                                  rules=[dict(ip_protocol='tcp', port_range='443/443', source_cidr_ip='0.0.0.0/0')]))
    print('message: %s' % run.result.get('msg'))
    (group,) = fresh.groups(name='it-slow-to-show')
    assert run.failed and run.result['changed'] is True and run.result['security_group_id'] == group['id']
    assert 'did not show it within wait_timeout=1s' in run.result['msg']
    assert actions(fresh, writes_only=True).count('CreateSecurityGroup') == 1


def test_budgets_that_make_no_sense_fail_naming_the_option_before_any_call(fresh, runner):
    rule = dict(security_group_id='sg-demo-app', ip_protocol='tcp', port_range='22/22', dest_cidr_ip='10.0.0.0/8')
    for option, value, start in (('retry_backoff', 0, 'retry_backoff: must be more than 0'),
                                 ('wait_timeout', -1, 'wait_timeout: must be 0 or more'),
                                 ('retry_timeout', -5, 'retry_timeout: must be 0 or more')):
        run = runner.task(dict(rule, **{option: value}))
        assert run.failed and run.result['msg'].startswith(start), run.result['msg']
    run = group_task(runner, dict(name='it-x', vpc_id=VPC, state='absent', delete_timeout=-1))
    assert run.failed and run.result['msg'].startswith('delete_timeout: must be 0 or more')
    assert fresh.requests() == []
