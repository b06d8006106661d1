# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Reading back what a task wrote, shared by the modules that write.
    DOCUMENTATION = r"""
options:
  wait_timeout:
    description:
      - ECS reads can lag its writes for a while, longest after many writes in a row. After writing, the task
        reads the group again until the reads show what it wrote (added rules, removed rules, new descriptions, a new
        group, the group's name, policy and tags), for at most this many seconds in all. The task that comes next, or
        this task run again, then reads what was written, so it neither reports a false change nor writes twice.
        Only what the task wrote is compared, so other writers of the same group do not hold the task up.
      - The reads are spaced out (0.25 s, 0.5 s, 1 s, ... up to 5 s); a cloud that shows the writes at once costs
        one extra read (two after creating a group or changing its name or tags, which the group listing shows). A
        task that changes nothing reads nothing more. Each read is itself retried within O(retry_timeout).
      - If the time runs out, the task still succeeds (the cloud accepted every write) and warns. A group just created
        is the exception, since its rules cannot be planned before a read shows it; the task fails, reporting the new
        group's ID and C(changed).
      - V(0) skips the read-back.
    type: int
    default: 120
"""
