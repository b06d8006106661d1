#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: security_group_ingress
short_description: Manage the ingress (inbound) rules of an Alibaba Cloud ECS security group
version_added: 0.1.0
description:
  - Adds, updates and removes inbound rules of an ECS security group, idempotently.
  - Reads the group's rules once, compares them with the requested ones after normalising both sides, and calls
    the API only for what differs. A second run with the same options reports no change.
  - Normalisation means that C(10.0.0.1) equals C(10.0.0.1/32), IPv6 addresses compare in compressed form,
    protocol and policy compare case-insensitively (C(TCP) equals C(tcp)), an omitted port range of C(icmp),
    C(gre), C(all) and C(icmpv6) equals C(-1/-1), and default priority and NIC type are filled in as the API does.
  - A rule is identified by every rule option except O(description), O(source_group_owner_id) and
    O(source_group_owner_account). A rule that differs only in its description is updated in place
    (ModifySecurityGroupRule), keeping its rule ID.
  - Changes are written batched per call, and only after the whole request was validated, in this sequence;
    description updates, removals (RevokeSecurityGroup by rule ID), additions (AuthorizeSecurityGroup
    with up to 100 rules per call). Removing first keeps the group under the rule limit.
  - A request that would leave the group with more than 200 ingress and egress rules in total fails before any write.
author:
  - alicloud.ecs maintainers (@alicloud-ecs)
extends_documentation_fragment:
  - alicloud.ecs.alicloud
  - alicloud.ecs.rule_module
  - alicloud.ecs.rule_analysis
  - alicloud.ecs.wait
attributes:
  check_mode:
    support: full
    description: Makes no write call; reports the same C(changed), diff and result a real run would.
  diff_mode:
    support: full
    description: Shows the group's ingress rules before and after, sorted, in canonical form.
options:
  rules:
    description:
      - A list of rules, each with the same options as the single-rule form.
      - Mutually exclusive with the top-level rule options (O(ip_protocol), O(port_range), ...).
      - The output of M(alicloud.ecs.security_group_ingress) RV(rules) can be given here as is; C(security_group_rule_id)
        and C(create_time) are accepted and ignored.
    type: list
    elements: dict
    suboptions:
      ip_protocol:
        description:
          - Transport protocol, case-insensitive. One of C(tcp), C(udp), C(icmp), C(gre), C(all), C(icmpv6);
            the protocol numbers C(6), C(17), C(1), C(47), C(58) and C(-1) are accepted too.
        type: str
        required: true
      port_range:
        description:
          - Destination port range as C(start/end), for example C(80/80) or C(1024/65535); C(start-end) is accepted
            too, and a single port C(443) means C(443/443). Required for C(tcp) and C(udp), unless the ports come from a port range list.
          - For C(icmp), C(gre), C(all) and C(icmpv6) omit it or give C(-1/-1); any other value is an error.
        type: str
      ports:
        description:
          - The destination ports as a list of single ports (C(22)) and ranges (C(8000-8100) or C(8000/8100)),
            instead of O(rules[].port_range); the rule stands for one API rule per port range (and per source).
            C(tcp) and C(udp) only.
          - Repeated ports are written once, with a warning.
        type: list
        elements: str
      source_port_range:
        description:
          - Source port range of the traffic (the ports on the remote side), in the same form as O(rules[].port_range).
        type: str
      source_cidr_ip:
        description:
          - Source IPv4 CIDR block or address (C(10.0.0.1) means C(10.0.0.1/32)), or a list of them. IPv6 blocks in
            the list are sent as O(rules[].ipv6_source_cidr_ip), so one list may mix both families; a comma-separated
            string is a list too.
          - A rule with a list stands for one API rule per block (and per port range of O(rules[].ports)), each with
            the rule's other options; see the user guide page on writing rules.
          - A single block takes precedence over a single O(rules[].source_group_id) and
            O(rules[].source_prefix_list_id), as in the API (with a warning); a list of sources cannot be combined
            with groups or prefix lists.
        type: list
        elements: str
      ipv6_source_cidr_ip:
        description:
          - Source IPv6 CIDR block or address, or a list of them (each its own API rule). VPC security groups only.
        type: list
        elements: str
      source_group_id:
        description:
          - Source security group, or a list of them (each its own API rule). Needs NIC type C(intranet), the default
            for it.
        type: list
        elements: str
      source_group_name:
        description:
          - The source security group by its exact name, or a list of names, looked up once per task among the groups
            in the VPC of the group the rule belongs to. Fails before any write, naming the candidates, when none or
            several groups there have the name.
          - A group of another account is given by O(rules[].source_group_id); a name is looked up in this account
            only.
          - ECS refuses a rule whose source is its own group; a name that names it fails before any write (members of
            a normal group reach each other through its inner access policy).
          - A single name is ignored when a single O(rules[].source_group_id) is given too.
        type: list
        elements: str
      source_group_owner_id:
        description:
          - Alibaba Cloud account ID that owns O(rules[].source_group_id), for a group of another account.
        type: str
      source_group_owner_account:
        description:
          - Alibaba Cloud account name that owns O(rules[].source_group_id), for a group of another account.
        type: str
      source_prefix_list_id:
        description:
          - Source prefix list, or a list of them (each its own API rule). VPC security groups only, NIC type
            C(intranet). A single one is ignored (with a warning) when an address or group source is also given, as
            in the API.
        type: list
        elements: str
      source_prefix_list_name:
        description:
          - The source prefix list by its exact name, or a list of names, looked up once per task in the task's
            region; fails naming the candidates when none or several lists have that name. VPC security groups only.
          - A single name is ignored when a single O(rules[].source_prefix_list_id) is given too, so that a returned
            rule, which holds both, feeds back unchanged.
        type: list
        elements: str
      port_range_list_id:
        description:
          - The destination ports from a port range list (C(prl-...)), instead of O(rules[].port_range). C(tcp) and
            C(udp) only, VPC security groups only; giving both fails, since ECS would ignore the list.
          - A rule over a port range list and a rule with the same ports as a range are different rules.
          - ECS charges a rule over a list as many of the group's 200 rules as the list's C(max_entries); the check
            before any write counts so (see M(alicloud.ecs.port_range_list)).
        type: str
      port_range_list_name:
        description:
          - The port range list by its exact name, looked up once per task. Ignored when O(rules[].port_range_list_id) is given too.
        type: str
      dest_cidr_ip:
        description:
          - Destination IPv4 CIDR block or address inside the group.
        type: str
      ipv6_dest_cidr_ip:
        description:
          - Destination IPv6 CIDR block or address inside the group.
        type: str
      policy:
        description:
          - V(accept) or V(drop), case-insensitive. Defaults to V(accept). A drop rule sends no reject message.
        type: str
      priority:
        description:
          - 1 (highest) to 100 (lowest). Defaults to 1. At the same priority, drop wins over accept.
        type: int
      nic_type:
        description:
          - V(internet) or V(intranet).
          - VPC security groups have only intranet rules. In classic network groups the default is V(intranet) for a
            group or prefix list source and V(internet) otherwise.
        type: str
      description:
        description:
          - Rule description, 1 to 512 characters. Not part of the rule's identity; a changed description is
            updated in place. When omitted, an existing rule's description is left as it is.
        type: str
      security_group_rule_id:
        description:
          - Ignored; accepted so that returned rules can be fed back.
        type: str
      create_time:
        description:
          - Ignored; accepted so that returned rules can be fed back.
        type: str
      rule_owner:
        description:
          - Ignored; accepted so that returned rules can be fed back (the owner is in the description).
        type: str
  source_port_range:
    description:
      - Source port range of the traffic (the ports on the remote side), in the same form as O(port_range).
    type: str
  source_cidr_ip:
    description:
      - Source IPv4 CIDR block or address (C(10.0.0.1) means C(10.0.0.1/32)), or a list of them. IPv6 blocks in the
        list are sent as O(ipv6_source_cidr_ip), so one list may mix both families; a comma-separated string is a
        list too.
      - A rule with a list stands for one API rule per block (and per port range of O(ports)), each with the rule's
        other options; see the user guide page on writing rules.
      - A single block takes precedence over a single O(source_group_id) and O(source_prefix_list_id), as in the API
        (with a warning); a list of sources cannot be combined with groups or prefix lists.
    type: list
    elements: str
  ipv6_source_cidr_ip:
    description:
      - Source IPv6 CIDR block or address, or a list of them (each its own API rule). VPC security groups only.
    type: list
    elements: str
  source_group_id:
    description:
      - Source security group, or a list of them (each its own API rule). Needs NIC type C(intranet), the default for
        it.
    type: list
    elements: str
  source_group_name:
    description:
      - The source security group by its exact name, or a list of names, looked up once per task among the groups in
        the VPC of the group the rule belongs to. Fails before any write, naming the candidates, when none or several
        groups there have the name.
      - A group of another account is given by O(source_group_id); a name is looked up in this account only.
      - ECS refuses a rule whose source is its own group; a name that names it fails before any write (members of a
        normal group reach each other through its inner access policy).
      - A single name is ignored when a single O(source_group_id) is given too.
    type: list
    elements: str
  source_group_owner_id:
    description:
      - Alibaba Cloud account ID that owns O(source_group_id), for a group of another account.
    type: str
  source_group_owner_account:
    description:
      - Alibaba Cloud account name that owns O(source_group_id), for a group of another account.
    type: str
  source_prefix_list_id:
    description:
      - Source prefix list, or a list of them (each its own API rule). VPC security groups only, NIC type
        C(intranet). A single one is ignored (with a warning) when an address or group source is also given, as in
        the API.
    type: list
    elements: str
  source_prefix_list_name:
    description:
      - The source prefix list by its exact name, or a list of names, looked up once per task in the task's region;
        fails naming the candidates when none or several lists have that name. VPC security groups only.
      - A single name is ignored when a single O(source_prefix_list_id) is given too, so that a returned rule, which
        holds both, feeds back unchanged.
    type: list
    elements: str
  port_range_list_id:
    description:
      - The destination ports from a port range list (C(prl-...)), instead of O(port_range). C(tcp) and
        C(udp) only, VPC security groups only; giving both fails, since ECS would ignore the list.
      - A rule over a port range list and a rule with the same ports as a range are different rules.
      - ECS charges a rule over a list as many of the group's 200 rules as the list's C(max_entries); the check
        before any write counts so (see M(alicloud.ecs.port_range_list)).
    type: str
  port_range_list_name:
    description:
      - The port range list by its exact name, looked up once per task. Ignored when O(port_range_list_id) is given too.
    type: str
  dest_cidr_ip:
    description:
      - Destination IPv4 CIDR block or address inside the group.
    type: str
  ipv6_dest_cidr_ip:
    description:
      - Destination IPv6 CIDR block or address inside the group.
    type: str
  nic_type:
    description:
      - V(internet) or V(intranet).
      - VPC security groups have only intranet rules. In classic network groups the default is V(intranet) for a group
        or prefix list source and V(internet) otherwise.
    type: str
notes:
  - Rules added by a run are returned without C(security_group_rule_id), since the API does not return it and a
    second read would cost an extra call on every change; read them with the next run or DescribeSecurityGroupAttribute.
  - For classic network groups, the API lists intranet and internet rules separately, so such a group costs two reads.
"""

EXAMPLES = r"""
- name: Allow HTTPS from an internal network
  alicloud.ecs.security_group_ingress:
    region: cn-hangzhou
    security_group_id: sg-bp67acfmxazb4ph0001
    ip_protocol: tcp
    port_range: 443/443
    source_cidr_ip: 10.0.0.0/8
    description: https from the internal network

- name: Allow PostgreSQL from a security group of another account
  alicloud.ecs.security_group_ingress:
    region: cn-hangzhou
    security_group_id: sg-bp67acfmxazb4ph0001
    ip_protocol: tcp
    port_range: 5432/5432
    source_group_id: sg-bp1peer0000000000001
    source_group_owner_account: peer@example.com
    description: application servers of the data team

- name: Allow DNS from the addresses of a prefix list
  alicloud.ecs.security_group_ingress:
    region: cn-hangzhou
    security_group_id: sg-bp67acfmxazb4ph0001
    ip_protocol: udp
    port_range: 53/53
    source_prefix_list_id: pl-bp1dns0000000000001

- name: Allow HTTPS from an IPv6 range
  alicloud.ecs.security_group_ingress:
    region: cn-hangzhou
    security_group_id: sg-bp67acfmxazb4ph0001
    ip_protocol: tcp
    port_range: 443/443
    ipv6_source_cidr_ip: 2001:db8:1234::/48

- name: Drop all traffic from a network, before any accept rule of lower priority
  alicloud.ecs.security_group_ingress:
    region: cn-hangzhou
    security_group_id: sg-bp67acfmxazb4ph0001
    ip_protocol: all
    source_cidr_ip: 192.168.0.0/16
    policy: drop
    priority: 10

- name: Make these the only ingress rules of the group
  alicloud.ecs.security_group_ingress:
    region: cn-hangzhou
    security_group_id: sg-bp67acfmxazb4ph0001
    purge_rules: true
    rules:
      - ip_protocol: tcp
        port_range: 443/443
        source_cidr_ip: 0.0.0.0/0
        description: https from anywhere
      - ip_protocol: udp
        port_range: 53/53
        source_cidr_ip: 100.100.2.136
        description: monitoring
      - ip_protocol: all
        source_cidr_ip: 0.0.0.0/0
        policy: drop
        priority: 100

- name: Remove one rule
  alicloud.ecs.security_group_ingress:
    region: cn-hangzhou
    security_group_id: sg-bp67acfmxazb4ph0001
    state: absent
    ip_protocol: tcp
    port_range: 22/22
    source_cidr_ip: 0.0.0.0/0

- name: Preview what would change, without changing anything
  alicloud.ecs.security_group_ingress:
    region: cn-hangzhou
    security_group_id: sg-bp67acfmxazb4ph0001
    purge_rules: true
    rules: "{{ wanted_ingress_rules }}"
  check_mode: true
  diff: true
  register: preview

- name: Set the connection options once for the whole play
  module_defaults:
    group/alicloud.ecs.alicloud:
      region: cn-hangzhou
      endpoint: ecs-vpc.cn-hangzhou.aliyuncs.com
  alicloud.ecs.security_group_ingress:
    security_group_id: sg-bp67acfmxazb4ph0001
    ip_protocol: icmp
    source_cidr_ip: 10.0.0.0/8
"""

RETURN = r"""
security_group_id:
  description: ID of the managed group (useful with O(security_group_name)).
  returned: success
  type: str
  sample: sg-bp67acfmxazb4ph0001
rules:
  description:
    - The group's ingress rules after the run (predicted, in check mode), sorted, in canonical form.
    - Rules added by this run have no RV(rules[].security_group_rule_id) yet.
  returned: success
  type: list
  elements: dict
  contains:
    security_group_rule_id:
      description: ID of the rule.
      type: str
      sample: sgr-bp1demo00000000001
    ip_protocol:
      description: Protocol, lower case.
      type: str
      sample: tcp
    port_range:
      description: Destination port range; C(-1/-1) for protocols without ports; null when the ports come from a port range list.
      type: str
      sample: 443/443
    source_port_range:
      description: Source port range, or null.
      type: str
    source_cidr_ip:
      description: Source IPv4 network, always with a prefix length.
      type: str
      sample: 10.0.0.1/32
    ipv6_source_cidr_ip:
      description: Source IPv6 network, compressed, with a prefix length.
      type: str
    source_group_id:
      description: Source security group.
      type: str
    source_group_name:
      description: Name of the source group as the task gave it (O(source_group_name)); null in rules that were read.
      type: str
    source_group_owner_account:
      description: Owner account name of the source group; null in read rules, whose owner is reported by ID.
      type: str
    source_group_owner_id:
      description:
        - Account ID that owns the source group. Describe reports it (in C(SourceGroupOwnerAccount), which holds the ID), so a
          rule that was read feeds back unchanged.
      type: str
    source_prefix_list_id:
      description: Source prefix list.
      type: str
    source_prefix_list_name:
      description: Name of the prefix list, as ECS reports it; null without a prefix list.
      type: str
    port_range_list_id:
      description: Port range list the rule takes its destination ports from; then RV(rules[].port_range) is null.
      type: str
    port_range_list_name:
      description: Name of the port range list, as ECS reports it.
      type: str
    dest_cidr_ip:
      description: Destination IPv4 network.
      type: str
    ipv6_dest_cidr_ip:
      description: Destination IPv6 network.
      type: str
    policy:
      description: C(accept) or C(drop).
      type: str
      sample: accept
    priority:
      description: Priority, 1 to 100.
      type: int
      sample: 1
    nic_type:
      description: C(intranet) or C(internet).
      type: str
      sample: intranet
    description:
      description: Description of the rule.
      type: str
    create_time:
      description: When the rule was created, UTC.
      type: str
      sample: '2026-11-28T04:30:00Z'
    rule_owner:
      description: The owner whose marker ends the rule's description (see O(rule_owner)); null without a marker.
      type: str
      sample: web
added:
  description: Rules added (or that would be added in check mode), in the same form as RV(rules).
  returned: always
  type: list
  elements: dict
removed:
  description: Rules removed (or that would be removed), in the same form as RV(rules).
  returned: always
  type: list
  elements: dict
updated:
  description: Rules whose description was updated in place, with the new description.
  returned: always
  type: list
  elements: dict
expanded:
  description:
    - The requested rules that stand for more than one API rule (lists in O(source_cidr_ip), O(ports) and the other
      list options), in the order given; empty when no rule does.
  returned: success
  type: list
  elements: dict
  contains:
    rule:
      description: Where the rule was given, V(rules[2]) (V(rule) for the single-rule form).
      type: str
    count:
      description: How many API rules it stands for, after its repeats were merged.
      type: int
    rules:
      description: Those rules, in the form of RV(rules).
      type: list
      elements: dict
left_alone:
  description:
    - With O(rule_owner), the ingress rules the task would have removed (or wants, but another owner holds) and left
      alone because they are not its own (another owner's marker, or none), in the form of RV(rules). Empty without
      O(rule_owner).
  returned: success
  type: list
  elements: dict
analysis:
  description:
    - Findings on the rules the group holds after the run in this direction, by exact set arithmetic; see
      O(warn_ineffective_rules).
  returned: success
  type: dict
  contains:
    shadowed:
      description: Rules that decide no flow, each with C(rule) and the rules of higher precedence that cover it (C(covered_by)).
      type: list
      elements: dict
    redundant:
      description: Rules whose every flow is decided the same way by other rules, each with C(rule) and C(decided_anyway_by).
      type: list
      elements: dict
    overridden_accepts:
      description: For each drop rule (C(drop_rule)), the accept rules of lower precedence whose flows it takes away
        (C(accept_rules), each with C(entirely)).
      type: list
      elements: dict
request_ids:
  description: Request IDs of every API call made, for support cases.
  returned: always
  type: list
  elements: str
error:
  description: On an API failure, what the API said.
  returned: failure
  type: dict
  contains:
    action:
      description: The API action that failed.
      type: str
      sample: AuthorizeSecurityGroup
    code:
      description: The API's error code.
      type: str
      sample: InvalidSourceGroupId.NotFound
    message:
      description: The API's error message.
      type: str
    http_status:
      description: HTTP status of the answer; null when no answer came.
      type: int
      sample: 404
    request_id:
      description: Request ID of the failed call.
      type: str
"""


from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import INGRESS
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_module import RuleModule, run_rule_module


class SecurityGroupIngress(RuleModule):
    DIRECTION = INGRESS


def main():
    run_rule_module(SecurityGroupIngress)


if __name__ == '__main__':
    main()
