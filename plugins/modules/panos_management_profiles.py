#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: panos_management_profiles
short_description: Manage PAN-OS interface management profiles
version_added: 0.1.0
description:
  - Manages interface management profiles, which decide the services (ping, SSH, HTTPS, ...) an interface answers, in the
    candidate configuration. Use M(zonewarden.firewall.panos_commit) to activate the changes.
  - A service that is not set is off, as in PAN-OS. Settings the module does not model are kept.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._panos
  - zonewarden.firewall._attributes.full
  - zonewarden.firewall._attributes.actiongroup_panos
options:
  state:
    description:
      - V(merged) creates missing profiles and sets the options given; options not given are left as they are.
      - V(replaced) makes each listed profile exactly as given; services not given are switched off.
      - V(overridden) does what V(replaced) does and deletes every profile that is not listed.
      - V(deleted) deletes the listed profiles (only O(config[].name) is used).
      - V(gathered) returns the profiles in the shape of O(config).
    type: str
    choices: [merged, replaced, overridden, deleted, gathered]
    default: merged
  config:
    description: The profiles.
    type: list
    elements: dict
    suboptions:
      name:
        description: Profile name, at most 31 characters.
        type: str
        required: true
      ping:
        description: Answer ICMP echo requests.
        type: bool
      ssh:
        description: Allow SSH to the management plane through this interface.
        type: bool
      https:
        description: Allow the web interface over HTTPS.
        type: bool
      http:
        description: Allow the web interface over plain HTTP.
        type: bool
      telnet:
        description: Allow telnet.
        type: bool
      snmp:
        description: Allow SNMP.
        type: bool
      response_pages:
        description: Serve response pages (captive portal, URL filtering).
        type: bool
      userid_service:
        description: Serve User-ID to other firewalls.
        type: bool
      userid_syslog_listener_ssl:
        description: Receive User-ID syslog over SSL.
        type: bool
      userid_syslog_listener_udp:
        description: Receive User-ID syslog over UDP.
        type: bool
      http_ocsp:
        description: Serve OCSP over HTTP.
        type: bool
      permitted_ips:
        description: Addresses or networks allowed to use these services; empty means any.
        type: list
        elements: str
seealso:
  - module: zonewarden.firewall.panos_interfaces
'''

EXAMPLES = r'''
- name: Ping only, from the admin network
  zonewarden.firewall.panos_management_profiles:
    config:
      - name: allow-ping
        ping: true
        permitted_ips: [192.0.2.0/24]
'''

RETURN = r'''
before:
  description: The profiles concerned before the run (all of them for V(overridden)).
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: []
after:
  description: The same profiles after the run, or as they would be in check mode.
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"name": "allow-ping", "ping": true}]
commands:
  description: The configuration actions sent (or planned in check mode), in order.
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"type": "config", "action": "set", "element": "<ping>yes</ping>",
            "xpath": "/config/devices/entry[@name='localhost.localdomain']/network/profiles/interface-management-profile/entry[@name='allow-ping']"}]
gathered:
  description: The profiles in the shape of O(config); services that are off are not listed.
  returned: when O(state=gathered)
  type: list
  elements: dict
  sample: [{"name": "allow-ping", "ping": true}]
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.module import run
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.profiles import CONFIG, ManagementProfiles
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.resource import run_keyed


def argument_spec():
    return dict(
        state=dict(type='str', choices=['merged', 'replaced', 'overridden', 'deleted', 'gathered'], default='merged'),
        config=CONFIG,
    )


def engine(module, client):
    return run_keyed(module, client, ManagementProfiles(module.params))


def main():
    run(argument_spec(), engine, required_if=[('state', state, ['config']) for state in ('merged', 'replaced', 'overridden', 'deleted')])


if __name__ == '__main__':
    main()
