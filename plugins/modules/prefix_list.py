#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: prefix_list
short_description: Manage an Alibaba Cloud ECS prefix list and its CIDR blocks
version_added: 0.1.0
description:
  - Creates, changes and deletes an ECS prefix list, a named set of CIDR blocks of one address family that rules of
    security groups reference (O(alicloud.ecs.security_group_ingress#module:source_prefix_list_id),
    O(alicloud.ecs.security_group_egress#module:dest_prefix_list_id)). Changing the list changes what every such
    rule allows, without a write to any group.
  - The list is found by O(prefix_list_id), else by O(prefix_list_name), matched exactly over every page of
    DescribePrefixLists. Several lists with that name fail the task, listing their IDs.
  - Every option is checked before any API call. Blocks are compared in canonical form (C(10.0.0.1) is
    C(10.0.0.1/32); IPv6 compressed and in lower case), so a task written in another spelling reports no change.
  - Only what differs is written. A new list is created with CreatePrefixList, its entries included, under a
    client token derived from the task; changes go in ModifyPrefixList calls. An entry's description is changed in
    place (an addition of the same block with the new description, as the ModifyPrefixList page says), never by
    removing and adding the entry in one call.
  - A run that changes nothing makes two reads (three when rules reference the list).
author:
  - alicloud.ecs maintainers (@alicloud-ecs)
extends_documentation_fragment:
  - alicloud.ecs.alicloud
  - alicloud.ecs.entry_list
attributes:
  check_mode:
    support: full
    description: Makes no write call; reports the same C(changed), diff and result a real run would (a list that would
      be created has no ID yet).
  diff_mode:
    support: full
    description: Shows the list's name, description, address family, C(max_entries) and entries before and after.
options:
  prefix_list_id:
    description:
      - ID of an existing prefix list (C(pl-...)). One of O(prefix_list_id) and O(prefix_list_name) is required.
      - With O(prefix_list_name) as well, a different name renames the list.
    type: str
  prefix_list_name:
    description:
      - Name of the prefix list, 2 to 128 characters, starting with a letter; letters, digits, C(:), C(_), C(.) and
        C(-); not starting with C(http://), C(https://), C(com.aliyun) or C(com.alibabacloud).
      - Used to find the list when O(prefix_list_id) is not given, and to create it. The form is checked before any
        call only with O(state=present).
    type: str
  description:
    description:
      - Description of the list, 2 to 256 characters, not starting with C(http://) or C(https://).
      - When omitted, the description is left as it is.
    type: str
  address_family:
    description:
      - V(IPv4) or V(IPv6), case-insensitive. Required to create a list.
      - Fixed when the list is created. A different value for an existing list fails before any write, naming the
        list's family; the list must be recreated to change it.
      - Every block of O(entries) must be of this family.
    type: str
  max_entries:
    description:
      - How many entries the list can hold, 1 to 200. Required to create a list.
      - Fixed when the list is created. A different value for an existing list fails before any write, naming the
        list's value; the list must be recreated to change it.
    type: int
  entries:
    description:
      - The CIDR blocks of the list. When omitted, the entries are left as they are; V([]) with
        O(purge_entries=true) removes them all.
      - With O(purge_entries=true) (the default) this is the exact set of entries; with O(purge_entries=false),
        missing entries are added and none is removed.
      - At most O(max_entries) entries (with O(purge_entries=false), the list's entries and the new ones together),
        each block once in canonical form, all of the list's address family; checked before any write.
      - The RV(prefix_list.entries) returned by this module or by M(alicloud.ecs.prefix_list_info) can be given here
        as they are.
    type: list
    elements: dict
    suboptions:
      cidr:
        description:
          - An IPv4 or IPv6 CIDR block, or a single address (a C(/32) or C(/128) block).
          - A block with host bits set (C(10.0.0.1/8)) is taken as its network (C(10.0.0.0/8)), with a warning;
            the API refuses it as written.
        type: str
        required: true
      description:
        description:
          - Description of the entry, 2 to 32 characters, not starting with C(http://) or C(https://).
          - When given, a different description of the entry is changed in place. When omitted, the entry's
            description is left as it is (a new entry has none).
        type: str
notes:
  - Rules reference a prefix list only in VPC security groups. M(alicloud.ecs.prefix_list_info) with
    O(alicloud.ecs.prefix_list_info#module:associations=true) lists the groups that reference a list.
seealso:
  - module: alicloud.ecs.prefix_list_info
  - module: alicloud.ecs.port_range_list
"""

EXAMPLES = r"""
- name: The office's public addresses
  alicloud.ecs.prefix_list:
    prefix_list_name: office
    description: public addresses of the Hangzhou office
    address_family: IPv4
    max_entries: 10
    entries:
      - cidr: 203.0.113.0/28
        description: office uplink A
      - cidr: 198.51.100.7
        description: office uplink B
  register: office

- name: Let the office reach SSH through the list
  alicloud.ecs.security_group_ingress:
    security_group_id: sg-bp67acfmxazb4ph0001
    ip_protocol: tcp
    port_range: 22/22
    source_prefix_list_id: "{{ office.prefix_list_id }}"

- name: Add a block without touching the others
  alicloud.ecs.prefix_list:
    prefix_list_name: office
    purge_entries: false
    entries:
      - cidr: 192.0.2.44
        description: office uplink C

- name: Rename the list found by its ID
  alicloud.ecs.prefix_list:
    prefix_list_id: "{{ office.prefix_list_id }}"
    prefix_list_name: office-hangzhou

- name: Delete it (fails, naming the groups, while rules reference it)
  alicloud.ecs.prefix_list:
    prefix_list_name: office-hangzhou
    state: absent
"""

RETURN = r"""
prefix_list_id:
  description: ID of the list; null when check mode would create it. After a delete, the ID of the deleted list.
  returned: success
  type: str
  sample: pl-x1j1k5ykzqlixdcy0001
prefix_list:
  description:
    - The list after the run (predicted, in check mode); empty after a delete.
    - Its C(prefix_list_id), C(prefix_list_name), C(description), C(address_family), C(max_entries) and C(entries)
      can be given back to this module as they are.
  returned: success
  type: dict
  contains:
    prefix_list_id:
      description: ID of the list.
      type: str
    prefix_list_name:
      description: Name of the list.
      type: str
    description:
      description: Description of the list; null when it has none.
      type: str
    address_family:
      description: C(IPv4) or C(IPv6).
      type: str
    max_entries:
      description: How many entries the list can hold.
      type: int
    entries:
      description: The entries, sorted by address, each with C(cidr) (canonical) and C(description) (null when it has none).
      type: list
      elements: dict
    association_count:
      description: How many resources (security groups) reference the list.
      type: int
    associations:
      description: The resources that reference the list, each with C(resource_id) and C(resource_type).
      type: list
      elements: dict
    creation_time:
      description: When the list was created; null when check mode would create it.
      type: str
added:
  description: Entries added (or that would be added), each with C(cidr) and C(description).
  returned: success
  type: list
  elements: dict
removed:
  description: Entries removed (or that would be removed).
  returned: success
  type: list
  elements: dict
updated:
  description: Entries whose description was changed in place (or would be), with their new description.
  returned: success
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

from ansible_collections.alicloud.ecs.plugins.module_utils._entry_list_module import EntryListModule, run_entry_list_module
from ansible_collections.alicloud.ecs.plugins.module_utils._entry_lists import PREFIX_LIST


class PrefixList(EntryListModule):
    KIND = PREFIX_LIST


def main():
    run_entry_list_module(PrefixList)


if __name__ == '__main__':
    main()
