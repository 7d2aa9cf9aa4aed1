#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: panos_info
short_description: Read a PAN-OS firewall's zones, interfaces, routers, objects, rulebases and pending changes
version_added: 0.1.0
description:
  - Returns what the collection's PAN-OS modules manage, each in the shape of that module's C(config) option, so the
    output can be fed back to the modules.
  - All configuration subsets come from one read of the device configuration; pending changes and system information
    cost one request each, and only when asked for.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._panos
  - zonewarden.firewall._attributes
  - zonewarden.firewall._attributes.info_module
  - zonewarden.firewall._attributes.actiongroup_panos
options:
  gather_subset:
    description: What to return; V(all) is everything.
    type: list
    elements: str
    choices: [all, system, pending_changes, zones, interfaces, virtual_routers, management_profiles, address_objects,
              address_groups, service_objects, service_groups, security_rules, nat_rules]
    default: [all]
  source:
    description: Read the V(candidate) configuration (what the modules change) or the V(running) one (what is active).
    type: str
    choices: [candidate, running]
    default: candidate
  vsys:
    description: The vsys whose zones, objects and rulebases are read.
    type: str
    default: vsys1
seealso:
  - module: zonewarden.firewall.panos_zones
  - module: zonewarden.firewall.panos_security_rules
  - module: zonewarden.firewall.panos_commit
'''

EXAMPLES = r'''
- name: Everything
  zonewarden.firewall.panos_info:
  register: fw

- name: Only the active rulebases
  zonewarden.firewall.panos_info:
    source: running
    gather_subset: [security_rules, nat_rules]
'''

RETURN = r'''
system:
  description: C(show system info) with snake_case keys (sw_version, model, serial, hostname, multi_vsys, ...).
  returned: when V(system) is gathered
  type: dict
  sample: {"sw_version": "11.1.6", "model": "PA-VM", "multi_vsys": "off"}
pending_changes:
  description: Pending changes of the candidate configuration with xpath, owner and action.
  returned: when V(pending_changes) is gathered
  type: list
  elements: dict
zones:
  description: Zones, as in M(zonewarden.firewall.panos_zones).
  returned: when gathered
  type: list
  elements: dict
interfaces:
  description: Layer-3 ethernet interfaces, as in M(zonewarden.firewall.panos_interfaces).
  returned: when gathered
  type: list
  elements: dict
virtual_routers:
  description: Virtual routers, as in M(zonewarden.firewall.panos_virtual_routers).
  returned: when gathered
  type: list
  elements: dict
management_profiles:
  description: Interface management profiles, as in M(zonewarden.firewall.panos_management_profiles).
  returned: when gathered
  type: list
  elements: dict
address_objects:
  description: Address objects, as in M(zonewarden.firewall.panos_address_objects).
  returned: when gathered
  type: list
  elements: dict
address_groups:
  description: Address groups, as in M(zonewarden.firewall.panos_address_groups).
  returned: when gathered
  type: list
  elements: dict
service_objects:
  description: Service objects, as in M(zonewarden.firewall.panos_service_objects).
  returned: when gathered
  type: list
  elements: dict
service_groups:
  description: Service groups, as in M(zonewarden.firewall.panos_service_groups).
  returned: when gathered
  type: list
  elements: dict
security_rules:
  description: The security rulebase in order, as in M(zonewarden.firewall.panos_security_rules).
  returned: when gathered
  type: list
  elements: dict
nat_rules:
  description: The NAT rulebase in order, as in M(zonewarden.firewall.panos_nat_rules).
  returned: when gathered
  type: list
  elements: dict
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.info import SUBSETS, run_info
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.module import VSYS_OPTION, run


def argument_spec():
    return dict(
        gather_subset=dict(type='list', elements='str', choices=SUBSETS, default=['all']),
        source=dict(type='str', choices=['candidate', 'running'], default='candidate'),
        vsys=dict(VSYS_OPTION),
    )


def main():
    run(argument_spec(), run_info)


if __name__ == '__main__':
    main()
