# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Endpoint options (``endpoint``, ``sts_endpoint``): what a host, host:port or URL option may hold."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def parse_endpoint(value, option='endpoint', schemes=('http', 'https')):
    """Split an endpoint option into (scheme, host[:port]), or raise ValueError naming ``option``.

    Plain HTTP would send signed requests and tokens in the clear, so it is accepted only towards
    loopback addresses (a local API emulator or proxy), never towards a network host.
    """
    text = value.strip()
    url_form = 'an https://' if tuple(schemes) == ('https',) else 'an http(s)://'
    malformed = '%s: %r is not a host name, host:port or %s URL without user, path, query or fragment' % (option, value, url_form)
    try:
        parts = urlsplit(text if '://' in text else 'https://' + text)
        # urlsplit quietly drops what the SDK would never send (a '#...' tail, tabs and newlines) and
        # keeps user info the SDK would put in the Host header: no query, fragment or user info at all.
        valid = (parts.scheme in schemes and parts.hostname and parts.path in ('', '/')
                 and not any(char.isspace() or not char.isprintable() or char in '#?@' for char in text)
                 and (parts.port is None or parts.port > 0))
    except ValueError:
        # urlsplit and .port reject bad brackets and ports with their own, option-less messages.
        valid = False
    if not valid:
        raise ValueError(malformed)
    if parts.scheme == 'http' and not is_loopback(parts.hostname):
        raise ValueError('%s: plain HTTP is allowed only to loopback addresses (127.0.0.0/8, ::1, localhost); '
                         'use https:// for %s' % (option, parts.hostname))
    return parts.scheme, parts.netloc


def is_loopback(host):
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
