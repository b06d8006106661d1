# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # What the modules that manage a prefix list or a port range list share.
    DOCUMENTATION = r"""
options:
  purge_entries:
    description:
      - With O(entries), remove the entries of the list that are not given, so that O(entries) is the exact set.
      - V(false) only adds what is missing and changes the descriptions given; it never removes an entry.
    type: bool
    default: true
  state:
    description:
      - V(present) creates or updates the list; V(absent) deletes it.
      - A list that rules of security groups reference cannot be deleted. The task reads the list's associations
        first and, while any resource references it, fails without calling delete, naming the security groups. A
        rule added between that read and the delete meets the API's refusal, reported the same way.
      - Deleting a list that does not exist (any more) is success without a change.
    type: str
    choices: [present, absent]
    default: present
  client_token:
    description:
      - Base of the idempotency tokens of this task's writes, printable ASCII, at most 64 characters.
      - The create call's token is derived from the list's parameters (and this base, when given), so that running
        the same task again after a lost answer finds the list instead of creating a second one. A retried call
        always sends the token of its first attempt.
      - Each ModifyPortRangeList call derives a token of its own from this base and its parameters, so running the
        same task again with the same base never applies the same write twice; without it, a fresh base is drawn on
        every run. ModifyPrefixList and the deletes take no token; a retried ModifyPrefixList whose first attempt
        got no answer is confirmed by a read instead.
    type: str
  wait_timeout:
    description:
      - After writing, the task reads the list again until the reads show what it wrote (entries added and removed,
        new descriptions, a new list, its name and description), for at most this many seconds in all. The task
        that comes next, or this task run again, then reads what was written. Only what the task wrote is compared,
        so other writers of the same list do not hold the task up.
      - The reads are spaced out (0.25 s, 0.5 s, 1 s, ... up to 5 s). If the time runs out, the task still succeeds
        (the cloud accepted every write) and warns.
      - After a delete, the task lists until the list is no longer listed.
      - V(0) skips the read-back.
    type: int
    default: 120
notes:
  - A list's C(max_entries) (and a prefix list's C(address_family)) is fixed when the list is created. A task that
    gives another value fails before any write and says so; to change it, create a new list, move the rules that
    reference the old one to it, and delete the old one.
  - ECS charges a rule that references a list as many of its security group's 200 rules as the list's
    C(max_entries), not as the entries it holds now; choose C(max_entries) for the list's real growth.
  - A change of more than 200 entries is written in several Modify calls of at most 200 additions and 200 removals
    each. Whether ECS counts a call's removals before its additions is not documented, so when the list would
    otherwise pass C(max_entries) mid-way the removals are written first, in calls of their own.
"""
