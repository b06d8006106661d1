# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which credentials a task uses: AccessKeys, an instance RAM role, a profile, the default chain, and
optionally a RAM role assumed with any of them.

``credential_plan`` decides from the module's options alone (no SDK, no network), so that conflicts
fail before any call; ``build_credential_client`` turns the plan into providers of the official
``alibabacloud-credentials`` library, which does all signing, token and refresh work.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ansible_collections.alicloud.ecs.plugins.module_utils._endpoints import parse_endpoint
from ansible_collections.alicloud.ecs.plugins.module_utils._values import text_or_none

DEFAULT_SESSION_NAME = 'alicloud-ecs-ansible'
SESSION_EXPIRATION_RANGE = (900, 43200)
POLICY_MAX_LENGTH = 2048
_ROLE_ARN = re.compile(r'^acs:ram::\d+:role/[A-Za-z0-9._\-/]+$', re.IGNORECASE)
_SESSION_NAME = re.compile(r'^[A-Za-z0-9.@_-]{2,64}$')


class CredentialOptionError(ValueError):
    """Options that contradict each other or are malformed; the message names them."""


@dataclass(frozen=True)
class AssumeRole:
    role_arn: str
    session_name: str
    session_expiration: int | None
    policy: str | None
    external_id: str | None


@dataclass(frozen=True)
class CredentialPlan:
    """``source`` is keys, ecs_role, profile or chain; ``assume_role`` an AssumeRole or None."""

    source: str
    access_key_id: str | None = None
    access_key_secret: str | None = None
    security_token: str | None = None
    ecs_role_name: str | None = None
    profile: str | None = None
    credentials_file: str | None = None
    credentials_file_format: str | None = None
    assume_role: AssumeRole | None = None
    sts_endpoint: str | None = None

    def describe(self):
        """Words for messages: which credentials are in use, never their values."""
        source = dict(keys='the given AccessKey', ecs_role='the instance RAM role %s' % self.ecs_role_name,
                      profile='profile %s' % (self.profile or '(current)'), chain='the default credential chain')[self.source]
        if self.assume_role:
            return 'role %s, assumed with %s' % (self.assume_role.role_arn, source)
        return source


def parse_sts_endpoint(value):
    """host[:port] for the credentials library, which always speaks HTTPS to STS."""
    text = value.strip()
    if '://' in text and not text.lower().startswith('https://'):
        raise CredentialOptionError('sts_endpoint: %r: the credentials library reaches STS over HTTPS only; give host, '
                                    'host:port or an https:// URL' % value)
    try:
        return parse_endpoint(value, 'sts_endpoint', schemes=('https',))[1]
    except ValueError as error:
        raise CredentialOptionError(str(error)) from None


def _assume_role(params):
    """The AssumeRole the options ask for, from the flat options or the peer's dict form, or None."""
    flat = dict(role_arn=text_or_none(params.get('assume_role_arn')), session_name=text_or_none(params.get('assume_role_session_name')),
                session_expiration=params.get('assume_role_session_expiration'), policy=text_or_none(params.get('assume_role_policy')),
                external_id=text_or_none(params.get('assume_role_external_id')))
    given_dict = params.get('assume_role')
    if given_dict:
        # The flat options the dictionary form replaces; assume_role_external_id may join either form.
        flat_options = dict(role_arn='assume_role_arn', session_name='assume_role_session_name',
                            session_expiration='assume_role_session_expiration', policy='assume_role_policy')
        clashing = sorted(option for name, option in flat_options.items() if flat[name] is not None)
        if clashing:
            raise CredentialOptionError('assume_role: cannot be combined with %s; give the role in one form' % ', '.join(clashing))
        flat.update(role_arn=text_or_none(given_dict.get('role_arn')), session_name=text_or_none(given_dict.get('session_name')),
                    session_expiration=given_dict.get('session_expiration'), policy=text_or_none(given_dict.get('policy')))
        if text_or_none(given_dict.get('external_id')) is not None:
            flat['external_id'] = text_or_none(given_dict.get('external_id'))
        where = 'assume_role.'
    else:
        where = 'assume_role_'
    if flat['role_arn'] is None:
        others = [name for name in ('session_name', 'session_expiration', 'policy', 'external_id') if flat[name] is not None]
        if others:
            raise CredentialOptionError('%s%s: applies only with %s' % (where, others[0], 'assume_role.role_arn' if given_dict else 'assume_role_arn'))
        return None
    arn_option = 'assume_role.role_arn' if given_dict else 'assume_role_arn'
    if not _ROLE_ARN.match(flat['role_arn']):
        raise CredentialOptionError('%s: %r is not a RAM role ARN; expected acs:ram::<account id>:role/<role name>' % (arn_option, flat['role_arn']))
    session_name = flat['session_name'] or DEFAULT_SESSION_NAME
    if not _SESSION_NAME.match(session_name):
        raise CredentialOptionError('%ssession_name: %r must be 2 to 64 letters, digits or the characters . @ - _' % (where, session_name))
    expiration = flat['session_expiration']
    if expiration is not None:
        # Both forms are declared type=int, so Ansible has converted the value (or refused it) already.
        low, high = SESSION_EXPIRATION_RANGE
        if not low <= expiration <= high:
            raise CredentialOptionError('%ssession_expiration: %d is out of range; use %d to %d seconds' % (where, expiration, low, high))
    policy = flat['policy']
    if policy is not None:
        try:
            json.loads(policy)
        except ValueError as error:
            raise CredentialOptionError('%spolicy: is not valid JSON (%s)' % (where, error)) from None
        if len(policy) > POLICY_MAX_LENGTH:
            raise CredentialOptionError('%spolicy: is %d characters long; STS takes at most %d' % (where, len(policy), POLICY_MAX_LENGTH))
    return AssumeRole(role_arn=flat['role_arn'], session_name=session_name, session_expiration=expiration, policy=policy,
                      external_id=flat['external_id'])


def _file_format(path):
    """json for the aliyun CLI's config.json, ini for the credentials library's own file."""
    return 'json' if path.lower().endswith('.json') else 'ini'


def credential_plan(params):
    """The credentials the options ask for; CredentialOptionError names the options that clash."""
    key_id, secret, token = text_or_none(params.get('access_key_id')), text_or_none(params.get('access_key_secret')), text_or_none(params.get('security_token'))
    role_name = text_or_none(params.get('ecs_role_name'))
    profile = text_or_none(params.get('profile'))
    credentials_file = text_or_none(params.get('shared_credentials_file'))
    keys_given = [name for name, value in (('access_key_id', key_id), ('access_key_secret', secret)) if value]
    if len(keys_given) == 1:
        raise CredentialOptionError('access_key_id and access_key_secret must be given together (or neither, to use the '
                                    'default credential chain, a profile or an instance RAM role)')
    sources = [name for name, given in (('access_key_id', keys_given), ('ecs_role_name', role_name),
                                        ('profile', profile or credentials_file)) if given]
    if len(sources) > 1:
        names = [('profile' if profile else 'shared_credentials_file') if name == 'profile' else name for name in sources]
        raise CredentialOptionError('%s: cannot be combined with %s; give one source of credentials'
                                    % (names[1], ' and '.join(names[:1])))
    assume_role = _assume_role(params)
    sts_endpoint = text_or_none(params.get('sts_endpoint'))
    if sts_endpoint is not None:
        if assume_role is None:
            raise CredentialOptionError('sts_endpoint: applies only with assume_role_arn (or assume_role)')
        sts_endpoint = parse_sts_endpoint(sts_endpoint)
    common = dict(assume_role=assume_role, sts_endpoint=sts_endpoint)
    if keys_given:
        return CredentialPlan(source='keys', access_key_id=key_id, access_key_secret=secret, security_token=token, **common)
    if token:
        raise CredentialOptionError('security_token: applies only with access_key_id and access_key_secret')
    if role_name:
        return CredentialPlan(source='ecs_role', ecs_role_name=role_name, **common)
    if profile or credentials_file:
        return CredentialPlan(source='profile', profile=profile, credentials_file=credentials_file,
                              credentials_file_format=_file_format(credentials_file) if credentials_file else None, **common)
    return CredentialPlan(source='chain', **common)


def build_credential_client(plan, sdk):
    """A credentials Client for the SDK Config, from the plan, with the library's providers (``sdk`` is _sdk.load())."""
    provider = sdk.credential_providers
    if plan.source == 'keys':
        if plan.security_token:
            source = provider.StaticSTSCredentialsProvider(access_key_id=plan.access_key_id, access_key_secret=plan.access_key_secret,
                                                           security_token=plan.security_token)
        else:
            source = provider.StaticAKCredentialsProvider(access_key_id=plan.access_key_id, access_key_secret=plan.access_key_secret)
    elif plan.source == 'ecs_role':
        source = provider.EcsRamRoleCredentialsProvider(role_name=plan.ecs_role_name)
    elif plan.source == 'profile':
        if plan.credentials_file_format == 'ini':
            source = provider.ProfileCredentialsProvider(profile_file=plan.credentials_file, profile_name=plan.profile)
        else:
            source = provider.CLIProfileCredentialsProvider(profile_name=plan.profile, profile_file=plan.credentials_file)
    else:
        source = provider.DefaultCredentialsProvider()
    if plan.assume_role:
        role = plan.assume_role
        source = provider.RamRoleArnCredentialsProvider(
            credentials_provider=source, role_arn=role.role_arn, role_session_name=role.session_name,
            duration_seconds=role.session_expiration or provider.RamRoleArnCredentialsProvider.DEFAULT_DURATION_SECONDS,
            policy=role.policy, external_id=role.external_id, sts_endpoint=plan.sts_endpoint)
    return sdk.CredentialClient(provider=source)
