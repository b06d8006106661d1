#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: security_group
short_description: Manage an Alibaba Cloud ECS security group, its tags and both of its rule lists
version_added: 0.1.0
description:
  - Creates, updates and deletes an ECS security group, and manages its tags, its inner access policy, its ingress
    rules (O(rules)) and its egress rules (O(rules_egress)) in the same task, idempotently.
  - Written so that a playbook of the C(alibaba.alicloud.ali_security_group) module runs unchanged once the module
    name is replaced; see the user guide page on migrating from C(ali_security_group).
  - The group is found by O(security_group_id), else by O(name) (and O(vpc_id)) with an exact name match over every
    page of DescribeSecurityGroups. Several groups with that name fail the task, listing their IDs, unless
    O(recent=true) picks the newest or O(multi_ok=true) creates another one.
  - A new group is created with CreateSecurityGroup, tags included, with a client token derived from the task's
    parameters, so that a create whose answer was lost is not applied twice when it is retried.
  - Rules are compared and written by the same rule core as M(alicloud.ecs.security_group_ingress) and
    M(alicloud.ecs.security_group_egress) (normalisation, descriptions fixed in place, batched writes). One
    DescribeSecurityGroupAttribute read serves both directions; removals in both directions are made before any
    addition, and a change that would pass the limit of 200 rules (both directions together) fails before any write.
  - Only what differs is written. A run that changes nothing makes two reads (three for a classic network group).
author:
  - alicloud.ecs maintainers (@alicloud-ecs)
extends_documentation_fragment:
  - alicloud.ecs.alicloud
  - alicloud.ecs.rule_analysis
  - alicloud.ecs.wait
attributes:
  check_mode:
    support: full
    description: Makes no write call; reports the same C(changed), diff and result a real run would (a group that
      would be created has no ID yet).
  diff_mode:
    support: full
    description: Shows the group's name, description, inner access policy, tags and both rule lists before and after.
options:
  name:
    description:
      - Name of the security group, 2 to 128 characters, starting with a letter; letters, digits, C(:), C(_), C(.)
        and C(-). Used to find the group when O(security_group_id) is not given, and to create it.
      - With O(security_group_id), a different name renames the group.
      - The form is checked before any call only with O(state=present); with O(state=absent) any name is looked up.
        Digits of any script pass the module's check; whether the API takes them in a new name is the API's to say.
    type: str
    aliases: [group_name, security_group_name]
  security_group_id:
    description:
      - ID of an existing security group. One of O(name) and O(security_group_id) is required.
    type: str
    aliases: [id, group_id]
  vpc_id:
    description:
      - VPC of the group. Narrows the lookup by name, and is where a new group is created.
      - Without it the cloud creates the group in the region's default VPC (the Terraform provider's real-cloud tests
        find such a group in a VPC), and the returned RV(group.vpc_id) says which (null in check mode, where the
        group is not created).
    type: str
  description:
    description:
      - Description of the group, 2 to 256 characters. When omitted, an existing description is left as it is.
    type: str
  security_group_type:
    description:
      - V(normal) or V(enterprise) (advanced security group). Set when the group is created and fixed afterwards;
        a different value for an existing group fails before any change.
    type: str
    choices: [normal, enterprise]
  resource_group_id:
    description:
      - Resource group of a new group. A different value for an existing group fails before any change.
    type: str
  inner_access_policy:
    description:
      - Whether the members of the group reach each other through it, V(accept) or V(drop) (case-insensitive).
        When omitted, the policy is left as it is (a new group starts with V(accept)).
      - Enterprise groups always isolate their members; only V(drop) is accepted for them.
    type: str
  tags:
    description:
      - Tags of the group, a dictionary of up to 20 keys and values. Values are compared as strings.
      - When omitted, the tags are left as they are.
    type: dict
    aliases: [group_tags]
  purge_tags:
    description:
      - With O(tags), remove the tags of the group that are not listed. Tags of the cloud itself (keys starting with
        C(aliyun), C(acs:), C(http://), C(https://) or C(sae.do.not.delete), which services set on groups they use)
        are never removed, nor shown in RV(group.tags), nor accepted in O(tags).
    type: bool
    default: true
  rules:
    description:
      - The ingress (inbound) rules, each with the options of M(alicloud.ecs.security_group_ingress).
      - When omitted, the ingress rules are left as they are. V([]) with O(purge_rules=true) removes them all.
      - The rules returned in RV(rules) can be given here as they are.
    type: list
    elements: dict
    suboptions:
      ip_protocol:
        description: Protocol, case-insensitive; C(tcp), C(udp), C(icmp), C(gre), C(all), C(icmpv6) or their numbers.
        type: str
        required: true
      port_range:
        description: Destination port range C(start/end) for C(tcp) and C(udp); omit it or give C(-1/-1) for the others.
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
        description: Source port range, in the same form.
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
        description: Account ID that owns the source group.
        type: str
      source_group_owner_account:
        description: Account name that owns the source group.
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
        description: Destination IPv4 CIDR block or address inside the group.
        type: str
      ipv6_dest_cidr_ip:
        description: Destination IPv6 CIDR block or address inside the group.
        type: str
      policy:
        description: C(accept) (default) or C(drop).
        type: str
      priority:
        description: 1 (highest, default) to 100.
        type: int
      nic_type:
        description: C(internet) or C(intranet); VPC groups have only intranet rules.
        type: str
      description:
        description: Rule description, 1 to 512 characters; updated in place.
        type: str
      security_group_rule_id:
        description: Ignored; accepted so that returned rules can be fed back.
        type: str
      create_time:
        description: Ignored; accepted so that returned rules can be fed back.
        type: str
      rule_owner:
        description:
          - Ignored; accepted so that returned rules can be fed back (the owner is in the description).
        type: str
  rules_egress:
    description:
      - The egress (outbound) rules, each with the options of M(alicloud.ecs.security_group_egress).
      - When omitted, the egress rules are left as they are. V([]) with O(purge_rules_egress=true) removes them all.
    type: list
    elements: dict
    suboptions:
      ip_protocol:
        description: Protocol, case-insensitive; C(tcp), C(udp), C(icmp), C(gre), C(all), C(icmpv6) or their numbers.
        type: str
        required: true
      port_range:
        description: Destination port range C(start/end) for C(tcp) and C(udp); omit it or give C(-1/-1) for the others.
        type: str
      ports:
        description:
          - The destination ports as a list of single ports (C(22)) and ranges (C(8000-8100) or C(8000/8100)),
            instead of O(rules_egress[].port_range); the rule stands for one API rule per port range (and per
            destination). C(tcp) and C(udp) only.
          - Repeated ports are written once, with a warning.
        type: list
        elements: str
      source_port_range:
        description: Source port range, in the same form.
        type: str
      dest_cidr_ip:
        description:
          - Destination IPv4 CIDR block or address (C(10.0.0.1) means C(10.0.0.1/32)), or a list of them. IPv6 blocks
            in the list are sent as O(rules_egress[].ipv6_dest_cidr_ip), so one list may mix both families; a
            comma-separated string is a list too.
          - A rule with a list stands for one API rule per block (and per port range of O(rules_egress[].ports)),
            each with the rule's other options; see the user guide page on writing rules.
          - A single block takes precedence over a single O(rules_egress[].dest_group_id) and
            O(rules_egress[].dest_prefix_list_id), as in the API (with a warning); a list of destinations cannot be
            combined with groups or prefix lists.
        type: list
        elements: str
      ipv6_dest_cidr_ip:
        description:
          - Destination IPv6 CIDR block or address, or a list of them (each its own API rule). VPC security groups
            only.
        type: list
        elements: str
      dest_group_id:
        description:
          - Destination security group, or a list of them (each its own API rule). Needs NIC type C(intranet), the
            default for it.
        type: list
        elements: str
      dest_group_name:
        description:
          - The destination security group by its exact name, or a list of names, looked up once per task among the
            groups in the VPC of the group the rule belongs to. Fails before any write, naming the candidates, when
            none or several groups there have the name.
          - A group of another account is given by O(rules_egress[].dest_group_id); a name is looked up in this
            account only.
          - ECS refuses a rule whose destination is its own group; a name that names it fails before any write
            (members of a normal group reach each other through its inner access policy).
          - A single name is ignored when a single O(rules_egress[].dest_group_id) is given too.
        type: list
        elements: str
      dest_group_owner_id:
        description: Account ID that owns the destination group.
        type: str
      dest_group_owner_account:
        description: Account name that owns the destination group.
        type: str
      dest_prefix_list_id:
        description:
          - Destination prefix list, or a list of them (each its own API rule). VPC security groups only, NIC type
            C(intranet). A single one is ignored (with a warning) when an address or group destination is also given,
            as in the API.
        type: list
        elements: str
      dest_prefix_list_name:
        description:
          - The destination prefix list by its exact name, or a list of names, looked up once per task in the task's
            region; fails naming the candidates when none or several lists have that name. VPC security groups only.
          - A single name is ignored when a single O(rules_egress[].dest_prefix_list_id) is given too, so that a
            returned rule, which holds both, feeds back unchanged.
        type: list
        elements: str
      port_range_list_id:
        description:
          - The destination ports from a port range list (C(prl-...)), instead of O(rules_egress[].port_range). C(tcp) and
            C(udp) only, VPC security groups only; giving both fails, since ECS would ignore the list.
          - A rule over a port range list and a rule with the same ports as a range are different rules.
          - ECS charges a rule over a list as many of the group's 200 rules as the list's C(max_entries); the check
            before any write counts so (see M(alicloud.ecs.port_range_list)).
        type: str
      port_range_list_name:
        description:
          - The port range list by its exact name, looked up once per task. Ignored when O(rules_egress[].port_range_list_id) is given too.
        type: str
      source_cidr_ip:
        description: Source IPv4 CIDR block or address inside the group.
        type: str
      ipv6_source_cidr_ip:
        description: Source IPv6 CIDR block or address inside the group.
        type: str
      policy:
        description: C(accept) (default) or C(drop).
        type: str
      priority:
        description: 1 (highest, default) to 100.
        type: int
      nic_type:
        description: C(internet) or C(intranet); VPC groups have only intranet rules.
        type: str
      description:
        description: Rule description, 1 to 512 characters; updated in place.
        type: str
      security_group_rule_id:
        description: Ignored; accepted so that returned rules can be fed back.
        type: str
      create_time:
        description: Ignored; accepted so that returned rules can be fed back.
        type: str
      rule_owner:
        description:
          - Ignored; accepted so that returned rules can be fed back (the owner is in the description).
        type: str
  purge_rules:
    description:
      - With O(rules), remove the ingress rules that are not listed.
    type: bool
    default: true
  purge_rules_egress:
    description:
      - With O(rules_egress), remove the egress rules that are not listed.
    type: bool
    default: true
  multi_ok:
    description:
      - Create a new group even when groups with this O(name) (in O(vpc_id)) exist already.
      - Mutually exclusive with O(recent).
    type: bool
    default: false
  recent:
    description:
      - When several groups carry this O(name) (in O(vpc_id)), manage the newest of them.
      - Mutually exclusive with O(multi_ok).
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the group; V(absent) deletes it.
      - A group that is still in use (instances or network interfaces in it, or rules of other groups that refer to
        it) cannot be deleted. Members keep holding a group for a while after they are released, so the task tries
        again for up to O(delete_timeout) seconds; if the group is still held then, it fails with the API's code and
        message, which names what holds it, and reports no change.
      - A group that is already gone when the delete is sent (an earlier attempt whose answer was lost, or another
        writer) is success.
    type: str
    choices: [present, absent]
    default: present
  delete_timeout:
    description:
      - With O(state=absent), how long in seconds to keep trying while C(DependencyViolation) says that instances,
        network interfaces or rules of other groups still hold the group. The official Terraform provider waits 10
        minutes too, because released instances and network interfaces leave their groups some time later.
      - V(0) fails on the first such answer.
    type: int
    default: 600
  rule_owner:
    description:
      - Limit this task to the rules it owns, in both directions, so that several plays or roles can manage the rules
        of one shared group.
      - Every rule the task writes or keeps ends its description with the marker C([owner=NAME]); O(purge_rules) and
        O(purge_rules_egress) remove only rules with this task's marker. Rules with another owner's marker are never
        changed or removed; rules without a marker are never removed, and changed only to adopt them when listed.
      - A listed rule that exists without a marker is adopted (its description gains the marker in place); one that
        exists with another owner's marker is left to that owner, with a warning. What the task leaves alone is
        returned in RV(left_alone) and shown in diff mode. See M(alicloud.ecs.security_group_ingress) for the form of
        the name.
      - Only with O(state=present); O(state=absent) deletes the whole group, whoever owns its rules, so the two are
        refused together.
    type: str
  client_token:
    description:
      - Base of the idempotency tokens of this task's writes, printable ASCII, at most 64 characters.
      - The create call's token is derived from the group's parameters (and this base, when given), so that running
        the same task again after a lost answer finds the group instead of creating a second one.
    type: str
notes:
  - Rules added by a run are returned without C(security_group_rule_id); the next run or an info module reads them.
  - Without O(vpc_id), the cloud creates the group in the region's default VPC (as the Terraform provider's real-cloud tests find), and
    the rules are checked as rules of a VPC group.
"""

EXAMPLES = r"""
- name: A web tier group with tags and both rule lists
  alicloud.ecs.security_group:
    name: web
    vpc_id: vpc-bp1demo000000000001
    description: web tier
    tags:
      team: web
      env: production
    rules:
      - ip_protocol: tcp
        port_range: 443/443
        source_cidr_ip: 0.0.0.0/0
        description: https
      - ip_protocol: tcp
        port_range: 22/22
        source_group_id: sg-bp1bastion0000000001
        description: ssh from the bastion
    rules_egress:
      - ip_protocol: all
        dest_cidr_ip: 0.0.0.0/0
  register: web

- name: Rename it and isolate its members from each other
  alicloud.ecs.security_group:
    security_group_id: "{{ web.security_group_id }}"
    name: web-frontend
    inner_access_policy: drop

- name: The same task as written for alibaba.alicloud.ali_security_group, only the module name changed
  alicloud.ecs.security_group:
    name: AliyunSG
    vpc_id: vpc-bp1demo000000000001
    rules:
      - ip_protocol: tcp
        port_range: 1/122
        source_cidr_ip: 10.159.6.18/12
    rules_egress:
      - ip_protocol: icmp
        port_range: -1/-1
        source_cidr_ip: 10.0.0.0/10
        dest_group_id: sg-bp1peer0000000000001
        priority: 1

- name: Delete the group
  alicloud.ecs.security_group:
    name: web-frontend
    vpc_id: vpc-bp1demo000000000001
    state: absent
"""

RETURN = r"""
security_group_id:
  description: ID of the group; null when check mode would create it.
  returned: success
  type: str
  sample: sg-bp67acfmxazb4ph0001
group:
  description:
    - The group after the run (predicted, in check mode), with the keys of C(ali_security_group); empty after a delete.
  returned: success
  type: dict
  contains:
    group_id:
      description: ID of the group.
      type: str
    id:
      description: Alias of RV(group.group_id).
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
    inner_access_policy:
      description: C(accept) or C(drop).
      type: str
    tags:
      description: Tags of the group.
      type: dict
    permissions:
      description: The ingress rules, as in RV(rules), each with C(direction=ingress).
      type: list
      elements: dict
    permissions_egress:
      description: The egress rules, as in RV(rules_egress), each with C(direction=egress).
      type: list
      elements: dict
rules:
  description: The ingress rules after the run, sorted, in the canonical form of M(alicloud.ecs.security_group_ingress).
  returned: success
  type: list
  elements: dict
rules_egress:
  description: The egress rules after the run, sorted, in the canonical form of M(alicloud.ecs.security_group_egress).
  returned: success
  type: list
  elements: dict
added:
  description: Rules added (or that would be added), per direction.
  returned: success
  type: dict
  contains:
    ingress:
      description: Ingress rules added.
      type: list
      elements: dict
    egress:
      description: Egress rules added.
      type: list
      elements: dict
removed:
  description: Rules removed (or that would be removed), per direction, as RV(added).
  returned: success
  type: dict
updated:
  description: Rules whose description was updated in place, per direction, as RV(added).
  returned: success
  type: dict
expanded:
  description:
    - Per direction (V(ingress), V(egress)), the requested rules that stand for more than one API rule, as the
      C(expanded) result of M(alicloud.ecs.security_group_ingress) (C(rule) names V(rules[2]) or V(rules_egress[2])).
  returned: success
  type: dict
left_alone:
  description:
    - Per direction (V(ingress), V(egress)), with O(rule_owner), the rules the task would have removed (or wants, but
      another owner holds) and left alone because they are not its own, in the form of RV(rules). Empty lists without
      O(rule_owner).
  returned: success
  type: dict
analysis:
  description:
    - Findings on the rules the group holds after the run, per direction (C(ingress), C(egress)), by exact set
      arithmetic; see O(warn_ineffective_rules). Each direction has the keys below.
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
  description: On an API failure, what the API said (action, code, message, http_status, request_id).
  returned: failure
  type: dict
"""

from ansible_collections.alicloud.ecs.plugins.module_utils._group_module import SecurityGroupModule, run_security_group_module


class SecurityGroup(SecurityGroupModule):
    pass


def main():
    run_security_group_module(SecurityGroup)


if __name__ == '__main__':
    main()
