# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IP sets at cluster and guest level (API-FACTS section 6)."""

import pytest

MODIFIED = 'detected modified configuration - file changed by other user? Try again.'
BASES = ['/cluster/firewall/ipset', '/nodes/pve1/qemu/100/firewall/ipset', '/nodes/pve1/lxc/200/firewall/ipset']


@pytest.fixture(params=BASES)
def base(request):
    return request.param


def entries(pve, base, name='web'):
    return pve.data('GET', '%s/%s' % (base, name))


def test_create_list_and_duplicate(pve, base):
    pve.data('POST', base, {'name': 'web', 'comment': 'web servers'})
    assert [(entry['name'], entry['comment']) for entry in pve.data('GET', base)] == [('web', 'web servers')]
    _status, _reason, body = pve.error('POST', base, {'name': 'web'})
    assert body['errors'] == {'name': "IPSet 'web' already exists"}


def test_names_are_lower_cased_on_read(pve, base):
    pve.data('POST', base, {'name': 'WebServers'})
    assert [entry['name'] for entry in pve.data('GET', base)] == ['webservers']
    status, reason, _body = pve.error('GET', base + '/WebServers')
    assert (status, reason) == (500, "no such IPSet 'WebServers'")


@pytest.mark.parametrize('given, stored', [
    ('10.0.0.11/24', '10.0.0.0/24'),
    ('10.0.0.5/32', '10.0.0.5'),
    ('10.0.0.5', '10.0.0.5'),
    ('2001:0DB8::1/64', '2001:db8::/64'),
    ('2001:0DB8::1/128', '2001:db8::1'),
    ('2001:0DB8::1', '2001:0DB8::1'),
])
def test_entries_are_normalised(pve, base, given, stored):
    pve.data('POST', base, {'name': 'web'})
    pve.data('POST', base + '/web', {'cidr': given})
    assert [entry['cidr'] for entry in entries(pve, base)] == [stored]


def test_entries_are_sorted_and_nomatch_is_returned_only_when_set(pve, base):
    pve.data('POST', base, {'name': 'web'})
    for cidr in ('192.168.1.0/24', '10.0.0.9', '172.16.0.0/12'):
        pve.data('POST', base + '/web', {'cidr': cidr, 'comment': 'c ' + cidr})
    pve.data('POST', base + '/web', {'cidr': '10.0.0.0/8', 'nomatch': '1'})
    listed = entries(pve, base)
    assert [entry['cidr'] for entry in listed] == ['10.0.0.0/8', '10.0.0.9', '172.16.0.0/12', '192.168.1.0/24']
    assert [entry.get('nomatch') for entry in listed] == [1, None, None, None]
    assert len({entry['digest'] for entry in listed}) == 1


def test_duplicate_after_normalisation_and_zero_prefix(pve, base):
    pve.data('POST', base, {'name': 'web'})
    pve.data('POST', base + '/web', {'cidr': '10.0.0.0/24'})
    _status, _reason, body = pve.error('POST', base + '/web', {'cidr': '10.0.0.77/24'})
    assert body['errors'] == {'cidr': "address '10.0.0.0/24' already exists"}
    _status, _reason, body = pve.error('POST', base + '/web', {'cidr': '0.0.0.0/0'})
    assert body['errors'] == {'cidr': 'a zero prefix is not allowed in ipset entries'}


def test_alias_entries_must_exist(pve):
    base = BASES[0]
    pve.data('POST', base, {'name': 'web'})
    status, reason, _body = pve.error('POST', base + '/web', {'cidr': 'nosuch'})
    assert (status, reason) == (500, "no such alias 'nosuch'")
    pve.data('POST', '/cluster/firewall/aliases', {'name': 'gw', 'cidr': '10.0.0.1'})
    pve.data('POST', base + '/web', {'cidr': 'dc/gw'})
    assert entries(pve, base)[0]['cidr'] == 'dc/gw'


def test_read_update_and_missing_entry(pve, base):
    pve.data('POST', base, {'name': 'web'})
    pve.data('POST', base + '/web', {'cidr': '10.0.0.0/24', 'comment': 'lan', 'nomatch': '1'})
    entry = pve.data('GET', base + '/web/10.0.0.0/24')
    assert (entry['cidr'], entry['comment'], entry['nomatch']) == ('10.0.0.0/24', 'lan', 1)
    assert pve.data('GET', base + '/web/10.0.0.0%2F24')['cidr'] == '10.0.0.0/24'
    pve.data('PUT', base + '/web/10.0.0.0/24', {'comment': 'renamed'})
    entry = pve.data('GET', base + '/web/10.0.0.0/24')
    assert entry['comment'] == 'renamed' and 'nomatch' not in entry
    pve.data('PUT', base + '/web/10.0.0.0/24', {})
    assert 'comment' not in pve.data('GET', base + '/web/10.0.0.0/24')
    for method in ('GET', 'PUT'):
        _status, _reason, body = pve.error(method, base + '/web/10.0.0.7/24')
        assert body['errors'] == {'cidr': 'no such IP/Network'}


def test_entry_path_is_matched_exactly(pve, base):
    pve.data('POST', base, {'name': 'web'})
    pve.data('POST', base + '/web', {'cidr': '10.0.0.5/32'})
    _status, _reason, body = pve.error('GET', base + '/web/10.0.0.5/32')
    assert body['errors'] == {'cidr': 'no such IP/Network'}
    assert pve.data('GET', base + '/web/10.0.0.5')['cidr'] == '10.0.0.5'


def test_entry_digest_is_checked_on_put_and_delete(pve, base):
    pve.data('POST', base, {'name': 'web'})
    pve.data('POST', base + '/web', {'cidr': '10.0.0.1'})
    for method in ('PUT', 'DELETE'):
        answer = pve.raw(method, base + '/web/10.0.0.1', data={'digest': 'f' * 40} if method == 'PUT' else None,
                         params={'digest': 'f' * 40} if method == 'DELETE' else None)
        assert (answer.status_code, answer.reason) == (500, MODIFIED)


def test_delete_entry_is_silent_when_missing(pve, base):
    pve.data('POST', base, {'name': 'web'})
    pve.data('POST', base + '/web', {'cidr': '10.0.0.1'})
    pve.data('DELETE', base + '/web/10.0.0.2')
    pve.data('DELETE', base + '/web/10.0.0.1')
    assert entries(pve, base) == []


def test_delete_set_needs_force_when_not_empty(pve, base):
    pve.data('POST', base, {'name': 'web'})
    pve.data('POST', base + '/web', {'cidr': '10.0.0.1'})
    status, reason, _body = pve.error('DELETE', base + '/web')
    assert (status, reason) == (500, "IPSet 'web' is not empty")
    pve.data('DELETE', base + '/web', params={'force': '1'})
    assert pve.data('GET', base) == []


def test_rename_and_comment(pve, base):
    pve.data('POST', base, {'name': 'web', 'comment': 'old'})
    pve.data('POST', base + '/web', {'cidr': '10.0.0.1'})
    pve.data('POST', base, {'name': 'frontend', 'rename': 'web'})
    listed = pve.data('GET', base)
    assert [(entry['name'], entry['comment']) for entry in listed] == [('frontend', 'old')]
    assert entries(pve, base, 'frontend')[0]['cidr'] == '10.0.0.1'
    pve.data('POST', base, {'name': 'frontend', 'rename': 'frontend', 'comment': 'new'})
    assert pve.data('GET', base)[0]['comment'] == 'new'


def test_rename_errors_and_digest(pve, base):
    pve.data('POST', base, {'name': 'a1'})
    pve.data('POST', base, {'name': 'b1'})
    _status, _reason, body = pve.error('POST', base, {'name': 'c1', 'rename': 'zz'})
    assert body['errors'] == {'name': "IPSet 'zz' does not exist"}
    _status, _reason, body = pve.error('POST', base, {'name': 'b1', 'rename': 'a1'})
    assert body['errors'] == {'name': "IPSet 'b1' does already exist"}
    status, reason, _body = pve.error('POST', base, {'name': 'c1', 'rename': 'a1', 'digest': 'f' * 40})
    assert (status, reason) == (500, MODIFIED)
    pve.data('POST', base, {'name': 'd1', 'digest': 'f' * 40})


def test_rename_does_not_update_rules(pve):
    pve.data('POST', '/cluster/firewall/ipset', {'name': 'web'})
    pve.data('POST', '/cluster/firewall/rules', {'type': 'in', 'action': 'ACCEPT', 'source': '+web'})
    pve.data('POST', '/cluster/firewall/ipset', {'name': 'front', 'rename': 'web'})
    rule = pve.rules('/cluster/firewall/rules')[0]
    assert rule['source'] == '+web'
    assert rule['errors'] == {'source': "no such ipset 'web'"}


def test_guest_sets_are_per_vmid_for_any_vmid(pve):
    pve.data('POST', '/nodes/pve1/qemu/999/firewall/ipset', {'name': 'ipfilter-net0'})
    assert pve.data('GET', '/nodes/pve1/qemu/100/firewall/ipset') == []
    assert [entry['name'] for entry in pve.data('GET', '/nodes/pve1/lxc/999/firewall/ipset')] == ['ipfilter-net0']
    assert 'firewall/999.fw' in pve.fw_files()


def test_written_form(pve):
    base = BASES[0]
    pve.data('POST', base, {'name': 'web', 'comment': 'servers'})
    pve.data('POST', base + '/web', {'cidr': '10.0.0.9', 'comment': 'one'})
    pve.data('POST', base + '/web', {'cidr': '10.0.0.0/8', 'nomatch': '1'})
    assert pve.fw_files()['firewall/cluster.fw'] == '[IPSET web] # servers\n\n!10.0.0.0/8\n10.0.0.9 # one\n\n'
