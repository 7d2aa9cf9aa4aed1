# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pve_firewall_info guest_parts against the PVE emulator: what is read per guest, and the static addresses."""

import json
import os
import re
from collections import Counter

import pytest

from ansible_collections.zonewarden.firewall.tests.unit.module_runner import LAB_DIR

SUMMARY_KEYS = {'vmid', 'type', 'node', 'name', 'status', 'tags'}
GUEST_PATH = re.compile(r'^GET /api2/json/nodes/[^/]+/(?:qemu|lxc)/(\d+)/(config|firewall/options|firewall/rules|firewall/aliases|firewall/ipset)(/.*)?$')
# The request each part costs; nics and addresses share the guest config.
PART_REQUEST = {'options': 'firewall/options', 'rules': 'firewall/rules', 'aliases': 'firewall/aliases',
                'ipsets': 'firewall/ipset', 'nics': 'config', 'addresses': 'config'}


def guest_requests(handle):
    """{vmid: Counter(kind of request)} from the emulator's request log; an IP set's entries count as firewall/ipset/*."""
    found = {}
    for key, count in handle.log()['by_path'].items():
        match = GUEST_PATH.match(key.split('?')[0])
        if match:
            kind = match.group(2) + ('/*' if match.group(3) else '')
            found.setdefault(int(match.group(1)), Counter())[kind] += count
    return found


def default_fixture():
    with open(os.path.join(LAB_DIR, 'pve_api', 'fixtures', 'default.json'), encoding='utf-8') as stream:
        return json.load(stream)


def warning_texts(result):
    """The warnings that name a guest, from a result (ansible-core 2.19 wraps each one in an event)."""
    texts = (w['event']['msg'] if isinstance(w, dict) else w for w in result.get('warnings', []))
    return sorted(text for text in texts if re.match(r'^(VM|container) \d+: ', text))


def info(pve_lab, **args):
    result = pve_lab.run('pve_firewall_info', gather=['guests'], **args)
    assert not result.failed, result
    return result


@pytest.mark.parametrize('parts', [
    ['options'], ['rules'], ['aliases'], ['ipsets'], ['nics'], ['addresses'], ['nics', 'addresses'],
    ['ipsets', 'nics'], ['options', 'rules', 'ipsets', 'aliases', 'nics', 'addresses'], [],
])
def test_only_the_asked_parts_are_read_once_per_guest(pve_lab, parts):
    pve_lab.handle.clear_log()
    result = info(pve_lab, vmids=[100, 200], guest_parts=parts)
    guests = result['firewall']['guests']
    assert [g['vmid'] for g in guests] == [100, 200]
    for guest in guests:
        assert set(guest) == SUMMARY_KEYS | set(parts)
    assert warning_texts(result) == []
    expected = Counter(set(PART_REQUEST[part] for part in parts))
    requests = guest_requests(pve_lab.handle)
    assert requests.get(100, Counter()) == expected
    assert requests.get(200, Counter()) == expected
    # One cluster read for the guest list, then exactly the per-guest reads.
    assert result['api_reads'] == pve_lab.reads() == 1 + 2 * sum(expected.values())


def test_default_parts_are_the_former_behaviour(pve_lab):
    pve_lab.handle.clear_log()
    guests = info(pve_lab, vmids=[100])['firewall']['guests']
    assert set(guests[0]) == SUMMARY_KEYS | {'options', 'rules', 'aliases', 'ipsets', 'nics'}
    assert guest_requests(pve_lab.handle)[100] == Counter(['firewall/options', 'firewall/rules', 'firewall/aliases',
                                                           'firewall/ipset', 'config'])
    without_nics = info(pve_lab, vmids=[100], include_nics=False)['firewall']['guests'][0]
    assert set(without_nics) == SUMMARY_KEYS | {'options', 'rules', 'aliases', 'ipsets'}


def test_each_ip_set_costs_one_more_read(pve_lab):
    sets = [dict(name='ipfilter-net0', members=[dict(cidr='192.0.2.100')]), dict(name='extra', members=[dict(cidr='198.51.100.0/24')])]
    assert not pve_lab.run('pve_ipsets', level='vm', vmid=100, config=sets).failed
    pve_lab.handle.clear_log()
    guest = info(pve_lab, vmids=[100], guest_parts=['ipsets'])['firewall']['guests'][0]
    assert [s['name'] for s in guest['ipsets']] == ['extra', 'ipfilter-net0']
    assert guest['ipsets'][1]['members'] == [dict(cidr='192.0.2.100', nomatch=False, comment='')]
    assert guest_requests(pve_lab.handle)[100] == Counter({'firewall/ipset': 1, 'firewall/ipset/*': 2})


def test_include_nics_adds_nics_to_the_parts_and_contradictions_fail(pve_lab):
    guest = info(pve_lab, vmids=[100], guest_parts=['ipsets'], include_nics=True)['firewall']['guests'][0]
    assert set(guest) == SUMMARY_KEYS | {'ipsets', 'nics'}
    assert guest['nics']['net0']['firewall'] is True
    pve_lab.handle.clear_log()
    refused = pve_lab.run('pve_firewall_info', gather=['guests'], vmids=[100], guest_parts=['nics'], include_nics=False)
    assert refused.failed and 'include_nics=false contradicts guest_parts' in refused['msg']
    assert pve_lab.reads() == 0


def test_no_details_ignores_the_parts(pve_lab):
    pve_lab.handle.clear_log()
    result = info(pve_lab, tags=['tier-app'], guest_details=False, guest_parts=['nics'], include_nics=False)
    assert [set(g) for g in result['firewall']['guests']] == [SUMMARY_KEYS, SUMMARY_KEYS]
    assert result['api_reads'] == 1


def test_unknown_part_is_refused_by_the_argument_spec(pve_lab):
    refused = pve_lab.run('pve_firewall_info', gather=['guests'], guest_parts=['firewall'])
    assert refused.failed and 'guest_parts' in refused['msg']


def lab_with_addresses():
    fixture = default_fixture()
    configs = dict((guest['vmid'], guest['config']) for guest in fixture['guests'])
    configs[100].update(ipconfig0='ip=192.0.2.100/24,gw=192.0.2.1,ip6=2001:DB8::100/64,gw6=2001:db8::1')
    configs[101].update(ipconfig0='ip=dhcp,ip6=auto')
    configs[110].update(net1='virtio=BC:24:11:00:01:11,bridge=vmbr1,firewall=1', ipconfig0='ip=192.0.2.310/24',
                        ipconfig1='ip6=2001:db8:1::110/64', ipconfig5='ip=192.0.2.115/24')
    configs[200]['net0'] += ',ip6=2001:db8::50/64'
    configs[201]['net0'] = configs[201]['net0'].replace('ip=192.0.2.51/24', 'ip=dhcp,ip6=manual')
    return fixture


def test_addresses_come_from_ipconfig_and_container_nics_with_warnings_for_bad_values(pve_lab):
    pve_lab.handle.load(lab_with_addresses())
    pve_lab.handle.clear_log()
    result = info(pve_lab, guest_parts=['addresses'])
    by_vmid = dict((g['vmid'], g['addresses']) for g in result['firewall']['guests'])
    assert by_vmid[100] == [
        dict(nic='net0', source='ipconfig0', family=4, address='192.0.2.100', cidr='192.0.2.100/24', network='192.0.2.0/24'),
        dict(nic='net0', source='ipconfig0', family=6, address='2001:db8::100', cidr='2001:db8::100/64', network='2001:db8::/64'),
    ]
    assert by_vmid[101] == []
    assert [(a['nic'], a['address']) for a in by_vmid[110]] == [('net1', '2001:db8:1::110')]
    assert by_vmid[120] == []
    assert [(a['nic'], a['source'], a['cidr']) for a in by_vmid[200]] == [
        ('net0', 'net0', '192.0.2.50/24'), ('net0', 'net0', '2001:db8::50/64')]
    assert by_vmid[201] == []
    assert warning_texts(result) == [
        "VM 110: ipconfig0 ip=192.0.2.310/24 is ignored: '192.0.2.310' is not an IP address",
        'VM 110: ipconfig5 is set but there is no net5: its addresses are ignored',
    ]
    # The config is read once per guest, whatever else is asked from it.
    assert all(counts == Counter(['config']) for counts in guest_requests(pve_lab.handle).values())
    assert result['api_reads'] == 1 + 6


def test_nics_and_addresses_share_one_config_read(pve_lab):
    pve_lab.handle.load(lab_with_addresses())
    pve_lab.handle.clear_log()
    guest = info(pve_lab, vmids=[200], guest_parts=['nics', 'addresses'])['firewall']['guests'][0]
    assert guest['nics']['net0']['bridge'] == 'vmbr0'
    assert [a['address'] for a in guest['addresses']] == ['192.0.2.50', '2001:db8::50']
    assert guest_requests(pve_lab.handle) == {200: Counter(['config'])}
