# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shared time budgets: polling a read until it shows a write, and persisting while a condition clears."""

from __future__ import annotations

import pytest

from ansible_collections.alicloud.ecs.plugins.module_utils import _waiting
from ansible_collections.alicloud.ecs.plugins.module_utils._base import ApiError


def test_a_cloud_that_settles_at_once_costs_one_read(clock):
    outcome = _waiting.poll(lambda: (True, 'read'), 120)
    assert (outcome.done, outcome.value, outcome.reads, clock.sleeps) == (True, 'read', 1, [])


def test_polling_spreads_out_and_stops_when_the_read_shows_the_write(clock):
    shows_at = clock.now + 7.0

    def probe():
        return clock.now >= shows_at, clock.now
    outcome = _waiting.poll(probe, 120)
    print('reads=%d pauses=%s' % (outcome.reads, clock.sleeps))
    assert outcome.done and outcome.waited >= 7.0
    assert clock.sleeps == [0.25, 0.5, 1.0, 2.0, 4.0]
    assert all(pause <= _waiting.MAX_POLL_DELAY for pause in clock.sleeps)


def test_polling_gives_up_at_the_deadline_with_the_last_read(clock):
    outcome = _waiting.poll(lambda: (False, clock.now), 30)
    print('reads=%d waited=%.2f' % (outcome.reads, outcome.waited))
    assert not outcome.done and outcome.waited == 30.0 and outcome.value == clock.now
    assert max(clock.sleeps) == _waiting.MAX_POLL_DELAY


def test_no_time_means_exactly_one_read(clock):
    outcome = _waiting.poll(lambda: (False, None), 0)
    assert (outcome.done, outcome.reads, clock.sleeps) == (False, 1, [])


def test_persist_retries_only_what_it_is_told_to_wait_out(clock):
    answers = [ApiError('DeleteSecurityGroup', 'DependencyViolation', 'held', 403)] * 3 + ['deleted']

    def attempt():
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer
    assert _waiting.persist(attempt, lambda error: error.code == 'DependencyViolation', 600) == 'deleted'
    assert clock.sleeps == [2.0, 4.0, 8.0]

    def refused():
        raise ApiError('DeleteSecurityGroup', 'InvalidOperation.ResourceManagedByCloudProduct', 'managed', 403)
    clock.sleeps.clear()
    with pytest.raises(ApiError):
        _waiting.persist(refused, lambda error: error.code == 'DependencyViolation', 600)
    assert clock.sleeps == []


def test_persist_raises_the_last_answer_with_the_time_it_waited(clock):
    def held():
        raise ApiError('DeleteSecurityGroup', 'DependencyViolation', 'There is still instance(s) in the specified security group.', 403)
    with pytest.raises(ApiError) as raised:
        _waiting.persist(held, lambda error: error.code == 'DependencyViolation', 45)
    print('attempts=%d waited=%.1f' % (len(clock.sleeps) + 1, raised.value.waited))
    assert raised.value.waited == 45.0 and max(clock.sleeps) <= 10.0
