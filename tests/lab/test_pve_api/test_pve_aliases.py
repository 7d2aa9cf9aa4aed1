# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Aliases at cluster and guest level (API-FACTS section 7)."""

import pytest

MODIFIED = 'detected modified configuration - file changed by other user? Try again.'


@pytest.fixture(params=['/cluster/firewall/aliases', '/nodes/pve1/qemu/100/firewall/aliases',
                        '/nodes/pve1/lxc/200/firewall/aliases'])
def base(request):
    return request.param


def test_create_and_list(pve, base):
    pve.data('POST', base, {'name': 'gw', 'cidr': '10.0.0.1', 'comment': 'gateway'})
    pve.data('POST', base, {'name': 'lan6', 'cidr': '2001:db8::/64'})
    listed = pve.data('GET', base)
    assert [(entry['name'], entry['cidr'], entry['ipversion'], entry.get('comment')) for entry in listed] == [
        ('gw', '10.0.0.1', 4, 'gateway'), ('lan6', '2001:db8::/64', 6, None)]
    assert len({entry['digest'] for entry in listed}) == 1


def test_names_are_case_insensitive_but_keep_spelling(pve, base):
    pve.data('POST', base, {'name': 'WebGW', 'cidr': '10.0.0.1'})
    _status, _reason, body = pve.error('POST', base, {'name': 'webgw', 'cidr': '10.0.0.2'})
    assert body['errors'] == {'name': "alias 'webgw' already exists"}
    entry = pve.data('GET', base + '/WEBGW')
    assert (entry['name'], entry['cidr']) == ('WebGW', '10.0.0.1')
    assert 'digest' not in entry


def test_host_bits_kept_and_host_prefixes_dropped(pve, base):
    pve.data('POST', base, {'name': 'a1', 'cidr': '10.0.0.5/24'})
    pve.data('POST', base, {'name': 'a2', 'cidr': '10.0.0.6/32'})
    pve.data('POST', base, {'name': 'a3', 'cidr': '2001:db8::7/128'})
    assert [entry['cidr'] for entry in pve.data('GET', base)] == ['10.0.0.5/24', '10.0.0.6', '2001:db8::7']


def test_missing_alias(pve, base):
    _status, _reason, body = pve.error('GET', base + '/nope')
    assert body['errors'] == {'name': 'no such alias'}
    _status, _reason, body = pve.error('PUT', base + '/nope', {'cidr': '10.0.0.1'})
    assert body['errors'] == {'name': 'no such alias'}
    pve.data('DELETE', base + '/nope')


def test_put_requires_cidr_and_replaces_comment(pve, base):
    pve.data('POST', base, {'name': 'gw', 'cidr': '10.0.0.1', 'comment': 'old'})
    _status, _reason, body = pve.error('PUT', base + '/gw', {'comment': 'new'})
    assert body['errors'] == {'cidr': 'property is missing and it is not optional'}
    pve.data('PUT', base + '/gw', {'cidr': '10.0.0.254'})
    entry = pve.data('GET', base + '/gw')
    assert entry['cidr'] == '10.0.0.254' and 'comment' not in entry


def test_rename_and_rename_conflict(pve, base):
    pve.data('POST', base, {'name': 'gw', 'cidr': '10.0.0.1'})
    pve.data('POST', base, {'name': 'dns', 'cidr': '10.0.0.53'})
    _status, _reason, body = pve.error('PUT', base + '/gw', {'cidr': '10.0.0.1', 'rename': 'DNS'})
    assert body['errors'] == {'name': "alias 'DNS' already exists"}
    pve.data('PUT', base + '/gw', {'cidr': '10.0.0.1', 'rename': 'Router'})
    assert [entry['name'] for entry in pve.data('GET', base)] == ['dns', 'Router']


def test_digest_checked_on_put_and_delete_not_post(pve, base):
    pve.data('POST', base, {'name': 'gw', 'cidr': '10.0.0.1'})
    stale = pve.data('GET', base)[0]['digest']
    pve.data('POST', base, {'name': 'dns', 'cidr': '10.0.0.53'})
    status, reason, _body = pve.error('PUT', base + '/gw', {'cidr': '10.0.0.2', 'digest': stale})
    assert (status, reason) == (500, MODIFIED)
    answer = pve.raw('DELETE', base + '/gw', params={'digest': stale})
    assert (answer.status_code, answer.reason) == (500, MODIFIED)


def test_rename_does_not_update_references(pve):
    base = '/cluster/firewall/aliases'
    pve.data('POST', base, {'name': 'gw', 'cidr': '10.0.0.1'})
    pve.data('POST', '/cluster/firewall/rules', {'type': 'in', 'action': 'ACCEPT', 'source': 'gw'})
    pve.data('PUT', base + '/gw', {'cidr': '10.0.0.1', 'rename': 'router'})
    assert pve.rules('/cluster/firewall/rules')[0]['errors'] == {'source': "no such alias 'gw'"}


def test_guest_rules_may_use_guest_and_cluster_aliases(pve):
    pve.data('POST', '/cluster/firewall/aliases', {'name': 'dcnet', 'cidr': '10.0.0.0/8'})
    pve.data('POST', '/nodes/pve1/qemu/100/firewall/aliases', {'name': 'mine', 'cidr': '2001:db8::1'})
    path = '/nodes/pve1/qemu/100/firewall/rules'
    pve.data('POST', path, {'type': 'in', 'action': 'ACCEPT', 'source': 'dc/dcnet'})
    pve.data('POST', path, {'type': 'in', 'action': 'ACCEPT', 'source': 'guest/mine'})
    assert [rule['ipversion'] for rule in pve.rules(path)] == [6, 4]
    _status, _reason, body = pve.error('POST', '/nodes/pve1/qemu/101/firewall/rules',
                                       {'type': 'in', 'action': 'ACCEPT', 'source': 'mine'})
    assert body['errors'] == {'source': "no such alias 'mine'"}
