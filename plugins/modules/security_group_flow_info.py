#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: security_group_flow_info
short_description: Tell what Alibaba Cloud ECS security groups do with a flow, and which of their rules never can
version_added: 0.1.0
description:
  - Reads the rules of one or more security groups (one DescribeSecurityGroupAttribute read per group, and one
    DescribeSecurityGroups call for their types) and evaluates them the way ECS does, without sending a packet.
  - Given O(flows), returns for each flow the verdict (C(accept) or C(drop)), the rule that decides it, every other
    rule that matches it in precedence order, and when no rule matches, the group's default and where that default
    is documented.
  - Given no flows, returns the static findings for the groups' rules in both directions, by exact set arithmetic over
    protocols, ports and addresses (IPv4 and IPv6) - C(shadowed), rules that decide no flow because rules of higher
    precedence match every flow they match; C(redundant), rules whose every flow is decided the same way without
    them, by other rules or the default; C(overridden_accepts), for each drop rule the accept rules whose flows it
    takes away.
  - 'The evaluation order: priority 1 (highest) to 100; of the rules that match a flow, the highest priority decides;
    at equal priority C(drop) wins over C(accept); a flow no rule matches gets the default: normal (basic) groups
    accept all outbound traffic and inbound traffic from their own members while their inner access policy is
    C(accept), and drop other inbound traffic; enterprise (advanced) groups drop both directions. The rules of every
    group listed are evaluated together as one list, as ECS does for an instance in several groups.'
  - Rules whose remote side is a security group match by membership, which the rules do not tell; a flow states the
    groups its remote end belongs to with O(flows[].remote_groups), else such rules make the verdict
    C(undetermined) and are listed with the reason. Prefix lists are resolved with DescribePrefixListAttributes and
    port range lists with DescribePortRangeListEntries, each once; one that cannot be read is reported in
    RV(prefix_lists) or RV(port_range_lists) and treated the same way.
  - A rule over a port range list is evaluated as the rules of its entries would be, one per port range.
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
  security_group_ids:
    description:
      - The groups, by ID. With O(security_group_names), the groups of both are evaluated together.
    type: list
    elements: str
  security_group_names:
    description:
      - The groups, by exact name; each must name one group (in O(vpc_id), when given).
    type: list
    elements: str
  vpc_id:
    description:
      - VPC of the groups named in O(security_group_names); requires O(security_group_names).
    type: str
  flows:
    description:
      - The flows to evaluate. Without flows, the module returns the static findings instead.
    type: list
    elements: dict
    suboptions:
      direction:
        description: V(ingress) for traffic to the instance, V(egress) for traffic from it.
        type: str
        required: true
        choices: [ingress, egress]
      protocol:
        description: C(tcp), C(udp), C(icmp), C(icmpv6), C(gre) or an IP protocol number.
        type: str
        required: true
      remote:
        description: The IPv4 or IPv6 address at the other end (the source of ingress traffic, the destination of egress traffic).
        type: str
        required: true
      port:
        description: The destination port, for C(tcp) and C(udp).
        type: int
      local:
        description: The instance's own address, for rules that name a local range.
        type: str
      source_port:
        description: The source port, for rules that name a source port range.
        type: int
      nic_type:
        description: C(intranet) (default) or C(internet); matters for classic network groups only.
        type: str
      remote_groups:
        description: The security groups the remote end belongs to; an empty list says it belongs to none.
        type: list
        elements: str
  resolve_lists:
    description:
      - Read the entries of the prefix lists and port range lists the rules name (one call per list).
      - Without them, rules over lists make the verdicts that depend on them C(undetermined).
    type: bool
    default: true
    aliases: [resolve_prefix_lists]
"""

EXAMPLES = r"""
- name: May the monitoring host reach the web servers on 443, and may they resolve names?
  alicloud.ecs.security_group_flow_info:
    security_group_ids: [sg-bp67acfmxazb4ph0001]
    flows:
      - direction: ingress
        protocol: tcp
        remote: 10.10.0.5
        port: 443
      - direction: egress
        protocol: udp
        remote: 100.100.2.136
        port: 53
  register: verdicts

- name: Fail the play when SSH from the internet would be accepted
  ansible.builtin.assert:
    that: verdicts.flows[0].verdict == 'drop'
    fail_msg: "{{ verdicts.flows[0].rule.summary | default('the default') }} accepts it"

- name: Which rules of the group can never take effect?
  alicloud.ecs.security_group_flow_info:
    security_group_names: [web]
    vpc_id: vpc-bp1demo000000000001
  register: audit
"""

RETURN = r"""
flows:
  description: Per flow, in the order given, what the groups do with it.
  returned: when O(flows) is given
  type: list
  elements: dict
  contains:
    direction:
      description: The flow's direction.
      type: str
    flow:
      description: The flow in canonical form.
      type: dict
    verdict:
      description: C(accept), C(drop), or C(undetermined) when a rule of higher precedence that would decide otherwise depends on what the flow does not tell.
      type: str
    decided_by:
      description:
        - C(inner_access_policy) when the remote end is a member of a normal group of the list whose inner access
          policy is accept (members reach each other before any rule), else C(rule) or C(default).
      type: str
    inner_access:
      description:
        - When a group of the list has the inner access policy accept, C(policy), C(applied) (whether it decided the
          flow), C(reason) and documented C(source). A flow without C(remote_groups) is taken for a non-member's, and
          C(applied) is false with a reason that says so.
      returned: when the inner access policy decided the flow, or would have for a member
      type: dict
    rule:
      description: The deciding rule (C(security_group_id), C(security_group_rule_id), C(priority), C(policy), C(summary), C(description)).
      type: dict
    also_matched:
      description: The other rules that match the flow, in precedence order (all of them, when the inner access policy decided).
      type: list
      elements: dict
    unknown:
      description: Rules of higher precedence whose match cannot be told, each with C(reason).
      type: list
      elements: dict
    verdict_if_unknown_rules_do_not_match:
      description:
        - When RV(flows[].verdict) is C(undetermined), the verdict should none of the RV(flows[].unknown) rules match the flow.
      returned: when RV(flows[].unknown) is not empty
      type: str
    default:
      description: When no rule decided, the default's C(policy), C(reason) and documented C(source).
      type: dict
findings:
  description: Per direction (C(ingress), C(egress)), the C(shadowed), C(redundant) and C(overridden_accepts) rules.
  returned: when O(flows) is not given
  type: dict
security_groups:
  description: The groups evaluated, with C(security_group_id), C(security_group_type) and C(inner_access_policy).
  returned: success
  type: list
  elements: dict
prefix_lists:
  description: The prefix lists the rules name, C(resolved) and C(unresolved).
  returned: success
  type: dict
port_range_lists:
  description: The port range lists the rules name, C(resolved) and C(unresolved).
  returned: success
  type: dict
request_ids:
  description: Request IDs of every API call made.
  returned: always
  type: list
  elements: str
"""

from ansible_collections.alicloud.ecs.plugins.module_utils._flow_module import (
    SecurityGroupFlowInfoModule, run_security_group_flow_info_module,
)


class SecurityGroupFlowInfo(SecurityGroupFlowInfoModule):
    pass


def main():
    run_security_group_flow_info_module(SecurityGroupFlowInfo)


if __name__ == '__main__':
    main()
