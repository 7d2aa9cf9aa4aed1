# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: the NIC firewall flag (and bridge, VLAN tag) inside netN strings.

PVE takes a NIC as one property string and generates a new MAC when the string omits it, so the
string is read, only the managed keys are changed in place, and the whole string is written back
with every other part (model and MAC, hwaddr, ip, rate, mtu, ...) exactly as it was.
"""

from __future__ import annotations

import re

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.writer import Planned, TargetPlan

NIC_NAME = re.compile(r'^net\d+$')
BRIDGE_NAME = re.compile(r'^[A-Za-z][A-Za-z0-9_.\-]{0,15}$')
NIC_SPEC = dict(type='list', elements='dict', options=dict(
    name=dict(type='str', required=True),
    firewall=dict(type='bool'),
    bridge=dict(type='str'),
    tag=dict(type='int'),
))


def split_property_string(text):
    """Ordered (key, value) pairs; a part without '=' keeps key None (e.g. an LXC default key)."""
    pairs = []
    for part in str(text or '').split(','):
        if not part:
            continue
        key, sep, value = part.partition('=')
        pairs.append((key, value) if sep else (None, key))
    return pairs


def join_property_string(pairs):
    return ','.join(value if key is None else '%s=%s' % (key, value) for key, value in pairs)


def set_property(pairs, key, value):
    """Set or remove (value None) one key, keeping the position of everything else."""
    result, done = [], False
    for current_key, current_value in pairs:
        if current_key == key:
            if value is not None and not done:
                result.append((key, value))
            done = True
            continue
        result.append((current_key, current_value))
    if not done and value is not None:
        result.append((key, value))
    return result


def normalize_want(nics, prefix='nics'):
    wanted = {}
    for index, nic in enumerate(nics or []):
        field = '%s[%d]' % (prefix, index)
        if not NIC_NAME.match(nic['name']):
            raise ValidationError('%s.name=%r is not a NIC key: use net0, net1, ...' % (field, nic['name']))
        if nic['name'] in wanted:
            raise ValidationError('%s.name=%r is listed twice' % (field, nic['name']))
        if nic.get('bridge') is not None and not BRIDGE_NAME.match(nic['bridge']):
            raise ValidationError('%s.bridge=%r is not a valid bridge name' % (field, nic['bridge']))
        if nic.get('tag') is not None and not 0 <= nic['tag'] <= 4094:
            raise ValidationError('%s.tag=%r is out of range: 1 to 4094, or 0 for no tag' % (field, nic['tag']))
        wanted[nic['name']] = nic
    return wanted


def nic_view(text):
    props = dict((k, v) for k, v in split_property_string(text) if k)
    view = dict(firewall=props.get('firewall') == '1', bridge=props.get('bridge'))
    view['tag'] = int(props['tag']) if props.get('tag', '').isdigit() else None
    return view


def plan(target, config, wanted, prefix='nics'):
    """Return (changes {netN: new string}, before views, after views)."""
    changes, before, after = {}, {}, {}
    for name, nic in wanted.items():
        text = config.get(name)
        if text is None:
            raise ValidationError('%s: %s has no NIC %s (this module changes NICs, it does not add them)' % (
                prefix, target.describe().replace('the firewall of ', ''), name))
        pairs = split_property_string(text)
        if nic.get('firewall') is not None:
            pairs = set_property(pairs, 'firewall', '1' if nic['firewall'] else '0')
        if nic.get('bridge') is not None:
            pairs = set_property(pairs, 'bridge', nic['bridge'])
        if nic.get('tag') is not None:
            pairs = set_property(pairs, 'tag', str(nic['tag']) if nic['tag'] else None)
        new_text = join_property_string(pairs)
        before[name] = nic_view(text)
        after[name] = nic_view(new_text)
        if before[name] != after[name]:
            changes[name] = new_text
    return changes, before, after


def prepare(client, target, nics, running=False, prefix='nics'):
    """Read the guest config and plan the NIC changes; nothing is written."""
    wanted = normalize_want(nics, prefix)
    kind = 'qemu' if target.level == 'vm' else 'lxc'
    path = 'nodes/%s/%s/%d/config' % (target.node, kind, target.vmid)
    guest = target.describe().replace('the firewall of ', '')
    config = client.get(path, desc='read the config of %s' % guest) or {}
    changes, before, after = plan(target, config, wanted, prefix)
    calls = [Planned('PUT', path, changes, guard=path, desc='set the NICs of %s' % guest)] if changes else []
    flips = [name for name in changes if before[name]['firewall'] != after[name]['firewall']]
    warnings = []
    if flips and running:
        warnings.append('%s is running: changing the firewall flag of %s unplugs and re-plugs the NIC (a brief link flap)' % (
            guest, ', '.join(sorted(flips))))
    return TargetPlan(calls, {path: config}, before, after, replan=lambda: prepare(client, target, nics, running, prefix),
                      extra=dict(warnings=warnings))
