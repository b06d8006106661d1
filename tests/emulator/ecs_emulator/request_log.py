"""The in-memory log of API requests that the admin port serves."""

import threading


class RequestLog:
    """Entries numbered by `seq`; clearing keeps the numbering going, so `since` stays meaningful."""

    def __init__(self):
        self._entries = []
        self._seq = 0
        self._lock = threading.Lock()

    def record(self, entry):
        with self._lock:
            self._seq += 1
            entry['seq'] = self._seq
            self._entries.append(entry)

    def since(self, seq):
        with self._lock:
            return [dict(e) for e in self._entries if e['seq'] > seq]

    def clear(self):
        with self._lock:
            self._entries = []
