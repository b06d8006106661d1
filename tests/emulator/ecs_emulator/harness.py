"""Start and drive an emulator process from other test suites (stdlib only)."""

import json
import os
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from .fixture_file import load_fixture

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_FIXTURE = os.path.join(PACKAGE_ROOT, 'fixtures', 'default.yml')
# The one list of proxy variables: clean_env() drops them, and so does the emulator's own test suite.
PROXY_VARIABLES = ('HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy')
# The environment variable through which the credentials library's HTTPS requests (Tea's requests session,
# whose SSL context comes from ssl.create_default_context) trust the emulator's STS certificate: set it
# to `emu.sts_ca_file` before the first AssumeRole of the process to that endpoint.
TRUST_VARIABLE = 'SSL_CERT_FILE'

# Never let urllib route admin calls through a proxy, whatever the environment says.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class EmulatorError(RuntimeError):
    pass


def write_fixture(path, groups, account='main', base=DEFAULT_FIXTURE):
    """Write to ``path`` (JSON) the fixture ``base`` plus ``groups`` in ``account``'s name; return ``path``.

    ``groups`` maps a group id to its fixture keys (``egress``, ``filler_ingress``, ...); the group is
    a VPC group in cn-hangzhou named after its id unless those keys say otherwise.
    """
    fixture = load_fixture(base)
    owner = next(entry for entry in fixture['accounts'] if entry['name'] == account)
    for group_id, keys in groups.items():
        group = dict(id=group_id, region='cn-hangzhou', name=group_id, vpc_id='vpc-demo-1')
        group.update(keys)
        owner['security_groups'].append(group)
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(fixture, handle, indent=1)
    return path


def credentials(name='main', fixture_path=DEFAULT_FIXTURE):
    """The access key called `name` in the fixture, with its account."""
    for account in load_fixture(fixture_path).get('accounts') or []:
        for key in account.get('keys') or []:
            if key['name'] == name:
                result = {'access_key_id': key['access_key_id'], 'access_key_secret': key['access_key_secret'],
                          'account_id': str(account['account_id']), 'account_name': account['account_name']}
                if key.get('security_token'):
                    result['security_token'] = key['security_token']
                return result
    raise KeyError('no access key named %r in %s' % (name, fixture_path))


def role_arn(account, role, fixture_path=DEFAULT_FIXTURE):
    """`acs:ram::<account id>:role/<role>` of the fixture account `account` (its fixture name, account name or id)."""
    for entry in load_fixture(fixture_path).get('accounts') or []:
        if account in (entry['name'], entry['account_name'], str(entry['account_id'])):
            return 'acs:ram::%s:role/%s' % (entry['account_id'], role)
    raise KeyError('no account %r in %s' % (account, fixture_path))


def clean_env(extra_pythonpath=None):
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARIABLES}
    paths = [PACKAGE_ROOT] + ([extra_pythonpath] if extra_pythonpath else [])
    if env.get('PYTHONPATH'):
        paths.append(env['PYTHONPATH'])
    env['PYTHONPATH'] = os.pathsep.join(paths)
    return env


class Emulator:
    """`sts`: None serves STS when the server can make its certificate, True insists on it, False turns it off."""

    def __init__(self, state_path, fixture_path=DEFAULT_FIXTURE, python=sys.executable, sts=None):
        self.state_path = state_path
        self.fixture_path = fixture_path
        self.python = python
        self.sts = sts
        self.process = None
        self.endpoint = None
        self.admin_url = None
        self.sts_endpoint = None
        self.sts_ca_file = None
        self.pid = None
        self._stderr_path = state_path + '.stderr'

    # -- process -----------------------------------------------------------------------------------
    def start(self, reset=False, timeout=20.0):
        if self.process is not None:
            raise EmulatorError('emulator already running')
        cmd = [self.python, '-m', 'ecs_emulator', 'serve', '--port', '0', '--admin-port', '0', '--state', self.state_path]
        if self.fixture_path:
            cmd += ['--fixture', self.fixture_path]
        if reset:
            cmd.append('--reset')
        if self.sts is not None:
            cmd.append('--sts' if self.sts else '--no-sts')
        # stderr goes to a file so a chatty server can never block on a full pipe.
        with open(self._stderr_path, 'wb') as stderr:
            # The process outlives this method on purpose; stop()/kill() reap it.
            self.process = subprocess.Popen(  # pylint: disable=consider-using-with
                cmd, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL, env=clean_env(), cwd=PACKAGE_ROOT)
        deadline = time.monotonic() + timeout
        line = b''
        while time.monotonic() < deadline and not line.endswith(b'\n'):
            ready = select.select([self.process.stdout], [], [], 0.1)[0]
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 4096)
                if not chunk:
                    break
                line += chunk
            elif self.process.poll() is not None:
                break
        try:
            info = json.loads(line.decode('utf-8'))
        except ValueError:
            self._fail('emulator did not announce itself')
        self.endpoint, self.admin_url, self.pid = info['endpoint'], info['admin'], info['pid']
        self.sts_endpoint, self.sts_ca_file = info.get('sts'), info.get('sts_ca_file')
        while time.monotonic() < deadline:
            try:
                if self._admin('GET', '/health').get('ok'):
                    return self
            except (OSError, EmulatorError):
                time.sleep(0.05)
        self._fail('emulator did not become healthy')
        return self

    def _fail(self, why):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None
        raise EmulatorError('%s; stderr:\n%s' % (why, self.stderr()))

    def stderr(self):
        try:
            with open(self._stderr_path, 'r', encoding='utf-8', errors='replace') as handle:
                return handle.read()
        except OSError:
            return ''

    def stop(self, timeout=10.0):
        """SIGTERM and wait; returns the exit code."""
        if self.process is None:
            return None
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.process.stdout.close()
        self.process = None
        return code

    def kill(self):
        if self.process is None:
            return
        self.process.kill()
        self.process.wait()
        self.process.stdout.close()
        self.process = None

    def restart(self):
        self.stop()
        return self.start()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- admin API ---------------------------------------------------------------------------------
    def _admin(self, method, path, body=None, missing=False):
        """The admin API's JSON answer; with `missing=True` a 404 answers None instead of raising."""
        data = json.dumps(body).encode('utf-8') if body is not None else None
        request = urllib.request.Request(self.admin_url + path, data=data, method=method,
                                         headers={'Content-Type': 'application/json'})
        try:
            with _OPENER.open(request, timeout=30) as response:
                return json.loads(response.read().decode('utf-8'))
        except urllib.error.HTTPError as exc:
            if missing and exc.code == 404:
                return None
            raise EmulatorError('admin %s %s: %s %s' % (method, path, exc.code, exc.read().decode('utf-8', 'replace'))) from exc

    def requests(self, since=0):
        return self._admin('GET', '/log?since=%d' % since)['entries']

    def clear_log(self):
        self._admin('DELETE', '/log')

    def set_faults(self, config):
        self._admin('PUT', '/faults', config)

    def clear_faults(self):
        self._admin('DELETE', '/faults')

    def rules(self, group_id, direction=None):
        query = '?direction=%s' % direction if direction else ''
        return self._admin('GET', '/groups/%s/rules%s' % (group_id, query))['rules']

    def egress_rules(self, group_id):
        return self.rules(group_id, 'egress')

    def group(self, group_id):
        """A group's attributes, tags (a dict) and rule count, of any account; None when there is no such group."""
        answer = self._admin('GET', '/groups/%s' % urllib.parse.quote(group_id, safe=''), missing=True)
        return answer['group'] if answer is not None else None

    def groups(self, name=None):
        """Every account's groups (id, name, vpc_id, type, tags, account_id, region), or those named `name`."""
        query = '?' + urllib.parse.urlencode({'name': name}) if name is not None else ''
        return self._admin('GET', '/groups%s' % query)['groups']

    def reset(self):
        self._admin('POST', '/reset')

    # -- consistency lag and group members ---------------------------------------------------------
    def set_lag(self, ms):
        """Let the read actions see every group as it was `ms` milliseconds ago; returns {"lag_ms": ms}."""
        return self._admin('PUT', '/consistency', {'lag_ms': ms})

    def lag(self):
        """The consistency lag in milliseconds (0: reads see the current state)."""
        return self._admin('GET', '/consistency')['lag_ms']

    def clear_lag(self):
        return self._admin('DELETE', '/consistency')

    def add_member(self, member_id, kind, group_ids):
        """Put an instance (`kind` "instance") or network interface ("network_interface") in groups of any account.

        Returns {"member_id", "kind", "security_group_ids"} (every group the member holds now).
        """
        return self._admin('POST', '/members', {'member_id': member_id, 'kind': kind, 'security_group_ids': list(group_ids)})

    def release_member(self, member_id, after_ms=0):
        """Take a member out of every group it holds, `after_ms` milliseconds from now (0: at once).

        Returns {"member_id", "security_group_ids" (the groups it held), "released_at" (epoch seconds)}.
        """
        return self._admin('DELETE', '/members/%s?after_ms=%d' % (urllib.parse.quote(member_id, safe=''), after_ms))

    def temporary_keys(self):
        """The keys AssumeRole issued (access_key_id, secret, security_token, account_id, role_name, ...)."""
        return self._admin('GET', '/temporary-keys')['keys']

    def advance_clock(self, seconds):
        """Move the emulator's credential clock forward; returns {now, offset_seconds}."""
        return self._admin('POST', '/clock', {'advance_seconds': seconds})

    def reset_clock(self):
        return self._admin('DELETE', '/clock')

    def clock(self):
        return self._admin('GET', '/clock')
