# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: offline evaluator of the Proxmox VE firewall (iptables backend).

It answers "what happens to this packet on this node?" with the verdicts of PVE's own compiler and
firewall simulator (``pve-firewall`` ``compile()`` + ``test/fwtester.pl``), and says what decided.

Public API
----------
``PveFirewall(cluster=None, host=None, guests=None, vmdata=None, macros=None, host_ip=None,
local_network=None, corosync=None, node=None, guest_ips=None, services=None, fidelity='kernel',
now=None, outside='vmbr0/eth0', nfvm='vmbr0/tapXYZ', resolver=None, carry_mark=False)`` models ONE node:

- ``cluster``, ``host``: parsed ``.fw`` data (``_pve.fwfile.parse_fw_file``) or the file text.
- ``guests``: ``{vmid: parsed data or text}`` of the ``<vmid>.fw`` files.
- ``vmdata``: ``{'qemu': {vmid: {'net0': '<netN string>', ...}}, 'lxc': {...}}`` as in guest configs.
- ``macros``: macro definitions, ``{'macros': {Name: [{action: 'PARAM', proto, dport, ...}]}}`` (the
  shape of ``macros.json``) or ``{Name: [...]}``; optional ``macros_ipv6`` overrides and
  ``ipversion`` ({Name: 4|6}). Nothing is built in: a rule using an unknown macro is an invalid rule.
- ``host_ip``: the node's address (default source/destination of the ``host`` zone).
- ``local_network``: the node's cluster network (PVE auto-detects it; the cluster alias
  ``local_network`` wins when defined; without both PVE falls back to 127.0.0.0/8).
- ``corosync``: corosync.conf text or ``parse_corosync_conf()`` data, with ``node`` the local node name
  (default: the node that has ``host_ip`` as a ring address); ``resolver`` maps ring host names to IPs.
- ``guest_ips``: ``{vmid: [ip, ...]}`` or ``{vmid: {'net0': [ip, ...]}}`` to resolve addresses to guests
  (container ``ip=``/``ip6=`` addresses are known without it).
- ``fidelity``: ``'kernel'`` (default) walks PVE's chains like the kernel does: critical ICMP passes
  the Drop policy chain, REJECT of ICMP is a DROP, ICMP type names and numbers are equivalent,
  ipset nomatch entries exclude, address types follow the address, a guest's own address is its
  default source. ``'simulator'`` gives exactly the verdicts of PVE's firewall simulator, which
  differs on those points (used for conformance with Proxmox's test corpus).
- ``carry_mark``: start each packet with the firewall mark the previous ``evaluate`` left behind.
  PVE's simulator keeps that mark in a process-wide variable, so its verdicts for host rules such
  as ``GROUP x -i vmbr1`` depend on the packets simulated before; set this (with fidelity
  ``simulator``) and evaluate in the same order to reproduce them. Real packets start unmarked.

``PveFirewall.evaluate(flow)`` -> verdict. ``flow`` keys: ``from``, ``to`` (zones: ``host``,
``outside``, ``nfvm``, ``vm<ID>``, ``ct<ID>``, ``vm<ID>i<N>``/``ct<ID>i<N>`` for NIC N,
``<bridge>/<port>``, or an IP address that is resolved to one of these), optional ``source``,
``dest``, ``proto`` (default tcp), ``sport``, ``dport`` (the ICMP type for icmp), ``srctype``,
``dsttype``, ``state`` (NEW default; ESTABLISHED/RELATED for return traffic, INVALID). Verdict::

    {'action': 'ACCEPT'|'DROP'|'REJECT',
     'decided_by': {'kind': 'rule'|'policy'|'builtin'|'default'|'switch', 'level': 'cluster'|'host'|
                    'vm'|'ct'|'group', 'vmid', 'group', 'position' (index in that rule list),
                    'rule' (rule text), 'chain', 'via' (the GROUP rule), 'reason', 'hop'},
     'hops': [{'stage', 'chain', 'action', 'decided_by'}, ...],
     'flow': {normalised packet}}

``evaluate_many(flows)`` maps ``evaluate``; ``evaluate_connection(flow)`` adds the reply direction
(state ESTABLISHED) when the request is accepted; ``resolve_zone(ip)``, ``zones()`` and
``warnings`` (parse, validation and compile problems, which PVE logs and skips) complete the API.
``parse_corosync_conf(text)`` reads corosync.conf.
"""

from __future__ import annotations

import re
import time

from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.fwfile import (
    parse_fw_file,
    perl_true,
    render_rule,
)
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy import pve_match as pm
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.pve_compile import (
    K_GOTO,
    K_MARK,
    K_RETURN,
    K_VERDICT,
    Compiler,
    CompileError,
    is_off,
)
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.pve_rules import (
    ALIAS_REF,
    MacroTable,
    lookup_alias,
    verify_rule,
)

HAS_NETADDR = pm.HAS_NETADDR
IMPORT_ERROR = pm.IMPORT_ERROR

FIDELITIES = ('simulator', 'kernel')
SIM_SOURCE = '100.100.1.2'
SIM_DEST = '100.200.3.4'
SIM_SOURCE6 = '2001:db8:100::2'
SIM_DEST6 = '2001:db8:200::4'
_MAC = re.compile(r'^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$')
_ZONE_GUEST = re.compile(r'^(vm|ct)(\d+)(?:i(\d+))?$')
_ZONE_BPORT = re.compile(r'^([a-zA-Z][a-zA-Z0-9]{0,9})/(\S+)$')
_SIM_SHORTCUTS = {'PVEFW-Drop': 'DROP', 'PVEFW-reject': 'REJECT', 'PVEFW-tcpflags': None}
_LOOKS_LIKE_IP = re.compile(r'^[0-9A-Fa-f:.]+(?:/\d+)?$')
_ADDRESS_CACHE_SIZE = 4096


# -- small parsers -------------------------------------------------------------------------------

def parse_corosync_conf(text):
    """Parse corosync.conf into nested dicts; repeated sections (node, interface) become lists."""
    root = {}
    stack = [root]
    for raw in (text or '').splitlines():
        line = raw.split('#', 1)[0].strip()
        if not line:
            continue
        if line.endswith('{'):
            name = line[:-1].strip()
            section = {}
            parent = stack[-1]
            if name in ('node', 'interface'):
                parent.setdefault(name, []).append(section)
            else:
                parent[name] = section
            stack.append(section)
        elif line == '}':
            if len(stack) > 1:
                stack.pop()
        elif ':' in line:
            key, value = line.split(':', 1)
            stack[-1][key.strip()] = value.strip()
    return root


def parse_guest_net(value):
    """Fields of a qemu or lxc ``netN`` string: mac, bridge, firewall (bool), ip, ip6."""
    fields = {}
    for part in str(value or '').split(','):
        key, sep, val = part.partition('=')
        if sep:
            fields[key.strip()] = val.strip()
    mac = fields.get('macaddr') or fields.get('hwaddr')
    if not mac:
        for key, val in fields.items():
            if key not in ('bridge', 'hwaddr', 'ip', 'ip6', 'gw', 'gw6') and _MAC.match(val):
                mac = val
                break
    ips = {}
    for key in ('ip', 'ip6'):
        addr = fields.get(key, '').split('/', 1)[0]
        if addr and addr not in ('dhcp', 'manual', 'auto'):
            ips[key] = addr
    return {'mac': mac, 'bridge': fields.get('bridge'), 'firewall': fields.get('firewall') == '1',
            'ip': ips.get('ip'), 'ip6': ips.get('ip6')}


def _linklocal(mac):
    octets = [int(part, 16) for part in mac.split(':')]
    octets[0] ^= 0x02
    eui = octets[:3] + [0xFF, 0xFE] + octets[3:]
    value = (0xFE80 << 112) | int(''.join('%02x' % o for o in eui), 16)
    return 6, value, value, 128, False, pm.ipset_text(6, str(pm.netaddr.IPAddress(value, 6)))


def _as_conf(data, kind):
    if data is None:
        return None
    if isinstance(data, str):
        return parse_fw_file(data, kind)
    return data


# -- the model -----------------------------------------------------------------------------------

class VRule(object):
    """A rule with PVE's validation result and its place in the configuration."""

    __slots__ = ('rule', 'errors', 'ipversion', 'macro', 'origin')

    def __init__(self, rule, errors, ipversion, macro, origin):
        self.rule = rule
        self.errors = errors
        self.ipversion = ipversion
        self.macro = macro
        self.origin = origin

    def active(self, version):
        if not perl_true(self.rule.get('enable', 1)) or self.errors:
            return False
        return not (self.ipversion and self.ipversion != version)

    def describe(self):
        origin = self.origin
        where = origin['level']
        if origin.get('group'):
            where = 'group %s' % origin['group']
        elif origin.get('vmid') is not None:
            where = '%s%s' % (origin['level'], origin['vmid'])
        return '%s rule %s (%s)' % (where, origin['position'], origin['rule'])


class Nic(object):
    __slots__ = ('netid', 'num', 'dev', 'mac', 'bridge', 'firewall', 'ips')

    def __init__(self, guest_kind, vmid, netid, net):
        self.netid = netid
        self.num = int(netid[3:])
        self.dev = '%s%si%s' % ('tap' if guest_kind == 'vm' else 'veth', vmid, self.num)
        self.mac = net['mac']
        self.bridge = net['bridge']
        self.firewall = net['firewall']
        self.ips = [addr for addr in (net['ip'], net['ip6']) if addr]


class Guest(object):
    """A VM or container of the node, its NICs and its firewall file (if any)."""

    def __init__(self, kind, vmid, netconf, conf):
        self.kind = kind
        self.vmid = vmid
        self.conf = conf
        self.options = (conf or {}).get('options') or {}
        self.enabled = bool(conf) and perl_true(self.options.get('enable'))
        self.rules = []
        self.ipset_names = set(((conf or {}).get('ipset') or {}).keys())
        self.nics = []
        for netid in sorted(netconf or {}):
            if re.match(r'^net\d+$', netid) and netconf[netid]:
                net = parse_guest_net(netconf[netid])
                if net['bridge']:
                    self.nics.append(Nic(kind, vmid, netid, net))

    def policy(self, direction):
        if direction == 'OUT':
            return self.options.get('policy_out') or 'ACCEPT'
        return self.options.get('policy_in') or 'DROP'

    def nic(self, num):
        for nic in self.nics:
            if nic.num == num:
                return nic
        return None

    def status(self, nic, cluster_enabled=True):
        """Why a NIC is (not) filtered: None when its chains exist."""
        if not cluster_enabled:
            return 'cluster firewall disabled (cluster option enable is 0)'
        if not self.conf:
            return '%s%s has no firewall configuration (%s.fw)' % (self.kind, self.vmid, self.vmid)
        if not self.enabled:
            return '%s%s firewall disabled (option enable is 0)' % (self.kind, self.vmid)
        if not nic.firewall:
            return '%s%s %s has firewall=0' % (self.kind, self.vmid, nic.netid)
        return None


class FirewallModel(object):
    """Validated configuration of one node, shared by the per-IP-version compilations."""

    def __init__(self, cluster, host, guests, vmdata, macros, local_network, corosync, node, services,
                 fidelity, now, resolver, host_ip=None):
        self.fidelity = fidelity
        self.warnings = []
        self.services = services
        self.macros = macros if isinstance(macros, MacroTable) else MacroTable(macros)
        self.cluster = _as_conf(cluster, 'cluster') or parse_fw_file('', 'cluster')
        self.host = _as_conf(host, 'host') or {}
        self.cluster_options = self.cluster.get('options') or {}
        self.host_options = self.host.get('options') or {}
        self.enabled = self._cluster_enabled(now)
        if perl_true(self.host_options.get('nftables')):
            self.warnings.append('host.fw: nftables is 1 (proxmox-firewall backend); verdicts follow the iptables '
                                 'backend, forward and VNet rules are not evaluated')
        self._collect_warnings('cluster.fw', self.cluster)
        self._collect_warnings('host.fw', self.host)
        self.groups = {}
        group_lines = self.cluster.get('group_rule_lines') or {}
        for name, rules in sorted((self.cluster.get('groups') or {}).items()):
            self.groups[name] = self._verify(rules, 'group', None, 'group', group=name,
                                             source=('cluster.fw', group_lines.get(name)))
        self.host_rules = (
            self._verify(self.host.get('rules') or [], 'host', self.host, 'host',
                         source=('host.fw', self.host.get('rule_lines')))
            + self._verify(self.cluster.get('rules') or [], 'cluster', self.cluster, 'cluster',
                           source=('cluster.fw', self.cluster.get('rule_lines'))))
        self.guests = {}
        self._load_guests(guests or {}, vmdata or {})
        self.local_network, self.local_network_text = self._local_network(local_network)
        self.cluster_ipsets = {}
        self.guest_ipsets = {}
        self._build_ipsets()
        self.corosync = self._corosync(corosync, node, resolver or {}, host_ip)

    # configuration pieces

    def _cluster_enabled(self, now):
        enable = self.cluster_options.get('enable') or 0
        try:
            enable = int(enable)
        except (TypeError, ValueError):
            enable = 0
        if enable > 1 and ((now if now is not None else time.time()) - enable) > 60:
            enable = 0  # an unconfirmed "enable with automatic revert" timestamp has expired
        return enable > 0

    def _collect_warnings(self, name, conf):
        for warning in (conf or {}).get('warnings') or []:
            self.warnings.append('%s %s' % (name, warning))

    def _verify(self, rules, env, local, level, vmid=None, group=None, source=None):
        verified = []
        filename, lines = source or (None, None)
        for pos, rule in enumerate(rules):
            errors, ipversion, macro = verify_rule(rule, env, self.cluster, local, self.macros, self.services)
            try:
                text = render_rule(rule, allow_iface=env != 'group')
            except ValueError:
                text = str(rule)
            origin = {'kind': 'rule', 'level': level, 'position': pos, 'rule': text}
            if vmid is not None:
                origin['vmid'] = vmid
            if group is not None:
                origin['group'] = group
            vrule = VRule(rule, errors, ipversion, macro, origin)
            if 'ipversion' in errors and lines and pos < len(lines):
                # PVE drops such a rule while reading the file, with this warning
                self.warnings.append('%s (line %s): %s' % (filename, lines[pos], errors['ipversion']))
            if errors:
                self.warnings.append('%s ignored, errors: %s' % (
                    vrule.describe(), '; '.join('%s: %s' % item for item in sorted(errors.items()))))
            verified.append(vrule)
        return verified

    def _load_guests(self, guests, vmdata):
        files = dict((str(key), value) for key, value in guests.items())
        for kind, section in (('vm', 'qemu'), ('ct', 'lxc')):
            for vmid, netconf in (vmdata.get(section) or {}).items():
                conf = _as_conf(files.get(str(vmid)), kind)
                guest = Guest(kind, int(vmid), netconf, conf)
                if conf:
                    self._collect_warnings('%s.fw' % vmid, conf)
                    guest.rules = self._verify(conf.get('rules') or [], kind, conf, kind, vmid=int(vmid),
                                               source=('%s.fw' % vmid, conf.get('rule_lines')))
                self.guests[int(vmid)] = guest

    def guest_order(self):
        """Guests in PVE's compile order: VMs, then containers, each sorted by vmid as text."""
        vms = sorted((g for g in self.guests.values() if g.kind == 'vm'), key=lambda g: str(g.vmid))
        cts = sorted((g for g in self.guests.values() if g.kind == 'ct'), key=lambda g: str(g.vmid))
        return vms + cts

    def _local_network(self, local_network):
        alias = (self.cluster.get('aliases') or {}).get('local_network')
        cidr = alias['cidr'] if alias else (local_network or '127.0.0.0/8')
        version, first, last = pm.cidr_range(cidr)[:3]
        return (version, (first, last)), pm.ipset_text(version, cidr)

    def _resolve_entry(self, cidr, local):
        """(version, first, last, prefixlen, text) of an ipset entry (aliases resolved)."""
        match = ALIAS_REF.match(cidr)
        if match:
            entry = lookup_alias(match.group(2), match.group(1) or '', self.cluster, local)
            if not entry:
                raise pm.MatchError("no such alias '%s'" % cidr)
            cidr = entry['cidr']
        version, first, last, plen = pm.cidr_range(cidr)
        return version, first, last, plen, pm.ipset_text(version, cidr)

    def _ipset(self, name, entries, local, extra=()):
        table = {}
        for entry in entries:
            if entry.get('errors'):
                continue
            try:
                version, first, last, plen, text = self._resolve_entry(entry['cidr'], local)
            except pm.MatchError as exc:
                self.warnings.append('ipset %s: %s' % (name, exc))
                continue
            table[(version, text)] = (version, first, last, plen, perl_true(entry.get('nomatch')), text)
        for item in extra:
            table[(item[0], item[5])] = item
        return pm.IpSet(name, table.values())

    def _build_ipsets(self):
        sets = dict(self.cluster.get('ipset') or {})
        version, (first, last) = self.local_network
        management = list(sets.get('management') or [])
        localnet = (version, first, last, _prefixlen(version, first, last), False, self.local_network_text)
        self.cluster_ipsets['management'] = self._ipset('management', management, self.cluster, [localnet])
        for name, entries in sets.items():
            if name != 'management':
                self.cluster_ipsets[name] = self._ipset(name, entries, self.cluster)
        for guest in self.guests.values():
            if not guest.conf:
                continue
            device_ips = {}
            for nic in guest.nics:
                if not nic.firewall:
                    continue
                extra = []
                if nic.mac:
                    extra.append(_linklocal(nic.mac))
                    extra.append((6, 0xFE80 << 112, (0xFE80 << 112) | ((1 << 118) - 1), 10, True, 'fe80::/10'))
                if guest.kind == 'ct':
                    for addr in nic.ips:
                        ver, low, high = pm.packet_address(addr)
                        extra.append((ver, low, high, 32 if ver == 4 else 128, False, pm.ipset_text(ver, addr)))
                device_ips['ipfilter-%s' % nic.netid] = extra
                if perl_true(guest.options.get('ipfilter')) and 'ipfilter-%s' % nic.netid not in guest.ipset_names:
                    self.guest_ipsets[(guest.vmid, 'ipfilter-%s' % nic.netid)] = self._ipset(
                        'ipfilter-%s' % nic.netid, [], guest.conf, extra)
            for name, entries in (guest.conf.get('ipset') or {}).items():
                self.guest_ipsets[(guest.vmid, name)] = self._ipset(name, entries, guest.conf,
                                                                    device_ips.get(name, ()))

    def _corosync(self, corosync, node, resolver, host_ip):
        """Ring/link addresses of the local node and its peers (PVE opens corosync between them)."""
        if not corosync:
            return None
        conf = parse_corosync_conf(corosync) if isinstance(corosync, str) else corosync
        totem = conf.get('totem') or {}
        nodes = {}
        for entry in (conf.get('nodelist') or {}).get('node') or []:
            addresses = []
            for key in sorted(entry):
                if re.match(r'^(ring|link)\d+_addr$', key):
                    addr = resolver.get(entry[key], entry[key])
                    try:
                        addresses.append((key, addr, pm.packet_address(addr)[0]))
                    except pm.MatchError:
                        continue  # a host name: corosync resolves it, offline we cannot
            nodes[entry.get('name') or entry.get('ring0_addr')] = addresses
        if node is None and host_ip:
            node = next((name for name, addresses in nodes.items()
                         if any(addr == str(host_ip) for _key, addr, _version in addresses)), None)
        info = {'multicast': totem.get('transport') == 'udp', 'local': nodes.get(node, []), 'peers': []}
        for name in sorted(nodes, key=str):
            if name != node:
                info['peers'].extend((name, key, addr, version) for key, addr, version in nodes[name])
        return info

    # helpers used by the compiler

    def cluster_policy(self, direction):
        default = 'DROP' if direction == 'in' else 'ACCEPT'
        return self.cluster_options.get('policy_%s' % direction) or default

    def policy_origin(self, level, direction, chain, vmid=None):
        options = self.cluster_options if level == 'cluster' else self.guests[vmid].options
        key = 'policy_%s' % direction
        if level == 'cluster':
            value = self.cluster_policy(direction)
        else:
            value = self.guests[vmid].policy(direction.upper())
        origin = {'kind': 'policy', 'level': level, 'option': key, 'value': value, 'chain': chain,
                  'reason': '%s %s %s%s' % (level if vmid is None else '%s%s' % (level, vmid), key, value,
                                            '' if key in options else ' (default)')}
        if vmid is not None:
            origin['vmid'] = vmid
        return origin


def _prefixlen(version, first, last):
    size = last - first + 1
    return (32 if version == 4 else 128) - (size.bit_length() - 1)


# -- zones and routing ---------------------------------------------------------------------------

class Endpoint(object):
    """Where a packet starts or ends: the host, a bridge port, or a firewalled guest NIC."""

    __slots__ = ('zone', 'type', 'bridge', 'port', 'guest', 'nic')

    def __init__(self, zone, etype, bridge=None, port=None, guest=None, nic=None):
        self.zone = zone
        self.type = etype
        self.bridge = bridge
        self.port = port
        self.guest = guest
        self.nic = nic


class Hop(object):
    __slots__ = ('stage', 'chain', 'fields', 'default')

    def __init__(self, stage, chain, fields, default):
        self.stage = stage
        self.chain = chain
        self.fields = fields
        self.default = default


class _Ctx(object):
    __slots__ = ('decider',)

    def __init__(self):
        self.decider = None


class PveFirewall(object):
    """The evaluator of one node (see the module docstring)."""

    def __init__(self, cluster=None, host=None, guests=None, vmdata=None, macros=None, host_ip=None,
                 local_network=None, corosync=None, node=None, guest_ips=None, services=None,
                 fidelity='kernel', now=None, outside='vmbr0/eth0', nfvm='vmbr0/tapXYZ', resolver=None,
                 carry_mark=False):
        pm.require_netaddr()
        if fidelity not in FIDELITIES:
            raise ValueError("fidelity must be one of %s, got '%s'" % (', '.join(FIDELITIES), fidelity))
        self.fidelity = fidelity
        self.model = FirewallModel(cluster, host, guests, vmdata, macros, local_network, corosync, node,
                                   services or pm.SERVICES, fidelity, now, resolver, host_ip)
        self.host_ip = host_ip
        self.outside = outside
        self.nfvm = nfvm
        self._rulesets = {}
        self._shortcuts = _SIM_SHORTCUTS if fidelity == 'simulator' else {}
        self._ip_zones = self._index_guest_ips(guest_ips or {})
        self.carry_mark = carry_mark
        self.mark = 0
        self._addresses = {}

    @property
    def warnings(self):
        return self.model.warnings

    @property
    def cluster_enabled(self):
        return self.model.enabled

    def ruleset(self, version):
        """The compiled chains for IP version 4 or 6 (empty when the cluster firewall is off)."""
        if version not in self._rulesets:
            if self.model.enabled:
                self._rulesets[version] = Compiler(self.model, version).compile().chains
            else:
                self._rulesets[version] = {}
        return self._rulesets[version]

    # zones

    def _index_guest_ips(self, guest_ips):
        index = {}
        for guest in self.model.guests.values():
            for nic in guest.nics:
                for addr in nic.ips:
                    index.setdefault(addr, self._nic_zone(guest, nic))
        for vmid, ips in guest_ips.items():
            guest = self.model.guests.get(int(vmid))
            if guest is None:
                continue
            per_nic = ips if isinstance(ips, dict) else {guest.nics[0].netid if guest.nics else 'net0': ips}
            for netid, addrs in per_nic.items():
                nic = next((n for n in guest.nics if n.netid == netid), None)
                for addr in addrs or []:
                    addr = str(addr).split('/', 1)[0]
                    index[addr] = self._nic_zone(guest, nic) if nic else '%s%s' % (guest.kind, guest.vmid)
        return index

    @staticmethod
    def _nic_zone(guest, nic):
        suffix = '' if nic.num == 0 else 'i%s' % nic.num
        return '%s%s%s' % (guest.kind, guest.vmid, suffix)

    def zones(self):
        names = ['host', 'outside', 'nfvm']
        for guest in sorted(self.model.guests.values(), key=lambda g: g.vmid):
            names.extend(self._nic_zone(guest, nic) for nic in guest.nics)
        return names

    def resolve_zone(self, address):
        """Zone of an IP address: host, the guest NIC that owns it, or outside."""
        text = str(address).split('/', 1)[0]
        if self.host_ip and text == str(self.host_ip):
            return 'host'
        return self._ip_zones.get(text, 'outside')

    def _endpoint(self, zone):
        zone = str(zone)
        if zone == 'host':
            return Endpoint(zone, 'host')
        alias = {'outside': self.outside, 'nfvm': self.nfvm}.get(zone)
        match = _ZONE_BPORT.match(alias or zone)
        if match:
            return Endpoint(zone, 'bport', match.group(1), match.group(2))
        match = _ZONE_GUEST.match(zone)
        if not match:
            raise ValueError("unable to parse zone '%s'" % zone)
        guest = self.model.guests.get(int(match.group(2)))
        if guest is None or guest.kind != match.group(1):
            raise ValueError("no such %s '%s'" % ('VM' if match.group(1) == 'vm' else 'CT', match.group(2)))
        nic = guest.nic(int(match.group(3) or 0))
        if nic is None:
            raise ValueError("%s has no net%s with a bridge" % (zone, match.group(3) or 0))
        if not nic.firewall:
            # no firewall bridge: the tap/veth device sits directly on the bridge
            return Endpoint(zone, 'bport', nic.bridge, nic.dev, guest, nic)
        return Endpoint(zone, 'guest', nic.bridge, nic.dev, guest, nic)

    def _zone_and_address(self, flow, key, addr_key):
        zone = flow.get(key)
        addr = flow.get(addr_key)
        if zone is None:
            if addr is None:
                raise ValueError("missing '%s' (a zone or an IP address)" % key)
            zone = self.resolve_zone(addr)
        else:
            if _LOOKS_LIKE_IP.match(str(zone)) and ('.' in str(zone) or ':' in str(zone)):
                self._address(zone)
                addr = zone if addr is None else addr
                zone = self.resolve_zone(zone)
        return self._endpoint(zone), addr

    def _nic_status(self, endpoint):
        return endpoint.guest.status(endpoint.nic, self.model.enabled)

    def _host_default(self):
        if is_off(self.model.host_options, 'enable'):
            return 'host firewall disabled (host option enable is 0)'
        # only reachable through a GROUP rule's mark check when the packet was already marked
        return 'accepted: the packet already carried the accept mark at a GROUP rule check'

    def _route(self, src, dst):
        """The filter hooks a packet crosses, as PVE's simulator routes it (bridge + fwbr model)."""
        hops = []
        if src.type == 'host':
            hops.append(Hop('host-out', 'PVEFW-OUTPUT', {'iface_in': 'lo', 'iface_out': dst.bridge},
                            self._host_default()))
            if dst.type == 'guest':
                hops.append(self._fwbr_in(dst))
            return hops
        if src.type == 'guest':
            nic = src.nic
            hops.append(Hop('%s out (%s)' % (src.zone, nic.netid), 'PVEFW-FORWARD',
                            {'iface_in': 'fwbr%si%s' % (src.guest.vmid, nic.num),
                             'iface_out': 'fwbr%si%s' % (src.guest.vmid, nic.num),
                             'physdev_in': nic.dev, 'physdev_out': 'fwln%si%s' % (src.guest.vmid, nic.num)},
                            self._nic_status(src) or 'no rule matched'))
            physdev_in = 'fwpr%sp%s' % (src.guest.vmid, nic.num)
        else:
            physdev_in = src.port
        if dst.type == 'host':
            hops.append(Hop('host-in', 'PVEFW-INPUT', {'iface_in': src.bridge, 'iface_out': 'lo',
                                                       'physdev_in': physdev_in}, self._host_default()))
            return hops
        fields = {'iface_in': src.bridge, 'iface_out': dst.bridge, 'physdev_in': physdev_in}
        if src.bridge == dst.bridge:
            fields['physdev_out'] = dst.port if dst.type == 'bport' else 'fwpr%sp%s' % (dst.guest.vmid, dst.nic.num)
        hops.append(Hop('bridge %s' % src.bridge if src.bridge == dst.bridge else 'routed %s->%s' % (
            src.bridge, dst.bridge), 'PVEFW-FORWARD', fields, 'no filter applies between these bridge ports'))
        if dst.type == 'guest':
            hops.append(self._fwbr_in(dst))
        return hops

    def _fwbr_in(self, dst):
        vmid, num = dst.guest.vmid, dst.nic.num
        fwbr = 'fwbr%si%s' % (vmid, num)
        return Hop('%s in (%s)' % (dst.zone, dst.nic.netid), 'PVEFW-FORWARD',
                   {'iface_in': fwbr, 'iface_out': fwbr, 'physdev_in': 'fwln%si%s' % (vmid, num),
                    'physdev_out': dst.nic.dev}, self._nic_status(dst) or 'no rule matched')

    # packets

    def _packet(self, flow, src, dst, src_addr, dst_addr):
        pkt = pm.Packet()
        proto = flow.get('proto') or 'tcp'
        pkt.proto = pm.proto_number(proto)
        if pkt.proto is None:
            raise ValueError("unknown protocol '%s'" % proto)
        given = [addr for addr in (src_addr, dst_addr) if addr is not None]
        version = self._address(given[0])[0] if given else 4
        if src_addr is None:
            src_addr = self._default_address(src, version, SIM_SOURCE, SIM_SOURCE6)
        if dst_addr is None:
            dst_addr = self._default_address(dst, version, SIM_DEST, SIM_DEST6)
        sver, sfirst, slast = self._address(src_addr)
        dver, dfirst, dlast = self._address(dst_addr)
        if sver != dver:
            raise ValueError('source %s and destination %s are of different IP versions' % (src_addr, dst_addr))
        pkt.version, pkt.src, pkt.dst = sver, (sfirst, slast), (dfirst, dlast)
        self._packet_ports(pkt, flow)
        kernel = self.fidelity == 'kernel'
        pkt.srctype = flow.get('srctype') or (pm.address_type(sver, sfirst) if kernel else 'UNICAST')
        pkt.dsttype = flow.get('dsttype') or (pm.address_type(dver, dfirst) if kernel else 'UNICAST')
        pkt.state = str(flow.get('state') or 'NEW').upper()
        pkt.syn = pkt.state == 'NEW'
        pkt.mac = src.nic.mac if src.nic is not None else None
        return pkt, src_addr, dst_addr

    def _address(self, text):
        """packet_address() with a small memo: flows repeat the same addresses."""
        key = str(text)
        found = self._addresses.get(key)
        if found is None:
            try:
                found = pm.packet_address(key)
            except pm.MatchError as exc:
                raise ValueError(str(exc))
            if len(self._addresses) >= _ADDRESS_CACHE_SIZE:
                self._addresses.clear()
            self._addresses[key] = found
        return found

    def _default_address(self, endpoint, version, sim4, sim6):
        if endpoint.type == 'host' and self.host_ip and self._address(self.host_ip)[0] == version:
            return str(self.host_ip)
        if self.fidelity == 'kernel' and endpoint.nic is not None:
            for addr in endpoint.nic.ips:
                if self._address(addr)[0] == version:
                    return addr
        return sim4 if version == 4 else sim6

    def _packet_ports(self, pkt, flow):
        dport, sport = flow.get('dport'), flow.get('sport')
        if 'icmp_type' in flow:
            dport = flow['icmp_type']
        if pkt.proto in (1, 58):
            if dport is not None:
                pkt.icmp_text = str(dport)
                try:
                    pkt.icmp = pm.icmp_spec(dport, 4 if pkt.proto == 1 else 6) or (None, None)
                except pm.MatchError:
                    pkt.icmp = None
            return
        pkt.dport = self._port(dport)
        pkt.sport = self._port(sport)

    def _port(self, value):
        if value is None or value == '':
            return None
        text = str(value)
        if text.isdigit():
            return int(text)
        if text in self.model.services:
            return self.model.services[text]
        raise ValueError("unknown port '%s'" % value)

    # evaluation

    def _run(self, chains, name, pkt, ctx):
        if name in self._shortcuts:
            return self._shortcuts[name]
        for match, kind, arg, origin in chains[name]:
            if match is not None and not match(pkt):
                continue
            if kind is K_VERDICT:
                if origin is not None:
                    ctx.decider = origin
                return arg
            if kind is K_MARK:
                pkt.mark = (pkt.mark & ~arg[1]) | arg[0]
                continue
            if kind is K_RETURN:
                if origin is not None:
                    ctx.decider = origin
                return None
            if kind is K_GOTO:
                if origin is not None:
                    ctx.decider = origin
                return self._run(chains, arg, pkt, ctx)
            saved, ctx.decider = ctx.decider, None
            result = self._run(chains, arg, pkt, ctx)
            inner = ctx.decider
            if inner is None:
                ctx.decider = origin if (result is not None and origin is not None) else saved
            elif origin is not None and inner.get('level') == 'group' and origin.get('level') != 'group':
                ctx.decider = dict(inner, via=origin)
            if result is not None:
                return result
        return None

    def _run_hop(self, chains, hop, pkt):
        pkt.iface_in = pkt.iface_out = pkt.physdev_in = pkt.physdev_out = None
        for key, value in hop.fields.items():
            setattr(pkt, key, value)
        ctx = _Ctx()
        action = self._run(chains, hop.chain, pkt, ctx) if hop.chain in chains else None
        decider = dict(ctx.decider) if ctx.decider else {'kind': 'default', 'reason': hop.default}
        decider['hop'] = hop.stage
        return action or 'ACCEPT', decider

    def evaluate(self, flow):
        """Verdict for one flow (see the module docstring)."""
        src, src_addr = self._zone_and_address(flow, 'from', 'source')
        dst, dst_addr = self._zone_and_address(flow, 'to', 'dest')
        if src.zone == dst.zone:
            raise ValueError('from/to needs to be different')
        if src.type == 'host' and dst.type == 'host':
            raise ValueError('host to host traffic does not cross the firewall')
        pkt, src_addr, dst_addr = self._packet(flow, src, dst, src_addr, dst_addr)
        normal = {'from': src.zone, 'to': dst.zone, 'source': src_addr, 'dest': dst_addr,
                  'proto': flow.get('proto') or 'tcp', 'sport': flow.get('sport'), 'dport': flow.get('dport'),
                  'state': pkt.state, 'ipversion': pkt.version}
        if not self.model.enabled:
            decider = {'kind': 'switch', 'reason': 'cluster firewall disabled (cluster option enable is 0)'}
            return {'action': 'ACCEPT', 'decided_by': decider, 'hops': [], 'flow': normal}
        chains = self.ruleset(pkt.version)
        if self.carry_mark:
            pkt.mark = self.mark
        hops, final = [], None
        for hop in self._route(src, dst):
            action, decider = self._run_hop(chains, hop, pkt)
            hops.append({'stage': hop.stage, 'chain': hop.chain, 'action': action, 'decided_by': decider})
            if action != 'ACCEPT':
                final = decider
                break
        self.mark = pkt.mark
        if final is None:
            final = hops[0]['decided_by']
            for hop in hops:
                if hop['decided_by']['kind'] != 'default':
                    final = hop['decided_by']
        return {'action': hops[-1]['action'], 'decided_by': final, 'hops': hops, 'flow': normal}

    def evaluate_many(self, flows):
        return [self.evaluate(flow) for flow in flows]

    def evaluate_connection(self, flow):
        """Request verdict plus, when accepted, the verdict of its reply (state ESTABLISHED)."""
        request = self.evaluate(flow)
        result = {'request': request, 'reply': None}
        if request['action'] == 'ACCEPT':
            normal = request['flow']
            reply = {'from': normal['to'], 'to': normal['from'], 'source': normal['dest'], 'dest': normal['source'],
                     'proto': normal['proto'], 'sport': flow.get('dport'), 'dport': flow.get('sport'),
                     'state': 'ESTABLISHED'}
            if pm.proto_number(normal['proto']) in (1, 58):
                reply['dport'] = 'echo-reply' if str(flow.get('dport')) in ('echo-request', '8', '128') else None
                reply.pop('sport')
            result['reply'] = self.evaluate(reply)
        return result


__all__ = ['PveFirewall', 'FirewallModel', 'parse_corosync_conf', 'parse_guest_net', 'CompileError',
           'HAS_NETADDR', 'IMPORT_ERROR']
