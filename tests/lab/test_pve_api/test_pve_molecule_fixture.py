# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The molecule lab (fixtures/molecule.json) and how labctl.py starts an emulator from a chosen fixture.

The molecule scenarios rely on this fixture: a cluster of several nodes, at least 30 guests in the
tiers of the lab's microsegmentation policy, and the firewall VM that the three_zone_dmz role finds
(its VMID, node and tags in inventories/lab, its NIC layout in the role's defaults). Checked through
the API, so that neither the file nor those expectations can drift apart unnoticed.
"""

import json
import os
import subprocess
import sys

import pytest
import requests
import yaml

from labcore.control import LAB_DIR, LabHandle, start_thread
from pve_api import PveApp
from pve_api.state import FIXTURE_DIR

import labctl

REPO = os.path.dirname(os.path.dirname(LAB_DIR))
MOLECULE_FIXTURE = os.path.join(FIXTURE_DIR, 'molecule.json')
DEFAULT_FIXTURE = os.path.join(FIXTURE_DIR, 'default.json')
TOKEN_HEADER = {'Authorization': 'PVEAPIToken=root@pam!zonewarden=11111111-2222-3333-4444-555555555555'}
TIERS = ('tier-web', 'tier-app', 'tier-db', 'tier-mgmt')


def read_json(path):
    with open(path, encoding='utf-8') as handle:
        return json.load(handle)


def read_yaml(*parts):
    with open(os.path.join(REPO, *parts), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


class Api:
    """Token-authenticated GETs against one running emulator, verified against its CA."""

    def __init__(self, handle):
        self.handle = handle
        self.session = requests.Session()

    def get(self, path, **params):
        answer = self.session.get(self.handle.url + '/api2/json' + path, params=params, headers=TOKEN_HEADER,
                                  verify=self.handle.ca_file, timeout=10)
        assert answer.status_code == 200, (path, answer.status_code, answer.text)
        return answer.json()['data']

    def put(self, path, data):
        answer = self.session.put(self.handle.url + '/api2/json' + path, data=data, headers=TOKEN_HEADER,
                                  verify=self.handle.ca_file, timeout=10)
        assert answer.status_code == 200, (path, answer.status_code, answer.text)


@pytest.fixture(scope='module')
def molecule_lab(tmp_path_factory):
    handle = start_thread(PveApp(fixture=read_json(MOLECULE_FIXTURE)), workdir=str(tmp_path_factory.mktemp('pve-molecule')))
    yield Api(handle)
    handle.stop()


@pytest.fixture
def lab(molecule_lab):
    molecule_lab.handle.reset()
    return molecule_lab


def tier_guests(api):
    guests = api.get('/cluster/resources', type='vm')
    return [guest for guest in guests if set(str(guest.get('tags', '')).split(';')) & set(TIERS)]


def nics(config):
    return {key: dict(part.split('=', 1) for part in value.split(',') if '=' in part)
            for key, value in config.items() if key.startswith('net') and key[3:].isdigit()}


# -- the fixture file --------------------------------------------------------------------------

def test_molecule_fixture_is_the_default_lab_plus_more():
    default, molecule = read_json(DEFAULT_FIXTURE), read_json(MOLECULE_FIXTURE)
    for key in ('version', 'cluster_name', 'users', 'tokens', 'storage', 'images', 'zones', 'vnets', 'fw_files'):
        assert molecule[key] == default[key], key
    nodes = {node['node']: node for node in molecule['nodes']}
    for node in default['nodes']:
        assert nodes[node['node']] == node
    guests = {guest['vmid']: guest for guest in molecule['guests']}
    for guest in default['guests']:
        assert guests[guest['vmid']] == guest
    assert len(guests) == len(molecule['guests'])


def test_molecule_fixture_loads_without_warnings():
    assert PveApp(fixture=read_json(MOLECULE_FIXTURE)).warnings == []


# -- through the API ---------------------------------------------------------------------------

def test_several_nodes_each_with_the_three_bridges_and_its_own_address(lab):
    nodes = sorted(node['node'] for node in lab.get('/nodes'))
    assert len(nodes) >= 2 and 'pve1' in nodes
    addresses = set()
    for node in nodes:
        bridges = {iface['iface']: iface for iface in lab.get('/nodes/%s/network' % node, type='bridge')}
        assert sorted(bridges) == ['vmbr0', 'vmbr1', 'vmbr2'], node
        assert bridges['vmbr0']['cidr'].startswith('192.0.2.') and bridges['vmbr0']['cidr'].endswith('/24')
        addresses.add(bridges['vmbr0']['address'])
    assert len(addresses) == len(nodes)


def test_thirty_guests_in_the_tiers_spread_over_the_nodes(lab):
    guests = tier_guests(lab)
    assert len(guests) >= 30
    assert len({guest['node'] for guest in guests}) >= 2
    assert {guest['type'] for guest in guests} == {'qemu', 'lxc'}
    for tier in TIERS:
        assert [guest for guest in guests if tier in guest['tags'].split(';')], tier
    owners = [tag for guest in guests for tag in guest['tags'].split(';') if tag in TIERS]
    assert len(owners) == len(guests), 'a guest carries two tier tags'


def test_every_guest_nic_is_on_a_bridge_of_its_node_or_a_vnet(lab):
    vnets = {vnet['vnet'] for vnet in lab.get('/cluster/sdn/vnets')}
    bridges = {node['node']: {iface['iface'] for iface in lab.get('/nodes/%s/network' % node['node'], type='bridge')}
               for node in lab.get('/nodes')}
    macs = []
    for guest in lab.get('/cluster/resources', type='vm'):
        config = lab.get('/nodes/%s/%s/%d/config' % (guest['node'], guest['type'], guest['vmid']))
        for name, nic in nics(config).items():
            assert nic['bridge'] in bridges[guest['node']] | vnets, (guest['vmid'], name)
            macs.append(nic.get('hwaddr') or nic.get('virtio'))
    assert len(macs) == len(set(macs)), 'two NICs share a MAC address'


def test_containers_in_the_tiers_have_static_addresses(lab):
    """The microsegmented_host role learns a container's address from ip= (the db tier filters on it)."""
    for guest in tier_guests(lab):
        if guest['type'] == 'lxc':
            config = lab.get('/nodes/%s/lxc/%d/config' % (guest['node'], guest['vmid']))
            assert 'ip=' in config['net0'] and 'ip=dhcp' not in config['net0'], guest['vmid']


def test_the_firewall_vm_of_the_three_zone_dmz_is_there_outside_the_tiers(lab):
    dmz = read_yaml('inventories', 'lab', 'group_vars', 'lab', 'dmz.yml')
    role = read_yaml('roles', 'three_zone_dmz', 'defaults', 'main.yml')
    vmid, node = dmz['three_zone_dmz_vm_vmid'], dmz['three_zone_dmz_pve_node']
    found = [guest for guest in lab.get('/cluster/resources', type='vm') if guest['vmid'] == vmid]
    assert len(found) == 1 and found[0]['type'] == 'qemu' and found[0]['node'] == node
    config = lab.get('/nodes/%s/qemu/%d/config' % (node, vmid))
    assert config['name'] == dmz.get('three_zone_dmz_vm_name', role['three_zone_dmz_vm_name'])
    assert sorted(config['tags'].split(';')) == sorted(dmz['three_zone_dmz_vm_tags'])
    assert not set(config['tags'].split(';')) & set(TIERS)
    assert int(config['memory']) >= 9216 and int(config['cores']) == dmz.get('three_zone_dmz_vm_cores', role['three_zone_dmz_vm_cores'])
    bridge_map = role['three_zone_dmz_bridge_map']
    wanted = {'net0': bridge_map['management'], 'net1': bridge_map['untrust'], 'net2': bridge_map['dmz'],
              'net3': bridge_map['trust']}
    found_nics = nics(config)
    assert {name: nic['bridge'] for name, nic in found_nics.items()} == wanted
    assert [name for name, nic in sorted(found_nics.items()) if nic.get('firewall') == '1'] == []
    assert config['boot'] == 'order=scsi0;net0' and 'size=60G' in config['scsi0']


def test_reset_returns_to_the_molecule_lab(lab):
    lab.put('/nodes/pve2/qemu/103/config', {'net0': 'virtio=BC:24:11:00:01:03,bridge=vmbr1,firewall=0'})
    assert 'firewall=0' in lab.get('/nodes/pve2/qemu/103/config')['net0']
    lab.handle.reset()
    assert 'firewall=1' in lab.get('/nodes/pve2/qemu/103/config')['net0']
    assert len(tier_guests(lab)) >= 30


# -- labctl.py --pve-fixture -------------------------------------------------------------------

def test_labctl_resolves_fixture_names_and_files(tmp_path):
    assert labctl.resolve_fixture('pve', 'molecule') == MOLECULE_FIXTURE
    assert labctl.resolve_fixture('pve', 'molecule.json') == MOLECULE_FIXTURE
    own = tmp_path / 'mine.json'
    own.write_text('{}', encoding='utf-8')
    assert labctl.resolve_fixture('pve', str(own)) == str(own)
    with pytest.raises(ValueError, match='default, molecule'):
        labctl.resolve_fixture('pve', 'no-such-lab')


def test_labctl_refuses_an_unknown_fixture_before_starting_anything(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        labctl.main(['start', 'pve', '--pve-fixture', 'no-such-lab', '--dir', str(tmp_path)])
    assert stopped.value.code == 2
    assert 'no-such-lab' in capsys.readouterr().err
    assert not os.path.exists(os.path.join(str(tmp_path), 'pve-ready.json'))


def test_labctl_starts_the_pve_emulator_from_the_named_fixture(tmp_path):
    workdir = str(tmp_path)
    script = os.path.join(LAB_DIR, 'labctl.py')
    started = subprocess.run([sys.executable, script, 'start', 'pve', '--fresh', '--lifetime', '120', '--dir', workdir,
                              '--pve-fixture', 'molecule'], capture_output=True, text=True, timeout=60, check=False)
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        handle = LabHandle(read_json(os.path.join(workdir, 'pve-ready.json')))
        api = Api(handle)
        assert len(api.get('/nodes')) == len(read_json(MOLECULE_FIXTURE)['nodes'])
        api.put('/nodes/pve1/qemu/900/config', {'name': 'renamed'})
        handle.reset()
        assert api.get('/nodes/pve1/qemu/900/config')['name'] == 'pa-vm'
    finally:
        subprocess.run([sys.executable, script, 'stop', '--dir', workdir], capture_output=True, timeout=60, check=False)
