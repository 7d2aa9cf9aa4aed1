#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: pve_guest_nics
short_description: Set the firewall flag, bridge and VLAN tag of guest NICs on Proxmox VE
version_added: 0.1.0
description:
  - A guest NIC is filtered by the Proxmox VE firewall only when its C(firewall) flag is on (besides the
    datacenter and guest firewall switches). This module sets that flag, and optionally the bridge and the
    VLAN tag, on the NICs of many VMs and containers in one task.
  - Only the keys it manages change inside the C(netN) string; the model and MAC, C(hwaddr), addresses,
    rate limits and every other part are written back exactly as they were (Proxmox VE would generate a new
    MAC for a string without one).
  - One read of the cluster locates all guests; each guest costs one config read and at most one write
    (guarded by the config digest). Guests are worked through by a bounded pool of concurrent requests.
  - Toggling the flag on a running guest unplugs and re-plugs its NIC; the module warns when it does that.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._pve
  - zonewarden.firewall._attributes.full
  - zonewarden.firewall._attributes.actiongroup_pve
options:
  state:
    description:
      - V(merged) sets the listed keys of the listed NICs.
      - V(gathered) returns the firewall flag, bridge and tag of every NIC of the listed guests (O(guests[].nics) may be empty).
    type: str
    choices: [merged, gathered]
    default: merged
  guests:
    description: The guests and their NICs.
    type: list
    elements: dict
    required: true
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
      nics:
        description: The NICs to change.
        type: list
        elements: dict
        default: []
        suboptions:
          name:
            description: NIC key, V(net0), V(net1), ...
            type: str
            required: true
          firewall:
            description: Filter this NIC with the Proxmox VE firewall.
            type: bool
          bridge:
            description: Bridge to attach the NIC to.
            type: str
          tag:
            description: VLAN tag, 1 to 4094; V(0) removes the tag.
            type: int
  parallel:
    description: How many guests are worked on at the same time.
    type: int
    default: 8
seealso:
  - module: zonewarden.firewall.pve_options
'''

EXAMPLES = r'''
- name: Filter the first NIC of the web tier, and take the firewall VM's data NICs out of the host firewall
  zonewarden.firewall.pve_guest_nics:
    guests:
      - vmid: 101
        nics: [{name: net0, firewall: true}]
      - vmid: 102
        nics: [{name: net0, firewall: true}]
      - vmid: 900
        nics:
          - {name: net1, firewall: false}
          - {name: net2, firewall: false}
          - {name: net3, firewall: false}
'''

RETURN = r'''
results:
  description: One item per guest with vmid, node, type, changed, before and after (per NIC firewall, bridge and tag) and commands.
  returned: when O(state=merged)
  type: list
  elements: dict
  sample: [{"vmid": 101, "changed": true, "before": {"net0": {"firewall": false, "bridge": "vmbr0", "tag": null}},
            "after": {"net0": {"firewall": true, "bridge": "vmbr0", "tag": null}}}]
commands:
  description: The API calls made, or planned in check mode.
  returned: when O(state=merged)
  type: list
  elements: dict
gathered:
  description: One item per guest with vmid, node, type and the view of each of its NICs.
  returned: when O(state=gathered)
  type: list
  elements: dict
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._pve import nics
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.guests import DEFAULT_PARALLEL, guest_targets, run_pool
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.module import run
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.writer import execute


def engine(module, client):
    params = module.params
    guests = params['guests']
    for index, guest in enumerate(guests):
        nics.normalize_want(guest['nics'], 'guests[%d].nics' % index)
    resources = client.get('cluster/resources', desc='list the guests of the cluster', type='vm') or []
    running = set(int(item['vmid']) for item in resources if item.get('status') == 'running')
    # Fill node and type from the read we already made, so guest_targets needs no second one.
    located = dict((int(item['vmid']), item) for item in resources if item.get('type') in ('qemu', 'lxc'))
    for guest in guests:
        found = located.get(int(guest['vmid']))
        if found is not None:
            guest['node'] = guest.get('node') or found['node']
            guest['type'] = guest.get('type') or ('vm' if found['type'] == 'qemu' else 'ct')
    targets = guest_targets(client, guests)

    def work(item):
        index, target, guest = item
        identity = dict(vmid=target.vmid, node=target.node, type=target.level)
        if params['state'] == 'gathered':
            kind = 'qemu' if target.level == 'vm' else 'lxc'
            config = client.get('nodes/%s/%s/%d/config' % (target.node, kind, target.vmid), desc='read the config of guest %d' % target.vmid)
            identity['nics'] = dict((key, nics.nic_view(value)) for key, value in sorted((config or {}).items())
                                    if nics.NIC_NAME.match(key))
            return identity
        return nics.prepare(client, target, guest['nics'], target.vmid in running, 'guests[%d].nics' % index)

    parallel = params['parallel'] or DEFAULT_PARALLEL
    prepared = run_pool([(i, t, g) for i, (t, g) in enumerate(zip(targets, guests))], work, parallel)
    if params['state'] == 'gathered':
        return dict(changed=False, gathered=prepared)
    # Every guest is read and planned before the first write: a missing NIC anywhere writes nothing.
    results = run_pool(prepared, lambda plan: execute(client, plan, module.check_mode), parallel)
    for target, result in zip(targets, results):
        result.update(vmid=target.vmid, node=target.node, type=target.level)
    for result in results:
        for warning in result.pop('warnings'):
            module.warn(warning)
    result = dict(changed=any(r['changed'] for r in results), results=results,
                  commands=[command for r in results for command in r['commands']])
    if module._diff:
        result['diff'] = dict(before=dict((str(r['vmid']), r['before']) for r in results),
                              after=dict((str(r['vmid']), r['after']) for r in results))
    return result


def main():
    run(dict(
        state=dict(type='str', choices=['merged', 'gathered'], default='merged'),
        guests=dict(type='list', elements='dict', required=True, options=dict(
            vmid=dict(type='int', required=True),
            node=dict(type='str'),
            type=dict(type='str', choices=['vm', 'ct']),
            nics=dict(type='list', elements='dict', default=[], options=nics.NIC_SPEC['options']),
        )),
        parallel=dict(type='int', default=8),
    ), engine)


if __name__ == '__main__':
    main()
