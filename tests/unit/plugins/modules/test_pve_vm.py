# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pve_vm against the PVE emulator: create from an image, the VM-Series guard, safe updates, drift reports."""

import pytest
from ansible.module_utils.common import warnings as ansible_warnings

FIREWALL_VM = dict(
    vmid=900, node='pve1', name='pa-vm', profile='panos_vm_series', cores=4, memory=9216, tags=['firewall', 'DMZ'],
    nets=[dict(name='net0', bridge='vmbr0', firewall=True), dict(name='net1', bridge='vmbr0'),
          dict(name='net2', bridge='vmbr1'), dict(name='net3', bridge='vmbr2')],
    disk=dict(storage='local-lvm', import_from='local:import/pa-vm.qcow2', options=dict(iothread=1)),
)


@pytest.fixture
def vm(pve_lab, module_runner):
    """Run pve_vm against the lab (its 'name' option clashes with PveLab.run's first argument)."""
    def run(check_mode=False, diff=False, **args):
        # Warnings are process-global in ansible-core; in-process runs would inherit the previous run's.
        ansible_warnings._global_warnings.clear()  # pylint: disable=protected-access
        merged = dict(pve_lab.connection)
        merged.update(args)
        return module_runner('pve_vm', merged, check_mode=check_mode, diff=diff)
    return run


def warnings_of(result):
    return [w['event']['msg'] if isinstance(w, dict) else w for w in result.get('warnings', [])]


def test_create_from_image_then_rerun_changes_nothing(pve_lab, vm):
    planned = vm(check_mode=True, **FIREWALL_VM)
    assert planned['changed'] is True and planned['created'] is True
    assert pve_lab.writes() == 0
    created = vm(**FIREWALL_VM)
    assert not created.failed, created
    assert created['commands'] == planned['commands']
    params = created['commands'][0]['params']
    assert params['scsi0'] == 'local-lvm:0,import-from=local:import/pa-vm.qcow2,iothread=1'
    assert params['boot'] == 'order=scsi0;net0'
    assert params['net0'] == 'virtio,bridge=vmbr0,firewall=1' and params['net2'] == 'virtio,bridge=vmbr1'
    assert (params['cpu'], params['ostype'], params['scsihw']) == ('host', 'l26', 'virtio-scsi-pci')
    assert created['task']['exitstatus'] == 'OK'
    after = created['after']
    assert after['disks'] == {'scsi0': 'local-lvm:vm-900-disk-0,iothread=1,size=60G'}
    assert [(n['name'], n['bridge'], n['firewall']) for n in after['nets']] == [
        ('net0', 'vmbr0', True), ('net1', 'vmbr0', False), ('net2', 'vmbr1', False), ('net3', 'vmbr2', False)]
    assert all(n['macaddr'] for n in after['nets'])
    assert after['tags'] == ['dmz', 'firewall']
    pve_lab.handle.clear_log()
    again = vm(**FIREWALL_VM)
    assert again['changed'] is False and again['commands'] == [] and again['unmanaged_drift'] == {}
    assert pve_lab.writes() == 0


def test_panos_profile_refuses_less_than_9_gib_and_warns_below_4_cores(pve_lab, vm):
    refused = vm(**dict(FIREWALL_VM, memory=8192))
    assert refused.failed
    assert refused['msg'].startswith('memory=8192 MiB is below the 9216 MiB (9 GiB) a PAN-OS VM-Series firewall needs')
    assert pve_lab.writes() == 0
    small = vm(**dict(FIREWALL_VM, cores=2))
    assert not small.failed, small
    assert any('fewer than 4 vCPUs' in text for text in warnings_of(small))
    generic = vm(**dict(FIREWALL_VM, vmid=901, profile='generic', memory=2048, cores=1, tags=[]))
    assert not generic.failed and not any('vCPUs' in text for text in warnings_of(generic))


def test_panos_profile_needs_disk_cores_and_memory_to_create(pve_lab, vm):
    result = vm(vmid=902, node='pve1', profile='panos_vm_series', memory=9216)
    assert result.failed and result['msg'] == 'VM 902 does not exist and profile=panos_vm_series needs cores, disk to create it'
    assert pve_lab.writes() == 0


def test_existing_vm_updates_only_safe_keys_and_reports_the_rest(pve_lab, vm):
    result = vm(diff=True, vmid=100, name='web01-new', cores=4, memory=4096, tags=['tier-web', 'prod'], cpu='host',
                nets=[dict(name='net0', bridge='vmbr2'), dict(name='net1', bridge='vmbr1')])
    assert not result.failed, result
    assert result['created'] is False
    assert result['commands'] == [dict(method='PUT', path='/nodes/pve1/qemu/100/config',
                                       params=dict(name='web01-new', cores=4, memory='4096', tags='prod;tier-web'))]
    assert sorted(result['unmanaged_drift']) == ['cpu', 'net0.bridge', 'net0.firewall', 'net1']
    assert result['unmanaged_drift']['net0.bridge'] == dict(want='vmbr2', have='vmbr1')
    assert any('differs in settings this module does not change' in text for text in warnings_of(result))
    assert result['diff']['after']['cores'] == 4 and result['diff']['before']['cores'] == 2
    read = vm(vmid=100, state='gathered')['gathered']
    assert (read['name'], read['cores'], read['memory'], read['tags']) == ('web01-new', 4, 4096, ['prod', 'tier-web'])
    assert read['nets'][0]['bridge'] == 'vmbr1' and read['cpu'] == 'x86-64-v2-AES'
    assert read['disks'] == {'scsi0': 'local-lvm:vm-100-disk-0,iothread=1,size=32G'}


def test_running_vm_gets_a_warning_for_cores_and_an_empty_tag_list_removes_tags(pve_lab, vm):
    result = vm(vmid=101, cores=3, tags=[])
    assert result['commands'][0]['params'] == dict(cores=3, delete='tags')
    assert any('is running' in text for text in warnings_of(result))
    assert vm(vmid=101, state='gathered')['gathered']['tags'] == []


def test_check_mode_on_an_existing_vm_plans_the_put_and_writes_nothing(pve_lab, vm):
    result = vm(check_mode=True, vmid=110, memory=3072)
    assert result['changed'] is True and result['commands'][0]['params'] == dict(memory='3072')
    assert pve_lab.writes() == 0
    assert vm(vmid=110, state='gathered')['gathered']['memory'] == 2048


def test_refusals(pve_lab, vm):
    cases = [
        (dict(vmid=200, cores=2), 'vmid 200 is a container on node pve1, not a VM'),
        (dict(vmid=903, cores=2), 'VM 903 does not exist: give node to create it'),
        (dict(FIREWALL_VM, vmid=904, nets=[dict(name='net0', bridge='vmbr7')]), "nets[0].bridge='vmbr7' does not exist on node pve1"),
        (dict(FIREWALL_VM, vmid=905, disk=dict(storage='local-lvm', import_from='local:import/x.qcow2', size_gb=8)),
         'give either import_from'),
        (dict(FIREWALL_VM, vmid=906, name='bad_name'), "name='bad_name' is not a valid VM name"),
        (dict(FIREWALL_VM, vmid=907, nets=[dict(name='eth0', bridge='vmbr0')]), "nets[0].name='eth0' is not a NIC key"),
        (dict(vmid=42), 'vmid=42 is out of range'),
    ]
    for args, message in cases:
        result = vm(**args)
        assert result.failed and message in result['msg'], (args, result.get('msg'))
    assert pve_lab.writes() == 0


def test_check_mode_only_warns_about_a_bridge_an_earlier_task_would_create(pve_lab, vm):
    result = vm(check_mode=True, **dict(FIREWALL_VM, nets=[dict(name='net0', bridge='vmbr9')]))
    assert not result.failed and result['changed'] is True
    assert any("bridge='vmbr9' does not exist on node pve1 (bridges: vmbr0, vmbr1, vmbr2) (check mode" in text
               for text in warnings_of(result))
    assert pve_lab.writes() == 0


def test_gathered_of_a_missing_vm(vm):
    assert vm(vmid=999, state='gathered')['gathered'] == dict(exists=False, vmid=999, node=None)
