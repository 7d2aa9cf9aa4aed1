# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: virtual routers, their interfaces and static routes.

Virtual router membership has one owner: this module (``panos_interfaces`` never touches it).
An interface belongs to one router only, so an interface listed for a router is taken out of any
other router that holds it. Everything of a router the module does not model (protocols, ECMP,
redistribution, route BFD or path monitoring) is kept as it is.
"""

from __future__ import annotations

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xml as pxml
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xpaths
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.client import Op
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.model import (
    Composite, EntryList, EntrySpec, Int, Members, Text, leaf, tree)
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.resource import KeyedResource, config_option
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.validate import (
    check_name, check_unique, ip_address, network_cidr)
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.zones import MEMBER_RE

NEXTHOP_TAGS = (('ip_address', 'ip-address'), ('next_vr', 'next-vr'), ('fqdn', 'fqdn'), ('discard', 'discard'))


def _read_nexthop(node):
    if node is None:
        return {'nexthop_type': 'none', 'nexthop': None}
    for kind, tag in NEXTHOP_TAGS:
        child = node.find(tag)
        if child is not None:
            return {'nexthop_type': kind, 'nexthop': (child.text or '').strip() or None}
    return {'nexthop_type': 'none', 'nexthop': None}


def _render_nexthop(values):
    kind = values.get('nexthop_type') or ('ip_address' if values.get('nexthop') else 'none')
    if kind == 'none':
        return None
    node = pxml.new('nexthop')
    node.append(pxml.new(dict(NEXTHOP_TAGS)[kind], values.get('nexthop') if kind != 'discard' else None))
    return node


def _normalize_nexthop(option, value, values):
    if option == 'nexthop_type':
        return value or ('ip_address' if values.get('nexthop') else 'none')
    return value or None


ROUTE = EntrySpec('static route', [
    Text('destination', 'destination'),
    Composite(('nexthop_type', 'nexthop'), 'nexthop', tree(exclusive=True, ip_address=leaf(), next_vr=leaf(), fqdn=leaf(), discard=tree()),
              _read_nexthop, _render_nexthop, normalize_fn=_normalize_nexthop,
              default={'nexthop_type': lambda item: 'ip_address' if item.get('nexthop') else 'none'}),
    Text('interface', 'interface'),
    Int('metric', 'metric', absent=10, default=10),
    Int('admin_distance', 'admin-dist'),
])

SPEC = EntrySpec('virtual router', [
    Members('interfaces', 'interface', default=[]),
    EntryList('static_routes', 'routing-table/ip/static-route', ROUTE),
])

ROUTE_OPTIONS = dict(
    name=dict(type='str', required=True),
    destination=dict(type='str', required=True),
    nexthop_type=dict(type='str', choices=['ip_address', 'next_vr', 'fqdn', 'discard', 'none']),
    nexthop=dict(type='str'),
    interface=dict(type='str'),
    metric=dict(type='int'),
    admin_distance=dict(type='int'),
)

CONFIG = config_option(dict(
    interfaces=dict(type='list', elements='str'),
    static_routes=dict(type='list', elements='dict', options=ROUTE_OPTIONS),
))


class VirtualRouters(KeyedResource):
    kind = 'virtual router'
    spec = SPEC

    def container(self):
        return xpaths.virtual_routers()

    def check_item(self, item, index):
        label = 'config[%d]' % index
        for number, name in enumerate(item.get('interfaces') or []):
            if not MEMBER_RE.match(str(name)):
                raise ValidationError("%s.interfaces[%d]='%s' is not an interface name: use ethernetX/Y[.SUB], aeN[.SUB], "
                                      "loopback.N, tunnel.N or vlan.N" % (label, number, name))
        routes = item.get('static_routes')
        if routes is None:
            return
        for number, route in enumerate(routes):
            _check_route(route, '%s.static_routes[%d]' % (label, number))
        check_unique(routes, '%s.static_routes' % label, 'static route')

    def prepare(self, items, state):
        items = super(VirtualRouters, self).prepare(items, state)
        if state != 'deleted':
            owner = {}
            for index, item in enumerate(items):
                for name in item.get('interfaces') or []:
                    if name in owner and owner[name] != index:
                        raise ValidationError("config[%d].interfaces: '%s' is also listed for virtual router '%s': an interface "
                                              "belongs to one virtual router only" % (index, name, items[owner[name]]['name']))
                    owner[name] = index
        return items

    def extra_ops(self, have, items, state):
        """Take listed interfaces out of routers that are not listed (one router per interface)."""
        if state in ('deleted', 'overridden'):
            return []
        listed = set(item['name'] for item in items)
        wanted = dict((name, item['name']) for item in items for name in item.get('interfaces') or [])
        ops = []
        for router, entry in have.items():
            if router in listed:
                continue
            for name in pxml.members(entry, 'interface') or []:
                if name in wanted:
                    ops.append(Op('delete', xpaths.join(self.entry_xpath(router), 'interface', xpaths.member(name)),
                                  desc="take %s out of virtual router '%s' (it moves to '%s')" % (name, router, wanted[name])))
        return ops


def _check_route(route, label):
    check_name(route.get('name'), label + '.name', 'static route')
    route['destination'] = network_cidr(route.get('destination'), label + '.destination')
    kind = route.get('nexthop_type') or ('ip_address' if route.get('nexthop') else 'none')
    if kind in ('discard', 'none') and route.get('nexthop'):
        raise ValidationError("%s.nexthop='%s' is set but nexthop_type=%s takes no next hop" % (label, route['nexthop'], kind))
    if kind in ('ip_address', 'next_vr', 'fqdn') and not route.get('nexthop'):
        raise ValidationError('%s.nexthop is missing: nexthop_type=%s needs one' % (label, kind))
    if kind == 'ip_address':
        route['nexthop'] = ip_address(route['nexthop'], label + '.nexthop')
    if kind == 'next_vr':
        check_name(route['nexthop'], label + '.nexthop', 'virtual router')
    if route.get('interface') and not MEMBER_RE.match(route['interface']):
        raise ValidationError("%s.interface='%s' is not an interface name" % (label, route['interface']))
    if route.get('metric') is not None and not 1 <= route['metric'] <= 65535:
        raise ValidationError('%s.metric=%s is out of range (1-65535)' % (label, route['metric']))
    if route.get('admin_distance') is not None and not 10 <= route['admin_distance'] <= 240:
        raise ValidationError('%s.admin_distance=%s is out of range (10-240)' % (label, route['admin_distance']))
