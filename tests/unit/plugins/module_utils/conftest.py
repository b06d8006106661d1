# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What several unit test files share: a clock for the collection's time budgets."""

from __future__ import annotations

import pytest

from ansible_collections.alicloud.ecs.plugins.module_utils import _waiting


class Clock:
    """Time that passes only when the code under test sleeps; ``sleeps`` lists every pause."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    """The clock of ``_waiting`` (every budget, poll and retry pause) replaced by a Clock."""
    fake = Clock()
    monkeypatch.setattr(_waiting.time, 'monotonic', fake.monotonic)
    monkeypatch.setattr(_waiting.time, 'sleep', fake.sleep)
    return fake
