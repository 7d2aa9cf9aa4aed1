# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: Linux bridges of a Proxmox VE node (/nodes/{node}/network).

PVE stages every network change in /etc/network/interfaces.new; ``PUT /nodes/{node}/network``
makes the whole staged file live (ifreload) and answers with a task. The list read shows the
staged view, with ``active`` telling whether an interface is up in the kernel. So the plan is:
read once, write the differing bridges, and apply once - only when this run wrote something, or
when a listed bridge exists in the staged file but is not live yet (a run that stopped early).

The node network has no digest; every write names one interface and carries only the keys that
differ (``delete=`` for the ones that go).
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.tasks import wait_task

# PVE's pve-iface format.
IFACE_NAME = re.compile(r'^[a-zA-Z][a-zA-Z0-9_]{1,20}([:.]\d+)?$')
PORT_KEYS = ('bridge_ports', 'slaves', 'ovs_ports', 'ovs_bonds')
DEFAULT_VIDS = ['2-4094']
FIELDS = ('ports', 'vlan_aware', 'vids', 'cidr', 'autostart', 'comments')
# What a listed key means when it is not given and the bridge is made exactly as listed (replaced) or new.
DEFAULTS = dict(ports=[], vlan_aware=False, vids=[], cidr=None, autostart=True, comments=None)

BRIDGE_OPTIONS = dict(
    iface=dict(type='str', required=True),
    ports=dict(type='list', elements='str'),
    vlan_aware=dict(type='bool'),
    vids=dict(type='list', elements='str'),
    cidr=dict(type='str'),
    autostart=dict(type='bool'),
    comments=dict(type='str'),
)


def _flag(value):
    return str(value).strip().lower() in ('1', 'true', 'yes', 'on')


def _split(text):
    return [part for part in re.split(r'[\s,;]+', str(text or '').strip()) if part]


def _vid_key(token):
    return int(token.split('-', 1)[0])


def normalize_vids(tokens, field):
    """Each token a VLAN id or range 2-4094; returned in PVE's spelling, sorted by start."""
    result = []
    for token in tokens:
        text = str(token).strip()
        match = re.match(r'^(\d+)(?:-(\d+))?$', text)
        low = int(match.group(1)) if match else 0
        high = int(match.group(2)) if match and match.group(2) else low
        if not match or not 2 <= low <= high <= 4094:
            raise ValidationError('%s=%r is not a VLAN id or range: use 2 to 4094, or a range like 100-200' % (field, token))
        result.append('%d-%d' % (low, high) if high != low else str(low))
    return sorted(set(result), key=_vid_key)


def normalize_cidr(value, field):
    try:
        interface = ipaddress.IPv4Interface(str(value).strip())
    except ValueError:
        raise ValidationError('%s=%r is not an IPv4 address with prefix length, for example 192.0.2.10/24' % (field, value))
    if '/' not in str(value):
        raise ValidationError('%s=%r needs a prefix length, for example %s/24' % (field, value, value))
    return str(interface)


def bridge_view(item):
    """A node network entry (a Linux bridge) in the shape of the module's config, plus ``active``."""
    vlan_aware = _flag(item.get('bridge_vlan_aware', 0))
    cidr = item.get('cidr')
    if not cidr and item.get('address') and item.get('netmask'):
        netmask = str(item['netmask'])
        prefix = netmask if netmask.isdigit() else str(ipaddress.IPv4Network('0.0.0.0/%s' % netmask).prefixlen)
        cidr = '%s/%s' % (item['address'], prefix)
    view = dict(
        iface=item['iface'],
        ports=sorted(port for port in _split(item.get('bridge_ports')) if port != 'none'),
        vlan_aware=vlan_aware,
        vids=(normalize_vids(_split(item.get('bridge_vids')) or DEFAULT_VIDS, 'bridge_vids') if vlan_aware else []),
        cidr=str(ipaddress.IPv4Interface(cidr)) if cidr else None,
        autostart=_flag(item.get('autostart', 0)),
        # PVE reads comments back with the trailing newline of the file.
        comments=(str(item.get('comments') or '').strip() or None),
    )
    return view


def config_shape(view):
    """The view without state-only keys and empty optional ones: what ``gathered`` returns."""
    shaped = dict(iface=view['iface'], ports=list(view['ports']), vlan_aware=view['vlan_aware'], autostart=view['autostart'])
    if view['vlan_aware']:
        shaped['vids'] = list(view['vids'])
    for key in ('cidr', 'comments'):
        if view.get(key):
            shaped[key] = view[key]
    return shaped


def normalize_want(config):
    """Validate and normalise the listed bridges offline; keys not given stay None."""
    wanted, seen = [], set()
    for index, item in enumerate(config or []):
        field = 'config[%d]' % index
        iface = item['iface']
        if not IFACE_NAME.match(iface or ''):
            raise ValidationError('%s.iface=%r is not a valid interface name (letters, digits, underscore; 2-21 characters)' % (field, iface))
        if iface in seen:
            raise ValidationError('%s.iface=%r is listed twice' % (field, iface))
        seen.add(iface)
        want = dict(iface=iface)
        if item.get('ports') is not None:
            for port in item['ports']:
                if not IFACE_NAME.match(port or '') or port == iface:
                    raise ValidationError('%s.ports contains %r, which is not a valid port for bridge %s' % (field, port, iface))
            want['ports'] = sorted(set(item['ports']))
        if item.get('vids') is not None:
            if item.get('vlan_aware') is False:
                raise ValidationError('%s.vids is set but vlan_aware is false: VLAN ids apply only to a VLAN-aware bridge' % field)
            want['vids'] = normalize_vids(item['vids'], field + '.vids') if item['vids'] else []
        for key in ('vlan_aware', 'autostart'):
            if item.get(key) is not None:
                want[key] = bool(item[key])
        if item.get('cidr') is not None:
            want['cidr'] = normalize_cidr(item['cidr'], field + '.cidr') if item['cidr'] else None
        if item.get('comments') is not None:
            if '\n' in item['comments']:
                raise ValidationError('%s.comments must be one line' % field)
            want['comments'] = item['comments'].strip() or None
        wanted.append(want)
    return wanted


def desired_view(want, have, state):
    """The bridge as it should be: merged keeps what is not given, replaced and new bridges use the defaults."""
    base = dict(DEFAULTS) if (have is None or state == 'replaced') else dict((key, have[key]) for key in FIELDS)
    base['iface'] = want['iface']
    for key in FIELDS:
        if key in want:
            base[key] = want[key]
    if not base['vlan_aware']:
        if want.get('vids'):
            raise ValidationError('bridge %s: vids needs vlan_aware=true' % want['iface'])
        base['vids'] = []
    elif not base['vids']:
        base['vids'] = list(DEFAULT_VIDS)
    return base


def _api_params(view, keys):
    params, deletes = {}, []
    for key in keys:
        value = view[key]
        if key == 'ports':
            if value:
                params['bridge_ports'] = ' '.join(value)
            else:
                deletes.append('bridge_ports')
        elif key == 'vids':
            if view['vlan_aware'] and value and value != DEFAULT_VIDS:
                params['bridge_vids'] = ' '.join(value)
            else:
                deletes.append('bridge_vids')
        elif key == 'vlan_aware':
            params['bridge_vlan_aware'] = 1 if value else 0
        elif key == 'autostart':
            params['autostart'] = 1 if value else 0
        elif key in ('cidr', 'comments'):
            if value:
                params[key] = value
            else:
                deletes.append(key)
    return params, deletes


def _port_owners(raw, exclude=()):
    owners = {}
    for item in raw:
        if item['iface'] in exclude:
            continue
        for key in PORT_KEYS:
            for port in _split(item.get(key)):
                owners.setdefault(port, item['iface'])
    return owners


class Step(object):
    """One planned write: method, path, params, and the ports it gives up (writes that free ports go first)."""

    __slots__ = ('method', 'path', 'params', 'desc', 'releases')

    def __init__(self, method, path, params, desc, releases=False):
        self.method = method
        self.path = path
        self.params = params
        self.desc = desc
        self.releases = releases

    def as_dict(self):
        result = dict(method=self.method, path='/' + self.path)
        if self.params:
            result['params'] = dict(self.params)
        return result


def plan_bridges(node, raw, wanted, state):
    """Return (steps, before, after) for merged/replaced/deleted; raises before anything is written."""
    by_name = dict((item['iface'], item) for item in raw)
    steps, before, after = [], [], []
    if state == 'deleted':
        for want in wanted:
            item = by_name.get(want['iface'])
            if item is None:
                continue
            _require_bridge(item, node)
            if item.get('gateway'):
                raise ValidationError('Refusing to delete %s on node %s: it carries the default gateway %s of the node' % (
                    item['iface'], node, item['gateway']))
            before.append(config_shape(bridge_view(item)))
            steps.append(Step('DELETE', 'nodes/%s/network/%s' % (node, item['iface']), {}, 'delete bridge %s on node %s' % (item['iface'], node),
                              releases=True))
        return steps, before, after
    listed = set(want['iface'] for want in wanted)
    owners = _port_owners(raw, exclude=listed)
    taken = {}
    for want in wanted:
        item = by_name.get(want['iface'])
        if item is not None:
            _require_bridge(item, node)
        have = bridge_view(item) if item is not None else None
        desired = desired_view(want, have, state)
        if have is not None and have['cidr'] and not desired['cidr'] and item.get('gateway'):
            raise ValidationError('Refusing to remove the address of %s on node %s: the node\'s default gateway %s is on it' % (
                want['iface'], node, item['gateway']))
        for port in desired['ports']:
            other = owners.get(port) or taken.get(port)
            if other:
                raise ValidationError('bridge %s: port %s is already used by %s on node %s' % (want['iface'], port, other, node))
            taken[port] = want['iface']
        before.append(config_shape(have) if have is not None else None)
        after.append(config_shape(desired))
        step = _step_for(node, item, have, desired)
        if step is not None:
            steps.append(step)
    # Ports move between bridges without a moment where two bridges claim them.
    steps.sort(key=lambda step: (not step.releases, step.method == 'POST'))
    return steps, before, after


def _require_bridge(item, node):
    if item.get('type') != 'bridge':
        raise ValidationError('%s on node %s is a %s, not a Linux bridge; this module manages Linux bridges only' % (
            item['iface'], node, item.get('type') or 'interface'))


def _step_for(node, item, have, desired):
    iface = desired['iface']
    if have is None:
        params, _deletes = _api_params(desired, FIELDS)
        if not desired['vlan_aware']:
            params.pop('bridge_vlan_aware')
        params.update(iface=iface, type='bridge')
        return Step('POST', 'nodes/%s/network' % node, params, 'create bridge %s on node %s' % (iface, node))
    changed = [key for key in FIELDS if have[key] != desired[key]]
    if not changed:
        return None
    if 'vlan_aware' in changed and 'vids' not in changed and desired['vlan_aware']:
        changed.append('vids')
    params, deletes = _api_params(desired, changed)
    # Only what the file holds can be deleted; an effective default has nothing to remove.
    deletes = [key for key in deletes if item.get(key) not in (None, '') or (key == 'cidr' and item.get('address'))]
    params['type'] = 'bridge'
    if deletes:
        params['delete'] = ','.join(deletes)
    releases = bool(set(have['ports']) - set(desired['ports']))
    return Step('PUT', 'nodes/%s/network/%s' % (node, iface), params, 'update bridge %s on node %s' % (iface, node), releases)


def run_bridges(module, client):
    params = module.params
    node, state = params['node'], params['state']
    wanted = normalize_want(params.get('config') or [])
    raw = client.get('nodes/%s/network' % node, desc='read the network of node %s' % node) or []
    if state == 'gathered':
        bridges = [item for item in raw if item.get('type') == 'bridge']
        return dict(changed=False, gathered=[config_shape(bridge_view(item)) for item in bridges],
                    pending=[item['iface'] for item in bridges if not _flag(item.get('active', 1))])
    steps, before, after = plan_bridges(node, raw, wanted, state)
    # A listed bridge that exists only in the staged file was written by a run that did not apply it.
    by_name = dict((item['iface'], item) for item in raw)
    staged = sorted(want['iface'] for want in wanted if state != 'deleted' and want['iface'] in by_name
                    and not _flag(by_name[want['iface']].get('active', 1)))
    apply_needed = params['apply'] and bool(steps or staged)
    commands = [step.as_dict() for step in steps]
    if apply_needed:
        commands.append(dict(method='PUT', path='/nodes/%s/network' % node))
    task = None
    if not module.check_mode:
        for step in steps:
            getattr(client, step.method.lower())(step.path, desc=step.desc, **step.params)
        if apply_needed:
            upid = client.put('nodes/%s/network' % node, desc='apply the network configuration of node %s' % node)
            task = wait_task(client, upid, 'apply the network configuration of node %s' % node, timeout=params['wait_timeout'])
    if steps and not params['apply']:
        module.warn('The bridge changes on node %s are staged and not live: apply them with apply=true or in the web interface' % node)
    result = dict(changed=bool(steps) or apply_needed, before=before, after=after, commands=commands, applied=apply_needed)
    if staged:
        result['staged_before'] = staged
    if task is not None:
        result['task'] = dict(upid=task.get('upid'), exitstatus=task.get('exitstatus'))
    if module._diff:
        result['diff'] = dict(before=before, after=after)
    return result
