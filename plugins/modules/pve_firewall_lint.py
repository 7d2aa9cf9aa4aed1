#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: pve_firewall_lint
short_description: Find shadowed, redundant, dangling and risky rules in a Proxmox VE firewall
version_added: 0.1.0
description:
  - Checks a Proxmox VE firewall configuration, offline or live, and reports findings that each name the rule (level,
    position, text) and why.
  - V(shadowed) rules are never matched, because earlier rules match every packet they would match, with a different
    action. V(redundant) rules change nothing, because an earlier rule with the same action matches all their packets first,
    or a later rule with the same action matches them and no rule in between decides otherwise.
  - V(matches_nothing) rules have addresses that resolve to nothing (an empty IP set, say).
  - V(missing_reference) rules name an IP set, alias or security group that does not exist, and V(invalid) rules carry other
    errors. Proxmox skips both silently when it compiles the firewall.
  - V(allow_any) rules accept every packet of their direction, and V(disabled) rules are switched off.
  - V(unfiltered_guest) is a guest that has rules, but whose NIC C(firewall) flag, guest C(enable) option or the cluster
    switch leaves a NIC unfiltered. V(unmatched_iface) is a guest rule bound to a NIC the guest does not have.
    V(firewall_disabled) means rules exist while the cluster firewall is off.
  - Coverage is decided per IP version on the rules' match fields, with macros expanded and security groups inlined where
    they are used, and a rule is reported only when it is dead everywhere it applies. Rules that only several rules
    together cover are not reported.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._pve
  - zonewarden.firewall._attributes
  - zonewarden.firewall._attributes.info_module
  - zonewarden.firewall._attributes.actiongroup_pve
options:
  kinds:
    description: Report only these kinds of findings. Default is every kind.
    type: list
    elements: str
    choices: [allow_any, disabled, firewall_disabled, invalid, matches_nothing, missing_reference, redundant, shadowed,
              unfiltered_guest, unmatched_iface]
  fail_on:
    description: Fail when a finding of one of these kinds is reported (for CI). Default is to never fail.
    type: list
    elements: str
    choices: [allow_any, disabled, firewall_disabled, invalid, matches_nothing, missing_reference, redundant, shadowed,
              unfiltered_guest, unmatched_iface]
    default: []
  fw_dir:
    description:
      - Offline. A directory of C(.fw) files, flat (C(cluster.fw), C(host.fw), C(<vmid>.fw)) or in the C(/etc/pve) layout
        (C(firewall/cluster.fw), C(nodes/<node>/host.fw), C(firewall/<vmid>.fw)).
    type: path
  fw_files:
    description: Offline. The same files as a mapping of path to file text.
    type: dict
  firewall:
    description: Offline. The firewall in the shape RV(zonewarden.firewall.pve_firewall_info#module:firewall) returns.
    type: dict
  guests:
    description:
      - The NICs of the guests (shape as in M(zonewarden.firewall.pve_reachability)), needed offline with O(fw_dir) or
        O(fw_files) for the guest findings.
    type: dict
  node:
    description: Only this node. Default is every node (offline, every node that has a C(host.fw)).
    type: str
  host_ip:
    description: Not needed by the checks; accepted so the options of M(zonewarden.firewall.pve_reachability) can be reused.
    type: str
  local_network:
    description: Not needed by the checks; accepted so the options of M(zonewarden.firewall.pve_reachability) can be reused.
    type: str
  corosync_conf:
    description: Not needed by the checks; accepted so the options of M(zonewarden.firewall.pve_reachability) can be reused.
    type: path
  macros_file:
    description: Macro definitions, as in M(zonewarden.firewall.pve_reachability). Default is the built-in table.
    type: path
seealso:
  - module: zonewarden.firewall.pve_reachability
  - module: zonewarden.firewall.pve_firewall_info
'''

EXAMPLES = r'''
- name: Lint the live firewall, fail on rules Proxmox silently skips
  zonewarden.firewall.pve_firewall_lint:
    api_host: pve1.example.org
    api_user: root@pam
    api_token_id: automation
    api_token_secret: "{{ vault_pve_token }}"
    fail_on: [missing_reference, invalid, shadowed]
  register: lint

- name: Lint rendered files before they are deployed
  zonewarden.firewall.pve_firewall_lint:
    fw_dir: "{{ playbook_dir }}/rendered/pve"
    guests:
      qemu:
        "100": {net0: "virtio=BC:24:11:00:01:00,bridge=vmbr1,firewall=1"}
'''

RETURN = r'''
findings:
  description: The findings, ordered by level (cluster, host, group, guest) and position.
  returned: always
  type: list
  elements: dict
  contains:
    kind:
      description: The kind of finding (see the description).
      type: str
    severity:
      description: V(error) (Proxmox skips the rule), V(warning) or V(info).
      type: str
    level:
      description: V(cluster), V(host), V(group), V(vm) or V(ct).
      type: str
    node:
      description: The node, for host rules.
      type: str
    vmid:
      description: The guest, for guest rules and guest findings.
      type: int
    group:
      description: The security group, for group rules.
      type: str
    position:
      description: Position of the rule in its list (as the API numbers it), null for guest findings.
      type: int
    rule:
      description: The rule as Proxmox writes it in the C(.fw) file.
      type: str
    reason:
      description: Why it is reported.
      type: str
    related:
      description: For V(shadowed) and V(redundant), the rule that covers it (level, node, vmid, group, position, rule).
      type: dict
  sample:
    - kind: shadowed
      severity: warning
      level: cluster
      position: 1
      rule: IN ACCEPT -p tcp -dport 22
      reason: "never matched: cluster rule 0 (IN DROP -p tcp) matches every packet it would match first, and drops them"
summary:
  description: Number of findings per kind.
  returned: always
  type: dict
config_warnings:
  description: Problems the evaluator met while reading the configuration (bad lines and the like).
  returned: always
  type: list
  elements: str
api_reads:
  description: How many API reads the module made (live mode only).
  returned: when the API was contacted
  type: int
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.lint import KINDS, counts, lint
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.fwstate import read_live
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.reachability import (
    SOURCE_OPTIONS,
    macros_from_params,
    offline_state,
    read_text,
    run_verification,
)


def engine(module, client):
    params = module.params
    macros, warnings = macros_from_params(params)
    if client is None:
        state = offline_state(params)
        names = [params['node']] if params.get('node') else (state.node_names() or [None])
    else:
        state, names, _networks, _data = read_live(client, node=params.get('node'), all_nodes=not params.get('node'))
        state.add_vmdata(params.get('guests'))
    warnings.extend(state.warnings)
    corosync = read_text(params['corosync_conf'], 'corosync_conf') if params.get('corosync_conf') else None
    firewalls = {}
    for name in names:
        try:
            firewalls[name] = state.evaluator(name, macros=macros, host_ip=params.get('host_ip'),
                                              local_network=params.get('local_network'), corosync=corosync)
        except ValueError as exc:
            raise ValidationError('cannot read the configuration of node %s: %s' % (name, exc))
        warnings.extend(warning for warning in firewalls[name].warnings if warning not in warnings)
    findings = lint(firewalls)
    if params.get('kinds'):
        findings = [item for item in findings if item['kind'] in params['kinds']]
    result = dict(changed=False, findings=findings, summary=counts(findings), config_warnings=warnings)
    failing = [item for item in findings if item['kind'] in params['fail_on']]
    if failing:
        result.update(failed=True, msg='%d finding(s) of kind %s: %s' % (
            len(failing), ', '.join(sorted(set(item['kind'] for item in failing))),
            '; '.join('%s %s: %s' % (item['level'], item['position'], item['reason']) for item in failing[:5])))
    return result


def main():
    options = dict(SOURCE_OPTIONS)
    options.update(
        kinds=dict(type='list', elements='str', choices=list(KINDS)),
        fail_on=dict(type='list', elements='str', choices=list(KINDS), default=[]),
    )
    run_verification(options, engine, mutually_exclusive=[('fw_dir', 'fw_files', 'firewall')])


if __name__ == '__main__':
    main()
