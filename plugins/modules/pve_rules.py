#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: pve_rules
short_description: Manage ordered Proxmox VE firewall rules by identity, at every level
version_added: 0.1.0
description:
  - Manages the rule list of one firewall level (datacenter, node, VM, container, security group or SDN VNet),
    or of many guests in one task.
  - A rule is identified by what it matches and does (type, action or group, macro, protocol, source, destination,
    ports, interface, ICMP type), compared after normalisation (macro spelling, protocol names and numbers, port lists
    and ranges, addresses, IP set and alias references). Comment, enable and log are attributes changed in place with
    one update; positions are never used as identity and no markers are written into comments.
  - O(state=overridden) makes the list equal O(config) in order with few calls (the longest common ordered
    subsequence stays in place). The order of calls keeps allowed every packet that both the old and the new list
    allow, at every step of the run; when that costs an extra call (a rule placed disabled, then enabled), it is spent.
  - Every guarded call carries the list digest read just before it, and checks that the list is as this run left it;
    a conflict reads and plans again once, then fails.
  - Input is validated completely (per-level rule types, interfaces, ports, ICMP types, addresses, macros, and that the
    IP sets, aliases and security groups named exist) before the first write.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._pve
  - zonewarden.firewall._attributes.full
  - zonewarden.firewall._attributes.actiongroup_pve
options:
  level:
    description: The rule list to manage.
    type: str
    choices: [cluster, node, vm, ct, group, vnet]
    default: cluster
  node:
    description: Node for O(level=node); for O(level=vm) and O(level=ct) found with one cluster read when not given.
    type: str
  vmid:
    description: Guest ID for O(level=vm) and O(level=ct).
    type: int
  vnet:
    description: SDN VNet for O(level=vnet) (Proxmox VE 8.3 and later).
    type: str
  group:
    description: Security group for O(level=group); it must exist (see M(zonewarden.firewall.pve_security_groups)).
    type: str
  state:
    description:
      - V(merged) adds missing rules and updates attributes of listed ones; nothing is removed or reordered.
        A new rule goes right after the listed rule before it, otherwise at O(position).
      - V(replaced) makes the listed rules exactly as given, in their listed order; unlisted rules stay.
      - V(overridden) makes the whole list equal O(config), order included (nightly enforcement).
      - V(deleted) removes every rule with the identity of a listed one.
      - V(gathered) returns the rules in the shape of O(config).
      - V(rendered) returns O(config) as the text of a C(.fw) C([RULES]) section, offline.
      - V(parsed) turns O(running_config) (the text of a C([RULES]) section) into the shape of O(config), offline.
    type: str
    choices: [merged, replaced, overridden, deleted, gathered, rendered, parsed]
    default: merged
  position:
    description: Where O(state=merged) and O(state=replaced) put a new rule that has no listed neighbour already present.
    type: str
    choices: [top, bottom]
    default: bottom
  config:
    description: The rules, in order.
    type: list
    elements: dict
    suboptions:
      type:
        description: Direction, or V(group) to insert a security group. V(forward) needs Proxmox VE 8.3 and the nftables backend.
        type: str
        required: true
        choices: [in, out, forward, group]
      action:
        description: V(ACCEPT), V(DROP), V(REJECT), or the security group name when O(config[].type=group).
        type: str
        required: true
      macro:
        description: A Proxmox firewall macro such as V(SSH) or V(HTTPS); any spelling, stored canonically.
        type: str
      proto:
        description: Protocol name or number (V(tcp), V(udp), V(icmp), V(6), ...).
        type: str
      source:
        description: Source address, CIDR, range, comma list, alias (V(dc/name)) or IP set (V(+name), V(+dc/name), V(+guest/name)).
        type: str
      dest:
        description: Destination, in the same forms as O(config[].source).
        type: str
      sport:
        description: Source ports, a comma list of ports, V(N:M) ranges or service names (at most 15 ports).
        type: str
      dport:
        description: Destination ports, in the same forms as O(config[].sport).
        type: str
      iface:
        description: Interface the rule is bound to; V(netN) at guest level; not allowed in groups and VNets.
        type: str
      icmp_type:
        description: ICMP type name or number; needs O(config[].proto) V(icmp) or V(ipv6-icmp) and no O(config[].dport).
        type: str
      log:
        description: Log level of the rule (default V(nolog)).
        type: str
        choices: [emerg, alert, crit, err, warning, notice, info, debug, nolog]
      enable:
        description: Whether the rule is active. Sent explicitly, because Proxmox VE creates rules disabled otherwise.
        type: bool
        default: true
      comment:
        description: Free text. Not part of the rule's identity; a change is one update in place.
        type: str
  running_config:
    description: Text of a C([RULES]) section for O(state=parsed).
    type: str
  guests:
    description: Many guests in one task, each with its own rule list. Overrides O(level), O(node) and O(vmid).
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
        description: The rules of this guest, in the shape of O(config).
        type: list
        elements: dict
        suboptions:
          type:
            description: Direction, or V(group) to insert a security group. V(forward) needs Proxmox VE 8.3 and the nftables backend.
            type: str
            required: true
            choices: [in, out, forward, group]
          action:
            description: V(ACCEPT), V(DROP), V(REJECT), or the security group name when O(config[].type=group).
            type: str
            required: true
          macro:
            description: A Proxmox firewall macro such as V(SSH) or V(HTTPS); any spelling, stored canonically.
            type: str
          proto:
            description: Protocol name or number (V(tcp), V(udp), V(icmp), V(6), ...).
            type: str
          source:
            description: Source address, CIDR, range, comma list, alias (V(dc/name)) or IP set (V(+name), V(+dc/name), V(+guest/name)).
            type: str
          dest:
            description: Destination, in the same forms as O(config[].source).
            type: str
          sport:
            description: Source ports, a comma list of ports, V(N:M) ranges or service names (at most 15 ports).
            type: str
          dport:
            description: Destination ports, in the same forms as O(config[].sport).
            type: str
          iface:
            description: Interface the rule is bound to; V(netN) at guest level; not allowed in groups and VNets.
            type: str
          icmp_type:
            description: ICMP type name or number; needs O(config[].proto) V(icmp) or V(ipv6-icmp) and no O(config[].dport).
            type: str
          log:
            description: Log level of the rule (default V(nolog)).
            type: str
            choices: [emerg, alert, crit, err, warning, notice, info, debug, nolog]
          enable:
            description: Whether the rule is active. Sent explicitly, because Proxmox VE creates rules disabled otherwise.
            type: bool
            default: true
          comment:
            description: Free text. Not part of the rule's identity; a change is one update in place.
            type: str
  nodes:
    description:
      - Many nodes in one task, each with its own rule list. Overrides O(level) and O(node).
      - The node names are checked with one read of the node list before anything is written.
    type: list
    elements: dict
    suboptions:
      node:
        description: Node name.
        type: str
        required: true
      config:
        description: The rules of this node, in the shape of O(config).
        type: list
        elements: dict
        suboptions:
          type:
            description: Direction, or V(group) to insert a security group. V(forward) needs Proxmox VE 8.3 and the nftables backend.
            type: str
            required: true
            choices: [in, out, forward, group]
          action:
            description: V(ACCEPT), V(DROP), V(REJECT), or the security group name when O(config[].type=group).
            type: str
            required: true
          macro:
            description: A Proxmox firewall macro such as V(SSH) or V(HTTPS); any spelling, stored canonically.
            type: str
          proto:
            description: Protocol name or number (V(tcp), V(udp), V(icmp), V(6), ...).
            type: str
          source:
            description: Source address, CIDR, range, comma list, alias (V(dc/name)) or IP set (V(+name), V(+dc/name), V(+guest/name)).
            type: str
          dest:
            description: Destination, in the same forms as O(config[].source).
            type: str
          sport:
            description: Source ports, a comma list of ports, V(N:M) ranges or service names (at most 15 ports).
            type: str
          dport:
            description: Destination ports, in the same forms as O(config[].sport).
            type: str
          iface:
            description: Interface the rule is bound to; V(netN) at guest level; not allowed in groups and VNets.
            type: str
          icmp_type:
            description: ICMP type name or number; needs O(config[].proto) V(icmp) or V(ipv6-icmp) and no O(config[].dport).
            type: str
          log:
            description: Log level of the rule (default V(nolog)).
            type: str
            choices: [emerg, alert, crit, err, warning, notice, info, debug, nolog]
          enable:
            description: Whether the rule is active. Sent explicitly, because Proxmox VE creates rules disabled otherwise.
            type: bool
            default: true
          comment:
            description: Free text. Not part of the rule's identity; a change is one update in place.
            type: str
  vnets:
    description:
      - Many SDN VNets in one task, each with its own rule list (forward rules). Overrides O(level) and O(vnet).
      - Needs Proxmox VE 8.3 or later; the VNet names are checked with one read before anything is written.
    type: list
    elements: dict
    suboptions:
      vnet:
        description: VNet name.
        type: str
        required: true
      config:
        description: The rules of this VNet, in the shape of O(config).
        type: list
        elements: dict
        suboptions:
          type:
            description: Direction, or V(group) to insert a security group. V(forward) needs Proxmox VE 8.3 and the nftables backend.
            type: str
            required: true
            choices: [in, out, forward, group]
          action:
            description: V(ACCEPT), V(DROP), V(REJECT), or the security group name when O(config[].type=group).
            type: str
            required: true
          macro:
            description: A Proxmox firewall macro such as V(SSH) or V(HTTPS); any spelling, stored canonically.
            type: str
          proto:
            description: Protocol name or number (V(tcp), V(udp), V(icmp), V(6), ...).
            type: str
          source:
            description: Source address, CIDR, range, comma list, alias (V(dc/name)) or IP set (V(+name), V(+dc/name), V(+guest/name)).
            type: str
          dest:
            description: Destination, in the same forms as O(config[].source).
            type: str
          sport:
            description: Source ports, a comma list of ports, V(N:M) ranges or service names (at most 15 ports).
            type: str
          dport:
            description: Destination ports, in the same forms as O(config[].sport).
            type: str
          iface:
            description: Interface the rule is bound to; V(netN) at guest level; not allowed in groups and VNets.
            type: str
          icmp_type:
            description: ICMP type name or number; needs O(config[].proto) V(icmp) or V(ipv6-icmp) and no O(config[].dport).
            type: str
          log:
            description: Log level of the rule (default V(nolog)).
            type: str
            choices: [emerg, alert, crit, err, warning, notice, info, debug, nolog]
          enable:
            description: Whether the rule is active. Sent explicitly, because Proxmox VE creates rules disabled otherwise.
            type: bool
            default: true
          comment:
            description: Free text. Not part of the rule's identity; a change is one update in place.
            type: str
  parallel:
    description: How many guests, nodes or VNets are worked on at the same time.
    type: int
    default: 8
seealso:
  - module: zonewarden.firewall.pve_security_groups
  - module: zonewarden.firewall.pve_options
  - module: zonewarden.firewall.pve_firewall_info
'''

EXAMPLES = r'''
- name: Datacenter rules, exactly these and in this order
  zonewarden.firewall.pve_rules:
    state: overridden
    config:
      - {type: in, action: ACCEPT, macro: SSH, source: +management, comment: admins}
      - {type: in, action: ACCEPT, proto: udp, dport: "5404:5405", source: +corosync, comment: cluster traffic}
      - {type: group, action: storage}

- name: One more rule on a node, right after the SSH rule if that exists, else at the bottom
  zonewarden.firewall.pve_rules:
    level: node
    node: pve1
    config:
      - {type: in, action: ACCEPT, macro: SSH, source: +management}
      - {type: in, action: ACCEPT, proto: tcp, dport: "5900:5999", source: +management, comment: consoles}

- name: Tier membership of many guests in one task
  zonewarden.firewall.pve_rules:
    state: overridden
    guests:
      - vmid: 101
        config: [{type: group, action: web, iface: net0}]
      - vmid: 111
        config: [{type: group, action: app, iface: net0}]

- name: Console and SPICE ports from management on every node in one task
  zonewarden.firewall.pve_rules:
    nodes:
      - node: pve1
        config: [{type: in, action: ACCEPT, proto: tcp, dport: "5900:5999,3128", source: +management, comment: consoles}]
      - node: pve2
        config: [{type: in, action: ACCEPT, proto: tcp, dport: "5900:5999,3128", source: +management, comment: consoles}]

- name: Show what a rule list looks like in cluster.fw
  zonewarden.firewall.pve_rules:
    state: rendered
    config:
      - {type: in, action: ACCEPT, macro: HTTPS}
  register: rules_text
'''

RETURN = r'''
before:
  description: The rule list before the run, in the shape of O(config).
  returned: when one list is managed and O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: dict
  sample: [{"type": "in", "action": "ACCEPT", "macro": "SSH", "source": "+management", "enable": true}]
after:
  description: The rule list after the run, or as it would be in check mode.
  returned: when one list is managed and O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: dict
commands:
  description: The API calls made, or planned in check mode, in order (positions as they are when the call runs).
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: dict
  sample: [{"method": "POST", "path": "/cluster/firewall/rules", "params": {"type": "in", "action": "ACCEPT", "macro": "SSH", "enable": 1}},
           {"method": "PUT", "path": "/cluster/firewall/rules/0", "params": {"moveto": 3}}]
results:
  description:
    - With O(guests), one item per guest with vmid, node, type, changed, before, after and commands.
    - With O(nodes) or O(vnets), one item per node or VNet with node or vnet, changed, before, after and commands.
  returned: when O(guests), O(nodes) or O(vnets) is used and O(state) changes rules
  type: list
  elements: dict
gathered:
  description: The rules in the shape of O(config) (with O(guests), O(nodes) or O(vnets), one item per target).
  returned: when O(state=gathered)
  type: list
  elements: dict
rendered:
  description: The C([RULES]) section text of O(config).
  returned: when O(state=rendered)
  type: str
  sample: "[RULES]\n\nIN HTTPS(ACCEPT)\n"
parsed:
  description: O(running_config) in the shape of O(config).
  returned: when O(state=parsed)
  type: list
  elements: dict
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._pve import rulelists
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.guests import guest_list_option, node_list_option, vnet_list_option
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.module import run
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.rules_module import run_rules
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.targets import TARGET_OPTIONS


def main():
    options = dict(TARGET_OPTIONS)
    options.update(
        level=dict(type='str', choices=['cluster', 'node', 'vm', 'ct', 'group', 'vnet'], default='cluster'),
        group=dict(type='str'),
        state=dict(type='str', choices=list(rulelists.STATES), default='merged'),
        position=dict(type='str', choices=['top', 'bottom'], default='bottom'),
        config=rulelists.RULES_SPEC,
        running_config=dict(type='str'),
        guests=guest_list_option(rulelists.RULES_SPEC),
        nodes=node_list_option(rulelists.RULES_SPEC),
        vnets=vnet_list_option(rulelists.RULES_SPEC),
        parallel=dict(type='int', default=8),
    )
    run(options, run_rules, offline_states=('rendered', 'parsed'), mutually_exclusive=[('config', 'guests', 'nodes', 'vnets')],
        required_if=[('state', 'parsed', ['running_config']), ('state', 'rendered', ['config'])])


if __name__ == '__main__':
    main()
