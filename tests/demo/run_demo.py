# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""`make demo`: start the ECS emulator, show a seeded group through the SDK, apply the example playbook
twice (first `changed` with a diff, then `ok`), show the group again, and stop the emulator."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / 'tests' / 'emulator'))

from ecs_emulator import harness  # noqa: E402  pylint: disable=wrong-import-position

GROUP = 'sg-demo-web'
REGION = 'cn-hangzhou'
PLAYBOOK = REPO / 'examples' / 'demo-playbook.yml'
HEADERS = ('SecurityGroupRuleId', 'IpProtocol', 'PortRange', 'Destination', 'Policy', 'Priority', 'Description')


def table(headers, rows):
    """Lines of a plain-text table; each column is as wide as its widest cell, header included, so that
    no value pushes the columns after it out of line."""
    cells = [[str(value) for value in row] for row in [headers] + list(rows)]
    widths = [max(len(row[column]) for row in cells) for column in range(len(headers))]
    return ['  '.join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells]


def show_rules(endpoint, keys, title):
    """Print the group's egress rules as the unmodified ECS SDK returns them."""
    from alibabacloud_ecs20140526.client import Client
    from alibabacloud_ecs20140526.models import DescribeSecurityGroupAttributeRequest
    from alibabacloud_tea_openapi.utils_models import Config

    client = Client(Config(access_key_id=keys['access_key_id'], access_key_secret=keys['access_key_secret'],
                           region_id=REGION, endpoint=endpoint, protocol='http'))
    body = client.describe_security_group_attribute(
        DescribeSecurityGroupAttributeRequest(region_id=REGION, security_group_id=GROUP, direction='egress')).body
    print('\n### %s: egress rules of %s (DescribeSecurityGroupAttribute, VPC %s)' % (title, GROUP, body.vpc_id))
    rows = []
    for rule in body.permissions.permission:
        destination = rule.dest_cidr_ip or rule.ipv_6dest_cidr_ip or rule.dest_group_id or rule.dest_prefix_list_id
        rows.append((rule.security_group_rule_id, rule.ip_protocol, rule.port_range, destination, rule.policy,
                     rule.priority, rule.description or ''))
    print('\n'.join(table(HEADERS, rows)))
    sys.stdout.flush()


def collections_path(workdir):
    configured = os.environ.get('ANSIBLE_COLLECTIONS_PATH', '').split(os.pathsep)[0]
    if configured and (Path(configured) / 'ansible_collections' / 'alicloud' / 'ecs').is_dir():
        return configured
    link = Path(workdir) / 'ansible_collections' / 'alicloud' / 'ecs'
    link.parent.mkdir(parents=True)
    link.symlink_to(REPO)
    return workdir


def apply_playbook(endpoint, keys, collections, run):
    print('\n### ansible-playbook, run %d of 2' % run)
    sys.stdout.flush()
    env = dict((key, value) for key, value in os.environ.items() if 'proxy' not in key.lower())
    env.update(ALIBABA_CLOUD_ACCESS_KEY_ID=keys['access_key_id'], ALIBABA_CLOUD_ACCESS_KEY_SECRET=keys['access_key_secret'],
               ALIBABA_CLOUD_REGION_ID=REGION, ALIBABA_CLOUD_ECS_ENDPOINT='http://' + endpoint,
               ANSIBLE_COLLECTIONS_PATH=collections,
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_NOCOLOR='1')
    command = [str(Path(sys.executable).parent / 'ansible-playbook'), '-i', 'localhost,', str(PLAYBOOK)]
    if run == 1:
        command.append('--diff')
    process = subprocess.run(command, env=env, check=False)
    if process.returncode != 0:
        raise SystemExit('ansible-playbook failed with exit code %d' % process.returncode)


def main():
    keys = harness.credentials('main')
    with tempfile.TemporaryDirectory(prefix='alicloud-ecs-demo-') as workdir:
        with harness.Emulator(os.path.join(workdir, 'state.sqlite')) as emulator:
            print('### ECS emulator listening on %s (signed API, loopback only)' % emulator.endpoint)
            show_rules(emulator.endpoint, keys, 'before')
            collections = collections_path(workdir)
            apply_playbook(emulator.endpoint, keys, collections, 1)
            apply_playbook(emulator.endpoint, keys, collections, 2)
            show_rules(emulator.endpoint, keys, 'after')
            writes = [entry['action'] for entry in emulator.requests() if entry['write']]
            print('\n### API writes made by the two runs: %s' % (', '.join(writes) or 'none'))
        print('### emulator stopped')


if __name__ == '__main__':
    main()
