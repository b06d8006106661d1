"""Offline stand-in for the get-pip bootstrap script that ansible-test fetches.

ansible-test (2.19) creates an empty virtual environment for each sanity test
and then runs ``~/.ansible/test/cache/get_pip_<version>.py`` inside it, passing
pip-install style arguments such as::

    --disable-pip-version-check pip==24.2 --no-setuptools --no-wheel

The real script is downloaded from a host that is not a package registry, which
this project's machines cannot reach. This stand-in gets the same result with
what is available: it bootstraps pip from the interpreter's bundled wheels
(``ensurepip``) and then installs the requested packages (normally the exact
pip version) from the configured package index.

It is installed into the cache by ``hack/install_get_pip_standin.py``
(``make get-pip``); it is not part of the collection.
"""

import os
import subprocess
import sys

# get-pip options that select what to leave out; they are not pip options.
_SKIP_FLAGS = {
    '--no-setuptools': 'setuptools',
    '--no-wheel': 'wheel',
}


def _run(args):
    cmd = [sys.executable] + args
    sys.stdout.flush()
    result = subprocess.call(cmd)
    if result != 0:
        sys.stderr.write('get-pip stand-in: command failed (%d): %s\n' % (result, ' '.join(cmd)))
        sys.exit(result)


def _installed(name):
    probe = 'import importlib.metadata as m, sys\ntry:\n    m.version(%r)\nexcept m.PackageNotFoundError:\n    sys.exit(1)\n' % name
    return subprocess.call([sys.executable, '-c', probe]) == 0


def main(argv):
    skip = set()
    pip_args = []
    for arg in argv:
        if arg in _SKIP_FLAGS:
            skip.add(_SKIP_FLAGS[arg])
        else:
            pip_args.append(arg)

    if not any(not a.startswith('-') for a in pip_args):
        pip_args.append('pip')  # like get-pip without arguments: latest pip

    preinstalled = {name: _installed(name) for name in skip}

    env_flags = ['--disable-pip-version-check']
    if not _installed('pip'):
        # Installs the pip wheel that ships inside the standard library.
        _run(['-m', 'ensurepip', '--default-pip'])

    _run(['-m', 'pip', 'install'] + env_flags + [a for a in pip_args if a not in env_flags])

    # Honour --no-setuptools / --no-wheel: leave out what ensurepip brought in.
    for name in sorted(skip):
        if not preinstalled[name] and _installed(name):
            _run(['-m', 'pip', 'uninstall', '--yes', '--disable-pip-version-check', name])


if __name__ == '__main__':
    os.environ.setdefault('PIP_DISABLE_PIP_VERSION_CHECK', '1')
    main(sys.argv[1:])
