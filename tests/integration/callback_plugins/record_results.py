# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Test-only callback: appends every task result to the JSON-lines file named by RECORD_RESULTS_FILE."""

from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: record_results
type: aggregate
short_description: Write task results to a JSON-lines file, for the integration tests
description:
  - Appends one JSON object per task result to the file named by the environment variable E(RECORD_RESULTS_FILE).
requirements:
  - enabled in callbacks_enabled
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'record_results'
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, result, status):
        path = os.environ.get('RECORD_RESULTS_FILE')
        if not path:
            return
        # ansible-core 2.19 exposes the host as .host; 2.18's TaskResult only as ._host.
        host = getattr(result, 'host', None) or getattr(result, '_host', None)
        # Likewise the return data: .result on 2.19, ._result on 2.18 (deprecated on 2.19).
        data = result.result if hasattr(result, 'result') else getattr(result, '_result')
        entry = dict(task=result.task_name, host=host.get_name() if host else None, status=status, result=dict(data))
        with open(path, 'a', encoding='utf-8') as handle:
            handle.write(json.dumps(entry, default=str) + '\n')

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')
