# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Carrying out a ChangePlan through the API, and knowing what was applied when a write fails."""

from __future__ import annotations

from ansible_collections.alicloud.ecs.plugins.module_utils import _planning, _wire
from ansible_collections.alicloud.ecs.plugins.module_utils._base import ApiError


# The end of a failure's message when writes before it changed something.
APPLIED_NOTE = 'changes applied before the failure: %s'


def write_with_token(call, action, query, base_token):
    """One write whose ClientToken derives from ``base_token`` and its own parameters: a retry of it is applied once."""
    return call(action, dict(query, ClientToken=_planning.derive_client_token(base_token, action, query)), write=True)


class AppliedChanges:
    """The rules written so far, in the form the modules return them."""

    def __init__(self):
        self.updated = []
        self.removed = []
        self.added = []

    def __bool__(self):
        return bool(self.updated or self.removed or self.added)

    def as_result(self):
        return dict(updated=self.updated, removed=self.removed, added=self.added)

    def summary(self):
        return '%d updated, %d removed, %d added' % (len(self.updated), len(self.removed), len(self.added))


class PartialApplyError(Exception):
    """A write failed; ``applied`` holds what the writes before it changed, ``error`` why it failed."""

    def __init__(self, error, applied):
        super().__init__(str(error))
        self.error = error
        self.applied = applied

    def note(self):
        """What the failure message adds, or None when nothing was changed."""
        if not self.applied:
            return None
        return APPLIED_NOTE % self.applied.summary()


ALL_STEPS = ('update', 'revoke', 'authorize')
# What Revoke answers when a rule id of the batch no longer exists: the whole batch is refused.
RULE_ID_NOT_FOUND = 'InvalidSecurityGroupRuleId.NotFound'


def apply_plan(call, direction, plan, group_id, base_token, applied=None, steps=ALL_STEPS):
    """Write the plan: descriptions, then removals, then additions (removing first keeps under the limit).

    ``call(action, query, write=True)`` performs one API call and raises on failure. Each write carries
    a ClientToken derived from ``base_token`` and its own parameters, so a retried write is applied once.
    An ApiError of ``call`` is raised again as PartialApplyError with what was applied before it.
    ``steps`` selects a part of the plan, so that a caller with plans of both directions can revoke in
    both before it authorizes in either.
    """
    applied = AppliedChanges() if applied is None else applied
    update = plan.update if 'update' in steps else []
    revoke = plan.revoke if 'revoke' in steps else []
    authorize = plan.authorize if 'authorize' in steps else []

    def write(action, query):
        write_with_token(call, action, dict(query, SecurityGroupId=group_id), base_token)

    try:
        for rule, description in update:
            write(direction.modify_action, _wire.modify_description_params(rule, description))
            applied.updated.append(rule.to_dict())
        for batch in _wire.batches(revoke):
            try:
                write(direction.revoke_action, _wire.revoke_params(batch))
                applied.removed.extend(rule.to_dict() for rule in batch)
            except ApiError as error:
                if error.code != RULE_ID_NOT_FOUND:
                    raise
                # A rule read a moment ago is gone already (removed by another writer, or read from a lagging
                # copy), and the API refused the whole batch. Each rule is revoked by its own id instead: one that
                # is gone is what was wanted, and no other rule is touched (revoking by fields would also take a
                # kept copy of the same rule).
                for rule in batch if len(batch) > 1 else []:
                    try:
                        write(direction.revoke_action, _wire.revoke_params([rule]))
                        applied.removed.append(rule.to_dict())
                    except ApiError as single:
                        if single.code != RULE_ID_NOT_FOUND:
                            raise
        for batch in _wire.batches(authorize):
            write(direction.authorize_action, _wire.authorize_params(batch))
            applied.added.extend(rule.to_dict() for rule in batch)
    except ApiError as error:
        raise PartialApplyError(error, applied) from None
    return applied
