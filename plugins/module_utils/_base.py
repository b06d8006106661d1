# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The private base every alicloud.ecs module builds on.

It owns the ECS client, retries, the request ids, the result and the mapping of API failures to
``fail_json``, so that a module only describes its options and its own logic.
"""

from __future__ import annotations

import importlib.util
import decimal
import json
import math
import re
import threading
import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.alicloud.ecs.plugins.module_utils import _credentials, _sdk, _waiting
from ansible_collections.alicloud.ecs.plugins.module_utils._endpoints import parse_endpoint

ECS_API_VERSION = '2014-05-26'
COLLECTION_VERSION = '0.1.0'

# What the modules import at run time: (import name, distribution name to install). The same list is in
# requirements.txt and the doc fragment's requirements; a unit test keeps the three in step. The typed
# ECS client (alibabacloud-ecs20140526) is not among them: see _build_client.
REQUIRED_PACKAGES = (
    ('alibabacloud_tea_openapi', 'alibabacloud-tea-openapi'),
    ('alibabacloud_credentials', 'alibabacloud-credentials'),
    ('darabonba', 'darabonba-core'),
)


def missing_packages():
    """The distributions of REQUIRED_PACKAGES that cannot be imported here, in the order listed."""
    return [distribution for module, distribution in REQUIRED_PACKAGES if importlib.util.find_spec(module) is None]


def alicloud_argument_spec():
    """Connection options shared by every module (documented in the alicloud.ecs.alicloud doc fragment)."""
    return dict(
        access_key_id=dict(type='str', no_log=False, aliases=['alicloud_access_key'],
                           fallback=(env_fallback, ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY'])),
        access_key_secret=dict(type='str', no_log=True, aliases=['alicloud_secret_key'],
                               fallback=(env_fallback, ['ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALICLOUD_SECRET_KEY'])),
        security_token=dict(type='str', no_log=True, aliases=['alicloud_security_token'],
                            fallback=(env_fallback, ['ALIBABA_CLOUD_SECURITY_TOKEN', 'ALICLOUD_SECURITY_TOKEN'])),
        region=dict(type='str', required=True, aliases=['region_id', 'alicloud_region'],
                    fallback=(env_fallback, ['ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_REGION'])),
        endpoint=dict(type='str', fallback=(env_fallback, ['ALIBABA_CLOUD_ECS_ENDPOINT'])),
        # ALIBABA_CLOUD_ROLE_ARN is deliberately not a fallback: the credentials library reads it for its
        # OIDC provider, and an OIDC environment must not turn into an AssumeRole request.
        assume_role_arn=dict(type='str', aliases=['alicloud_assume_role_arn'], fallback=(env_fallback, ['ALICLOUD_ASSUME_ROLE_ARN'])),
        assume_role_session_name=dict(type='str', aliases=['alicloud_assume_role_session_name'],
                                      fallback=(env_fallback, ['ALICLOUD_ASSUME_ROLE_SESSION_NAME'])),
        assume_role_session_expiration=dict(type='int', aliases=['alicloud_assume_role_session_expiration'],
                                            fallback=(env_fallback, ['ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION'])),
        assume_role_policy=dict(type='str'),
        assume_role_external_id=dict(type='str', no_log=True, fallback=(env_fallback, ['ALICLOUD_ASSUME_ROLE_EXTERNAL_ID'])),
        assume_role=dict(type='dict', aliases=['alicloud_assume_role'], options=dict(
            role_arn=dict(type='str'), session_name=dict(type='str'), session_expiration=dict(type='int'), policy=dict(type='str'),
            external_id=dict(type='str', no_log=True))),
        ecs_role_name=dict(type='str', aliases=['role_name'], fallback=(env_fallback, ['ALICLOUD_ECS_ROLE_NAME'])),
        profile=dict(type='str', fallback=(env_fallback, ['ALIBABA_CLOUD_PROFILE', 'ALICLOUD_PROFILE'])),
        # Not ALIBABA_CLOUD_CREDENTIALS_FILE: the default chain reads that one itself, among its other sources.
        shared_credentials_file=dict(type='path', fallback=(env_fallback, ['ALICLOUD_SHARED_CREDENTIALS_FILE'])),
        sts_endpoint=dict(type='str', fallback=(env_fallback, ['ALIBABA_CLOUD_STS_ENDPOINT'])),
        retry_timeout=dict(type='int', default=300),
        retries=dict(type='int'),
        retry_backoff=dict(type='float', default=1.0),
        timeout=dict(type='int', default=10),
    )


def wait_argument_spec():
    """The option of modules that write: how long they read back until the cloud shows their writes."""
    return dict(wait_timeout=dict(type='int', default=120))


# Options that count seconds or retries: a negative value is a mistake, not "forever" or "never".
NON_NEGATIVE_OPTIONS = ('retry_timeout', 'retries', 'timeout', 'wait_timeout', 'delete_timeout')


class AlicloudAnsibleModule(AnsibleModule):
    """AnsibleModule whose early failures always name the option.

    ansible-core parses dictionary options (``tags``, ``assume_role``, the elements of ``rules``) while it
    collects no_log values, before the argument spec is validated, and text that is neither JSON nor
    key=value fails there with a message that names no option, or another one. Users of a typo'd
    ``rules: "{{ var }}"`` deserve better.
    """

    TEXT_FOR_DICTIONARY = ('could not parse JSON or key=value', 'unable to evaluate string as dictionary')

    def _load_params(self):
        super()._load_params()
        self.params = _prefer_given_aliases(_guard_infinities(self.params, self.argument_spec), self.argument_spec)
        # Validation rewrites the parameters before a failure is reported; what the user gave is kept for it.
        self.given_params = dict(self.params)

    def fail_json(self, msg, **kwargs):
        if any(text in str(msg) for text in self.TEXT_FOR_DICTIONARY):
            culprits = self._text_for_dictionaries()
            if culprits:
                msg = '%s (%s)' % ('; '.join(culprits), msg)
        super().fail_json(msg, **kwargs)

    def _text_for_dictionaries(self):
        """'<option>: must be ...' for every dictionary option (or list of them) that was given text."""
        found = []
        for name, spec in sorted((getattr(self, 'argument_spec', None) or {}).items()):
            is_list = spec.get('type') == 'list' and spec.get('elements') == 'dict'
            if spec.get('type') != 'dict' and not is_list:
                continue
            for key in [name] + list(spec.get('aliases') or []):
                value = (getattr(self, 'given_params', None) or {}).get(key)
                if isinstance(value, str) or (is_list and isinstance(value, list) and any(isinstance(item, str) for item in value)):
                    found.append('%s: %s, not a string' % (name, 'every element must be a dictionary of options' if is_list
                                                           else 'must be a dictionary'))
                    break
        return found


def _prefer_given_aliases(params, spec):
    """The parameters with an option given by one of its aliases moved to the option's own name.

    ansible-core applies an option's environment fallback before it resolves aliases, looking only at the option's
    own name: a task that writes ``alicloud_region`` (the peer collection's name for ``region``) in an environment
    with ALIBABA_CLOUD_REGION_ID set would get both, and the warning "Both option region and its alias
    alicloud_region are set", although the task's value is the one that counts.
    """
    if not isinstance(params, dict):
        return params
    params = dict(params)
    for name, settings in spec.items():
        given = [alias for alias in settings.get('aliases') or [] if alias in params]
        if name not in params and len(given) == 1:
            params[name] = params.pop(given[0])
    return params


def _is_infinite(value):
    if isinstance(value, float):
        return math.isinf(value)
    if isinstance(value, str):
        try:
            return decimal.Decimal(value.strip()).is_infinite()
        except decimal.InvalidOperation:
            return False
    return False


def _guard_infinities(params, spec):
    """The parameters with every infinite value of a numeric option (YAML's .inf, or 'inf') marked as such.

    ansible-core's integer check lets OverflowError escape on infinity, a traceback that names no option;
    marked, the value fails the type check with ansible-core's own message, which names the option.
    """
    if not isinstance(params, dict):
        return params
    params = dict(params)
    for name, settings in spec.items():
        for key in [name] + list(settings.get('aliases') or []):
            if key not in params:
                continue
            value = params[key]
            if settings.get('type') in ('int', 'float') and _is_infinite(value):
                params[key] = '%s (infinite)' % value
            elif settings.get('options') and isinstance(value, list):
                params[key] = [_guard_infinities(item, settings['options']) for item in value]
            elif settings.get('options') and isinstance(value, dict):
                params[key] = _guard_infinities(value, settings['options'])
    return params


class ApiError(Exception):
    """A failed ECS API call, carrying what a user needs to act on it."""

    def __init__(self, action, code, message, status=None, request_id=None, transport=False):
        super().__init__(message)
        self.transport = transport
        self.action = action
        self.code = code
        self.message = message
        self.status = status
        self.request_id = request_id
        # Set by the base's call: whether the call was a write, and whether an earlier attempt of it got no answer
        # or one that does not tell (5xx), so that it may have been applied although this error says otherwise.
        self.write = False
        self.may_have_applied = False

    def as_dict(self):
        return dict(action=self.action, code=self.code, message=self.message, http_status=self.status, request_id=self.request_id)

    def describe(self):
        status = 'HTTP %s' % self.status if self.status else 'no HTTP answer'
        return '%s failed: %s: %s (%s, request id %s)' % (self.action, self.code, self.message, status, self.request_id or 'none')


_STS_FAILURE = re.compile(r'http_code: (\d+), result: (\{.*\})', re.DOTALL)


def credential_error(action, exc):
    """An ApiError for credentials that could not be had: STS's own code, message, status and request id
    when AssumeRole answered with an error, else the library's message (which carries no secret)."""
    text = str(getattr(exc, 'message', None) or exc)
    match = _STS_FAILURE.search(text)
    if match:
        try:
            body = json.loads(match.group(2))
        except ValueError:
            body = {}
        if body.get('Code'):
            return ApiError('AssumeRole', body['Code'], body.get('Message') or text, int(match.group(1)), body.get('RequestId'))
    return ApiError(action, 'CredentialException', text)


class AlicloudEcsModule:
    """Base of the collection's modules. A subclass implements ``run_module`` and fills ``self.result``."""

    def __init__(self, module):
        self.module = module
        self.result = dict(changed=False)
        self.request_ids = []
        self.retry_count = 0
        # Modules that read concurrently (security_group_audit) retry from several threads at once.
        self._retry_lock = threading.Lock()
        self._client = None
        self._credential_plan = None
        self._credential_clients = {}
        self._read_back_budget = None
        missing = missing_packages()
        if missing:
            module.fail_json(msg=missing_required_lib(
                ' and '.join(missing), reason='to call the ECS API (install the requirements.txt of the collection)'))

    # --- the client --------------------------------------------------------------------------------

    def _build_client(self, params=None, plan=None):
        # Loaded here, not at the top: the SDK costs most of a task's start-up time, and a task that
        # fails validation never needs it. The generic OpenAPI client is what the ECS SDK's own client
        # is built on; using it directly avoids loading the 1,150 ECS model classes of
        # alibabacloud-ecs20140526, which cost 0.13-0.36 s and 20 MiB more per task (docs/performance.md).
        params = params or self.module.params
        plan = plan or self.credential_plan()
        sdk = _sdk.load()
        config = sdk.Config(region_id=params['region'], user_agent='alicloud.ecs-ansible/%s' % COLLECTION_VERSION,
                            connect_timeout=min(params['timeout'], 5) * 1000, read_timeout=params['timeout'] * 1000)
        if plan.source == 'keys' and not plan.assume_role:
            config.access_key_id, config.access_key_secret, config.security_token = plan.access_key_id, plan.access_key_secret, plan.security_token
        else:
            # Roles, profiles and the default chain (environment, files, instance role, OIDC) are the credentials
            # library's: it fetches, caches and refreshes what they yield.
            try:
                config.credential = self._credential_client(plan, sdk)
            except Exception as exc:  # pylint: disable=broad-except
                # The providers check their own settings (an instance role with the metadata service switched off,
                # an unreadable file); say which credentials could not be used, and why.
                raise ApiError('Credentials', 'CredentialException', 'cannot use %s: %s: %s'
                               % (plan.describe(), type(exc).__name__, exc)) from None
        if params['endpoint']:
            try:
                config.protocol, config.endpoint = parse_endpoint(params['endpoint'])
            except ValueError as exc:
                self.module.fail_json(msg=str(exc))
        else:
            config.protocol = 'https'
            config.endpoint = sdk.Utils.get_endpoint_rules('ecs', params['region'], 'regional', '', '')
        return sdk.OpenApiClient(config)

    def _credential_client(self, plan, sdk):
        """One credentials client per plan: clients of several regions with the same credentials share what it fetches
        (an assumed role's session), instead of asking STS once per region."""
        if plan not in self._credential_clients:
            self._credential_clients[plan] = _credentials.build_credential_client(plan, sdk)
        return self._credential_clients[plan]

    def credential_plan(self):
        """The credentials the options ask for; conflicting options fail here, naming them, before any call."""
        if self._credential_plan is None:
            try:
                self._credential_plan = _credentials.credential_plan(self.module.params)
            except _credentials.CredentialOptionError as error:
                self.module.fail_json(msg=str(error))
        return self._credential_plan

    @property
    def client(self):
        if self._client is None:
            self._client = self._build_client()
        return self._client

    def client_for(self, region, credential_params=None):
        """A client for another region and, given ``credential_params`` (credential options), other credentials:
        the module's options with those replaced. Credential options that clash raise CredentialOptionError."""
        params = dict(self.module.params, region=region)
        if credential_params is None:
            return self._build_client(params, self.credential_plan())
        params.update(credential_params)
        return self._build_client(params, _credentials.credential_plan(params))

    # --- calls ---------------------------------------------------------------------------------

    def call(self, action, query, write=False, client=None, region=None):
        """Call one ECS action and return the response body as a dict (through ``client`` to ``region`` when given,
        see ``client_for``; the module's own client and region otherwise).

        A transient failure (``_waiting.is_transient``) is sent again until ``retry_timeout`` seconds have
        passed (or ``retries`` retries, when that is set). A write must carry its ClientToken in ``query``
        already (when its action takes one), so that every attempt sends the same one and the API applies the
        write at most once. The ApiError finally raised tells by ``may_have_applied`` whether an earlier attempt
        got no answer or a 5xx one, in which case that attempt may have been applied.
        """
        if write and self.module.check_mode:
            raise RuntimeError('refusing to call %s in check mode' % action)
        sdk = _sdk.load()
        params = self.module.params
        # The SDK signs and sends the query as given; its own typed clients stringify values first.
        query = dict((name, str(value)) for name, value in query.items())
        query['RegionId'] = region or params['region']
        api = sdk.Params(action=action, version=ECS_API_VERSION, protocol='HTTPS', pathname='/', method='POST',
                         auth_type='AK', style='RPC', req_body_type='formData', body_type='json')
        budget = _waiting.Budget(params['retry_timeout'])
        max_retries = params.get('retries')
        client = client or self.client
        lost_answer = False
        attempt = 0
        while True:
            attempt += 1
            try:
                response = client.call_api(api, sdk.OpenApiRequest(query=query), sdk.RuntimeOptions())
            except Exception as exc:  # pylint: disable=broad-except
                error = self._as_api_error(action, exc)
                error.write, error.may_have_applied = write, lost_answer
                within_count = max_retries is None or attempt <= max(max_retries, 0)
                delay = _waiting.retry_delay(attempt, params['retry_backoff'], getattr(exc, 'retry_after', None))
                if within_count and _waiting.is_transient(error) and budget.pause(delay):
                    with self._retry_lock:
                        self.retry_count += 1
                    lost_answer = lost_answer or error.transport or (error.status or 0) >= 500
                    continue
                if error.request_id:
                    self.request_ids.append(error.request_id)
                raise error from None
            body = response.get('body') or {}
            if body.get('RequestId'):
                self.request_ids.append(body['RequestId'])
            return body

    @staticmethod
    def _as_api_error(action, exc):
        code = getattr(exc, 'code', None)
        status = getattr(exc, 'status_code', None) or getattr(exc, 'statusCode', None)
        data = getattr(exc, 'data', None)
        if code and isinstance(data, dict):
            return ApiError(action, code, data.get('Message') or str(getattr(exc, 'message', exc)), status,
                            data.get('RequestId') or getattr(exc, 'request_id', None))
        if code:
            return ApiError(action, code, str(getattr(exc, 'message', exc)), status, getattr(exc, 'request_id', None))
        inner = getattr(exc, 'inner_exception', None) or exc
        if type(inner).__name__ == 'CredentialException':
            return credential_error(action, inner)
        if isinstance(inner, (OSError, _sdk.load().RetryError)):
            # No answer at all (refused, reset, timed out; the SDK wraps these in RetryError): the write may
            # or may not have been applied, which is why writes carry a ClientToken before the first attempt.
            return ApiError(action, 'ConnectionError', '%s: %s' % (type(inner).__name__, getattr(inner, 'message', inner)),
                            transport=True)
        return ApiError(action, 'SdkError', '%s: %s' % (type(inner).__name__, inner))

    # --- result ----------------------------------------------------------------------------------

    def fail_api(self, error, note=None, **extra):
        """Fail with the API's code, message, HTTP status and request id; ``note`` is appended to the message."""
        result = dict(self.result)
        result.update(extra)
        result.update(error=error.as_dict(), request_ids=self.request_ids)
        notes = [note] if note else []
        if error.write and error.may_have_applied:
            # The cloud may hold this write although the last answer was an error: say so, and do not claim no change.
            result['changed'] = True
            notes.append('an earlier attempt of %s got no answer or a 5xx one, so it may have been applied; the next run '
                         'reads what the group holds' % error.action)
        msg = '; '.join([error.describe()] + notes)
        self.module.fail_json(msg=msg, **result)

    def check_common_options(self):
        """Refuse, before any call, a blank region and negative budgets (a variable that resolved to '' or -1)."""
        params = self.module.params
        self.check_region()
        for option in NON_NEGATIVE_OPTIONS:
            if params.get(option) is not None and params[option] < 0:
                self.module.fail_json(msg='%s: must be 0 or more (got %d)' % (option, params[option]))
        if params['retry_backoff'] <= 0:
            # Without a pause, retries within retry_timeout would hammer a throttled API.
            self.module.fail_json(msg='retry_backoff: must be more than 0 seconds (got %s)' % params['retry_backoff'])

    def check_region(self):
        if not str(self.module.params['region']).strip():
            self.module.fail_json(msg='region: is empty; give a region ID such as cn-hangzhou (or set ALIBABA_CLOUD_REGION_ID)')

    @property
    def wait_seconds(self):
        """How long writes are read back (``wait_timeout``); 0 for modules that never write."""
        return self.module.params.get('wait_timeout') or 0

    def read_back_seconds(self):
        """What remains of ``wait_timeout`` for this task's read-backs, which share it from the first one on."""
        if self._read_back_budget is None:
            self._read_back_budget = _waiting.Budget(self.wait_seconds)
        return self._read_back_budget.remaining()

    def warn_unsettled(self, outcome, what):
        """Warn when a read-back ran out of time: the write was accepted, but reads do not show it yet."""
        if outcome is not None and not outcome.done:
            self.module.warn('%s: the cloud accepted the writes, but its reads did not show them within wait_timeout=%ds '
                             '(%d reads); a task that reads this group right away may still see the earlier state'
                             % (what, self.wait_seconds, outcome.reads))

    def execute(self):
        """Run the module and exit: ``exit_json`` with the result, or ``fail_json`` on any API failure."""
        self.check_common_options()
        self.credential_plan()
        try:
            self.run_module()
        except ApiError as error:
            self.fail_api(error)
        except Exception as exc:  # pylint: disable=broad-except
            # A bug must still reach the user as a message, not a traceback on stderr.
            self.module.fail_json(msg='Unexpected error: %s: %s' % (type(exc).__name__, exc),
                                  exception=traceback.format_exc(), **self.result)
        self.result['request_ids'] = self.request_ids
        self.module.exit_json(**self.result)

    def run_module(self):
        raise NotImplementedError
