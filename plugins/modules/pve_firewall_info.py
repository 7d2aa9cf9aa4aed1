#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: pve_firewall_info
short_description: Read the whole Proxmox VE firewall state in one task
version_added: 0.1.0
description:
  - Reads the firewall of a Proxmox VE cluster at every level, with one API read per collection, that is
    datacenter options, rules, aliases, IP sets and security groups; node options and rules; guest options,
    rules, aliases, IP sets and NIC firewall flags; SDN VNet options and rules.
  - The output uses the same shapes the resource modules take as O(ignore:config) (rules, IP sets, aliases, security
    groups, options), so it can be stored and fed back to them with V(overridden) without any change, or given to the
    reachability checks.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._pve
  - zonewarden.firewall._attributes
  - zonewarden.firewall._attributes.info_module
  - zonewarden.firewall._attributes.actiongroup_pve
options:
  gather:
    description:
      - Which parts to read.
    type: list
    elements: str
    choices: [cluster, nodes, guests, vnets]
    default: [cluster, nodes, guests, vnets]
  nodes:
    description:
      - Only these nodes. Default is every node of the cluster.
    type: list
    elements: str
  vmids:
    description:
      - Only these guests. Default is every VM and container of the cluster (templates excluded).
    type: list
    elements: int
  tags:
    description:
      - Only guests that carry at least one of these Proxmox tags (for example V(tier-web)).
    type: list
    elements: str
  guest_details:
    description:
      - Read each guest's firewall (options, rules, aliases, IP sets) and NICs.
      - With V(false) only the one cluster read is made, which lists every guest with vmid, type, node, name, status
        and tags; roles use it to discover guests by tag.
    type: bool
    default: true
  include_nics:
    description:
      - Also read each guest's config for the C(firewall) flag of its NICs (one extra read per guest).
    type: bool
    default: true
seealso:
  - module: zonewarden.firewall.pve_options
'''

EXAMPLES = r'''
- name: Snapshot the firewall before a change
  zonewarden.firewall.pve_firewall_info:
    api_host: pve1.example.org
    api_user: root@pam
    api_token_id: automation
    api_token_secret: "{{ vault_pve_token }}"
  register: firewall_before

- name: Only the datacenter level
  zonewarden.firewall.pve_firewall_info:
    gather: [cluster]
  register: datacenter
'''

RETURN = r'''
firewall:
  description: The firewall state, by level.
  returned: always
  type: dict
  contains:
    cluster:
      description: Datacenter options, rules, aliases, IP sets (with entries) and security groups (with rules).
      returned: when V(cluster) is in O(gather)
      type: dict
    nodes:
      description: One item per node with its options and rules.
      returned: when V(nodes) is in O(gather)
      type: list
      elements: dict
    guests:
      description: One item per guest with vmid, type, node, name, status, tags, options, rules, aliases, IP sets and NICs.
      returned: when V(guests) is in O(gather)
      type: list
      elements: dict
    vnets:
      description: One item per SDN VNet with its options and rules (empty before PVE 8.3).
      returned: when V(vnets) is in O(gather)
      type: list
      elements: dict
  sample:
    cluster:
      options: {"enable": true, "policy_in": "DROP"}
      rules: [{"type": "in", "action": "ACCEPT", "macro": "SSH", "enable": true}]
      aliases: []
      ipsets: [{"name": "management", "comment": "", "members": [{"cidr": "192.0.2.0/24", "nomatch": false, "comment": ""}]}]
      groups: []
api_reads:
  description: How many API reads the module made.
  returned: always
  type: int
  sample: 14
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.gather import gather
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.module import run


def engine(module, client):
    params = module.params
    state = gather(client, params['gather'], nodes=params.get('nodes'), vmids=params.get('vmids'),
                   include_nics=params['include_nics'], tags=params.get('tags'), guest_details=params['guest_details'])
    return dict(changed=False, firewall=state, api_reads=client.reads)


def main():
    run(dict(
        gather=dict(type='list', elements='str', choices=['cluster', 'nodes', 'guests', 'vnets'],
                    default=['cluster', 'nodes', 'guests', 'vnets']),
        nodes=dict(type='list', elements='str'),
        vmids=dict(type='list', elements='int'),
        tags=dict(type='list', elements='str'),
        include_nics=dict(type='bool', default=True),
        guest_details=dict(type='bool', default=True),
    ), engine)


if __name__ == '__main__':
    main()
