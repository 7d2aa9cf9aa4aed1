#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: pve_aliases
short_description: Manage Proxmox VE firewall aliases at cluster or guest level
version_added: 0.1.0
description:
  - Manages the named addresses (aliases) of the datacenter or of guests that rules and IP sets refer to.
  - Names are case-insensitive, as in Proxmox VE; the spelling given is kept when an alias is created.
  - Addresses are compared the way Proxmox VE stores them (host bits kept, C(/32) and C(/128) dropped).
  - Under O(state=overridden) unlisted aliases are deleted, but one that rules or IP sets still reference is only
    deleted with O(force=true); otherwise the module fails before any write and names the references.
  - Many guests are handled in one task with O(guests), through a bounded pool of concurrent requests.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._pve
  - zonewarden.firewall._attributes.full
  - zonewarden.firewall._attributes.actiongroup_pve
options:
  level:
    description: Where the aliases live. Hosts and VNets use the datacenter's aliases.
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
      - V(merged) creates missing aliases and updates address and comment of listed ones; it never removes anything.
      - V(replaced) makes each listed alias exactly as given (an omitted comment is removed).
      - V(overridden) does what V(replaced) does and also deletes every alias that is not listed.
      - V(deleted) deletes the listed aliases (O(config[].cidr) may be omitted).
      - V(gathered) returns the aliases in the shape of O(config).
    type: str
    choices: [merged, replaced, overridden, deleted, gathered]
    default: merged
  config:
    description: The aliases of the single target selected by O(level), O(node) and O(vmid).
    type: list
    elements: dict
    suboptions:
      name:
        description: Alias name, 2 to 64 characters, case-insensitive.
        type: str
        required: true
      cidr:
        description: IP address or CIDR. Required unless O(state=deleted).
        type: str
      comment:
        description: Comment of the alias.
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
        description: The aliases of this guest, in the shape of O(config).
        type: list
        elements: dict
        suboptions:
          name:
            description: Alias name, 2 to 64 characters, case-insensitive.
            type: str
            required: true
          cidr:
            description: IP address or CIDR. Required unless O(state=deleted).
            type: str
          comment:
            description: Comment of the alias.
            type: str
  parallel:
    description: How many guests are worked on at the same time.
    type: int
    default: 8
  force:
    description: Delete aliases even when rules or IP sets still reference them.
    type: bool
    default: false
seealso:
  - module: zonewarden.firewall.pve_ipsets
  - module: zonewarden.firewall.pve_firewall_info
'''

EXAMPLES = r'''
- name: Networks the rules talk about
  zonewarden.firewall.pve_aliases:
    config:
      - name: mgmt_net
        cidr: 192.0.2.0/24
        comment: administrators
      - name: backup_server
        cidr: 198.51.100.20

- name: Remove an alias nobody uses any more
  zonewarden.firewall.pve_aliases:
    state: deleted
    config:
      - name: old_proxy
'''

RETURN = r'''
before:
  description: The aliases concerned before the run, in the shape of O(config) (all aliases for V(overridden)).
  returned: when one target is managed and O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"name": "mgmt_net", "cidr": "192.0.2.0/24", "comment": "administrators"}]
after:
  description: The same aliases after the run, or as they would be in check mode.
  returned: when one target is managed and O(state) is not V(gathered)
  type: list
  elements: dict
commands:
  description: The API calls made, or planned in check mode, in order.
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"method": "POST", "path": "/cluster/firewall/aliases", "params": {"name": "mgmt_net", "cidr": "192.0.2.0/24"}}]
results:
  description: One item per guest with vmid, node, type, changed, before, after and commands.
  returned: when O(guests) is used and O(state) is not V(gathered)
  type: list
  elements: dict
gathered:
  description: The aliases in the shape of O(config), or with O(guests) one item per guest with its aliases.
  returned: when O(state=gathered)
  type: list
  elements: dict
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._pve import aliases
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.guests import keyed_collection_engine, keyed_collection_options
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.module import run


def main():
    run(keyed_collection_options(aliases.ALIAS_SPEC), keyed_collection_engine(aliases), mutually_exclusive=[('config', 'guests')])


if __name__ == '__main__':
    main()
