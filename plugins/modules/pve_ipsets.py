#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: pve_ipsets
short_description: Manage Proxmox VE firewall IP sets at cluster or guest level, in place
version_added: 0.1.0
description:
  - Manages IP sets of the datacenter or of guests, with their members (address, CIDR or alias, C(nomatch), comment).
  - Sets are changed in place, never deleted and re-created, and members are added before any is removed,
    so traffic that both the old and the new set match keeps matching during the run.
  - Members are compared the way Proxmox VE stores them (host bits cleared, C(/32) and C(/128) dropped,
    IPv6 compressed), so V(10.0.0.5/32) and V(10.0.0.5) are the same member. Names are case-insensitive.
  - Under O(state=overridden) unlisted sets are deleted, but a set that rules still reference is only deleted
    with O(force=true); otherwise the module fails before any write and names the references.
  - Many guests are handled in one task with O(guests), through a bounded pool of concurrent requests.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._pve
  - zonewarden.firewall._attributes.full
  - zonewarden.firewall._attributes.actiongroup_pve
options:
  level:
    description: Where the IP sets live. Hosts and VNets have no IP sets of their own.
    type: str
    choices: [cluster, vm, ct]
    default: cluster
  node:
    description: Node of the guest for O(level=vm) or O(level=ct); found with one cluster read when not given.
    type: str
  vmid:
    description: Guest ID for O(level=vm) or O(level=ct).
    type: int
  vnet:
    description: Not used by this module; accepted so that one C(module_defaults) block fits every module.
    type: str
  state:
    description:
      - V(merged) creates missing sets and members and updates comments and C(nomatch); it never removes anything.
      - V(replaced) makes each listed set exactly as given (members not listed are removed).
      - V(overridden) does what V(replaced) does and also deletes every set that is not listed.
      - V(deleted) deletes the listed sets, or only the listed members when C(members) is given.
      - V(gathered) returns the sets in the shape of O(config).
    type: str
    choices: [merged, replaced, overridden, deleted, gathered]
    default: merged
  config:
    description: The IP sets of the single target selected by O(level), O(node) and O(vmid).
    type: list
    elements: dict
    suboptions:
      name:
        description: Set name, 2 to 64 characters; Proxmox VE lower-cases it.
        type: str
        required: true
      comment:
        description: Comment of the set.
        type: str
      members:
        description: Members of the set.
        type: list
        elements: dict
        suboptions:
          cidr:
            description: IP address, CIDR or alias name (optionally V(dc/) or V(guest/) scoped).
            type: str
            required: true
          nomatch:
            description: Exclude this member from the set.
            type: bool
          comment:
            description: Comment of the member.
            type: str
  guests:
    description:
      - Many guests in one task, each with its own O(guests[].config). Overrides O(level), O(node) and O(vmid).
    type: list
    elements: dict
    suboptions:
      vmid:
        description: Guest ID.
        type: int
        required: true
      node:
        description: Node of the guest; found with one cluster read for all guests when not given.
        type: str
      type:
        description: V(vm) or V(ct); found with the same read when not given.
        type: str
        choices: [vm, ct]
      config:
        description: The IP sets of this guest, in the shape of O(config).
        type: list
        elements: dict
        suboptions:
          name:
            description: Set name, 2 to 64 characters; Proxmox VE lower-cases it.
            type: str
            required: true
          comment:
            description: Comment of the set.
            type: str
          members:
            description: Members of the set.
            type: list
            elements: dict
            suboptions:
              cidr:
                description: IP address, CIDR or alias name (optionally V(dc/) or V(guest/) scoped).
                type: str
                required: true
              nomatch:
                description: Exclude this member from the set.
                type: bool
              comment:
                description: Comment of the member.
                type: str
  parallel:
    description: How many guests are worked on at the same time.
    type: int
    default: 8
  force:
    description: Delete sets even when rules still reference them.
    type: bool
    default: false
seealso:
  - module: zonewarden.firewall.pve_aliases
  - module: zonewarden.firewall.pve_firewall_info
'''

EXAMPLES = r'''
- name: The datacenter management set (the built-in anti-lockout set)
  zonewarden.firewall.pve_ipsets:
    config:
      - name: management
        comment: admin workstations and jump hosts
        members:
          - cidr: 192.0.2.0/24
          - cidr: 192.0.2.66
            nomatch: true
            comment: kiosk, never an admin

- name: Exactly these sets at the datacenter, nothing else
  zonewarden.firewall.pve_ipsets:
    state: overridden
    config:
      - name: management
        members:
          - cidr: 192.0.2.0/24
      - name: backup_net
        members:
          - cidr: 198.51.100.0/28

- name: ipfilter sets for many guests in one task
  zonewarden.firewall.pve_ipsets:
    state: replaced
    guests:
      - vmid: 101
        config:
          - name: ipfilter-net0
            members: [{cidr: 10.10.0.11}]
      - vmid: 102
        config:
          - name: ipfilter-net0
            members: [{cidr: 10.10.0.12}]
'''

RETURN = r'''
before:
  description: The sets concerned before the run, in the shape of O(config) (all sets for V(overridden)).
  returned: when one target is managed and O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"name": "management", "comment": "", "members": [{"cidr": "192.0.2.0/24", "nomatch": false, "comment": ""}]}]
after:
  description: The same sets after the run, or as they would be in check mode.
  returned: when one target is managed and O(state) is not V(gathered)
  type: list
  elements: dict
commands:
  description: The API calls made, or planned in check mode, in order.
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"method": "POST", "path": "/cluster/firewall/ipset/management", "params": {"cidr": "192.0.2.0/24"}}]
results:
  description: One item per guest with vmid, node, type, changed, before, after and commands.
  returned: when O(guests) is used and O(state) is not V(gathered)
  type: list
  elements: dict
gathered:
  description: The sets in the shape of O(config), or with O(guests) one item per guest with its sets.
  returned: when O(state=gathered)
  type: list
  elements: dict
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._pve import ipsets
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.guests import keyed_collection_engine, keyed_collection_options
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.module import run


def main():
    run(keyed_collection_options(ipsets.IPSET_SPEC), keyed_collection_engine(ipsets), mutually_exclusive=[('config', 'guests')])


if __name__ == '__main__':
    main()
