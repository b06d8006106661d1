# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The options security_group_ingress and security_group_egress share word for word; the rule options
    # that name the remote and local sides differ per direction and stay in each module.
    DOCUMENTATION = r"""
options:
  security_group_id:
    description:
      - ID of the security group whose rules are managed.
      - One of O(security_group_id) and O(security_group_name) is required.
    type: str
  security_group_name:
    description:
      - Name of the security group, as an alternative to O(security_group_id). Looked up with DescribeSecurityGroups.
      - The name must match exactly one group in the region (in O(vpc_id), when given); otherwise the task fails
        and names the candidates.
    type: str
  vpc_id:
    description:
      - VPC of the group named by O(security_group_name).
    type: str
  state:
    description:
      - V(present) makes sure the rules exist (and, with O(purge_rules=true), that no other rule of this direction does).
      - V(absent) removes the rules that match.
    type: str
    choices: [present, absent]
    default: present
  purge_rules:
    description:
      - With O(rules), remove every rule of this direction that is not listed.
      - O(rules=[]) with O(purge_rules=true) removes all rules of this direction from the group.
      - Only with O(state=present) and O(rules).
    type: bool
    default: false
  ip_protocol:
    description:
      - Single-rule form. Transport protocol, case-insensitive. One of C(tcp), C(udp), C(icmp), C(gre), C(all),
        C(icmpv6); the protocol numbers C(6), C(17), C(1), C(47), C(58) and C(-1) are accepted too.
    type: str
  port_range:
    description:
      - Destination port range as C(start/end), for example C(80/80); C(start-end) is accepted too, and a single
        port C(443) means C(443/443). Required for C(tcp) and C(udp), unless the ports come from a port range list.
      - For C(icmp), C(gre), C(all) and C(icmpv6) omit it or give C(-1/-1); any other value is an error.
    type: str
  ports:
    description:
      - Single-rule form. The destination ports as a list of single ports (C(22)) and ranges (C(8000-8100) or
        C(8000/8100)), instead of O(port_range); the task stands for one API rule per port range (and per remote
        end, when those are a list too). C(tcp) and C(udp) only. Repeated ports are written once, with a warning.
    type: list
    elements: str
  policy:
    description:
      - V(accept) or V(drop), case-insensitive. Defaults to V(accept). A drop rule sends no reject message.
    type: str
  priority:
    description:
      - 1 (highest) to 100 (lowest). Defaults to 1. At the same priority, drop wins over accept.
    type: int
  description:
    description:
      - Rule description, 1 to 512 characters. Not part of the rule's identity; a changed description is updated in
        place. When omitted, an existing rule's description is left as it is.
    type: str
  rule_owner:
    description:
      - Limit this task to the rules it owns, so that several plays or roles can manage the rules of one shared group.
      - Every rule the task writes or keeps ends its description with the marker C([owner=NAME]); O(purge_rules=true) and
        O(state=absent) remove only rules with this task's marker. Rules with another owner's marker are never changed or
        removed; rules without a marker are never removed, and changed only to adopt them when the task lists them.
      - A listed rule that exists without a marker is adopted (its description gains the marker in place). A listed rule
        that exists with another owner's marker is left to that owner, with a warning.
      - The rules the task would have removed, or wants but another owner holds, and leaves alone are returned in
        RV(left_alone) and shown in diff mode.
      - Letters, digits, C(.), C(_) and C(-), starting with a letter or digit, at most 64 characters; blank fails. The
        marker takes the name's length plus 8 of the 512 characters of a description (plus 9 after a text).
    type: str
  client_token:
    description:
      - Base of the idempotency tokens of this task's writes, printable ASCII, at most 64 characters.
      - Each write derives its own token from it and its parameters, so running the same task again with the same
        token never applies the same write twice. Without it, a fresh base is drawn on every run; retries of one
        write always reuse that write's token.
    type: str
"""
