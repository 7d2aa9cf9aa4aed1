#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: pve_security_groups
short_description: Manage Proxmox VE firewall security groups and their rules
version_added: 0.1.0
description:
  - Manages the datacenter's security groups (for example one per tier, V(web), V(app), V(db)) with their comment and
    ordered rules. The rules go through the same engine as M(zonewarden.firewall.pve_rules) (identity, not position;
    safe ordering; digests).
  - Groups are changed in place, never deleted and re-created; a comment change is one call.
  - Under O(state=overridden) unlisted groups are deleted, but a group that rules at any level still insert is only
    deleted with O(force=true); otherwise the module fails before any write and names where the group is used.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._pve
  - zonewarden.firewall._attributes.full
  - zonewarden.firewall._attributes.actiongroup_pve
options:
  state:
    description:
      - V(merged) creates missing groups, updates comments and merges the listed rules into each group (nothing removed).
      - V(replaced) makes each listed group exactly as given, its rule list included (an omitted O(config[].rules) empties it).
      - V(overridden) does what V(replaced) does and deletes every group that is not listed.
      - V(deleted) deletes the listed groups (their rules first).
      - V(gathered) returns every group with its rules, in the shape of O(config).
    type: str
    choices: [merged, replaced, overridden, deleted, gathered]
    default: merged
  config:
    description: The security groups.
    type: list
    elements: dict
    suboptions:
      name:
        description: Group name, 2 to 18 characters; Proxmox VE lower-cases it.
        type: str
        required: true
      comment:
        description: Comment of the group.
        type: str
      rules:
        description:
          - The group's rules, in order. Types V(in), V(out) and V(forward); no interface, no nested groups.
          - Omitted, the rules are left alone under V(merged); V([]) empties the group.
        type: list
        elements: dict
        suboptions:
          type:
            description: Direction, or V(group) to insert a security group. V(forward) needs Proxmox VE 8.3 and the nftables backend.
            type: str
            required: true
            choices: [in, out, forward, group]
          action:
            description: V(ACCEPT), V(DROP), V(REJECT), or the security group name when O(config[].rules[].type=group).
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
            description: Destination, in the same forms as O(config[].rules[].source).
            type: str
          sport:
            description: Source ports, a comma list of ports, V(N:M) ranges or service names (at most 15 ports).
            type: str
          dport:
            description: Destination ports, in the same forms as O(config[].rules[].sport).
            type: str
          iface:
            description: Interface the rule is bound to; V(netN) at guest level; not allowed in groups and VNets.
            type: str
          icmp_type:
            description: ICMP type name or number; needs O(config[].rules[].proto) V(icmp) or V(ipv6-icmp) and no O(config[].rules[].dport).
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
  force:
    description: Delete groups even when rules still insert them.
    type: bool
    default: false
seealso:
  - module: zonewarden.firewall.pve_rules
'''

EXAMPLES = r'''
- name: One security group per tier
  zonewarden.firewall.pve_security_groups:
    state: overridden
    config:
      - name: web
        comment: public web tier
        rules:
          - {type: in, action: ACCEPT, macro: HTTPS}
          - {type: in, action: ACCEPT, macro: HTTP}
          - {type: in, action: ACCEPT, macro: SSH, source: +management}
      - name: db
        rules:
          - {type: in, action: ACCEPT, proto: tcp, dport: "5432", source: +app_servers}
'''

RETURN = r'''
before:
  description: The groups concerned before the run (with their rules when the run looked at them).
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
after:
  description: The same groups after the run, or as they would be in check mode.
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
commands:
  description: The API calls made, or planned in check mode, in order.
  returned: when O(state) is not V(gathered)
  type: list
  elements: dict
  sample: [{"method": "POST", "path": "/cluster/firewall/groups", "params": {"group": "web"}}]
gathered:
  description: Every group with comment and rules, in the shape of O(config).
  returned: when O(state=gathered)
  type: list
  elements: dict
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.groups import GROUP_SPEC, run_groups
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.module import run


def main():
    run(dict(
        state=dict(type='str', choices=['merged', 'replaced', 'overridden', 'deleted', 'gathered'], default='merged'),
        config=GROUP_SPEC,
        force=dict(type='bool', default=False),
    ), run_groups, required_if=[('state', 'merged', ['config']), ('state', 'replaced', ['config']), ('state', 'deleted', ['config'])])


if __name__ == '__main__':
    main()
