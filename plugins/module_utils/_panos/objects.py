# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: address and service objects and their groups (in a vsys)."""

from __future__ import annotations

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xml as pxml
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xpaths
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.model import (
    Composite, EntrySpec, Members, Text, leaf, tree)
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.refs import Namespace, check_references
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.resource import KeyedResource, config_option
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.validate import (
    address_value, check_ports, same_address)

ADDRESS_KINDS = ('ip_netmask', 'ip_range', 'fqdn', 'ip_wildcard')
TAGS = Members('tags', 'tag')
DESCRIPTION = Text('description', 'description')


def _address_field(kind):
    return Text(kind, kind.replace('_', '-'))


class AddressValue(Text):
    """ip-netmask compares a host written with and without /32 as the same address."""

    def normalize(self, option, value):
        return same_address(value) if value is not None else None


ADDRESS = EntrySpec('address', [AddressValue('ip_netmask', 'ip-netmask')] + [_address_field(kind) for kind in ADDRESS_KINDS[1:]] + [
    DESCRIPTION, TAGS], choices=[ADDRESS_KINDS])

ADDRESS_CONFIG = config_option(dict(
    ip_netmask=dict(type='str'),
    ip_range=dict(type='str'),
    fqdn=dict(type='str'),
    ip_wildcard=dict(type='str'),
    description=dict(type='str'),
    tags=dict(type='list', elements='str'),
))


def _exclusive_value(item, kinds, index, what):
    """Exactly one of ``kinds`` for a new or replaced object; returns the one given (or None)."""
    given = [kind for kind in kinds if item.get(kind) is not None]
    if len(given) > 1:
        raise ValidationError('config[%d]: %s %s takes one of %s, not %s' % (index, what, item['name'], ', '.join(kinds), ' and '.join(given)))
    return given[0] if given else None


class AddressObjects(KeyedResource):
    kind = 'address'
    spec = ADDRESS

    def container(self):
        return xpaths.addresses(self.vsys)

    def check_item(self, item, index):
        kind = _exclusive_value(item, ADDRESS_KINDS, index, 'address')
        if kind:
            item[kind] = address_value(kind, item[kind], 'config[%d].%s' % (index, kind))

    def plan_entry(self, have, item, state, after):
        if not any(item.get(kind) for kind in ADDRESS_KINDS) and (state != 'merged' or item['name'] not in have):
            raise ValidationError('config: address %s needs one of %s' % (item['name'], ', '.join(ADDRESS_KINDS)))
        return super(AddressObjects, self).plan_entry(have, item, state, after)


class AddressGroups(KeyedResource):
    kind = 'address group'
    spec = EntrySpec('address group', [
        Members('static_members', 'static'),
        Text('dynamic_filter', 'dynamic/filter'),
        DESCRIPTION, TAGS,
    ], choices=[('static_members', 'dynamic_filter')])

    def container(self):
        return xpaths.address_groups(self.vsys)

    def check_item(self, item, index):
        if item.get('static_members') and item.get('dynamic_filter'):
            raise ValidationError('config[%d]: address group %s takes static_members or dynamic_filter, not both' % (index, item['name']))

    def plan_entry(self, have, item, state, after):
        if not item.get('static_members') and not item.get('dynamic_filter') and (state != 'merged' or item['name'] not in have):
            raise ValidationError('config: address group %s needs static_members or dynamic_filter' % item['name'])
        return super(AddressGroups, self).plan_entry(have, item, state, after)

    def check(self, client, items, have, state):
        if state == 'deleted':
            return
        refs = [('config[%d].static_members[%d]' % (index, number), 'address', value)
                for index, item in enumerate(items) for number, value in enumerate(item.get('static_members') or [])]
        defined = {'address': set(item['name'] for item in items)}
        check_references(refs, Namespace(client, self.vsys), defined, warn=self.warn)


GROUP_CONFIG = config_option(dict(
    static_members=dict(type='list', elements='str'),
    dynamic_filter=dict(type='str'),
    description=dict(type='str'),
    tags=dict(type='list', elements='str'),
))

PROTOCOLS = ('tcp', 'udp', 'sctp')


def _read_protocol(node):
    if node is None:
        return {}
    for protocol in PROTOCOLS:
        child = node.find(protocol)
        if child is not None:
            return {'protocol': protocol, 'destination_port': pxml.text(child, 'port'), 'source_port': pxml.text(child, 'source-port')}
    return {}


def _render_protocol(values):
    protocol = values.get('protocol')
    if not protocol:
        return None
    node = pxml.new('protocol')
    child = pxml.new(protocol)
    node.append(child)
    if values.get('destination_port'):
        child.append(pxml.new('port', values['destination_port']))
    if values.get('source_port'):
        child.append(pxml.new('source-port', values['source_port']))
    return node


def _normalize_protocol(option, value, values):
    return value or None


PORTS = tree(port=leaf(), source_port=leaf())
SERVICE = EntrySpec('service', [
    Composite(('protocol', 'destination_port', 'source_port'), 'protocol', tree(exclusive=True, tcp=PORTS, udp=PORTS, sctp=PORTS),
              _read_protocol, _render_protocol, normalize_fn=_normalize_protocol),
    DESCRIPTION, TAGS,
])

SERVICE_CONFIG = config_option(dict(
    protocol=dict(type='str', choices=list(PROTOCOLS)),
    destination_port=dict(type='str'),
    source_port=dict(type='str'),
    description=dict(type='str'),
    tags=dict(type='list', elements='str'),
))


class ServiceObjects(KeyedResource):
    kind = 'service'
    spec = SERVICE

    def container(self):
        return xpaths.services(self.vsys)

    def check_item(self, item, index):
        for option in ('destination_port', 'source_port'):
            item[option] = check_ports(item.get(option), 'config[%d].%s' % (index, option))

    def plan_entry(self, have, item, state, after):
        if item['name'] not in have or state != 'merged':
            if not item.get('protocol') or not item.get('destination_port'):
                raise ValidationError('config: service %s needs protocol and destination_port' % item['name'])
        return super(ServiceObjects, self).plan_entry(have, item, state, after)


class ServiceGroups(KeyedResource):
    kind = 'service group'
    spec = EntrySpec('service group', [Members('members', 'members', default=[]), TAGS])

    def container(self):
        return xpaths.service_groups(self.vsys)

    def check_item(self, item, index):
        if not item.get('members'):
            raise ValidationError('config[%d].members: service group %s needs at least one member' % (index, item['name']))

    def check(self, client, items, have, state):
        if state == 'deleted':
            return
        refs = [('config[%d].members[%d]' % (index, number), 'service', value)
                for index, item in enumerate(items) for number, value in enumerate(item.get('members') or [])]
        check_references(refs, Namespace(client, self.vsys), {'service': set(item['name'] for item in items)}, warn=self.warn)


SERVICE_GROUP_CONFIG = config_option(dict(
    members=dict(type='list', elements='str'),
    tags=dict(type='list', elements='str'),
))
