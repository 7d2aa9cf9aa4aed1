# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: layer-3 ethernet interfaces and subinterfaces.

Ownership: this module owns the interface entries and their import into the vsys
(``vsys/import/network/interface``). Zone membership belongs to ``panos_zones`` and virtual
router membership to ``panos_virtual_routers``; this module never writes either.
"""

from __future__ import annotations

from collections import OrderedDict

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xml as pxml
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xpaths
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.client import Op
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.model import (
    Composite, EntrySpec, Field, Int, Names, Text, leaf, tree)
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.resource import KeyedResource, config_option
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.validate import (
    check_interface, interface_cidr, interface_parts)

OTHER_MODES = ('layer2', 'virtual-wire', 'tap', 'ha', 'decrypt-mirror', 'aggregate-group', 'log-card')


def _cidr_key(value):
    try:
        return interface_cidr(value, 'ip')
    except ValidationError:
        return value


def _read_dhcp(node):
    if node is None or (node.findtext('enable') or 'yes').strip() == 'no':
        return {'dhcp': False, 'dhcp_default_route': None}
    return {'dhcp': True, 'dhcp_default_route': pxml.from_yes_no(node.findtext('create-default-route'))}


def _render_dhcp(values):
    if not values.get('dhcp'):
        return None
    node = pxml.new('dhcp-client')
    node.append(pxml.new('enable', 'yes'))
    if values.get('dhcp_default_route') is not None:
        node.append(pxml.new('create-default-route', pxml.yes_no(values['dhcp_default_route'])))
    return node


def _normalize_dhcp(option, value, values):
    if option == 'dhcp':
        return bool(value)
    # PAN-OS creates a default route from DHCP unless told not to.
    return None if not values.get('dhcp') else (True if value is None else bool(value))


class Layer3(Field):
    """The layer3 mode node itself: always present in what this module builds; no option of its own."""

    def __init__(self):
        super(Layer3, self).__init__((), 'layer3', tree())

    def read(self, entry):
        return {}

    def render(self, values):
        return pxml.new('layer3')


def _fields(prefix, physical):
    base = prefix + '/' if prefix else ''
    fields = [Layer3()] if physical else []
    fields += [
        Names('ipv4_addresses', base + 'ip', canonical=_cidr_key),
        Composite(('dhcp', 'dhcp_default_route'), base + 'dhcp-client', tree(enable=leaf(), create_default_route=leaf()),
                  _read_dhcp, _render_dhcp, normalize_fn=_normalize_dhcp),
        Text('management_profile', base + 'interface-management-profile'),
        Int('mtu', base + 'mtu'),
        Text('comment', 'comment'),
    ]
    if physical:
        fields.append(Text('link_state', 'link-state', absent='auto'))
    else:
        fields.append(Int('tag', 'tag', default=lambda item: int(interface_parts(item['name'])[2])))
    return fields


PHYSICAL = EntrySpec('interface', _fields('layer3', True), choices=[('ipv4_addresses', 'dhcp')])
SUBINTERFACE = EntrySpec('subinterface', _fields('', False), choices=[('ipv4_addresses', 'dhcp')])

CONFIG = config_option(dict(
    ipv4_addresses=dict(type='list', elements='str'),
    dhcp=dict(type='bool'),
    dhcp_default_route=dict(type='bool'),
    management_profile=dict(type='str'),
    mtu=dict(type='int'),
    comment=dict(type='str'),
    link_state=dict(type='str', choices=['auto', 'up', 'down']),
    tag=dict(type='int'),
))


def flatten(ethernet):
    """Ordered name -> entry of the physical interfaces and, after each, its layer-3 subinterfaces."""
    have = OrderedDict()
    for name, entry in pxml.entries_by_name(ethernet):
        have[name] = entry
        for unit_name, unit in pxml.entries_by_name(pxml.find(entry, 'layer3/units')):
            have[unit_name] = unit
    return have


def parent_of(name):
    return name.split('.')[0]


class Interfaces(KeyedResource):
    kind = 'interface'

    def container(self):
        return xpaths.ethernet()

    def entry_xpath(self, name):
        if '.' in name:
            return xpaths.join(xpaths.entry_xpath(self.container(), parent_of(name)), 'layer3/units', xpaths.entry(name))
        return xpaths.entry_xpath(self.container(), name)

    def spec_for(self, name):
        return SUBINTERFACE if '.' in name else PHYSICAL

    def read(self, client):
        """Physical ethernet entries and their layer-3 subinterfaces, flattened, plus the vsys import list."""
        have = flatten(client.get_node(self.container(), 'ethernet', desc='read the ethernet interfaces'))
        imported = pxml.members(client.get_node(xpaths.vsys_import(self.vsys), 'interface',
                                                desc='read the interfaces imported into %s' % self.vsys), '.')
        self.imported = set(imported or [])
        return have

    def manages(self, name, entry):
        if '.' in name:
            return True
        return entry.find('layer3') is not None

    # -- checks ---------------------------------------------------------------------------------
    def prepare(self, items, state):
        items = [dict(item) for item in items or []]
        for index, item in enumerate(items):
            check_interface(item.get('name'), 'config[%d].name' % index)
            if state != 'deleted':
                self._check(item, index)
        seen = {}
        for index, item in enumerate(items):
            if item['name'] in seen:
                raise ValidationError("config[%d].name='%s' is listed twice (also config[%d].name)" % (index, item['name'], seen[item['name']]))
            seen[item['name']] = index
        # Parents before their subinterfaces, so a new parent exists when its unit is written.
        items.sort(key=lambda item: '.' in item['name'])
        return items

    def _check(self, item, index):
        label = 'config[%d]' % index
        addresses = item.get('ipv4_addresses')
        if addresses is not None:
            item['ipv4_addresses'] = [interface_cidr(value, '%s.ipv4_addresses[%d]' % (label, n)) for n, value in enumerate(addresses)]
        if item.get('ipv4_addresses') and item.get('dhcp'):
            raise ValidationError("%s: interface '%s' has a static IP (ipv4_addresses) and dhcp=true: PAN-OS refuses both "
                                  "(DHCP interface IP address must be empty); choose one" % (label, item['name']))
        if item.get('dhcp_default_route') is not None and item.get('dhcp') is False:
            raise ValidationError('%s.dhcp_default_route is set but dhcp=false' % label)
        sub = '.' in item['name']
        if sub and item.get('link_state') is not None:
            raise ValidationError("%s.link_state: '%s' is a subinterface; link state belongs to the physical interface" % (
                label, item['name']))
        if not sub and item.get('tag') is not None:
            raise ValidationError("%s.tag: '%s' is a physical interface; only subinterfaces have a VLAN tag" % (label, item['name']))
        if item.get('tag') is not None and not 1 <= item['tag'] <= 4094:
            raise ValidationError('%s.tag=%s is not a VLAN ID (1-4094)' % (label, item['tag']))
        if item.get('mtu') is not None and not 576 <= item['mtu'] <= 9216:
            raise ValidationError('%s.mtu=%s is out of range (576-9216)' % (label, item['mtu']))

    def check(self, client, items, have, state):
        if state == 'deleted':
            return
        listed = set(item['name'] for item in items)
        for index, item in enumerate(items):
            entry = have.get(item['name'])
            if entry is not None and '.' not in item['name']:
                mode = next((child.tag for child in entry if child.tag in OTHER_MODES), None)
                if mode:
                    raise ValidationError("config[%d]: '%s' is a %s interface on the device; take it out of its %s configuration "
                                          "before it can be a layer3 interface" % (index, item['name'], mode, mode))
            if '.' in item['name']:
                parent = parent_of(item['name'])
                parent_entry = have.get(parent)
                if parent not in listed and (parent_entry is None or parent_entry.find('layer3') is None):
                    raise ValidationError("config[%d]: the parent of subinterface '%s', %s, is not a layer3 interface on the device "
                                          "nor listed in this task" % (index, item['name'], parent))

    # -- planning -------------------------------------------------------------------------------
    def plan(self, have, items, state):
        plan = super(Interfaces, self).plan(have, items, state)
        if state == 'deleted':
            # A deleted parent takes its subinterfaces with it: drop their own deletes.
            doomed = set(item['name'] for item in items if '.' not in item['name'] and item['name'] in have)
            plan.ops = [op for op in plan.ops if not (op.action == 'delete' and _unit_of(op, doomed))]
        return plan

    def plan_entry(self, have, item, state, after):
        ops = super(Interfaces, self).plan_entry(have, item, state, after)
        entry = have.get(item['name'])
        if '.' not in item['name'] and entry is not None and entry.find('layer3') is None:
            # An existing entry without a mode becomes layer3 (other modes were refused in check()).
            ops.insert(0, Op('edit', xpaths.join(self.entry_xpath(item['name']), 'layer3'), '<layer3/>'))
        return ops

    def pre_ops(self, have, items, state):
        """A deleted interface leaves the vsys import list first (PAN-OS refuses to delete a referenced interface)."""
        if state != 'deleted':
            return []
        deleted = set(item['name'] for item in items if item['name'] in have)
        removed = [name for name in sorted(self.imported) if name in deleted or parent_of(name) in deleted]
        return [Op('delete', xpaths.join(xpaths.vsys_import(self.vsys), xpaths.member(name)),
                   desc='remove %s from the %s import list' % (name, self.vsys)) for name in removed]

    def extra_ops(self, have, items, state):
        """Import listed interfaces into the vsys."""
        if state == 'deleted':
            return []
        missing = [item['name'] for item in items if item['name'] not in self.imported]
        if not missing:
            return []
        return [Op('set', xpaths.vsys_import(self.vsys), ''.join(pxml.to_string(pxml.new('member', name)) for name in missing),
                   desc='import %s into %s' % (', '.join(missing), self.vsys))]


def _unit_of(op, parents):
    return '/layer3/units/' in op.xpath and any("entry[@name='%s']/layer3" % parent in op.xpath for parent in parents)
