# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: a whole firewall configuration as the offline evaluator takes it.

``FwState`` gathers the pieces the evaluator (``_policy.pve.PveFirewall``) needs for one node, from
any of the three forms the verification modules accept:

- ``.fw`` files: ``from_files({path: text})`` or ``from_dir(path)``; paths may be flat (``cluster.fw``,
  ``host.fw``, ``<vmid>.fw``) or laid out like ``/etc/pve`` (``firewall/cluster.fw``,
  ``nodes/<node>/host.fw``, ``firewall/<vmid>.fw``);
- data: ``from_gathered(state)`` with the dict ``pve_firewall_info`` returns (module-shaped rules,
  options, aliases, IP sets, groups; guests with their NICs);
- live: ``read_live(client, ...)``, which gathers through the API and adds what the evaluator needs
  besides the firewall files (node addresses and networks, corosync links).

Guests' NICs use the shape of Proxmox's guest configs: ``{'qemu': {vmid: {'net0': '<netN string>'}},
'lxc': {...}}`` (``add_vmdata``).
"""

from __future__ import annotations

import os
import re

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError, ZonewardenError
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve import rules as pverules
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.fwfile import empty_conf, parse_fw_file, parse_ip_or_cidr
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.gather import gather

_CLUSTER_FILE = re.compile(r'(?:^|/)cluster\.fw$')
_NODE_HOST_FILE = re.compile(r'(?:^|/)nodes/([^/]+)/host\.fw$')
_FLAT_HOST_FILE = re.compile(r'^(?:\./)?host\.fw$')
_GUEST_FILE = re.compile(r'(?:^|/)(\d+)\.fw$')
_SDN_FILE = re.compile(r'(?:^|/)sdn/')
_NET_KEY = re.compile(r'^net\d+$')
MAX_FW_FILE = 8 * 1024 * 1024
KINDS = {'qemu': 'vm', 'vm': 'vm', 'lxc': 'ct', 'ct': 'ct'}
SECTIONS = {'vm': 'qemu', 'ct': 'lxc'}


class Guest(object):
    """What the state knows of one guest: kind, node, firewall file data and NIC strings."""

    __slots__ = ('vmid', 'kind', 'node', 'conf', 'nets')

    def __init__(self, vmid, kind=None, node=None, conf=None, nets=None):
        self.vmid = int(vmid)
        self.kind = kind
        self.node = node
        self.conf = conf
        self.nets = dict(nets or {})


class FwState(object):
    """One cluster's firewall configuration (see the module docstring)."""

    def __init__(self):
        self.cluster = None
        self.hosts = {}
        self.guests = {}
        self.warnings = []

    # -- building -------------------------------------------------------------------------------

    def guest(self, vmid):
        vmid = int(vmid)
        if vmid not in self.guests:
            self.guests[vmid] = Guest(vmid)
        return self.guests[vmid]

    def add_vmdata(self, vmdata):
        """Add guests' NIC strings in the shape of fwtester_vmdata.json: {'qemu': {vmid: {netN: str}}, 'lxc': ...}."""
        if not vmdata:
            return
        if not isinstance(vmdata, dict):
            raise ValidationError('guests must be a mapping like {"qemu": {"100": {"net0": "..."}}, "lxc": {...}}')
        for section, entries in vmdata.items():
            if str(section).startswith('_'):
                continue
            kind = KINDS.get(str(section))
            if kind is None:
                raise ValidationError("guests: unknown section '%s' (use qemu and lxc)" % section)
            for vmid, nets in (entries or {}).items():
                if not str(vmid).isdigit() or not isinstance(nets, dict):
                    raise ValidationError('guests.%s.%s must be a guest ID mapped to its netN strings' % (section, vmid))
                guest = self.guest(vmid)
                guest.kind = kind
                guest.nets = dict((key, str(value)) for key, value in nets.items() if _NET_KEY.match(str(key)) and value)

    @classmethod
    def from_files(cls, files):
        """State from ``{path: .fw text}`` (paths as described in the module docstring)."""
        state = cls()
        for path in sorted(files or {}):
            text = files[path]
            name = str(path).replace('\\', '/')
            if text is None:
                continue
            text = text if isinstance(text, str) else str(text)
            if _SDN_FILE.search(name):
                state.warnings.append('%s: SDN VNet rules are not evaluated (nftables backend only)' % name)
            elif _CLUSTER_FILE.search(name):
                state.cluster = parse_fw_file(text, 'cluster', 'cluster.fw')
            elif _NODE_HOST_FILE.search(name):
                state.hosts[_NODE_HOST_FILE.search(name).group(1)] = parse_fw_file(text, 'host', 'host.fw')
            elif _FLAT_HOST_FILE.match(name) or os.path.basename(name) == 'host.fw':
                state.hosts[None] = parse_fw_file(text, 'host', 'host.fw')
            elif _GUEST_FILE.search(name):
                vmid = _GUEST_FILE.search(name).group(1)
                state.guest(vmid).conf = parse_fw_file(text, 'vm', '%s.fw' % vmid)
            else:
                state.warnings.append('%s: not a firewall file this module knows (ignored)' % name)
        return state

    @classmethod
    def from_dir(cls, path):
        """State from a directory of .fw files (flat, or the /etc/pve layout)."""
        if not os.path.isdir(path):
            raise ValidationError('fw_dir %s is not a directory' % path)
        files = {}
        candidates = [name for name in os.listdir(path) if name.endswith('.fw')]
        sub = os.path.join(path, 'firewall')
        if os.path.isdir(sub):
            candidates.extend('firewall/' + name for name in os.listdir(sub) if name.endswith('.fw'))
        nodes = os.path.join(path, 'nodes')
        if os.path.isdir(nodes):
            candidates.extend('nodes/%s/host.fw' % node for node in os.listdir(nodes)
                              if os.path.isfile(os.path.join(nodes, node, 'host.fw')))
        for rel in candidates:
            full = os.path.join(path, rel)
            if not os.path.isfile(full):
                continue
            if os.path.getsize(full) > MAX_FW_FILE:
                raise ValidationError('%s is larger than %d bytes: not a firewall file' % (full, MAX_FW_FILE))
            with open(full, encoding='utf-8', errors='replace') as handle:
                files[rel] = handle.read()
        if not files:
            raise ValidationError('fw_dir %s holds no .fw files (cluster.fw, host.fw, <vmid>.fw)' % path)
        return cls.from_files(files)

    @classmethod
    def from_gathered(cls, data):
        """State from the ``firewall`` dict of pve_firewall_info (or a planned state of that shape)."""
        if not isinstance(data, dict):
            raise ValidationError('firewall must be the dict pve_firewall_info returns (keys cluster, nodes, guests)')
        state = cls()
        if data.get('cluster') is not None:
            state.cluster = cluster_conf(data['cluster'])
        for index, node in enumerate(data.get('nodes') or []):
            name = node.get('name') or node.get('node')
            if not name:
                raise ValidationError('firewall.nodes[%d] has no name' % index)
            state.hosts[name] = level_conf(node, 'host', 'firewall.nodes[%d]' % index)
        for index, item in enumerate(data.get('guests') or []):
            where = 'firewall.guests[%d]' % index
            if item.get('vmid') is None:
                raise ValidationError('%s has no vmid' % where)
            guest = state.guest(item['vmid'])
            guest.kind = KINDS.get(str(item.get('type') or 'vm'))
            if guest.kind is None:
                raise ValidationError("%s.type '%s' is not one of vm, ct" % (where, item.get('type')))
            guest.node = item.get('node')
            # an empty firewall of a guest is what PVE reads when the guest has no <vmid>.fw
            if any(item.get(key) for key in ('options', 'rules', 'aliases', 'ipsets')):
                guest.conf = level_conf(item, guest.kind, where)
            guest.nets = nets_from_gathered(item.get('nics'))
            if item.get('nics') is None:
                state.warnings.append('%s %s has no NIC data (gather it with guest_parts including nics): it has no zone' % (
                    'VM' if guest.kind == 'vm' else 'CT', guest.vmid))
        return state

    def apply_changes(self, changes):
        """Put planned changes (the shape of ``from_gathered``'s input, partial) on top of this state.

        Options are merged key by key; a ``rules`` list replaces the level's rules; IP sets, aliases,
        security groups, nodes and guests replace the items of the same name (or vmid).
        """
        if not changes:
            return
        if not isinstance(changes, dict):
            raise ValidationError('changes must be a dict shaped like the firewall data of pve_firewall_info')
        if changes.get('cluster') is not None:
            if self.cluster is None:
                self.cluster = empty_conf('cluster')
            _apply_level(self.cluster, changes['cluster'], 'cluster', 'changes.cluster')
            for index, group in enumerate(changes['cluster'].get('groups') or []):
                if not group.get('name'):
                    raise ValidationError('changes.cluster.groups[%d] has no name' % index)
                self.cluster['groups'][str(group['name']).lower()] = conf_rules(
                    group.get('rules'), 'changes.cluster.groups[%d]' % index)
        for index, node in enumerate(changes.get('nodes') or []):
            name = node.get('name') or node.get('node')
            if not name:
                raise ValidationError('changes.nodes[%d] has no name' % index)
            if name not in self.hosts:
                self.hosts[name] = dict(self.hosts[None]) if None in self.hosts else empty_conf('host')
            _apply_level(self.hosts[name], node, 'host', 'changes.nodes[%d]' % index)
        for index, item in enumerate(changes.get('guests') or []):
            if item.get('vmid') is None:
                raise ValidationError('changes.guests[%d] has no vmid' % index)
            guest = self.guest(item['vmid'])
            if item.get('type'):
                guest.kind = KINDS.get(str(item['type']))
            if item.get('node'):
                guest.node = item['node']
            if guest.conf is None:
                guest.conf = empty_conf(guest.kind or 'vm')
            _apply_level(guest.conf, item, guest.kind or 'vm', 'changes.guests[%d]' % index)
            if item.get('nics') is not None:
                guest.nets.update(nets_from_gathered(item['nics']))

    # -- views for one node ---------------------------------------------------------------------

    def node_names(self):
        names = set(name for name in self.hosts if name)
        names.update(guest.node for guest in self.guests.values() if guest.node)
        return sorted(names)

    def pick_node(self, node):
        """The node to evaluate: ``node``, or the only node that has a host.fw; refuse to guess between several."""
        named = sorted(name for name in self.hosts if name)
        if node is not None or not named or None in self.hosts:
            return node
        if len(named) == 1:
            return named[0]
        raise ValidationError('the configuration has host.fw files for the nodes %s: set node' % ', '.join(named))

    def host_conf(self, node):
        if node in self.hosts:
            return self.hosts[node]
        return self.hosts.get(None) or empty_conf('host')

    def node_guests(self, node):
        return [guest for guest in sorted(self.guests.values(), key=lambda g: g.vmid)
                if node is None or guest.node is None or guest.node == node]

    def vmdata(self, node):
        data = {'qemu': {}, 'lxc': {}}
        for guest in self.node_guests(node):
            if guest.kind:
                data[SECTIONS[guest.kind]][str(guest.vmid)] = dict(guest.nets)
        return data

    def guest_confs(self, node):
        return dict((str(guest.vmid), guest.conf) for guest in self.node_guests(node) if guest.conf is not None)

    def unplaced_guests(self, node):
        """Guests with a firewall file but no NIC data: PVE would compile nothing for them here."""
        return [guest.vmid for guest in self.node_guests(node) if guest.conf is not None and not guest.kind]

    def guest_ips(self, node):
        """{vmid: {netN: [ip]}} from the guests' ipfilter-netN sets (single addresses only)."""
        found = {}
        for guest in self.node_guests(node):
            for name, entries in ((guest.conf or {}).get('ipset') or {}).items():
                match = re.match(r'^ipfilter-(net\d+)$', name)
                if not match:
                    continue
                for entry in entries or []:
                    cidr = str(entry.get('cidr') or '')
                    if perl_flag(entry.get('nomatch')) or entry.get('errors') or not _single_address(cidr):
                        continue
                    found.setdefault(guest.vmid, {}).setdefault(match.group(1), []).append(cidr.partition('/')[0])
        return found

    def evaluator(self, node=None, **kwargs):
        """A PveFirewall for ``node`` (keyword arguments are passed on: macros, host_ip, fidelity, ...)."""
        # Imported here: the evaluator needs netaddr, which only the verification modules require.
        from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.pve import PveFirewall
        guest_ips = kwargs.pop('guest_ips', None) or self.guest_ips(node)
        return PveFirewall(cluster=self.cluster or empty_conf('cluster'), host=self.host_conf(node),
                           guests=self.guest_confs(node), vmdata=self.vmdata(node), node=node,
                           guest_ips=guest_ips, **kwargs)


def perl_flag(value):
    if isinstance(value, bool):
        return value
    return value is not None and str(value) not in ('', '0')


def _single_address(cidr):
    addr, _sep, plen = cidr.partition('/')
    if not addr or (plen and plen not in ('32', '128')):
        return False
    try:
        parse_ip_or_cidr(addr)
    except ValueError:
        return False
    return True


# -- gathered (module-shaped) data -> parsed .fw data ---------------------------------------------

def conf_options(options):
    """Module-shaped options (bools, 'pending-confirmation') as the values a .fw file holds."""
    result = {}
    for key, value in (options or {}).items():
        if value is None or isinstance(value, dict):
            continue
        if isinstance(value, bool):
            value = 1 if value else 0
        elif value == 'pending-confirmation':
            # enable with automatic revert, not yet confirmed: on for now, so planning treats it as on
            value = 1
        elif isinstance(value, list):
            value = ','.join(str(item) for item in value)
        result[key] = value
    return result


def conf_rules(rules, where):
    result = []
    for index, rule in enumerate(rules or []):
        if not isinstance(rule, dict) or not rule.get('type') or not rule.get('action'):
            raise ValidationError('%s.rules[%d] needs at least type and action' % (where, index))
        result.append(pverules.to_api(dict((k, v) for k, v in rule.items() if v is not None and v != '')))
    return result


def conf_aliases(aliases, where):
    result = {}
    for index, alias in enumerate(aliases or []):
        name, cidr = alias.get('name'), alias.get('cidr')
        if not name or not cidr:
            raise ValidationError('%s.aliases[%d] needs name and cidr' % (where, index))
        try:
            cidr, version = parse_ip_or_cidr(str(cidr))
        except ValueError as exc:
            raise ValidationError('%s.aliases[%d].cidr %r: %s' % (where, index, alias.get('cidr'), exc))
        result[str(name).lower()] = {'name': name, 'cidr': cidr, 'ipversion': version}
    return result


def conf_ipsets(ipsets, where):
    result = {}
    for index, item in enumerate(ipsets or []):
        if not item.get('name'):
            raise ValidationError('%s.ipsets[%d] has no name' % (where, index))
        entries = []
        for member in item.get('members') or []:
            entry = {'cidr': str(member['cidr'])}
            if perl_flag(member.get('nomatch')):
                entry['nomatch'] = 1
            entries.append(entry)
        result[str(item['name']).lower()] = entries
    return result


def level_conf(data, kind, where):
    conf = empty_conf(kind)
    conf['options'] = conf_options(data.get('options'))
    conf['rules'] = conf_rules(data.get('rules'), where)
    if 'aliases' in conf:
        conf['aliases'] = conf_aliases(data.get('aliases'), where)
        conf['ipset'] = conf_ipsets(data.get('ipsets'), where)
    return conf


def _apply_level(conf, data, kind, where):
    if data.get('options') is not None:
        conf['options'] = dict(conf.get('options') or {}, **conf_options(data['options']))
    if data.get('rules') is not None:
        conf['rules'] = conf_rules(data['rules'], where)
        conf['rule_lines'] = []
    if 'aliases' in conf or kind in ('cluster', 'vm', 'ct'):
        if data.get('aliases') is not None:
            conf['aliases'] = dict(conf.get('aliases') or {}, **conf_aliases(data['aliases'], where))
        if data.get('ipsets') is not None:
            conf['ipset'] = dict(conf.get('ipset') or {}, **conf_ipsets(data['ipsets'], where))


def cluster_conf(data):
    conf = level_conf(data, 'cluster', 'firewall.cluster')
    for index, group in enumerate(data.get('groups') or []):
        if not group.get('name'):
            raise ValidationError('firewall.cluster.groups[%d] has no name' % index)
        conf['groups'][str(group['name']).lower()] = conf_rules(group.get('rules'), 'firewall.cluster.groups[%d]' % index)
    return conf


def nets_from_gathered(nics):
    """netN strings from gathered NICs ({'net0': {'raw', 'bridge', 'firewall'}}) or from plain strings."""
    nets = {}
    for key, nic in (nics or {}).items():
        if isinstance(nic, dict):
            raw = nic.get('raw')
            if not raw:
                raw = 'bridge=%s,firewall=%d' % (nic.get('bridge') or '', 1 if perl_flag(nic.get('firewall')) else 0)
            nets[key] = raw
        elif nic:
            nets[key] = str(nic)
    return nets


# -- live -------------------------------------------------------------------------------------------

def node_network(interfaces):
    """The node's cluster address, its network and its bridge from /nodes/{node}/network entries."""
    candidates = []
    for iface in interfaces or []:
        cidr = iface.get('cidr') or (iface.get('address') and iface.get('netmask') and '%s/%s' % (iface['address'], iface['netmask']))
        if not cidr or not iface.get('address'):
            continue
        rank = (0 if iface.get('gateway') else 1, 0 if iface.get('type') in ('bridge', 'OVSBridge') else 1, iface.get('iface', ''))
        candidates.append((rank, iface, cidr))
    if not candidates:
        return {}
    _rank, iface, cidr = sorted(candidates, key=lambda item: item[0])[0]
    info = {'address': iface['address'], 'local_network': network_of(cidr)}
    if iface.get('type') in ('bridge', 'OVSBridge'):
        info['bridge'] = iface['iface']
    return info


def network_of(cidr):
    """'192.0.2.10/24' -> '192.0.2.0/24' (a dotted netmask is accepted too)."""
    import ipaddress  # pylint: disable=import-outside-toplevel
    try:
        return str(ipaddress.ip_interface(str(cidr)).network)
    except ValueError:
        return None


def corosync_from_api(nodes):
    """corosync.conf-shaped data from GET /cluster/config/nodes."""
    entries = []
    for item in nodes or []:
        entry = dict((key, str(value)) for key, value in item.items() if re.match(r'^(ring|link)\d+_addr$', key))
        entry['name'] = item.get('name') or item.get('node')
        entries.append(entry)
    return {'nodelist': {'node': entries}, 'totem': {}}


def read_node_networks(client, names):
    infos = {}
    for name in names:
        data = client.get('nodes/%s/network' % name, desc='read the network of node %s' % name) or []
        infos[name] = node_network(data)
    return infos


def read_corosync(client, warnings):
    """Corosync links of the cluster, or None (standalone node, or an API that does not offer them)."""
    try:
        data = client.get('cluster/config/nodes', desc='read the corosync node list')
    except ZonewardenError as exc:
        warnings.append('corosync links not known (%s): the built-in corosync rules are not evaluated' % exc)
        return None
    return corosync_from_api(data) if data else None


def read_live(client, node=None, guests=True, all_nodes=False):
    """(FwState, node names, {node: network info}, corosync data) read through the API.

    ``node`` selects the node (guests are read for that node only); without it the cluster must
    have exactly one node, unless ``all_nodes`` asks for every node (the anti-lockout guard).
    """
    listed = sorted(item['node'] for item in client.get('nodes', desc='list the nodes') or [])
    if node is not None and node not in listed:
        raise ValidationError("node '%s' is not a node of this cluster (nodes: %s)" % (node, ', '.join(listed)))
    if all_nodes:
        names = listed
    elif node is not None:
        names = [node]
    elif len(listed) == 1:
        names = listed
    else:
        raise ValidationError('the cluster has several nodes (%s): set the option node' % ', '.join(listed))
    parts = ['cluster', 'nodes'] + (['guests'] if guests else [])
    data = gather(client, parts, nodes=names, guest_nodes=names)
    state = FwState.from_gathered(data)
    return state, names, read_node_networks(client, names), data
