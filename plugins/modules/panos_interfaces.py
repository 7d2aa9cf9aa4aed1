#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: panos_interfaces
short_description: Manage PAN-OS layer-3 ethernet interfaces and subinterfaces
version_added: 0.1.0
description:
  - Manages layer-3 ethernet interfaces (V(ethernet1/3)) and subinterfaces (V(ethernet1/3.10)) in the candidate
    configuration - static IPv4 addresses or DHCP, management profile, MTU, comment, link state - and imports each listed
    interface into O(vsys). Use M(zonewarden.firewall.panos_commit) to activate the changes.
  - B(This module never changes zone or virtual router membership.) Zones own their interfaces
    (M(zonewarden.firewall.panos_zones)) and virtual routers own theirs (M(zonewarden.firewall.panos_virtual_routers)),
    so no two modules write the same member list.
  - A static address and DHCP exclude each other. Giving O(config[].ipv4_addresses) removes the DHCP client and
    O(config[].dhcp=true) removes the static addresses, also with O(state=merged); giving both is an error.
  - Settings the module does not model (IPv6, LLDP, NDP proxy, adjust TCP MSS, ...) are kept; writes go below each
    interface's own xpath and only the parts that differ are written.
  - An interface that is in another mode on the device (virtual wire, layer 2, tap, HA, aggregate group) is refused;
    take it out of that configuration first.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._panos
  - zonewarden.firewall._attributes.full
  - zonewarden.firewall._attributes.actiongroup_panos
options:
  vsys:
    description: The vsys the listed interfaces are imported into.
    type: str
    default: vsys1
  state:
    description:
      - V(merged) creates missing interfaces and sets the options given; options not given are left as they are.
      - V(replaced) makes each listed interface exactly as given; options not given are removed or go back to their
        defaults. Subinterfaces of a listed physical interface are not touched.
      - V(deleted) deletes the listed interfaces (with their subinterfaces) and their vsys import. PAN-OS refuses to
        delete an interface that a zone, a virtual router or a rule still uses; the module then fails and writes nothing.
      - V(gathered) returns the layer-3 interfaces in the shape of O(config).
      - There is no V(overridden) because physical ports cannot be removed, and an unlisted layer-3 port is usually still in use.
    type: str
    choices: [merged, replaced, deleted, gathered]
    default: merged
  config:
    description: The interfaces.
    type: list
    elements: dict
    suboptions:
      name:
        description: V(ethernetX/Y) or, for a subinterface, V(ethernetX/Y.SUB).
        type: str
        required: true
      ipv4_addresses:
        description: Static IPv4 addresses in CIDR form, for example V(10.0.2.1/24).
        type: list
        elements: str
      dhcp:
        description: Get the address from a DHCP server instead.
        type: bool
      dhcp_default_route:
        description: With O(config[].dhcp=true), install the default route the DHCP server offers (PAN-OS default on).
        type: bool
      management_profile:
        description: Interface management profile (see M(zonewarden.firewall.panos_management_profiles)).
        type: str
      mtu:
        description: MTU (576-9216); PAN-OS uses 1500 when not set.
        type: int
      comment:
        description: Comment.
        type: str
      link_state:
        description: Link state of a physical interface (PAN-OS default V(auto)).
        type: str
        choices: [auto, up, down]
      tag:
        description: VLAN tag of a subinterface (1-4094); new subinterfaces default to the number after the dot.
        type: int
seealso:
  - module: zonewarden.firewall.panos_zones
  - module: zonewarden.firewall.panos_virtual_routers
  - module: zonewarden.firewall.panos_commit
'''

EXAMPLES = r'''
- name: DMZ firewall ports
  zonewarden.firewall.panos_interfaces:
    config:
      - name: ethernet1/1
        ipv4_addresses: [203.0.113.2/24]
        management_profile: allow-ping
        comment: uplink
      - name: ethernet1/2
        dhcp: true
        dhcp_default_route: false
      - name: ethernet1/3
        ipv4_addresses: [10.0.2.1/24]

- name: A VLAN subinterface
  zonewarden.firewall.panos_interfaces:
    config:
      - name: ethernet1/2.20
        ipv4_addresses: [10.0.20.1/24]
'''

RETURN = r'''
before:
  description: The listed interfaces before the run, in the shape of O(config).
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"name": "ethernet1/3", "dhcp": false}]
after:
  description: The listed interfaces after the run, or as they would be in check mode.
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"name": "ethernet1/3", "ipv4_addresses": ["10.0.2.1/24"], "dhcp": false}]
commands:
  description: The configuration actions sent (or planned in check mode), in order; several go out in one multi-config request.
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"type": "config", "action": "set", "element": "<layer3><ip><entry name=\"10.0.2.1/24\" /></ip></layer3>",
            "xpath": "/config/devices/entry[@name='localhost.localdomain']/network/interface/ethernet/entry[@name='ethernet1/3']"}]
gathered:
  description: The layer-3 interfaces and subinterfaces in the shape of O(config).
  returned: when O(state=gathered)
  type: list
  elements: dict
  sample: [{"name": "ethernet1/1", "ipv4_addresses": ["203.0.113.2/24"], "dhcp": false}]
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.interfaces import CONFIG, Interfaces
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.module import VSYS_OPTION, run
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.resource import run_keyed


def argument_spec():
    return dict(
        vsys=dict(VSYS_OPTION),
        state=dict(type='str', choices=['merged', 'replaced', 'deleted', 'gathered'], default='merged'),
        config=CONFIG,
    )


def engine(module, client):
    return run_keyed(module, client, Interfaces(module.params))


def main():
    run(argument_spec(), engine, required_if=[('state', state, ['config']) for state in ('merged', 'replaced', 'deleted')])


if __name__ == '__main__':
    main()
