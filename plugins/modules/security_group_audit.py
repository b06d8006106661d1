#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: security_group_audit
short_description: Audit Alibaba Cloud ECS security groups of whole accounts and regions, exactly, and fail a pipeline on findings
version_added: 0.1.0
description:
  - Reads every security group in scope (one DescribeSecurityGroups call per 100 groups, one DescribeSecurityGroupAttribute
    read per group, one read per prefix list or port range list the rules reference, per account and region),
    concurrently, and answers the checks by exact evaluation of the rules as ECS applies them, not by matching how a rule is
    spelled.
  - The built-in checks ask whether the whole internet reaches one instance of the group on a port, with the meaning of the
    CIS Alibaba Cloud Foundations Benchmark v2.0.0 items 4.3 (port 22) and 4.4 (port 3389) - every address of C(0.0.0.0/0),
    or every address of C(::/0), reaches the port of one instance (one local address and NIC type) from some source port.
    Split blocks (C(0.0.0.0/1) and C(128.0.0.0/1)), IPv6, prefix lists, port range lists, protocol C(all), port ranges, a drop rule of higher
    priority and the drop that wins a tie at equal priority are all decided as ECS decides them, so such groups are neither
    missed nor falsely reported.
  - Traffic from the internet comes from addresses, not from members of a security group, so rules whose source is a group
    and the inner access policy do not let it in. It arrives on the internet NIC of a classic network instance, and on
    the only NIC type a VPC instance has.
  - A prefix list or port range list that cannot be read is never guessed. When the answer depends on its entries, the
    check is C(undetermined) and the list is listed in RV(unreadable).
  - Each finding names the group, the check, every rule that lets the traffic in (in the form the rule modules take, so
    that a remediation task can pass them with O(alicloud.ecs.security_group_ingress#module:state=absent) and close the
    exposure in one run) and one witness flow that the flow evaluator of M(alicloud.ecs.security_group_flow_info)
    confirms.
  - O(forbid) and O(require) state a team's own policy as flows, for example nothing reaches port 5432 from outside
    C(10.0.0.0/8).
  - O(fail_on) turns the audit into a gate; without it the task reports and succeeds.
author:
  - alicloud.ecs maintainers (@alicloud-ecs)
extends_documentation_fragment:
  - alicloud.ecs.alicloud
attributes:
  check_mode:
    support: full
    description: Only reads, so it runs the same in check mode.
  diff_mode:
    support: none
    description: The module changes nothing, so there is no diff.
options:
  region:
    description:
      - The region to audit, when O(regions) is not given.
      - If not set, the environment variable E(ALIBABA_CLOUD_REGION_ID) is used, then E(ALICLOUD_REGION).
    type: str
    required: false
  regions:
    description:
      - Audit every region of this list (then O(region) is not used).
    type: list
    elements: str
  accounts:
    description:
      - Audit several accounts. Each element names an account and the credentials for it; the task's own credential options
        are the base that each element changes.
      - An element that gives a source of credentials (O(accounts[].access_key_id), O(accounts[].profile),
        O(accounts[].ecs_role_name), ...) replaces every source option of the task; an element that gives
        O(accounts[].assume_role_arn) replaces the task's role. The usual pattern is one set of task credentials and one
        role to assume per account.
      - Without O(accounts), the task's own credentials are the one account audited.
    type: list
    elements: dict
    suboptions:
      name:
        description: A name for the account, returned with each group and finding.
        type: str
        required: true
      access_key_id:
        description: AccessKey ID for this account.
        type: str
      access_key_secret:
        description: AccessKey secret for this account.
        type: str
      security_token:
        description: STS security token, with the AccessKey of this element.
        type: str
      profile:
        description: Profile of the credentials file for this account.
        type: str
      shared_credentials_file:
        description: Credentials file for O(accounts[].profile).
        type: path
      ecs_role_name:
        description: Instance RAM role for this account.
        type: str
      assume_role_arn:
        description: ARN of the RAM role to assume in this account.
        type: str
      assume_role_session_name:
        description: Session name for O(accounts[].assume_role_arn).
        type: str
      assume_role_session_expiration:
        description: Session duration in seconds (900 to 43200) for O(accounts[].assume_role_arn).
        type: int
      assume_role_policy:
        description: A policy (JSON) that narrows the assumed role's permissions.
        type: str
      assume_role_external_id:
        description: External ID the role's trust policy requires.
        type: str
  security_group_ids:
    description:
      - Audit these groups (with O(security_group_names), the groups of both). An ID no account and region lists is reported
        in RV(unreadable).
      - Without O(security_group_ids) and O(security_group_names), every group of each account and region is audited.
    type: list
    elements: str
  security_group_names:
    description:
      - Audit the groups of these exact names (every group of the name, in any VPC).
    type: list
    elements: str
  vpc_id:
    description:
      - Only groups of this VPC.
    type: str
  tags:
    description:
      - Only groups that carry all these tags. A value of V(null) matches any value of the key; V(true) and V(false)
        match the text C(true) and C(false).
    type: dict
  checks:
    description:
      - The built-in checks to run.
      - V(internet_ssh) - no group lets the whole internet reach tcp port 22 (CIS 4.3).
      - V(internet_rdp) - no group lets the whole internet reach port 3389, tcp or udp (CIS 4.4).
      - V(internet_remote_admin) - no group lets the whole internet reach a port of O(remote_admin_ports).
      - V(internet_all_traffic) - no group lets the whole internet reach every protocol and every port of one instance.
      - V(ineffective_rules) - rules that can never take effect (shadowed) or change no verdict (redundant), at severity
        C(low); a hygiene check, not run by default. Shadowed rules may be revoked together; redundant ones one at a
        time (two rules may each be redundant because of the other), see RV(findings[].safe_to_remove).
    type: list
    elements: str
    choices: [internet_ssh, internet_rdp, internet_remote_admin, internet_all_traffic, ineffective_rules]
    default: [internet_ssh, internet_rdp, internet_remote_admin, internet_all_traffic]
  remote_admin_ports:
    description:
      - The tcp ports of V(internet_remote_admin), as ports or ranges (C(5985-5986) or C(5985/5986)); each port is judged
        on its own.
      - The default is Telnet (23), VNC (5900) and WinRM (5985, 5986); ports 22 and 3389 have their own checks.
    type: list
    elements: str
    default: ['23', '5900', '5985-5986']
  tolerated_prefix_length:
    description:
      - The widest public source a team tolerates on the ports of the built-in checks, as a prefix length per family. A
        public block wider than that (a shorter prefix) that reaches a port of one instance fails the check at severity
        C(medium), although not the whole internet does; for example C(0.0.0.0/1) with O(tolerated_prefix_length.ipv4=8).
      - Public means globally reachable; private, shared, loopback, link-local, documentation, multicast and reserved
        ranges are not, nor is IPv6 outside C(2000::/3).
    type: dict
    suboptions:
      ipv4:
        description: Prefix length, 0 to 32.
        type: int
      ipv6:
        description: Prefix length, 0 to 128.
        type: int
  forbid:
    description:
      - Flows that no group may accept. A group fails when any flow of an element is accepted at any of its local
        addresses; the finding gives the remote addresses that reach it and the rules that accept them.
    type: list
    elements: dict
    suboptions: &assertion
      name:
        description: A name for the assertion, used in findings; by default a summary of the flows.
        type: str
      direction:
        description: V(ingress) for traffic to the instances, V(egress) for traffic from them.
        type: str
        default: ingress
        choices: [ingress, egress]
      protocol:
        description: C(tcp), C(udp), C(icmp), C(icmpv6), C(gre), C(all) or an IP protocol number.
        type: str
        required: true
      ports:
        description: Destination ports or ranges (C(5432), C(8000-8080)), for C(tcp) and C(udp); every port when not given.
        type: list
        elements: str
      remote:
        description: The other end, as CIDR blocks or addresses, or C(internet) for C(0.0.0.0/0) and C(::/0) (the default).
        type: list
        elements: str
      remote_except:
        description: Blocks taken out of O(forbid[].remote), for example C(10.0.0.0/8) to mean from outside that network.
        type: list
        elements: str
      local:
        description: The instances' own addresses the assertion is about; every address when not given.
        type: list
        elements: str
      severity:
        description: The severity of a finding of this assertion.
        type: str
        default: high
        choices: [low, medium, high, critical]
  require:
    description:
      - Flows every group in scope must accept, at every local address of O(require[].local), from some source port. A
        group fails when any of them is not accepted; the finding gives a witness flow and the rule or default that drops
        it.
    type: list
    elements: dict
    suboptions: *assertion
  fail_on:
    description:
      - Fail the task when a check fails at this severity or above (V(any) for every severity); V(none) reports only.
      - The message names, for each finding, the group, the check and the rules to change; the result keeps every finding.
    type: str
    default: none
    choices: [none, any, low, medium, high, critical]
  fail_on_unreadable:
    description:
      - Fail the task when an account and region could not be listed, a group or a list could not be read, a group
        asked for by ID or name was not found, or a check is C(undetermined). By default these are reported in
        RV(unreadable) and RV(summary) and the task goes on; it fails only when no account and region at all can be
        listed.
    type: bool
    default: false
  max_concurrency:
    description:
      - How many API reads run at once (1 to 32). Each call is retried within O(retry_timeout) when throttled, so
        throttling slows the audit down rather than failing it. Prefix lists are read, once each per account and
        region, by the task itself as the groups that use them come in.
    type: int
    default: 8
notes:
  - A group that lists another group as the source of a rule lets that group's members in; the audit is about the
    internet, and reports such rules only in V(ineffective_rules) when they never take effect.
  - The checks are about one group at a time. An instance in several groups is governed by their rules together; use
    M(alicloud.ecs.security_group_flow_info) with the groups of one instance to evaluate them as one list.
  - With O(endpoint), every region of O(regions) is reached through that endpoint; leave it out to audit several regions
    through their public regional endpoints.
seealso:
  - module: alicloud.ecs.security_group_flow_info
  - module: alicloud.ecs.security_group_ingress
"""

EXAMPLES = r"""
- name: Fail the pipeline when a group of the production account opens SSH or RDP to the whole internet
  alicloud.ecs.security_group_audit:
    regions: [cn-hangzhou, cn-shanghai]
    fail_on: high
  register: audit

- name: Two accounts, one role each, and the team's own policy
  alicloud.ecs.security_group_audit:
    regions: [cn-hangzhou]
    accounts:
      - name: production
        assume_role_arn: acs:ram::1234567890123456:role/security-audit
      - name: staging
        assume_role_arn: acs:ram::6543210987654321:role/security-audit
    tolerated_prefix_length:
      ipv4: 16
    forbid:
      - name: postgres only from the VPC
        protocol: tcp
        ports: ['5432']
        remote_except: [10.0.0.0/8]
    require:
      - name: monitoring reaches the node exporter
        protocol: tcp
        ports: ['9100']
        remote: [10.20.0.5]
    fail_on: high
  register: audit

- name: Revoke the rules that open SSH to the internet (after review)
  alicloud.ecs.security_group_ingress:
    region: "{{ item.region }}"
    security_group_id: "{{ item.security_group_id }}"
    rules: "{{ item.rules }}"
    state: absent
  loop: "{{ audit.findings | selectattr('check', 'equalto', 'internet_ssh') | list }}"
  loop_control:
    label: "{{ item.security_group_id }}"
"""

RETURN = r"""
findings:
  description: Every failed or undetermined check, most severe first.
  returned: success, and when O(fail_on) fails the task
  type: list
  elements: dict
  contains:
    account:
      description: The O(accounts[].name) of the group's account; null without O(accounts).
      type: str
    region:
      description: The group's region.
      type: str
    security_group_id:
      description: The group.
      type: str
    security_group_name:
      description: The group's name.
      type: str
    vpc_id:
      description: The group's VPC; null for a classic network group.
      type: str
    check:
      description: The check (C(internet_ssh), ...), or C(forbid) / C(require) for the team's own assertions.
      type: str
    title:
      description: What the check asks, in words.
      type: str
    cis:
      description: The CIS Alibaba Cloud Foundations Benchmark v2.0.0 item of the check (C(4.3), C(4.4)); null when there is none.
      type: str
    severity:
      description: C(low), C(medium), C(high) or C(critical).
      type: str
    status:
      description: C(fail), or C(undetermined) when unreadable lists decide the answer.
      type: str
    open:
      description: For the built-in checks, every protocol and port that fails as badly as the finding says (C(tcp port 23)).
      type: list
      elements: str
    safe_to_remove:
      description:
        - For V(ineffective_rules) findings, whether the rule may be revoked together with the other such rules (true for
          shadowed rules); revoke redundant rules one at a time, auditing again in between.
      type: bool
    direction:
      description: The direction of the flows, C(ingress) or C(egress); the rule module to pass RV(findings[].rules) to.
      type: str
    message:
      description: What is wrong and which rules to change.
      type: str
    exposure:
      description:
        - For the built-in checks, C(whole_internet) (true, false or null when undetermined), C(families) (C(ipv4), C(ipv6)
          whose every address reaches one instance), C(reachable_from) (the public CIDR blocks that reach one instance),
          C(widest_sources) (the widest of them per family), C(widest_source) (that of the family the finding is about)
          and C(may_reach_from) (what unreadable lists could add, when they matter).
        - For O(forbid), C(reachable_from) (every address that reaches, public or not); for O(require), C(not_reached_from).
      type: dict
    rules:
      description:
        - Every rule that accepts the flows, those that decide them now first, each in the form the rule modules take
          (its direction's option names, C(security_group_rule_id) included); revoking them all closes the exposure.
      type: list
      elements: dict
    decided_by_default:
      description: Whether the group's default decides some of the flows (an egress default accepts, an ingress default drops).
      type: bool
    witness:
      description:
        - One flow of the finding (C(protocol), C(remote), C(port), C(local), C(source_port), C(nic_type)) with the verdict
          of the flow evaluator on it (C(verdict), C(decided_by), C(rule)); it reaches the instance for a failed built-in
          check or O(forbid), and does not for O(require).
      type: dict
groups:
  description:
    - Every group audited, with C(account), C(region), C(security_group_id), C(security_group_name), C(vpc_id),
      C(security_group_type), C(inner_access_policy), C(rule_count), C(status) (C(pass), C(fail), C(undetermined) or
      C(unreadable)), C(checks) (the status of each check, and of each assertion under its index and name, C(forbid[0]) then its name) and
      C(prefix_lists) and C(port_range_lists) (each with C(resolved) and C(unresolved)).
  returned: success, and when O(fail_on) fails the task
  type: list
  elements: dict
unreadable:
  description:
    - What could not be read, each with C(kind) (C(scope) for an account and region that could not be listed,
      C(security_group), C(security_group_name), C(prefix_list) or C(port_range_list)), C(id), C(account), C(region) and C(error) (the API's
      C(code), C(message), C(http_status) and C(request_id); C(NotFound) for a group asked for that no scope lists).
  returned: success
  type: list
  elements: dict
summary:
  description:
    - Counts - C(groups), C(rules), C(findings), C(failed_groups), C(by_severity) (failed checks), C(by_check),
      C(undetermined), C(unreadable) - and the C(scopes) (account and region) audited.
  returned: success
  type: dict
checks:
  description: The built-in checks that ran.
  returned: success
  type: list
  elements: str
request_ids:
  description: Request IDs of every API call made.
  returned: always
  type: list
  elements: str
"""

from ansible_collections.alicloud.ecs.plugins.module_utils._audit_module import (
    SecurityGroupAuditModule, run_security_group_audit_module,
)


class SecurityGroupAudit(SecurityGroupAuditModule):
    pass


def main():
    run_security_group_audit_module(SecurityGroupAudit)


if __name__ == '__main__':
    main()
