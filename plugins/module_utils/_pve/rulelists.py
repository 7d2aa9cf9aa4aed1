# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: one ordered rule list of a firewall level, reconciled safely.

Joins the rule normaliser (``_pve.rules``), the ordered-list planner (``_plan.ordered``) and the
digest-aware writer: rules are matched by identity, never by position; the planner's operations
become API calls whose positions are valid when they run; every guarded call checks that the list
still looks the way our own earlier calls left it.
"""

from __future__ import annotations

import threading

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._plan import ordered
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve import rules as pverules
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.writer import Planned, TargetPlan

RULE_OPTIONS = dict(
    type=dict(type='str', required=True, choices=['in', 'out', 'forward', 'group']),
    action=dict(type='str', required=True),
    macro=dict(type='str'),
    proto=dict(type='str'),
    source=dict(type='str'),
    dest=dict(type='str'),
    sport=dict(type='str'),
    dport=dict(type='str'),
    iface=dict(type='str'),
    icmp_type=dict(type='str'),
    log=dict(type='str', choices=list(pverules.LOG_LEVELS)),
    enable=dict(type='bool', default=True),
    comment=dict(type='str'),
)
RULES_SPEC = dict(type='list', elements='dict', options=RULE_OPTIONS)
STATES = ('merged', 'replaced', 'overridden', 'deleted', 'gathered', 'rendered', 'parsed')
# The rule normaliser names the node level 'host', as PVE's own code does.
ENGINE_LEVEL = {'cluster': 'cluster', 'node': 'host', 'vm': 'vm', 'ct': 'ct', 'group': 'group', 'vnet': 'vnet'}
SKIPPED_KEYS = ('pos', 'digest', 'ipversion', 'errors')


class Lookups(object):
    """Cluster-wide data a module run needs for many targets, read at most once and only when needed:
    macro names, security group names and the datacenter's IP sets and aliases."""

    def __init__(self, client):
        self.client = client
        self._lock = threading.Lock()
        self._cache = {}

    def _once(self, key, read):
        with self._lock:
            if key not in self._cache:
                self._cache[key] = read()
            return self._cache[key]

    def names(self):
        return self._once('macros', lambda: sorted(
            item['macro'] for item in self.client.get('cluster/firewall/macros', desc='read the firewall macros') or []))

    def groups(self):
        return self._once('groups', lambda: set(
            g['group'].lower() for g in self.client.get('cluster/firewall/groups', desc='read the security groups') or []))

    def cluster_refs(self):
        return self._once('refs', lambda: _ref_keys(
            self.client.get('cluster/firewall/refs', desc='read the IP sets and aliases rules can use')))


# Kept for callers that only need macros.
Macros = Lookups


def _ref_keys(refs):
    known = set()
    for ref in refs or []:
        scope = {'dc': 'dc', 'guest': 'guest', 'sdn': 'sdn'}.get(ref.get('scope'), 'dc')
        known.add((ref.get('type'), scope, ref['name'].lower()))
    return known


def clean(rule):
    """A rule from the module input with unset fields dropped (Ansible fills every suboption)."""
    return dict((key, value) for key, value in rule.items() if value is not None and value != '')


def validate(config, level, prefix='config', macros=None):
    """Check every rule for the level; one sentence naming rule index, field and value."""
    engine_level = ENGINE_LEVEL[level]
    for index, rule in enumerate(config or []):
        message = pverules.validate_rule(clean(rule), engine_level, macros)
        if message:
            raise ValidationError('%s[%d]: %s' % (prefix, index, message))


def needs_macros(config):
    return any(rule.get('macro') for rule in config or [])


def to_module(api_rules):
    """Module-shaped rules (the shape of ``config``) from API rules."""
    result = []
    for raw in api_rules or []:
        rule = pverules.from_api(dict((k, v) for k, v in raw.items() if k not in SKIPPED_KEYS))
        result.append(rule)
    return result


def _referenced_names(config):
    sets, aliases, groups = set(), set(), set()
    for rule in config or []:
        if str(rule.get('type', '')).lower() == 'group':
            groups.add(str(rule['action']).lower())
            continue
        for field in ('source', 'dest'):
            for part in str(rule.get(field) or '').split(','):
                part = part.strip()
                if part.startswith('+'):
                    sets.add(part[1:].lower())
                elif part[:1].isalpha() and ':' not in part:
                    # Addresses start with a digit (IPv4) or contain ':' (IPv6); anything else names an alias.
                    aliases.add(part.lower())
    return sets, aliases, groups


def check_references(client, target, config, prefix='config', check_mode=False, lookups=None):
    """Refuse rules that name an IP set, alias or security group that does not exist.

    In check mode a missing object is only warned about (returned): an earlier task of the same run
    may be about to create it, and a plan of a whole deployment must not stop there.
    """
    try:
        _check_references(client, target, config, prefix, lookups or Lookups(client))
    except ValidationError as exc:
        if not check_mode:
            raise
        return ['%s (check mode: planned anyway, it must exist before the real run)' % exc]
    return []


def _check_references(client, target, config, prefix, lookups):
    sets, aliases, groups = _referenced_names(config)
    missing = []
    if groups:
        missing.extend('security group ' + name for name in sorted(groups - lookups.groups()))
    if sets or aliases:
        missing.extend(_missing_objects(client, target, sets, aliases, lookups))
    if missing:
        raise ValidationError('%s: rules reference %s, which do(es) not exist at %s; create them first' % (
            prefix, ', '.join(missing), target.describe()))


def _missing_objects(client, target, sets, aliases, lookups):
    guest = target.level in ('vm', 'ct')
    wanted = []
    for kind, label, mark, tokens in (('ipset', 'IP set', '+', sets), ('alias', 'alias', '', aliases)):
        for token in sorted(tokens):
            scope, _sep, name = token.rpartition('/')
            scopes = [scope] if scope else (['guest', 'dc'] if guest else (['dc', 'sdn'] if kind == 'ipset' else ['dc']))
            wanted.append((kind, scopes, name, '%s %s%s' % (label, mark, token)))
    known = lookups.cluster_refs()
    if guest and any(not any((kind, s, name) in known for s in scopes) for kind, scopes, name, _label in wanted):
        # Only a guest whose rules name something the datacenter lacks costs a read of its own objects.
        known = known | _ref_keys(client.get(target.base + '/refs', desc='read the IP sets and aliases of ' + target.describe()))
    return [label for kind, scopes, name, label in wanted if not any((kind, s, name) in known for s in scopes)]


def _combine_merged(have, want):
    # merged: a comment or log level the user did not give keeps its current value.
    result = dict(want)
    for key in ('comment', 'log'):
        if key not in want and have.get(key) not in (None, ''):
            result[key] = have[key]
    return result


def plan_ops(have, want, state, model, position='bottom'):
    if state == 'overridden':
        return ordered.plan_overridden(have, want, model)
    if state == 'replaced':
        return ordered.plan_replaced(have, want, model, new_position=position)
    if state == 'deleted':
        return ordered.plan_deleted(have, want, model)
    return ordered.plan_merged(have, want, model, combine=_combine_merged, new_position=position)


def ops_to_calls(have, ops, rules_path, model, what):
    """Turn planner ops into API calls; each guarded call expects the list our earlier calls produced."""
    calls = []
    state = [dict(item) for item in have]
    for op in ops:
        expected_keys = [model.key(item) for item in state]

        def expect(raw, keys=expected_keys):
            return [model.key(item) for item in raw or []] == keys

        if op.kind == ordered.CREATE:
            payload = dict((k, v) for k, v in op.item.items() if k not in SKIPPED_KEYS)
            calls.append(Planned('POST', rules_path, payload, touches=[rules_path], desc='add a rule to ' + what))
        elif op.kind == ordered.MOVE:
            calls.append(Planned('PUT', '%s/%d' % (rules_path, op.pos), dict(moveto=op.moveto), guard=rules_path,
                                 desc='move rule %d of %s' % (op.pos, what), expect=expect))
        elif op.kind == ordered.UPDATE:
            calls.append(Planned('PUT', '%s/%d' % (rules_path, op.pos), pverules.put_payload(op.changes, op.deletes),
                                 guard=rules_path, desc='update rule %d of %s' % (op.pos, what), expect=expect))
        elif op.kind == ordered.DELETE:
            calls.append(Planned('DELETE', '%s/%d' % (rules_path, op.pos), guard=rules_path,
                                 desc='delete rule %d of %s' % (op.pos, what), expect=expect))
        state = ordered.apply_ops(state, [op])
    return calls, state


def prepare(client, target, rules_path, config, state, macros, position='bottom', prefix='config', what=None, known_raw=None,
            check_mode=False):
    """Read one rule list and plan it; nothing is written. Returns a TargetPlan.

    ``known_raw`` stands in for the read when the list is known without asking (a group this run creates).
    """
    what = what or target.describe()
    level = target.level
    names = macros.names() if needs_macros(config) else None
    validate(config, level, prefix, names)
    warnings = check_references(client, target, config, prefix, check_mode, macros) if state != 'deleted' else []
    raw = known_raw if known_raw is not None else (client.get(rules_path, desc='read the rules of ' + what) or [])
    have = [dict((k, v) for k, v in item.items() if k not in ('pos', 'digest', 'ipversion')) for item in raw]
    model = pverules.rule_model(names, ENGINE_LEVEL[level])
    want = [pverules.to_api(clean(rule), names) for rule in config or []]
    ops = plan_ops(have, want, state, model, position)
    calls, after = ops_to_calls(have, ops, rules_path, model, what)
    return TargetPlan(calls, {rules_path: raw}, to_module(have), to_module(after),
                      replan=lambda: prepare(client, target, rules_path, config, state, macros, position, prefix, what),
                      extra=dict(warnings=warnings))
