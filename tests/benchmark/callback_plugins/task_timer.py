# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Benchmark-only callback: the wall time of every task, written as JSON lines to TASK_TIMER_FILE."""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: task_timer
type: aggregate
short_description: Record each task's wall time, for the benchmark
description:
  - Appends one JSON object per task (name, action, seconds, status, changed) to the file named by E(TASK_TIMER_FILE).
requirements:
  - enabled in callbacks_enabled
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'task_timer'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._started = {}

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._started[task.get_name()] = (time.perf_counter(), task.action)

    def _record(self, result, status):
        path = os.environ.get('TASK_TIMER_FILE')
        started, action = self._started.get(result.task_name, (None, None))
        if not path or started is None:
            return
        # The return data: .result on ansible-core 2.19, ._result on 2.18.
        data = result.result if hasattr(result, 'result') else getattr(result, '_result')
        entry = dict(task=result.task_name, action=action, seconds=time.perf_counter() - started, status=status,
                     changed=bool(data.get('changed')))
        with open(path, 'a', encoding='utf-8') as handle:
            handle.write(json.dumps(entry) + '\n')

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')
