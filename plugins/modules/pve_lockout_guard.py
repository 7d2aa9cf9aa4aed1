#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: pve_lockout_guard
short_description: Refuse a planned Proxmox VE firewall that would cut management access
version_added: 0.1.0
description:
  - Evaluates a planned Proxmox VE firewall configuration and fails when the controller's address or any address of the
    declared management networks could no longer reach the management ports (by default TCP 8006 and 22) of every node.
    The failure names the rule or policy that would cut the access.
  - Roles call it before they write. The planned configuration is the current state with the planned changes applied,
    given as data in the shape M(zonewarden.firewall.pve_firewall_info) returns (O(firewall)), as C(.fw) files
    (O(fw_dir), O(fw_files)), or read live through the API with O(changes) put on top.
  - A management network is checked as a whole, not through one sample address. The network is split where any address
    range of the configuration starts or ends, and one address of each piece is checked.
  - The check follows Proxmox's order on the host input chain, that is host rules, then cluster rules, then the built-in
    accepts for the C(management) IP set (which always holds the local network), then the input policy. A user rule
    C(IN DROP) above the management accepts locks the administrators out; C(policy_in DROP) alone does not.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._pve
  - zonewarden.firewall._attributes
  - zonewarden.firewall._attributes.info_module
  - zonewarden.firewall._attributes.actiongroup_pve
options:
  controller:
    description:
      - The address the controller connects to the nodes from.
      - Live, the default is the local address this machine uses to reach O(api_host) (not checked when that is a
        loopback address). Behind NAT, set it to the address the nodes see.
    type: str
  management_networks:
    description:
      - Networks (or addresses) from which management access must keep working, every address of them.
    type: list
    elements: str
    default: []
  ports:
    description: The TCP ports that must stay reachable on every node.
    type: list
    elements: int
    default: [8006, 22]
  nodes:
    description:
      - The nodes to check, with the address management clients connect to.
      - Live, every node of the cluster is checked and its address, network and bridge are read from the API; items given
        here restrict the check to those nodes and replace what was read.
      - Offline, required.
    type: list
    elements: dict
    suboptions:
      name:
        description: Node name (selects C(nodes/<name>/host.fw) or the node's item of O(firewall)).
        type: str
        required: true
      address:
        description: The node's management address.
        type: str
      local_network:
        description:
          - The node's cluster network (Proxmox adds it to the C(management) IP set).
          - Without it (and without a cluster alias C(local_network)) only the explicit C(management) entries count, and the
            module warns.
        type: str
      bridge:
        description: The bridge management traffic arrives on (for rules bound to an interface). Default V(vmbr0).
        type: str
  firewall:
    description: The planned firewall in the shape RV(zonewarden.firewall.pve_firewall_info#module:firewall) returns.
    type: dict
  fw_dir:
    description:
      - The planned firewall as a directory of C(.fw) files, flat (C(cluster.fw), C(host.fw), C(<vmid>.fw)) or in the
        C(/etc/pve) layout (C(firewall/cluster.fw), C(nodes/<node>/host.fw)).
    type: path
  fw_files:
    description: The planned firewall as a mapping of C(.fw) file path to file text (paths as for O(fw_dir)).
    type: dict
  guests:
    description:
      - NICs of guests, only needed when the controller itself runs as a guest on a node (its own guest firewall then
        applies). Shape as in M(zonewarden.firewall.pve_reachability).
    type: dict
  changes:
    description:
      - Planned changes put on top of the configuration (live or offline), in the shape of O(firewall), for example a
        C(cluster) item with only the C(rules) and C(options) the role is about to write.
      - Options are merged key by key; a C(rules) list replaces that level's rules; IP sets, aliases, security groups,
        nodes and guests replace the items of the same name or vmid.
    type: dict
  macros_file:
    description: Macro definitions, as in M(zonewarden.firewall.pve_reachability). Default is the built-in table.
    type: path
notes:
  - When the controller runs as a guest, live mode does not read guests; give its NICs and firewall through O(guests) and O(changes).
  - It never changes anything, so check mode runs the same check.
seealso:
  - module: zonewarden.firewall.pve_reachability
  - module: zonewarden.firewall.pve_rules
'''

EXAMPLES = r'''
- name: Refuse the planned datacenter rules if they would lock us out
  zonewarden.firewall.pve_lockout_guard:
    api_host: pve1.example.org
    api_user: root@pam
    api_token_id: automation
    api_token_secret: "{{ vault_pve_token }}"
    management_networks: [192.0.2.0/26]
    changes:
      cluster:
        options: {enable: true, policy_in: DROP}
        rules: "{{ planned_cluster_rules }}"

- name: Check rendered .fw files before they are copied
  zonewarden.firewall.pve_lockout_guard:
    fw_dir: "{{ playbook_dir }}/rendered/pve"
    controller: 192.0.2.5
    nodes:
      - {name: pve1, address: 192.0.2.10, local_network: 192.0.2.0/24}
      - {name: pve2, address: 192.0.2.11, local_network: 192.0.2.0/24}
'''

RETURN = r'''
ok:
  description: Whether every checked source reaches every port on every node.
  returned: always
  type: bool
checked:
  description: How many (node, source address, port) combinations were evaluated.
  returned: always
  type: int
blocked:
  description: The combinations that would be cut, each with node, check (controller or network), source, port, verdict,
    rule (the rule or policy that cuts it, as one line) and decided_by (in detail).
  returned: always
  type: list
  elements: dict
  sample:
    - {node: pve1, check: "controller 192.0.2.5", source: 192.0.2.5, port: 8006, verdict: DROP,
       rule: "cluster rule 0: IN DROP"}
nodes:
  description: Per node its address, local network, switch state and counts.
  returned: always
  type: list
  elements: dict
controller:
  description: The controller address checked (given or detected), or null.
  returned: always
  type: str
config_warnings:
  description: Problems and assumptions (unknown local network, skipped sources, configuration errors Proxmox skips).
  returned: always
  type: list
  elements: str
api_reads:
  description: How many API reads the module made (live mode only).
  returned: when the API was contacted
  type: int
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.lockout import (
    blocking_reasons,
    check_lockout,
    local_address_towards,
)
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.pve_match import packet_address
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.fwstate import read_live
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.reachability import (
    describe_decider,
    macros_from_params,
    offline_state,
    run_verification,
)

NODE_OPTIONS = dict(name=dict(type='str', required=True), address=dict(type='str'), local_network=dict(type='str'),
                    bridge=dict(type='str'))


def live_nodes(client, params, warnings):
    state, names, networks, _data = read_live(client, guests=False, all_nodes=True)
    given = dict((item['name'], item) for item in params.get('nodes') or [])
    unknown = sorted(set(given) - set(names))
    if unknown:
        raise ValidationError('nodes: %s not in this cluster (nodes: %s)' % (', '.join(unknown), ', '.join(names)))
    nodes = []
    for name in names:
        if given and name not in given:
            continue
        info = dict(networks.get(name) or {}, name=name)
        info.update((key, value) for key, value in given.get(name, {}).items() if value)
        nodes.append(info)
    return state, nodes


def default_controller(params, warnings):
    address = local_address_towards(params.get('api_host'), params.get('api_port') or 8006)
    if address is None:
        warnings.append('controller address not detected: only management_networks are checked')
        return None
    if packet_address(address)[1] >> 24 == 127 or address == '::1':
        warnings.append('the API is reached over loopback (%s): set controller to the address the nodes see' % address)
        return None
    return address


def engine(module, client):
    params = module.params
    macros, warnings = macros_from_params(params)
    controller = params.get('controller')
    if client is None:
        state = offline_state(params)
        nodes = [dict((k, v) for k, v in item.items() if v) for item in params.get('nodes') or []]
    else:
        state, nodes = live_nodes(client, params, warnings)
        state.add_vmdata(params.get('guests'))
        if not controller:
            controller = default_controller(params, warnings)
    state.apply_changes(params.get('changes'))
    warnings.extend(state.warnings)
    report = check_lockout(state, nodes, controller, params['management_networks'],
                           params['ports'], macros)
    warnings.extend(report['warnings'])
    for item in report['blocked']:
        item['rule'] = describe_decider(item['decided_by'])
    result = dict(changed=False, ok=report['ok'], checked=report['checked'], blocked=report['blocked'], nodes=report['nodes'],
                  controller=controller, config_warnings=warnings)
    if not report['ok']:
        lines = ['The planned firewall would cut management access:']
        for text, affected in blocking_reasons(report['blocked'], describe_decider):
            lines.append('- %s cuts %s' % (text, '; '.join(affected[:6]) + (' and %d more' % (len(affected) - 6) if len(affected) > 6 else '')))
        result.update(failed=True, msg='\n'.join(lines))
    return result


def main():
    run_verification(dict(
        controller=dict(type='str'),
        management_networks=dict(type='list', elements='str', default=[]),
        ports=dict(type='list', elements='int', default=[8006, 22]),
        nodes=dict(type='list', elements='dict', options=NODE_OPTIONS),
        firewall=dict(type='dict'),
        fw_dir=dict(type='path'),
        fw_files=dict(type='dict'),
        guests=dict(type='dict'),
        changes=dict(type='dict'),
        macros_file=dict(type='path'),
    ), engine, mutually_exclusive=[('fw_dir', 'fw_files', 'firewall')])


if __name__ == '__main__':
    main()
