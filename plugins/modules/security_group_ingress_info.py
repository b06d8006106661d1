#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: security_group_ingress_info
short_description: List the ingress (inbound) rules of Alibaba Cloud ECS security groups
version_added: 0.1.0
description:
  - Reads the ingress rules of one or more ECS security groups (every page) and returns them in the same canonical
    form as M(alicloud.ecs.security_group_ingress), optionally filtered.
  - The returned RV(rules) can be given to M(alicloud.ecs.security_group_ingress) O(alicloud.ecs.security_group_ingress#module:rules)
    unchanged; with the same group that reports no change.
author:
  - alicloud.ecs maintainers (@alicloud-ecs)
extends_documentation_fragment:
  - alicloud.ecs.alicloud
  - alicloud.ecs.rule_info
attributes:
  check_mode:
    support: full
    description: Only reads, so it runs the same in check mode.
  diff_mode:
    support: none
    description: The module changes nothing, so there is no diff.
options:
  source_cidr_ip:
    description:
      - Keep only rules from this IPv4 source (C(10.0.0.1) matches C(10.0.0.1/32)).
    type: str
  ipv6_source_cidr_ip:
    description:
      - Keep only rules from this IPv6 source, compared in canonical form.
    type: str
  source_group_id:
    description:
      - Keep only rules from this source security group.
    type: str
  source_prefix_list_id:
    description:
      - Keep only rules from this prefix list.
    type: str
  port_range_list_id:
    description:
      - Keep only rules that take their ports from this port range list.
    type: str
  rule_owner:
    description:
      - Keep only rules whose description carries this owner's marker C([owner=NAME]), the rules that a task with this
        C(rule_owner) manages (see the user guide page on writing rules).
    type: str
"""

EXAMPLES = r"""
- name: Read the ingress rules of a group
  alicloud.ecs.security_group_ingress_info:
    region: cn-hangzhou
    security_group_id: sg-bp67acfmxazb4ph0001
  register: web_ingress

- name: Copy them to another group, exactly
  alicloud.ecs.security_group_ingress:
    region: cn-hangzhou
    security_group_id: sg-bp67acfmxazb4ph0002
    purge_rules: true
    rules: "{{ web_ingress.rules }}"

- name: Which drop rules apply to HTTPS, in two groups?
  alicloud.ecs.security_group_ingress_info:
    region: cn-hangzhou
    security_group_ids: [sg-bp67acfmxazb4ph0001, sg-bp67acfmxazb4ph0002]
    policy: drop
    port: 443
  register: https_drops

- name: Find a group by its name in a VPC
  alicloud.ecs.security_group_ingress_info:
    region: cn-hangzhou
    security_group_name: web
    vpc_id: vpc-bp1demo0000000000001
"""

RETURN = r"""
rules:
  description:
    - The ingress rules of the group, filtered, sorted, in the canonical form of M(alicloud.ecs.security_group_ingress).
    - With O(security_group_ids), the rules of all the groups together; see RV(security_groups) for them per group.
  returned: success
  type: list
  elements: dict
  sample:
    - security_group_rule_id: sgr-bp1demo00000000001
      ip_protocol: tcp
      port_range: 443/443
      source_port_range: null
      source_cidr_ip: 10.0.0.0/8
      ipv6_source_cidr_ip: null
      source_group_id: null
      source_group_name: null
      source_group_owner_account: null
      source_group_owner_id: null
      source_prefix_list_id: null
      source_prefix_list_name: null
      port_range_list_id: null
      port_range_list_name: null
      dest_cidr_ip: null
      ipv6_dest_cidr_ip: null
      policy: accept
      priority: 1
      nic_type: intranet
      description: https to the internal network
      create_time: '2026-11-28T04:30:00Z'
      rule_owner: null
security_groups:
  description: Per group, its ID, VPC and (filtered) ingress rules.
  returned: success
  type: list
  elements: dict
  contains:
    security_group_id:
      description: ID of the group.
      type: str
    vpc_id:
      description: VPC of the group; null for a classic network group.
      type: str
    total_rule_count:
      description: Ingress and egress rules of the group in total, unfiltered (at most 200).
      type: int
    rules:
      description: The group's ingress rules, filtered, as in RV(rules).
      type: list
      elements: dict
request_ids:
  description: Request IDs of every API call made.
  returned: always
  type: list
  elements: str
"""


from ansible_collections.alicloud.ecs.plugins.module_utils._rule_model import INGRESS
from ansible_collections.alicloud.ecs.plugins.module_utils._rule_info_module import RuleInfoModule, run_rule_info_module


class SecurityGroupIngressInfo(RuleInfoModule):
    DIRECTION = INGRESS


def main():
    run_rule_info_module(SecurityGroupIngressInfo)


if __name__ == '__main__':
    main()
