# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FwState: the evaluator's inputs from .fw files, gathered data and API answers."""

import pytest

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.fwstate import (
    FwState,
    corosync_from_api,
    nets_from_gathered,
    node_network,
)


def test_file_layouts_and_unknown_files():
    state = FwState.from_files({
        'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n', 'nodes/pve1/host.fw': '[RULES]\nIN ACCEPT -p tcp -dport 1\n',
        'host.fw': '[RULES]\nIN ACCEPT -p tcp -dport 2\n', 'firewall/100.fw': '[OPTIONS]\nenable: 1\n',
        'sdn/firewall/vnet1.fw': '[OPTIONS]\nenable: 1\n', 'notes.txt': 'x'})
    assert state.cluster['options'] == {'enable': 1}
    assert state.host_conf('pve1')['rules'][0]['dport'] == '1'
    assert state.host_conf('pve9')['rules'][0]['dport'] == '2'
    assert state.unplaced_guests(None) == [100]
    assert any('SDN VNet rules are not evaluated' in w for w in state.warnings)
    assert any('notes.txt: not a firewall file' in w for w in state.warnings)


def test_guest_ips_come_from_single_ipfilter_addresses():
    state = FwState.from_files({'100.fw': '[IPSET ipfilter-net0]\n10.0.0.5\n10.0.1.0/24\n!10.0.0.6\n2001:db8::5\n\n'
                                          '[IPSET other]\n10.9.9.9\n'})
    assert state.guest_ips(None) == {100: {'net0': ['10.0.0.5', '2001:db8::5']}}


def test_gathered_guest_nics_and_empty_firewalls():
    state = FwState.from_gathered({'guests': [
        {'vmid': 100, 'type': 'vm', 'node': 'a', 'options': {}, 'rules': [], 'aliases': [], 'ipsets': [],
         'nics': {'net0': {'raw': 'virtio=AA:BB:CC:DD:EE:FF,bridge=vmbr0,firewall=1'}}},
        {'vmid': 200, 'type': 'ct', 'node': 'b', 'options': {'enable': True}, 'nics': {'net0': {'bridge': 'vmbr1', 'firewall': True}}}]})
    assert state.guests[100].conf is None and state.guests[200].conf['options'] == {'enable': 1}
    assert state.vmdata('a') == {'qemu': {'100': {'net0': 'virtio=AA:BB:CC:DD:EE:FF,bridge=vmbr0,firewall=1'}}, 'lxc': {}}
    assert state.vmdata('b') == {'qemu': {}, 'lxc': {'200': {'net0': 'bridge=vmbr1,firewall=1'}}}
    assert nets_from_gathered({'net1': 'bridge=vmbr2'}) == {'net1': 'bridge=vmbr2'}
    with pytest.raises(ValidationError, match=r"firewall.guests\[0\].type 'kvm' is not one of vm, ct"):
        FwState.from_gathered({'guests': [{'vmid': 1, 'type': 'kvm'}]})
    with pytest.raises(ValidationError, match=r'firewall.nodes\[0\].rules\[0\] needs at least type and action'):
        FwState.from_gathered({'nodes': [{'name': 'a', 'rules': [{'type': 'in'}]}]})


def test_node_network_prefers_the_gateway_interface():
    interfaces = [{'iface': 'vmbr1', 'type': 'bridge', 'address': '10.1.0.1', 'cidr': '10.1.0.1/16'},
                  {'iface': 'eno1', 'type': 'eth', 'address': '192.0.2.10', 'netmask': '255.255.255.0', 'gateway': '192.0.2.1'},
                  {'iface': 'vmbr2', 'type': 'bridge'}]
    assert node_network(interfaces) == {'address': '192.0.2.10', 'local_network': '192.0.2.0/24'}
    assert node_network(interfaces[:1]) == {'address': '10.1.0.1', 'local_network': '10.1.0.0/16', 'bridge': 'vmbr1'}
    assert node_network([]) == {}


def test_corosync_from_the_api_node_list():
    conf = corosync_from_api([{'name': 'pve1', 'nodeid': '1', 'ring0_addr': '192.0.2.10', 'link1_addr': '10.0.0.1'},
                              {'node': 'pve2', 'ring0_addr': '192.0.2.11'}])
    assert conf['nodelist']['node'] == [{'name': 'pve1', 'ring0_addr': '192.0.2.10', 'link1_addr': '10.0.0.1'},
                                        {'name': 'pve2', 'ring0_addr': '192.0.2.11'}]


def test_changes_merge_options_and_replace_named_items():
    state = FwState.from_files({'cluster.fw': '[OPTIONS]\nenable: 1\npolicy_in: ACCEPT\n\n[IPSET aa]\n10.0.0.1\n\n[IPSET bb]\n10.0.0.2\n\n'
                                              '[RULES]\nIN DROP\n', 'host.fw': '[RULES]\nIN DROP -p tcp\n'})
    state.apply_changes({'cluster': {'options': {'policy_in': 'DROP', 'ebtables': False},
                                     'ipsets': [{'name': 'BB', 'members': [{'cidr': '10.0.0.3', 'nomatch': True}]}]},
                         'nodes': [{'name': 'pve1', 'rules': []}],
                         'guests': [{'vmid': 100, 'type': 'ct', 'options': {'enable': True}, 'nics': {'net0': 'bridge=vmbr0,firewall=1'}}]})
    assert state.cluster['options'] == {'enable': 1, 'policy_in': 'DROP', 'ebtables': 0}
    assert state.cluster['ipset'] == {'aa': [{'cidr': '10.0.0.1'}], 'bb': [{'cidr': '10.0.0.3', 'nomatch': 1}]}
    assert state.cluster['rules'][0]['action'] == 'DROP'
    assert state.host_conf('pve1')['rules'] == [] and state.host_conf('pve2')['rules'][0]['proto'] == 'tcp'
    assert state.vmdata(None)['lxc'] == {'100': {'net0': 'bridge=vmbr0,firewall=1'}}
    with pytest.raises(ValidationError):
        state.apply_changes({'nodes': [{'rules': []}]})
