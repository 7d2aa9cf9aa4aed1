# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: minimal provisioning of one QEMU VM (the firewall VM).

A VM that does not exist is created with one ``POST /nodes/{node}/qemu`` (disk imported with
``import-from``, boot order disk first) and the creation task is waited for. A VM that exists is
only compared: the safe keys (cores, memory, name, tags) are updated with one digest-guarded
``PUT .../config``; everything else (disk, NICs, CPU type, ...) is reported as drift and never
written, because changing it on a running firewall is not a reconcile step.
"""

from __future__ import annotations

import re

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.nics import (
    BRIDGE_NAME,
    NIC_NAME,
    join_property_string,
    split_property_string,
)
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.tasks import wait_task

SAFE_KEYS = ('name', 'cores', 'memory', 'tags')
REPORTED_KEYS = ('sockets', 'cpu', 'ostype', 'scsihw', 'onboot')
NIC_MODELS = ('virtio', 'e1000', 'e1000e', 'vmxnet3', 'rtl8139')
DISK_NAME = re.compile(r'^(scsi|virtio|sata|ide)\d+$')
DNS_NAME = re.compile(r'^(?=.{1,63}$)[A-Za-z0-9]([A-Za-z0-9\-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9\-]*[A-Za-z0-9])?)*$')
TAG = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9_\-+.]*$')
MAC = re.compile(r'^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$')
VOLUME = re.compile(r'^[A-Za-z][A-Za-z0-9\-_.]*:\S+$')
STORAGE = re.compile(r'^[A-Za-z][A-Za-z0-9\-_.]*$')

# What the PAN-OS VM-Series needs at the least on KVM (the smallest supported model for 10.2 and 11.x).
PANOS_MIN_MEMORY_MIB = 9216
PANOS_MIN_CORES = 4
PROFILE_DEFAULTS = dict(
    generic=dict(),
    panos_vm_series=dict(ostype='l26', scsihw='virtio-scsi-pci', cpu='host'),
)

NET_OPTIONS = dict(
    name=dict(type='str', required=True),
    bridge=dict(type='str', required=True),
    model=dict(type='str', choices=list(NIC_MODELS), default='virtio'),
    firewall=dict(type='bool', default=False),
    tag=dict(type='int'),
    macaddr=dict(type='str'),
)
DISK_OPTIONS = dict(
    name=dict(type='str', default='scsi0'),
    storage=dict(type='str', required=True),
    import_from=dict(type='str'),
    size_gb=dict(type='int'),
    options=dict(type='dict', default={}),
)


def _memory_mib(value):
    """Config memory is ``[current=]<MiB>``; absent means PVE's default of 512."""
    if value in (None, ''):
        return 512
    match = re.search(r'(?:^|current=)(\d+)', str(value))
    return int(match.group(1)) if match else 512


def _tags(value):
    if isinstance(value, list):
        items = value
    else:
        items = re.split(r'[;,\s]+', str(value or ''))
    seen = []
    for item in items:
        item = str(item).strip().lower()
        if item and item not in seen:
            seen.append(item)
    return sorted(seen)


def nic_view(name, text):
    pairs = split_property_string(text)
    props = dict((k, v) for k, v in pairs if k)
    model, mac = None, None
    for key, value in pairs:
        if key in NIC_MODELS or (key is None and value in NIC_MODELS):
            model = key if key else value
            mac = value.upper() if key else None
            break
        if key == 'model':
            model = value
    mac = (props.get('macaddr') or mac or '').upper() or None
    tag = props.get('tag')
    return dict(name=name, model=model, macaddr=mac, bridge=props.get('bridge'), firewall=props.get('firewall') == '1',
                tag=int(tag) if tag and tag.isdigit() else None)


def vm_view(vmid, node, status, config):
    """The VM as this module describes it (gathered, before, after)."""
    nets = [nic_view(key, config[key]) for key in sorted(config, key=_key_order) if NIC_NAME.match(key)]
    disks = dict((key, str(config[key])) for key in sorted(config) if DISK_NAME.match(key))
    view = dict(exists=True, vmid=vmid, node=node, status=status, name=config.get('name'),
                cores=int(config.get('cores') or 1), sockets=int(config.get('sockets') or 1),
                memory=_memory_mib(config.get('memory')), cpu=config.get('cpu'), ostype=config.get('ostype'),
                scsihw=config.get('scsihw'), tags=_tags(config.get('tags')), onboot=str(config.get('onboot', 0)) == '1',
                boot=config.get('boot'), nets=nets, disks=disks)
    return view


def _key_order(key):
    match = re.match(r'^([a-z]+)(\d+)$', key)
    return (match.group(1), int(match.group(2))) if match else (key, 0)


def validate(params):
    """Everything that can be checked offline; returns the list of warnings."""
    warnings = []
    vmid = params['vmid']
    if not 100 <= vmid <= 999999999:
        raise ValidationError('vmid=%s is out of range: guest IDs are 100 to 999999999' % vmid)
    if params.get('name') is not None and not DNS_NAME.match(params['name']):
        raise ValidationError('name=%r is not a valid VM name (letters, digits, hyphens and dots, like a DNS name)' % params['name'])
    for key in ('cores', 'sockets'):
        if params.get(key) is not None and params[key] < 1:
            raise ValidationError('%s=%s must be at least 1' % (key, params[key]))
    if params.get('memory') is not None and params['memory'] < 16:
        raise ValidationError('memory=%s is below the 16 MiB Proxmox VE accepts' % params['memory'])
    for tag in params.get('tags') or []:
        if not TAG.match(tag):
            raise ValidationError('tags contains %r, which is not a valid Proxmox VE tag' % tag)
    _validate_nets(params.get('nets') or [])
    _validate_disk(params.get('disk'))
    if params['profile'] == 'panos_vm_series':
        if params.get('memory') is not None and params['memory'] < PANOS_MIN_MEMORY_MIB:
            raise ValidationError('memory=%s MiB is below the %s MiB (9 GiB) a PAN-OS VM-Series firewall needs (profile=panos_vm_series)' % (
                params['memory'], PANOS_MIN_MEMORY_MIB))
        if params.get('cores') is not None and params['cores'] < PANOS_MIN_CORES:
            warnings.append('cores=%s: a PAN-OS VM-Series firewall with fewer than %s vCPUs runs, but its data plane is starved'
                            % (params['cores'], PANOS_MIN_CORES))
    return warnings


def _validate_nets(nets):
    seen = set()
    for index, net in enumerate(nets):
        field = 'nets[%d]' % index
        if not NIC_NAME.match(net['name']):
            raise ValidationError('%s.name=%r is not a NIC key: use net0, net1, ...' % (field, net['name']))
        if net['name'] in seen:
            raise ValidationError('%s.name=%r is listed twice' % (field, net['name']))
        seen.add(net['name'])
        if not BRIDGE_NAME.match(net['bridge']):
            raise ValidationError('%s.bridge=%r is not a valid bridge name' % (field, net['bridge']))
        if net.get('tag') is not None and not 1 <= net['tag'] <= 4094:
            raise ValidationError('%s.tag=%r is out of range: 1 to 4094' % (field, net['tag']))
        if net.get('macaddr') is not None and not MAC.match(net['macaddr']):
            raise ValidationError('%s.macaddr=%r is not a MAC address like BC:24:11:00:00:01' % (field, net['macaddr']))


def _validate_disk(disk):
    if not disk:
        return
    if not DISK_NAME.match(disk['name']):
        raise ValidationError('disk.name=%r is not a disk key such as scsi0 or virtio0' % disk['name'])
    if not STORAGE.match(disk['storage']):
        raise ValidationError('disk.storage=%r is not a storage name' % disk['storage'])
    if bool(disk.get('import_from')) == bool(disk.get('size_gb')):
        raise ValidationError('disk: give either import_from (a volume to import) or size_gb (a new empty disk)')
    if disk.get('import_from') and not VOLUME.match(disk['import_from']):
        raise ValidationError('disk.import_from=%r is not a volume id like local:import/pa-vm.qcow2' % disk['import_from'])
    for key in disk.get('options') or {}:
        if key in ('file', 'import-from', 'size') or not re.match(r'^[a-z_\-]+$', key):
            raise ValidationError('disk.options may not set %r' % key)


def net_string(net):
    pairs = [(net['model'], net['macaddr'].upper()) if net.get('macaddr') else (None, net['model']), ('bridge', net['bridge'])]
    if net.get('firewall'):
        pairs.append(('firewall', '1'))
    if net.get('tag'):
        pairs.append(('tag', str(net['tag'])))
    return join_property_string(pairs)


def disk_string(disk):
    if disk.get('import_from'):
        pairs = [(None, '%s:0' % disk['storage']), ('import-from', disk['import_from'])]
    else:
        pairs = [(None, '%s:%d' % (disk['storage'], disk['size_gb']))]
    pairs += [(key, str(value)) for key, value in sorted((disk.get('options') or {}).items())]
    return join_property_string(pairs)


def create_params(params):
    """The parameters of POST /nodes/{node}/qemu; profile defaults fill what is not given."""
    values = dict(PROFILE_DEFAULTS[params['profile']])
    for key in ('name', 'cores', 'sockets', 'memory', 'cpu', 'ostype', 'scsihw'):
        if params.get(key) is not None:
            values[key] = params[key]
    result = dict(vmid=params['vmid'])
    result.update(values)
    if params.get('tags'):
        result['tags'] = ';'.join(_tags(params['tags']))
    if params.get('onboot') is not None:
        result['onboot'] = 1 if params['onboot'] else 0
    nets = params.get('nets') or []
    for net in nets:
        result[net['name']] = net_string(net)
    disk = params.get('disk')
    if disk:
        result[disk['name']] = disk_string(disk)
        order = [disk['name']] + [net['name'] for net in sorted(nets, key=lambda n: _key_order(n['name']))[:1]]
        result['boot'] = 'order=%s' % ';'.join(order)
    return result


def planned_view(params, node, created):
    """What the VM will look like after create (MACs and disk volumes are chosen by PVE)."""
    config = dict((key, value) for key, value in created.items() if key != 'vmid')
    return vm_view(params['vmid'], node, 'stopped', dict((k, str(v)) for k, v in config.items()))


def compare_existing(params, view):
    """(changes for PUT, deletes, unmanaged drift) of an existing VM."""
    changes, deletes, drift = {}, [], {}
    if params.get('name') is not None and params['name'] != view['name']:
        changes['name'] = params['name']
    if params.get('cores') is not None and params['cores'] != view['cores']:
        changes['cores'] = params['cores']
    if params.get('memory') is not None and params['memory'] != view['memory']:
        changes['memory'] = str(params['memory'])
    if params.get('tags') is not None and _tags(params['tags']) != view['tags']:
        if params['tags']:
            changes['tags'] = ';'.join(_tags(params['tags']))
        else:
            deletes.append('tags')
    # Only what the task asks for is compared; profile defaults apply to new VMs.
    wanted = dict((key, params[key]) for key in REPORTED_KEYS if params.get(key) is not None)
    for key, value in sorted(wanted.items()):
        if view.get(key) != value:
            drift[key] = dict(want=value, have=view.get(key))
    have_nets = dict((nic['name'], nic) for nic in view['nets'])
    for net in params.get('nets') or []:
        have = have_nets.get(net['name'])
        if have is None:
            drift[net['name']] = dict(want=net_string(net), have=None)
            continue
        for key in ('bridge', 'firewall', 'tag', 'model'):
            if net.get(key) is not None and have.get(key) != net.get(key) and not (key == 'tag' and not net[key] and not have[key]):
                drift['%s.%s' % (net['name'], key)] = dict(want=net[key], have=have.get(key))
    disk = params.get('disk')
    if disk and disk['name'] not in view['disks']:
        drift[disk['name']] = dict(want=disk_string(disk), have=None)
    return changes, deletes, drift


def locate(client, vmid):
    resources = client.get('cluster/resources', desc='list the guests of the cluster', type='vm') or []
    for item in resources:
        if int(item.get('vmid', -1)) == vmid:
            return item
    return None


def run_vm(module, client):
    params = module.params
    vmid = params['vmid']
    warnings = validate(params) if params['state'] != 'gathered' else []
    found = locate(client, vmid)
    if found is not None and found.get('type') != 'qemu':
        raise ValidationError('vmid %s is a container on node %s, not a VM' % (vmid, found.get('node')))
    if params['state'] == 'gathered':
        if found is None:
            return dict(changed=False, gathered=dict(exists=False, vmid=vmid, node=params.get('node')))
        config = client.get('nodes/%s/qemu/%d/config' % (found['node'], vmid), desc='read the config of VM %d' % vmid) or {}
        return dict(changed=False, gathered=vm_view(vmid, found['node'], found.get('status'), config))
    if found is None:
        result = _create(module, client, params, warnings)
    else:
        result = _update(module, client, params, found, warnings)
    for warning in warnings:
        module.warn(warning)
    if module._diff:
        result['diff'] = dict(before=result['before'], after=result['after'])
    return result


def _create(module, client, params, warnings):
    node = params.get('node')
    vmid = params['vmid']
    if not node:
        raise ValidationError('VM %d does not exist: give node to create it' % vmid)
    if params['profile'] == 'panos_vm_series':
        missing = [key for key in ('memory', 'cores', 'disk') if not params.get(key)]
        if missing:
            raise ValidationError('VM %d does not exist and profile=panos_vm_series needs %s to create it' % (vmid, ', '.join(missing)))
    missing = _missing_bridges(client, node, params.get('nets') or [])
    if missing and not module.check_mode:
        raise ValidationError(missing)
    if missing:
        # An earlier task of the same check-mode run (pve_bridges) would have created it.
        warnings.append(missing + ' (check mode: assumed to be created by an earlier task)')
    created = create_params(params)
    commands = [dict(method='POST', path='/nodes/%s/qemu' % node, params=dict(created))]
    result = dict(changed=True, created=True, vmid=vmid, node=node, before=dict(exists=False, vmid=vmid),
                  after=planned_view(params, node, created), commands=commands, unmanaged_drift={})
    if module.check_mode:
        return result
    desc = 'create VM %d on node %s' % (vmid, node)
    upid = client.post('nodes/%s/qemu' % node, desc=desc, **created)
    task = wait_task(client, upid, desc, timeout=params['wait_timeout'])
    result['task'] = dict(upid=task.get('upid') or upid, exitstatus=task.get('exitstatus'))
    config = client.get('nodes/%s/qemu/%d/config' % (node, vmid), desc='read the config of VM %d' % vmid) or {}
    result['after'] = vm_view(vmid, node, 'stopped', config)
    if params['profile'] == 'panos_vm_series':
        warnings.append('VM %d was created stopped: start it once the NICs are on the right bridges; '
                        'PAN-OS maps net0 to management and net1, net2, ... to ethernet1/1, ethernet1/2, ...' % vmid)
    return result


def _missing_bridges(client, node, nets):
    """A sentence naming the first NIC whose bridge does not exist on the node, or None."""
    if not nets:
        return None
    raw = client.get('nodes/%s/network' % node, desc='read the bridges of node %s' % node, type='any_bridge') or []
    bridges = set(item['iface'] for item in raw)
    for index, net in enumerate(nets):
        if net['bridge'] not in bridges:
            return 'nets[%d].bridge=%r does not exist on node %s (bridges: %s)' % (
                index, net['bridge'], node, ', '.join(sorted(bridges)) or 'none')
    return None


def _update(module, client, params, found, warnings):
    vmid, node = params['vmid'], found['node']
    if params.get('node') and params['node'] != node:
        warnings.append('VM %d is on node %s, not on %s; it was compared where it is' % (vmid, node, params['node']))
    path = 'nodes/%s/qemu/%d/config' % (node, vmid)
    config = client.get(path, desc='read the config of VM %d' % vmid) or {}
    view = vm_view(vmid, node, found.get('status'), config)
    changes, deletes, drift = compare_existing(params, view)
    if params['profile'] == 'panos_vm_series':
        memory = params.get('memory') or view['memory']
        if memory < PANOS_MIN_MEMORY_MIB:
            warnings.append('VM %d has %s MiB of memory, below the %s MiB a PAN-OS VM-Series firewall needs' % (vmid, memory, PANOS_MIN_MEMORY_MIB))
        if params.get('cores') is None and view['cores'] < PANOS_MIN_CORES:
            warnings.append('VM %d has %s vCPUs; a PAN-OS VM-Series firewall wants at least %s' % (vmid, view['cores'], PANOS_MIN_CORES))
    if drift:
        warnings.append('VM %d differs in settings this module does not change on an existing VM: %s' % (vmid, ', '.join(sorted(drift))))
    after = dict(view)
    after.update(dict((key, value) for key, value in changes.items() if key not in ('memory', 'tags')))
    if 'memory' in changes:
        after['memory'] = int(changes['memory'])
    if 'tags' in changes or deletes:
        after['tags'] = _tags(changes.get('tags', ''))
    commands = []
    if changes or deletes:
        put = dict(changes)
        if deletes:
            put['delete'] = ','.join(deletes)
        commands.append(dict(method='PUT', path='/' + path, params=dict(put)))
        if not module.check_mode:
            put['digest'] = config.get('digest')
            client.put(path, desc='update VM %d' % vmid, **put)
        if found.get('status') == 'running' and (set(changes) & set(('cores', 'memory'))):
            warnings.append('VM %d is running: the new cores/memory take effect at its next restart unless hotplug covers them' % vmid)
    return dict(changed=bool(commands), created=False, vmid=vmid, node=node, before=view, after=after, commands=commands,
                unmanaged_drift=drift)
