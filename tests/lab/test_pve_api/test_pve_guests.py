# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Version, nodes, resources, guest listings and configs, VM creation and tasks."""

import re

import pytest

MAC_RE = re.compile(r'^BC:24:11(:[0-9A-F]{2}){3}$')


def test_version(api):
    assert api.version.get() == {'version': '9.1.9', 'release': '9.1', 'repoid': 'a8736b6d', 'console': 'html5'}


def test_nodes(api):
    nodes = api.nodes.get()
    assert [(node['node'], node['status']) for node in nodes] == [('pve1', 'online')]


@pytest.mark.parametrize('kind, types', [(None, {'node', 'qemu', 'lxc', 'storage', 'sdn'}), ('vm', {'qemu', 'lxc'}),
                                         ('node', {'node'}), ('storage', {'storage'}), ('sdn', {'sdn'})])
def test_cluster_resources_type_filter(api, kind, types):
    resources = api.cluster.resources.get(**({'type': kind} if kind else {}))
    assert {entry['type'] for entry in resources} == types


def test_resources_carry_names_and_tags(api):
    vms = {entry['vmid']: entry for entry in api.cluster.resources.get(type='vm')}
    assert vms[100]['name'] == 'web01' and vms[100]['tags'] == 'tier-web' and vms[100]['id'] == 'qemu/100'
    assert vms[200]['type'] == 'lxc' and vms[200]['name'] == 'mgmt01'


def test_guest_listings(api):
    assert [vm['vmid'] for vm in api.nodes('pve1').qemu.get()] == [100, 101, 110, 120]
    assert [ct['vmid'] for ct in api.nodes('pve1').lxc.get()] == [200, 201]
    assert api.nodes('pve1').qemu.get()[3]['status'] == 'stopped'


def test_config_is_typed_and_has_a_digest(api):
    config = api.nodes('pve1').qemu(100).config.get()
    assert config['cores'] == 2 and config['onboot'] == 1
    assert config['net0'] == 'virtio=BC:24:11:00:01:00,bridge=vmbr1,firewall=1'
    assert re.match(r'^[0-9a-f]{40}$', config['digest'])


def test_config_of_a_missing_guest(pve):
    status, reason, _body = pve.error('GET', '/nodes/pve1/qemu/200/config')
    assert (status, reason) == (500, "Configuration file 'nodes/pve1/qemu-server/200.conf' does not exist")
    status, reason, _body = pve.error('GET', '/nodes/pve1/lxc/999/config')
    assert (status, reason) == (500, "Configuration file 'nodes/pve1/lxc/999.conf' does not exist")


def test_put_changes_only_given_keys_and_delete_works(api):
    before = api.nodes('pve1').qemu(100).config.get()
    api.nodes('pve1').qemu(100).config.put(net0='virtio=BC:24:11:00:01:00,bridge=vmbr1,firewall=0', delete='onboot')
    after = api.nodes('pve1').qemu(100).config.get()
    assert after['net0'] == 'virtio=BC:24:11:00:01:00,bridge=vmbr1,firewall=0'
    assert 'onboot' not in after
    assert {key: value for key, value in after.items() if key not in ('net0', 'digest')} == {
        key: value for key, value in before.items() if key not in ('net0', 'digest', 'onboot')}
    assert after['digest'] != before['digest']


def test_net_without_mac_gets_a_random_one(api):
    api.nodes('pve1').qemu(100).config.put(net1='e1000,bridge=vmbr0,firewall=1,tag=20')
    net1 = api.nodes('pve1').qemu(100).config.get()['net1']
    model_mac, rest = net1.split(',', 1)
    assert model_mac.split('=')[0] == 'e1000' and MAC_RE.match(model_mac.split('=')[1])
    assert rest == 'bridge=vmbr0,firewall=1,tag=20'
    api.nodes('pve1').qemu(100).config.put(net2='bridge=vmbr0,model=virtio')
    assert api.nodes('pve1').qemu(100).config.get()['net2'].startswith('virtio=BC:24:11:')


def test_net_flag_spellings_are_normalised(api):
    api.nodes('pve1').qemu(101).config.put(net0='virtio=BC:24:11:00:01:01,firewall=yes,bridge=vmbr1')
    assert api.nodes('pve1').qemu(101).config.get()['net0'] == 'virtio=BC:24:11:00:01:01,bridge=vmbr1,firewall=1'


def test_lxc_net_gets_hwaddr_and_type(api):
    api.nodes('pve1').lxc(200).config.put(net1='name=eth1,bridge=vmbr1,firewall=1,ip=dhcp')
    net1 = api.nodes('pve1').lxc(200).config.get()['net1']
    assert re.match(r'^name=eth1,bridge=vmbr1,firewall=1,hwaddr=BC:24:11:[0-9A-F:]{8},ip=dhcp,type=veth$', net1)


def test_tags_are_normalised(api):
    api.nodes('pve1').qemu(100).config.put(tags='tier-web,Prod prod;Alpha')
    assert api.nodes('pve1').qemu(100).config.get()['tags'] == 'alpha;prod;tier-web'


def test_config_digest_is_checked(pve, api):
    digest = api.nodes('pve1').qemu(100).config.get()['digest']
    api.nodes('pve1').qemu(100).config.put(cores=4, digest=digest)
    status, reason, _body = pve.error('PUT', '/nodes/pve1/qemu/100/config', {'cores': '2', 'digest': digest})
    assert (status, reason) == (500, 'detected modified configuration - file changed by other user? Try again.')


def test_config_put_errors(pve):
    status, reason, _body = pve.error('PUT', '/nodes/pve1/qemu/100/config', {})
    assert (status, reason) == (500, 'no options specified')
    _status, _reason, body = pve.error('PUT', '/nodes/pve1/qemu/100/config', {'delete': 'nosuchkey'})
    assert body['errors'] == {'delete': "unknown option 'nosuchkey'"}
    _status, _reason, body = pve.error('PUT', '/nodes/pve1/qemu/100/config', {'delete': 'cores', 'cores': '2'})
    assert body['errors'] == {'delete': "you can't use '-cores' and -delete cores' at the same time"}
    status, reason, _body = pve.error('PUT', '/nodes/pve1/qemu/100/config', {'boot': 'order=scsi0;net5'})
    assert (status, reason) == (500, "invalid bootorder: device 'net5' does not exist'")


def test_async_config_post_returns_a_task(api):
    upid = api.nodes('pve1').qemu(100).config.post(name='web01-renamed')
    assert upid.startswith('UPID:pve1:') and ':qmconfig:100:' in upid
    assert api.nodes('pve1').qemu(100).config.get()['name'] == 'web01-renamed'


def test_create_firewall_vm(api):
    upid = api.nodes('pve1').qemu.post(
        vmid=300, name='pa-vm', cores=4, memory=8192, sockets=1, cpu='host', ostype='l26', scsihw='virtio-scsi-pci',
        scsi0='local-lvm:0,import-from=local:import/pa-vm.qcow2', net0='virtio,bridge=vmbr0',
        net1='virtio,bridge=vmbr1,firewall=0', net2='virtio,bridge=vmbr2,firewall=0', boot='order=scsi0;net0',
        tags='panos;fw', serial0='socket')
    assert re.match(r'^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmcreate:300:root@pam!zonewarden:$', upid)
    status = api.nodes('pve1').tasks(upid).status.get()
    assert (status['status'], status['exitstatus'], status['type'], status['id']) == ('stopped', 'OK', 'qmcreate', '300')
    config = api.nodes('pve1').qemu(300).config.get()
    assert config['scsi0'] == 'local-lvm:vm-300-disk-0,size=60G'
    assert config['boot'] == 'order=scsi0;net0' and config['tags'] == 'fw;panos'
    assert all(MAC_RE.match(config[key].split(',')[0].split('=')[1]) for key in ('net0', 'net1', 'net2'))
    assert config['smbios1'].startswith('uuid=') and 'vmgenid' in config
    assert [vm['vmid'] for vm in api.nodes('pve1').qemu.get()][-1] == 300


def test_create_refuses_existing_vmid(pve):
    status, reason, _body = pve.error('POST', '/nodes/pve1/qemu', {'vmid': '200', 'name': 'dup'})
    assert (status, reason) == (500, "unable to create VM 200 - CT 200 already exists on node 'pve1'")


def test_create_container(api):
    upid = api.nodes('pve1').lxc.post(vmid=210, hostname='ct210', ostemplate='local:vztmpl/debian-12.tar.zst',
                                      rootfs='local-lvm:8', net0='name=eth0,bridge=vmbr0,ip=dhcp')
    assert ':vzcreate:210:' in upid
    config = api.nodes('pve1').lxc(210).config.get()
    assert config['rootfs'] == 'local-lvm:subvol-210-disk-0,size=8G'
    assert 'hwaddr=BC:24:11:' in config['net0']


def test_unknown_task(pve):
    status, _reason, _body = pve.error('GET', '/nodes/pve1/tasks/UPID:pve1:0:0:0:x:1:root@pam:/status')
    assert status == 500


def test_container_interfaces_and_agent(api, pve):
    interfaces = api.nodes('pve1').lxc(200).interfaces.get()
    assert interfaces[1]['name'] == 'eth0' and interfaces[1]['inet'] == '192.0.2.50/24'
    status, reason, _body = pve.error('GET', '/nodes/pve1/lxc/201/interfaces')
    assert (status, reason) == (500, 'CT 201 not running')
    agent = api.nodes('pve1').qemu(100)('agent')('network-get-interfaces').get()
    assert agent['result'][1]['ip-addresses'][0]['ip-address'] == '192.0.2.100'
    status, reason, _body = pve.error('GET', '/nodes/pve1/qemu/120/agent/network-get-interfaces')
    assert (status, reason) == (500, 'VM 120 is not running')
