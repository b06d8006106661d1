"""Install hack/get_pip_standin.py where ansible-test looks for its get-pip cache.

ansible-test names the cached bootstrap script after the pip version it pins
(``~/.ansible/test/cache/get_pip_<major>_<minor>.py``, for example
``get_pip_24_2.py`` with ansible-core 2.19). The version is read from the
installed ansible_test package so that an ansible-core bump cannot silently
point at a name nobody installed. Run it with the interpreter of the venv that
holds ansible-core.
"""

import filecmp
import os
import re
import shutil
import sys

FALLBACK_VERSION = '24.2'


def pinned_pip_version():
    try:
        import ansible_test
    except ImportError:
        sys.stderr.write('ansible_test is not importable with %s; assuming pip %s\n' % (sys.executable, FALLBACK_VERSION))
        return FALLBACK_VERSION
    source = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    with open(source, encoding='utf-8') as handle:
        text = handle.read()
    match = re.search(r"default_packages\s*=\s*dict\(\s*pip\s*=\s*'([0-9.]+)'", text)
    if not match:
        sys.stderr.write('could not find the pinned pip version in %s; assuming pip %s\n' % (source, FALLBACK_VERSION))
        return FALLBACK_VERSION
    return match.group(1)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    standin = os.path.join(here, 'get_pip_standin.py')
    version = pinned_pip_version()
    cache_dir = os.path.expanduser('~/.ansible/test/cache')
    target = os.path.join(cache_dir, 'get_pip_%s.py' % version.replace('.', '_'))
    os.makedirs(cache_dir, exist_ok=True)
    if os.path.exists(target) and filecmp.cmp(standin, target, shallow=False):
        print('get-pip stand-in up to date: %s' % target)
        return
    shutil.copyfile(standin, target)
    print('installed get-pip stand-in: %s' % target)


if __name__ == '__main__':
    main()
