#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: port_range_list_info
short_description: List Alibaba Cloud ECS port range lists with their port ranges
version_added: 0.1.0
description:
  - Lists the port range lists of a region (every page of DescribePortRangeLists), by IDs or exact name, each with
    its entries (one DescribePortRangeListEntries read per list) and, with O(associations=true), the resources that
    reference it.
  - A listed list's C(port_range_list_id), C(port_range_list_name), C(description), C(max_entries) and C(entries)
    can be given to M(alicloud.ecs.port_range_list) as they are; for the same list that reports no change.
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
  port_range_list_ids:
    description:
      - Only these lists. An empty list asks for no list and returns none, without an API call.
    type: list
    elements: str
  port_range_list_name:
    description:
      - Only the lists named exactly this.
    type: str
  associations:
    description:
      - Read each list's associations as well (the security groups whose rules reference it), one
        DescribePortRangeListAssociations read per list that has any.
    type: bool
    default: false
seealso:
  - module: alicloud.ecs.port_range_list
"""

EXAMPLES = r"""
- name: Every port range list of the region
  alicloud.ecs.port_range_list_info:
  register: port_lists

- name: One list, with the groups that reference it
  alicloud.ecs.port_range_list_info:
    port_range_list_name: web
    associations: true
  register: web

- name: The groups that would lose ports if the list changed
  ansible.builtin.debug:
    msg: "{{ web.port_range_lists[0].associations | map(attribute='resource_id') | list }}"
"""

RETURN = r"""
ids:
  description: IDs of the listed lists, sorted.
  returned: success
  type: list
  elements: str
port_range_lists:
  description: The listed lists, sorted by ID, with the keys of RV(alicloud.ecs.port_range_list#module:port_range_list).
  returned: success
  type: list
  elements: dict
  contains:
    port_range_list_id:
      description: ID of the list.
      type: str
    port_range_list_name:
      description: Name of the list.
      type: str
    description:
      description: Description of the list; null when it has none.
      type: str
    max_entries:
      description: How many entries the list can hold.
      type: int
    entries:
      description: The entries, sorted by port, each with C(port_range) (C(start/end)) and C(description) (null when it has none).
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
from ansible_collections.alicloud.ecs.plugins.module_utils._entry_lists import PORT_RANGE_LIST


class PortRangeListInfo(EntryListInfoModule):
    KIND = PORT_RANGE_LIST


def main():
    run_entry_list_info_module(PortRangeListInfo)


if __name__ == '__main__':
    main()
