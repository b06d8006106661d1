#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: port_range_list
short_description: Manage an Alibaba Cloud ECS port range list and its port ranges
version_added: 0.1.0
description:
  - Creates, changes and deletes an ECS port range list ("port list"), a named set of port ranges that tcp and udp
    rules of VPC security groups take their ports from
    (O(alicloud.ecs.security_group_ingress#module:port_range_list_id),
    O(alicloud.ecs.security_group_egress#module:port_range_list_id)). Changing the list changes the ports of every
    such rule, without a write to any group.
  - The list is found by O(port_range_list_id), else by O(port_range_list_name), matched exactly over every page of
    DescribePortRangeLists. Several lists with that name fail the task, listing their IDs.
  - Every option is checked before any API call. Port ranges are compared in canonical form (C(443) is
    C(443/443), C(8000-8080) is C(8000/8080)), so a task written in another spelling reports no change.
  - Only what differs is written. A new list is created with CreatePortRangeList (its first 200 entries included)
    under a client token derived from the task; changes go in ModifyPortRangeList calls, each under a client token
    of its own, so a retried call is applied once. An entry's description is changed in place (an addition of the
    same range with the new description).
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
    description: Shows the list's name, description, C(max_entries) and entries before and after.
options:
  port_range_list_id:
    description:
      - ID of an existing port range list (C(prl-...)). One of O(port_range_list_id) and O(port_range_list_name) is
        required.
      - With O(port_range_list_name) as well, a different name renames the list.
    type: str
  port_range_list_name:
    description:
      - Name of the port range list, 2 to 128 characters, starting with a letter; letters, digits, C(:), C(_), C(.)
        and C(-); not starting with C(http://), C(https://), C(com.aliyun) or C(com.alibabacloud).
      - Used to find the list when O(port_range_list_id) is not given, and to create it. The form is checked before
        any call only with O(state=present).
    type: str
  description:
    description:
      - Description of the list, 2 to 256 characters, not starting with C(http://) or C(https://).
      - When omitted, the description is left as it is.
    type: str
  max_entries:
    description:
      - How many entries the list can hold, 1 to 2000. Required to create a list.
      - Fixed when the list is created. A different value for an existing list fails before any write, naming the
        list's value; the list must be recreated to change it.
    type: int
  entries:
    description:
      - The port ranges of the list. When omitted, the entries are left as they are; V([]) with
        O(purge_entries=true) removes them all.
      - With O(purge_entries=true) (the default) this is the exact set of entries; with O(purge_entries=false),
        missing entries are added and none is removed.
      - At most O(max_entries) entries (with O(purge_entries=false), the list's entries and the new ones together),
        each range once in canonical form; checked before any write.
      - The RV(port_range_list.entries) returned by this module or by M(alicloud.ecs.port_range_list_info) can be
        given here as they are.
    type: list
    elements: dict
    suboptions:
      port_range:
        description:
          - A port (C(443)) or a range of ports written C(8000/8080) or C(8000-8080), with
            1 <= start <= end <= 65535. Stored and returned as C(start/end).
        type: str
        required: true
      description:
        description:
          - Description of the entry, 2 to 32 characters, not starting with C(http://) or C(https://).
          - When given, a different description of the entry is changed in place. When omitted, the entry's
            description is left as it is (a new entry has none).
        type: str
notes:
  - M(alicloud.ecs.port_range_list_info) with O(alicloud.ecs.port_range_list_info#module:associations=true) lists the
    groups that reference a list.
seealso:
  - module: alicloud.ecs.port_range_list_info
  - module: alicloud.ecs.prefix_list
"""

EXAMPLES = r"""
- name: The ports of the web tier
  alicloud.ecs.port_range_list:
    port_range_list_name: web
    description: what the web tier serves
    max_entries: 5
    entries:
      - port_range: 80/80
        description: http
      - port_range: "443"
        description: https
  register: web_ports

- name: Open them to the office
  alicloud.ecs.security_group_ingress:
    security_group_id: sg-bp67acfmxazb4ph0001
    ip_protocol: tcp
    port_range_list_id: "{{ web_ports.port_range_list_id }}"
    source_cidr_ip: 203.0.113.0/28

- name: Add the alternative ports, keeping the others
  alicloud.ecs.port_range_list:
    port_range_list_name: web
    purge_entries: false
    entries:
      - port_range: 8000-8080
        description: alternative http

- name: Delete it (fails, naming the groups, while rules reference it)
  alicloud.ecs.port_range_list:
    port_range_list_name: web
    state: absent
"""

RETURN = r"""
port_range_list_id:
  description: ID of the list; null when check mode would create it. After a delete, the ID of the deleted list.
  returned: success
  type: str
  sample: prl-2ze9743ab0001
port_range_list:
  description:
    - The list after the run (predicted, in check mode); empty after a delete.
    - Its C(port_range_list_id), C(port_range_list_name), C(description), C(max_entries) and C(entries) can be given
      back to this module as they are.
  returned: success
  type: dict
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
  description: Entries added (or that would be added), each with C(port_range) and C(description).
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
from ansible_collections.alicloud.ecs.plugins.module_utils._entry_lists import PORT_RANGE_LIST


class PortRangeList(EntryListModule):
    KIND = PORT_RANGE_LIST


def main():
    run_entry_list_module(PortRangeList)


if __name__ == '__main__':
    main()
