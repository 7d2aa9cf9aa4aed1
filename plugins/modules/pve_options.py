#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: pve_options
short_description: Manage Proxmox VE firewall options at cluster, node, guest or VNet level
version_added: 0.1.0
description:
  - Sets the firewall options of one level of a Proxmox VE firewall, that is the datacenter (cluster), a node,
    a VM, a container or an SDN VNet.
  - Compares by effective value. Proxmox VE reads back only the options written in the file, so the module
    applies Proxmox's own defaults (for example guest O(config.policy_in=DROP), node O(config.enable=true))
    before it compares, and writes nothing when the effective value already matches.
  - With O(state=merged) only the options named in O(config) are changed; nothing else is touched, so running
    the module never switches the cluster firewall or the C(nftables) backend as a side effect.
  - Every write carries the digest just read; when somebody else changed the options in between, the module
    reads again, plans again once, and then fails with a clear message.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._pve
  - zonewarden.firewall._attributes.full
  - zonewarden.firewall._attributes.actiongroup_pve
options:
  level:
    description:
      - The firewall level whose options are managed.
    type: str
    choices: [cluster, node, vm, ct, vnet]
    default: cluster
  node:
    description:
      - Node name, required for O(level=node).
      - For O(level=vm) and O(level=ct) it is found with one cluster read when not given.
    type: str
  vmid:
    description:
      - Guest ID for O(level=vm) and O(level=ct).
    type: int
  vnet:
    description:
      - SDN VNet name for O(level=vnet) (Proxmox VE 8.3 and later).
    type: str
  state:
    description:
      - V(merged) sets the options named in O(config) and leaves every other option alone.
      - V(replaced) sets the options named in O(config) and resets every other option of the level to its
        Proxmox default (it removes it from the file with C(delete=)).
      - V(gathered) returns the options that are set, in the shape of O(config).
    type: str
    choices: [merged, replaced, gathered]
    default: merged
  config:
    description:
      - The options. Each is valid at the levels named in its description; naming one at another level is an error.
    type: dict
    suboptions:
      enable:
        description:
          - Firewall on or off. Levels cluster (default off), node (default on), vm/ct (default off) and vnet (default off).
        type: bool
      ebtables:
        description: Level cluster. Enable ebtables rules (default on).
        type: bool
      policy_in:
        description: Levels cluster and vm/ct. Policy for incoming traffic (default V(DROP)).
        type: str
      policy_out:
        description: Levels cluster and vm/ct. Policy for outgoing traffic (default V(ACCEPT)).
        type: str
      policy_forward:
        description: Levels cluster and vnet. Policy for forwarded traffic, V(ACCEPT) or V(DROP) (default V(ACCEPT); PVE 8.3+).
        type: str
      log_ratelimit:
        description: Level cluster. Log rate limit (default on, V(1/second), burst 5). Keys not given keep their current value.
        type: dict
        suboptions:
          enable:
            description: Rate limiting on or off.
            type: bool
          rate:
            description: Rate as C(<number>/second), C(/minute), C(/hour) or C(/day).
            type: str
          burst:
            description: Initial burst of packets that are always logged.
            type: int
      nosmurfs:
        description: Level node. Filter SMURFS (default on).
        type: bool
      tcpflags:
        description: Level node. Filter illegal TCP flag combinations (default off).
        type: bool
      ndp:
        description: Levels node and vm/ct. Allow NDP (default on).
        type: bool
      nf_conntrack_allow_invalid:
        description: Level node. Allow invalid packets on connection tracking (default off).
        type: bool
      nf_conntrack_max:
        description: Level node. Maximum number of tracked connections (default 262144, at least 32768).
        type: int
      nf_conntrack_tcp_timeout_established:
        description: Level node. Conntrack established timeout in seconds (default 432000, at least 7875).
        type: int
      nf_conntrack_tcp_timeout_syn_recv:
        description: Level node. Conntrack SYN_RECV timeout in seconds (default 60, 30 to 60).
        type: int
      nf_conntrack_helpers:
        description: Level node. Conntrack helpers to enable (default none).
        type: list
        elements: str
        choices: [amanda, ftp, irc, netbios-ns, pptp, sane, sip, snmp, tftp]
      protection_synflood:
        description: Level node. SYN flood protection (default off).
        type: bool
      protection_synflood_rate:
        description: Level node. SYN flood rate per second per source IP (default 200).
        type: int
      protection_synflood_burst:
        description: Level node. SYN flood burst per source IP (default 1000).
        type: int
      log_nf_conntrack:
        description: Level node. Log connection tracking (default off).
        type: bool
      nftables:
        description: Level node. Use the nftables based C(proxmox-firewall) backend (default off; PVE 8.2+).
        type: bool
      log_level_in:
        description: Levels node and vm/ct. Log level for incoming traffic (default V(nolog)).
        type: str
      log_level_out:
        description: Levels node and vm/ct. Log level for outgoing traffic (default V(nolog)).
        type: str
      log_level_forward:
        description: Levels node and vnet. Log level for forwarded traffic (default V(nolog); PVE 8.3+).
        type: str
      tcp_flags_log_level:
        description: Level node. Log level for illegal TCP flags filter (default V(nolog)).
        type: str
      smurf_log_level:
        description: Level node. Log level for the SMURFS filter (default V(nolog)).
        type: str
      dhcp:
        description: Level vm/ct. Allow DHCP (effectively on unless set to false).
        type: bool
      macfilter:
        description: Level vm/ct. MAC address filter (default on).
        type: bool
      radv:
        description: Level vm/ct. Allow sending router advertisements (default off).
        type: bool
      ipfilter:
        description: Level vm/ct. Filter source addresses by the C(ipfilter-net<N>) IP sets (default off).
        type: bool
  guests:
    description:
      - Options of many guests in one task, each with its own O(guests[].config). Overrides O(level), O(node) and O(vmid).
      - All guests are located with one cluster read and worked through by a bounded pool of concurrent requests.
    type: list
    elements: dict
    suboptions:
      vmid:
        description: Guest ID.
        type: int
        required: true
      node:
        description: Node of the guest; found with the one cluster read when not given.
        type: str
      type:
        description: V(vm) or V(ct); found with the same read when not given.
        type: str
        choices: [vm, ct]
      config:
        description: The guest's firewall options.
        type: dict
        suboptions:
          enable:
            description: Guest firewall on or off (default off).
            type: bool
          dhcp:
            description: Allow DHCP (effectively on unless set to false).
            type: bool
          macfilter:
            description: MAC address filter (default on).
            type: bool
          ndp:
            description: Allow NDP (default on).
            type: bool
          radv:
            description: Allow sending router advertisements (default off).
            type: bool
          ipfilter:
            description: Filter source addresses by the C(ipfilter-net<N>) IP sets (default off).
            type: bool
          policy_in:
            description: Policy for incoming traffic (default V(DROP)).
            type: str
          policy_out:
            description: Policy for outgoing traffic (default V(ACCEPT)).
            type: str
          log_level_in:
            description: Log level for incoming traffic (default V(nolog)).
            type: str
          log_level_out:
            description: Log level for outgoing traffic (default V(nolog)).
            type: str
  nodes:
    description:
      - Options of many nodes in one task, each with its own O(nodes[].config). Overrides O(level) and O(node).
      - The node names are checked with one read of the node list before anything is written.
    type: list
    elements: dict
    suboptions:
      node:
        description: Node name.
        type: str
        required: true
      config:
        description: The node's firewall options.
        type: dict
        suboptions:
          enable:
            description: Node firewall on or off (default on).
            type: bool
          nosmurfs:
            description: Filter SMURFS (default on).
            type: bool
          tcpflags:
            description: Filter illegal TCP flag combinations (default off).
            type: bool
          ndp:
            description: Allow NDP (default on).
            type: bool
          nf_conntrack_allow_invalid:
            description: Allow invalid packets on connection tracking (default off).
            type: bool
          nf_conntrack_max:
            description: Maximum number of tracked connections (default 262144, at least 32768).
            type: int
          nf_conntrack_tcp_timeout_established:
            description: Conntrack established timeout in seconds (default 432000, at least 7875).
            type: int
          nf_conntrack_tcp_timeout_syn_recv:
            description: Conntrack SYN_RECV timeout in seconds (default 60, 30 to 60).
            type: int
          nf_conntrack_helpers:
            description: Conntrack helpers to enable (default none).
            type: list
            elements: str
            choices: [amanda, ftp, irc, netbios-ns, pptp, sane, sip, snmp, tftp]
          protection_synflood:
            description: SYN flood protection (default off).
            type: bool
          protection_synflood_rate:
            description: SYN flood rate per second per source IP (default 200).
            type: int
          protection_synflood_burst:
            description: SYN flood burst per source IP (default 1000).
            type: int
          log_nf_conntrack:
            description: Log connection tracking (default off).
            type: bool
          nftables:
            description: Use the nftables based C(proxmox-firewall) backend (default off; PVE 8.2+).
            type: bool
          log_level_in:
            description: Log level for incoming traffic (default V(nolog)).
            type: str
          log_level_out:
            description: Log level for outgoing traffic (default V(nolog)).
            type: str
          log_level_forward:
            description: Log level for forwarded traffic (default V(nolog); PVE 8.3+).
            type: str
          tcp_flags_log_level:
            description: Log level for illegal TCP flags filter (default V(nolog)).
            type: str
          smurf_log_level:
            description: Log level for the SMURFS filter (default V(nolog)).
            type: str
  vnets:
    description:
      - Options of many SDN VNets in one task, each with its own O(vnets[].config). Overrides O(level) and O(vnet).
      - Needs Proxmox VE 8.3 or later; the VNet names are checked with one read before anything is written.
    type: list
    elements: dict
    suboptions:
      vnet:
        description: VNet name.
        type: str
        required: true
      config:
        description: The VNet's firewall options.
        type: dict
        suboptions:
          enable:
            description: VNet firewall on or off (default off).
            type: bool
          policy_forward:
            description: Policy for forwarded traffic, V(ACCEPT) or V(DROP) (default V(ACCEPT); PVE 8.3+).
            type: str
          log_level_forward:
            description: Log level for forwarded traffic (default V(nolog); PVE 8.3+).
            type: str
  confirm_enable:
    description:
      - Switch the cluster firewall on the safe way when this run turns it on (O(level=cluster), O(config.enable=true)
        while it is off).
      - The module writes C(enable) as a value above 1, which Proxmox VE applies at once but treats as off again
        after 60 seconds. It then checks that the API still answers a B(new) connection from this controller and
        confirms with C(enable=1). When the check fails, the module fails and the firewall switches itself off within
        60 seconds, so a policy that locks the controller out cannot stay in force.
      - Has no effect when the firewall is already on or another option is changed.
    type: bool
    default: false
  confirm_wait:
    description:
      - Seconds to wait after the switch before the new connection is tried, so the new ruleset is in force when it is.
      - The confirmation is sent only when the check succeeds within 45 seconds of the switch.
    type: float
    default: 2.0
  parallel:
    description: How many guests, nodes or VNets are worked on at the same time.
    type: int
    default: 8
seealso:
  - module: zonewarden.firewall.pve_firewall_info
'''

EXAMPLES = r'''
- name: Default-deny inbound on the datacenter, leave everything else as it is
  zonewarden.firewall.pve_options:
    api_host: pve1.example.org
    api_user: root@pam
    api_token_id: automation
    api_token_secret: "{{ vault_pve_token }}"
    ca_path: /etc/pki/pve-root-ca.pem
    config:
      policy_in: DROP
      policy_out: ACCEPT

- name: Guest 101 exactly as declared, everything else back to Proxmox defaults
  zonewarden.firewall.pve_options:
    level: vm
    vmid: 101
    state: replaced
    config:
      enable: true
      policy_in: DROP
      ipfilter: true

- name: Default-deny for a whole tier in one task
  zonewarden.firewall.pve_options:
    guests:
      - vmid: 101
        config: {enable: true, policy_in: DROP, ipfilter: true}
      - vmid: 102
        config: {enable: true, policy_in: DROP, ipfilter: true}

- name: Conntrack limits and log levels on every node in one task
  zonewarden.firewall.pve_options:
    nodes:
      - node: pve1
        config: {nf_conntrack_max: 524288, log_level_in: info}
      - node: pve2
        config: {nf_conntrack_max: 524288, log_level_in: info}

- name: Firewall on for two SDN VNets, forwarding dropped unless a rule allows it
  zonewarden.firewall.pve_options:
    vnets:
      - vnet: vnet10
        config: {enable: true, policy_forward: DROP}
      - vnet: vnet20
        config: {enable: true, policy_forward: DROP}

- name: Turn the datacenter firewall on; Proxmox VE turns it off again unless this controller can still connect
  zonewarden.firewall.pve_options:
    confirm_enable: true
    config:
      enable: true
      policy_in: DROP

- name: Read the options of node pve1
  zonewarden.firewall.pve_options:
    level: node
    node: pve1
    state: gathered
  register: node_options
'''

RETURN = r'''
before:
  description: The options that were set before the run (module shape; options not in the file are not listed).
  returned: when O(state) is V(merged) or V(replaced)
  type: dict
  sample: {"policy_in": "ACCEPT"}
after:
  description: The options set after the run, or that would be set in check mode.
  returned: when O(state) is V(merged) or V(replaced)
  type: dict
  sample: {"policy_in": "DROP", "enable": true}
commands:
  description: The API calls made, or planned in check mode.
  returned: when O(state) is V(merged) or V(replaced)
  type: list
  elements: dict
  sample: [{"method": "PUT", "path": "/cluster/firewall/options", "params": {"policy_in": "DROP"}}]
confirmed:
  description: True when the cluster firewall was switched on with O(confirm_enable) and the switch was confirmed.
  returned: when O(confirm_enable) switched the cluster firewall on
  type: bool
  sample: true
results:
  description:
    - With O(guests), one item per guest with vmid, node, type, changed, before, after and commands.
    - With O(nodes) or O(vnets), one item per node or VNet with node or vnet, changed, before, after and commands.
  returned: when O(guests), O(nodes) or O(vnets) is used and O(state) is V(merged) or V(replaced)
  type: list
  elements: dict
gathered:
  description: The options that are set, in the shape of O(config) (with O(guests), O(nodes) or O(vnets), a list with one item per target).
  returned: when O(state=gathered)
  type: raw
  sample: {"enable": true, "policy_in": "DROP"}
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.guests import guest_list_option, node_list_option, vnet_list_option
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.module import run
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.options import FIELDS, GUEST_FIELDS, options_argspec, run_options
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.targets import TARGET_OPTIONS


def main():
    options = dict(TARGET_OPTIONS)
    options.update(
        state=dict(type='str', choices=['merged', 'replaced', 'gathered'], default='merged'),
        config=dict(type='dict', options=options_argspec()),
        guests=guest_list_option(dict(type='dict', options=options_argspec(GUEST_FIELDS))),
        nodes=node_list_option(dict(type='dict', options=options_argspec(FIELDS['node']))),
        vnets=vnet_list_option(dict(type='dict', options=options_argspec(FIELDS['vnet']))),
        confirm_enable=dict(type='bool', default=False),
        confirm_wait=dict(type='float', default=2.0),
        parallel=dict(type='int', default=8),
    )
    selectors = ['config', 'guests', 'nodes', 'vnets']
    run(options, run_options, mutually_exclusive=[selectors],
        required_if=[('state', 'merged', selectors, True), ('state', 'replaced', selectors, True)])


if __name__ == '__main__':
    main()
