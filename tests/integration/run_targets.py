# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run the ansible-test integration targets (tests/integration/targets) against the emulator or a real account.

    run_targets.py emulator STAGE     start the ECS emulator, write STAGE's integration_config.yml for it, run the targets
    run_targets.py cloud STAGE        the same against a real account, from the environment (refuses without it)
    run_targets.py cleanup STAGE      remove what interrupted cloud runs left, by the test tag only

STAGE is the staged collection (build/ansible_collections/alicloud/ecs), where ansible-test runs. The
connection values are written there only, never into the repository.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / 'tests' / 'emulator'))

from ecs_emulator import harness  # noqa: E402  pylint: disable=wrong-import-position

TEST_TAG = 'integration'
CLOUD_VARIABLES = ('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_REGION_ID',
                   'ALICLOUD_ECS_TEST_VPC_ID', 'ALICLOUD_ECS_TEST_VPC_ID_2')


def write_config(stage, values):
    path = Path(stage) / 'tests' / 'integration' / 'integration_config.yml'
    path.write_text(yaml.safe_dump(values, sort_keys=True), encoding='utf-8')
    os.chmod(path, 0o600)
    return path


def unique_prefix():
    # Names of every resource a run creates start with it, so that runs never collide and leftovers are recognisable.
    return 'alicloud-ecs-it-%s' % uuid.uuid4().hex[:8]


def ansible_test(stage, extra_env=None, targets=('alicloud/',)):
    env = dict((name, value) for name, value in os.environ.items() if name not in harness.PROXY_VARIABLES)
    env.update(extra_env or {})
    command = [str(Path(sys.executable).parent / 'ansible-test'), 'integration', '--python', '3.11', '--local', '--allow-unsupported',
               '--color', 'no', *targets]
    return subprocess.run(command, cwd=stage, env=env, check=False).returncode


def run_against_emulator(stage):
    keys = harness.credentials('main')
    with tempfile.TemporaryDirectory(prefix='alicloud-ecs-targets-') as workdir:
        with harness.Emulator(os.path.join(workdir, 'state.sqlite')) as emulator:
            write_config(stage, dict(alicloud_access_key=keys['access_key_id'], alicloud_secret_key=keys['access_key_secret'],
                                     alicloud_security_token='', alicloud_region='cn-hangzhou', alicloud_endpoint='http://' + emulator.endpoint,
                                     alicloud_vpc_id='vpc-demo-1', alicloud_other_vpc_id='vpc-demo-2', alicloud_resource_prefix=unique_prefix(),
                                     alicloud_test_tag=TEST_TAG))
            status = ansible_test(stage)
            writes = [entry['action'] for entry in emulator.requests() if entry['write']]
            left = [group for group in emulator.groups() if group['name'].startswith('alicloud-ecs-it-')]
            print('targets against the emulator: exit %d, %d writes, %d groups left behind' % (status, len(writes), len(left)))
            if status == 0 and left:
                print('ERROR: the targets left groups behind: %s' % ', '.join(group['id'] for group in left), file=sys.stderr)
                return 1
            return status


def cloud_values():
    missing = [name for name in CLOUD_VARIABLES if not os.environ.get(name)]
    if os.environ.get('ALICLOUD_ECS_TEST_CLOUD') != 'yes' or missing:
        raise SystemExit('Refusing to run against a real account: set ALICLOUD_ECS_TEST_CLOUD=yes and %s (missing: %s). '
                         'See docs/maintainers/real-account.md.' % (', '.join(CLOUD_VARIABLES), ', '.join(missing) or 'none'))
    return dict(alicloud_access_key=os.environ['ALIBABA_CLOUD_ACCESS_KEY_ID'], alicloud_secret_key=os.environ['ALIBABA_CLOUD_ACCESS_KEY_SECRET'],
                alicloud_security_token=os.environ.get('ALIBABA_CLOUD_SECURITY_TOKEN', ''), alicloud_region=os.environ['ALIBABA_CLOUD_REGION_ID'],
                alicloud_endpoint=os.environ.get('ALIBABA_CLOUD_ECS_ENDPOINT', ''), alicloud_vpc_id=os.environ['ALICLOUD_ECS_TEST_VPC_ID'],
                alicloud_other_vpc_id=os.environ['ALICLOUD_ECS_TEST_VPC_ID_2'], alicloud_test_tag=TEST_TAG)


def run_against_cloud(stage):
    values = cloud_values()
    values['alicloud_resource_prefix'] = unique_prefix()
    write_config(stage, values)
    return ansible_test(stage)


def cleanup_cloud(stage):
    """Delete every group that carries the test tag and the run prefix: what interrupted runs left."""
    values = cloud_values()
    play = [dict(name='Remove what interrupted test runs left', hosts='localhost', gather_facts=False,
                 module_defaults={'group/alicloud.ecs.alicloud': dict(
                     access_key_id=values['alicloud_access_key'], access_key_secret=values['alicloud_secret_key'],
                     security_token=values['alicloud_security_token'] or None, region=values['alicloud_region'],
                     endpoint=values['alicloud_endpoint'] or None)},
                 tasks=[dict(name='Groups of test runs', register='leftovers', **{'alicloud.ecs.security_group_info': dict(
                             name_prefix='alicloud-ecs-', tags={'alicloud-ecs-test': TEST_TAG})}),
                        dict(name='Delete them', loop='{{ leftovers.ids }}', **{'alicloud.ecs.security_group': dict(
                            security_group_id='{{ item }}', state='absent')})])]
    with tempfile.TemporaryDirectory(prefix='alicloud-ecs-cleanup-') as workdir:
        path = Path(workdir) / 'cleanup.yml'
        path.write_text(yaml.safe_dump(play, sort_keys=False), encoding='utf-8')
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(Path(stage).parents[2]))
        command = [str(Path(sys.executable).parent / 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
                   '-e', 'ansible_python_interpreter=%s' % sys.executable, str(path)]
        return subprocess.run(command, env=env, check=False).returncode


def main(argv):
    if len(argv) != 3 or argv[1] not in ('emulator', 'cloud', 'cleanup'):
        raise SystemExit(__doc__)
    action = dict(emulator=run_against_emulator, cloud=run_against_cloud, cleanup=cleanup_cloud)[argv[1]]
    return action(argv[2])


if __name__ == '__main__':
    sys.exit(main(sys.argv))
