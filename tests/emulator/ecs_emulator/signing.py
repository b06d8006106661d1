"""Request signing as the Alibaba Cloud SDK does it: ACS3-HMAC-SHA256 (v3) and the legacy RPC HMAC-SHA1 (v2).

Both directions live here: the server verifies with the same functions that tests use to sign
hand-made requests, so a drift between the two would show up as a failing SDK test.
"""

import base64
import hashlib
import hmac
from urllib.parse import quote, quote_plus

V3_ALGORITHM = 'ACS3-HMAC-SHA256'


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def v3_canonical_query(params):
    # Code-point sort of the decoded keys; values RFC 3986 encoded (space is %20, '~' kept).
    return '&'.join('%s=%s' % (k, quote(params[k], safe='~')) for k in sorted(params))


def v3_canonical_request(method, path, params, headers, signed_headers, payload_hash):
    """`headers` maps lower-case names to values; `signed_headers` is the sorted list of names."""
    canonical_headers = ''.join('%s:%s\n' % (h, headers.get(h, '').strip()) for h in signed_headers)
    return '\n'.join([method, path or '/', v3_canonical_query(params), canonical_headers,
                      ';'.join(signed_headers), payload_hash])


def v3_signature(secret, canonical_request):
    to_sign = V3_ALGORITHM + '\n' + sha256_hex(canonical_request.encode('utf-8'))
    return hmac.new(secret.encode('utf-8'), to_sign.encode('utf-8'), hashlib.sha256).hexdigest()


def parse_v3_authorization(value):
    """Split `ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..`; None if it is not that shape."""
    if not value or not value.startswith(V3_ALGORITHM + ' '):
        return None
    parts = {}
    for item in value[len(V3_ALGORITHM) + 1:].split(','):
        key, sep, val = item.strip().partition('=')
        if not sep:
            return None
        parts[key] = val
    if not all(k in parts for k in ('Credential', 'SignedHeaders', 'Signature')):
        return None
    signed = parts['SignedHeaders'].split(';') if parts['SignedHeaders'] else []
    return {'access_key_id': parts['Credential'], 'signed_headers': signed, 'signature': parts['Signature']}


def sign_v3(method, path, params, headers, access_key_id, secret, body=b''):
    """Add x-acs-content-sha256 and Authorization to `headers` (lower-case names), signing all of them."""
    headers['x-acs-content-sha256'] = sha256_hex(body)
    signed = sorted(h for h in headers if h != 'authorization')
    canonical = v3_canonical_request(method, path, params, headers, signed, headers['x-acs-content-sha256'])
    headers['authorization'] = '%s Credential=%s,SignedHeaders=%s,Signature=%s' % (
        V3_ALGORITHM, access_key_id, ';'.join(signed), v3_signature(secret, canonical))
    return headers


def v2_signature(method, params, secret, form_spaces=False):
    """Signature of every parameter except Signature itself.

    Names and values are RFC 3986 encoded (a space is `%20`). With `form_spaces` a space is `+`
    instead, as the credentials library's AssumeRole request encodes it (parameter_helper.compose_string_to_sign
    uses quote_plus); nothing else differs between the two.
    """
    encode = (lambda text: quote_plus(text, safe='~')) if form_spaces else (lambda text: quote(text, safe='~'))
    canonical = '&'.join('%s=%s' % (encode(k), encode(params[k])) for k in sorted(params) if k != 'Signature')
    to_sign = '%s&%s&%s' % (method, quote_plus('/', safe='~'), quote_plus(canonical, safe='~'))
    digest = hmac.new((secret + '&').encode('utf-8'), to_sign.encode('utf-8'), hashlib.sha1).digest()
    return base64.b64encode(digest).decode('ascii')


def constant_time_equal(a, b):
    return hmac.compare_digest(a.encode('utf-8'), b.encode('utf-8'))
