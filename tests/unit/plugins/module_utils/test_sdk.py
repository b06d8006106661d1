# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The SDK loader: aiohttp and APScheduler are not imported with the SDK, yet still work when used."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest


def run_python(code):
    # A fresh interpreter: whether aiohttp is imported is process-wide state. The deferral switch of the
    # outer environment (the nox session that runs the suite with eager imports) is left out: each test
    # says what it tests.
    env = dict((name, value) for name, value in os.environ.items() if name != 'ALICLOUD_ECS_DEFER_IMPORTS')
    process = subprocess.run([sys.executable, '-c', textwrap.dedent(code)], capture_output=True, text=True, check=False, env=env)
    assert process.returncode == 0, process.stderr
    return process.stdout.strip()


def test_loading_the_sdk_leaves_aiohttp_unimported():
    output = run_python('''
        import sys
        from ansible_collections.alicloud.ecs.plugins.module_utils import _sdk
        sdk = _sdk.load()
        assert sdk.OpenApiClient and sdk.Config and sdk.RuntimeOptions
        print('aiohttp' in sys.modules, 'apscheduler' in sys.modules)
    ''')
    assert output == 'False False'


def test_deferred_packages_are_the_real_ones_when_used():
    output = run_python('''
        import sys
        from ansible_collections.alicloud.ecs.plugins.module_utils import _sdk
        _sdk.load()
        import darabonba.core, darabonba.response
        timeout = darabonba.core.aiohttp.ClientTimeout(total=3)
        import aiohttp
        assert type(timeout) is aiohttp.ClientTimeout and timeout.total == 3
        assert darabonba.core.aiohttp.ClientSession is aiohttp.ClientSession
        assert not isinstance(object(), darabonba.response.ClientResponse)
        assert issubclass(aiohttp.ClientResponse, darabonba.response.ClientResponse)
        class Derived(darabonba.response.ClientResponse):
            pass
        assert issubclass(Derived, aiohttp.ClientResponse)
        from alibabacloud_credentials.provider import ecs_ram_role
        scheduler = ecs_ram_role.BackgroundScheduler()
        from apscheduler.schedulers.background import BackgroundScheduler
        assert type(scheduler) is BackgroundScheduler
        print('ok')
    ''')
    assert output == 'ok'


@pytest.mark.parametrize('defer', [True, False])
def test_the_same_pieces_with_and_without_deferral(defer):
    output = run_python('''
        from ansible_collections.alicloud.ecs.plugins.module_utils import _sdk
        sdk = _sdk.load(defer=%r)
        config = sdk.Config(region_id='cn-hangzhou', access_key_id='id', access_key_secret='secret',
                            endpoint='127.0.0.1:1', protocol='http')
        client = sdk.OpenApiClient(config)
        print(type(client).__module__, sorted(vars(sdk)))
    ''' % defer)
    assert output.startswith('alibabacloud_tea_openapi.client [')
    assert 'RetryError' in output and 'CredentialClient' in output


@pytest.mark.parametrize('switch, deferred', [(None, True), ('1', True), ('0', False), ('false', False), ('OFF', False), ('no', False)])
def test_the_environment_switch_turns_deferral_off(switch, deferred):
    # A fresh interpreter per case: the switch is read when the SDK is first loaded.
    output = run_python('''
        import os, sys
        %s
        from ansible_collections.alicloud.ecs.plugins.module_utils import _sdk
        _sdk.load()
        print('aiohttp' in sys.modules)
    ''' % ('os.environ["ALICLOUD_ECS_DEFER_IMPORTS"] = %r' % switch if switch is not None else 'os.environ.pop("ALICLOUD_ECS_DEFER_IMPORTS", None)'))
    assert output == str(not deferred)
