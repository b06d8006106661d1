# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The options security_group_ingress_info and security_group_egress_info share word for word; the filters on
    # the remote side differ per direction and stay in each module.
    DOCUMENTATION = r"""
options:
  security_group_id:
    description:
      - ID of the security group.
      - Exactly one of O(security_group_id), O(security_group_ids) and O(security_group_name) is required.
    type: str
  security_group_ids:
    description:
      - IDs of several security groups; their rules are returned per group in RV(security_groups).
      - An empty list asks for no group and returns empty RV(security_groups) and RV(rules) without an API call,
        so that a list built by a filter that matched nothing does no harm. An empty string in the list fails.
    type: list
    elements: str
  security_group_name:
    description:
      - Name of the security group, looked up with DescribeSecurityGroups. It must match exactly one group in the
        region (in O(vpc_id), when given).
    type: str
  vpc_id:
    description:
      - VPC of the group named by O(security_group_name).
    type: str
  ip_protocol:
    description:
      - Keep only rules of this protocol (case-insensitive; C(tcp), C(udp), C(icmp), C(gre), C(all), C(icmpv6) or
        a protocol number).
    type: str
  policy:
    description:
      - Keep only C(accept) or only C(drop) rules (case-insensitive).
    type: str
  nic_type:
    description:
      - Keep only C(internet) or only C(intranet) rules.
    type: str
  port:
    description:
      - Keep only rules that apply to traffic to this port, that is C(tcp) and C(udp) rules whose port range
        contains it, and C(all) rules.
    type: int
"""
