"""Eventual consistency: the read actions may see every security group as it was some time ago.

The lag is set through the admin API and kept in memory. While it is above 0, the read actions
(DescribeSecurityGroupAttribute, DescribeSecurityGroups, ListTagResources) read groups from the
history the store keeps (one snapshot per group per write) instead of from the current state;
writes always act on the current state.
"""

import threading

from .store import HISTORY_SECONDS


class LagConfigError(ValueError):
    pass


class Consistency:
    """The configured lag in milliseconds (0: reads see the current state)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._lag_ms = 0

    def set(self, lag_ms):
        # bool is an int in Python, but `true` is not a number of milliseconds.
        if isinstance(lag_ms, bool) or not isinstance(lag_ms, int) or lag_ms < 0:
            raise LagConfigError('"lag_ms" must be an integer >= 0')
        with self._lock:
            self._lag_ms = lag_ms

    def clear(self):
        self.set(0)

    def lag_ms(self):
        with self._lock:
            return self._lag_ms

    def state(self):
        return {'lag_ms': self.lag_ms()}

    def cutoff(self, now):
        """The moment (epoch seconds) lagged reads see at `now`, or None when there is no lag.

        The store keeps HISTORY_SECONDS of history, so a longer lag reads as that long.
        """
        lag_ms = self.lag_ms()
        if not lag_ms:
            return None
        return now - min(lag_ms / 1000.0, HISTORY_SECONDS)


def _matches(group, group_ids, network_type, tags, equal, tag_pairs):
    if group_ids is not None and group['group_id'] not in group_ids:
        return False
    if any(group[column] != value for column, value in equal.items()):
        return False
    if network_type == 'vpc' and group['vpc_id'] is None:
        return False
    if network_type == 'classic' and group['vpc_id'] is not None:
        return False
    held = dict(tag_pairs)
    return all(key in held and (value is None or held[key] == value) for key, value in tags)


class LaggedReads:
    """The read queries of a store Transaction, answered from the groups' states at `moment`.

    It answers the queries the read actions make (the same signatures and row shapes as the
    Transaction's); anything else, such as regions and prefix lists, goes to the Transaction.
    Names of peer groups in rules are looked up in the current state.
    """

    def __init__(self, tx, moment):
        self._tx = tx
        self._moment = moment
        self._states = {}

    def __getattr__(self, name):
        return getattr(self._tx, name)

    def _state(self, group_id):
        if group_id not in self._states:
            self._states[group_id] = self._tx.group_state_at(group_id, self._moment)
        return self._states[group_id]

    def find_group(self, group_id, account_id=None, region_id=None):
        state = self._state(group_id)
        if state is None:
            return None
        group = state['group']
        if (account_id is not None and group['account_id'] != account_id) or (region_id is not None and group['region_id'] != region_id):
            return None
        return dict(group)

    def security_groups(self, account_id, region_id, group_ids=None, network_type=None, *, tags=(), **equal):
        states = self._tx.group_states_at(account_id, region_id, self._moment)
        self._states.update(states)
        wanted = set(group_ids) if group_ids is not None else None
        found = [state['group'] for state in states.values()
                 if _matches(state['group'], wanted, network_type, tags, equal, [(key, value) for _seq, key, value in state['tags']])]
        return [dict(group) for group in sorted(found, key=lambda group: group['seq'])]

    def rules(self, group_id, direction=None):
        state = self._state(group_id)
        rows = state['rules'] if state else []
        return [dict(row) for row in rows if direction is None or row['direction'] == direction]

    def rule_page(self, group_id, nic_type, direction, after_seq, limit):
        rows = [row for row in self.rules(group_id, direction) if row['nic_type'].lower() == nic_type and row['seq'] > after_seq]
        return sorted(rows, key=lambda row: row['seq'])[:limit]

    def rule_count(self, group_id):
        return len(self.rules(group_id))

    def group_to_group_rule_count(self, group_id):
        return len([row for row in self.rules(group_id) if row['dest_group_id'] or row['source_group_id']])

    def _tag_rows(self, group_ids):
        rows = []
        for group_id in set(group_ids):
            state = self._state(group_id)
            rows += [(seq, group_id, key, value) for seq, key, value in (state['tags'] if state else [])]
        return sorted(rows)

    def group_tags(self, group_ids):
        tags = {}
        for _seq, group_id, key, value in self._tag_rows(group_ids):
            tags.setdefault(group_id, []).append((key, value))
        return tags

    def tag_page(self, group_ids, after_seq, limit):
        rows = [row for row in self._tag_rows(group_ids or []) if row[0] > after_seq][:limit]
        return [{'seq': seq, 'group_id': group_id, 'tag_key': key, 'tag_value': value} for seq, group_id, key, value in rows]


def reads(ctx, tx):
    """What a read action queries: the Transaction itself, or a lagged view of it when a lag is set."""
    return tx if ctx.read_moment is None else LaggedReads(tx, ctx.read_moment)
