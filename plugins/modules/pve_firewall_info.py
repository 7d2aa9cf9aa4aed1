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
    datacenter options, rules, aliases, IP sets and security groups; node options and rules; per guest the parts
    chosen with O(guest_parts) (options, rules, aliases, IP sets, NIC firewall flags, static addresses); SDN VNet
    options and rules.
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
      - Read each guest's parts (see O(guest_parts)).
      - With V(false) only the one cluster read is made, which lists every guest with vmid, type, node, name, status
        and tags; roles use it to discover guests by tag. O(guest_parts) and O(include_nics) are then ignored.
    type: bool
    default: true
  guest_parts:
    description:
      - What to read for each guest, each part with its own API reads, so a task asks only for what it uses.
      - V(options), V(rules) and V(aliases) cost one read each, V(ipsets) one read for the list plus one per set.
      - V(nics) (the C(netN) strings with their C(firewall) flag, bridge and VLAN tag) and V(addresses) both come from
        the guest config, which is read once when either or both are asked for.
      - V(addresses) are the static addresses the config declares, without asking the guest agent, so stopped guests
        have them too. For a VM they come from cloud-init, C(ipconfigN) for NIC C(netN) (C(ip=) and C(ip6=)); for a
        container from C(ip=) and C(ip6=) in the C(netN) string itself. C(dhcp), C(auto) and C(manual) give no
        address. A value that is not an address with its prefix length, an address of the wrong family, or an
        C(ipconfigN) without its C(netN) is skipped with a warning.
      - A part that is not read is absent from each guest's item (not empty), so a consumer can tell "not read" from
        "nothing there".
      - When not set, V(options), V(rules), V(ipsets) and V(aliases) are read, plus V(nics) unless O(include_nics) is
        V(false); this is the behaviour from before this option existed.
    type: list
    elements: str
    choices: [options, rules, ipsets, aliases, nics, addresses]
  include_nics:
    description:
      - Read each guest's config for the C(firewall) flag of its NICs (one extra read per guest), that is the part
        V(nics) of O(guest_parts).
      - When O(guest_parts) is not set, the NICs are read unless this is V(false).
      - When O(guest_parts) is set, V(true) adds V(nics) to it, and V(false) together with V(nics) in O(guest_parts)
        is an error.
    type: bool
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

- name: The web tier's NICs, IP sets and configured addresses (two reads per guest plus one per IP set)
  zonewarden.firewall.pve_firewall_info:
    gather: [guests]
    tags: [tier-web]
    guest_parts: [ipsets, nics, addresses]
  register: web_tier

- name: Every configured IPv4 address of the web tier
  ansible.builtin.debug:
    msg: "{{ web_tier.firewall.guests | map(attribute='addresses') | flatten | selectattr('family', 'eq', 4) | map(attribute='address') }}"
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
      description:
        - One item per guest with its summary and the parts read (O(guest_parts)); a part that was not read is
          absent.
      returned: when V(guests) is in O(gather)
      type: list
      elements: dict
      contains:
        vmid:
          description: The guest ID.
          type: int
          returned: always
        type:
          description: V(vm) or V(ct).
          type: str
          returned: always
        node:
          description: The node the guest is on.
          type: str
          returned: always
        name:
          description: The guest name.
          type: str
          returned: always
        status:
          description: The guest status, for example V(running).
          type: str
          returned: always
        tags:
          description: The guest's Proxmox tags, sorted.
          type: list
          elements: str
          returned: always
        options:
          description: The guest's firewall options, in the shape M(zonewarden.firewall.pve_options) takes.
          type: dict
          returned: when V(options) is read
        rules:
          description: The guest's firewall rules, in the shape M(zonewarden.firewall.pve_rules) takes.
          type: list
          elements: dict
          returned: when V(rules) is read
        aliases:
          description: The guest's aliases, in the shape M(zonewarden.firewall.pve_aliases) takes.
          type: list
          elements: dict
          returned: when V(aliases) is read
        ipsets:
          description: The guest's IP sets with their members, in the shape M(zonewarden.firewall.pve_ipsets) takes.
          type: list
          elements: dict
          returned: when V(ipsets) is read
        nics:
          description:
            - The guest's NICs by name (V(net0), ...), each with C(raw) (the whole C(netN) string), C(bridge),
              C(firewall) (bool) and C(tag).
          type: dict
          returned: when V(nics) is read
        addresses:
          description: The static addresses the guest config declares, in NIC order, IPv4 before IPv6.
          type: list
          elements: dict
          returned: when V(addresses) is read
          contains:
            nic:
              description: The NIC the address belongs to, for example V(net0).
              type: str
              returned: always
            source:
              description: The config key it was read from, V(ipconfigN) for a VM, V(netN) for a container.
              type: str
              returned: always
            family:
              description: V(4) or V(6).
              type: int
              returned: always
            address:
              description: The address alone, IPv6 compressed.
              type: str
              returned: always
            cidr:
              description: The address with its prefix length, as the interface has it.
              type: str
              returned: always
            network:
              description: The network the address is in.
              type: str
              returned: always
          sample:
            - {"nic": "net0", "source": "ipconfig0", "family": 4, "address": "192.0.2.10", "cidr": "192.0.2.10/24",
               "network": "192.0.2.0/24"}
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

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.gather import GUEST_PARTS, gather, resolve_guest_parts
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.addresses import HAS_NETADDR, NETADDR_IMPORT_ERROR
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.module import run


def engine(module, client):
    params = module.params
    guest_parts = None
    if 'guests' in params['gather'] and params['guest_details']:
        guest_parts = resolve_guest_parts(params['guest_parts'], params['include_nics'])
        if 'addresses' in guest_parts and not HAS_NETADDR:
            module.fail_json(msg=missing_required_lib('netaddr'), exception=NETADDR_IMPORT_ERROR)
    warnings = []
    state = gather(client, params['gather'], nodes=params.get('nodes'), vmids=params.get('vmids'), tags=params.get('tags'),
                   guest_details=params['guest_details'], guest_parts=guest_parts, warnings=warnings)
    for warning in warnings:
        module.warn(warning)
    return dict(changed=False, firewall=state, api_reads=client.reads)


def main():
    run(dict(
        gather=dict(type='list', elements='str', choices=['cluster', 'nodes', 'guests', 'vnets'],
                    default=['cluster', 'nodes', 'guests', 'vnets']),
        nodes=dict(type='list', elements='str'),
        vmids=dict(type='list', elements='int'),
        tags=dict(type='list', elements='str'),
        include_nics=dict(type='bool'),
        guest_details=dict(type='bool', default=True),
        guest_parts=dict(type='list', elements='str', choices=list(GUEST_PARTS)),
    ), engine)


if __name__ == '__main__':
    main()
