# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every time budget of the collection: retrying a call, and waiting for the cloud to settle.

The real API is slow and partial in ways its documents do not say; the official Terraform provider
learned them over the years, and the choices below follow it (docs/maintainers/real-account.md lists
the evidence):

- what is worth retrying (``is_transient``): any code that contains ``Throttling``, ``ServiceUnavailable``
  and every 5xx answer, retried for minutes rather than a fixed count (provider ``errors.go`` NeedRetry);
- reads lag writes: a rule just authorized can be missing from the next DescribeSecurityGroupAttribute and
  a new group can be briefly invisible (provider commits 9ce79e7bc, b92554f7a), so a write is confirmed
  by reading until the read shows it (``poll``);
- a group stays held for a while after its members are released: DeleteSecurityGroup answers
  DependencyViolation until then (provider resourceAliCloudEcsSecurityGroupDelete, 10 minutes).

Nothing here talks to Ansible or to the network; the clock and the sleep are looked up at call time,
so tests replace ``_waiting.time``'s functions to run without waiting.
"""

from __future__ import annotations

import random
import time

# Codes that say "try again later" rather than "this request is wrong", besides throttling and 5xx.
# InvalidGressFlow.Malformed is documented for AuthorizeSecurityGroupEgress as an internal condition to retry.
RETRYABLE_CODES = frozenset((
    'ServiceUnavailable', 'InternalError', 'InvalidGressFlow.Malformed', 'RequestTimeout',
    'LastTokenProcessing', 'OperationConflict', 'Operation.Conflict',
))
# The longest pause between two attempts of one call, hint or backoff.
MAX_RETRY_DELAY = 30.0
# Polling a read: the first look again comes soon, later ones spread out up to this.
FIRST_POLL_DELAY = 0.25
MAX_POLL_DELAY = 5.0


def is_transient(error):
    """True when the failed call may succeed if sent again unchanged.

    A code *containing* Throttling counts (Throttling.User, Rejected.Throttling, Throttling.Api, ...), as in
    the provider's NeedRetry, and so does any answer of HTTP 5xx or no answer at all.
    """
    if getattr(error, 'transport', False):
        return True
    status = getattr(error, 'status', None)
    if status is not None and status >= 500:
        return True
    code = getattr(error, 'code', None) or ''
    return 'Throttling' in code or code in RETRYABLE_CODES


def retry_delay(attempt, backoff, retry_after_ms=None):
    """Seconds to wait before retry number ``attempt`` (1-based): the server's hint if it gave one,
    else exponential backoff with equal jitter so that parallel tasks do not retry in lockstep."""
    if retry_after_ms is not None:
        return min(max(float(retry_after_ms) / 1000.0, 0.0), MAX_RETRY_DELAY)
    ceiling = min(MAX_RETRY_DELAY, backoff * (2 ** (attempt - 1)))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


class Budget:
    """A deadline: how much longer a module may keep trying."""

    def __init__(self, seconds):
        self.seconds = max(float(seconds or 0), 0.0)
        self.started = time.monotonic()

    def elapsed(self):
        return time.monotonic() - self.started

    def remaining(self):
        return max(self.seconds - self.elapsed(), 0.0)

    def pause(self, seconds):
        """Sleep ``seconds``, cut to what remains; False (without sleeping) when nothing remains."""
        remaining = self.remaining()
        if remaining <= 0:
            return False
        time.sleep(min(max(seconds, 0.0), remaining))
        return True


class PollOutcome:
    """What waiting for a condition came to: whether it held, the last value read, and what it cost."""

    def __init__(self, done, value, reads, waited):
        self.done = done
        self.value = value
        self.reads = reads
        self.waited = waited


def poll(probe, seconds, first_delay=FIRST_POLL_DELAY, max_delay=MAX_POLL_DELAY):
    """Call ``probe()`` -> (done, value) until done or ``seconds`` have passed; at least once.

    The pauses grow (0.25 s, 0.5 s, 1 s, ... up to 5 s), so a cloud that settles at once costs one read
    and a slow one is not hammered.
    """
    budget = Budget(seconds)
    delay = first_delay
    reads = 0
    while True:
        done, value = probe()
        reads += 1
        if done or not budget.pause(delay):
            return PollOutcome(done, value, reads, budget.elapsed())
        delay = min(delay * 2, max_delay)


def persist(attempt, keeps_waiting, seconds, first_delay=2.0, max_delay=10.0):
    """Call ``attempt()`` until it returns, raises what ``keeps_waiting(error)`` refuses, or ``seconds`` pass.

    For a condition that clears by itself in a while, such as a group still held by members being released.
    Returns what ``attempt`` returned; otherwise raises its last error, with ``waited`` (seconds) set on it.
    """
    budget = Budget(seconds)
    delay = first_delay
    while True:
        try:
            return attempt()
        except Exception as error:  # pylint: disable=broad-except
            if not keeps_waiting(error) or not budget.pause(delay):
                error.waited = budget.elapsed()
                raise
        delay = min(delay * 2, max_delay)
