# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: read everything the PAN-OS modules manage, in their config shapes.

The configuration subsets come from one read of the device entry of the candidate configuration
(or of the running configuration with ``source=running``); pending changes and system
information cost one request each and only when asked for.
"""

from __future__ import annotations

from collections import OrderedDict

from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xml as pxml
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xpaths
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.commit import pending_changes
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.interfaces import Interfaces, flatten
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.objects import (
    AddressGroups, AddressObjects, ServiceGroups, ServiceObjects)
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.profiles import ManagementProfiles
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.routers import VirtualRouters
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.rules import NatRules, SecurityRules
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.zones import Zones

# subset -> (resource class, path of its container below the device entry; {vsys} is the vsys entry)
CONFIG_SUBSETS = OrderedDict([
    ('zones', (Zones, '{vsys}/zone')),
    ('interfaces', (Interfaces, 'network/interface/ethernet')),
    ('virtual_routers', (VirtualRouters, 'network/virtual-router')),
    ('management_profiles', (ManagementProfiles, 'network/profiles/interface-management-profile')),
    ('address_objects', (AddressObjects, '{vsys}/address')),
    ('address_groups', (AddressGroups, '{vsys}/address-group')),
    ('service_objects', (ServiceObjects, '{vsys}/service')),
    ('service_groups', (ServiceGroups, '{vsys}/service-group')),
    ('security_rules', (SecurityRules, '{vsys}/rulebase/security/rules')),
    ('nat_rules', (NatRules, '{vsys}/rulebase/nat/rules')),
])
SUBSETS = ['all', 'system', 'pending_changes'] + list(CONFIG_SUBSETS)


def _container(device, vsys_name, path):
    node = device
    for part in path.split('/'):
        if part == '{vsys}':
            node = next((e for e in node.findall('vsys/entry') if e.get('name') == vsys_name), None)
        else:
            node = node.find(part) if node is not None else None
        if node is None:
            return None
    return node


def run_info(module, client):
    params = module.params
    wanted = params['gather_subset'] or ['all']
    if 'all' in wanted:
        wanted = SUBSETS[1:]
    result = dict(changed=False)
    config_subsets = [name for name in CONFIG_SUBSETS if name in wanted]
    if config_subsets:
        action = 'show' if params['source'] == 'running' else 'get'
        root = client.request({'type': 'config', 'action': action, 'xpath': xpaths.DEVICE},
                              'read the %s configuration' % params['source'])
        device = pxml.unwrap_result(root.find('result'), 'entry')
        for name in config_subsets:
            resource_class, path = CONFIG_SUBSETS[name]
            resource = resource_class(params)
            container = _container(device, resource.vsys, path) if device is not None else None
            have = flatten(container) if resource_class is Interfaces else OrderedDict(pxml.entries_by_name(container))
            result[name] = resource.gather(have)
    if 'pending_changes' in wanted:
        result['pending_changes'] = pending_changes(client) or []
    if 'system' in wanted:
        result['system'] = dict((key.replace('-', '_'), value) for key, value in client.system_info().items())
    return result
