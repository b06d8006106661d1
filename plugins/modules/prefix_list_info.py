#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: prefix_list_info
short_description: List Alibaba Cloud ECS prefix lists with their CIDR blocks
version_added: 0.1.0
description:
  - Lists the prefix lists of a region (every page of DescribePrefixLists), by IDs, exact name or address family,
    each with its entries (one DescribePrefixListAttributes read per list) and, with O(associations=true), the
    resources that reference it.
  - A listed list's C(prefix_list_id), C(prefix_list_name), C(description), C(address_family), C(max_entries) and
    C(entries) can be given to M(alicloud.ecs.prefix_list) as they are; for the same list that reports no change.
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
  prefix_list_ids:
    description:
      - Only these lists. An empty list asks for no list and returns none, without an API call.
    type: list
    elements: str
  prefix_list_name:
    description:
      - Only the lists named exactly this.
    type: str
  address_family:
    description:
      - Only the lists of this address family, V(IPv4) or V(IPv6) (case-insensitive).
    type: str
  associations:
    description:
      - Read each list's associations as well (the security groups whose rules reference it), one
        DescribePrefixListAssociations read per list that has any.
    type: bool
    default: false
seealso:
  - module: alicloud.ecs.prefix_list
"""

EXAMPLES = r"""
- name: Every IPv4 prefix list of the region
  alicloud.ecs.prefix_list_info:
    address_family: ipv4
  register: ipv4_lists

- name: One list, with the groups that reference it
  alicloud.ecs.prefix_list_info:
    prefix_list_name: office
    associations: true
  register: office

- name: A copy of it in another region
  alicloud.ecs.prefix_list:
    region: cn-shanghai
    prefix_list_name: "{{ office.prefix_lists[0].prefix_list_name }}"
    description: "{{ office.prefix_lists[0].description }}"
    address_family: "{{ office.prefix_lists[0].address_family }}"
    max_entries: "{{ office.prefix_lists[0].max_entries }}"
    entries: "{{ office.prefix_lists[0].entries }}"
"""

RETURN = r"""
ids:
  description: IDs of the listed lists, sorted.
  returned: success
  type: list
  elements: str
prefix_lists:
  description: The listed lists, sorted by ID, with the keys of RV(alicloud.ecs.prefix_list#module:prefix_list).
  returned: success
  type: list
  elements: dict
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
      description: The entries, sorted by address, each with C(cidr) and C(description) (null when it has none).
      type: list
      elements: dict
    association_count:
      description: How many resources reference the list.
      type: int
    associations:
      description: The resources that reference the list, each with C(resource_id) and C(resource_type); with
        O(associations=true) only.
      type: list
      elements: dict
    creation_time:
      description: When the list was created.
      type: str
request_ids:
  description: Request IDs of every API call made.
  returned: always
  type: list
  elements: str
"""

from ansible_collections.alicloud.ecs.plugins.module_utils._entry_list_module import EntryListInfoModule, run_entry_list_info_module
from ansible_collections.alicloud.ecs.plugins.module_utils._entry_lists import PREFIX_LIST


class PrefixListInfo(EntryListInfoModule):
    KIND = PREFIX_LIST


def main():
    run_entry_list_info_module(PrefixListInfo)


if __name__ == '__main__':
    main()
