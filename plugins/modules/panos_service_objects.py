#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: panos_service_objects
short_description: Manage PAN-OS service objects
version_added: 0.1.0
description:
  - Manages service objects - a protocol with destination (and optionally source) ports.
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
      - V(merged) creates missing service objects and sets the options given; options not given are left as they are.
      - V(replaced) makes each listed service object exactly as given; options not given are removed.
      - V(overridden) does what V(replaced) does and deletes every service object of the vsys that is not listed.
      - V(deleted) deletes the listed service objects (only O(config[].name) is used). PAN-OS refuses to delete an object that is
        still referenced; the module then fails and writes nothing.
      - V(gathered) returns the service objects in the shape of O(config).
    type: str
    choices: [merged, replaced, overridden, deleted, gathered]
    default: merged
  config:
    description: The service objects.
    type: list
    elements: dict
    suboptions:
      name:
        description: Name, at most 63 characters (letters, digits, space, hyphen, underscore, period).
        type: str
        required: true
      protocol:
        description: Protocol; required for new objects and with O(state=replaced).
        type: str
        choices: [tcp, udp, sctp]
      destination_port:
        description: Destination ports, for example V(443), V(8000-8080) or V(80,443); required for new objects.
        type: str
      source_port:
        description: Source ports, same syntax.
        type: str
      description:
        description: Description.
        type: str
      tags:
        description: Tags.
        type: list
        elements: str
seealso:
  - module: zonewarden.firewall.panos_service_groups
  - module: zonewarden.firewall.panos_security_rules
'''

EXAMPLES = r'''
- name: Web on the alternative port
  zonewarden.firewall.panos_service_objects:
    config:
      - name: tcp-8443
        protocol: tcp
        destination_port: "8443"
'''

RETURN = r'''
before:
  description: The service objects concerned before the run (all of them for V(overridden)), in the shape of O(config).
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: []
after:
  description: The same service objects after the run, or as they would be in check mode.
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"name": "tcp-8443", "protocol": "tcp", "destination_port": "8443"}]
commands:
  description: The configuration actions sent (or planned in check mode), in order.
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"type": "config", "action": "set", "element": "<protocol><tcp><port>8443</port></tcp></protocol>",
            "xpath": "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/service/entry[@name='tcp-8443']"}]
gathered:
  description: The service objects in the shape of O(config).
  returned: when O(state=gathered)
  type: list
  elements: dict
  sample: [{"name": "tcp-8443", "protocol": "tcp", "destination_port": "8443"}]
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.module import VSYS_OPTION, run
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.objects import SERVICE_CONFIG, ServiceObjects
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.resource import run_keyed


def argument_spec():
    return dict(
        vsys=dict(VSYS_OPTION),
        state=dict(type='str', choices=['merged', 'replaced', 'overridden', 'deleted', 'gathered'], default='merged'),
        config=SERVICE_CONFIG,
    )


def engine(module, client):
    return run_keyed(module, client, ServiceObjects(module.params))


def main():
    run(argument_spec(), engine, required_if=[('state', state, ['config']) for state in ('merged', 'replaced', 'overridden', 'deleted')])


if __name__ == '__main__':
    main()
