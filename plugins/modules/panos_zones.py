#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: panos_zones
short_description: Manage PAN-OS security zones and which interfaces belong to them
version_added: 0.1.0
description:
  - Manages the security zones of one vsys of a PAN-OS firewall, with their interfaces, in the candidate
    configuration. Use M(zonewarden.firewall.panos_commit) to activate the changes.
  - B(Zone membership is owned by this module.) M(zonewarden.firewall.panos_interfaces) never adds an interface to a
    zone or removes it from one, so the two modules cannot undo each other's work.
  - An interface belongs to one zone only. An interface listed for a zone is taken out of any other zone that holds it
    (one delete of that member), also when that other zone is not listed. Listing one interface for two zones is an error.
  - Writes go to each zone's own xpath, and only the parts that differ are written. Settings of a zone that the module
    does not model are kept.
  - All zones are read with one request; all writes go out batched in one multi-config request.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._panos
  - zonewarden.firewall._attributes.full
  - zonewarden.firewall._attributes.actiongroup_panos
options:
  vsys:
    description: The vsys whose zones are managed.
    type: str
    default: vsys1
  state:
    description:
      - V(merged) creates missing zones and sets the options given; options not given are left as they are.
      - V(replaced) makes each listed zone exactly as given; options not given go back to their defaults.
      - V(overridden) does what V(replaced) does and deletes every zone that is not listed.
      - V(deleted) deletes the listed zones (only O(config[].name) is used). PAN-OS refuses to delete a zone that rules
        still use; the module then fails and writes nothing.
      - V(gathered) returns the zones in the shape of O(config).
    type: str
    choices: [merged, replaced, overridden, deleted, gathered]
    default: merged
  config:
    description: The zones.
    type: list
    elements: dict
    suboptions:
      name:
        description: Zone name, at most 31 characters (letters, digits, space, hyphen, underscore, period).
        type: str
        required: true
      mode:
        description: The zone type; its interfaces must be of the same type. New zones are V(layer3).
        type: str
        choices: [layer3, layer2, virtual-wire, tap]
      interfaces:
        description:
          - The interfaces in the zone, for example V(ethernet1/3) or V(ethernet1/3.10). The list is the whole membership.
        type: list
        elements: str
      zone_protection_profile:
        description: Zone protection profile of the zone.
        type: str
      log_setting:
        description: Log forwarding profile for zone protection events.
        type: str
      enable_user_identification:
        description: Map users to IP addresses for traffic from this zone (default off).
        type: bool
seealso:
  - module: zonewarden.firewall.panos_interfaces
  - module: zonewarden.firewall.panos_commit
'''

EXAMPLES = r'''
- name: Three-zone DMZ zones
  zonewarden.firewall.panos_zones:
    host: fw1.example.org
    api_key: "{{ vault_panos_api_key }}"
    ca_path: /etc/pki/fw1-ca.pem
    config:
      - name: untrust
        interfaces: [ethernet1/1]
      - name: trust
        interfaces: [ethernet1/2]
      - name: dmz
        interfaces: [ethernet1/3]

- name: Nightly enforcement, report drift only
  zonewarden.firewall.panos_zones:
    state: overridden
    config: "{{ dmz_zones }}"
  check_mode: true
  register: zone_drift

- name: Read the zones
  zonewarden.firewall.panos_zones:
    state: gathered
  register: zones
'''

RETURN = r'''
before:
  description: The zones concerned before the run (all zones for V(overridden)), in the shape of O(config).
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"name": "dmz", "mode": "layer3", "interfaces": []}]
after:
  description: The same zones after the run, or as they would be in check mode.
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"name": "dmz", "mode": "layer3", "interfaces": ["ethernet1/3"]}]
commands:
  description: The configuration actions sent (or planned in check mode), in order; several go out in one multi-config request.
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"type": "config", "action": "set", "element": "<member>ethernet1/3</member>",
            "xpath": "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/zone/entry[@name='dmz']/network/layer3"}]
gathered:
  description: The zones in the shape of O(config).
  returned: when O(state=gathered)
  type: list
  elements: dict
  sample: [{"name": "untrust", "mode": "layer3", "interfaces": ["ethernet1/1"]}]
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.module import VSYS_OPTION, run
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.resource import run_keyed
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.zones import CONFIG, Zones


def argument_spec():
    return dict(
        vsys=dict(VSYS_OPTION),
        state=dict(type='str', choices=['merged', 'replaced', 'overridden', 'deleted', 'gathered'], default='merged'),
        config=CONFIG,
    )


def engine(module, client):
    return run_keyed(module, client, Zones(module.params))


def main():
    run(argument_spec(), engine, required_if=[('state', state, ['config']) for state in ('merged', 'replaced', 'overridden', 'deleted')])


if __name__ == '__main__':
    main()
