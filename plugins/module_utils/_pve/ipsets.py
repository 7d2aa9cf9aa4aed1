# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: IP sets changed in place, never deleted and re-created.

Members are compared in PVE's stored form (host bits cleared, /32 dropped, IPv6 compressed),
added before anything is removed, and updated with one PUT that carries both ``nomatch`` and
``comment`` (PVE's PUT replaces both).
"""

from __future__ import annotations

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.addresses import check_name, ipset_entry
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.refs import find_references
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.writer import Planned, TargetPlan

MEMBER_SPEC = dict(cidr=dict(type='str', required=True), nomatch=dict(type='bool'), comment=dict(type='str'))
IPSET_SPEC = dict(type='list', elements='dict', options=dict(
    name=dict(type='str', required=True),
    comment=dict(type='str'),
    members=dict(type='list', elements='dict', options=MEMBER_SPEC),
))


def _comment(value):
    value = (value or '').strip()
    return value


def normalize_want(config, prefix='config', state=None):  # pylint: disable=unused-argument
    """Validate and key the wanted sets: {name: {'comment', 'members': {key: member} or None}}."""
    wanted = {}
    for index, item in enumerate(config or []):
        field = '%s[%d]' % (prefix, index)
        name = check_name(field + '.name', item['name']).lower()
        if name in wanted:
            raise ValidationError('%s.name=%r: IP set listed twice (names are case-insensitive)' % (field, item['name']))
        members = None
        if item.get('members') is not None:
            members = {}
            for position, member in enumerate(item['members']):
                mfield = '%s.members[%d].cidr' % (field, position)
                key = ipset_entry(mfield, member['cidr'])
                if key in members:
                    raise ValidationError('%s=%r duplicates an earlier member (both are %s as PVE stores them)' % (
                        mfield, member['cidr'], key))
                members[key] = dict(cidr=key, nomatch=member.get('nomatch'),
                                    comment=None if member.get('comment') is None else _comment(member['comment']))
        wanted[name] = dict(comment=None if item.get('comment') is None else _comment(item['comment']), members=members)
    return wanted


def _member_from_api(entry):
    stored = entry['cidr']
    try:
        key = ipset_entry('cidr', stored)
    except ValidationError:
        key = stored.lower()
    return key, dict(cidr=stored, nomatch=str(entry.get('nomatch', 0)) not in ('0', ''), comment=_comment(entry.get('comment')))


def read_sets(client, target, names=None):
    """Read the set list and the entries of the named sets (all sets when names is None)."""
    list_path = target.base + '/ipset'
    raw_list = client.get(list_path, desc='read the IP sets of ' + target.describe()) or []
    sets, raws = {}, {'list': raw_list, 'entries': {}}
    for item in raw_list:
        name = item['name'].lower()
        if names is not None and name not in names:
            sets[name] = dict(comment=_comment(item.get('comment')), members=None, raw_name=item['name'])
            continue
        raw_entries = client.get('%s/%s' % (list_path, item['name']), desc='read IP set %s of %s' % (name, target.describe())) or []
        raws['entries'][name] = raw_entries
        members = dict(_member_from_api(entry) for entry in raw_entries)
        sets[name] = dict(comment=_comment(item.get('comment')), members=members, raw_name=item['name'])
    return sets, raws


def to_module(sets, names=None):
    """Module-shaped list (the shape of ``config``), sorted like PVE writes them."""
    result = []
    for name in sorted(sets):
        if names is not None and name not in names:
            continue
        item = sets[name]
        entry = dict(name=name, comment=item['comment'])
        if item['members'] is not None:
            entry['members'] = [dict(cidr=m['cidr'], nomatch=m['nomatch'], comment=m['comment'])
                                for _key, m in sorted(item['members'].items(), key=lambda kv: kv[1]['cidr'])]
        result.append(entry)
    return result


def plan(target, have, wanted, state):
    """Return (calls, after_sets, deleted_names) in the safe order: create, add, update, remove, delete."""
    base = target.base + '/ipset'
    after = dict((name, dict(comment=item['comment'], members=None if item['members'] is None else dict(item['members']),
                             raw_name=item.get('raw_name', name))) for name, item in have.items())
    comment_calls, creates, adds, updates, removes, deletes = [], [], [], [], [], []
    exact = state in ('replaced', 'overridden')
    for name, want in wanted.items():
        if state == 'deleted':
            _plan_delete(base, name, want, have, after, removes, deletes)
            continue
        current = have.get(name)
        want_comment = want['comment'] if want['comment'] is not None else ('' if exact else None)
        if current is None:
            creates.append(Planned('POST', base, dict(name=name, comment=want_comment or None), touches=[base],
                                   desc='create IP set %s' % name))
            after[name] = current = dict(comment=want_comment or '', members={}, raw_name=name)
            have_members = {}
        else:
            have_members = current['members'] or {}
            if want_comment is not None and want_comment != current['comment']:
                comment_calls.append(Planned('POST', base, dict(name=name, rename=current.get('raw_name', name),
                                                                comment=want_comment), guard=base,
                                             desc='change the comment of IP set %s' % name))
                after[name]['comment'] = want_comment
        entries_path = '%s/%s' % (base, name)
        members_after = dict(have_members)
        for key, member in (want['members'] or {}).items():
            nomatch = member['nomatch'] if member['nomatch'] is not None else (False if exact else None)
            comment = member['comment'] if member['comment'] is not None else ('' if exact else None)
            existing = have_members.get(key)
            if existing is None:
                adds.append(Planned('POST', entries_path, dict(cidr=key, nomatch='1' if nomatch else None, comment=comment or None),
                                    touches=[entries_path], desc='add %s to IP set %s' % (key, name)))
                members_after[key] = dict(cidr=key, nomatch=bool(nomatch), comment=comment or '')
                continue
            new_nomatch = existing['nomatch'] if nomatch is None else nomatch
            new_comment = existing['comment'] if comment is None else comment
            if (new_nomatch, new_comment) != (existing['nomatch'], existing['comment']):
                # PUT replaces both fields, so both are always sent.
                updates.append(Planned('PUT', '%s/%s' % (entries_path, existing['cidr']),
                                       dict(nomatch='1' if new_nomatch else '0', comment=new_comment), guard=entries_path,
                                       desc='update %s in IP set %s' % (key, name)))
                members_after[key] = dict(existing, nomatch=new_nomatch, comment=new_comment)
        if exact:
            for key in sorted(have_members):
                if key not in (want['members'] or {}):
                    removes.append(Planned('DELETE', '%s/%s' % (entries_path, have_members[key]['cidr']), guard=entries_path,
                                           desc='remove %s from IP set %s' % (key, name)))
                    members_after.pop(key, None)
        after[name]['members'] = members_after
    if state == 'overridden':
        for name in sorted(have):
            if name not in wanted:
                deletes.append(Planned('DELETE', '%s/%s' % (base, have[name].get('raw_name', name)), dict(force='1'),
                                       touches=[base], desc='delete IP set %s' % name))
                after.pop(name, None)
    calls = comment_calls + creates + adds + updates + removes + deletes
    return calls, after


def _plan_delete(base, name, want, have, after, removes, deletes):
    current = have.get(name)
    if current is None:
        return
    if want['members'] is None:
        deletes.append(Planned('DELETE', '%s/%s' % (base, current.get('raw_name', name)), dict(force='1'), touches=[base],
                               desc='delete IP set %s' % name))
        after.pop(name, None)
        return
    entries_path = '%s/%s' % (base, name)
    for key in sorted(want['members']):
        existing = (current['members'] or {}).get(key)
        if existing is not None:
            removes.append(Planned('DELETE', '%s/%s' % (entries_path, existing['cidr']), guard=entries_path,
                                   desc='remove %s from IP set %s' % (key, name)))
            after[name]['members'].pop(key, None)


def deleted_set_names(calls, base):
    return [call.path[len(base) + 1:].lower() for call in calls if call.method == 'DELETE' and call.path.count('/') == base.count('/') + 1]


def _alias_members(wanted):
    """(set name, member key) of every member that names an alias instead of an address."""
    return [(name, key) for name, want in sorted(wanted.items()) for key in sorted(want['members'] or {})
            if key[:1].isalpha() and ':' not in key]


def check_alias_members(client, target, wanted, prefix, check_mode=False):
    """Members that name aliases need those aliases (PVE refuses the add with 'no such alias')."""
    members = _alias_members(wanted)
    if not members:
        return []
    guest = target.level in ('vm', 'ct')
    refs = client.get(target.base + '/refs', desc='read the aliases of ' + target.describe(), type='alias') or []
    known = set((ref.get('scope') or 'dc', ref['name'].lower()) for ref in refs)
    missing = []
    for name, key in members:
        scope, _sep, alias = key.rpartition('/')
        scopes = [scope] if scope else (['guest', 'dc'] if guest else ['dc'])
        if not any((s, alias) in known for s in scopes):
            missing.append('%s (IP set %s)' % (key, name))
    if not missing:
        return []
    message = '%s: members name alias(es) that do not exist at %s: %s' % (prefix, target.describe(), ', '.join(missing))
    if check_mode:
        return [message + ' (check mode: planned anyway, they must exist before the real run)']
    raise ValidationError(message)


def prepare(client, target, config, state, force=False, prefix='config', check_mode=False):
    """Read, plan and check references for one target; nothing is written."""
    wanted = normalize_want(config, prefix)
    warnings = check_alias_members(client, target, wanted, prefix, check_mode) if state != 'deleted' else []
    names = None if state in ('overridden', 'gathered') else set(wanted)
    have, raws = read_sets(client, target, names)
    calls, after = plan(target, have, wanted, state)
    base = target.base + '/ipset'
    doomed = deleted_set_names(calls, base)
    if doomed and not force:
        used = dict((name, where) for name, where in find_references(client, 'ipset', doomed, target).items() if where)
        if used:
            raise ValidationError('Refusing to delete IP set(s) still referenced (set force=true to delete anyway): %s' % '; '.join(
                '%s by %s' % (name, ', '.join(where)) for name, where in sorted(used.items())))
    known = {base: raws['list']}
    for name, entries in raws['entries'].items():
        known['%s/%s' % (base, name)] = entries
    shown = None if state == 'overridden' else set(wanted)
    return TargetPlan(calls, known, to_module(have, shown), to_module(after, shown),
                      replan=lambda: prepare(client, target, config, state, force, prefix), extra=dict(warnings=warnings))


def gather(client, target):
    return to_module(read_sets(client, target)[0])
