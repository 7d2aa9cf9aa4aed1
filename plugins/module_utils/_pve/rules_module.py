# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: the engine behind the pve_rules module."""

from __future__ import annotations

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve import fwfile
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve import rulelists
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve import rules as pverules
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.guests import batch_option, run_batch
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.targets import Target, resolve_target
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.writer import execute

NEEDS_8_3 = ('vnet',)


def rules_path(target):
    if target.level == 'group':
        return target.base
    return target.base + '/rules'


def group_target(client, name):
    existing = [g['group'] for g in client.get('cluster/firewall/groups', desc='read the security groups') or []]
    if name.lower() not in [g.lower() for g in existing]:
        raise ValidationError('security group %s does not exist; create it with pve_security_groups first' % name)
    target = Target('group', base='cluster/firewall/groups/%s' % name.lower())
    target.node = None
    return target


def describe(target, group=None):
    return 'security group %s' % group if target.level == 'group' else target.describe()


def render(config, level):
    """config -> the text of a .fw [RULES] section (offline)."""
    rulelists.validate(config, level)
    lines = [fwfile.render_rule(pverules.to_api(rulelists.clean(rule)), allow_iface=level != 'group') for rule in config or []]
    return '[RULES]\n\n' + ''.join(line + '\n' for line in lines)


def parse(text):
    """Text of a [RULES] section (header optional) -> config (offline)."""
    parsed = []
    for number, line in enumerate(str(text or '').splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith('#') or stripped.upper() in ('[RULES]',):
            continue
        if stripped.startswith('['):
            raise ValidationError('running_config line %d: only a [RULES] section can be parsed here, not %s' % (number, stripped))
        try:
            parsed.append(pverules.from_api(fwfile.parse_rule_line(stripped)))
        except fwfile.FwParseError as exc:
            raise ValidationError('running_config line %d: %s' % (number, exc))
    return parsed


def run_rules(module, client):
    params = module.params
    state = params['state']
    level = params['level']
    if state == 'rendered':
        return dict(changed=False, rendered=render(params.get('config'), level))
    if state == 'parsed':
        return dict(changed=False, parsed=parse(params.get('running_config')))
    macros = rulelists.Macros(client)
    option = batch_option(params)
    if option:
        return _run_batch(module, client, macros, option)
    if level in NEEDS_8_3 and client.version() < (8, 3):
        raise ValidationError('level=vnet needs Proxmox VE 8.3 or later')
    if level == 'group':
        if not params.get('group'):
            raise ValidationError('level=group needs the option group')
        target = group_target(client, params['group'])
    else:
        target = resolve_target(params, client)
    what = describe(target, params.get('group'))
    path = rules_path(target)
    if state == 'gathered':
        return dict(changed=False, gathered=rulelists.to_module(client.get(path, desc='read the rules of ' + what)))
    plan = rulelists.prepare(client, target, path, params.get('config') or [], state, macros, params['position'], 'config', what,
                             check_mode=module.check_mode)
    result = execute(client, plan, module.check_mode)
    for warning in result.pop('warnings', []):
        module.warn(warning)
    if module._diff:
        result['diff'] = dict(before=result['before'], after=result['after'])
    return result


def _run_batch(module, client, macros, option):
    params = module.params

    def setup():
        if any(rulelists.needs_macros(entry.get('config')) for entry in params[option]):
            macros.names()

    def prepare(target, config, prefix):
        return rulelists.prepare(client, target, rules_path(target), config or [], params['state'], macros,
                                 params['position'], prefix, check_mode=module.check_mode)

    def gather(target):
        return rulelists.to_module(client.get(rules_path(target), desc='read the rules of ' + target.describe()))

    return run_batch(module, client, option, lambda config, prefix, level: rulelists.validate(config or [], level, prefix),
                     prepare, gather, setup)
