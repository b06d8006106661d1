"""The ECS API without HTTP: run one action for one caller on the store, with client tokens and faults.

The HTTP server authenticates and then calls `Service.call`; tests may call it directly.
"""

import json
import time
import uuid

from .actions import ACTIONS, WITHOUT_CLIENT_TOKEN
from .common import Context
from .consistency import Consistency
from .errors import ApiError
from .faults import Faults
from .validation import check_client_token


def new_request_id():
    return str(uuid.uuid4()).upper()


class CallReport:
    """What one call did, for the request log.

    Filled in as the call proceeds, so after an ApiError it still tells how far the call got.
    """

    def __init__(self):
        self.write = False
        self.fault = None
        self.applied = False
        self.drop_connection = False


class Service:
    def __init__(self, store, faults=None, consistency=None):
        self.store = store
        self.faults = faults if faults is not None else Faults()
        self.consistency = consistency if consistency is not None else Consistency()

    def call(self, action, params, account, request_id=None, report=None):
        """Answer body of `action` with decoded `params` (no envelope) for `account`; raises ApiError.

        `account` is a mapping with account_id and account_name (a key row or harness.credentials()
        will do). Pass a CallReport as `report` to learn whether the call wrote, hit a fault, or
        changed the state.
        """
        report = report if report is not None else CallReport()
        if action not in ACTIONS:
            raise ApiError('InvalidAction.NotFound')
        handler, write = ACTIONS[action]
        report.write = write
        decision = self.faults.decide(action)
        if decision.latency_ms:
            time.sleep(decision.latency_ms / 1000.0)
        report.fault = decision.kind or ('latency' if decision.latency_ms else None)
        fault_error = decision.error()
        if fault_error is not None:
            raise fault_error
        caller = {'account_id': account['account_id'], 'account_name': account['account_name']}
        context = Context(action, params, caller, request_id or new_request_id())
        if not write:
            # Reads see the groups as they were `lag` ago (None: as they are).
            context.read_moment = self.consistency.cutoff(self.store.now())
        body, report.applied = self._run_once(handler, write, context)
        report.drop_connection = decision.kind == 'drop_after_write'
        return body

    def _run_once(self, handler, write, ctx):
        """Run the handler in one transaction, or replay the answer of an earlier call with the same ClientToken.

        Actions whose request model has no ClientToken ignore one: not checked, not remembered, never replayed.
        """
        token = check_client_token(ctx.get('ClientToken')) if write and ctx.action not in WITHOUT_CLIENT_TOKEN else None
        fingerprint = json.dumps({k: v for k, v in ctx.params.items() if k != 'ClientToken'}, sort_keys=True)
        account_id = ctx.account['account_id']
        with self.store.transaction(write) as tx:
            if token:
                earlier = tx.client_token_answer(account_id, ctx.action, token)
                if earlier is not None:
                    if earlier['fingerprint'] != fingerprint:
                        raise ApiError('IdempotentParameterMismatch')
                    return earlier['body'], False
            body, applied = handler(ctx, tx)
            if token:
                # Same transaction as the write: a token is remembered exactly when its call's effect is.
                tx.remember_client_token(account_id, ctx.action, token, fingerprint, body)
        return body, applied
