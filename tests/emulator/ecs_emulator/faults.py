"""Deterministic fault injection, configured through the admin API."""

import random
import threading

from .errors import ApiError, catalogue_message

KINDS = ('throttle', 'throttle_retry_after', 'service_unavailable', 'internal_error', 'gress_flow_malformed',
         'latency', 'drop_after_write', 'error')
# The fault kind `error` answers any code with any status in this range.
ERROR_STATUS_RANGE = (400, 599)

_ERRORS = {
    'throttle': 'Throttling.User',
    'throttle_retry_after': 'Throttling.User',
    'service_unavailable': 'ServiceUnavailable',
    'internal_error': 'InternalError',
    'gress_flow_malformed': 'InvalidGressFlow.Malformed',
}


class FaultConfigError(ValueError):
    pass


class Decision:
    """What the faults say about one call: extra latency, and at most one fault that shapes the answer."""

    def __init__(self):
        self.latency_ms = 0
        self.kind = None
        self.retry_after_ms = None
        self.answer = None  # the `error` kind's (code, status, message)

    def error(self):
        """The ApiError to answer with, or None when the call proceeds (latency, drop_after_write, no fault)."""
        if self.kind == 'error':
            code, status, message = self.answer
            return ApiError(code, message, status=status)
        if self.kind not in _ERRORS:
            return None
        headers = {}
        if self.kind == 'throttle_retry_after':
            headers['x-acs-retry-after'] = str(self.retry_after_ms)
        return ApiError(_ERRORS[self.kind], headers=headers)


def _error_answer(rule):
    """(code, status, message) of an `error` rule; the message defaults to the catalogue's, else a generic one."""
    code, status, message = rule.get('code'), rule.get('status'), rule.get('message')
    if not isinstance(code, str) or not code.strip():
        raise FaultConfigError('an "error" rule needs a "code" (a non-empty string)')
    low, high = ERROR_STATUS_RANGE
    if isinstance(status, bool) or not isinstance(status, int) or not low <= status <= high:
        raise FaultConfigError('an "error" rule needs a "status" (an integer from %d to %d)' % (low, high))
    if message is not None and not isinstance(message, str):
        raise FaultConfigError('"message" must be a string')
    if message is None:
        message = catalogue_message(code) or 'The request failed with %s.' % code
    return code, status, message


def _validate(config):
    if not isinstance(config, dict):
        raise FaultConfigError('the fault configuration must be a JSON object')
    rules = config.get('rules', [])
    if not isinstance(rules, list):
        raise FaultConfigError('"rules" must be a list')
    clean = []
    for rule in rules:
        if not isinstance(rule, dict) or rule.get('kind') not in KINDS:
            raise FaultConfigError('each rule needs a "kind" among %s' % ', '.join(KINDS))
        actions = rule.get('actions', ['*'])
        if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
            raise FaultConfigError('"actions" must be a list of action names')
        rate = rule.get('rate')
        first = rule.get('first')
        if rate is not None and (not isinstance(rate, (int, float)) or not 0 <= rate <= 1):
            raise FaultConfigError('"rate" must be a number in [0, 1]')
        if first is not None and (not isinstance(first, int) or first < 0):
            raise FaultConfigError('"first" must be a non-negative integer')
        if rate is None and first is None:
            rate = 1.0
        clean.append({'kind': rule['kind'], 'actions': actions, 'rate': rate, 'first': first,
                      'latency_ms': int(rule.get('latency_ms', 200)), 'retry_after_ms': int(rule.get('retry_after_ms', 100)),
                      'answer': _error_answer(rule) if rule['kind'] == 'error' else None, 'seen': 0})
    seed = config.get('seed', 0)
    if not isinstance(seed, int):
        raise FaultConfigError('"seed" must be an integer')
    return seed, clean


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self._rules = []
        self._random = random.Random(0)
        self._config = {}

    def configure(self, config):
        seed, rules = _validate(config)
        with self._lock:
            self._rules = rules
            self._random = random.Random(seed)
            self._config = config

    def clear(self):
        with self._lock:
            self._rules = []
            self._config = {}

    def config(self):
        with self._lock:
            return self._config

    def decide(self, action):
        """Advance the counters of every rule matching `action` (in order) and combine what fired."""
        decision = Decision()
        with self._lock:
            for rule in self._rules:
                if '*' not in rule['actions'] and action not in rule['actions']:
                    continue
                rule['seen'] += 1
                fired = rule['first'] is not None and rule['seen'] <= rule['first']
                if rule['rate'] is not None:
                    # Draw on every matching call, so the sequence depends only on the seed and call order.
                    fired = (self._random.random() < rule['rate']) or fired
                if not fired:
                    continue
                if rule['kind'] == 'latency':
                    decision.latency_ms += rule['latency_ms']
                elif decision.kind is None:
                    decision.kind = rule['kind']
                    decision.retry_after_ms = rule['retry_after_ms']
                    decision.answer = rule['answer']
        return decision
