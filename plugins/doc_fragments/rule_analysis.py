# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The analysis of the rules a task leaves behind, shared by the modules that write rules.
    DOCUMENTATION = r"""
options:
  warn_ineffective_rules:
    description:
      - After planning, the rules the group will hold are analysed (exact set arithmetic, no extra API call), and a
        warning names each rule that can never take effect (shadowed, because rules of higher precedence decide
        every flow it matches) or is redundant (every flow it decides is decided the same way by other rules), with
        the rules that decide its flows instead. The findings are returned as RV(analysis) either way.
      - V(false) turns the warnings off.
      - The group's type is not read, so the group's default (what a flow no rule matches gets) is not taken into
        account here; M(alicloud.ecs.security_group_flow_info) does. Rules whose remote side is a security group or a
        prefix list are compared by membership only, which the rules alone do not tell.
    type: bool
    default: true
"""
