# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: PAN-OS interfaces, zones, virtual wires and route lookups.

Read from one device entry of a configuration. A route lookup works like the firewall's FIB for a
new session: longest prefix first, then administrative distance, then metric; connected routes
come from the interfaces' static addresses (distance 0), and an interface's own address is a
local /32 (/128) route, so traffic to the firewall itself lands in that interface's zone.
Addresses that only exist at run time (DHCP) are unknown offline and reported as such.
"""

from __future__ import annotations

from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.panos_objects import ObjectError, netaddr

INTERFACE_MODES = ('layer3', 'layer2', 'virtual-wire', 'tap', 'ha', 'aggregate-group', 'decrypt-mirror', 'log-card')
ZONE_TYPES = ('layer3', 'layer2', 'virtual-wire', 'tap', 'tunnel', 'external')
STATIC_DISTANCE = 10
DEFAULT_METRIC = 10
MAX_RECURSION = 4


class Interface(object):
    def __init__(self, name, mode):
        self.name = name
        self.mode = mode
        self.networks = []
        self.dhcp = False
        self.dhcp_default_route = False


class Route(object):
    __slots__ = ('name', 'kind', 'prefix', 'interface', 'nexthop', 'next_vr', 'discard', 'distance', 'metric')

    def __init__(self, name, kind, prefix, interface=None, nexthop=None, next_vr=None, discard=False,
                 distance=STATIC_DISTANCE, metric=DEFAULT_METRIC):
        self.name = name
        self.kind = kind
        self.prefix = prefix
        self.interface = interface
        self.nexthop = nexthop
        self.next_vr = next_vr
        self.discard = discard
        self.distance = distance
        self.metric = metric

    def describe(self):
        found = {'router_entry': self.name, 'kind': self.kind, 'destination': str(self.prefix)}
        if self.nexthop:
            found['nexthop'] = self.nexthop
        if self.next_vr:
            found['next_vr'] = self.next_vr
        return found


class Router(object):
    def __init__(self, name):
        self.name = name
        self.interfaces = []
        self.routes = []
        self.unknown_subnets = []


def _text(node, path):
    value = node.findtext(path) if node is not None else None
    return value.strip() if value and value.strip() else None


def _int(node, path, default):
    value = _text(node, path)
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _members(node, path):
    found = node.find(path) if node is not None else None
    if found is None:
        return []
    return [(m.text or '').strip() for m in found.findall('member') if (m.text or '').strip()]


class Network(object):
    """Interfaces, zones, routers and virtual wires of one device entry, seen from one vsys."""

    def __init__(self, device, vsys_node, book, interface_addresses=None):
        self.book = book
        self.interfaces = {}
        self.zones = {}
        self.zone_of = {}
        self.routers = {}
        self.router_of = {}
        self.vwire_peer = {}
        self.problems = []
        network = device.find('network') if device is not None else None
        self._read_interfaces(network.find('interface') if network is not None else None, interface_addresses or {})
        self._read_zones(vsys_node)
        self._read_routers(network)
        self._read_vwires(network)

    # -- reading ---------------------------------------------------------------------------------
    def _add_interface(self, name, mode, node, overrides):
        interface = Interface(name, mode)
        if node is not None:
            names = [e.get('name') for e in node.findall('ip/entry')] + [e.get('name') for e in node.findall('ipv6/address/entry')]
            for value in names:
                network = self.book.interface_network(value)
                if network is None:
                    self.problems.append('interface %s: address %s cannot be resolved' % (name, value))
                else:
                    interface.networks.append(network)
            dhcp = node.find('dhcp-client')
            if dhcp is not None:
                interface.dhcp = True
                interface.dhcp_default_route = (_text(dhcp, 'create-default-route') or 'yes') == 'yes'
        if name in overrides:
            try:
                interface.networks.append(netaddr.IPNetwork(overrides[name]))
            except (netaddr.AddrFormatError, ValueError, TypeError):
                raise ObjectError('interface_addresses: %r of %s is not an address with prefix length' % (overrides[name], name))
            interface.dhcp = False
        self.interfaces[name] = interface

    def _read_interfaces(self, root, overrides):
        if root is None:
            return
        for kind in ('ethernet', 'aggregate-ethernet'):
            for entry in root.findall('%s/entry' % kind):
                mode = next((child.tag for child in entry if child.tag in INTERFACE_MODES), 'none')
                self._add_interface(entry.get('name'), mode, entry.find(mode), overrides)
                for sub_mode in ('layer3', 'layer2', 'virtual-wire'):
                    for unit in entry.findall('%s/units/entry' % sub_mode):
                        self._add_interface(unit.get('name'), sub_mode, unit, overrides)
        for kind in ('loopback', 'tunnel', 'vlan'):
            node = root.find(kind)
            if node is None:
                continue
            if node.find('ip') is not None or kind == 'vlan':
                self._add_interface(kind, 'layer3', node, overrides)
            for unit in node.findall('units/entry'):
                self._add_interface(unit.get('name'), 'layer3', unit, overrides)

    def _read_zones(self, vsys_node):
        container = vsys_node.find('zone') if vsys_node is not None else None
        for entry in (container.findall('entry') if container is not None else []):
            zone_type, members = None, []
            for candidate in ZONE_TYPES:
                found = entry.find('network/%s' % candidate)
                if found is not None:
                    zone_type = candidate
                    members = _members(entry, 'network/%s' % candidate)
                    break
            self.zones[entry.get('name')] = {'type': zone_type or 'layer3', 'interfaces': members}
            for member in members:
                self.zone_of.setdefault(member, entry.get('name'))

    def _read_routers(self, network):
        if network is None:
            return
        for entry in network.findall('virtual-router/entry'):
            self._read_router(entry.get('name'), entry)
        for logical in network.findall('logical-router/entry'):
            for vrf in logical.findall('vrf/entry'):
                self._read_router('%s/%s' % (logical.get('name'), vrf.get('name')), vrf)

    def _read_router(self, name, node):
        router = Router(name)
        router.interfaces = _members(node, 'interface')
        for member in router.interfaces:
            self.router_of.setdefault(member, name)
            interface = self.interfaces.get(member)
            if interface is None:
                continue
            for network in interface.networks:
                router.routes.append(Route('connected %s' % member, 'connected', network.cidr, interface=member, distance=0, metric=0))
                host = netaddr.IPNetwork('%s/%d' % (network.ip, 32 if network.version == 4 else 128))
                router.routes.append(Route('local %s' % member, 'local', host, interface=member, distance=0, metric=0))
            if interface.dhcp and not interface.networks:
                router.unknown_subnets.append(member)
            if interface.dhcp and interface.dhcp_default_route:
                router.routes.append(Route('dhcp default %s' % member, 'dhcp', netaddr.IPNetwork('0.0.0.0/0'), interface=member))
        for family in ('ip', 'ipv6'):
            for entry in node.findall('routing-table/%s/static-route/entry' % family):
                route = self._static_route(name, entry)
                if route is not None:
                    router.routes.append(route)
        self.routers[name] = router

    def _static_route(self, router_name, entry):
        destination = _text(entry, 'destination')
        prefix = self.book.interface_network(destination) if destination else None
        if prefix is None:
            self.problems.append('router %s: static route %s has an unknown destination %s' % (router_name, entry.get('name'), destination))
            return None
        nexthop = entry.find('nexthop')
        return Route(entry.get('name'), 'static', prefix.cidr, interface=_text(entry, 'interface'),
                     nexthop=_text(nexthop, 'ip-address') or _text(nexthop, 'ipv6-address') or _text(nexthop, 'fqdn'),
                     next_vr=_text(nexthop, 'next-vr') or _text(nexthop, 'next-lr'),
                     discard=nexthop is not None and nexthop.find('discard') is not None,
                     distance=_int(entry, 'admin-dist', STATIC_DISTANCE), metric=_int(entry, 'metric', DEFAULT_METRIC))

    def _read_vwires(self, network):
        for entry in (network.findall('virtual-wire/entry') if network is not None else []):
            first, second = _text(entry, 'interface1'), _text(entry, 'interface2')
            if not first or not second:
                continue
            self.vwire_peer[first] = second
            self.vwire_peer[second] = first
        for name in list(self.interfaces):
            parent, dot, unit = name.partition('.')
            if dot and parent in self.vwire_peer and name not in self.vwire_peer:
                peer = '%s.%s' % (self.vwire_peer[parent], unit)
                if peer in self.interfaces:
                    self.vwire_peer[name] = peer

    # -- questions -------------------------------------------------------------------------------
    def routers_of_zone(self, zone):
        found = []
        for member in (self.zones.get(zone) or {}).get('interfaces', []):
            router = self.router_of.get(member)
            if router and router not in found:
                found.append(router)
        return found

    def lookup(self, router_name, address, trace, depth=0):
        """The route the firewall uses for ``address`` in router ``router_name``.

        Returns a dict with interface, route description and kind ('discard' for a discard route),
        or None when there is no route. Notes about unknown subnets and equal-cost paths go to ``trace``.
        """
        router = self.routers.get(router_name)
        if router is None or depth > MAX_RECURSION:
            return None
        if router.unknown_subnets:
            trace.assume('the subnets of DHCP interfaces %s of router %s are unknown offline and were not considered '
                         '(give them in interface_addresses)' % (', '.join(router.unknown_subnets), router_name))
        candidates = [r for r in router.routes if r.prefix.version == address.version and address in r.prefix]
        if not candidates:
            return None
        longest = max(r.prefix.prefixlen for r in candidates)
        best = sorted((r for r in candidates if r.prefix.prefixlen == longest), key=lambda r: (r.distance, r.metric))
        ties = [r for r in best if (r.distance, r.metric) == (best[0].distance, best[0].metric)]
        route = ties[0]
        if len(set(r.interface for r in ties)) > 1:
            trace.assume('equal-cost routes to %s in router %s (%s); the first, %s, was used' % (
                route.prefix, router_name, ', '.join(r.name for r in ties), route.name), uncertain=True)
        return self._resolve(router_name, route, address, trace, depth)

    def _resolve(self, router_name, route, address, trace, depth):
        found = {'router': router_name, 'route': route.describe(), 'interface': route.interface, 'kind': route.kind}
        if route.discard:
            found['kind'] = 'discard'
            return found
        if route.kind == 'dhcp':
            trace.assume('default route of router %s learned by DHCP on %s (gateway known only on the device)' % (router_name, route.interface))
        if route.next_vr:
            onward = self.lookup(route.next_vr, address, trace, depth + 1)
            if onward is not None:
                onward['via_router'] = router_name
            return onward
        if route.interface is None and route.nexthop:
            hop = literal_address(route.nexthop)
            via = self.lookup(router_name, hop, trace, depth + 1) if hop is not None else None
            if via is None:
                return None
            found['interface'] = via['interface']
        return found

    def ingress_for(self, address, trace):
        """The interface a packet from ``address`` most likely arrives on, or None."""
        best = None
        for name, interface in self.interfaces.items():
            if name not in self.zone_of:
                continue
            for network in interface.networks:
                if network.version == address.version and address in network.cidr:
                    if best is None or network.prefixlen > best[1].prefixlen:
                        best = (name, network)
        if best is not None:
            trace.assume('ingress interface %s taken from its connected subnet %s, which holds the source' % (best[0], best[1].cidr))
            return best[0]
        for router_name in sorted(self.routers):
            probe = Trace()
            found = self.lookup(router_name, address, probe)
            if found and found.get('interface') in self.zone_of:
                trace.assume('ingress interface %s taken from the route back to the source (router %s, %s)' % (
                    found['interface'], router_name, found['route']['router_entry']))
                trace.merge(probe)
                return found['interface']
        return None


class Trace(object):
    """Assumptions made while answering one question; ``uncertain`` when one of them may change the answer."""

    def __init__(self):
        self.assumptions = []
        self.uncertain = False

    def assume(self, text, uncertain=False):
        if text not in self.assumptions:
            self.assumptions.append(text)
        self.uncertain = self.uncertain or uncertain

    def merge(self, other):
        for text in other.assumptions:
            self.assume(text)
        self.uncertain = self.uncertain or other.uncertain


def literal_address(text):
    try:
        return netaddr.IPAddress(text)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return None
