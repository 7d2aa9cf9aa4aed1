#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: panos_virtual_routers
short_description: Manage PAN-OS virtual routers, their interfaces and static routes
version_added: 0.1.0
description:
  - Manages virtual routers (legacy routing engine) in the candidate configuration - which interfaces they route for
    and their IPv4 static routes, including the default route. Use M(zonewarden.firewall.panos_commit) to activate the
    changes.
  - B(Virtual router membership is owned by this module.) M(zonewarden.firewall.panos_interfaces) never changes it.
    An interface belongs to one virtual router only; an interface listed for a router is taken out of any other router
    that holds it.
  - Routing protocols, ECMP, redistribution and the route options the module does not model (BFD, path monitoring,
    route table) are kept. Each static route is written at its own xpath.
  - Firewalls with advanced routing (logical routers, PAN-OS 10.2 and later) are not managed by this module.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._panos
  - zonewarden.firewall._attributes.full
  - zonewarden.firewall._attributes.actiongroup_panos
options:
  state:
    description:
      - V(merged) creates missing routers and sets what is given. Listed static routes are added or updated by name;
        routes not listed stay.
      - V(replaced) makes each listed router exactly as given; its static routes are exactly the listed ones.
      - V(overridden) does what V(replaced) does and deletes every router that is not listed.
      - V(deleted) deletes the listed routers (only O(config[].name) is used).
      - V(gathered) returns the routers in the shape of O(config).
    type: str
    choices: [merged, replaced, overridden, deleted, gathered]
    default: merged
  config:
    description: The virtual routers.
    type: list
    elements: dict
    suboptions:
      name:
        description: Router name, at most 31 characters, for example V(default).
        type: str
        required: true
      interfaces:
        description: The interfaces of the router; the list is the whole membership.
        type: list
        elements: str
      static_routes:
        description: IPv4 static routes.
        type: list
        elements: dict
        suboptions:
          name:
            description: Route name, unique within the router.
            type: str
            required: true
          destination:
            description: Destination network in CIDR form, V(0.0.0.0/0) for the default route.
            type: str
            required: true
          nexthop_type:
            description:
              - What the next hop is. Defaults to V(ip_address) when O(config[].static_routes[].nexthop) is given, else V(none).
            type: str
            choices: [ip_address, next_vr, fqdn, discard, none]
          nexthop:
            description: Next hop IP address, next virtual router or FQDN object, depending on the type.
            type: str
          interface:
            description: Egress interface.
            type: str
          metric:
            description: Metric (1-65535, PAN-OS default 10).
            type: int
          admin_distance:
            description: Administrative distance (10-240); PAN-OS uses the static route default when not set.
            type: int
seealso:
  - module: zonewarden.firewall.panos_interfaces
  - module: zonewarden.firewall.panos_commit
'''

EXAMPLES = r'''
- name: Default router with a default route to the upstream gateway
  zonewarden.firewall.panos_virtual_routers:
    config:
      - name: default
        interfaces: [ethernet1/1, ethernet1/2, ethernet1/3]
        static_routes:
          - name: default-route
            destination: 0.0.0.0/0
            nexthop: 203.0.113.1
            interface: ethernet1/1
'''

RETURN = r'''
before:
  description: The routers concerned before the run (all of them for V(overridden)).
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"name": "default"}]
after:
  description: The same routers after the run, or as they would be in check mode.
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"name": "default", "interfaces": ["ethernet1/1"],
            "static_routes": [{"name": "default-route", "destination": "0.0.0.0/0", "nexthop_type": "ip_address", "nexthop": "203.0.113.1"}]}]
commands:
  description: The configuration actions sent (or planned in check mode), in order.
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"type": "config", "action": "edit", "element": "<interface><member>ethernet1/1</member></interface>",
            "xpath": "/config/devices/entry[@name='localhost.localdomain']/network/virtual-router/entry[@name='default']/interface"}]
gathered:
  description: The routers in the shape of O(config).
  returned: when O(state=gathered)
  type: list
  elements: dict
  sample: [{"name": "default", "interfaces": ["ethernet1/1"]}]
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.module import run
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.resource import run_keyed
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.routers import CONFIG, VirtualRouters


def argument_spec():
    return dict(
        state=dict(type='str', choices=['merged', 'replaced', 'overridden', 'deleted', 'gathered'], default='merged'),
        config=CONFIG,
    )


def engine(module, client):
    return run_keyed(module, client, VirtualRouters(module.params))


def main():
    run(argument_spec(), engine, required_if=[('state', state, ['config']) for state in ('merged', 'replaced', 'overridden', 'deleted')])


if __name__ == '__main__':
    main()
