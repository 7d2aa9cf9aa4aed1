# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: security groups, their comments and their rule lists.

A group's rules go through the same engine as every other rule list. Order of work: create
groups and fix comments, then reconcile each group's rules, then delete what must go (its rules
from the highest position down, then the empty group) - referenced groups only with ``force``.
"""

from __future__ import annotations

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve import rulelists
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.addresses import check_name
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.refs import find_references
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.targets import Target
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.writer import Planned, TargetPlan, execute

BASE = 'cluster/firewall/groups'
GROUP_SPEC = dict(type='list', elements='dict', options=dict(
    name=dict(type='str', required=True),
    comment=dict(type='str'),
    rules=rulelists.RULES_SPEC,
))
CLUSTER = Target('cluster', base='cluster/firewall')


def normalize_want(config):
    wanted = {}
    for index, item in enumerate(config or []):
        field = 'config[%d]' % index
        name = check_name(field + '.name', item['name'], max_length=18).lower()
        if name in wanted:
            raise ValidationError('%s.name=%r: security group listed twice (names are case-insensitive)' % (field, item['name']))
        rulelists.validate(item.get('rules') or [], 'group', field + '.rules')
        wanted[name] = dict(comment=None if item.get('comment') is None else item['comment'].strip(), rules=item.get('rules'),
                            index=index)
    return wanted


def group_target(name):
    return Target('group', base='%s/%s' % (BASE, name))


def read_groups(client):
    raw = client.get(BASE, desc='read the security groups') or []
    return dict((g['group'].lower(), dict(name=g['group'], comment=(g.get('comment') or '').strip())) for g in raw), raw


def prepare(client, config, state, macros, force=False, check_mode=False):
    """Plan everything; returns (plans in execution order, before, after). Nothing is written."""
    wanted = normalize_want(config)
    have, raw_list = read_groups(client)
    exact = state in ('replaced', 'overridden')
    group_calls, plans, deletes = [], [], []
    before, after = {}, {}
    for name, want in wanted.items():
        field = 'config[%d]' % want['index']
        current = have.get(name)
        if state == 'deleted':
            if current is not None:
                deletes.append(name)
            continue
        comment = want['comment'] if want['comment'] is not None else ('' if exact else None)
        if current is None:
            group_calls.append(Planned('POST', BASE, dict(group=name, comment=comment or None), touches=[BASE],
                                       desc='create security group %s' % name))
            before_rules = []
        else:
            if comment is not None and comment != current['comment']:
                group_calls.append(Planned('POST', BASE, dict(group=name, rename=current['name'], comment=comment), guard=BASE,
                                           desc='change the comment of security group %s' % name))
            before_rules = None
        rules = want['rules'] if want['rules'] is not None else ([] if exact else None)
        rules_plan = None
        if rules is not None:
            rules_state = 'overridden' if exact else 'merged'
            rules_plan = rulelists.prepare(client, group_target(name), '%s/%s' % (BASE, name), rules, rules_state, macros,
                                           prefix=field + '.rules', what='security group %s' % name, known_raw=before_rules,
                                           check_mode=check_mode)
            plans.append(rules_plan)
        old_comment = current['comment'] if current else None
        before[name] = dict(name=name, comment=old_comment, rules=rules_plan.before if rules_plan else None) if current else None
        after[name] = dict(name=name, comment=comment if comment is not None else old_comment,
                           rules=rules_plan.after if rules_plan else None)
    if state == 'overridden':
        deletes.extend(sorted(name for name in have if name not in wanted))
    if deletes and not force:
        used = dict((n, where) for n, where in find_references(client, 'group', deletes, CLUSTER).items() if where)
        if used:
            raise ValidationError('Refusing to delete security group(s) still referenced (set force=true to delete anyway): %s' % '; '.join(
                '%s by %s' % (name, ', '.join(where)) for name, where in sorted(used.items())))
    delete_plans = []
    for name in deletes:
        # Empty the group first (PVE refuses to delete a group with rules), from the bottom up.
        emptying = rulelists.prepare(client, group_target(name), '%s/%s' % (BASE, name), [], 'overridden', macros,
                                     what='security group %s' % name)
        emptying.calls.append(Planned('DELETE', '%s/%s' % (BASE, name), touches=[BASE], desc='delete security group %s' % name))
        delete_plans.append(emptying)
        before[name] = dict(name=name, comment=have[name]['comment'], rules=emptying.before)
        after[name] = None
    head = TargetPlan(group_calls, {BASE: raw_list}, None, None)
    return [head] + plans + delete_plans, before, after


def to_module(groups):
    return [value for _name, value in sorted(groups.items()) if value is not None]


def gather(client):
    have, _raw = read_groups(client)
    result = []
    for name in sorted(have):
        rules = client.get('%s/%s' % (BASE, name), desc='read security group %s' % name)
        result.append(dict(name=name, comment=have[name]['comment'], rules=rulelists.to_module(rules)))
    return result


def run_groups(module, client):
    params = module.params
    state = params['state']
    if state == 'gathered':
        return dict(changed=False, gathered=gather(client))
    macros = rulelists.Macros(client)
    plans, before, after = prepare(client, params.get('config') or [], state, macros, params['force'], module.check_mode)
    commands, changed = [], False
    for plan in plans:
        outcome = execute(client, plan, module.check_mode)
        for warning in outcome.pop('warnings', []):
            module.warn(warning)
        commands.extend(outcome['commands'])
        changed = changed or outcome['changed']
    result = dict(changed=changed, before=to_module(before), after=to_module(after), commands=commands)
    if module._diff:
        result['diff'] = dict(before=result['before'], after=result['after'])
    return result
