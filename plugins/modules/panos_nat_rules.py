#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: panos_nat_rules
short_description: Manage the PAN-OS NAT rulebase as an ordered list of rules
version_added: 0.1.0
description:
  - Manages the NAT rules of one vsys in the candidate configuration, identified by name, with their order - source NAT
    (dynamic IP and port with the interface address or an address pool, dynamic IP, static IP) and destination NAT (for
    example to publish a DMZ server). Use M(zonewarden.firewall.panos_commit) to activate the changes.
  - Works like M(zonewarden.firewall.panos_security_rules) - one read for the whole rulebase, narrow writes at each
    rule's own xpath, unmodelled settings kept, the fewest moves, checks before the first write.
  - Zones, addresses and services that rules name must exist on the device or be keywords and literals PAN-OS knows;
    otherwise the module fails before the first write (in check mode it warns instead).
  - The source translation type is always written explicitly, so an egress interface is never dropped for a default
    translated address.
  - NAT matches the original (pre-NAT) zones and addresses. A NAT rule does not allow traffic; a security rule must.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._panos
  - zonewarden.firewall._attributes.full
  - zonewarden.firewall._attributes.actiongroup_panos
options:
  host:
    description:
      - Host name or address of the PAN-OS management interface.
      - If not set, the value of the E(PANOS_HOST) environment variable is used.
      - Required for every state except V(rendered) and V(parsed).
    type: str
    required: false
  vsys:
    description: The vsys whose NAT rulebase is managed.
    type: str
    default: vsys1
  state:
    description:
      - V(merged) creates missing rules and sets the options given; options not given are left as they are.
      - V(replaced) makes each listed rule exactly as given; options not given go back to their defaults.
      - V(overridden) makes the NAT rulebase exactly O(config), in that order; unlisted rules are deleted.
      - With V(merged) and V(replaced) the listed rules end up in the listed relative order; see O(location).
      - V(deleted) deletes the listed rules (only O(config[].name) is used).
      - V(gathered) returns the NAT rulebase in order, in the shape of O(config).
      - V(rendered) returns the PAN-OS XML of O(config) without contacting the device.
      - V(parsed) turns the XML in O(running_config) into the shape of O(config) without contacting the device.
    type: str
    choices: [merged, replaced, overridden, deleted, gathered, rendered, parsed]
    default: merged
  location:
    description:
      - With V(merged) and V(replaced), put the listed rules as one block at the V(top) or V(bottom), or right V(before)
        or V(after) O(existing_rule). Without it, rules already in the listed order stay where they are.
    type: str
    choices: [top, bottom, before, after]
  existing_rule:
    description: The rule the block is placed before or after; it must exist and must not be one of the listed rules.
    type: str
  running_config:
    description: PAN-OS XML for O(state=parsed) - a C(rules) element, an element that contains one, or one rule C(entry).
    type: str
  config:
    description: The NAT rules, in order.
    type: list
    elements: dict
    suboptions:
      name:
        description: Rule name, at most 63 characters; unique.
        type: str
        required: true
      from_zones:
        description: Original source zones (new rules default to V(any)).
        type: list
        elements: str
      to_zones:
        description: Original destination zone, exactly one; required for new rules and with V(replaced) and V(overridden).
        type: list
        elements: str
      to_interface:
        description: Egress interface of the original packet (PAN-OS default V(any)).
        type: str
      source_addresses:
        description: Original source addresses (default V(any)).
        type: list
        elements: str
      destination_addresses:
        description: Original destination addresses (default V(any)); the public address for destination NAT.
        type: list
        elements: str
      service:
        description: Original service (new rules default to V(any)).
        type: str
      nat_type:
        description: NAT type (PAN-OS default V(ipv4)).
        type: str
        choices: [ipv4, nat64, nptv6]
      source_translation:
        description: Source address translation; not set means none.
        type: dict
        suboptions:
          type:
            description:
              - The translation. Defaults to V(static_ip) when O(config[].source_translation.translated_address) is given,
                else V(dynamic_ip_and_port).
            type: str
            choices: [dynamic_ip_and_port, dynamic_ip, static_ip]
          interface:
            description: For V(dynamic_ip_and_port) - translate to the address of this interface (usual outbound NAT).
            type: str
          interface_ip:
            description: With O(config[].source_translation.interface), which of its addresses (CIDR form) to use.
            type: str
          translated_addresses:
            description: For V(dynamic_ip_and_port) and V(dynamic_ip) - the pool of addresses to translate to.
            type: list
            elements: str
          translated_address:
            description: For V(static_ip) - the address to translate to.
            type: str
          bi_directional:
            description: For V(static_ip) - also translate connections towards the translated address.
            type: bool
      destination_translation:
        description: Destination address translation; not set means none.
        type: dict
        suboptions:
          translated_address:
            description: Address (or address object) to send the traffic to.
            type: str
          translated_port:
            description: Port to send the traffic to; the original port when not set.
            type: int
      disabled:
        description: Keep the rule but do not use it.
        type: bool
      description:
        description: Description.
        type: str
      tags:
        description: Tags.
        type: list
        elements: str
seealso:
  - module: zonewarden.firewall.panos_security_rules
  - module: zonewarden.firewall.panos_commit
'''

EXAMPLES = r'''
- name: Outbound NAT for trust and dmz, and the published web server
  zonewarden.firewall.panos_nat_rules:
    state: overridden
    config:
      - name: snat-outbound
        from_zones: [trust, dmz]
        to_zones: [untrust]
        source_translation:
          type: dynamic_ip_and_port
          interface: ethernet1/1
      - name: dnat-web
        from_zones: [untrust]
        to_zones: [untrust]
        destination_addresses: [203.0.113.2]
        service: service-https
        destination_translation:
          translated_address: 10.0.2.10
'''

RETURN = r'''
before:
  description: The listed rules before the run (the whole NAT rulebase for V(overridden)), in order.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: dict
  sample: []
after:
  description: The listed rules after the run (the whole NAT rulebase for V(overridden)), in their new order.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: dict
  sample: [{"name": "snat-outbound", "to_zones": ["untrust"],
            "source_translation": {"type": "dynamic_ip_and_port", "interface": "ethernet1/1"}}]
commands:
  description: The configuration actions sent (or planned in check mode), in order.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: dict
  sample: []
gathered:
  description: The NAT rulebase in order, in the shape of O(config).
  returned: when O(state=gathered)
  type: list
  elements: dict
rendered:
  description: The PAN-OS XML of O(config), a C(rules) element with one C(entry) per rule.
  returned: when O(state=rendered)
  type: str
parsed:
  description: The rules of O(running_config) in the shape of O(config).
  returned: when O(state=parsed)
  type: list
  elements: dict
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.module import VSYS_OPTION, run
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.rules import NAT_CONFIG, RULEBASE_OPTIONS, NatRules, run_rulebase

STATES = ['merged', 'replaced', 'overridden', 'deleted', 'gathered', 'rendered', 'parsed']


def argument_spec():
    spec = dict(
        vsys=dict(VSYS_OPTION),
        state=dict(type='str', choices=STATES, default='merged'),
        running_config=dict(type='str'),
        config=NAT_CONFIG,
    )
    spec.update(RULEBASE_OPTIONS)
    return spec


def engine(module, client):
    return run_rulebase(module, client, NatRules(module.params))


def main():
    required_if = [('state', state, ['config']) for state in ('merged', 'replaced', 'overridden', 'deleted', 'rendered')]
    required_if.append(('state', 'parsed', ['running_config']))
    run(argument_spec(), engine, offline_states=('rendered', 'parsed'), required_if=required_if)


if __name__ == '__main__':
    main()
