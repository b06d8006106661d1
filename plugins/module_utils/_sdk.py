# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Loading of the official Alibaba Cloud SDK, limited to the pieces the modules use.

The SDK's runtime packages import aiohttp at the top of their modules, for their asynchronous
transport, which the modules never use: they call the SDK's synchronous client, which sends with
requests. Importing aiohttp costs about 40% of a module's start-up, on every task. The credential
chain likewise imports APScheduler, which only its ECS RAM role provider uses; that provider is
built whenever the default credential chain is (no keys given), not when keys are given. So while
the SDK is imported, these packages are represented by stand-ins that import the real package the
first time anything actually uses it; those paths keep working, they just pay for the import then.

ALICLOUD_ECS_DEFER_IMPORTS=0 (or false, no, off) in the environment of the module turns the stand-ins
off, so that the SDK imports everything as its authors wrote it: the way out should a new SDK release
use one of these packages in a way the stand-ins do not serve.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
import types

# Modules the SDK imports eagerly but uses only on paths the modules rarely or never take. A dotted
# module needs its parents listed too, so that `from a.b import c` finds every level.
DEFERRED_MODULES = ('aiohttp', 'apscheduler', 'apscheduler.schedulers', 'apscheduler.schedulers.background')

DEFER_SWITCH = 'ALICLOUD_ECS_DEFER_IMPORTS'
_OFF_WORDS = ('0', 'false', 'no', 'off')

_LOADED = None
# The credential chain's scheduler thread may resolve a stand-in while the module's thread does.
_RESOLVING = threading.Lock()


class _DeferredPackage(types.ModuleType):
    """Stands in for a package in sys.modules until one of its attributes is really used."""

    def __init__(self, name):
        super().__init__(name)
        self.__dict__['_real'] = None

    def _load(self):
        with _RESOLVING:
            if self.__dict__['_real'] is None:
                # Every stand-in of this package goes, or importing a submodule would find a parent stand-in.
                root = self.__name__.partition('.')[0]
                for name, module in list(sys.modules.items()):
                    if name.partition('.')[0] == root and isinstance(module, _DeferredPackage):
                        sys.modules.pop(name, None)
                self.__dict__['_real'] = importlib.import_module(self.__name__)
        return self.__dict__['_real']

    def __getattr__(self, name):
        if name.startswith('__') and name.endswith('__'):
            raise AttributeError(name)
        if self.__dict__['_real'] is not None:
            return getattr(self.__dict__['_real'], name)
        return _DeferredAttribute(self, name)


class _DeferredAttribute:
    """A name taken from a deferred package (``from aiohttp import ClientResponse``): resolved on use."""

    def __init__(self, package, name):
        self._package = package
        self._name = name

    def resolve(self):
        return getattr(self._package._load(), self._name)  # pylint: disable=protected-access

    def __call__(self, *args, **kwargs):
        return self.resolve()(*args, **kwargs)

    def __getattr__(self, name):
        # Dunder lookups (copy, pickle, typing probes) and our own attributes during construction
        # must not import the package behind our back, nor recurse.
        if name in ('_package', '_name') or (name.startswith('__') and name.endswith('__')):
            raise AttributeError(name)
        return getattr(self.resolve(), name)

    def __reduce__(self):
        return (getattr, (self._package._load(), self._name))  # pylint: disable=protected-access

    def __instancecheck__(self, instance):
        return isinstance(instance, self.resolve())

    def __subclasscheck__(self, subclass):
        return issubclass(subclass, self.resolve())

    def __mro_entries__(self, bases):
        return (self.resolve(),)

    def __repr__(self):
        return '<deferred %s.%s>' % (self._package.__name__, self._name)


def _import_sdk():
    from alibabacloud_credentials import provider as credential_providers
    from alibabacloud_credentials.client import Client as CredentialClient
    from alibabacloud_tea_openapi.client import Client as OpenApiClient
    from alibabacloud_tea_openapi.utils import Utils
    from alibabacloud_tea_openapi.utils_models import Config, OpenApiRequest, Params
    from darabonba.exceptions import RetryError
    from darabonba.runtime import RuntimeOptions

    return types.SimpleNamespace(
        CredentialClient=CredentialClient, credential_providers=credential_providers, OpenApiClient=OpenApiClient, Utils=Utils, Config=Config,
        OpenApiRequest=OpenApiRequest, Params=Params, RetryError=RetryError, RuntimeOptions=RuntimeOptions)


def deferral_enabled():
    return os.environ.get(DEFER_SWITCH, '').strip().lower() not in _OFF_WORDS


def load(defer=None):
    """Import the SDK once and return its pieces as attributes of a namespace.

    ``defer`` None follows the environment switch; True or False overrides it.
    """
    global _LOADED  # pylint: disable=global-statement
    if _LOADED is not None:
        return _LOADED
    if defer is None:
        defer = deferral_enabled()
    stand_ins = {}
    if defer:
        for name in DEFERRED_MODULES:
            if name.partition('.')[0] not in sys.modules:
                stand_ins[name] = _DeferredPackage(name)
        sys.modules.update(stand_ins)
    try:
        _LOADED = _import_sdk()
    finally:
        # Only the SDK's modules hold the stand-ins; anything imported later gets the real package.
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
    return _LOADED
