#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: panos_service_groups
short_description: Manage PAN-OS service groups
version_added: 0.1.0
description:
  - Manages service groups. Members must be services or groups defined on the device (vsys or shared), the
    predefined V(service-http) and V(service-https), or groups listed in the same task.
  - In check mode a member that does not resolve is a warning instead of an error (an earlier task of the same
    check-mode run may create it).
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
      - V(merged) creates missing service groups and sets the options given; options not given are left as they are.
      - V(replaced) makes each listed service group exactly as given; options not given are removed.
      - V(overridden) does what V(replaced) does and deletes every service group of the vsys that is not listed.
      - V(deleted) deletes the listed service groups (only O(config[].name) is used). PAN-OS refuses to delete an object that is
        still referenced; the module then fails and writes nothing.
      - V(gathered) returns the service groups in the shape of O(config).
    type: str
    choices: [merged, replaced, overridden, deleted, gathered]
    default: merged
  config:
    description: The service groups.
    type: list
    elements: dict
    suboptions:
      name:
        description: Name, at most 63 characters (letters, digits, space, hyphen, underscore, period).
        type: str
        required: true
      members:
        description: The services in the group; the list is the whole membership. Required except with O(state=deleted).
        type: list
        elements: str
      tags:
        description: Tags.
        type: list
        elements: str
seealso:
  - module: zonewarden.firewall.panos_service_objects
'''

EXAMPLES = r'''
- name: Web services
  zonewarden.firewall.panos_service_groups:
    config:
      - name: web
        members: [service-http, service-https, tcp-8443]
'''

RETURN = r'''
before:
  description: The service groups concerned before the run (all of them for V(overridden)), in the shape of O(config).
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: []
after:
  description: The same service groups after the run, or as they would be in check mode.
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"name": "web", "members": ["service-http", "service-https"]}]
commands:
  description: The configuration actions sent (or planned in check mode), in order.
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"type": "config", "action": "set", "element": "<members><member>service-http</member></members>",
            "xpath": "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/service-group/entry[@name='web']"}]
gathered:
  description: The service groups in the shape of O(config).
  returned: when O(state=gathered)
  type: list
  elements: dict
  sample: [{"name": "web", "members": ["service-http", "service-https"]}]
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.module import VSYS_OPTION, run
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.objects import SERVICE_GROUP_CONFIG, ServiceGroups
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.resource import run_keyed


def argument_spec():
    return dict(
        vsys=dict(VSYS_OPTION),
        state=dict(type='str', choices=['merged', 'replaced', 'overridden', 'deleted', 'gathered'], default='merged'),
        config=SERVICE_GROUP_CONFIG,
    )


def engine(module, client):
    return run_keyed(module, client, ServiceGroups(module.params))


def main():
    run(argument_spec(), engine, required_if=[('state', state, ['config']) for state in ('merged', 'replaced', 'overridden', 'deleted')])


if __name__ == '__main__':
    main()
