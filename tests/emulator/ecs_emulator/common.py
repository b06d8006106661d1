"""What every action needs: the call, parameter access, region and own-group lookup, paging tokens."""

import base64
import binascii
import re

from .errors import ApiError
from .validation import check_group_id


class Context:
    """One API call: caller identity, decoded parameters (no auth parameters) and the request id."""

    def __init__(self, action, params, account, request_id):
        self.action = action
        self.params = params
        self.account = account
        self.request_id = request_id
        # For reads under a consistency lag: the moment (epoch seconds) whose state they see; None: now.
        self.read_moment = None

    def get(self, name):
        return self.params.get(name)


def given(ctx, name):
    """The parameter, or None when it is absent or empty: clients send empty fields for "not set"."""
    value = ctx.get(name)
    return None if value in (None, '') else value


def region(ctx, tx, missing_code='MissingRegionId'):
    """The call's RegionId, which must exist; the tag actions' documents name a missing one differently."""
    region_id = ctx.get('RegionId')
    if not region_id:
        raise ApiError(missing_code)
    if not tx.region_exists(region_id):
        raise ApiError('InvalidRegionId.NotFound')
    return region_id


def own_group(ctx, tx, write):
    """The caller's group named by SecurityGroupId in RegionId; writes to service-managed groups are refused."""
    group_id = check_group_id(ctx.get('SecurityGroupId'))
    region_id = region(ctx, tx)
    group = tx.find_group(group_id, ctx.account['account_id'], region_id)
    if group is None:
        raise ApiError('InvalidSecurityGroupId.NotFound')
    if write and group['service_managed']:
        raise ApiError('InvalidOperation.ResourceManagedByCloudProduct',
                       'The security group %s is managed by a cloud product and cannot be modified.' % group_id)
    return group


def int_param(ctx, name, default, low, high, code):
    value = ctx.get(name)
    if value in (None, ''):
        return default
    if not re.match(r'^\d{1,7}$', value) or not low <= int(value) <= high:
        raise ApiError(code)
    return int(value)


def encode_token(seq):
    return base64.urlsafe_b64encode(('seq:%d' % seq).encode()).decode().rstrip('=')


def decode_token(token):
    try:
        text = base64.urlsafe_b64decode(token + '=' * (-len(token) % 4)).decode('ascii')
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ApiError('InvalidNextToken') from exc
    if not re.match(r'^seq:\d{1,18}$', text):
        raise ApiError('InvalidNextToken')
    return int(text[4:])
