# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: security zones and their interface membership.

Zone membership has one owner: this module (``panos_interfaces`` never touches it). PAN-OS keeps
the membership in the zone (``network/<mode>/member``) and lets an interface be in one zone
only, so an interface listed for a zone is taken out of any other zone that holds it, with a
delete of that one member.
"""

from __future__ import annotations

import re

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xml as pxml
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xpaths
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.client import Op
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.model import Bool, Composite, EntrySpec, Text, member_list, tree
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.resource import KeyedResource, config_option

MODES = ('layer3', 'layer2', 'virtual-wire', 'tap')
MEMBER_RE = re.compile(r'^(ethernet[1-9][0-9]*/[1-9][0-9]*|ae[1-9][0-9]*)(\.[1-9][0-9]{0,3})?$|^(loopback|tunnel|vlan)(\.[1-9][0-9]{0,3})?$')


def _read_network(node):
    if node is None:
        return {'mode': None, 'interfaces': []}
    for child in node:
        if child.tag in MODES:
            return {'mode': child.tag, 'interfaces': [(m.text or '').strip() for m in child.findall('member')]}
    return {'mode': None, 'interfaces': []}


def _render_network(values):
    network = pxml.new('network')
    network.append(pxml.member_list(values.get('mode') or 'layer3', values.get('interfaces') or []))
    return network


def _normalize_network(option, value, values):
    if option == 'mode':
        return value or 'layer3'
    return tuple(sorted(set(value or ())))


NETWORK_SCHEMA = tree(layer3=member_list(), layer2=member_list(), virtual_wire=member_list(), tap=member_list())
NETWORK = Composite(('mode', 'interfaces'), 'network', NETWORK_SCHEMA, _read_network, _render_network,
                    normalize_fn=_normalize_network, default={'mode': 'layer3', 'interfaces': []})

SPEC = EntrySpec('zone', [
    NETWORK,
    Text('zone_protection_profile', 'network/zone-protection-profile'),
    Text('log_setting', 'network/log-setting'),
    Bool('enable_user_identification', 'enable-user-identification'),
])

CONFIG = config_option(dict(
    mode=dict(type='str', choices=list(MODES)),
    interfaces=dict(type='list', elements='str'),
    zone_protection_profile=dict(type='str'),
    log_setting=dict(type='str'),
    enable_user_identification=dict(type='bool'),
))


class Zones(KeyedResource):
    kind = 'zone'
    spec = SPEC

    def container(self):
        return xpaths.zones(self.vsys)

    def check_item(self, item, index):
        for number, name in enumerate(item.get('interfaces') or []):
            if not MEMBER_RE.match(str(name)):
                raise ValidationError("config[%d].interfaces[%d]='%s' is not an interface name: use ethernetX/Y[.SUB], aeN[.SUB], "
                                      "loopback.N, tunnel.N or vlan.N" % (index, number, name))

    def prepare(self, items, state):
        items = super(Zones, self).prepare(items, state)
        if state != 'deleted':
            owner = {}
            for index, item in enumerate(items):
                for name in item.get('interfaces') or []:
                    if name in owner and owner[name] != index:
                        raise ValidationError("config[%d].interfaces: '%s' is also listed for zone '%s': an interface belongs to one "
                                              "zone only" % (index, name, items[owner[name]]['name']))
                    owner[name] = index
        return items

    def extra_ops(self, have, items, state):
        """Take listed interfaces out of zones that are not listed (an interface is in one zone only)."""
        if state == 'deleted':
            return []
        listed = set(item['name'] for item in items)
        wanted = dict((name, item['name']) for item in items for name in item.get('interfaces') or [])
        ops = []
        for zone, entry in have.items():
            if zone in listed or state == 'overridden':
                continue
            current = _read_network(entry.find('network'))
            for name in current['interfaces']:
                if name in wanted:
                    ops.append(Op('delete', xpaths.join(self.entry_xpath(zone), 'network', current['mode'], xpaths.member(name)),
                                  desc="take %s out of zone '%s' (it moves to zone '%s')" % (name, zone, wanted[name])))
        return ops
