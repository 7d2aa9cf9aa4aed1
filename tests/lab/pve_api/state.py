# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Everything the emulated cluster knows, and its JSON form (fixtures and the state file).

The firewall part is kept and persisted as real .fw file texts (``fw_files``), so a state file
can be read like /etc/pve, and a fixture may simply contain .fw files.
"""

import copy
import json
import os
import secrets

from . import fwmodel

FIXTURE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')
DEFAULT_FIXTURE = os.path.join(FIXTURE_DIR, 'default.json')

DEFAULT_USERS = {'root@pam': {'password': 'zonewarden-lab'}}
DEFAULT_TOKENS = {'root@pam!zonewarden': {'secret': '11111111-2222-3333-4444-555555555555'}}
DEFAULT_VERSION = {'version': '9.1.9', 'release': '9.1', 'repoid': 'a8736b6d', 'console': 'html5'}
SDN_IPSET_SUFFIXES = ('all', 'gateway', 'no-gateway', 'dhcp')


def load_default_fixture():
    with open(DEFAULT_FIXTURE, encoding='utf-8') as handle:
        return json.load(handle)


class PveState:
    """Nodes, guests, SDN, users and the firewall files of one emulated cluster."""

    def __init__(self, macros):
        self.macros = macros
        self.clear()

    def clear(self):
        self.version = dict(DEFAULT_VERSION)
        self.cluster_name = 'lab'
        self.users = copy.deepcopy(DEFAULT_USERS)
        self.tokens = copy.deepcopy(DEFAULT_TOKENS)
        self.authkey = secrets.token_hex(32)
        self.nodes = {}
        self.guests = {}
        self.storage = []
        self.zones = {}
        self.vnets = {}
        self.tasks = {}
        self.firewall_log = {}
        self.images = {}
        self.cluster = fwmodel.ClusterFw()
        self.hosts = {}
        self.guest_fw = {}
        self.vnet_fw = {}
        self.sdn_version = 0
        self._sdn_cache = (None, frozenset())

    # -- SDN ----------------------------------------------------------------------------------
    def sdn_touch(self):
        self.sdn_version += 1

    def sdn_ipsets(self):
        """Names of the ipsets SDN generates per VNet (referenced as +sdn/<vnet>-all etc.)."""
        if self._sdn_cache[0] != self.sdn_version:
            names = frozenset('%s-%s' % (vnet, suffix) for vnet in self.vnets for suffix in SDN_IPSET_SUFFIXES)
            self._sdn_cache = (self.sdn_version, names)
        return self._sdn_cache[1]

    # -- firewall configs ---------------------------------------------------------------------
    def rule_context(self, env, conf):
        local = None if env == 'group' else conf
        return fwmodel.RuleContext(self.macros, self.cluster, local, self.sdn_ipsets())

    def eval_key(self, env, conf):
        local_refs = conf.refs_version if env in ('vm', 'ct') and conf is not None else 0
        return (env, self.cluster.refs_version, local_refs, self.sdn_version)

    def render_fw_files(self):
        """{relative path under /etc/pve: text} for every firewall file that exists."""
        files = {}
        text = fwmodel.render_config(self.cluster)
        if text:
            files['firewall/cluster.fw'] = text
        for node in sorted(self.hosts):
            text = fwmodel.render_config(self.hosts[node])
            if text:
                files['nodes/%s/host.fw' % node] = text
        for vmid in sorted(self.guest_fw):
            text = fwmodel.render_config(self.guest_fw[vmid])
            if text:
                files['firewall/%d.fw' % vmid] = text
        for vnet in sorted(self.vnet_fw):
            text = fwmodel.render_config(self.vnet_fw[vnet])
            if text:
                files['sdn/firewall/%s.fw' % vnet] = text
        return files

    def load_fw_files(self, files):
        """Parse .fw texts keyed by their /etc/pve-relative path; returns parser warnings."""
        warnings = []
        cluster_text = files.get('firewall/cluster.fw') or files.get('cluster.fw')
        if cluster_text:
            fwmodel.parse_config(self.cluster, cluster_text, self.macros, warnings, 'firewall/cluster.fw')
            fwmodel.finish_parse(self.cluster)
        for path, text in sorted(files.items()):
            parts = path.split('/')
            conf = None
            if len(parts) == 3 and parts[0] == 'nodes' and parts[2] == 'host.fw':
                conf = self.hosts.setdefault(parts[1], fwmodel.HostFw())
            elif len(parts) == 2 and parts[0] == 'firewall' and parts[1] != 'cluster.fw' and parts[1][:-3].isdigit():
                conf = self.guest_fw.setdefault(int(parts[1][:-3]), fwmodel.GuestFw())
            elif len(parts) == 3 and parts[:2] == ['sdn', 'firewall'] and parts[2].endswith('.fw'):
                conf = self.vnet_fw.setdefault(parts[2][:-3], fwmodel.VnetFw())
            elif path not in ('firewall/cluster.fw', 'cluster.fw'):
                warnings.append('%s: not a firewall file path' % path)
            if conf is not None:
                fwmodel.parse_config(conf, text, self.macros, warnings, path)
                fwmodel.finish_parse(conf)
        return warnings

    # -- fixtures -----------------------------------------------------------------------------
    def load(self, data):
        """Replace everything with a fixture (missing sections get the defaults)."""
        self.clear()
        self.version.update(data.get('version') or {})
        self.cluster_name = data.get('cluster_name', self.cluster_name)
        if data.get('users'):
            self.users = copy.deepcopy(data['users'])
        if data.get('tokens'):
            self.tokens = copy.deepcopy(data['tokens'])
        if data.get('authkey'):
            self.authkey = data['authkey']
        for node in data.get('nodes') or []:
            self._load_node(node)
        self.storage = copy.deepcopy(data.get('storage') or [])
        for zone in data.get('zones') or []:
            self.zones[zone['zone']] = dict(zone)
        for vnet in data.get('vnets') or []:
            entry = {key: value for key, value in vnet.items() if key != 'subnets'}
            entry['subnets'] = {}
            for subnet in vnet.get('subnets') or []:
                entry['subnets'][subnet_id(entry.get('zone', ''), subnet['subnet'])] = dict(subnet)
            self.vnets[vnet['vnet']] = entry
        for guest in data.get('guests') or []:
            self._load_guest(guest)
        self.tasks = copy.deepcopy(data.get('tasks') or {})
        self.firewall_log = copy.deepcopy(data.get('firewall_log') or {})
        self.images = copy.deepcopy(data.get('images') or {})
        self.sdn_touch()
        return self.load_fw_files(data.get('fw_files') or {})

    def _load_node(self, node):
        name = node['node']
        network = {}
        for iface in node.get('network') or []:
            network[iface['iface']] = dict(iface)
        self.nodes[name] = {'node': name, 'ip': node.get('ip', '127.0.0.1'), 'status': node.get('status', 'online'),
                            'maxcpu': node.get('maxcpu', 8), 'maxmem': node.get('maxmem', 34359738368),
                            'network': network, 'network_pending': copy.deepcopy(node.get('network_pending'))}

    def _load_guest(self, guest):
        vmid = int(guest['vmid'])
        kind = guest.get('type', 'qemu')
        self.guests[vmid] = {'vmid': vmid, 'type': kind, 'node': guest['node'],
                             'status': guest.get('status', 'stopped'),
                             'config': {key: str(value) for key, value in (guest.get('config') or {}).items()},
                             'agent_ips': copy.deepcopy(guest.get('agent_ips') or {})}

    def dump(self):
        """The whole state as a fixture (what --state files contain)."""
        return {
            'version': dict(self.version),
            'cluster_name': self.cluster_name,
            'users': copy.deepcopy(self.users),
            'tokens': copy.deepcopy(self.tokens),
            'authkey': self.authkey,
            'nodes': [self._dump_node(self.nodes[name]) for name in sorted(self.nodes)],
            'storage': copy.deepcopy(self.storage),
            'zones': [dict(self.zones[name]) for name in sorted(self.zones)],
            'vnets': [dict({key: value for key, value in vnet.items() if key != 'subnets'},
                           subnets=[dict(subnet) for subnet in vnet['subnets'].values()])
                      for _name, vnet in sorted(self.vnets.items())],
            'guests': [dict(self.guests[vmid], config=dict(self.guests[vmid]['config'])) for vmid in sorted(self.guests)],
            'tasks': copy.deepcopy(self.tasks),
            'firewall_log': copy.deepcopy(self.firewall_log),
            'images': copy.deepcopy(self.images),
            'fw_files': self.render_fw_files(),
        }

    @staticmethod
    def _dump_node(node):
        return {'node': node['node'], 'ip': node['ip'], 'status': node['status'], 'maxcpu': node['maxcpu'],
                'maxmem': node['maxmem'], 'network': [dict(iface) for iface in node['network'].values()],
                'network_pending': copy.deepcopy(node['network_pending'])}


def subnet_id(zone, cidr):
    """SDN subnet ids are '<zone>-<address>-<prefix>'."""
    return '%s-%s' % (zone, cidr.replace('/', '-'))
