#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: security_group_info
short_description: List Alibaba Cloud ECS security groups, optionally with both rule lists
version_added: 0.1.0
description:
  - Lists the security groups of a region (every page of DescribeSecurityGroups), by IDs, name prefix, VPC, tags or
    any other DescribeSecurityGroups filter.
  - With O(include_rules=true), each group also carries its inner access policy and its ingress and egress rules, in
    the canonical form of M(alicloud.ecs.security_group) (one DescribeSecurityGroupAttribute read per group). The
    default leaves them out, so that listing many groups costs one call per page.
  - A listed group's C(group_name), C(tags), C(rules) and C(rules_egress) can be given back to
    M(alicloud.ecs.security_group) as they are; for the same group that reports no change.
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
      - Only these groups. An empty list asks for no group and returns none, without an API call.
    type: list
    elements: str
    aliases: [group_ids, ids]
  name_prefix:
    description:
      - Only groups whose name starts with this text (case-sensitive). An empty text is refused rather than read as
        every group.
    type: str
  group_name:
    description:
      - Only the groups named exactly this.
    type: str
    aliases: [name]
  vpc_id:
    description:
      - Only groups of this VPC.
    type: str
  tags:
    description:
      - Only groups that carry all these tags, with these values.
    type: dict
  filters:
    description:
      - Further DescribeSecurityGroups parameters, by their API name (C(SecurityGroupType)), in snake case
        (C(security_group_type)) or with dashes (C(security-group-type)), as C(alibaba.alicloud.ali_security_group_info)
        takes them; for example C(resource_group_id), C(network_type) or C(vpc-id).
      - A key that an option also sets (C(vpc_id), C(security_group_name)) must agree with that option when both are
        given; IDs under C(security_group_ids) join O(security_group_ids). Tags go in O(tags), and paging is the
        module's own.
    type: dict
  include_rules:
    description:
      - Read each group's ingress and egress rules and inner access policy as well.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: The groups of a VPC that belong to the web team
  alicloud.ecs.security_group_info:
    vpc_id: vpc-bp1demo000000000001
    tags:
      team: web
  register: web_groups

- name: One group with its rules, to copy them to another group
  alicloud.ecs.security_group_info:
    security_group_ids: [sg-bp67acfmxazb4ph0001]
    include_rules: true
  register: source

- name: Another group with the same rules
  alicloud.ecs.security_group:
    name: web-copy
    vpc_id: vpc-bp1demo000000000001
    rules: "{{ source.groups[0].rules }}"
    rules_egress: "{{ source.groups[0].rules_egress }}"

- name: Enterprise groups only
  alicloud.ecs.security_group_info:
    filters:
      security_group_type: enterprise
"""

RETURN = r"""
ids:
  description: IDs of the listed groups, sorted.
  returned: success
  type: list
  elements: str
groups:
  description: The listed groups, sorted by ID, with the keys of RV(alicloud.ecs.security_group#module:group).
  returned: success
  type: list
  elements: dict
  contains:
    group_id:
      description: ID of the group.
      type: str
    id:
      description: Alias of C(group_id).
      type: str
    group_name:
      description: Name of the group.
      type: str
    description:
      description: Description of the group.
      type: str
    vpc_id:
      description: VPC of the group; null for a classic network group.
      type: str
    security_group_type:
      description: C(normal) or C(enterprise).
      type: str
    resource_group_id:
      description: Resource group of the group.
      type: str
    tags:
      description: Tags of the group, without the cloud's own (keys starting with C(aliyun), C(acs:), C(http://), C(https://) or C(sae.do.not.delete)).
      type: dict
    inner_access_policy:
      description: C(accept) or C(drop); with O(include_rules=true) only.
      type: str
    rules:
      description: Ingress rules in canonical form; with O(include_rules=true) only.
      type: list
      elements: dict
    rules_egress:
      description: Egress rules in canonical form; with O(include_rules=true) only.
      type: list
      elements: dict
    permissions:
      description: RV(groups[].rules) with C(direction=ingress); with O(include_rules=true) only.
      type: list
      elements: dict
    permissions_egress:
      description: RV(groups[].rules_egress) with C(direction=egress); with O(include_rules=true) only.
      type: list
      elements: dict
request_ids:
  description: Request IDs of every API call made.
  returned: always
  type: list
  elements: str
"""

from ansible_collections.alicloud.ecs.plugins.module_utils._group_info_module import (
    SecurityGroupInfoModule, run_security_group_info_module,
)


class SecurityGroupInfo(SecurityGroupInfoModule):
    pass


def main():
    run_security_group_info_module(SecurityGroupInfo)


if __name__ == '__main__':
    main()
