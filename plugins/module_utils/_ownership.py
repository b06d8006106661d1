# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.ecs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which rules of a shared group a play owns: a marker at the end of the rule's description.

ECS rules carry no tags; the description is the only free text a rule has, and the only field that can be
changed in place (ModifySecurityGroupRule) without replacing the rule. A task given ``rule_owner: web`` ends the
description of every rule it writes or adopts with `` [owner=web]``, and limits its purge and its removals to
the rules that end so. Nothing here talks to Ansible or to the network.
"""

from __future__ import annotations

import re

from ansible_collections.alicloud.ecs.plugins.module_utils._values import DESCRIPTION_MAX_LENGTH, RuleError, text_or_none

OWNER_FORM = 'letters, digits, ".", "_" and "-", starting with a letter or digit, at most 64 characters'
_OWNER = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$')
_MARKER = re.compile(r'(?:^|\s)\[owner=([A-Za-z0-9][A-Za-z0-9._-]{0,63})\]$')


def validate_owner(value, option='rule_owner'):
    """The owner name as given, or None; a RuleError naming ``option`` when it is not of the accepted form."""
    if value is None:
        return None
    text = text_or_none(value)
    if text is None:
        # Blank would switch the limit off, and a purge would then remove every owner's rules.
        raise RuleError(option, 'is empty; give an owner name (%s) or leave the option out' % OWNER_FORM)
    if not _OWNER.match(text):
        raise RuleError(option, '%r is not an owner name; use %s' % (text, OWNER_FORM))
    return text


def marker(owner):
    return '[owner=%s]' % owner


def owner_of(description):
    """The owner a description marks, or None."""
    match = _MARKER.search(description or '')
    return match.group(1) if match else None


def text_of(description):
    """The description without its owner marker, or None when nothing else is left."""
    if description is None:
        return None
    match = _MARKER.search(description)
    return (description[:match.start()].rstrip() or None) if match else description


def owned_description(text, owner):
    """The description a rule of ``owner`` holds: its text, then the marker."""
    return '%s %s' % (text, marker(owner)) if text else marker(owner)


def requested_text(description, owner, option):
    """What the user asks a rule's description to say, without the marker; refused when it marks another owner.

    A rule fed back from a result carries its marker; the same owner's marker is dropped here and added again
    when the rule is written, so that it feeds back unchanged.
    """
    if description is None:
        return None
    marked = owner_of(description)
    if marked is not None and marked != owner:
        raise RuleError(option, 'is marked as owned by %r, but this task is rule_owner %r; drop the marker or the rule' % (marked, owner))
    text = text_of(description)
    if text is not None and len(owned_description(text, owner)) > DESCRIPTION_MAX_LENGTH:
        raise RuleError(option, 'is %d characters with the owner marker %r; ECS takes at most %d'
                        % (len(owned_description(text, owner)), ' ' + marker(owner), DESCRIPTION_MAX_LENGTH))
    return text


def in_scope(rule, owner):
    """Whether a task of ``owner`` (None: a task that owns every rule) may remove or change ``rule``."""
    return owner is None or owner_of(rule.description) == owner
