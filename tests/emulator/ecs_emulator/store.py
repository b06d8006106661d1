"""SQLite state: accounts, keys, regions, security groups, prefix lists, rules and client tokens.

One connection per thread; every API request runs in one transaction, and writers take
`BEGIN IMMEDIATE` so that parallel writers serialize instead of racing on the rule limit.
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


def load_fixture(path):
    with open(path, 'rb') as handle:
        raw = handle.read()
    if path.endswith('.json'):
        return json.loads(raw.decode('utf-8'))
    import yaml  # pylint: disable=import-outside-toplevel
    return yaml.safe_load(raw)


class Store:
    def __init__(self, path, busy_timeout_ms=30000):
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()

    def connection(self):
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
        conn = self.connection()
        conn.execute('BEGIN IMMEDIATE' if write else 'BEGIN')
        try:
            yield conn
        except BaseException:
            conn.execute('ROLLBACK')
            raise
        conn.execute('COMMIT')

    def initialise(self, fixture_path, reset=False):
        """Create the schema; seed from the fixture only for a new (or reset) state."""
        is_new = not os.path.exists(self.path) or os.path.getsize(self.path) == 0
        conn = self.connection()
        conn.executescript(SCHEMA)
        seeded = conn.execute("SELECT value FROM meta WHERE key = 'seeded'").fetchone()
        if fixture_path and (reset or is_new or not seeded):
            self.seed(load_fixture(fixture_path))

    def seed(self, fixture):
        with self.transaction(write=True) as conn:
            for table in ('regions', 'accounts', 'access_keys', 'security_groups', 'prefix_lists', 'rules',
                          'client_tokens', 'meta'):
                conn.execute('DELETE FROM %s' % table)
            for region in fixture.get('regions') or []:
                conn.execute('INSERT INTO regions VALUES (?)', (str(region),))
            group_seq = 0
            for account in fixture.get('accounts') or []:
                account_id = str(account['account_id'])
                conn.execute('INSERT INTO accounts VALUES (?, ?, ?)',
                             (account_id, account['account_name'], account['name']))
                for key in account.get('keys') or []:
                    conn.execute('INSERT INTO access_keys VALUES (?, ?, ?, ?, ?)',
                                 (key['access_key_id'], key['access_key_secret'], key.get('security_token'),
                                  account_id, key['name']))
                for plist in account.get('prefix_lists') or []:
                    conn.execute('INSERT INTO prefix_lists VALUES (?, ?, ?, ?, ?)',
                                 (plist['id'], plist['region'], account_id, plist.get('name', plist['id']),
                                  plist.get('address_family', 'IPv4')))
                for group in account.get('security_groups') or []:
                    group_seq += 1
                    conn.execute('INSERT INTO security_groups VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
                                 (group['id'], group['region'], account_id, group.get('name', group['id']),
                                  group.get('description', ''), group.get('vpc_id'),
                                  1 if group.get('service_managed') else 0, group.get('type', 'normal'),
                                  group.get('create_time', '2024-01-01T00:00:00Z'), group_seq))
                    self._seed_rules(conn, group)
            conn.execute("INSERT INTO meta VALUES ('seeded', ?)", (now_iso(),))

    @staticmethod
    def _seed_rules(conn, group):
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
                insert_rule(conn, row)


def insert_rule(conn, row):
    conn.execute('INSERT INTO rules (%s) VALUES (%s)' % (', '.join(RULE_COLUMNS), ', '.join('?' * len(RULE_COLUMNS))),
                 tuple(row[c] for c in RULE_COLUMNS))


def rule_rows(conn, group_id, direction=None):
    if direction:
        cur = conn.execute('SELECT * FROM rules WHERE group_id = ? AND direction = ? ORDER BY seq', (group_id, direction))
    else:
        cur = conn.execute('SELECT * FROM rules WHERE group_id = ? ORDER BY seq', (group_id,))
    return [dict(r) for r in cur.fetchall()]


def rule_count(conn, group_id):
    return conn.execute('SELECT COUNT(*) FROM rules WHERE group_id = ?', (group_id,)).fetchone()[0]


def find_group(conn, group_id, account_id=None, region_id=None):
    sql = 'SELECT * FROM security_groups WHERE group_id = ?'
    args = [group_id]
    if account_id is not None:
        sql += ' AND account_id = ?'
        args.append(account_id)
    if region_id is not None:
        sql += ' AND region_id = ?'
        args.append(region_id)
    row = conn.execute(sql, args).fetchone()
    return dict(row) if row else None
