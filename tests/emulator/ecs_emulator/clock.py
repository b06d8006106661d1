"""The emulator's clock for credential lifetimes: the real time plus an offset that tests may advance.

Only the lifetimes of temporary credentials (issued by AssumeRole, checked by both APIs) follow it;
request timestamps, nonces and the create times of groups and rules keep the real clock, so that
advancing it never makes an ordinary signed request stale.
"""

import threading
import time


class Clock:
    def __init__(self):
        self._offset = 0
        self._lock = threading.Lock()

    def now(self):
        with self._lock:
            return time.time() + self._offset

    def offset(self):
        with self._lock:
            return self._offset

    def advance(self, seconds):
        """Move the clock forward by a whole, non-negative number of seconds; returns the new offset."""
        if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
            raise ValueError('"advance_seconds" must be a non-negative integer')
        with self._lock:
            self._offset += seconds
            return self._offset

    def reset(self):
        with self._lock:
            self._offset = 0

    def state(self):
        with self._lock:
            return {'now': int(time.time() + self._offset), 'offset_seconds': self._offset}
