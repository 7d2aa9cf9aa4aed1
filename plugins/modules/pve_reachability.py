#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: pve_reachability
short_description: Check which flows a Proxmox VE firewall allows, offline or against the live cluster
version_added: 0.1.0
description:
  - Evaluates flows (source zone or address, destination zone or address, protocol, ports) against the Proxmox VE
    firewall of one node and reports each verdict with the rule, policy or built-in rule that decided it.
  - Works offline from C(.fw) files (O(fw_dir) or O(fw_files)) or from data in the shape M(zonewarden.firewall.pve_firewall_info)
    returns (O(firewall)), or live through the API when none of these is given.
  - The semantics are those of Proxmox's iptables firewall (C(pve-firewall)), that is the cluster, host and guest chains, security
    groups, IP sets, aliases, macros, policies, the built-in management and corosync rules and the three enable switches.
    Verdicts match Proxmox's own firewall simulator on Proxmox's test corpus.
  - Each flow may carry an expectation (O(flows[].expect)); the module fails when any expectation does not hold and prints a
    table of those flows. It never changes anything.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._pve
  - zonewarden.firewall._attributes
  - zonewarden.firewall._attributes.info_module
  - zonewarden.firewall._attributes.actiongroup_pve
options:
  flows:
    description:
      - The flows to evaluate, in order.
      - A flow without a source side (neither O(flows[].from) nor O(flows[].source)) is evaluated from every zone of O(zones),
        one without a destination side to every zone, as Proxmox's simulator does.
      - When O(zones) is given, a flow without O(flows[].from) (or O(flows[].to)) is expanded whatever its addresses, exactly
        like the simulator expands the lines of Proxmox's test files.
    type: list
    elements: dict
    required: true
    suboptions:
      id:
        description: A label shown in the results and in the failure table.
        type: str
      from:
        description:
          - Source zone, that is V(host), V(outside) (a host behind the node's bridge), V(nfvm) (a guest without firewall),
            V(vm<ID>) or V(ct<ID>) (NIC net0 of a guest), V(vm<ID>i<N>) or V(ct<ID>i<N>) (NIC netN),
            or C(<bridge>/<port>) for any bridge port.
          - An IP address instead is resolved to the guest that owns it (container C(ip=) addresses and the single
            addresses of the guests' C(ipfilter-net<N>) IP sets), to V(host) for the node's address, else to V(outside).
          - Default is the zone of O(flows[].source).
        type: str
      to:
        description: Destination zone or address, as O(flows[].from). Default is the zone of O(flows[].dest).
        type: str
      source:
        description:
          - Source address of the packet (an IP address; a CIDR stands for "some address in it").
          - Default is a representative address of the source zone (the node's address for V(host), the guest's own
            address when it is known, else an address outside every private range), as Proxmox's simulator picks.
        type: str
      dest:
        description: Destination address, as O(flows[].source).
        type: str
      proto:
        description: Protocol name or number (V(tcp), V(udp), V(icmp), V(icmpv6), V(47), ...). Default V(tcp).
        type: str
      sport:
        description: Source port (number or service name).
        type: str
      dport:
        description:
          - Destination port (number or service name).
          - For V(icmp) and V(icmpv6) the ICMP type may be given here too (as in Proxmox's test files), for example V(echo-request).
        type: str
      icmp_type:
        description: ICMP type name or number for O(flows[].proto=icmp) or V(icmpv6).
        type: str
      dsttype:
        description: Address type of the destination (V(UNICAST), V(MULTICAST), V(BROADCAST)); default follows the address.
        type: str
      srctype:
        description: Address type of the source; default follows the address.
        type: str
      state:
        description: Connection tracking state of the packet, V(NEW) (default), V(ESTABLISHED), V(RELATED) or V(INVALID).
        type: str
      expect:
        description:
          - The verdict this flow must get. V(allow) means ACCEPT, V(deny) means DROP or REJECT; V(ACCEPT), V(DROP) and
            V(REJECT) ask for exactly that verdict (case does not matter).
          - Without it the flow is only reported.
        type: str
        aliases: [action]
  zones:
    description:
      - The zones a flow without a source or destination side is expanded to (see O(flows)).
      - Default is V(host), V(outside), V(nfvm) and every NIC of every guest of the node. Proxmox's test files use
        V(host), V(outside), V(nfvm), V(vm100) and V(ct200).
    type: list
    elements: str
  fidelity:
    description:
      - V(kernel) evaluates like the kernel runs Proxmox's chains, for example critical ICMP passes the DROP policy chain,
        REJECT of ICMP is a DROP, ICMP type names and numbers are the same, C(nomatch) IP set entries exclude.
      - V(simulator) reproduces Proxmox's own firewall simulator (C(fwtester.pl)) exactly, including its quirks, for
        example a packet starts with the firewall mark the previous flow left, so the order of O(flows) matters.
      - Both give Proxmox's expected verdicts on every flow of Proxmox's test corpus, so the default is the one that
        describes real traffic.
    type: str
    choices: [kernel, simulator]
    default: kernel
  details:
    description: Also return the chain hops of each flow (RV(results[].hops)).
    type: bool
    default: false
  fw_dir:
    description:
      - Offline. A directory of C(.fw) files laid out like Proxmox's, that is C(cluster.fw), C(host.fw) and C(<vmid>.fw), or
        the C(/etc/pve) layout C(firewall/cluster.fw), C(nodes/<node>/host.fw), C(firewall/<vmid>.fw).
      - Guests need their NICs from O(guests); a C(<vmid>.fw) without them is reported and ignored.
    type: path
  fw_files:
    description:
      - Offline. The same files as O(fw_dir), as a mapping of path to file text.
    type: dict
  firewall:
    description:
      - Offline. The firewall in the shape RV(zonewarden.firewall.pve_firewall_info#module:firewall) returns (cluster,
        nodes, guests with their NICs).
    type: dict
  guests:
    description:
      - The NICs of the guests, shaped like Proxmox's guest configs and the corpus file C(fwtester_vmdata.json), that is a
        mapping with the keys C(qemu) and C(lxc), each mapping guest IDs to their C(netN) strings
        (for example C(virtio=BC:24:11:00:01:00,bridge=vmbr0,firewall=1)).
      - Required for guests in O(fw_dir) or O(fw_files); in the other modes it adds to or replaces the NICs read.
    type: dict
  node:
    description:
      - The node to evaluate.
      - Offline, it selects C(nodes/<node>/host.fw) (or the node of O(firewall)) and names the local node in O(corosync_conf).
        Default is the corosync node whose address is O(host_ip).
      - Live, it is required when the cluster has more than one node.
    type: str
  host_ip:
    description:
      - The node's address. Live, the default is the address of the node's interface that has the default gateway.
      - An interface address with a prefix (V(192.0.2.10/24)) also gives O(local_network) when that is not set.
    type: str
  local_network:
    description:
      - The node's cluster network, which Proxmox puts into the C(management) IP set and opens outbound management ports to.
        The cluster alias C(local_network) wins when it is defined.
      - Live, the default is the network of the node's address. Offline, the default is the /24 (IPv4) or /64 (IPv6) around
        O(host_ip), with a warning.
    type: str
  corosync_conf:
    description:
      - Path to a C(corosync.conf) whose node list (ring and link addresses) decides Proxmox's built-in corosync rules.
      - Live, the default is the API's corosync node list when it offers one.
    type: path
  macros_file:
    description:
      - JSON with macro definitions, either a document with a C(macros) mapping of name to rule templates, a plain mapping, or
        a list shaped like the API's macro list (items with C(macro) and C(descr)), which restricts the known macros to
        those names (their definitions come from the built-in table).
      - Default is the module's built-in table of the macros of Proxmox VE 9.1 (C(pve-firewall) 6.0).
    type: path
notes:
  - The flows are evaluated against the iptables backend. When a node uses the nftables backend (C(nftables) host
    option), the module warns; forward and VNet rules are not evaluated.
  - In check mode the module does the same, since it never writes.
seealso:
  - module: zonewarden.firewall.pve_firewall_info
  - module: zonewarden.firewall.pve_lockout_guard
  - module: zonewarden.firewall.pve_firewall_lint
'''

EXAMPLES = r'''
- name: The one-way valve holds on the live cluster
  zonewarden.firewall.pve_reachability:
    api_host: pve1.example.org
    api_user: root@pam
    api_token_id: automation
    api_token_secret: "{{ vault_pve_token }}"
    node: pve1
    flows:
      - {id: web-from-internet, from: outside, to: vm100, dport: 443, expect: allow}
      - {id: db-from-web, from: vm100, to: vm120, dport: 5432, expect: allow}
      - {id: db-from-internet, from: outside, to: vm120, dport: 5432, expect: deny}
      - {id: ssh-to-node, source: 192.0.2.50, to: host, dport: 22, expect: ACCEPT}

- name: Check a planned configuration before it is written
  zonewarden.firewall.pve_reachability:
    fw_dir: "{{ playbook_dir }}/rendered/pve"
    guests:
      qemu:
        "100": {net0: "virtio=BC:24:11:00:01:00,bridge=vmbr1,firewall=1"}
    host_ip: 192.0.2.10
    local_network: 192.0.2.0/24
    flows:
      - {from: outside, to: vm100, proto: icmp, dport: echo-request, expect: deny}
  register: verdicts
'''

RETURN = r'''
results:
  description: One item per evaluated flow (after expansion), in order; the flow's fields plus the verdict.
  returned: always
  type: list
  elements: dict
  contains:
    index:
      description: Position of the flow in O(flows).
      type: int
    id:
      description: The flow's O(flows[].id).
      type: str
    from:
      description: Source zone (or address) as given or expanded.
      type: str
    to:
      description: Destination zone (or address) as given or expanded.
      type: str
    expect:
      description: The normalised expectation (V(allow), V(deny), V(ACCEPT), V(DROP), V(REJECT)) or null.
      type: str
    verdict:
      description: V(ACCEPT), V(DROP) or V(REJECT).
      type: str
    ok:
      description: Whether the expectation holds; null without an expectation.
      type: bool
    rule:
      description: The rule, policy or built-in rule that decided, as one line.
      type: str
      sample: "cluster rule 2: IN DROP -p tcp -dport 22"
    decided_by:
      description: What decided, in detail (kind, level, vmid, group, position, rule text, reason, chain, hop).
      type: dict
    resolved:
      description: Zones and addresses the evaluator used (from, to, source, dest, ipversion).
      type: dict
    hops:
      description: The chains the packet crossed with their verdicts (only with O(details=true)).
      type: list
      elements: dict
  sample:
    - {index: 0, id: web, from: outside, to: vm100, dport: "443", expect: allow, verdict: ACCEPT, ok: true,
       rule: "vm100 rule 0: IN ACCEPT -p tcp -dport 443"}
failures:
  description: The items of RV(results) whose expectation does not hold.
  returned: always
  type: list
  elements: dict
summary:
  description: Counts of flows, verdicts, expectations and failures.
  returned: always
  type: dict
  sample: {flows: 4, accepted: 2, dropped: 2, rejected: 0, expectations: 4, failed: 0}
node:
  description: The node evaluated (null offline when no node name is known).
  returned: always
  type: str
host_ip:
  description: The node address used.
  returned: always
  type: str
local_network:
  description: The local network used (null when none was given nor known).
  returned: always
  type: str
fidelity:
  description: The O(fidelity) used.
  returned: always
  type: str
config_warnings:
  description: Problems in the configuration that Proxmox skips silently or with a log line (bad lines, invalid rules,
    missing IP sets), and assumptions the module made.
  returned: always
  type: list
  elements: str
api_reads:
  description: How many API reads the module made (live mode only).
  returned: when the API was contacted
  type: int
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.reachability import (
    FIDELITIES,
    FLOW_OPTIONS,
    SOURCE_OPTIONS,
    check_flows,
    failure_table,
    load_node,
    run_verification,
    summary,
)


def engine(module, client):
    params = module.params
    context = load_node(module, client, fidelity=params['fidelity'])
    results, failures = check_flows(context.firewall, params['flows'], params.get('zones'), params['details'])
    result = dict(changed=False, results=results, failures=failures, summary=summary(results, failures), node=context.node,
                  host_ip=context.host_ip, local_network=context.local_network, fidelity=params['fidelity'],
                  config_warnings=context.warnings)
    if failures:
        result.update(failed=True, msg='%d of %d flow expectations do not hold:\n%s' % (
            len(failures), result['summary']['expectations'], failure_table(failures)))
    return result


def main():
    options = dict(SOURCE_OPTIONS)
    options.update(
        flows=dict(type='list', elements='dict', required=True, options=FLOW_OPTIONS),
        zones=dict(type='list', elements='str'),
        fidelity=dict(type='str', choices=list(FIDELITIES), default='kernel'),
        details=dict(type='bool', default=False),
    )
    run_verification(options, engine, mutually_exclusive=[('fw_dir', 'fw_files', 'firewall')])


if __name__ == '__main__':
    main()
