# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: firewall aliases, keyed by case-insensitive name."""

from __future__ import annotations

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.addresses import alias_cidr, check_name
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.refs import find_references
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.writer import Planned, TargetPlan

ALIAS_SPEC = dict(type='list', elements='dict', options=dict(
    name=dict(type='str', required=True),
    cidr=dict(type='str'),
    comment=dict(type='str'),
))


def normalize_want(config, prefix='config', state=None):
    wanted = {}
    for index, item in enumerate(config or []):
        field = '%s[%d]' % (prefix, index)
        name = check_name(field + '.name', item['name'])
        key = name.lower()
        if key in wanted:
            raise ValidationError('%s.name=%r: alias listed twice (names are case-insensitive)' % (field, item['name']))
        cidr = item.get('cidr')
        if cidr is None and state not in ('deleted', None):
            raise ValidationError('%s.cidr is required for alias %s' % (field, name))
        wanted[key] = dict(name=name, cidr=None if cidr is None else alias_cidr(field + '.cidr', cidr),
                           comment=None if item.get('comment') is None else item['comment'].strip())
    return wanted


def read_aliases(client, target):
    raw = client.get(target.base + '/aliases', desc='read the aliases of ' + target.describe()) or []
    have = {}
    for item in raw:
        try:
            cidr = alias_cidr('cidr', item['cidr'])
        except ValidationError:
            cidr = item['cidr']
        have[item['name'].lower()] = dict(name=item['name'], cidr=cidr, comment=(item.get('comment') or '').strip())
    return have, raw


def to_module(aliases):
    return [dict(name=item['name'], cidr=item['cidr'], comment=item['comment'])
            for _key, item in sorted(aliases.items())]


def plan(target, have, wanted, state):
    base = target.base + '/aliases'
    after = dict((key, dict(item)) for key, item in have.items())
    creates, updates, deletes = [], [], []
    exact = state in ('replaced', 'overridden')
    for key, want in wanted.items():
        current = have.get(key)
        if state == 'deleted':
            if current is not None:
                deletes.append(Planned('DELETE', '%s/%s' % (base, current['name']), guard=base, desc='delete alias %s' % want['name']))
                after.pop(key)
            continue
        comment = want['comment'] if want['comment'] is not None else ('' if exact else None)
        if current is None:
            creates.append(Planned('POST', base, dict(name=want['name'], cidr=want['cidr'], comment=comment or None), touches=[base],
                                   desc='create alias %s' % want['name']))
            after[key] = dict(name=want['name'], cidr=want['cidr'], comment=comment or '')
            continue
        new_comment = current['comment'] if comment is None else comment
        if (want['cidr'], new_comment) != (current['cidr'], current['comment']):
            # PUT needs cidr and replaces the comment, so both are sent.
            updates.append(Planned('PUT', '%s/%s' % (base, current['name']), dict(cidr=want['cidr'], comment=new_comment),
                                   guard=base, desc='update alias %s' % current['name']))
            after[key] = dict(current, cidr=want['cidr'], comment=new_comment)
    if state == 'overridden':
        for key in sorted(have):
            if key not in wanted:
                deletes.append(Planned('DELETE', '%s/%s' % (base, have[key]['name']), guard=base, desc='delete alias %s' % have[key]['name']))
                after.pop(key)
    return creates + updates + deletes, after


def prepare(client, target, config, state, force=False, prefix='config', check_mode=False):  # pylint: disable=unused-argument
    """Read, plan and check references for one target; nothing is written."""
    wanted = normalize_want(config, prefix, state)
    have, raw = read_aliases(client, target)
    calls, after = plan(target, have, wanted, state)
    doomed = [call.path.rsplit('/', 1)[1].lower() for call in calls if call.method == 'DELETE']
    if doomed and not force:
        used = dict((name, where) for name, where in find_references(client, 'alias', doomed, target).items() if where)
        if used:
            raise ValidationError('Refusing to delete alias(es) still referenced (set force=true to delete anyway): %s' % '; '.join(
                '%s by %s' % (name, ', '.join(where)) for name, where in sorted(used.items())))
    if state == 'overridden':
        before_shown, after_shown = have, after
    else:
        before_shown = dict((k, v) for k, v in have.items() if k in wanted)
        after_shown = dict((k, v) for k, v in after.items() if k in wanted)
    return TargetPlan(calls, {target.base + '/aliases': raw}, to_module(before_shown), to_module(after_shown),
                      replan=lambda: prepare(client, target, config, state, force, prefix))


def gather(client, target):
    return to_module(read_aliases(client, target)[0])
