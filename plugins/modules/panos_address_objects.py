#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: panos_address_objects
short_description: Manage PAN-OS address objects
version_added: 0.1.0
description:
  - Manages address objects - an IP address or network, an IP range, an FQDN or an IP wildcard mask.
  - The four kinds are a choice in PAN-OS; giving one removes the other, also with O(state=merged).
  - Objects are managed in O(vsys); settings the module does not model are kept, writes go below each object's own
    xpath, all objects are read with one request and all writes go out batched in one multi-config request.
  - Use M(zonewarden.firewall.panos_commit) to activate the changes.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._panos
  - zonewarden.firewall._attributes.full
  - zonewarden.firewall._attributes.actiongroup_panos
options:
  vsys:
    description: The vsys whose objects are managed.
    type: str
    default: vsys1
  state:
    description:
      - V(merged) creates missing address objects and sets the options given; options not given are left as they are.
      - V(replaced) makes each listed address object exactly as given; options not given are removed.
      - V(overridden) does what V(replaced) does and deletes every address object of the vsys that is not listed.
      - V(deleted) deletes the listed address objects (only O(config[].name) is used). PAN-OS refuses to delete an object that is
        still referenced; the module then fails and writes nothing.
      - V(gathered) returns the address objects in the shape of O(config).
    type: str
    choices: [merged, replaced, overridden, deleted, gathered]
    default: merged
  config:
    description: The address objects.
    type: list
    elements: dict
    suboptions:
      name:
        description: Name, at most 63 characters (letters, digits, space, hyphen, underscore, period).
        type: str
        required: true
      ip_netmask:
        description: IP address or network in CIDR form, for example V(10.0.2.10) or V(10.0.2.0/24).
        type: str
      ip_range:
        description: Range of addresses, V(first-last).
        type: str
      fqdn:
        description: Host name, resolved by the firewall.
        type: str
      ip_wildcard:
        description: Address with a wildcard mask, for example V(10.0.0.1/0.0.255.0).
        type: str
      description:
        description: Description.
        type: str
      tags:
        description: Tags.
        type: list
        elements: str
seealso:
  - module: zonewarden.firewall.panos_address_groups
  - module: zonewarden.firewall.panos_security_rules
'''

EXAMPLES = r'''
- name: Servers published from the DMZ
  zonewarden.firewall.panos_address_objects:
    config:
      - name: dmz-web
        ip_netmask: 10.0.2.10
        description: public web server
      - name: dmz-net
        ip_netmask: 10.0.2.0/24
'''

RETURN = r'''
before:
  description: The address objects concerned before the run (all of them for V(overridden)), in the shape of O(config).
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: []
after:
  description: The same address objects after the run, or as they would be in check mode.
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"name": "dmz-web", "ip_netmask": "10.0.2.10"}]
commands:
  description: The configuration actions sent (or planned in check mode), in order.
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"type": "config", "action": "set", "element": "<ip-netmask>10.0.2.10</ip-netmask>",
            "xpath": "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/address/entry[@name='dmz-web']"}]
gathered:
  description: The address objects in the shape of O(config).
  returned: when O(state=gathered)
  type: list
  elements: dict
  sample: [{"name": "dmz-web", "ip_netmask": "10.0.2.10"}]
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.module import VSYS_OPTION, run
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.objects import ADDRESS_CONFIG, AddressObjects
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.resource import run_keyed


def argument_spec():
    return dict(
        vsys=dict(VSYS_OPTION),
        state=dict(type='str', choices=['merged', 'replaced', 'overridden', 'deleted', 'gathered'], default='merged'),
        config=ADDRESS_CONFIG,
    )


def engine(module, client):
    return run_keyed(module, client, AddressObjects(module.params))


def main():
    run(argument_spec(), engine, required_if=[('state', state, ['config']) for state in ('merged', 'replaced', 'overridden', 'deleted')])


if __name__ == '__main__':
    main()
