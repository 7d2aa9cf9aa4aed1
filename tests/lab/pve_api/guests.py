# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Everything around the firewall that the roles touch: version, nodes, resources, guests and
their configs (netN strings, tags), node network bridges, SDN VNets and subnets, tasks.

Guest config changes are applied at once (no pending section): the emulator has no running QEMU
to hot-plug into, so "pending until reboot" is not modelled.
"""

import difflib
import hashlib
import os
import re
import uuid

from . import schema as schema_mod
from .errors import PlainError, param_error
from .formats import split_list
from .state import subnet_id

MAC_PREFIX = 'BC:24:11'
NEW_DISK_RE = re.compile(r'^(([^/:\s]+):)?(\d+(\.\d+)?)$')
DISK_KEY_RE = re.compile(r'^(ide|sata|scsi|virtio|efidisk|tpmstate)\d+$')
NET_KEY_RE = re.compile(r'^net(\d+)$')
QEMU_UPDATE_META = ('node', 'vmid', 'delete', 'revert', 'digest', 'force', 'skiplock', 'background_delay')
LXC_REQUIRED = ('memory', 'rootfs', 'ostype')
CREATE_ONLY = ('archive', 'bwlimit', 'force', 'live-restore', 'pool', 'start', 'storage', 'unique', 'ha-managed',
               'import-working-storage', 'ostemplate', 'password', 'ssh-public-keys', 'restore',
               'ignore-unpack-errors')


def random_mac():
    return '%s:%s' % (MAC_PREFIX, ':'.join('%02X' % byte for byte in os.urandom(3)))


def unique_tags(text):
    """Tags as PVE stores them: split, lower-cased, de-duplicated, sorted, ';'-joined."""
    seen = []
    for tag in sorted(split_list(text), key=str.lower):
        tag = tag.lower()
        if tag not in seen:
            seen.append(tag)
    return ';'.join(seen)


class GuestsApi:
    """Handlers of the non-firewall routes."""

    def __init__(self, state, schema, clock):
        self.state = state
        self.schema = schema
        self.clock = clock
        qemu = schema.method_params('/nodes/{node}/qemu/{vmid}/config', 'PUT')
        lxc = schema.method_params('/nodes/{node}/lxc/{vmid}/config', 'PUT')
        self.config_schema = {'qemu': qemu, 'lxc': lxc}
        self.net_format = {'qemu': qemu.lookup('net0')['format'], 'lxc': lxc.lookup('net0')['format']}

    # -- helpers ------------------------------------------------------------------------------
    def require_node(self, node):
        if node not in self.state.nodes:
            raise PlainError("hostname lookup '%s' failed - failed to get address info for: %s: "
                             'Name or service not known' % (node, node))
        return self.state.nodes[node]

    def guest(self, kind, node, vmid):
        self.require_node(node)
        guest = self.state.guests.get(int(vmid))
        if guest is None or guest['type'] != kind or guest['node'] != node:
            folder = 'qemu-server' if kind == 'qemu' else 'lxc'
            raise PlainError("Configuration file 'nodes/%s/%s/%s.conf' does not exist" % (node, folder, vmid))
        return guest

    def new_task(self, node, kind, ident, user):
        now = int(self.clock())
        pid = int.from_bytes(os.urandom(2), 'big') + 1000
        pstart = now & 0xFFFFFF
        upid = 'UPID:%s:%08X:%08X:%08X:%s:%s:%s:' % (node, pid, pstart, now, kind, ident, user)
        self.state.tasks[upid] = {'upid': upid, 'node': node, 'pid': pid, 'pstart': pstart, 'starttime': now,
                                  'type': kind, 'id': ident, 'user': user, 'status': 'stopped', 'exitstatus': 'OK'}
        return upid

    @staticmethod
    def config_digest(config):
        text = ''.join('#%s\n' % line for line in config.get('description', '').split('\n') if 'description' in config)
        text += ''.join('%s: %s\n' % (key, config[key]) for key in sorted(config) if key != 'description')
        return hashlib.sha1(text.encode('utf-8')).hexdigest()

    def typed_config(self, kind, config):
        params = self.config_schema[kind]
        result = {}
        for key, value in config.items():
            prop = params.lookup(key) or {}
            kind_of = prop.get('type')
            if kind_of in ('integer', 'boolean') and re.match(r'^[+-]?\d+$', value):
                result[key] = int(value)
            elif kind_of == 'number' and schema_mod.NUMBER_RE.match(value):
                number = float(value)
                result[key] = int(number) if number == int(number) else number
            else:
                result[key] = value
        return result

    # -- version, nodes, resources ------------------------------------------------------------
    def version(self, _call):
        return dict(self.state.version)

    def nodes(self, _call):
        return [{'node': name, 'status': node['status'], 'type': 'node', 'id': 'node/%s' % name, 'level': '',
                 'maxcpu': node['maxcpu'], 'maxmem': node['maxmem'], 'mem': node['maxmem'] // 4, 'cpu': 0.01,
                 'uptime': 86400} for name, node in sorted(self.state.nodes.items())]

    def resources(self, call):
        kind = call.params.get('type')
        result = []
        if kind in (None, 'node'):
            result.extend(dict(entry, id='node/%s' % entry['node'], type='node') for entry in self.nodes(call))
        if kind in (None, 'vm'):
            for vmid in sorted(self.state.guests):
                guest = self.state.guests[vmid]
                entry = self._guest_summary(guest)
                entry.update({'id': '%s/%d' % (guest['type'], vmid), 'type': guest['type'], 'node': guest['node']})
                result.append(entry)
        if kind in (None, 'storage'):
            for name in sorted(self.state.nodes):
                for store in self.state.storage:
                    result.append({'id': 'storage/%s/%s' % (name, store['storage']), 'type': 'storage', 'node': name,
                                   'storage': store['storage'], 'plugintype': store.get('type', 'dir'),
                                   'content': store.get('content', 'images'), 'shared': int(store.get('shared', 0)),
                                   'status': 'available', 'disk': 0, 'maxdisk': 107374182400})
        if kind in (None, 'sdn'):
            for name in sorted(self.state.nodes):
                for zone in sorted(self.state.zones):
                    result.append({'id': 'sdn/%s/%s' % (name, zone), 'type': 'sdn', 'sdn': zone, 'node': name,
                                   'status': 'ok', 'zone-type': self.state.zones[zone].get('type', 'simple')})
        return result

    def _guest_summary(self, guest):
        config = guest['config']
        running = guest['status'] == 'running'
        entry = {'vmid': guest['vmid'], 'name': config.get('name') or config.get('hostname') or 'VM %d' % guest['vmid'],
                 'status': guest['status'], 'template': 1 if config.get('template') == '1' else 0,
                 'cpu': 0.0, 'maxcpu': int(config.get('cores', '1') or 1), 'maxmem': _memory_bytes(config.get('memory')),
                 'mem': _memory_bytes(config.get('memory')) // 2 if running else 0, 'maxdisk': 34359738368,
                 'disk': 0, 'uptime': 3600 if running else 0, 'netin': 0, 'netout': 0, 'diskread': 0, 'diskwrite': 0}
        if config.get('tags'):
            entry['tags'] = config['tags']
        return entry

    # -- guests -------------------------------------------------------------------------------
    def list_guests(self, kind):
        def handler(call):
            self.require_node(call.params['node'])
            result = []
            for vmid in sorted(self.state.guests):
                guest = self.state.guests[vmid]
                if guest['node'] == call.params['node'] and guest['type'] == kind:
                    entry = self._guest_summary(guest)
                    entry['cpus'] = entry.pop('maxcpu')
                    entry.pop('disk' if kind == 'qemu' else 'template', None)
                    if kind == 'lxc':
                        entry['type'] = 'lxc'
                    result.append(entry)
            return result
        return handler

    def get_config(self, kind):
        def handler(call):
            guest = self.guest(kind, call.params['node'], call.params['vmid'])
            if call.params.get('snapshot'):
                raise PlainError("snapshot '%s' does not exist" % call.params['snapshot'])
            config = guest['config']
            return dict(self.typed_config(kind, config), digest=self.config_digest(config))
        return handler

    def put_config(self, kind, asynchronous=False):
        def handler(call):
            params = call.params
            guest = self.guest(kind, params['node'], params['vmid'])
            changes = {key: value for key, value in params.items() if key not in QEMU_UPDATE_META}
            deletes = split_list(params.get('delete') or '')
            reverts = split_list(params.get('revert') or '')
            if not changes and not deletes and not reverts:
                raise PlainError('no options specified')
            self._check_delete_revert(kind, changes, deletes, reverts)
            if kind == 'lxc' and params.get('digest'):
                _assert_config_digest(guest, params['digest'])
            changes = self.normalise_changes(kind, guest['vmid'], changes)
            if kind == 'qemu' and params.get('digest'):
                _assert_config_digest(guest, params['digest'])
            config = dict(guest['config'])
            for key in deletes:
                if kind == 'lxc' and key in LXC_REQUIRED and key in config:
                    raise PlainError("unable to delete required option '%s'" % key)
                config.pop(key, None)
            config.update(changes)
            self._check_boot_order(config)
            guest['config'] = config
            if asynchronous:
                return self.new_task(params['node'], 'qmconfig', params['vmid'], call.user)
            return None
        return handler

    def _check_delete_revert(self, kind, changes, deletes, reverts):
        schema = self.config_schema[kind]
        for key in reverts:
            if schema.lookup(key) is None:
                raise param_error('revert', "unknown option '%s'" % key)
            if key in changes:
                raise param_error('delete' if kind == 'qemu' else 'revert',
                                  "you can't use '-%s' and -revert %s' at the same time" % (key, key))
        for key in deletes:
            key = 'ide2' if kind == 'qemu' and key == 'cdrom' else key
            if key in changes:
                raise param_error('delete', "you can't use '-%s' and -delete %s' at the same time" % (key, key))
            if key in reverts:
                raise param_error('revert', "you can't use '-delete %s' and -revert %s' at the same time" % (key, key))
            if schema.lookup(key) is None:
                raise param_error('delete', "unknown option '%s'" % key)

    def normalise_changes(self, kind, vmid, changes):
        """What qemu-server / pve-container store: MACs added to NICs, tags sorted, disks allocated."""
        result = {}
        for key, value in changes.items():
            if NET_KEY_RE.match(key):
                value = self.normalise_net(kind, value)
            elif key == 'tags':
                value = unique_tags(value)
            elif kind == 'qemu' and key == 'vmgenid' and value == '1':
                value = str(uuid.uuid4())
            elif DISK_KEY_RE.match(key) or (kind == 'lxc' and (key == 'rootfs' or re.match(r'^mp\d+$', key))):
                value = self._allocate_disk(vmid, key, value, result)
            result[key] = value
        return result

    def normalise_net(self, kind, value):
        fmt = self.net_format[kind]
        net = schema_mod.parse_property_string(fmt, value)    # already validated by the schema
        if kind == 'qemu':
            net.setdefault('macaddr', random_mac())
        else:
            net['type'] = 'veth'
            if not net.get('hwaddr'):
                net['hwaddr'] = random_mac()
        return schema_mod.print_property_string(net, fmt)

    def _allocate_disk(self, vmid, key, value, pending):
        first, sep, rest = value.partition(',')
        match = NEW_DISK_RE.match(first)
        if not match:
            return value
        storage = match.group(2) or 'local-lvm'
        options = [part for part in rest.split(',') if part] if sep else []
        imported = [part.split('=', 1)[1] for part in options if part.startswith('import-from=')]
        options = [part for part in options if not part.startswith('import-from=')]
        size = match.group(3)
        size_text = self.state.images.get(imported[0], '32G') if imported else '%sG' % size
        taken = set(self._guest_volumes(vmid)) | {v.split(',')[0] for v in pending.values()}
        index = 0
        while '%s:vm-%s-disk-%d' % (storage, vmid, index) in taken:
            index += 1
        prefix = 'subvol' if key == 'rootfs' or key.startswith('mp') else 'vm'
        volume = '%s:%s-%s-disk-%d' % (storage, prefix, vmid, index)
        return ','.join([volume] + options + ['size=%s' % size_text])

    def _guest_volumes(self, vmid):
        guest = self.state.guests.get(int(vmid))
        return [value.split(',')[0] for value in (guest['config'].values() if guest else [])]

    @staticmethod
    def _check_boot_order(config):
        boot = config.get('boot', '')
        match = re.search(r'(?:^|,)order=([^,]*)', boot)
        if match:
            for device in match.group(1).split(';'):
                if device and device not in config:
                    raise PlainError("invalid bootorder: device '%s' does not exist'" % device)

    def create_guest(self, kind):
        def handler(call):
            params = call.params
            node = params['node']
            self.require_node(node)
            vmid = int(params['vmid'])
            existing = self.state.guests.get(vmid)
            action = 'create VM' if kind == 'qemu' else 'create CT'
            if existing is not None:
                what = 'VM' if existing['type'] == 'qemu' else 'CT'
                raise PlainError('unable to %s %d - %s %d already exists on node \'%s\''
                                 % (action, vmid, what, vmid, existing['node']))
            if params.get('archive') or params.get('restore'):
                raise PlainError('restore is not supported by the lab emulator')
            changes = {key: value for key, value in params.items() if key not in ('node', 'vmid') + CREATE_ONLY}
            config = self.normalise_changes(kind, vmid, changes)
            if kind == 'qemu':
                config.setdefault('smbios1', 'uuid=%s' % uuid.uuid4())
                config.setdefault('vmgenid', str(uuid.uuid4()))
                config['meta'] = 'creation-qemu=9.2.0,ctime=%d' % int(self.clock())
                if 'boot' not in config:
                    devices = sorted(key for key in config if DISK_KEY_RE.match(key) or NET_KEY_RE.match(key))
                    config['boot'] = 'order=%s' % ';'.join(devices) if devices else ''
            else:
                config.setdefault('ostype', 'debian')
                config.setdefault('arch', 'amd64')
                config.setdefault('rootfs', 'local-lvm:subvol-%d-disk-0,size=8G' % vmid)
                config.setdefault('memory', '512')
            self._check_boot_order(config)
            status = 'running' if params.get('start') == '1' else 'stopped'
            self.state.guests[vmid] = {'vmid': vmid, 'type': kind, 'node': node, 'status': status,
                                       'config': config, 'agent_ips': {}}
            return self.new_task(node, 'qmcreate' if kind == 'qemu' else 'vzcreate', str(vmid), call.user)
        return handler

    def lxc_interfaces(self, call):
        guest = self.guest('lxc', call.params['node'], call.params['vmid'])
        if guest['status'] != 'running':
            raise PlainError('CT %s not running' % call.params['vmid'])
        result = [{'name': 'lo', 'hwaddr': '00:00:00:00:00:00', 'hardware-address': '00:00:00:00:00:00',
                   'inet': '127.0.0.1/8', 'inet6': '::1/128', 'ip-addresses': []}]
        for key in sorted(guest['config']):
            if NET_KEY_RE.match(key):
                net = schema_mod.parse_property_string(self.net_format['lxc'], guest['config'][key])
                entry = {'name': net.get('name'), 'hwaddr': net.get('hwaddr'), 'hardware-address': net.get('hwaddr'),
                         'ip-addresses': []}
                ips = guest['agent_ips'].get(key) or ([net['ip']] if net.get('ip', 'dhcp') not in ('dhcp', 'manual')
                                                      else [])
                for ip in ips:
                    entry['inet' if ':' not in ip else 'inet6'] = ip
                result.append(entry)
        return result

    def qemu_agent_interfaces(self, call):
        guest = self.guest('qemu', call.params['node'], call.params['vmid'])
        if 'agent' not in guest['config']:
            raise PlainError('No QEMU guest agent configured')
        if guest['status'] != 'running':
            raise PlainError('VM %s is not running' % call.params['vmid'])
        result = [{'name': 'lo', 'hardware-address': '00:00:00:00:00:00',
                   'ip-addresses': [{'ip-address': '127.0.0.1', 'ip-address-type': 'ipv4', 'prefix': 8}]}]
        for index, key in enumerate(sorted(key for key in guest['config'] if NET_KEY_RE.match(key))):
            net = schema_mod.parse_property_string(self.net_format['qemu'], guest['config'][key])
            addresses = []
            for ip in guest['agent_ips'].get(key) or []:
                address, _sep, prefix = ip.partition('/')
                addresses.append({'ip-address': address, 'ip-address-type': 'ipv6' if ':' in address else 'ipv4',
                                  'prefix': int(prefix or (128 if ':' in address else 32))})
            result.append({'name': 'eth%d' % index, 'hardware-address': (net.get('macaddr') or '').lower(),
                           'ip-addresses': addresses})
        return {'result': result}

    # -- tasks --------------------------------------------------------------------------------
    def task_status(self, call):
        self.require_node(call.params['node'])
        task = self.state.tasks.get(call.params['upid'])
        if task is None:
            raise PlainError("no such task '%s'" % call.params['upid'])
        return dict(task)

    def task_log(self, call):
        self.require_node(call.params['node'])
        task = self.state.tasks.get(call.params['upid'])
        if task is None:
            raise PlainError("no such task '%s'" % call.params['upid'])
        return [{'n': 1, 't': 'TASK OK'}], {'total': 1}

    # -- node network -------------------------------------------------------------------------
    def _ifaces(self, node):
        return node['network_pending'] if node['network_pending'] is not None else node['network']

    def _editable(self, node):
        if node['network_pending'] is None:
            node['network_pending'] = {name: dict(iface) for name, iface in node['network'].items()}
        return node['network_pending']

    def network_list(self, call):
        node = self.require_node(call.params['node'])
        wanted = call.params.get('type')
        result = []
        for name in sorted(self._ifaces(node)):
            iface = _iface_view(name, self._ifaces(node)[name], name in node['network'])
            kind = iface.get('type')
            if wanted and wanted != 'include_sdn':
                is_bridge = kind in ('bridge', 'OVSBridge')
                if not (wanted == kind or (is_bridge and wanted in ('any_bridge', 'any_local_bridge'))):
                    continue
            result.append(iface)
        changes = self._changes(node)
        return (result, {'changes': changes}) if changes else result

    def _changes(self, node):
        if node['network_pending'] is None:
            return None
        old, new = _interfaces_text(node['network']), _interfaces_text(node['network_pending'])
        if old == new:
            return None
        diff = difflib.unified_diff(old.splitlines(True), new.splitlines(True), '/etc/network/interfaces',
                                    '/etc/network/interfaces.new')
        return ''.join(diff)

    def network_create(self, call):
        node = self.require_node(call.params['node'])
        ifaces = self._ifaces(node)
        name = call.params['iface']
        if name in ifaces:
            raise param_error('iface', 'interface already exists')
        iface = _iface_params(call.params)
        _check_duplicates(ifaces, name, iface)
        self._editable(node)[name] = iface

    def network_get(self, call):
        node = self.require_node(call.params['node'])
        iface = self._ifaces(node).get(call.params['iface'])
        if iface is None:
            raise param_error('iface', 'interface does not exist')
        return _iface_view(call.params['iface'], iface, call.params['iface'] in node['network'])

    def network_update(self, call):
        node = self.require_node(call.params['node'])
        name = call.params['iface']
        if name not in self._ifaces(node):
            raise param_error('iface', 'interface does not exist')
        ifaces = self._editable(node)
        current = dict(ifaces[name])
        for key in split_list(call.params.get('delete') or ''):
            current.pop(key, None)
            if key == 'cidr':
                current.pop('address', None)
                current.pop('netmask', None)
        update = _iface_params(call.params)
        _check_duplicates(ifaces, name, update)
        current.update(update)
        ifaces[name] = current

    def network_delete(self, call):
        node = self.require_node(call.params['node'])
        name = call.params['iface']
        if name not in self._ifaces(node):
            raise param_error('iface', 'interface does not exist')
        del self._editable(node)[name]

    def network_apply(self, call):
        node = self.require_node(call.params['node'])
        if node['network_pending'] is not None:
            node['network'] = node['network_pending']
            node['network_pending'] = None
        return self.new_task(call.params['node'], 'srvreload', 'networking', call.user)

    def network_revert(self, call):
        node = self.require_node(call.params['node'])
        node['network_pending'] = None

    # -- SDN ----------------------------------------------------------------------------------
    def vnets_list(self, _call):
        return [self._vnet_view(vnet) for _name, vnet in sorted(self.state.vnets.items())]

    def _vnet_view(self, vnet):
        view = {key: value for key, value in vnet.items() if key != 'subnets'}
        view.setdefault('type', 'vnet')
        view['digest'] = hashlib.sha1(repr(sorted(view.items())).encode('utf-8')).hexdigest()
        return view

    def vnet_get(self, call):
        vnet = self.state.vnets.get(call.params['vnet'])
        if vnet is None:
            raise PlainError("sdn vnet object ID '%s' does not exist" % call.params['vnet'])
        return self._vnet_view(vnet)

    def vnet_create(self, call):
        name = call.params['vnet']
        if name in self.state.vnets:
            raise PlainError("sdn vnet object ID '%s' already defined" % name)
        if call.params['zone'] not in self.state.zones:
            raise PlainError("zone '%s' does not exist" % call.params['zone'])
        vnet = {key: value for key, value in call.params.items() if key not in ('lock-token',)}
        vnet['type'] = 'vnet'
        for key in ('tag', 'vlanaware', 'isolate-ports'):
            if key in vnet:
                vnet[key] = int(vnet[key])
        vnet['subnets'] = {}
        self.state.vnets[name] = vnet
        self.state.sdn_touch()

    def vnet_update(self, call):
        vnet = self.state.vnets.get(call.params['vnet'])
        if vnet is None:
            raise PlainError("sdn vnet object ID '%s' does not exist" % call.params['vnet'])
        if call.params.get('digest') and call.params['digest'] != self._vnet_view(vnet)['digest']:
            raise PlainError('detected modified configuration - file changed by other user? Try again.')
        for key in split_list(call.params.get('delete') or ''):
            vnet.pop(key, None)
        for key, value in call.params.items():
            if key not in ('vnet', 'delete', 'digest', 'lock-token'):
                vnet[key] = int(value) if key in ('tag', 'vlanaware', 'isolate-ports') else value
        self.state.sdn_touch()

    def vnet_delete(self, call):
        name = call.params['vnet']
        if name not in self.state.vnets:
            raise PlainError("sdn vnet object ID '%s' does not exist" % name)
        if self.state.vnets[name]['subnets']:
            raise PlainError("Can't delete vnet '%s', it still has subnets" % name)
        del self.state.vnets[name]
        self.state.sdn_touch()

    def subnets_list(self, call):
        vnet = self.state.vnets.get(call.params['vnet'])
        if vnet is None:
            return []
        return [dict(subnet, id=ident, vnet=call.params['vnet'], type='subnet', zone=vnet.get('zone'))
                for ident, subnet in sorted(vnet['subnets'].items())]

    def subnet_create(self, call):
        vnet = self.state.vnets.get(call.params['vnet'])
        if vnet is None:
            raise PlainError("vnet '%s' does not exist" % call.params['vnet'])
        ident = subnet_id(vnet.get('zone', ''), call.params['subnet'])
        if ident in vnet['subnets']:
            raise PlainError("sdn subnet object ID '%s' already defined" % ident)
        subnet = {key: value for key, value in call.params.items() if key not in ('vnet', 'type', 'lock-token')}
        vnet['subnets'][ident] = subnet
        self.state.sdn_touch()


def _assert_config_digest(guest, digest):
    if digest != GuestsApi.config_digest(guest['config']):
        raise PlainError('detected modified configuration - file changed by other user? Try again.')


def _memory_bytes(value):
    match = re.search(r'(\d+)', value or '')
    return int(match.group(1)) * 1048576 if match else 536870912


def _iface_params(params):
    iface = {key: value for key, value in params.items() if key not in ('node', 'iface', 'delete')}
    cidr = iface.get('cidr')
    if cidr:
        address, _sep, bits = cidr.partition('/')
        if iface.get('address') and iface['address'] != address:
            raise param_error('address', 'address conflicts with cidr')
        iface['address'], iface['netmask'] = address, bits
    if iface.get('bridge_vids'):
        iface['bridge_vids'] = ' '.join(split_list(iface['bridge_vids']))
    iface['method'] = 'static' if iface.get('address') else 'manual'
    iface['method6'] = 'static' if iface.get('address6') else 'manual'
    return iface


def _check_duplicates(ifaces, name, update):
    for key, label in (('gateway', 'Default gateway'), ('gateway6', 'Default ipv6 gateway')):
        if update.get(key):
            for other, iface in ifaces.items():
                if other != name and iface.get(key):
                    raise param_error(key, "%s already exists on interface '%s'." % (label, other))
    for key in ('bridge_ports', 'slaves', 'ovs_ports', 'ovs_bonds'):
        wanted = set(split_list(update.get(key) or ''))
        for other, iface in ifaces.items():
            if other == name:
                continue
            for port in split_list(iface.get(key) or ''):
                if port in wanted:
                    raise param_error(key, "%s is already used on interface '%s'." % (port, other))


def _iface_view(name, iface, active):
    view = dict(iface, iface=name)
    view.setdefault('type', 'eth')
    if view.get('address') and view.get('netmask') and not view.get('cidr'):
        view['cidr'] = '%s/%s' % (view['address'], view['netmask'])
    families = ['inet'] + (['inet6'] if view.get('address6') else [])
    view.setdefault('families', families)
    view.setdefault('method', 'static' if view.get('address') else 'manual')
    view.setdefault('method6', 'manual')
    view.setdefault('priority', 1)
    view['active'] = 1 if active else 0
    view['exists'] = 1 if view['type'] == 'eth' else view.get('exists', 0)
    for key in ('autostart', 'bridge_vlan_aware'):
        if key in view:
            view[key] = int(view[key])
    if view['type'] == 'bridge':
        view.setdefault('bridge_stp', 'off')
        view.setdefault('bridge_fd', '0')
    return view


def _interfaces_text(ifaces):
    lines = ['auto lo', 'iface lo inet loopback', '']
    for name in sorted(ifaces):
        iface = ifaces[name]
        if str(iface.get('autostart', '1')) == '1' and iface.get('type') != 'eth':
            lines.append('auto %s' % name)
        lines.append('iface %s inet %s' % (name, 'static' if iface.get('address') else 'manual'))
        if iface.get('address'):
            lines.append('\taddress %s/%s' % (iface['address'], iface.get('netmask', '24')))
        if iface.get('gateway'):
            lines.append('\tgateway %s' % iface['gateway'])
        if iface.get('type') == 'bridge':
            lines.append('\tbridge-ports %s' % (iface.get('bridge_ports') or 'none'))
            lines.append('\tbridge-stp off')
            lines.append('\tbridge-fd 0')
            if str(iface.get('bridge_vlan_aware', '0')) == '1':
                lines.append('\tbridge-vlan-aware yes')
                lines.append('\tbridge-vids %s' % (iface.get('bridge_vids') or '2-4094'))
        if iface.get('comments'):
            lines.append('#%s' % iface['comments'])
        lines.append('')
    return '\n'.join(lines) + '\n'
