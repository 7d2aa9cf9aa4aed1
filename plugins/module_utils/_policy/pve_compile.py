# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: compile a PVE firewall configuration into evaluable chains.

This follows the chain layout of PVE's iptables backend (pve-firewall): PVEFW-INPUT/OUTPUT/FORWARD,
PVEFW-HOST-IN/OUT, PVEFW-FWBR-IN/OUT, one ``<tap|veth><vmid>i<n>-IN/OUT`` chain per firewalled guest
NIC, ``GROUP-<name>-IN/OUT`` per security group and the standard helper chains. Each chain is a list
of ``(match, kind, arg, origin)`` tuples: ``match`` is a closure over the packet (None = always),
``kind`` one of the K_* constants, ``origin`` a dict naming the user rule, policy or built-in rule
that the entry stands for (None for plumbing).
"""

from __future__ import annotations

import re

from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.fwfile import perl_true
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy import pve_match as pm
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.pve_rules import (
    ALIAS_REF,
    IPSET_REF,
    RuleError,
    lookup_alias,
)

K_VERDICT, K_RETURN, K_JUMP, K_GOTO, K_MARK = 'verdict', 'return', 'jump', 'goto', 'mark'
ACCEPT_MARK = (0x80000000, 0x80000000)
CLEAR_MARK = (0x00000000, 0x80000000)
SET_ACCEPT_MARK = 'PVEFW-SET-ACCEPT-MARK'
MAX_CHAIN_NAME = 28

# What a rule action becomes in each kind of chain (PVE substitutes actions per chain).
HOST_ACTIONS = {'ACCEPT': (K_RETURN, None), 'DROP': (K_VERDICT, 'DROP'), 'REJECT': (K_JUMP, 'PVEFW-reject')}
GUEST_IN_ACTIONS = {'ACCEPT': (K_VERDICT, 'ACCEPT'), 'DROP': (K_VERDICT, 'DROP'), 'REJECT': (K_JUMP, 'PVEFW-reject')}
MARK_ACTIONS = {'ACCEPT': (K_GOTO, SET_ACCEPT_MARK), 'DROP': (K_VERDICT, 'DROP'), 'REJECT': (K_JUMP, 'PVEFW-reject')}

MANAGEMENT_PORTS = (('8006', 'API/GUI'), ('5900:5999', 'VNC console'), ('3128', 'SPICE proxy'), ('22', 'SSH'),
                    ('60000:60050', 'migration'))
LOCALNET_PORTS = (('8006', 'API/GUI'), ('22', 'SSH'), ('5900:5999', 'VNC console'), ('3128', 'SPICE proxy'))
_LINK_KEY = re.compile(r'^(ring|link)(\d+)_addr$')


class CompileError(ValueError):
    """PVE would die while generating this rule (it then skips the rule, or the rest of a guest)."""


def is_off(options, key):
    """PVE's "on unless explicitly 0" options."""
    value = options.get(key)
    return value is not None and str(value) == '0'


def builtin(reason, **extra):
    origin = {'kind': 'builtin', 'reason': reason}
    origin.update(extra)
    return origin


class Ruleset(object):
    """Chains by name, with PVE's creation checks."""

    def __init__(self):
        self.chains = {}

    def create(self, name):
        if len(name) > MAX_CHAIN_NAME:
            raise CompileError("Invalid chain name '%s' (28 char max)" % name)
        if name in self.chains:
            raise CompileError("chain '%s' already exists" % name)
        self.chains[name] = []

    def add(self, chain, match, kind, arg=None, origin=None):
        if chain not in self.chains:
            raise CompileError("no such chain '%s'" % chain)
        if origin is not None and 'chain' not in origin:
            origin = dict(origin, chain=chain)
        self.chains[chain].append((match, kind, arg, origin))


def action_entry(action):
    """(kind, arg) for a raw PVE action or chain target."""
    if action in ('ACCEPT', 'DROP', 'REJECT'):
        return K_VERDICT, action
    if action == 'RETURN':
        return K_RETURN, None
    if action == SET_ACCEPT_MARK:
        return K_GOTO, action
    return K_JUMP, action


class Compiler(object):
    """Builds the Ruleset of one IP version from a FirewallModel (see pve.py)."""

    def __init__(self, model, version):
        self.model = model
        self.version = version
        self.rs = Ruleset()
        self.simulator = model.fidelity == 'simulator'
        self.exact_icmp = self.simulator

    def warn(self, msg):
        self.model.warnings.append(msg)

    # -- matches -----------------------------------------------------------------------------------

    def icmp_pred(self, value, proto):
        version = 4 if proto == 'icmp' else 6
        try:
            spec = pm.icmp_spec(value, version)
        except pm.MatchError as exc:
            raise CompileError(str(exc))
        return pm.p_icmp(spec, str(value), self.exact_icmp)

    def address_pred(self, attr, adr, local, vmid):
        if adr.startswith('+'):
            match = IPSET_REF.match(adr)
            if not match:
                raise CompileError("invalid security group name '%s'" % adr)
            scope, name = match.group(1) or '', match.group(2)
            ipset = None
            if scope in ('', 'guest/') and local and name in (local.get('ipset') or {}):
                ipset = self.model.guest_ipsets.get((vmid, name))
            elif scope in ('', 'dc/') and name in self.model.cluster_ipsets:
                ipset = self.model.cluster_ipsets[name]
            if ipset is None:
                raise CompileError("no such ipset '%s'" % name)
            return pm.p_ipset(attr, ipset, simulator=self.simulator)
        match = ALIAS_REF.match(adr)
        if match:
            entry = lookup_alias(match.group(2), match.group(1) or '', self.model.cluster, local)
            if not entry:
                raise CompileError("no such alias '%s'" % adr)
            ranges = [pm.cidr_range(entry['cidr'])[1:3]]
        else:
            try:
                ranges = [pm.address_element(elem)[1:] for elem in pm.perl_split_commas(adr)]
            except pm.MatchError as exc:
                raise CompileError(str(exc))
        return pm.p_addr(attr, ranges)

    def port_pred(self, attr, spec, is_icmp):
        try:
            pm.check_port_spec(str(spec), is_icmp, self.model.services)
            return pm.p_ports(attr, pm.port_ranges(spec, self.model.services))
        except (pm.MatchError, KeyError) as exc:
            raise CompileError(str(exc))

    def rule_match(self, rule, local=None, vmid=None):
        """Match closure of one (macro-expanded) rule dict, as PVE's ipt_rule_to_cmds builds it."""
        preds = []
        proto = rule.get('proto')
        if perl_true(proto):
            number = pm.proto_number(proto)
            if number is None:
                raise CompileError("unknown protocol '%s'" % proto)
            preds.append(pm.p_proto(number))
            preds.extend(self._proto_details(rule, proto))
        elif perl_true(rule.get('dport')) or perl_true(rule.get('sport')):
            raise CompileError('port given, but no protocol specified')
        for key in ('iface_in', 'iface_out'):
            if rule.get(key):
                preds.insert(0, pm.p_dev(key, rule[key]))
        for key, attr in (('source', 'src'), ('dest', 'dst')):
            if perl_true(rule.get(key)):
                preds.append(self.address_pred(attr, rule[key], local, vmid))
        if rule.get('dsttype'):
            preds.append(pm.p_value('dsttype', rule['dsttype']))
        return pm.combine(preds)

    def _proto_details(self, rule, proto):
        preds = []
        is_icmp = proto in pm.ICMP_PROTOCOLS
        dport, sport, icmp_type = rule.get('dport'), rule.get('sport'), rule.get('icmp-type')
        if icmp_type is not None and str(icmp_type) != '':
            if not is_icmp:
                raise CompileError("'icmp-type' can only be set if 'icmp', 'icmpv6' or 'ipv6-icmp' is specified")
            preds.append(self.icmp_pred(icmp_type, proto))
        if dport is not None:
            if proto in ('icmp', 'icmpv6'):
                preds.append(self.icmp_pred(dport, proto))
            elif proto not in pm.PROTOCOLS_WITH_PORTS:
                raise CompileError('protocol %s does not have ports' % proto)
            elif perl_true(dport):
                preds.append(self.port_pred('dport', dport, is_icmp))
        if perl_true(sport):
            if proto not in pm.PROTOCOLS_WITH_PORTS:
                raise CompileError('protocol %s does not have ports' % proto)
            preds.append(self.port_pred('sport', sport, False))
        return preds

    def add_user_rule(self, chain, vrule, actions, local=None, vmid=None, extra=None):
        """Add a verified user rule (all or nothing, macros expanded) with the chain's action mapping."""
        rule = dict(vrule.rule)
        if extra:
            rule.update(extra)
        if vrule.macro:
            rule['macro'] = vrule.macro
            try:
                expanded = self.model.macros.expand(vrule.macro, rule, self.version)
            except RuleError as exc:
                raise CompileError(str(exc))
        else:
            expanded = [rule]
        entries = []
        for item in expanded:
            kind, arg = actions.get(item.get('action'), action_entry(item.get('action')))
            entries.append((self.rule_match(item, local, vmid), kind, arg))
        origin = dict(vrule.origin, chain=chain)
        for match, kind, arg in entries:
            self.rs.add(chain, match, kind, arg, origin)

    def add_simple(self, chain, action, origin=None, **rule):
        kind, arg = action_entry(action)
        self.rs.add(chain, self.rule_match(rule), kind, arg, origin)

    # -- standard chains ---------------------------------------------------------------------------

    def std_chains(self):
        rs, v4 = self.rs, self.version == 4
        for name in ('PVEFW-SET-ACCEPT-MARK', 'PVEFW-DropBroadcast', 'PVEFW-reject', 'PVEFW-Drop', 'PVEFW-Reject',
                     'PVEFW-tcpflags', 'PVEFW-logflags'):
            rs.create(name)
        rs.add('PVEFW-SET-ACCEPT-MARK', None, K_MARK, ACCEPT_MARK)
        if v4:
            for dsttype in ('BROADCAST', 'MULTICAST', 'ANYCAST'):
                self.add_simple('PVEFW-DropBroadcast', 'DROP', dsttype=dsttype)
            self.add_simple('PVEFW-DropBroadcast', 'DROP', dest='224.0.0.0/4')
            self.add_simple('PVEFW-reject', 'DROP', dsttype='BROADCAST')
            self.add_simple('PVEFW-reject', 'DROP', source='224.0.0.0/4')
            self.add_simple('PVEFW-reject', 'DROP', proto='icmp')
            for proto in ('tcp', 'udp', 'icmp'):
                self.add_simple('PVEFW-reject', 'REJECT', proto=proto)
        else:
            self.add_simple('PVEFW-DropBroadcast', 'DROP', dest='ff00::/8')
            self.add_simple('PVEFW-reject', 'DROP', proto='icmpv6')
            for proto in ('tcp', 'udp'):
                self.add_simple('PVEFW-reject', 'REJECT', proto=proto)
        rs.add('PVEFW-reject', None, K_VERDICT, 'REJECT')
        for chain, noise in (('PVEFW-Drop', 'DROP'), ('PVEFW-Reject', 'PVEFW-reject')):
            self._drop_or_reject_chain(chain, noise)
        rs.add('PVEFW-tcpflags', pm.p_tcp_syn_sport0(), K_GOTO, 'PVEFW-logflags')
        rs.add('PVEFW-logflags', None, K_VERDICT, 'DROP')
        if v4:
            rs.create('PVEFW-smurfs')
            rs.create('PVEFW-smurflog')
            self.add_simple('PVEFW-smurfs', 'RETURN', source='0.0.0.0')
            rs.add('PVEFW-smurfs', pm.p_value('srctype', 'BROADCAST'), K_GOTO, 'PVEFW-smurflog')
            rs.add('PVEFW-smurfs', self.rule_match({'source': '224.0.0.0/4'}), K_GOTO, 'PVEFW-smurflog')
            rs.add('PVEFW-smurflog', None, K_VERDICT, 'DROP')

    def _drop_or_reject_chain(self, chain, noise):
        rs, v4 = self.rs, self.version == 4
        if not v4:
            self.add_simple(chain, 'PVEFW-reject', proto='tcp', dport='43')
        rs.add(chain, None, K_JUMP, 'PVEFW-DropBroadcast')
        critical = ('fragmentation-needed', 'time-exceeded') if v4 else (
            'destination-unreachable', 'time-exceeded', 'packet-too-big')
        for icmp in critical:
            self.add_simple(chain, 'ACCEPT', proto='icmp' if v4 else 'icmpv6', dport=icmp)
        rs.add(chain, pm.p_ctstate(('INVALID',)), K_VERDICT, 'DROP')
        for proto, dport, sport in (('udp', '135,445', None), ('udp', '137:139', None), ('udp', '1024:65535', '137'),
                                    ('tcp', '135,139,445', None)):
            self.add_simple(chain, noise, proto=proto, dport=dport, sport=sport)
        self.add_simple(chain, 'DROP', proto='udp', dport='1900')
        rs.add(chain, pm.p_tcp_not_syn(), K_VERDICT, 'DROP')
        self.add_simple(chain, 'DROP', proto='udp', sport='53')

    # -- common pieces -----------------------------------------------------------------------------

    def conn_filters(self, chain, allow_invalid=False):
        if not allow_invalid:
            self.rs.add(chain, pm.p_ctstate(('INVALID',)), K_VERDICT, 'DROP', builtin('conntrack state INVALID'))
        self.rs.add(chain, pm.p_ctstate(('RELATED', 'ESTABLISHED')), K_VERDICT, 'ACCEPT',
                    builtin('conntrack state RELATED,ESTABLISHED (stateful return traffic)'))

    def input_filters(self, chain, host_options):
        model = self.model
        if 'blacklist' in model.cluster_ipsets:
            if 'PVEFW-blacklist' not in self.rs.chains:
                self.rs.create('PVEFW-blacklist')
                self.rs.add('PVEFW-blacklist', None, K_VERDICT, 'DROP')
            blacklisted = pm.p_ipset('src', model.cluster_ipsets['blacklist'], simulator=self.simulator)
            self.rs.add(chain, blacklisted, K_JUMP, 'PVEFW-blacklist', builtin('cluster ipset blacklist'))
        if self.version == 4 and not is_off(host_options, 'nosmurfs'):
            self.rs.add(chain, pm.p_ctstate(('INVALID', 'NEW')), K_JUMP, 'PVEFW-smurfs',
                        builtin('smurf filter (host option nosmurfs)'))
        if perl_true(host_options.get('tcpflags')):
            self.rs.add(chain, pm.p_proto(6), K_JUMP, 'PVEFW-tcpflags',
                        builtin('TCP flags filter (host option tcpflags)'))

    def ndp(self, chain, options, direction, kind, arg, level):
        if self.version != 6 or is_off(options, 'ndp'):
            return
        origin = builtin('neighbor discovery (option ndp)', level=level)
        names = ['router-solicitation']
        if direction != 'OUT' or perl_true(options.get('radv')):
            names.append('router-advertisement')
        names.extend(['neighbor-solicitation', 'neighbor-advertisement'])
        for name in names:
            self.rs.add(chain, self.rule_match({'proto': 'icmpv6', 'dport': name}), kind, arg, origin)

    def policy(self, chain, policy, accept, origin):
        if policy == 'ACCEPT':
            self.rs.add(chain, None, accept[0], accept[1], origin)
        elif policy == 'DROP':
            self.rs.add(chain, None, K_JUMP, 'PVEFW-Drop', origin)
            self.rs.add(chain, None, K_VERDICT, 'DROP', origin)
        else:
            self.rs.add(chain, None, K_JUMP, 'PVEFW-Reject', origin)
            self.rs.add(chain, None, K_GOTO, 'PVEFW-reject', origin)

    def group_rule(self, chain, vrule, direction, accept, iface_pattern=None):
        group = vrule.rule['action']
        group_chain = 'GROUP-%s-%s' % (group, direction)
        if group_chain not in self.rs.chains:
            self.group_chains(group)
        match = pm.p_dev('iface_out' if direction == 'OUT' else 'iface_in', iface_pattern) if iface_pattern else None
        self.rs.add(chain, match, K_JUMP, group_chain, dict(vrule.origin, chain=chain))
        self.rs.add(chain, pm.p_mark(*ACCEPT_MARK), accept[0], accept[1])

    def group_chains(self, group):
        rules = self.model.groups.get(group)
        if rules is None:
            self.warn("no such security group '%s'" % group)
            rules = []
        for direction in ('IN', 'OUT'):
            chain = 'GROUP-%s-%s' % (group, direction)
            self.rs.create(chain)
            self.rs.add(chain, None, K_MARK, CLEAR_MARK)
            for vrule in rules:
                if vrule.rule.get('type') != direction.lower() or not vrule.active(self.version):
                    continue
                self.add_user_rule(chain, vrule, MARK_ACTIONS)

    # -- host --------------------------------------------------------------------------------------

    def host_chains(self):
        model, rs = self.model, self.rs
        options = model.host_options
        rs.create('PVEFW-HOST-IN')
        chain = 'PVEFW-HOST-IN'
        rs.add(chain, pm.p_dev('iface_in', 'lo'), K_VERDICT, 'ACCEPT', builtin('loopback'))
        self.conn_filters(chain)
        self.ndp(chain, options, 'IN', K_RETURN, None, 'host')
        self.input_filters(chain, options)
        rs.add(chain, pm.p_proto(2), K_RETURN, None, builtin('IGMP'))
        self.host_user_rules(chain, 'in', 'IN', 'iface_in')
        mgmt = model.cluster_ipsets['management']
        for port, what in MANAGEMENT_PORTS:
            match = pm.combine([pm.p_ipset('src', mgmt, simulator=self.simulator), pm.p_proto(6),
                                self.port_pred('dport', port, False)])
            rs.add(chain, match, K_RETURN, None,
                   builtin('management ipset: tcp/%s (%s)' % (port, what), ipset='management'))
        self.corosync(chain, 'IN')
        self.policy(chain, model.cluster_policy('in'), (K_RETURN, None), model.policy_origin('cluster', 'in', chain))

        chain = 'PVEFW-HOST-OUT'
        rs.create(chain)
        rs.add(chain, pm.p_dev('iface_out', 'lo'), K_VERDICT, 'ACCEPT', builtin('loopback'))
        self.conn_filters(chain)
        self.ndp(chain, options, 'OUT', K_RETURN, None, 'host')
        rs.add(chain, pm.p_proto(2), K_RETURN, None, builtin('IGMP'))
        self.host_user_rules(chain, 'out', 'OUT', 'iface_out')
        version, localnet = model.local_network
        if version == self.version:
            for port, what in LOCALNET_PORTS:
                rs.add(chain, pm.combine([pm.p_proto(6), self.port_pred('dport', port, False),
                                          pm.p_addr('dst', [localnet])]),
                       K_RETURN, None, builtin('local_network: tcp/%s (%s)' % (port, what)))
        self.corosync(chain, 'OUT')
        self.policy(chain, model.cluster_policy('out'), (K_RETURN, None), model.policy_origin('cluster', 'out', chain))
        rs.add('PVEFW-OUTPUT', None, K_JUMP, 'PVEFW-HOST-OUT')
        rs.add('PVEFW-INPUT', None, K_JUMP, 'PVEFW-HOST-IN')

    def host_user_rules(self, chain, rtype, direction, iface_key):
        for vrule in self.model.host_rules:
            if not vrule.active(self.version):
                continue
            iface = vrule.rule.get('iface') if perl_true(vrule.rule.get('iface')) else None
            try:
                if vrule.rule.get('type') == 'group':
                    self.group_rule(chain, vrule, direction, (K_RETURN, None), iface)
                elif vrule.rule.get('type') == rtype:
                    self.add_user_rule(chain, vrule, HOST_ACTIONS, self.model.host, None,
                                       {iface_key: iface} if iface else None)
            except CompileError as exc:
                self.warn('%s: %s' % (vrule.describe(), exc))

    def corosync(self, chain, direction):
        info = self.model.corosync
        if not info:
            return
        if info.get('multicast'):
            match = pm.combine([pm.p_value('dsttype', 'MULTICAST'), pm.p_proto(17),
                                self.port_pred('dport', '5404:5405', False)])
            self.rs.add(chain, match, K_RETURN, None, builtin('corosync multicast'))
        local = dict((key, addr) for key, addr, version in info['local'] if version == self.version)
        for node, key, addr, version in info['peers']:
            if version != self.version or key not in local:
                continue
            ours = local[key]
            src, dst = (addr, ours) if direction == 'IN' else (ours, addr)
            match = self.rule_match({'proto': 'udp', 'dport': '5404:5405', 'source': src, 'dest': dst})
            self.rs.add(chain, match, K_RETURN, None, builtin('corosync %s with node %s' % (key, node)))

    # -- guests ------------------------------------------------------------------------------------

    def guest_chains(self):
        for guest in self.model.guest_order():
            if not guest.enabled:
                continue
            try:
                for nic in guest.nics:
                    if not nic.firewall:
                        continue
                    self.tap_chain(guest, nic, 'IN')
                    self.tap_chain(guest, nic, 'OUT')
            except CompileError as exc:
                self.warn('%s%s: %s' % (guest.kind, guest.vmid, exc))

    def tap_chain(self, guest, nic, direction):
        rs, options = self.rs, guest.options
        chain = '%s-%s' % (nic.dev, direction)
        level = guest.kind
        rs.create(chain)
        out = direction == 'OUT'
        accept = (K_GOTO, SET_ACCEPT_MARK) if out else (K_VERDICT, 'ACCEPT')
        if not is_off(options, 'dhcp'):
            ports = {4: ('68', '67'), 6: ('546', '547')}[self.version]
            sport, dport = ports if out else (ports[1], ports[0])
            rs.add(chain, self.rule_match({'proto': 'udp', 'sport': sport, 'dport': dport}), accept[0], accept[1],
                   builtin('DHCP (option dhcp)', level=level, vmid=guest.vmid, chain=chain))
        if out:
            self.out_filters(chain, guest, nic)
        self.ndp(chain, options, direction, accept[0], accept[1], level)
        for vrule in guest.rules:
            if perl_true(vrule.rule.get('iface')) and vrule.rule['iface'] != nic.netid:
                continue
            if not vrule.active(self.version):
                continue
            if vrule.rule.get('type') == 'group':
                self.group_rule(chain, vrule, direction, (K_RETURN, None) if out else (K_VERDICT, 'ACCEPT'))
                continue
            if vrule.rule.get('type') != direction.lower():
                continue
            try:
                self.add_user_rule(chain, vrule, MARK_ACTIONS if out else GUEST_IN_ACTIONS, guest.conf, guest.vmid)
            except CompileError as exc:
                self.warn('%s: %s' % (vrule.describe(), exc))
        policy = guest.policy(direction)
        self.policy(chain, policy, accept, self.model.policy_origin(level, direction.lower(), chain, guest.vmid))
        if out:
            rs.add('PVEFW-FWBR-OUT', pm.p_dev('physdev_in', nic.dev), K_JUMP, chain)
        else:
            rs.add('PVEFW-FWBR-IN', pm.p_dev('physdev_out', nic.dev), K_JUMP, chain)

    def out_filters(self, chain, guest, nic):
        rs, options = self.rs, guest.options
        where = {'level': guest.kind, 'vmid': guest.vmid, 'chain': chain}
        if nic.mac and not is_off(options, 'macfilter'):
            rs.add(chain, pm.p_mac_not(nic.mac), K_VERDICT, 'DROP', builtin('MAC filter (option macfilter)', **where))
        if self.version == 6 and not perl_true(options.get('radv')):
            rs.add(chain, self.rule_match({'proto': 'icmpv6', 'dport': 'router-advertisement'}), K_VERDICT, 'DROP',
                   builtin('router advertisement not allowed (option radv)', **where))
        name = 'ipfilter-%s' % nic.netid
        ipfilter = self.model.guest_ipsets.get((guest.vmid, name))
        if ipfilter is not None and (perl_true(options.get('ipfilter')) or name in guest.ipset_names):
            rs.add(chain, pm.p_ipset('src', ipfilter, negate=True, simulator=self.simulator), K_VERDICT, 'DROP',
                   builtin('ipfilter: source not in ipset %s' % name, ipset=name, **where))
        rs.add(chain, None, K_MARK, CLEAR_MARK)

    # -- all ---------------------------------------------------------------------------------------

    def compile(self):
        model, rs = self.model, self.rs
        host_options = model.host_options
        for chain in ('PVEFW-INPUT', 'PVEFW-OUTPUT', 'PVEFW-FORWARD'):
            rs.create(chain)
        self.conn_filters('PVEFW-FORWARD', perl_true(host_options.get('nf_conntrack_allow_invalid')))
        rs.create('PVEFW-FWBR-IN')
        self.input_filters('PVEFW-FWBR-IN', host_options)
        rs.add('PVEFW-FORWARD', pm.p_dev('physdev_in', 'fwln+'), K_JUMP, 'PVEFW-FWBR-IN')
        rs.create('PVEFW-FWBR-OUT')
        rs.add('PVEFW-FORWARD', pm.p_dev('physdev_out', 'fwln+'), K_JUMP, 'PVEFW-FWBR-OUT')
        self.std_chains()
        if not is_off(host_options, 'enable'):
            self.host_chains()
        self.guest_chains()
        return rs
