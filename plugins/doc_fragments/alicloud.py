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
      - When neither O(access_key_id) nor O(access_key_secret) is set anywhere, the default credential chain of
        C(alibabacloud-credentials) is used (credentials file, ECS RAM role, OIDC, ...).
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
  retries:
    description:
      - How many times a call is retried after throttling (C(Throttling.*)), C(ServiceUnavailable), C(InternalError),
        C(InvalidGressFlow.Malformed), C(RequestTimeout), C(LastTokenProcessing), C(OperationConflict),
        C(Operation.Conflict), another 5xx answer, a timeout or a lost connection.
      - Every write carries a client token that stays the same across its retries, so a retried write is never
        applied twice.
    type: int
    default: 5
  retry_backoff:
    description:
      - Base delay in seconds of the exponential backoff between retries (with jitter, at most 30 seconds).
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
