#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: pve_bridges
short_description: Manage the Linux bridges of a Proxmox VE node and make them live
version_added: 0.1.0
description:
  - Creates and updates Linux bridges in the network configuration of one node (C(/nodes/{node}/network)) - ports,
    VLAN awareness and allowed VLANs, an optional IPv4 address, autostart and the comment - and then applies the
    staged configuration with one C(PUT /nodes/{node}/network), waiting for the reload task.
  - The configuration is read once. Only the bridges that differ are written, each with the keys that differ; the
    apply call is sent only when this run wrote something, or when a listed bridge exists in the staged
    configuration but is not live yet (for example after a run that stopped before applying).
  - Proxmox VE applies the whole staged file, so changes that someone else staged and did not apply go live too.
  - Bridges that are not listed are never changed. A port that another bridge or bond already uses is refused before
    anything is written; when ports move between listed bridges, the bridge that gives a port up is written first.
  - The node network has no digest in the API, so there is no concurrency guard beyond the single read just before
    the writes.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._pve
  - zonewarden.firewall._attributes.full
  - zonewarden.firewall._attributes.actiongroup_pve
options:
  node:
    description: The node whose bridges are managed.
    type: str
    required: true
  state:
    description:
      - V(merged) creates missing bridges and sets the options given; options not given are left as they are.
      - V(replaced) makes each listed bridge exactly as given; options not given go back to their defaults (no ports,
        not VLAN-aware, no address, autostart on, no comment). The node's gateway is never touched, and removing the
        address of the bridge that carries it is refused.
      - V(deleted) deletes the listed bridges (only O(config[].iface) is used). A bridge that carries the node's default
        gateway is refused.
      - V(gathered) returns every Linux bridge of the node in the shape of O(config), and in RV(pending) the ones
        that are staged but not live.
    type: str
    choices: [merged, replaced, deleted, gathered]
    default: merged
  config:
    description: The bridges.
    type: list
    elements: dict
    default: []
    suboptions:
      iface:
        description: Bridge name, for example V(vmbr1).
        type: str
        required: true
      ports:
        description: Physical ports, bonds or VLAN interfaces of the bridge; an empty list means a bridge without ports.
        type: list
        elements: str
      vlan_aware:
        description: Make the bridge VLAN-aware (guests' NIC tags then select the VLAN).
        type: bool
      vids:
        description:
          - VLAN ids or ranges the VLAN-aware bridge carries, for example V(10) or V(100-200). Proxmox VE uses V(2-4094)
            when none are given.
        type: list
        elements: str
      cidr:
        description: IPv4 address of the node on this bridge with prefix length, for example V(192.0.2.10/24).
        type: str
      autostart:
        description: Bring the bridge up at boot. New bridges default to V(true).
        type: bool
      comments:
        description: Comment (one line).
        type: str
  apply:
    description:
      - Make the changes live with one reload of the node network. With V(false) they stay staged (the web interface
        shows them as pending).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for the network reload task.
    type: int
    default: 60
seealso:
  - module: zonewarden.firewall.pve_vm
  - module: zonewarden.firewall.pve_guest_nics
'''

EXAMPLES = r'''
- name: Bridges for a three-zone DMZ firewall VM
  zonewarden.firewall.pve_bridges:
    node: pve1
    config:
      - iface: vmbr1
        comments: dmz
      - iface: vmbr2
        ports: [eno2]
        vlan_aware: true
        vids: ["10", "20-29"]
        comments: trust

- name: Stage a change without applying it
  zonewarden.firewall.pve_bridges:
    node: pve1
    apply: false
    config:
      - iface: vmbr3
        comments: lab

- name: Read the bridges
  zonewarden.firewall.pve_bridges:
    node: pve1
    state: gathered
  register: bridges
'''

RETURN = r'''
before:
  description: The listed bridges before the run, in the shape of O(config); null for a bridge that did not exist.
  returned: when O(state) is V(merged), V(replaced) or V(deleted)
  type: list
  elements: dict
after:
  description: The listed bridges as the run leaves (or in check mode would leave) them.
  returned: when O(state) is V(merged), V(replaced) or V(deleted)
  type: list
  elements: dict
  sample: [{"iface": "vmbr1", "ports": [], "vlan_aware": false, "autostart": true, "comments": "dmz"}]
commands:
  description: The API calls made, or planned in check mode, including the apply call.
  returned: when O(state) is V(merged), V(replaced) or V(deleted)
  type: list
  elements: dict
  sample: [{"method": "POST", "path": "/nodes/pve1/network", "params": {"iface": "vmbr3", "type": "bridge", "autostart": 1}},
           {"method": "PUT", "path": "/nodes/pve1/network"}]
applied:
  description: Whether the staged network configuration was (or in check mode would be) applied.
  returned: when O(state) is V(merged), V(replaced) or V(deleted)
  type: bool
staged_before:
  description: Listed bridges that were staged but not live when the run started (they made the run apply).
  returned: when there were any
  type: list
  elements: str
task:
  description: The network reload task, with C(upid) and C(exitstatus).
  returned: when the configuration was applied
  type: dict
gathered:
  description: Every Linux bridge of the node, in the shape of O(config).
  returned: when O(state=gathered)
  type: list
  elements: dict
pending:
  description: Bridges that exist in the staged configuration but are not live.
  returned: when O(state=gathered)
  type: list
  elements: str
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.bridges import BRIDGE_OPTIONS, run_bridges
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.module import run


def argument_spec():
    return dict(
        node=dict(type='str', required=True),
        state=dict(type='str', choices=['merged', 'replaced', 'deleted', 'gathered'], default='merged'),
        config=dict(type='list', elements='dict', default=[], options=BRIDGE_OPTIONS),
        apply=dict(type='bool', default=True),
        wait_timeout=dict(type='int', default=60),
    )


def main():
    run(argument_spec(), run_bridges)


if __name__ == '__main__':
    main()
