"""SQLite state: accounts, keys, regions, VPCs, security groups and what is in them, tags, prefix lists and port range
lists, rules, client tokens, RAM roles, the temporary credentials STS issued, and the recent history of every group (for
the consistency lag).

Every SQL statement of the emulator lives here. One connection per thread; every API request runs in
one transaction, and writers take `BEGIN IMMEDIATE` so that parallel writers serialize instead of
racing on the rule limit.
"""

import collections
import contextlib
import hashlib
import json
import os
import secrets
import sqlite3
import string
import threading
import time

from .fixture_file import load_fixture
from .group_validation import DEFAULT_INNER_ACCESS_POLICY

RULE_COLUMNS = (
    'rule_id', 'group_id', 'direction', 'ip_protocol', 'port_range', 'source_port_range', 'policy', 'priority',
    'nic_type', 'dest_cidr_ip', 'ipv6_dest_cidr_ip', 'dest_group_id', 'dest_group_owner_id', 'dest_prefix_list_id',
    'source_cidr_ip', 'ipv6_source_cidr_ip', 'source_group_id', 'source_group_owner_id', 'source_prefix_list_id',
    'port_range_list_id', 'description', 'create_time',
)

# Fixture rule keys use the API's parameter names.
RULE_PARAM_NAMES = {
    'IpProtocol': 'ip_protocol', 'PortRange': 'port_range', 'SourcePortRange': 'source_port_range',
    'Policy': 'policy', 'Priority': 'priority', 'NicType': 'nic_type', 'DestCidrIp': 'dest_cidr_ip',
    'Ipv6DestCidrIp': 'ipv6_dest_cidr_ip', 'DestGroupId': 'dest_group_id', 'DestGroupOwnerId': 'dest_group_owner_id',
    'DestPrefixListId': 'dest_prefix_list_id', 'SourceCidrIp': 'source_cidr_ip', 'Ipv6SourceCidrIp': 'ipv6_source_cidr_ip',
    'SourceGroupId': 'source_group_id', 'SourceGroupOwnerId': 'source_group_owner_id',
    'SourcePrefixListId': 'source_prefix_list_id', 'PortRangeListId': 'port_range_list_id', 'Description': 'description',
    'CreateTime': 'create_time', 'SecurityGroupRuleId': 'rule_id',
}

# Group attributes DescribeSecurityGroups may filter on by equality.
GROUP_FILTER_COLUMNS = ('group_id', 'name', 'vpc_id', 'group_type', 'resource_group_id')
# Group attributes the Modify actions may change.
GROUP_MUTABLE_COLUMNS = ('name', 'description', 'inner_access_policy')
GROUP_COLUMNS = ('group_id', 'region_id', 'account_id', 'name', 'description', 'vpc_id', 'service_managed', 'group_type',
                 'create_time', 'seq', 'inner_access_policy', 'resource_group_id')
# CreateSecurityGroup document: up to 100 groups per region, unless a fixture account says otherwise.
DEFAULT_SECURITY_GROUP_QUOTA = 100
# Bumped whenever a table changes shape; a state file of another version is started afresh.
SCHEMA_VERSION = 5
TABLES = ('meta', 'regions', 'accounts', 'access_keys', 'vpcs', 'security_groups', 'group_members', 'group_tags',
          'prefix_lists', 'prefix_list_entries', 'port_range_lists', 'port_range_list_entries', 'list_tags', 'rules',
          'client_tokens', 'roles', 'temporary_keys', 'group_snapshots')
# How long the history of groups is kept for lagged reads: the provider retries a rule read for 10 minutes.
HISTORY_SECONDS = 600
# When the fixture's groups count as written: long before any lag reaches back.
SEEDED_AT = 0.0
# A prefix list (or port range list) of the fixture without max_entries holds at least this many entries (assumed).
DEFAULT_PREFIX_LIST_MAX_ENTRIES = 10


# Where one kind of entry list lives: its table and id column, the table of its entries and the column of an
# entry's value, the columns only this kind has, and the rule columns that reference a list of this kind.
ListKind = collections.namedtuple('ListKind', 'table id_column entry_table value_column own_columns rule_columns')
PREFIX_LISTS = ListKind('prefix_lists', 'prefix_list_id', 'prefix_list_entries', 'cidr', ('address_family',),
                        ('dest_prefix_list_id', 'source_prefix_list_id'))
PORT_RANGE_LISTS = ListKind('port_range_lists', 'port_range_list_id', 'port_range_list_entries', 'port_range', (),
                            ('port_range_list_id',))
LIST_COLUMNS = ('region_id', 'account_id', 'name', 'description', 'max_entries', 'create_time', 'resource_group_id')
# What ModifyPrefixList and ModifyPortRangeList may change of the list itself.
LIST_MUTABLE_COLUMNS = ('name', 'description')
# Attributes DescribePrefixLists and DescribePortRangeLists filter on by equality.
LIST_FILTER_COLUMNS = ('name', 'resource_group_id', 'address_family')
# RAM CreateRole: MaxSessionDuration is 3600..43200 seconds, 3600 by default.
DEFAULT_MAX_SESSION_DURATION = 3600
MAX_SESSION_DURATION_RANGE = (3600, 43200)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS regions (region_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS accounts (
    account_id TEXT PRIMARY KEY, account_name TEXT NOT NULL UNIQUE, name TEXT NOT NULL, security_group_quota INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS access_keys (
    access_key_id TEXT PRIMARY KEY, secret TEXT NOT NULL, security_token TEXT, account_id TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vpcs (
    account_id TEXT NOT NULL, vpc_id TEXT NOT NULL, region_id TEXT NOT NULL, is_default INTEGER NOT NULL,
    PRIMARY KEY (account_id, vpc_id));
CREATE TABLE IF NOT EXISTS security_groups (
    group_id TEXT PRIMARY KEY, region_id TEXT NOT NULL, account_id TEXT NOT NULL, name TEXT NOT NULL,
    description TEXT NOT NULL, vpc_id TEXT, service_managed INTEGER NOT NULL, group_type TEXT NOT NULL,
    create_time TEXT NOT NULL, seq INTEGER NOT NULL, inner_access_policy TEXT NOT NULL, resource_group_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS group_members (
    group_id TEXT NOT NULL, member_kind TEXT NOT NULL, member_id TEXT NOT NULL, released_at REAL,
    PRIMARY KEY (group_id, member_kind, member_id));
CREATE INDEX IF NOT EXISTS group_members_by_member ON group_members (member_id);
CREATE TABLE IF NOT EXISTS group_tags (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, group_id TEXT NOT NULL, tag_key TEXT NOT NULL, tag_value TEXT NOT NULL,
    UNIQUE (group_id, tag_key));
CREATE TABLE IF NOT EXISTS prefix_lists (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, prefix_list_id TEXT NOT NULL UNIQUE, region_id TEXT NOT NULL,
    account_id TEXT NOT NULL, name TEXT NOT NULL, address_family TEXT NOT NULL, description TEXT NOT NULL,
    max_entries INTEGER NOT NULL, create_time TEXT NOT NULL, resource_group_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS prefix_list_entries (
    prefix_list_id TEXT NOT NULL, position INTEGER NOT NULL, cidr TEXT NOT NULL, description TEXT NOT NULL,
    PRIMARY KEY (prefix_list_id, position));
CREATE TABLE IF NOT EXISTS port_range_lists (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, port_range_list_id TEXT NOT NULL UNIQUE, region_id TEXT NOT NULL,
    account_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL, max_entries INTEGER NOT NULL,
    create_time TEXT NOT NULL, resource_group_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS port_range_list_entries (
    port_range_list_id TEXT NOT NULL, position INTEGER NOT NULL, port_range TEXT NOT NULL, description TEXT NOT NULL,
    PRIMARY KEY (port_range_list_id, position));
CREATE TABLE IF NOT EXISTS list_tags (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, list_id TEXT NOT NULL, tag_key TEXT NOT NULL, tag_value TEXT NOT NULL,
    UNIQUE (list_id, tag_key));
CREATE TABLE IF NOT EXISTS rules (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    rule_id TEXT NOT NULL UNIQUE, group_id TEXT NOT NULL, direction TEXT NOT NULL,
    ip_protocol TEXT NOT NULL, port_range TEXT NOT NULL, source_port_range TEXT NOT NULL, policy TEXT NOT NULL,
    priority TEXT NOT NULL, nic_type TEXT NOT NULL, dest_cidr_ip TEXT NOT NULL, ipv6_dest_cidr_ip TEXT NOT NULL,
    dest_group_id TEXT NOT NULL, dest_group_owner_id TEXT NOT NULL, dest_prefix_list_id TEXT NOT NULL,
    source_cidr_ip TEXT NOT NULL, ipv6_source_cidr_ip TEXT NOT NULL, source_group_id TEXT NOT NULL,
    source_group_owner_id TEXT NOT NULL, source_prefix_list_id TEXT NOT NULL, port_range_list_id TEXT NOT NULL,
    description TEXT NOT NULL, create_time TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS rules_by_group ON rules (group_id, direction, seq);
CREATE TABLE IF NOT EXISTS client_tokens (
    account_id TEXT NOT NULL, action TEXT NOT NULL, token TEXT NOT NULL, fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (account_id, action, token));
CREATE TABLE IF NOT EXISTS roles (
    account_id TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL, role_id TEXT NOT NULL,
    max_session_duration INTEGER NOT NULL, trusted_account_ids TEXT NOT NULL, external_id TEXT,
    PRIMARY KEY (account_id, name_key));
CREATE TABLE IF NOT EXISTS temporary_keys (
    access_key_id TEXT PRIMARY KEY, secret TEXT NOT NULL, security_token TEXT NOT NULL, account_id TEXT NOT NULL,
    role_name TEXT NOT NULL, session_name TEXT NOT NULL, caller_access_key_id TEXT NOT NULL, policy TEXT,
    issued_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS group_snapshots (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, group_id TEXT NOT NULL, account_id TEXT NOT NULL, region_id TEXT NOT NULL,
    taken_at REAL NOT NULL, state TEXT);
CREATE INDEX IF NOT EXISTS group_snapshots_by_group ON group_snapshots (group_id, seq);
CREATE INDEX IF NOT EXISTS group_snapshots_by_place ON group_snapshots (account_id, region_id, group_id);
"""

_ID_ALPHABET = string.ascii_lowercase + string.digits


def now_iso():
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())


def _random_id(prefix):
    return prefix + ''.join(secrets.choice(_ID_ALPHABET) for dummy in range(20))


def new_rule_id():
    return _random_id('sgr-')


def new_group_id():
    return _random_id('sg-')


def new_prefix_list_id():
    return _random_id('pl-')


def new_port_range_list_id():
    return _random_id('prl-')


def seeded_rule_id(group_id, direction, index):
    # Deterministic, so a re-seed gives the demo the same ids every time.
    digest = hashlib.sha256(('%s|%s|%d' % (group_id, direction, index)).encode()).digest()
    return 'sgr-' + ''.join(_ID_ALPHABET[b % len(_ID_ALPHABET)] for b in digest[:20])


def _placeholders(values):
    return ', '.join('?' * len(values))


class Store:
    """`now` is the clock of snapshots and membership releases (epoch seconds; tests may pass a fake one)."""

    def __init__(self, path, busy_timeout_ms=30000, now=time.time):
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self.now = now
        self._local = threading.local()

    def _connection(self):
        conn = getattr(self._local, 'conn', None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=self.busy_timeout_ms / 1000.0, isolation_level=None,
                                   check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute('PRAGMA busy_timeout = %d' % self.busy_timeout_ms)
            conn.execute('PRAGMA journal_mode = WAL')
            conn.execute('PRAGMA synchronous = NORMAL')
            self._local.conn = conn
        return conn

    @contextlib.contextmanager
    def transaction(self, write):
        """A `Transaction` committed when the block ends normally, rolled back when it raises.

        A write transaction that changed groups records a snapshot of each of them before it commits.
        """
        conn = self._connection()
        conn.execute('BEGIN IMMEDIATE' if write else 'BEGIN')
        try:
            tx = Transaction(conn, self.now)
            yield tx
            if write:
                tx.record_snapshots()
        except BaseException:
            conn.execute('ROLLBACK')
            raise
        conn.execute('COMMIT')

    def initialise(self, fixture_path, reset=False):
        """Create the schema; seed from the fixture only for a new (or reset) state."""
        is_new = not os.path.exists(self.path) or os.path.getsize(self.path) == 0
        conn = self._connection()
        if conn.execute('PRAGMA user_version').fetchone()[0] != SCHEMA_VERSION:
            # Written by an emulator with other tables (or new): its rows may lack columns this one
            # needs, so it is started afresh and re-seeded below.
            for table in TABLES:
                conn.execute('DROP TABLE IF EXISTS %s' % table)
            conn.execute('PRAGMA user_version = %d' % SCHEMA_VERSION)
        conn.executescript(SCHEMA)
        seeded = conn.execute("SELECT value FROM meta WHERE key = 'seeded'").fetchone()
        if fixture_path and (reset or is_new or not seeded):
            self.seed_from(fixture_path)

    def seed_from(self, fixture_path):
        self.seed(load_fixture(fixture_path))

    def seed(self, fixture):
        with self.transaction(write=True) as tx:
            tx.replace_everything(fixture)


class Transaction:  # pylint: disable=too-many-public-methods
    """The queries and changes of one API call, all on the connection its transaction runs on.

    Every query of the emulator is a method here (SQL lives nowhere else), hence their number.
    """

    def __init__(self, conn, now=time.time):
        self._conn = conn
        self._now = now
        # Groups this transaction changed: {group id: (account id, region id)}, for their snapshots.
        self._changed = {}

    def _one(self, sql, args=()):
        row = self._conn.execute(sql, args).fetchone()
        return dict(row) if row is not None else None

    def _all(self, sql, args=()):
        return [dict(row) for row in self._conn.execute(sql, args).fetchall()]

    # -- callers ----------------------------------------------------------------------------------
    def access_key(self, access_key_id):
        """The key row with its account's name, or None.

        Temporary keys that AssumeRole issued are keys too: their account is the role's, their name
        `<role name>/<session name>`. `expires_at` is the epoch second from which a temporary key no
        longer works, None for the fixture's keys.
        """
        row = self._one('SELECT k.*, a.account_name, NULL AS expires_at FROM access_keys k '
                        'JOIN accounts a ON a.account_id = k.account_id WHERE k.access_key_id = ?', (access_key_id,))
        if row is None:
            row = self._one("SELECT t.access_key_id, t.secret, t.security_token, t.account_id, "
                            "t.role_name || '/' || t.session_name AS name, a.account_name, t.expires_at "
                            'FROM temporary_keys t JOIN accounts a ON a.account_id = t.account_id WHERE t.access_key_id = ?',
                            (access_key_id,))
        return row

    def account(self, account_id):
        """{account_id, account_name, name, security_group_quota} or None."""
        return self._one('SELECT * FROM accounts WHERE account_id = ?', (account_id,))

    # -- RAM roles and temporary keys -------------------------------------------------------------
    def role(self, account_id, name):
        """The role of an account by name, compared case-insensitively; None if there is none.

        `trusted_account_ids` is decoded to a list of account ids.
        """
        row = self._one('SELECT * FROM roles WHERE account_id = ? AND name_key = ?', (account_id, name.lower()))
        if row is not None:
            row['trusted_account_ids'] = json.loads(row['trusted_account_ids'])
        return row

    def temporary_keys(self):
        """Every key AssumeRole issued, oldest first (for the admin API's secret scans)."""
        return [dict(row) for row in self._conn.execute('SELECT * FROM temporary_keys ORDER BY issued_at, access_key_id').fetchall()]

    def insert_temporary_key(self, row):
        """Remember a key issued by AssumeRole: every column of temporary_keys."""
        columns = ('access_key_id', 'secret', 'security_token', 'account_id', 'role_name', 'session_name',
                   'caller_access_key_id', 'policy', 'issued_at', 'expires_at')
        self._conn.execute('INSERT INTO temporary_keys (%s) VALUES (%s)' % (', '.join(columns), _placeholders(columns)),
                           tuple(row[c] for c in columns))

    def owner_account_id(self, owner_id, owner_account):
        """The account named by id and/or owner account (None if unknown or if the two disagree).

        The owner account may be given as the account's name or as its id.
        """
        row = None
        if owner_id:
            row = self._one('SELECT * FROM accounts WHERE account_id = ?', (owner_id,))
            if row is not None and owner_account and owner_account not in (row['account_name'], row['account_id']):
                return None
        elif owner_account:
            row = self._one('SELECT * FROM accounts WHERE account_name = ? OR account_id = ?', (owner_account, owner_account))
        return row['account_id'] if row else None

    # -- client tokens ----------------------------------------------------------------------------
    def client_token_answer(self, account_id, action, token):
        """{'fingerprint', 'body'} of the call that first used the token, or None."""
        row = self._one('SELECT fingerprint, body FROM client_tokens WHERE account_id = ? AND action = ? AND token = ?',
                        (account_id, action, token))
        return {'fingerprint': row['fingerprint'], 'body': json.loads(row['body'])} if row else None

    def remember_client_token(self, account_id, action, token, fingerprint, body):
        self._conn.execute('INSERT INTO client_tokens VALUES (?, ?, ?, ?, ?, ?)',
                           (account_id, action, token, fingerprint, 200, json.dumps(body)))

    # -- regions, groups, prefix lists ------------------------------------------------------------
    def region_exists(self, region_id):
        return self._one('SELECT 1 AS found FROM regions WHERE region_id = ?', (region_id,)) is not None

    def find_group(self, group_id, account_id=None, region_id=None):
        sql = 'SELECT * FROM security_groups WHERE group_id = ?'
        args = [group_id]
        if account_id is not None:
            sql += ' AND account_id = ?'
            args.append(account_id)
        if region_id is not None:
            sql += ' AND region_id = ?'
            args.append(region_id)
        return self._one(sql, args)

    def security_groups(self, account_id, region_id, group_ids=None, network_type=None, *, tags=(), **equal):
        """One account's groups in a region, in creation order.

        `group_ids` (a list) keeps only those ids; `network_type` is 'vpc' or 'classic'; `tags` is a
        list of (key, value or None) that must all match (None: any value); `equal` filters on the
        columns of GROUP_FILTER_COLUMNS.
        """
        sql = 'SELECT * FROM security_groups WHERE account_id = ? AND region_id = ?'
        args = [account_id, region_id]
        if group_ids is not None:
            sql += ' AND group_id IN (%s)' % _placeholders(group_ids) if group_ids else ' AND 0'
            args.extend(group_ids)
        for column, value in equal.items():
            if column not in GROUP_FILTER_COLUMNS:
                raise ValueError('no group filter on %r' % column)
            sql += ' AND %s = ?' % column
            args.append(value)
        if network_type == 'vpc':
            sql += ' AND vpc_id IS NOT NULL'
        elif network_type == 'classic':
            sql += ' AND vpc_id IS NULL'
        for key, value in tags:
            sql += ' AND EXISTS (SELECT 1 FROM group_tags t WHERE t.group_id = security_groups.group_id AND t.tag_key = ?'
            args.append(key)
            if value is not None:
                sql += ' AND t.tag_value = ?'
                args.append(value)
            sql += ')'
        return self._all(sql + ' ORDER BY seq', args)

    def all_groups(self, name=None):
        """Every account's groups (optionally only those with a name), in creation order (admin API)."""
        if name is None:
            return self._all('SELECT * FROM security_groups ORDER BY seq')
        return self._all('SELECT * FROM security_groups WHERE name = ? ORDER BY seq', (name,))

    def group_count(self, account_id, region_id):
        return self._conn.execute('SELECT COUNT(*) FROM security_groups WHERE account_id = ? AND region_id = ?',
                                  (account_id, region_id)).fetchone()[0]

    def security_group_quota(self, account_id):
        return self._conn.execute('SELECT security_group_quota FROM accounts WHERE account_id = ?', (account_id,)).fetchone()[0]

    def vpc_exists(self, account_id, region_id, vpc_id):
        return self._one('SELECT 1 AS found FROM vpcs WHERE account_id = ? AND region_id = ? AND vpc_id = ?',
                         (account_id, region_id, vpc_id)) is not None

    def default_vpc(self, account_id, region_id):
        """The id of the account's default VPC in the region, or None."""
        row = self._one('SELECT vpc_id FROM vpcs WHERE account_id = ? AND region_id = ? AND is_default = 1',
                        (account_id, region_id))
        return row['vpc_id'] if row else None

    def insert_group(self, row):
        """Add a group: `row` has every column of GROUP_COLUMNS but seq, which continues the creation order."""
        values = dict(row, seq=self._conn.execute('SELECT COALESCE(MAX(seq), 0) + 1 FROM security_groups').fetchone()[0])
        self._conn.execute('INSERT INTO security_groups (%s) VALUES (%s)' % (', '.join(GROUP_COLUMNS), _placeholders(GROUP_COLUMNS)),
                           tuple(values[c] for c in GROUP_COLUMNS))
        self._changed[row['group_id']] = (row['account_id'], row['region_id'])

    def _update(self, table, key_column, key, changes, allowed):
        """Overwrite the given columns of one row; only the ``allowed`` columns may change."""
        unknown = set(changes) - set(allowed)
        if unknown:
            raise ValueError('not changeable %s columns: %s' % (table, ', '.join(sorted(unknown))))
        sets = ', '.join('%s = ?' % column for column in changes)
        self._conn.execute('UPDATE %s SET %s WHERE %s = ?' % (table, sets, key_column), tuple(changes.values()) + (key,))

    def update_group(self, group_id, changes):
        """Overwrite the given columns (of GROUP_MUTABLE_COLUMNS) of one group."""
        self._update('security_groups', 'group_id', group_id, changes, GROUP_MUTABLE_COLUMNS)
        self._mark_changed([group_id])

    def delete_group(self, group_id):
        """Remove a group with its rules, tags and memberships."""
        self._mark_changed([group_id])
        for table in ('rules', 'group_tags', 'group_members', 'security_groups'):
            self._conn.execute('DELETE FROM %s WHERE group_id = ?' % table, (group_id,))

    # -- members (instances and network interfaces in groups) ---------------------------------------
    def group_members(self, group_id, member_kind):
        """Ids of the instances ('instance') or network interfaces ('network_interface') that hold a group now, sorted.

        A member whose release time has come no longer holds the group.
        """
        rows = self._conn.execute('SELECT member_id FROM group_members WHERE group_id = ? AND member_kind = ? '
                                  'AND (released_at IS NULL OR released_at > ?) ORDER BY member_id',
                                  (group_id, member_kind, self._now())).fetchall()
        return [row[0] for row in rows]

    def member_groups(self, member_id):
        """[(group id, member kind)] of the groups a member holds now, sorted by group id."""
        rows = self._conn.execute('SELECT group_id, member_kind FROM group_members WHERE member_id = ? '
                                  'AND (released_at IS NULL OR released_at > ?) ORDER BY group_id',
                                  (member_id, self._now())).fetchall()
        return [(row[0], row[1]) for row in rows]

    def add_member(self, member_id, member_kind, group_ids):
        """Put a member in groups (a pending release of those memberships is called off)."""
        for group_id in group_ids:
            self._conn.execute('INSERT OR REPLACE INTO group_members VALUES (?, ?, ?, NULL)', (group_id, member_kind, member_id))

    def release_member(self, member_id, released_at):
        """From `released_at` on (epoch seconds), the member holds none of the groups it holds now."""
        self._conn.execute('UPDATE group_members SET released_at = ? WHERE member_id = ? AND (released_at IS NULL OR released_at > ?)',
                           (released_at, member_id, self._now()))

    def groups_referencing(self, group_id):
        """Ids of the other groups with a rule whose peer is `group_id`, sorted."""
        rows = self._conn.execute('SELECT DISTINCT group_id FROM rules WHERE (source_group_id = ? OR dest_group_id = ?) '
                                  'AND group_id != ? ORDER BY group_id', (group_id, group_id, group_id)).fetchall()
        return [row[0] for row in rows]

    def group_names(self, group_ids):
        return self._names('security_groups', 'group_id', group_ids)

    def find_prefix_list(self, prefix_list_id, account_id, region_id):
        return self.find_list(PREFIX_LISTS, prefix_list_id, account_id, region_id)

    def find_port_range_list(self, port_range_list_id, account_id, region_id):
        return self.find_list(PORT_RANGE_LISTS, port_range_list_id, account_id, region_id)

    def prefix_list_names(self, prefix_list_ids):
        return self._names('prefix_lists', 'prefix_list_id', prefix_list_ids)

    def port_range_list_names(self, port_range_list_ids):
        return self._names('port_range_lists', 'port_range_list_id', port_range_list_ids)

    def _names(self, table, id_column, ids):
        ids = sorted(i for i in ids if i)
        if not ids:
            return {}
        rows = self._conn.execute('SELECT %s, name FROM %s WHERE %s IN (%s)' % (id_column, table, id_column, _placeholders(ids)),
                                  ids).fetchall()
        return {r[0]: r[1] for r in rows}

    # -- prefix lists and port range lists ----------------------------------------------------------
    # `kind` is PREFIX_LISTS or PORT_RANGE_LISTS. A list row has `id` (its prefix or port range list id),
    # `seq` (its place in the creation order), the columns of LIST_COLUMNS and those of its kind.
    def _list_select(self, kind):
        return 'SELECT %s AS id, * FROM %s' % (kind.id_column, kind.table)

    def find_list(self, kind, list_id, account_id, region_id):
        """The list of an account in a region, or None (another account's or region's list included)."""
        return self._one(self._list_select(kind) + ' WHERE %s = ? AND account_id = ? AND region_id = ?' % kind.id_column,
                         (list_id, account_id, region_id))

    def lists(self, kind, account_id, region_id, list_ids=None, *, tags=(), **equal):
        """An account's lists in a region, in creation order.

        `list_ids` (a list) keeps only those ids; `tags` is a list of (key, value or None) that must all
        match (None: any value); `equal` filters on the columns of LIST_FILTER_COLUMNS. There are at most
        a quota's worth of them, so callers page in memory.
        """
        sql = self._list_select(kind) + ' WHERE account_id = ? AND region_id = ?'
        args = [account_id, region_id]
        if list_ids is not None:
            sql += ' AND %s IN (%s)' % (kind.id_column, _placeholders(list_ids)) if list_ids else ' AND 0'
            args.extend(list_ids)
        for column, value in equal.items():
            if column not in LIST_FILTER_COLUMNS or (column not in LIST_COLUMNS and column not in kind.own_columns):
                raise ValueError('no %s filter on %r' % (kind.table, column))
            sql += ' AND %s = ?' % column
            args.append(value)
        for key, value in tags:
            sql += ' AND EXISTS (SELECT 1 FROM list_tags t WHERE t.list_id = %s.%s AND t.tag_key = ?' % (kind.table, kind.id_column)
            args.append(key)
            if value is not None:
                sql += ' AND t.tag_value = ?'
                args.append(value)
            sql += ')'
        return self._all(sql + ' ORDER BY seq', args)

    def max_entries(self, kind, list_ids):
        """{list id: MaxEntries} of the lists of this kind with these ids (of any account); unknown ids are absent."""
        list_ids = sorted({list_id for list_id in list_ids if list_id})
        if not list_ids:
            return {}
        rows = self._conn.execute('SELECT %s, max_entries FROM %s WHERE %s IN (%s)'
                                  % (kind.id_column, kind.table, kind.id_column, _placeholders(list_ids)), list_ids).fetchall()
        return {row[0]: row[1] for row in rows}

    def list_count(self, kind, account_id, region_id):
        return self._conn.execute('SELECT COUNT(*) FROM %s WHERE account_id = ? AND region_id = ?' % kind.table,
                                  (account_id, region_id)).fetchone()[0]

    def insert_list(self, kind, list_id, row, entries, tags):
        """Add a list: `row` has every column of LIST_COLUMNS and of the kind; `entries` are (value, description)."""
        columns = (kind.id_column,) + LIST_COLUMNS + kind.own_columns
        values = dict(row)
        values[kind.id_column] = list_id
        self._conn.execute('INSERT INTO %s (%s) VALUES (%s)' % (kind.table, ', '.join(columns), _placeholders(columns)),
                           tuple(values[c] for c in columns))
        for value, description in entries:
            self.insert_entry(kind, list_id, value, description)
        self.set_list_tags(list_id, tags)

    def update_list(self, kind, list_id, changes):
        """Overwrite the given columns (of LIST_MUTABLE_COLUMNS) of one list."""
        self._update(kind.table, kind.id_column, list_id, changes, LIST_MUTABLE_COLUMNS)

    def delete_list(self, kind, list_id):
        """Remove a list with its entries and tags."""
        self._conn.execute('DELETE FROM %s WHERE %s = ?' % (kind.entry_table, kind.id_column), (list_id,))
        self._conn.execute('DELETE FROM list_tags WHERE list_id = ?', (list_id,))
        self._conn.execute('DELETE FROM %s WHERE %s = ?' % (kind.table, kind.id_column), (list_id,))

    def entries(self, kind, list_id):
        """[{value, description}] of a list, in the order the entries were added (the fixture's first)."""
        return self._all('SELECT %s AS value, description FROM %s WHERE %s = ? ORDER BY position'
                         % (kind.value_column, kind.entry_table, kind.id_column), (list_id,))

    def insert_entry(self, kind, list_id, value, description):
        """Append an entry to a list."""
        position = self._conn.execute('SELECT COALESCE(MAX(position), -1) + 1 FROM %s WHERE %s = ?'
                                      % (kind.entry_table, kind.id_column), (list_id,)).fetchone()[0]
        self._conn.execute('INSERT INTO %s (%s, position, %s, description) VALUES (?, ?, ?, ?)'
                           % (kind.entry_table, kind.id_column, kind.value_column), (list_id, position, value, description))

    def update_entry(self, kind, list_id, value, description):
        """Give the entry with exactly this stored value another description; it keeps its place."""
        self._conn.execute('UPDATE %s SET description = ? WHERE %s = ? AND %s = ?'
                           % (kind.entry_table, kind.id_column, kind.value_column), (description, list_id, value))

    def delete_entry(self, kind, list_id, value):
        """Remove the entry with exactly this stored value."""
        self._conn.execute('DELETE FROM %s WHERE %s = ? AND %s = ?' % (kind.entry_table, kind.id_column, kind.value_column),
                           (list_id, value))

    def list_tags(self, list_ids):
        """{list id: [(key, value), ...]} in the order the tags were set; lists without tags are absent."""
        return self._tags('list_tags', 'list_id', list_ids)

    def set_list_tags(self, list_id, tags):
        """Give a list these tags, (key, value) pairs with distinct keys (a new list: nothing to overwrite)."""
        self._conn.executemany('INSERT INTO list_tags (list_id, tag_key, tag_value) VALUES (?, ?, ?)',
                               [(list_id, key, value) for key, value in tags])

    def _referencing_rules_sql(self, kind):
        return '(%s)' % ' OR '.join('r.%s = ?' % column for column in kind.rule_columns)

    def associations(self, kind, list_id, limit=None):
        """The security groups whose rules reference the list, as [{seq, group_id}], in the groups' creation order
        (at most `limit` of them).

        These are the list's associated resources: what DescribePrefixListAssociations and
        DescribePortRangeListAssociations list, what AssociationCount counts and what keeps a list
        from being deleted, whether the rules were made through the API or seeded by the fixture.
        """
        sql = ('SELECT g.seq, g.group_id FROM security_groups g WHERE EXISTS '
               '(SELECT 1 FROM rules r WHERE r.group_id = g.group_id AND %s) ORDER BY g.seq' % self._referencing_rules_sql(kind))
        args = [list_id] * len(kind.rule_columns)
        if limit is not None:
            sql += ' LIMIT ?'
            args.append(limit)
        return self._all(sql, args)

    def association_count(self, kind, list_id):
        return self._conn.execute('SELECT COUNT(DISTINCT r.group_id) FROM rules r WHERE %s' % self._referencing_rules_sql(kind),
                                  [list_id] * len(kind.rule_columns)).fetchone()[0]

    # -- tags -------------------------------------------------------------------------------------
    def group_tags(self, group_ids):
        """{group id: [(key, value), ...]} in the order the tags were first set; groups without tags are absent."""
        return self._tags('group_tags', 'group_id', group_ids)

    def _tags(self, table, id_column, ids):
        """{id: [(key, value), ...]} from one tag table, in the order of its rows; ids without tags are absent."""
        ids = sorted(set(ids))
        if not ids:
            return {}
        rows = self._conn.execute('SELECT %s, tag_key, tag_value FROM %s WHERE %s IN (%s) ORDER BY seq'
                                  % (id_column, table, id_column, _placeholders(ids)), ids).fetchall()
        tags = {}
        for owner, key, value in rows:
            tags.setdefault(owner, []).append((key, value))
        return tags

    def set_tags(self, group_id, tags):
        """Add tags or overwrite their values (a key keeps its place); returns whether anything changed."""
        changed = False
        for key, value in tags:
            row = self._one('SELECT tag_value FROM group_tags WHERE group_id = ? AND tag_key = ?', (group_id, key))
            if row is None:
                self._conn.execute('INSERT INTO group_tags (group_id, tag_key, tag_value) VALUES (?, ?, ?)', (group_id, key, value))
            elif row['tag_value'] != value:
                self._conn.execute('UPDATE group_tags SET tag_value = ? WHERE group_id = ? AND tag_key = ?', (value, group_id, key))
            else:
                continue
            changed = True
        if changed:
            self._mark_changed([group_id])
        return changed

    def remove_tags(self, group_id, keys=None):
        """Remove the tags with these keys (every tag when `keys` is None); returns how many went."""
        if keys is None:
            removed = self._conn.execute('DELETE FROM group_tags WHERE group_id = ?', (group_id,)).rowcount
        else:
            removed = 0
            for key in keys:
                removed += self._conn.execute('DELETE FROM group_tags WHERE group_id = ? AND tag_key = ?', (group_id, key)).rowcount
        if removed:
            self._mark_changed([group_id])
        return removed

    def tag_page(self, group_ids, after_seq, limit):
        """Up to `limit` tags of these groups set after position `after_seq`, in the order they were set.

        Rows: seq, group_id, tag_key, tag_value.
        """
        if not group_ids:
            return []
        group_ids = sorted(set(group_ids))
        return self._all('SELECT seq, group_id, tag_key, tag_value FROM group_tags WHERE group_id IN (%s) AND seq > ? ORDER BY seq LIMIT ?'
                         % _placeholders(group_ids), group_ids + [after_seq, limit])

    # -- rules ------------------------------------------------------------------------------------
    def rules(self, group_id, direction=None):
        """A group's rules as stored, oldest first; both directions unless one is named."""
        if direction:
            return self._all('SELECT * FROM rules WHERE group_id = ? AND direction = ? ORDER BY seq', (group_id, direction))
        return self._all('SELECT * FROM rules WHERE group_id = ? ORDER BY seq', (group_id,))

    def rule_page(self, group_id, nic_type, direction, after_seq, limit):
        """Up to `limit` rules of one NIC type created after position `after_seq`; direction None means both."""
        sql = 'SELECT * FROM rules WHERE group_id = ? AND lower(nic_type) = ? AND seq > ?'
        args = [group_id, nic_type, after_seq]
        if direction:
            sql += ' AND direction = ?'
            args.append(direction)
        return self._all(sql + ' ORDER BY seq LIMIT ?', args + [limit])

    def rule_count(self, group_id):
        return self._conn.execute('SELECT COUNT(*) FROM rules WHERE group_id = ?', (group_id,)).fetchone()[0]

    def group_to_group_rule_count(self, group_id):
        return self._conn.execute("SELECT COUNT(*) FROM rules WHERE group_id = ? AND (dest_group_id != '' OR source_group_id != '')",
                                  (group_id,)).fetchone()[0]

    def insert_rule(self, row):
        self._conn.execute('INSERT INTO rules (%s) VALUES (%s)' % (', '.join(RULE_COLUMNS), _placeholders(RULE_COLUMNS)),
                           tuple(row[c] for c in RULE_COLUMNS))
        self._mark_changed([row['group_id']])

    def update_rule(self, rule_id, changes):
        """Overwrite the given columns of one rule."""
        self._mark_changed(self._groups_of_rules([rule_id]))
        self._update('rules', 'rule_id', rule_id, changes, RULE_COLUMNS)

    def delete_rules(self, rule_ids):
        self._mark_changed(self._groups_of_rules(rule_ids))
        for rule_id in rule_ids:
            self._conn.execute('DELETE FROM rules WHERE rule_id = ?', (rule_id,))

    def _groups_of_rules(self, rule_ids):
        rule_ids = list(rule_ids)
        if not rule_ids:
            return []
        rows = self._conn.execute('SELECT DISTINCT group_id FROM rules WHERE rule_id IN (%s)' % _placeholders(rule_ids),
                                  rule_ids).fetchall()
        return [row[0] for row in rows]

    # -- history of groups (lagged reads) ---------------------------------------------------------
    def _mark_changed(self, group_ids):
        """Remember that these groups changed, with their account and region (read now, before a delete)."""
        for group_id in group_ids:
            if group_id not in self._changed:
                row = self._one('SELECT account_id, region_id FROM security_groups WHERE group_id = ?', (group_id,))
                if row is not None:
                    self._changed[group_id] = (row['account_id'], row['region_id'])

    def _group_state(self, group_id):
        """A group as the lagged reads need it (row, rules, tags with their positions), or None when it is gone."""
        group = self._one('SELECT * FROM security_groups WHERE group_id = ?', (group_id,))
        if group is None:
            return None
        tags = [list(row) for row in self._conn.execute(
            'SELECT seq, tag_key, tag_value FROM group_tags WHERE group_id = ? ORDER BY seq', (group_id,)).fetchall()]
        return {'group': group, 'rules': self.rules(group_id), 'tags': tags}

    def record_snapshots(self, taken_at=None):
        """Store the state of every group this transaction changed (None for a deleted one) as of `taken_at`.

        Snapshots older than HISTORY_SECONDS are pruned, except each group's newest one among them,
        which is its state at the far end of the history.
        """
        if not self._changed:
            return
        taken_at = self._now() if taken_at is None else taken_at
        horizon = taken_at - HISTORY_SECONDS
        rows = []
        for group_id, (account_id, region_id) in sorted(self._changed.items()):
            state = self._group_state(group_id)
            rows.append((group_id, account_id, region_id, taken_at, None if state is None else json.dumps(state)))
            self._conn.execute('DELETE FROM group_snapshots WHERE group_id = ? AND seq < '
                               '(SELECT MAX(seq) FROM group_snapshots WHERE group_id = ? AND taken_at <= ?)',
                               (group_id, group_id, horizon))
        self._conn.executemany('INSERT INTO group_snapshots (group_id, account_id, region_id, taken_at, state) '
                               'VALUES (?, ?, ?, ?, ?)', rows)
        self._changed = {}

    def group_state_at(self, group_id, moment):
        """The decoded snapshot of a group as it was at `moment` (epoch seconds); None if it did not exist then."""
        row = self._one('SELECT state FROM group_snapshots WHERE group_id = ? AND taken_at <= ? ORDER BY seq DESC LIMIT 1',
                        (group_id, moment))
        return json.loads(row['state']) if row and row['state'] is not None else None

    def group_states_at(self, account_id, region_id, moment):
        """{group id: decoded snapshot} of every group of an account and region that existed at `moment`."""
        rows = self._conn.execute(
            'SELECT s.group_id, s.state FROM group_snapshots s JOIN ('
            '  SELECT group_id, MAX(seq) AS seq FROM group_snapshots WHERE account_id = ? AND region_id = ? AND taken_at <= ? '
            '  GROUP BY group_id) latest ON latest.seq = s.seq WHERE s.state IS NOT NULL',
            (account_id, region_id, moment)).fetchall()
        return {row[0]: json.loads(row[1]) for row in rows}

    # -- seeding ----------------------------------------------------------------------------------
    def replace_everything(self, fixture):
        """Forget the whole state, client tokens included, and load `fixture` (a parsed fixture file)."""
        for table in TABLES:
            self._conn.execute('DELETE FROM %s' % table)
        for region in fixture.get('regions') or []:
            self._conn.execute('INSERT INTO regions VALUES (?)', (str(region),))
        for account in fixture.get('accounts') or []:
            account_id = str(account['account_id'])
            self._conn.execute('INSERT INTO accounts VALUES (?, ?, ?, ?)',
                               (account_id, account['account_name'], account['name'],
                                int(account.get('security_group_quota', DEFAULT_SECURITY_GROUP_QUOTA))))
            for key in account.get('keys') or []:
                self._conn.execute('INSERT INTO access_keys VALUES (?, ?, ?, ?, ?)',
                                   (key['access_key_id'], key['access_key_secret'], key.get('security_token'),
                                    account_id, key['name']))
            for plist in account.get('prefix_lists') or []:
                self._seed_list(PREFIX_LISTS, account_id, plist, {'address_family': plist.get('address_family', 'IPv4')})
            for plist in account.get('port_range_lists') or []:
                self._seed_list(PORT_RANGE_LISTS, account_id, plist, {})
            self._seed_vpcs(account_id, account)
            for group in account.get('security_groups') or []:
                self._seed_group(account_id, group)
            for member_kind, key in (('instance', 'instances'), ('network_interface', 'network_interfaces')):
                for member in account.get(key) or []:
                    for group_id in member.get('security_group_ids') or []:
                        self._conn.execute('INSERT OR IGNORE INTO group_members VALUES (?, ?, ?, NULL)',
                                           (group_id, member_kind, member['id']))
        # Roles last: their trusted accounts may be any account of the fixture.
        for account in fixture.get('accounts') or []:
            for role in account.get('roles') or []:
                self._seed_role(str(account['account_id']), role, fixture.get('accounts') or [])
        # The fixture's groups were there long before any lagged read looks back.
        self.record_snapshots(taken_at=SEEDED_AT)
        self._conn.execute("INSERT INTO meta VALUES ('seeded', ?)", (now_iso(),))

    def _seed_list(self, kind, account_id, plist, own_values):
        """A prefix list or port range list of the fixture, stored as given (entries, tags and all)."""
        entries = [(str(entry[kind.value_column]), str(entry.get('description') or '')) for entry in plist.get('entries') or []]
        row = {'region_id': plist['region'], 'account_id': account_id, 'name': plist.get('name', plist['id']),
               'description': plist.get('description', ''),
               'max_entries': int(plist.get('max_entries', max(DEFAULT_PREFIX_LIST_MAX_ENTRIES, len(entries)))),
               'create_time': plist.get('create_time', '2024-01-01T00:00:00Z'),
               'resource_group_id': plist.get('resource_group_id', '')}
        row.update(own_values)
        tags = [(str(key), '' if value is None else str(value)) for key, value in (plist.get('tags') or {}).items()]
        self.insert_list(kind, plist['id'], row, entries, tags)

    def _seed_role(self, account_id, role, accounts):
        """A RAM role; `trusted_accounts` may name accounts by id, fixture name or account name (default: its own)."""
        name = str(role['name'])
        duration = int(role.get('max_session_duration', DEFAULT_MAX_SESSION_DURATION))
        low, high = MAX_SESSION_DURATION_RANGE
        if not low <= duration <= high:
            raise ValueError('role %s: max_session_duration must be %d..%d seconds, not %d' % (name, low, high, duration))
        trusted = []
        for ref in role.get('trusted_accounts', [account_id]) or []:
            ref = str(ref)
            match = next((str(a['account_id']) for a in accounts if ref in (str(a['account_id']), a['name'], a['account_name'])), ref)
            trusted.append(match)
        # RAM shows role ids as 16+ digit numbers; a fixed derivation keeps them stable across re-seeds.
        role_id = role.get('role_id') or str(int(hashlib.sha256(('%s|%s' % (account_id, name.lower())).encode()).hexdigest(), 16))[:19]
        self._conn.execute('INSERT INTO roles VALUES (?, ?, ?, ?, ?, ?, ?)',
                           (account_id, name, name.lower(), str(role_id), duration, json.dumps(trusted),
                            None if role.get('external_id') in (None, '') else str(role['external_id'])))

    def _seed_vpcs(self, account_id, account):
        # The VPCs an account declares, and those its groups are in: fixtures written before VPCs
        # were declared keep working, and CreateSecurityGroup accepts the VPCs the fixture uses.
        vpcs = [(vpc['id'], vpc['region'], 1 if vpc.get('default') else 0) for vpc in account.get('vpcs') or []]
        vpcs += [(group['vpc_id'], group['region'], 0) for group in account.get('security_groups') or [] if group.get('vpc_id')]
        defaults = {}
        for vpc_id, region_id, is_default in vpcs:
            if is_default:
                if region_id in defaults:
                    raise ValueError('account %s: two default VPCs in %s (%s, %s)' % (account_id, region_id, defaults[region_id], vpc_id))
                defaults[region_id] = vpc_id
            self._conn.execute('INSERT OR IGNORE INTO vpcs VALUES (?, ?, ?, ?)', (account_id, vpc_id, region_id, is_default))

    def _seed_group(self, account_id, group):
        group_type = group.get('type', 'normal')
        self.insert_group({
            'group_id': group['id'], 'region_id': group['region'], 'account_id': account_id,
            'name': group.get('name', group['id']), 'description': group.get('description', ''), 'vpc_id': group.get('vpc_id'),
            'service_managed': 1 if group.get('service_managed') else 0, 'group_type': group_type,
            'create_time': group.get('create_time', '2024-01-01T00:00:00Z'),
            'inner_access_policy': group.get('inner_access_policy', DEFAULT_INNER_ACCESS_POLICY.get(group_type, 'Accept')),
            'resource_group_id': group.get('resource_group_id', ''),
        })
        # Fixture tags are stored as given, system keys (acs:, aliyun) included, as the cloud may have set them.
        self.set_tags(group['id'], [(str(key), '' if value is None else str(value)) for key, value in (group.get('tags') or {}).items()])
        self._seed_rules(group)

    def _seed_rules(self, group):
        for direction in ('egress', 'ingress'):
            rules = list(group.get(direction) or [])
            if direction == 'ingress':
                for i in range(int(group.get('filler_ingress') or 0)):
                    rules.append({'IpProtocol': 'TCP', 'PortRange': '%d/%d' % (10000 + i, 10000 + i),
                                  'SourceCidrIp': '10.200.0.0/16', 'Policy': 'Accept', 'Priority': '1',
                                  'NicType': 'intranet', 'Description': 'filler %d' % i})
            for index, rule in enumerate(rules):
                row = {c: '' for c in RULE_COLUMNS}
                row.update({'group_id': group['id'], 'direction': direction, 'policy': 'Accept', 'priority': '1',
                            'nic_type': 'intranet' if group.get('vpc_id') else 'internet',
                            'create_time': '2024-01-01T00:00:00Z',
                            'rule_id': seeded_rule_id(group['id'], direction, index)})
                for key, value in rule.items():
                    row[RULE_PARAM_NAMES[key]] = str(value)
                self.insert_rule(row)
