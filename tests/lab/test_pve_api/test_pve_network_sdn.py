# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Node network bridges with pending changes, and SDN VNets/subnets."""


def bridges(pve):
    return [iface['iface'] for iface in pve.data('GET', '/nodes/pve1/network', params={'type': 'bridge'})]


def test_list_and_type_filters(pve):
    assert bridges(pve) == ['vmbr0', 'vmbr1', 'vmbr2']
    any_bridge = pve.data('GET', '/nodes/pve1/network', params={'type': 'any_bridge'})
    assert [iface['iface'] for iface in any_bridge] == ['vmbr0', 'vmbr1', 'vmbr2']
    eths = pve.data('GET', '/nodes/pve1/network', params={'type': 'eth'})
    assert [iface['iface'] for iface in eths] == ['eno1', 'eno2']
    vmbr0 = pve.data('GET', '/nodes/pve1/network/vmbr0')
    assert (vmbr0['cidr'], vmbr0['bridge_ports'], vmbr0['active']) == ('192.0.2.10/24', 'eno1', 1)


def test_create_is_pending_until_applied(pve):
    pve.data('POST', '/nodes/pve1/network', {'iface': 'vmbr5', 'type': 'bridge', 'autostart': '1',
                                             'cidr': '10.5.0.1/24', 'comments': 'lab'})
    answer = pve.raw('GET', '/nodes/pve1/network').json()
    assert '+auto vmbr5' in answer['changes']
    new = pve.data('GET', '/nodes/pve1/network/vmbr5')
    assert (new['address'], new['netmask'], new['active']) == ('10.5.0.1', '24', 0)
    upid = pve.data('PUT', '/nodes/pve1/network')
    assert ':srvreload:networking:' in upid
    assert 'changes' not in pve.raw('GET', '/nodes/pve1/network').json()
    assert pve.data('GET', '/nodes/pve1/network/vmbr5')['active'] == 1


def test_revert_discards_pending_changes(pve):
    pve.data('POST', '/nodes/pve1/network', {'iface': 'vmbr5', 'type': 'bridge'})
    pve.data('PUT', '/nodes/pve1/network/vmbr1', {'type': 'bridge', 'comments': 'changed'})
    pve.data('DELETE', '/nodes/pve1/network/vmbr2')
    assert bridges(pve) == ['vmbr0', 'vmbr1', 'vmbr5']
    pve.data('DELETE', '/nodes/pve1/network')
    assert bridges(pve) == ['vmbr0', 'vmbr1', 'vmbr2']
    assert pve.data('GET', '/nodes/pve1/network/vmbr1')['comments'] == 'dmz'


def test_update_and_delete_apply_after_reload(pve):
    pve.data('PUT', '/nodes/pve1/network/vmbr1', {'type': 'bridge', 'bridge_vlan_aware': '1', 'delete': 'comments'})
    pve.data('DELETE', '/nodes/pve1/network/vmbr2')
    pve.data('PUT', '/nodes/pve1/network')
    assert bridges(pve) == ['vmbr0', 'vmbr1']
    vmbr1 = pve.data('GET', '/nodes/pve1/network/vmbr1')
    assert vmbr1['bridge_vlan_aware'] == 1 and 'comments' not in vmbr1


def test_network_errors(pve):
    _status, _reason, body = pve.error('POST', '/nodes/pve1/network', {'iface': 'vmbr0', 'type': 'bridge'})
    assert body['errors'] == {'iface': 'interface already exists'}
    for method in ('GET', 'DELETE'):
        _status, _reason, body = pve.error(method, '/nodes/pve1/network/vmbr9')
        assert body['errors'] == {'iface': 'interface does not exist'}
    _status, _reason, body = pve.error('PUT', '/nodes/pve1/network/vmbr9', {'type': 'bridge'})
    assert body['errors'] == {'iface': 'interface does not exist'}
    _status, _reason, body = pve.error('POST', '/nodes/pve1/network', {'iface': 'vmbr6', 'type': 'bridge',
                                                                       'bridge_ports': 'eno1'})
    assert body['errors'] == {'bridge_ports': "eno1 is already used on interface 'vmbr0'."}
    _status, _reason, body = pve.error('POST', '/nodes/pve1/network', {'iface': 'vmbr6', 'type': 'bridge',
                                                                       'cidr': '10.6.0.1/24', 'gateway': '10.6.0.254'})
    assert body['errors'] == {'gateway': "Default gateway already exists on interface 'vmbr0'."}


def test_vnet_lifecycle_and_firewall(pve):
    pve.data('POST', '/cluster/sdn/vnets', {'vnet': 'dmz', 'zone': 'lab', 'tag': '20'})
    assert 'dmz' in [vnet['vnet'] for vnet in pve.data('GET', '/cluster/sdn/vnets')]
    pve.data('POST', '/cluster/sdn/vnets/dmz/firewall/rules', {'type': 'forward', 'action': 'DROP', 'enable': '1'})
    pve.data('PUT', '/cluster/sdn/vnets/dmz/firewall/options', {'enable': '1', 'policy_forward': 'DROP'})
    assert pve.fw_files()['sdn/firewall/dmz.fw'] == (
        '[OPTIONS]\n\nenable: 1\npolicy_forward: DROP\n\n[RULES]\n\nFORWARD DROP\n\n')
    pve.data('PUT', '/cluster/sdn/vnets/dmz', {'alias': 'demilitarised'})
    vnet = pve.data('GET', '/cluster/sdn/vnets/dmz')
    assert (vnet['alias'], vnet['tag'], vnet['zone']) == ('demilitarised', 20, 'lab')
    pve.data('POST', '/cluster/sdn/vnets/dmz/subnets', {'subnet': '10.20.0.0/24', 'type': 'subnet',
                                                        'gateway': '10.20.0.1'})
    assert pve.data('GET', '/cluster/sdn/vnets/dmz/subnets')[0]['id'] == 'lab-10.20.0.0-24'
    status, _reason, _body = pve.error('DELETE', '/cluster/sdn/vnets/dmz')
    assert status == 500


def test_vnet_errors(pve):
    status, reason, _body = pve.error('POST', '/cluster/sdn/vnets', {'vnet': 'vnet10', 'zone': 'lab'})
    assert (status, reason) == (500, "sdn vnet object ID 'vnet10' already defined")
    _status, _reason, body = pve.error('POST', '/cluster/sdn/vnets', {'vnet': 'x2'})
    assert body['errors'] == {'zone': 'property is missing and it is not optional'}
    pve.data('POST', '/cluster/sdn/vnets', {'vnet': 'tmp1', 'zone': 'lab'})
    pve.data('DELETE', '/cluster/sdn/vnets/tmp1')
    status, reason, _body = pve.error('GET', '/cluster/sdn/vnets/tmp1/firewall/rules')
    assert status == 500 and reason.startswith('invalid vnet specified')
