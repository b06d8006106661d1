"""SQLite state: accounts, keys, regions, security groups, prefix lists, rules and client tokens.

Every SQL statement of the emulator lives here. One connection per thread; every API request runs in
one transaction, and writers take `BEGIN IMMEDIATE` so that parallel writers serialize instead of
racing on the rule limit.
"""

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

RULE_COLUMNS = (
    'rule_id', 'group_id', 'direction', 'ip_protocol', 'port_range', 'source_port_range', 'policy', 'priority',
    'nic_type', 'dest_cidr_ip', 'ipv6_dest_cidr_ip', 'dest_group_id', 'dest_group_owner_id', 'dest_prefix_list_id',
    'source_cidr_ip', 'ipv6_source_cidr_ip', 'source_group_id', 'source_group_owner_id', 'source_prefix_list_id',
    'description', 'create_time',
)

# Fixture rule keys use the API's parameter names.
RULE_PARAM_NAMES = {
    'IpProtocol': 'ip_protocol', 'PortRange': 'port_range', 'SourcePortRange': 'source_port_range',
    'Policy': 'policy', 'Priority': 'priority', 'NicType': 'nic_type', 'DestCidrIp': 'dest_cidr_ip',
    'Ipv6DestCidrIp': 'ipv6_dest_cidr_ip', 'DestGroupId': 'dest_group_id', 'DestGroupOwnerId': 'dest_group_owner_id',
    'DestPrefixListId': 'dest_prefix_list_id', 'SourceCidrIp': 'source_cidr_ip', 'Ipv6SourceCidrIp': 'ipv6_source_cidr_ip',
    'SourceGroupId': 'source_group_id', 'SourceGroupOwnerId': 'source_group_owner_id',
    'SourcePrefixListId': 'source_prefix_list_id', 'Description': 'description', 'CreateTime': 'create_time',
    'SecurityGroupRuleId': 'rule_id',
}

# Group attributes DescribeSecurityGroups may filter on by equality.
GROUP_FILTER_COLUMNS = ('group_id', 'name', 'vpc_id', 'group_type')

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS regions (region_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS accounts (account_id TEXT PRIMARY KEY, account_name TEXT NOT NULL UNIQUE, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS access_keys (
    access_key_id TEXT PRIMARY KEY, secret TEXT NOT NULL, security_token TEXT, account_id TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS security_groups (
    group_id TEXT PRIMARY KEY, region_id TEXT NOT NULL, account_id TEXT NOT NULL, name TEXT NOT NULL,
    description TEXT NOT NULL, vpc_id TEXT, service_managed INTEGER NOT NULL, group_type TEXT NOT NULL,
    create_time TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS prefix_lists (
    prefix_list_id TEXT PRIMARY KEY, region_id TEXT NOT NULL, account_id TEXT NOT NULL, name TEXT NOT NULL,
    address_family TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rules (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    rule_id TEXT NOT NULL UNIQUE, group_id TEXT NOT NULL, direction TEXT NOT NULL,
    ip_protocol TEXT NOT NULL, port_range TEXT NOT NULL, source_port_range TEXT NOT NULL, policy TEXT NOT NULL,
    priority TEXT NOT NULL, nic_type TEXT NOT NULL, dest_cidr_ip TEXT NOT NULL, ipv6_dest_cidr_ip TEXT NOT NULL,
    dest_group_id TEXT NOT NULL, dest_group_owner_id TEXT NOT NULL, dest_prefix_list_id TEXT NOT NULL,
    source_cidr_ip TEXT NOT NULL, ipv6_source_cidr_ip TEXT NOT NULL, source_group_id TEXT NOT NULL,
    source_group_owner_id TEXT NOT NULL, source_prefix_list_id TEXT NOT NULL, description TEXT NOT NULL,
    create_time TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS rules_by_group ON rules (group_id, direction, seq);
CREATE TABLE IF NOT EXISTS client_tokens (
    account_id TEXT NOT NULL, action TEXT NOT NULL, token TEXT NOT NULL, fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (account_id, action, token));
"""

_ID_ALPHABET = string.ascii_lowercase + string.digits


def now_iso():
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())


def new_rule_id():
    return 'sgr-' + ''.join(secrets.choice(_ID_ALPHABET) for dummy in range(20))


def seeded_rule_id(group_id, direction, index):
    # Deterministic, so a re-seed gives the demo the same ids every time.
    digest = hashlib.sha256(('%s|%s|%d' % (group_id, direction, index)).encode()).digest()
    return 'sgr-' + ''.join(_ID_ALPHABET[b % len(_ID_ALPHABET)] for b in digest[:20])


def _placeholders(values):
    return ', '.join('?' * len(values))


class Store:
    def __init__(self, path, busy_timeout_ms=30000):
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
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
        """A `Transaction` committed when the block ends normally, rolled back when it raises."""
        conn = self._connection()
        conn.execute('BEGIN IMMEDIATE' if write else 'BEGIN')
        try:
            yield Transaction(conn)
        except BaseException:
            conn.execute('ROLLBACK')
            raise
        conn.execute('COMMIT')

    def initialise(self, fixture_path, reset=False):
        """Create the schema; seed from the fixture only for a new (or reset) state."""
        is_new = not os.path.exists(self.path) or os.path.getsize(self.path) == 0
        conn = self._connection()
        conn.executescript(SCHEMA)
        seeded = conn.execute("SELECT value FROM meta WHERE key = 'seeded'").fetchone()
        if fixture_path and (reset or is_new or not seeded):
            self.seed_from(fixture_path)

    def seed_from(self, fixture_path):
        self.seed(load_fixture(fixture_path))

    def seed(self, fixture):
        with self.transaction(write=True) as tx:
            tx.replace_everything(fixture)


class Transaction:
    """The queries and changes of one API call, all on the connection its transaction runs on."""

    def __init__(self, conn):
        self._conn = conn

    def _one(self, sql, args=()):
        row = self._conn.execute(sql, args).fetchone()
        return dict(row) if row is not None else None

    def _all(self, sql, args=()):
        return [dict(row) for row in self._conn.execute(sql, args).fetchall()]

    # -- callers ----------------------------------------------------------------------------------
    def access_key(self, access_key_id):
        """The key row with its account's name, or None."""
        return self._one('SELECT k.*, a.account_name FROM access_keys k JOIN accounts a ON a.account_id = k.account_id '
                         'WHERE k.access_key_id = ?', (access_key_id,))

    def owner_account_id(self, owner_id, owner_account):
        """The account named by id and/or name (None if unknown or if the two disagree)."""
        row = None
        if owner_id:
            row = self._one('SELECT * FROM accounts WHERE account_id = ?', (owner_id,))
            if row is not None and owner_account and row['account_name'] != owner_account:
                return None
        elif owner_account:
            row = self._one('SELECT * FROM accounts WHERE account_name = ?', (owner_account,))
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

    def security_groups(self, account_id, region_id, group_ids=None, network_type=None, **equal):
        """One account's groups in a region, in creation order.

        `group_ids` (a list) keeps only those ids; `network_type` is 'vpc' or 'classic'; `equal` filters
        on the columns of GROUP_FILTER_COLUMNS.
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
        return self._all(sql + ' ORDER BY seq', args)

    def group_names(self, group_ids):
        return self._names('security_groups', 'group_id', group_ids)

    def find_prefix_list(self, prefix_list_id, account_id, region_id):
        return self._one('SELECT * FROM prefix_lists WHERE prefix_list_id = ? AND account_id = ? AND region_id = ?',
                         (prefix_list_id, account_id, region_id))

    def prefix_list_names(self, prefix_list_ids):
        return self._names('prefix_lists', 'prefix_list_id', prefix_list_ids)

    def _names(self, table, id_column, ids):
        ids = sorted(i for i in ids if i)
        if not ids:
            return {}
        rows = self._conn.execute('SELECT %s, name FROM %s WHERE %s IN (%s)' % (id_column, table, id_column, _placeholders(ids)),
                                  ids).fetchall()
        return {r[0]: r[1] for r in rows}

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

    def update_rule(self, rule_id, changes):
        """Overwrite the given columns of one rule."""
        unknown = set(changes) - set(RULE_COLUMNS)
        if unknown:
            raise ValueError('not rule columns: %s' % ', '.join(sorted(unknown)))
        sets = ', '.join('%s = ?' % column for column in changes)
        self._conn.execute('UPDATE rules SET %s WHERE rule_id = ?' % sets, tuple(changes.values()) + (rule_id,))

    def delete_rules(self, rule_ids):
        for rule_id in rule_ids:
            self._conn.execute('DELETE FROM rules WHERE rule_id = ?', (rule_id,))

    # -- seeding ----------------------------------------------------------------------------------
    def replace_everything(self, fixture):
        """Forget the whole state, client tokens included, and load `fixture` (a parsed fixture file)."""
        for table in ('regions', 'accounts', 'access_keys', 'security_groups', 'prefix_lists', 'rules', 'client_tokens', 'meta'):
            self._conn.execute('DELETE FROM %s' % table)
        for region in fixture.get('regions') or []:
            self._conn.execute('INSERT INTO regions VALUES (?)', (str(region),))
        group_seq = 0
        for account in fixture.get('accounts') or []:
            account_id = str(account['account_id'])
            self._conn.execute('INSERT INTO accounts VALUES (?, ?, ?)', (account_id, account['account_name'], account['name']))
            for key in account.get('keys') or []:
                self._conn.execute('INSERT INTO access_keys VALUES (?, ?, ?, ?, ?)',
                                   (key['access_key_id'], key['access_key_secret'], key.get('security_token'),
                                    account_id, key['name']))
            for plist in account.get('prefix_lists') or []:
                self._conn.execute('INSERT INTO prefix_lists VALUES (?, ?, ?, ?, ?)',
                                   (plist['id'], plist['region'], account_id, plist.get('name', plist['id']),
                                    plist.get('address_family', 'IPv4')))
            for group in account.get('security_groups') or []:
                group_seq += 1
                self._conn.execute('INSERT INTO security_groups VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
                                   (group['id'], group['region'], account_id, group.get('name', group['id']),
                                    group.get('description', ''), group.get('vpc_id'),
                                    1 if group.get('service_managed') else 0, group.get('type', 'normal'),
                                    group.get('create_time', '2024-01-01T00:00:00Z'), group_seq))
                self._seed_rules(group)
        self._conn.execute("INSERT INTO meta VALUES ('seeded', ?)", (now_iso(),))

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
