#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: pve_vm
short_description: Provision a QEMU VM on Proxmox VE, such as a PAN-OS VM-Series firewall, from an image on the node
version_added: 0.1.0
description:
  - Creates a QEMU VM when no guest with O(vmid) exists - cores, memory, NICs, one disk imported from an image that
    is already on the node (C(import-from)), boot order disk first - and waits for the creation task.
  - When the VM exists, only the safe keys O(name), O(cores), O(memory) and O(tags) are compared and updated (one
    write guarded by the config digest). Everything else that the task gives (CPU type, sockets, OS type, SCSI
    controller, start at boot, the NICs, the disk) is compared and reported in RV(unmanaged_drift) with a warning,
    never written; the disk is never touched. Use M(zonewarden.firewall.pve_guest_nics) for the NICs of existing VMs.
  - With O(profile=panos_vm_series), less than 9 GiB of memory is refused and fewer than 4 cores give a warning;
    new VMs get OS type V(l26), the V(virtio-scsi-pci) controller and CPU type V(host) unless given, and need
    O(cores), O(memory) and O(disk).
  - The VM is created stopped. Nothing is ever deleted.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._pve
  - zonewarden.firewall._attributes.full
  - zonewarden.firewall._attributes.actiongroup_pve
options:
  vmid:
    description: ID of the VM.
    type: int
    required: true
  node:
    description:
      - Node to create the VM on. Required when the VM does not exist; an existing VM is found with one cluster read
        wherever it is.
    type: str
  state:
    description:
      - V(merged) creates the VM when it does not exist, and otherwise updates the safe keys that are given.
      - V(gathered) returns the VM (or C(exists=false)) and changes nothing.
    type: str
    choices: [merged, gathered]
    default: merged
  profile:
    description:
      - V(panos_vm_series) applies the PAN-OS VM-Series guard and defaults described above; V(generic) applies none.
    type: str
    choices: [generic, panos_vm_series]
    default: generic
  name:
    description: VM name (a DNS name).
    type: str
  cores:
    description: CPU cores per socket.
    type: int
  sockets:
    description: CPU sockets (new VMs only; reported for existing ones).
    type: int
  memory:
    description: Memory in MiB.
    type: int
  cpu:
    description: CPU type, for example V(host) (new VMs only; reported for existing ones).
    type: str
  ostype:
    description: Guest OS type, for example V(l26) (new VMs only; reported for existing ones).
    type: str
  scsihw:
    description: SCSI controller, for example V(virtio-scsi-pci) (new VMs only; reported for existing ones).
    type: str
  onboot:
    description: Start the VM when the node boots (new VMs only; reported for existing ones).
    type: bool
  tags:
    description: Tags of the VM; compared as a set, case-insensitively. An empty list removes all tags.
    type: list
    elements: str
  nets:
    description:
      - NICs of a new VM, in order. For a PAN-OS VM-Series, V(net0) is the management port and V(net1), V(net2), ...
        become ethernet1/1, ethernet1/2, ...
    type: list
    elements: dict
    suboptions:
      name:
        description: NIC key, V(net0), V(net1), ...
        type: str
        required: true
      bridge:
        description: Bridge of the NIC; it must exist on the node (in check mode a missing bridge is a warning, since an earlier task may create it).
        type: str
        required: true
      model:
        description: NIC model.
        type: str
        choices: [virtio, e1000, e1000e, vmxnet3, rtl8139]
        default: virtio
      firewall:
        description: Filter this NIC with the Proxmox VE firewall. Keep it off on a firewall VM's data NICs.
        type: bool
        default: false
      tag:
        description: VLAN tag (1-4094).
        type: int
      macaddr:
        description: MAC address; Proxmox VE generates one when not given.
        type: str
  disk:
    description: The boot disk of a new VM.
    type: dict
    suboptions:
      name:
        description: Disk key.
        type: str
        default: scsi0
      storage:
        description: Storage to put the disk on, for example V(local-lvm).
        type: str
        required: true
      import_from:
        description:
          - Volume to import the disk from, for example V(local:import/pa-vm.qcow2) (an image already on the node).
          - Mutually exclusive with O(disk.size_gb).
        type: str
      size_gb:
        description: Size of a new empty disk in GiB, instead of O(disk.import_from).
        type: int
      options:
        description: Further disk options as key and value, for example C(iothread) V(1) or C(discard) V(on).
        type: dict
        default: {}
  wait_timeout:
    description: Seconds to wait for the creation task (importing a large image takes a while).
    type: int
    default: 600
notes:
  - Proxmox VE checks the image and the storage when the creation task runs; a missing image fails the task, and the
    module reports the task's log.
seealso:
  - module: zonewarden.firewall.pve_bridges
  - module: zonewarden.firewall.pve_guest_nics
'''

EXAMPLES = r'''
- name: PAN-OS VM-Series from the qcow2 image on the node
  zonewarden.firewall.pve_vm:
    vmid: 900
    node: pve1
    name: pa-vm
    profile: panos_vm_series
    cores: 4
    memory: 9216
    tags: [firewall, dmz]
    nets:
      - {name: net0, bridge: vmbr0, firewall: true}
      - {name: net1, bridge: vmbr0}
      - {name: net2, bridge: vmbr1}
      - {name: net3, bridge: vmbr2}
    disk:
      storage: local-lvm
      import_from: local:import/pa-vm.qcow2

- name: Read it
  zonewarden.firewall.pve_vm:
    vmid: 900
    state: gathered
  register: fw_vm
'''

RETURN = r'''
created:
  description: Whether the VM was (or in check mode would be) created.
  returned: when O(state=merged)
  type: bool
before:
  description: The VM before the run (C(exists=false) when there was none).
  returned: when O(state=merged)
  type: dict
after:
  description: The VM after the run. After a create in check mode, MAC addresses and disk volumes are not known yet.
  returned: when O(state=merged)
  type: dict
  sample: {"exists": true, "vmid": 900, "node": "pve1", "name": "pa-vm", "cores": 4, "memory": 9216, "tags": ["dmz"],
           "nets": [{"name": "net0", "model": "virtio", "bridge": "vmbr0", "firewall": true, "tag": null}],
           "disks": {"scsi0": "local-lvm:vm-900-disk-0,size=60G"}, "boot": "order=scsi0;net0"}
commands:
  description: The API calls made, or planned in check mode.
  returned: when O(state=merged)
  type: list
  elements: dict
unmanaged_drift:
  description: Settings of an existing VM that differ from the task but are not changed by this module, with C(want) and C(have).
  returned: when O(state=merged)
  type: dict
  sample: {"net2.bridge": {"want": "vmbr1", "have": "vmbr3"}}
task:
  description: The creation task, with C(upid) and C(exitstatus).
  returned: when the VM was created
  type: dict
gathered:
  description: The VM in the shape of RV(after), or C(exists=false).
  returned: when O(state=gathered)
  type: dict
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.module import run
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.vm import DISK_OPTIONS, NET_OPTIONS, run_vm


def argument_spec():
    return dict(
        vmid=dict(type='int', required=True),
        node=dict(type='str'),
        state=dict(type='str', choices=['merged', 'gathered'], default='merged'),
        profile=dict(type='str', choices=['generic', 'panos_vm_series'], default='generic'),
        name=dict(type='str'),
        cores=dict(type='int'),
        sockets=dict(type='int'),
        memory=dict(type='int'),
        cpu=dict(type='str'),
        ostype=dict(type='str'),
        scsihw=dict(type='str'),
        onboot=dict(type='bool'),
        tags=dict(type='list', elements='str'),
        nets=dict(type='list', elements='dict', options=NET_OPTIONS),
        disk=dict(type='dict', options=DISK_OPTIONS),
        wait_timeout=dict(type='int', default=600),
    )


def main():
    run(argument_spec(), run_vm)


if __name__ == '__main__':
    main()
