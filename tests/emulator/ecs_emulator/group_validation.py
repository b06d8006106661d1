"""Validation of security group attributes (name, description, type, inner access policy) and of tags.

The limits are those the SDK's request models document for CreateSecurityGroup,
ModifySecurityGroupAttribute, ModifySecurityGroupPolicy, TagResources, UntagResources and
ListTagResources; the error codes are those of the API documents' tables (see README.md).
"""

import re
import string

from .errors import ApiError

GROUP_TYPES = ('normal', 'enterprise')
INNER_ACCESS_POLICIES = {'accept': 'Accept', 'drop': 'Drop'}
# A new group isolates its members only when it is an enterprise (advanced) group.
DEFAULT_INNER_ACCESS_POLICY = {'normal': 'Accept', 'enterprise': 'Drop'}
TAGS_PER_RESOURCE = 20
TAGS_PER_REQUEST = 20
RESOURCES_PER_REQUEST = 50
# The resource types of the tag actions' documents; only security groups exist in the emulator.
TAGGABLE_RESOURCE_TYPES = (
    'instance', 'disk', 'snapshot', 'image', 'securitygroup', 'volume', 'eni', 'ddh', 'ddhcluster', 'keypair',
    'launchtemplate', 'reservedinstance', 'snapshotpolicy', 'elasticityassurance', 'capacityreservation', 'command',
    'invocation', 'activation', 'managedinstance',
)
SECURITY_GROUP_RESOURCE_TYPE = 'securitygroup'

_NAME_PUNCTUATION = ':_.-'
_URL_PREFIXES = ('http://', 'https://')
_TAG_RE = re.compile(r'^Tag\.(\d{1,4})\.(Key|Value|key|value)$')


def _indexed_re(prefix):
    return re.compile(r'^%s\.(\d{1,4})$' % re.escape(prefix))


def check_group_name(value):
    """A name to store, or None when none was given (absent or empty)."""
    if value in (None, ''):
        return None
    valid = (2 <= len(value) <= 128 and value[0].isalpha() and not value.startswith(_URL_PREFIXES)
             and all(ch.isalpha() or ch in string.digits or ch in _NAME_PUNCTUATION for ch in value))
    if not valid:
        raise ApiError('InvalidSecurityGroupName.Malformed')
    return value


def check_group_description(value, code, variant=None):
    """A description to store, or None when none was given; `code` differs between Create and Modify."""
    if value in (None, ''):
        return None
    if not 2 <= len(value) <= 256 or value.startswith(_URL_PREFIXES):
        raise ApiError(code, variant=variant)
    return value


def check_group_type(value):
    if value in (None, ''):
        return 'normal'
    group_type = value.lower()
    if group_type not in GROUP_TYPES:
        raise ApiError('InvalidParameter.SecurityGroupType')
    return group_type


def check_inner_access_policy(value):
    policy = INNER_ACCESS_POLICIES.get((value or '').lower())
    if policy is None:
        raise ApiError('InvalidPolicy.Malformed', variant='inner_access')
    return policy


def indexed_values(params, prefix):
    """The non-empty values of `prefix.N` parameters (ResourceId.N, TagKey.N), N in numeric order."""
    pattern = _indexed_re(prefix)
    found = []
    for key, value in params.items():
        match = pattern.match(key)
        if match and value not in (None, ''):
            found.append((int(match.group(1)), value))
    return [value for _index, value in sorted(found)]


def indexed_tags(params):
    """(key, value) pairs of Tag.N.Key / Tag.N.Value, N in numeric order; None for a missing half.

    The documents still list the lower-case Tag.N.key / Tag.N.value spellings as deprecated aliases.
    A pair with neither half given is no tag at all: clients send empty fields for "not set".
    """
    halves = {}
    for name, value in params.items():
        match = _TAG_RE.match(name)
        if match and value not in (None, ''):
            halves.setdefault(int(match.group(1)), {})[match.group(2).lower()] = value
    return [(fields.get('key'), fields.get('value')) for _index, fields in sorted(halves.items())]


def check_tag_key(key, variant=None):
    valid = (key not in (None, '') and len(key) <= 128 and not key.startswith(('aliyun', 'acs:'))
             and not any(prefix in key for prefix in _URL_PREFIXES))
    if not valid:
        raise ApiError('InvalidTagKey.Malformed', variant=variant)
    return key


def check_tag_value(value, variant=None):
    value = value or ''
    if len(value) > 128 or any(prefix in value for prefix in _URL_PREFIXES):
        raise ApiError('InvalidTagValue.Malformed', variant=variant)
    return value


def check_tags(pairs, variant=None):
    """Validated tags to set, in request order, as a list of (key, value)."""
    if len(pairs) > TAGS_PER_REQUEST:
        raise ApiError('NumberExceed.Tags')
    tags, seen = [], set()
    for key, value in pairs:
        key = check_tag_key(key, variant)
        value = check_tag_value(value, variant)
        if key in seen:
            raise ApiError('Duplicate.TagKey')
        seen.add(key)
        tags.append((key, value))
    return tags


def check_tag_filter(pairs):
    """Tag filters of the describe and list actions: (key, value or None); a key alone matches any value."""
    if len(pairs) > TAGS_PER_REQUEST:
        raise ApiError('NumberExceed.Tags')
    for key, _value in pairs:
        if key is None:
            raise ApiError('InvalidParameter.TagValue')
    return pairs


def check_resource_type(value):
    if value in (None, ''):
        raise ApiError('MissingParameter.ResourceType')
    resource_type = value.lower()
    if resource_type not in TAGGABLE_RESOURCE_TYPES:
        raise ApiError('InvalidResourceType.NotFound')
    return resource_type


def check_resource_ids(ids, required):
    if len(ids) > RESOURCES_PER_REQUEST:
        raise ApiError('NumberExceed.ResourceIds')
    if required and not ids:
        raise ApiError('MissingParameter.ResourceIds')
    return ids
