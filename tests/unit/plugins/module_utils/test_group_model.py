# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A group's own attributes: validation, reading and planning, without Ansible or HTTP."""

from __future__ import annotations

import pytest

from ansible_collections.alicloud.ecs.plugins.module_utils import _group_model
from ansible_collections.alicloud.ecs.plugins.module_utils._values import RuleError


# Decimal digits of any script pass the module: whether the API takes them is the API's to say (the Terraform
# provider removed its own name check, commit 9b1a2ca76); '\u0663' is ARABIC-INDIC DIGIT THREE.
@pytest.mark.parametrize('name', ['web', 'AliyunSG', 'web-1.tier_a:blue', u'\u5b89\u5168\u7ec4', 'ab', u'web\u0663'])
def test_valid_group_names(name):
    assert _group_model.validate_group_name(name) == name


@pytest.mark.parametrize('name, fragment', [
    ('a', 'must be 2 to 128 characters long'), ('x' * 129, 'must be 2 to 128 characters long'),
    ('1web', 'must start with a letter'), ('-web', 'must start with a letter'),
    ('http://web', 'must not start with http:// or https://'), ('web tier', "contains ' '"), ('web/1', "contains '/'"),
    (u'web\u00b2', "contains '\u00b2'"),
])
def test_invalid_group_names_are_refused_naming_the_option(name, fragment):
    with pytest.raises(RuleError) as error:
        _group_model.validate_group_name(name)
    assert str(error.value).startswith('name: ') and fragment in str(error.value)


def test_descriptions_follow_the_documented_limits():
    assert _group_model.validate_group_description('ok') == 'ok'
    for bad in ('x', 'x' * 257, 'https://example.com/x'):
        with pytest.raises(RuleError, match='^description: '):
            _group_model.validate_group_description(bad)


def test_tags_are_strings_and_checked():
    assert _group_model.validate_tags({'env': 'prod', 'replicas': 3, 'on': True, 'empty': None}) == \
        {'env': 'prod', 'replicas': '3', 'on': 'true', 'empty': ''}
    assert _group_model.validate_tags(None) is None
    for bad, fragment in (({'': 'x'}, 'must be 1 to 128'), ({'acs:owner': 'x'}, 'is reserved'), ({'Aliyun-x': 'x'}, 'is reserved'),
                          ({'k': 'v' * 129}, 'at most 128'), ({'k': 'see http://x'}, 'must not contain http'),
                          (dict(('k%d' % index, 'v') for index in range(21)), '21 tags given'), (['k'], 'must be a dictionary')):
        with pytest.raises(RuleError) as error:
            _group_model.validate_tags(bad)
        assert str(error.value).startswith('tags: ') and fragment in str(error.value)


def api_group(**overrides):
    item = dict(SecurityGroupId='sg-1', SecurityGroupName='web', Description='web tier', VpcId='vpc-1', SecurityGroupType='normal',
                ResourceGroupId='rg-1', CreationTime='2026-11-01T00:00:00Z',
                Tags=dict(Tag=[dict(TagKey='env', TagValue='prod'), dict(TagKey='team', TagValue='web'),
                               dict(TagKey='acs:rm:rgId', TagValue='rg-1')]))
    item.update(overrides)
    group = _group_model.group_from_api(item)
    group.inner_access_policy = 'accept'
    return group


def test_nothing_to_change_when_everything_matches():
    desired = dict(name='web', description='web tier', inner_access_policy='accept', tags={'env': 'prod', 'team': 'web'})
    assert not _group_model.plan_group_changes(api_group(), desired).changed
    assert not _group_model.plan_group_changes(api_group(), dict(name=None, description=None, tags=None)).changed


def test_only_what_differs_is_planned():
    desired = dict(name='web-2', description='web tier', inner_access_policy='drop', tags={'env': 'staging', 'owner': 'me'})
    changes = _group_model.plan_group_changes(api_group(), desired)
    assert changes.attributes == {'SecurityGroupName': 'web-2'}
    assert changes.inner_access_policy == 'drop'
    assert changes.tags_to_set == {'env': 'staging', 'owner': 'me'}
    # The cloud's own acs: tag is never purged.
    assert changes.tags_to_remove == ['team']
    after = _group_model.group_after(api_group(), changes)
    assert (after.name, after.inner_access_policy) == ('web-2', 'drop')
    assert after.tags == {'env': 'staging', 'owner': 'me', 'acs:rm:rgId': 'rg-1'}


def test_without_purge_tags_unlisted_tags_stay():
    changes = _group_model.plan_group_changes(api_group(), dict(tags={'owner': 'me'}), purge_tags=False)
    assert changes.tags_to_set == {'owner': 'me'} and changes.tags_to_remove == []


@pytest.mark.parametrize('desired, option', [
    (dict(security_group_type='enterprise'), 'security_group_type'),
    (dict(vpc_id='vpc-2'), 'vpc_id'),
    (dict(resource_group_id='rg-2'), 'resource_group_id'),
])
def test_what_a_group_keeps_for_life_cannot_change(desired, option):
    with pytest.raises(RuleError, match='^%s: ' % option):
        _group_model.check_fixed_attributes(api_group(), desired)


def test_an_enterprise_group_takes_no_inner_access_policy_but_drop():
    enterprise = api_group(SecurityGroupType='enterprise')
    with pytest.raises(RuleError, match='^inner_access_policy: sg-1 is an enterprise security group'):
        _group_model.check_fixed_attributes(enterprise, dict(inner_access_policy='accept'))
    _group_model.check_fixed_attributes(enterprise, dict(inner_access_policy='drop'))
    assert not _group_model.plan_group_changes(enterprise, dict(inner_access_policy='drop')).changed


def test_create_tag_and_untag_parameters():
    params = _group_model.create_params(dict(name='web', description=None, vpc_id='vpc-1', security_group_type=None,
                                             resource_group_id=None, tags={'team': 'web', 'env': 'prod'}))
    assert params == {'SecurityGroupName': 'web', 'VpcId': 'vpc-1', 'Tag.1.Key': 'env', 'Tag.1.Value': 'prod',
                      'Tag.2.Key': 'team', 'Tag.2.Value': 'web'}
    target = {'ResourceType': 'securitygroup', 'ResourceId.1': 'sg-1'}
    assert _group_model.tag_params('sg-1', {'a': '1'}) == dict(target, **{'Tag.1.Key': 'a', 'Tag.1.Value': '1'})
    assert _group_model.untag_params('sg-1', ['b', 'a']) == dict(target, **{'TagKey.1': 'a', 'TagKey.2': 'b'})


def test_the_newest_of_several_groups():
    groups = [api_group(SecurityGroupId='sg-old', CreationTime='2026-01-01T00:00:00Z'),
              api_group(SecurityGroupId='sg-new', CreationTime='2026-06-01T00:00:00Z')]
    assert _group_model.newest(groups).security_group_id == 'sg-new'


@pytest.mark.parametrize('key', ['acs:rm:rgId', 'aliyun-managed-by', 'sae.do.not.delete', 'http://x', 'https://y'])
def test_the_clouds_own_tags_are_not_the_users_and_are_never_purged(key):
    group = _group_model.Group('sg-1', 'web', None, 'vpc-1', 'normal', None, {'team': 'platform', key: 'true'})
    assert _group_model.user_tags(group.tags) == {'team': 'platform'}
    changes = _group_model.plan_group_changes(group, dict(tags={}), purge_tags=True)
    assert changes.tags_to_remove == ['team']


def test_a_user_cannot_claim_a_system_tag_key():
    with pytest.raises(RuleError, match="^tags: the key 'sae.do.not.delete' is reserved"):
        _group_model.validate_tags({'sae.do.not.delete': 'true'})
