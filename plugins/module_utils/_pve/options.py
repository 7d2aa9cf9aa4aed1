# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: firewall options at every level, compared by effective value.

PVE returns only the keys present in the file, so every comparison fills in PVE's effective
defaults first (API-FACTS section 5): a key the user names is written only when its effective
value differs, and a key the user does not name is never touched under ``merged``.
"""

from __future__ import annotations

import copy
import time

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ApiError, ConnectionFailure, ValidationError, ZonewardenError
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.client import PveClient
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.guests import batch_level, batch_option, run_batch
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.targets import resolve_target
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.writer import Planned, TargetPlan, execute

LOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug', 'nolog']
POLICIES = ['ACCEPT', 'REJECT', 'DROP']
CONNTRACK_HELPERS = ['amanda', 'ftp', 'irc', 'netbios-ns', 'pptp', 'sane', 'sip', 'snmp', 'tftp']
RATELIMIT_DEFAULT = {'enable': True, 'rate': '1/second', 'burst': 5}


class Field(object):
    """One option: its kind, PVE's effective default and the first PVE release that has it."""

    __slots__ = ('kind', 'default', 'since', 'choices', 'minimum', 'maximum')

    def __init__(self, kind, default, since=None, choices=None, minimum=None, maximum=None):
        self.kind = kind
        self.default = default
        self.since = since
        self.choices = choices
        self.minimum = minimum
        self.maximum = maximum


def _log(since=None):
    return Field('enum', 'nolog', since=since, choices=LOG_LEVELS)


GUEST_FIELDS = {
    'enable': Field('bool', False),
    'dhcp': Field('bool', True),
    'macfilter': Field('bool', True),
    'ndp': Field('bool', True),
    'radv': Field('bool', False),
    'ipfilter': Field('bool', False),
    'policy_in': Field('enum', 'DROP', choices=POLICIES),
    'policy_out': Field('enum', 'ACCEPT', choices=POLICIES),
    'log_level_in': _log(),
    'log_level_out': _log(),
}

FIELDS = {
    'cluster': {
        'enable': Field('cluster_enable', False),
        'ebtables': Field('bool', True),
        'policy_in': Field('enum', 'DROP', choices=POLICIES),
        'policy_out': Field('enum', 'ACCEPT', choices=POLICIES),
        'policy_forward': Field('enum', 'ACCEPT', since=(8, 3), choices=['ACCEPT', 'DROP']),
        'log_ratelimit': Field('ratelimit', RATELIMIT_DEFAULT),
    },
    'node': {
        'enable': Field('bool', True),
        'nosmurfs': Field('bool', True),
        'tcpflags': Field('bool', False),
        'ndp': Field('bool', True),
        'nf_conntrack_allow_invalid': Field('bool', False),
        'nf_conntrack_max': Field('int', 262144, minimum=32768),
        'nf_conntrack_tcp_timeout_established': Field('int', 432000, minimum=7875),
        'nf_conntrack_tcp_timeout_syn_recv': Field('int', 60, minimum=30, maximum=60),
        'nf_conntrack_helpers': Field('helpers', []),
        'protection_synflood': Field('bool', False),
        'protection_synflood_rate': Field('int', 200, minimum=0),
        'protection_synflood_burst': Field('int', 1000, minimum=0),
        'log_nf_conntrack': Field('bool', False),
        'nftables': Field('bool', False, since=(8, 2)),
        'log_level_in': _log(),
        'log_level_out': _log(),
        'log_level_forward': _log(since=(8, 3)),
        'tcp_flags_log_level': _log(),
        'smurf_log_level': _log(),
    },
    'vm': GUEST_FIELDS,
    'ct': GUEST_FIELDS,
    'vnet': {
        'enable': Field('bool', False, since=(8, 3)),
        'policy_forward': Field('enum', 'ACCEPT', since=(8, 3), choices=['ACCEPT', 'DROP']),
        'log_level_forward': _log(since=(8, 3)),
    },
}


def all_option_names():
    names = set()
    for fields in FIELDS.values():
        names.update(fields)
    return sorted(names)


def options_argspec(only=None):
    """Suboptions of ``config``: the union of every level's keys (or of ``only``), all unset by default."""
    spec = {}
    for fields in ([only] if only else FIELDS.values()):
        for name, field in fields.items():
            if name in spec:
                continue
            if field.kind in ('bool', 'cluster_enable'):
                spec[name] = dict(type='bool')
            elif field.kind == 'int':
                spec[name] = dict(type='int')
            elif field.kind == 'helpers':
                spec[name] = dict(type='list', elements='str', choices=CONNTRACK_HELPERS)
            elif field.kind == 'ratelimit':
                spec[name] = dict(type='dict', options=dict(enable=dict(type='bool'), rate=dict(type='str'),
                                                            burst=dict(type='int')))
            else:
                spec[name] = dict(type='str')
    return spec


# -- conversions between API values and module values -------------------------------------------
def _api_bool(value):
    return str(value).strip() not in ('0', '', 'false', 'False')


def parse_ratelimit(text):
    result = dict(RATELIMIT_DEFAULT)
    for part in str(text).split(','):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.partition('=')
        if not sep:
            key, value = 'enable', key
        if key == 'enable':
            result['enable'] = _api_bool(value)
        elif key == 'burst':
            result['burst'] = int(value)
        elif key == 'rate':
            result['rate'] = value
    return result


def render_ratelimit(value):
    return 'enable=%d,rate=%s,burst=%d' % (1 if value['enable'] else 0, value['rate'], int(value['burst']))


def from_api(level, raw):
    """Module-shaped dict of the keys present in an options GET (digest dropped)."""
    fields = FIELDS[level]
    result = {}
    for key, value in (raw or {}).items():
        field = fields.get(key)
        if field is None:
            continue
        if field.kind == 'bool':
            result[key] = _api_bool(value)
        elif field.kind == 'cluster_enable':
            number = int(value)
            # A value above 1 is a pending "enable with automatic revert" timestamp, not a plain on.
            result[key] = True if number == 1 else (False if number == 0 else 'pending-confirmation')
        elif field.kind == 'int':
            result[key] = int(value)
        elif field.kind == 'helpers':
            result[key] = sorted(item for item in str(value).split(',') if item)
        elif field.kind == 'ratelimit':
            result[key] = parse_ratelimit(value)
        else:
            result[key] = value
    return result


def to_api(level, key, value):
    field = FIELDS[level][key]
    if field.kind in ('bool', 'cluster_enable'):
        return '1' if value else '0'
    if field.kind == 'int':
        return str(int(value))
    if field.kind == 'helpers':
        return ','.join(sorted(set(value)))
    if field.kind == 'ratelimit':
        return render_ratelimit(value)
    return value


def effective(level, present):
    """Every key of the level with PVE's effective value (present keys win over defaults)."""
    values = dict((key, copy.deepcopy(field.default)) for key, field in FIELDS[level].items())
    values.update(present)
    return values


# -- validation --------------------------------------------------------------------------------
def validate(level, config, version=None):
    """Check ``config`` (None values ignored) for ``level``; return the cleaned dict."""
    fields = FIELDS[level]
    cleaned = {}
    for key, value in sorted((config or {}).items()):
        if value is None:
            continue
        field = fields.get(key)
        if field is None:
            raise ValidationError('config.%s is not a firewall option at level=%s; valid there: %s' % (
                key, level, ', '.join(sorted(fields))))
        if field.since and version and tuple(version) < field.since:
            raise ValidationError('config.%s needs Proxmox VE %d.%d or later; the cluster runs %d.%d' % (
                (key,) + tuple(field.since) + tuple(version[:2])))
        cleaned[key] = _validate_value(level, key, field, value)
    return cleaned


def _validate_value(level, key, field, value):
    if field.kind == 'enum':
        text = str(value).upper() if 'ACCEPT' in field.choices else str(value).lower()
        if text not in field.choices:
            raise ValidationError('config.%s=%r is not valid at level=%s; choose one of %s' % (
                key, value, level, ', '.join(field.choices)))
        return text
    if field.kind == 'int':
        if field.minimum is not None and value < field.minimum:
            raise ValidationError('config.%s=%s is below the minimum %s' % (key, value, field.minimum))
        if field.maximum is not None and value > field.maximum:
            raise ValidationError('config.%s=%s is above the maximum %s' % (key, value, field.maximum))
    if field.kind == 'helpers':
        return sorted(set(value))
    if field.kind == 'ratelimit':
        merged = dict((k, v) for k, v in value.items() if v is not None)
        rate = merged.get('rate')
        if rate is not None and not _valid_rate(rate):
            raise ValidationError('config.log_ratelimit.rate=%r is not valid: use <number>/second|minute|hour|day' % rate)
        return merged
    return value


def _valid_rate(rate):
    number, sep, unit = str(rate).partition('/')
    return bool(sep) and number.isdigit() and unit in ('second', 'minute', 'hour', 'day')


# -- planning ----------------------------------------------------------------------------------
def plan(level, present, wanted, state):
    """Return (changes, deletes): API values to PUT and keys to reset with ``delete=``."""
    current = effective(level, present)
    changes = {}
    for key, value in sorted(wanted.items()):
        if FIELDS[level][key].kind == 'ratelimit':
            value = dict(current[key], **value)
        if current[key] != value or (key in present and present[key] == 'pending-confirmation'):
            changes[key] = to_api(level, key, value)
    deletes = []
    if state == 'replaced':
        deletes = sorted(key for key in present if key not in wanted)
    return changes, deletes


def simulate(level, present, changes, deletes):
    after = dict((key, value) for key, value in present.items() if key not in deletes)
    after.update(from_api(level, changes))
    return after


def prepare(client, target, config, state, prefix='config', version=None):
    """Read one target's options and plan the PUT; nothing is written."""
    level = target.level
    try:
        wanted = validate(level, config, version)
    except ValidationError as exc:
        raise ValidationError(str(exc).replace('config.', prefix + '.', 1))
    path = target.base + '/options'
    raw = client.get(path, desc='read the options of %s' % target.describe()) or {}
    present = from_api(level, raw)
    changes, deletes = plan(level, present, wanted, state)
    calls = []
    if changes or deletes:
        payload = dict(changes)
        if deletes:
            payload['delete'] = ','.join(deletes)
        calls.append(Planned('PUT', path, payload, guard=path, desc='set the options of %s' % target.describe()))
    return TargetPlan(calls, {path: raw}, present, simulate(level, present, changes, deletes),
                      replan=lambda: prepare(client, target, config, state, prefix, version))


def _version_if_needed(client, level, configs):
    for config in configs:
        for key, value in (config or {}).items():
            if value is not None and key in FIELDS[level] and FIELDS[level][key].since:
                return client.version()
    return None


def run_options(module, client):
    """The options engine: gathered, merged and replaced, at one target or for many guests, nodes or VNets."""
    params = module.params
    state = params['state']
    option = batch_option(params)
    if option:
        return _run_batch(module, client, option)
    target = resolve_target(params, client)
    if state == 'gathered':
        present = from_api(target.level, client.get(target.base + '/options', desc='read the options of %s' % target.describe()))
        return dict(changed=False, gathered=present)
    version = _version_if_needed(client, target.level, [params.get('config')])
    plan = prepare(client, target, params.get('config'), state, 'config', version)
    if params.get('confirm_enable') and target.level == 'cluster' and _switches_cluster_on(plan):
        result = _enable_with_confirmation(module, client, plan)
    else:
        result = execute(client, plan, module.check_mode)
    if module._diff:
        result['diff'] = dict(before=result['before'], after=result['after'])
    return result


# -- switching the cluster firewall on with Proxmox's automatic revert ("commit-confirm") ----------
# PVE stores an enable value above 1 as the current time and treats it as off once it is older than
# 60 s (API-FACTS 9.3): the firewall is live at once but turns itself off unless confirmed in time.
CONFIRM_WINDOW = 60
# The confirmation must reach PVE well inside the window; later than this the run gives up.
CONFIRM_DEADLINE = 45
PROBE_TIMEOUT = 10


def _switches_cluster_on(plan):
    return bool(plan.calls) and plan.calls[0].params.get('enable') == '1' and plan.before.get('enable') is not True


def _enable_with_confirmation(module, client, plan):
    """PUT enable=2 with the other changes, prove the API still answers a new connection, then PUT enable=1."""
    path = plan.calls[0].path
    plan.calls[0].params['enable'] = '2'
    confirm = Planned('PUT', path, {'enable': '1'}, desc='confirm the cluster firewall switch')
    if module.check_mode:
        result = execute(client, plan, True)
        result['commands'].append(confirm.as_dict())
        return result
    result = execute(client, plan, False)
    started = time.time()
    time.sleep(max(0.0, float(module.params.get('confirm_wait') or 0)))
    try:
        # A fresh client opens a new TCP connection: the kept-alive one would pass as established traffic.
        probe = PveClient(dict(module.params, api_retries=0, api_timeout=min(PROBE_TIMEOUT, module.params.get('api_timeout') or PROBE_TIMEOUT)))
        probe.get('version', desc='check the API over a new connection after switching the firewall on')
        current = probe.get(path, desc='read the cluster options before confirming') or {}
    except (ConnectionFailure, ApiError) as exc:
        raise ZonewardenError(
            'The cluster firewall was switched on with automatic revert, but the API did not answer a new connection '
            'afterwards (%s); the switch was NOT confirmed, so Proxmox VE turns the firewall off again within %d s. '
            'Make sure the management IP set (or the rules) admit this controller before enabling.' % (exc, CONFIRM_WINDOW))
    pending = int(current.get('enable') or 0)
    if pending == 0:
        raise ZonewardenError('The cluster firewall switched itself off again before it could be confirmed '
                              '(enable is 0 %.0f s after the switch): nothing is left enabled' % (time.time() - started))
    if pending > 1:
        if time.time() - started > CONFIRM_DEADLINE:
            raise ZonewardenError('The API answered only %.0f s after the firewall was switched on: too late to confirm safely, '
                                  'so Proxmox VE turns the firewall off again within %d s' % (time.time() - started, CONFIRM_WINDOW))
        params = dict(confirm.params)
        if current.get('digest'):
            params['digest'] = current['digest']
        probe.put(path, desc=confirm.desc, **params)
    result['commands'].append(confirm.as_dict())
    result['confirmed'] = True
    return result


def _run_batch(module, client, option):
    params = module.params
    state = params['state']
    found = {}

    def check(config, prefix, level):
        try:
            validate(level, config)
        except ValidationError as exc:
            raise ValidationError(str(exc).replace('config.', prefix + '.', 1))

    def setup():
        found['version'] = _version_if_needed(client, batch_level(option, {}), [entry.get('config') for entry in params[option]])

    def gather(target):
        return from_api(target.level, client.get(target.base + '/options', desc='read the options of %s' % target.describe()))

    return run_batch(module, client, option, check, lambda target, config, prefix: prepare(client, target, config, state, prefix, found['version']),
                     gather, setup)
