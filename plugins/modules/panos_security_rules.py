#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: panos_security_rules
short_description: Manage the PAN-OS security rulebase as an ordered list of rules
version_added: 0.1.0
description:
  - Manages the security rules of one vsys in the candidate configuration, identified by name, with their order.
    Use M(zonewarden.firewall.panos_commit) to activate the changes.
  - The whole rulebase is read with one request, so a run that changes nothing costs the same few reads for 5 rules or
    5000. All writes go out batched in multi-config requests.
  - Each rule is written at its own xpath and only the parts that differ are written; rule settings the module does not
    model (schedule, QoS marking, HIP profiles, individual security profiles, ...) are kept. Rules the task does not list
    are never changed or moved, except with O(state=overridden).
  - Order is reached with the fewest moves - the rules already in the right relative order stay, every other rule moves
    once. Rules that do not exist yet are planned and placed in check mode too.
  - Zones, addresses and services that rules name must exist on the device (vsys or shared) or be keywords and literals
    PAN-OS knows (V(any), IP addresses, networks and ranges, region codes, predefined external lists,
    V(application-default), V(service-http), V(service-https)); otherwise the module fails before the first write.
  - In check mode a reference that does not resolve is a warning instead of an error, because an earlier task of the same
    check-mode run (zones, objects) has not created it.
  - The two predefined rules at the bottom (C(intrazone-default), C(interzone-default)) are not part of this rulebase.
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
    description: The vsys whose rulebase is managed.
    type: str
    default: vsys1
  state:
    description:
      - V(merged) creates missing rules and sets the options given; options not given are left as they are.
      - V(replaced) makes each listed rule exactly as given; options not given go back to their defaults.
      - V(overridden) makes the rulebase exactly O(config), in that order; unlisted rules are deleted. Nightly enforcement
        uses this.
      - With V(merged) and V(replaced) the listed rules end up in the listed relative order. Without O(location), rules
        already in that order stay where they are and a new rule goes right after the listed rule before it (the first
        one right before the next listed rule, or at the bottom). With O(location) the listed rules form one block there.
      - V(deleted) deletes the listed rules (only O(config[].name) is used).
      - V(gathered) returns the rulebase in order, in the shape of O(config).
      - V(rendered) returns the PAN-OS XML of O(config) (a C(rules) element) without contacting the device.
      - V(parsed) turns the XML in O(running_config) into the shape of O(config) without contacting the device.
    type: str
    choices: [merged, replaced, overridden, deleted, gathered, rendered, parsed]
    default: merged
  location:
    description:
      - With V(merged) and V(replaced), put the listed rules as one block at the V(top) or V(bottom) of the rulebase, or
        right V(before) or V(after) O(existing_rule).
      - Two tasks that both claim V(top) move each other on every run; anchor blocks to named rules instead.
    type: str
    choices: [top, bottom, before, after]
  existing_rule:
    description: The rule the block is placed before or after; it must exist and must not be one of the listed rules.
    type: str
  running_config:
    description: PAN-OS XML for O(state=parsed) - a C(rules) element, an element that contains one, or one rule C(entry).
    type: str
  config:
    description: The rules, in order.
    type: list
    elements: dict
    suboptions:
      name:
        description: Rule name, at most 63 characters (letters, digits, space, hyphen, underscore, period); unique.
        type: str
        required: true
      from_zones:
        description: Source zones (new rules default to V(any)).
        type: list
        elements: str
      to_zones:
        description: Destination zones (new rules default to V(any)).
        type: list
        elements: str
      source_addresses:
        description: Source addresses, groups, ranges or networks (default V(any)).
        type: list
        elements: str
      destination_addresses:
        description: Destination addresses, groups, ranges or networks (default V(any)).
        type: list
        elements: str
      source_users:
        description: Source users (default V(any)).
        type: list
        elements: str
      applications:
        description: Applications (default V(any)).
        type: list
        elements: str
      services:
        description:
          - Services, V(application-default), or V(any).
          - New rules default to V(application-default) when they allow and to V(any) when they deny, because a deny rule
            with V(application-default) misses the application on non-standard ports.
        type: list
        elements: str
      categories:
        description: URL categories (default V(any)).
        type: list
        elements: str
      action:
        description: What the rule does (new rules default to V(allow)).
        type: str
        choices: [allow, deny, drop, reset-client, reset-server, reset-both]
      rule_type:
        description: Which traffic the rule matches (PAN-OS default V(universal)).
        type: str
        choices: [universal, intrazone, interzone]
      negate_source:
        description: Match every source except the listed addresses.
        type: bool
      negate_destination:
        description: Match every destination except the listed addresses.
        type: bool
      disabled:
        description: Keep the rule but do not use it.
        type: bool
      log_start:
        description: Log at session start (PAN-OS default off).
        type: bool
      log_end:
        description: Log at session end (PAN-OS default on).
        type: bool
      log_setting:
        description: Log forwarding profile.
        type: str
      profile_group:
        description: Security profile group; setting it replaces individually set profiles.
        type: str
      description:
        description: Description.
        type: str
      tags:
        description: Tags.
        type: list
        elements: str
seealso:
  - module: zonewarden.firewall.panos_nat_rules
  - module: zonewarden.firewall.panos_commit
'''

EXAMPLES = r'''
- name: The one-way valve of a three-zone DMZ, exactly, in this order
  zonewarden.firewall.panos_security_rules:
    state: overridden
    config:
      - name: trust-to-dmz
        from_zones: [trust]
        to_zones: [dmz]
        applications: [ssl, web-browsing, ssh]
        log_setting: default
      - name: trust-to-untrust
        from_zones: [trust]
        to_zones: [untrust]
      - name: dmz-to-untrust
        from_zones: [dmz]
        to_zones: [untrust]
        applications: [dns, ntp, web-browsing, ssl]
      - name: web-published
        from_zones: [untrust]
        to_zones: [dmz]
        destination_addresses: [203.0.113.2]
        applications: [web-browsing, ssl]
      - name: deny-dmz-to-trust
        from_zones: [dmz]
        to_zones: [trust]
        action: deny
        log_start: true

- name: Add one rule right before the deny rule, leave the rest alone
  zonewarden.firewall.panos_security_rules:
    location: before
    existing_rule: deny-dmz-to-trust
    config:
      - name: dmz-to-trust-syslog
        from_zones: [dmz]
        to_zones: [trust]
        destination_addresses: [10.0.1.5]
        applications: [syslog]

- name: The XML of a rule, offline
  zonewarden.firewall.panos_security_rules:
    state: rendered
    config:
      - name: trust-to-untrust
        from_zones: [trust]
        to_zones: [untrust]
  register: xml
'''

RETURN = r'''
before:
  description: The listed rules before the run (the whole rulebase for V(overridden)), in rulebase order.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: dict
  sample: []
after:
  description: The listed rules after the run (the whole rulebase for V(overridden)), in their new order.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: dict
  sample: [{"name": "trust-to-untrust", "from_zones": ["trust"], "to_zones": ["untrust"], "action": "allow"}]
commands:
  description: The configuration actions sent (or planned in check mode), in order; several go out in one multi-config request.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: dict
  sample: [{"type": "config", "action": "move", "where": "after", "dst": "trust-to-dmz",
            "xpath": "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/rulebase/security/rules/entry[@name='x']"}]
gathered:
  description: The rulebase in order, in the shape of O(config).
  returned: when O(state=gathered)
  type: list
  elements: dict
rendered:
  description: The PAN-OS XML of O(config), a C(rules) element with one C(entry) per rule.
  returned: when O(state=rendered)
  type: str
  sample: <rules><entry name="a"><from><member>trust</member></from>...</entry></rules>
parsed:
  description: The rules of O(running_config) in the shape of O(config).
  returned: when O(state=parsed)
  type: list
  elements: dict
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.module import VSYS_OPTION, run
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.rules import (
    RULEBASE_OPTIONS, SECURITY_CONFIG, SecurityRules, run_rulebase)

STATES = ['merged', 'replaced', 'overridden', 'deleted', 'gathered', 'rendered', 'parsed']


def argument_spec():
    spec = dict(
        vsys=dict(VSYS_OPTION),
        state=dict(type='str', choices=STATES, default='merged'),
        running_config=dict(type='str'),
        config=SECURITY_CONFIG,
    )
    spec.update(RULEBASE_OPTIONS)
    return spec


def engine(module, client):
    return run_rulebase(module, client, SecurityRules(module.params))


def main():
    required_if = [('state', state, ['config']) for state in ('merged', 'replaced', 'overridden', 'deleted', 'rendered')]
    required_if.append(('state', 'parsed', ['running_config']))
    run(argument_spec(), engine, offline_states=('rendered', 'parsed'), required_if=required_if)


if __name__ == '__main__':
    main()
