# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: the anti-lockout guard.

``check_lockout(state, nodes, controller, management_networks, ports)`` evaluates a planned
firewall configuration (an ``_pve.fwstate.FwState``) and answers whether the controller's address
and every address of every declared management network still reach the management ports (by
default TCP 8006 and 22) on every node. When not, each blocked check names the rule or policy that
cuts the access.

A management network is not checked through one address only: the evaluator's answer for a source
address can change only where some range of the configuration (rule addresses, aliases, IP set
entries, the local network, corosync peers) starts or ends, so the network is cut at those
boundaries and one address of each piece is checked. That makes the answer exact for the whole
network with a handful of evaluations.
"""

from __future__ import annotations

import socket

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.fwfile import perl_true
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy import pve_match as pm
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.pve_rules import ALIAS_REF, lookup_alias

DEFAULT_PORTS = (8006, 22)
MAX_SAMPLES = 1024
# Ranges PVE's own chains treat specially (smurf filter, broadcast/multicast handling).
_SPECIAL = {4: ((0, 0), (0xE0000000, 0xEFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF)), 6: ((0xFF << 120, (1 << 128) - 1),)}


# -- where a source address can make a difference ---------------------------------------------------

def _rule_ranges(vrule, model, local):
    for field in ('source', 'dest'):
        spec = vrule.rule.get(field)
        if not perl_true(spec) or str(spec).startswith('+'):
            continue
        match = ALIAS_REF.match(str(spec))
        if match:
            entry = lookup_alias(match.group(2), match.group(1) or '', model.cluster, local)
            if entry:
                yield pm.cidr_range(entry['cidr'])[:3]
            continue
        for elem in pm.perl_split_commas(str(spec)):
            try:
                yield pm.address_element(elem)
            except pm.MatchError:
                continue


def address_ranges(model):
    """Every (version, first, last) range the configuration can test a source address against."""
    ranges = []
    for version, specials in _SPECIAL.items():
        ranges.extend((version, low, high) for low, high in specials)
    ipsets = list(model.cluster_ipsets.values()) + list(model.guest_ipsets.values())
    for ipset in ipsets:
        for version, entries in ipset.entries.items():
            ranges.extend((version, low, high) for low, high, _nomatch in entries)
    version, (first, last) = model.local_network
    ranges.append((version, first, last))
    for conf in [model.cluster] + [guest.conf for guest in model.guests.values() if guest.conf]:
        for alias in (conf.get('aliases') or {}).values():
            try:
                ranges.append(pm.cidr_range(alias['cidr'])[:3])
            except pm.MatchError:
                continue
    rules = [(vrule, model.host) for vrule in model.host_rules]
    rules.extend((vrule, None) for group in model.groups.values() for vrule in group)
    for guest in model.guests.values():
        rules.extend((vrule, guest.conf) for vrule in guest.rules)
    for vrule, local in rules:
        ranges.extend(_rule_ranges(vrule, model, local))
    for _node, _key, addr, _version in (model.corosync or {}).get('peers') or []:
        try:
            ranges.append(pm.packet_address(addr))
        except pm.MatchError:
            continue
    return ranges


def sample_addresses(network, ranges, limit=MAX_SAMPLES):
    """One address per piece of ``network`` on which every range is either all in or all out."""
    version, first, last = pm.packet_address(network)
    cuts = set([first])
    for rversion, low, high in ranges:
        if rversion != version:
            continue
        if first < low <= last:
            cuts.add(low)
        if first <= high < last:
            cuts.add(high + 1)
    points = sorted(cuts)
    samples = []
    for index, start in enumerate(points):
        end = points[index + 1] - 1 if index + 1 < len(points) else last
        # prefer an address that looks like a host over the network's own address
        pick = start + 1 if end - start >= 2 else start
        samples.append(str(pm.netaddr.IPAddress(pick, version)))
    return samples[:limit], len(samples) > limit


# -- the guard ---------------------------------------------------------------------------------------------

def local_address_towards(host, port=8006):
    """The address this machine uses to reach ``host`` (no packet is sent), or None."""
    try:
        infos = socket.getaddrinfo(host, port, 0, socket.SOCK_DGRAM)
    except (socket.gaierror, UnicodeError):
        return None
    for family, socktype, proto, _canon, sockaddr in infos:
        sock = socket.socket(family, socktype, proto)
        try:
            sock.connect(sockaddr)
            return sock.getsockname()[0]
        except OSError:
            continue
        finally:
            sock.close()
    return None


class Check(object):
    __slots__ = ('label', 'addresses')

    def __init__(self, label, addresses):
        self.label = label
        self.addresses = addresses


def _sources(controller, networks, ranges, version, warnings):
    checks = []
    if controller:
        if pm.packet_address(controller)[0] == version:
            checks.append(Check('controller %s' % controller, [str(controller).partition('/')[0]]))
        else:
            warnings.append('controller %s is of another IP version than the node address: not checked' % controller)
    for network in networks or []:
        if pm.packet_address(network)[0] != version:
            warnings.append('management network %s is of another IP version than the node address: not checked' % network)
            continue
        samples, cut = sample_addresses(network, ranges)
        if cut:
            warnings.append('management network %s: only the first %d of its distinct address ranges were checked' % (
                network, MAX_SAMPLES))
        checks.append(Check('management network %s' % network, samples))
    return checks


def check_node(firewall, node, address, checks, ports):
    """The blocked (source, port) pairs of one node, each with the verdict that blocks it."""
    blocked = []
    count = 0
    for check in checks:
        for source in check.addresses:
            if source == address:
                continue
            for port in ports:
                count += 1
                verdict = firewall.evaluate({'source': source, 'to': 'host', 'dest': address, 'proto': 'tcp',
                                             'dport': str(port)})
                if verdict['action'] != 'ACCEPT':
                    blocked.append(dict(node=node, check=check.label, source=source, port=int(port), verdict=verdict['action'],
                                        decided_by=verdict['decided_by'], zone=verdict['flow']['from']))
    return count, blocked


def validate_inputs(nodes, controller, networks, ports):
    if not nodes:
        raise ValidationError('no nodes to check: give nodes (name and address) or let the module read them from the API')
    if not controller and not networks:
        raise ValidationError('nothing to protect: give controller or management_networks')
    for value, what in [(controller, 'controller')] + [(net, 'management_networks') for net in networks or []]:
        if value:
            try:
                pm.packet_address(value)
            except pm.MatchError:
                raise ValidationError('%s %r is not an IP address or network' % (what, value))
    for port in ports:
        if not 1 <= int(port) <= 65535:
            raise ValidationError('ports: %s is not a TCP port' % port)
    for index, node in enumerate(nodes):
        if not node.get('name') or not node.get('address'):
            raise ValidationError('node %s: its address is not known; give it in nodes (the address management clients '
                                  'connect to)' % (node.get('name') or '#%d' % index))
        try:
            pm.packet_address(node['address'])
        except pm.MatchError:
            raise ValidationError('node %s: address %r is not an IP address' % (node['name'], node['address']))


def check_lockout(state, nodes, controller=None, management_networks=(), ports=DEFAULT_PORTS, macros=None):
    """Report on management access under a planned configuration (see the module docstring).

    ``nodes``: [{'name', 'address', 'local_network' (optional), 'bridge' (optional)}].
    Returns {'ok', 'checked', 'blocked': [...], 'nodes': [...], 'warnings': [...]}.
    """
    validate_inputs(nodes, controller, management_networks, ports)
    warnings = []
    report = dict(ok=True, checked=0, blocked=[], nodes=[], warnings=warnings)
    for node in nodes:
        kwargs = dict(macros=macros, host_ip=node['address'], local_network=node.get('local_network'), fidelity='kernel')
        if node.get('bridge'):
            kwargs['outside'] = '%s/eth0' % node['bridge']
        try:
            firewall = state.evaluator(node['name'], **kwargs)
        except ValueError as exc:
            raise ValidationError('node %s: cannot evaluate the planned configuration: %s' % (node['name'], exc))
        if any(state.hosts) and None not in state.hosts and node['name'] not in state.hosts:
            warnings.append('node %s has no host.fw in the planned configuration: no host rules are assumed' % node['name'])
        if not node.get('local_network') and 'local_network' not in ((state.cluster or {}).get('aliases') or {}):
            warnings.append('node %s: local_network not known, so the management IP set holds only its explicit entries'
                            % node['name'])
        warnings.extend(warning for warning in firewall.warnings if warning not in warnings)
        version = pm.packet_address(node['address'])[0]
        checks = _sources(controller, management_networks, address_ranges(firewall.model), version, warnings)
        count, blocked = check_node(firewall, node['name'], node['address'], checks, ports)
        report['checked'] += count
        report['blocked'].extend(blocked)
        report['nodes'].append(dict(name=node['name'], address=node['address'], local_network=firewall.model.local_network_text,
                                    checked=count, blocked=len(blocked), firewall=_switch_state(firewall)))
    report['ok'] = not report['blocked']
    return report


def _switch_state(firewall):
    if not firewall.cluster_enabled:
        return 'off (cluster)'
    if str(firewall.model.host_options.get('enable', 1)) == '0':
        return 'off (host)'
    return 'on'


def blocking_reasons(blocked, describe):
    """[(decider text, [affected checks])]: what cuts access, each with what it cuts."""
    grouped = {}
    order = []
    for item in blocked:
        text = describe(item['decided_by'])
        if text not in grouped:
            grouped[text] = []
            order.append(text)
        label = 'node %s: %s -> tcp/%s %s' % (item['node'], item['check'], item['port'], item['verdict'])
        if label not in grouped[text]:
            grouped[text].append(label)
    return [(text, grouped[text]) for text in order]
