# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Connection options shared by every module of the collection.
    DOCUMENTATION = r"""
options:
  access_key_id:
    description:
      - Alibaba Cloud AccessKey ID.
      - If not set, the environment variable E(ALIBABA_CLOUD_ACCESS_KEY_ID) is used, then E(ALICLOUD_ACCESS_KEY).
      - When neither O(access_key_id) nor O(access_key_secret) is set anywhere, nor O(ecs_role_name) or O(profile),
        the default credential chain of C(alibabacloud-credentials) is used (environment, credentials file, CLI
        profile, ECS RAM role, OIDC, ...).
    type: str
    aliases: [alicloud_access_key]
  access_key_secret:
    description:
      - Alibaba Cloud AccessKey secret. Never logged or returned.
      - If not set, the environment variable E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) is used, then E(ALICLOUD_SECRET_KEY).
    type: str
    aliases: [alicloud_secret_key]
  security_token:
    description:
      - STS security token, for temporary credentials. Never logged or returned.
      - Used only together with O(access_key_id) and O(access_key_secret); without them the default credential chain
        decides, token included.
      - If not set, the environment variable E(ALIBABA_CLOUD_SECURITY_TOKEN) is used, then E(ALICLOUD_SECURITY_TOKEN).
    type: str
    aliases: [alicloud_security_token]
  region:
    description:
      - The region of the security group, for example C(cn-hangzhou).
      - If not set, the environment variable E(ALIBABA_CLOUD_REGION_ID) is used, then E(ALICLOUD_REGION).
    type: str
    required: true
    aliases: [region_id, alicloud_region]
  endpoint:
    description:
      - The ECS API endpoint, as C(host), C(host:port) or an C(https://) URL; for example a VPC endpoint such as
        C(ecs-vpc.cn-hangzhou.aliyuncs.com).
      - Plain C(http://) is accepted only for loopback addresses, such as a local API emulator.
      - Defaults to the public regional endpoint C(ecs.<region>.aliyuncs.com).
      - If not set, the environment variable E(ALIBABA_CLOUD_ECS_ENDPOINT) is used.
    type: str
  assume_role_arn:
    description:
      - ARN of a RAM role to assume with AssumeRole (C(acs:ram::<account id>:role/<role name>)), often in another
        account. The task then acts with the role's temporary credentials, in the role's account.
      - The credentials that assume the role are the AccessKey given (O(access_key_id), O(access_key_secret),
        O(security_token)), else the instance RAM role (O(ecs_role_name)), else the profile (O(profile)), else the
        default credential chain.
      - If not set, the environment variable E(ALICLOUD_ASSUME_ROLE_ARN) is used. E(ALIBABA_CLOUD_ROLE_ARN) is not, since
        the credentials library reads it for its OIDC provider.
      - Mutually exclusive with O(assume_role).
    type: str
    aliases: [alicloud_assume_role_arn]
  assume_role_session_name:
    description:
      - Session name of the assumed role, 2 to 64 letters, digits and C(.@-_); it appears in the account's audit logs.
      - Defaults to C(alicloud-ecs-ansible). If not set, the environment variable E(ALICLOUD_ASSUME_ROLE_SESSION_NAME) is used.
    type: str
    aliases: [alicloud_assume_role_session_name]
  assume_role_session_expiration:
    description:
      - Lifetime of the temporary credentials in seconds, 900 to 43200 (at most the role's maximum session duration).
        Defaults to 3600.
      - If not set, the environment variable E(ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION) is used.
    type: int
    aliases: [alicloud_assume_role_session_expiration]
  assume_role_policy:
    description:
      - A policy (JSON text) that narrows what the assumed role may do in this session.
    type: str
  assume_role_external_id:
    description:
      - The external ID the role's trust policy requires. Never logged or returned.
      - If not set, the environment variable E(ALICLOUD_ASSUME_ROLE_EXTERNAL_ID) is used.
    type: str
  assume_role:
    description:
      - The role to assume, as a dictionary, in the form of the C(alibaba.alicloud) collection. Mutually exclusive with
        O(assume_role_arn) and the other C(assume_role_*) options.
    type: dict
    aliases: [alicloud_assume_role]
    suboptions:
      role_arn:
        description: As O(assume_role_arn).
        type: str
      session_name:
        description: As O(assume_role_session_name).
        type: str
      session_expiration:
        description: As O(assume_role_session_expiration).
        type: int
      policy:
        description: As O(assume_role_policy).
        type: str
      external_id:
        description: As O(assume_role_external_id). Never logged or returned.
        type: str
  ecs_role_name:
    description:
      - Name of the RAM role of the ECS instance that runs the module, whose credentials the instance metadata service
        hands out. Mutually exclusive with an AccessKey and O(profile).
      - If not set, the environment variable E(ALICLOUD_ECS_ROLE_NAME) is used.
    type: str
    aliases: [role_name]
  profile:
    description:
      - A named profile of the C(aliyun) CLI's C(~/.aliyun/config.json) (any of its modes the credentials library
        supports - AK, StsToken, RamRoleArn, EcsRamRole, ...), or, when O(shared_credentials_file) names an ini file, a
        section of that file. Mutually exclusive with an AccessKey and O(ecs_role_name).
      - If not set, the environment variable E(ALIBABA_CLOUD_PROFILE) is used, then E(ALICLOUD_PROFILE).
    type: str
  shared_credentials_file:
    description:
      - The file O(profile) is read from. A file whose name ends in C(.json) is read as the C(aliyun) CLI's
        C(config.json); any other as the credentials library's ini file (C(~/.alibabacloud/credentials), sections of
        C(type = access_key), C(ecs_ram_role), C(ram_role_arn), ...). Without O(profile), the CLI file's current
        profile, or the ini file's C(default) section, is used.
      - If not set, the environment variable E(ALICLOUD_SHARED_CREDENTIALS_FILE) is used. (The default credential chain
        reads E(ALIBABA_CLOUD_CREDENTIALS_FILE) by itself.)
    type: path
  sts_endpoint:
    description:
      - The STS endpoint for O(assume_role_arn), as C(host), C(host:port) or an C(https://) URL, for example a VPC
        endpoint such as C(sts-vpc.cn-hangzhou.aliyuncs.com). The credentials library speaks only HTTPS to STS, so
        C(http://) is refused.
      - Defaults to C(sts.aliyuncs.com). If not set, the environment variable E(ALIBABA_CLOUD_STS_ENDPOINT) is used.
    type: str
  retry_timeout:
    description:
      - How long, in seconds, a call is sent again while the API answers with a transient failure, which is any code
        that contains C(Throttling) (C(Throttling.User), C(Rejected.Throttling), C(Throttling.Api), ...),
        C(ServiceUnavailable), C(InternalError), C(InvalidGressFlow.Malformed), C(RequestTimeout),
        C(LastTokenProcessing), C(OperationConflict), C(Operation.Conflict), another 5xx answer, a timeout or a lost
        connection. The official Terraform provider retries these for minutes too.
      - Every write whose API takes a client token carries one that stays the same across its retries, so a retried
        write is never applied twice. The writes whose APIs take none (C(DeleteSecurityGroup),
        C(ModifySecurityGroupAttribute), C(TagResources), C(UntagResources)) are safe to repeat by themselves.
      - A write that fails after an earlier attempt got no answer (or a 5xx one) may have been applied; the task then
        reports C(changed) and says so.
      - V(0) sends each call once.
    type: int
    default: 300
  retries:
    description:
      - At most this many retries of one call, besides O(retry_timeout). Not set, only O(retry_timeout) limits them.
    type: int
  retry_backoff:
    description:
      - Base delay in seconds of the exponential backoff between retries (with jitter, at most 30 seconds). Must be
        more than 0.
      - A C(x-acs-retry-after) hint from the API takes precedence.
    type: float
    default: 1.0
  timeout:
    description:
      - Read timeout of one API call, in seconds. The connect timeout is the smaller of this and 5 seconds.
    type: int
    default: 10
requirements:
  - python >= 3.9
  - alibabacloud-tea-openapi
  - alibabacloud-credentials
  - darabonba-core
notes:
  - All modules of this collection belong to the action group C(alicloud.ecs.alicloud), so the connection options
    can be set once with C(module_defaults).
"""
