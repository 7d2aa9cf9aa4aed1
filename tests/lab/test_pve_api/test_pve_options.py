# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options at every level, the cluster enable timestamp (API-FACTS sections 5 and 9.3)."""

import hashlib

import pytest

MODIFIED = 'detected modified configuration - file changed by other user? Try again.'
OPTIONS = {
    'cluster': '/cluster/firewall/options',
    'host': '/nodes/pve1/firewall/options',
    'vm': '/nodes/pve1/qemu/100/firewall/options',
    'ct': '/nodes/pve1/lxc/200/firewall/options',
    'vnet': '/cluster/sdn/vnets/vnet10/firewall/options',
}
SAMPLE = {
    'cluster': {'policy_in': 'DROP', 'ebtables': '0', 'log_ratelimit': 'enable=1,rate=10/minute'},
    'host': {'nosmurfs': '1', 'nf_conntrack_max': '524288', 'log_level_in': 'info', 'nf_conntrack_helpers': 'ftp,sip'},
    'vm': {'policy_in': 'ACCEPT', 'dhcp': '1', 'log_level_out': 'debug'},
    'ct': {'macfilter': '0', 'radv': '1'},
    'vnet': {'policy_forward': 'DROP', 'log_level_forward': 'warning'},
}
TYPED = {'ebtables': 0, 'nosmurfs': 1, 'nf_conntrack_max': 524288, 'dhcp': 1, 'macfilter': 0, 'radv': 1}


@pytest.fixture(params=sorted(OPTIONS))
def level(request):
    return request.param


def options(pve, level):
    return pve.data('GET', OPTIONS[level])


def test_fresh_options_are_only_a_digest(pve, level):
    assert options(pve, level) == {'digest': hashlib.sha1(b'').hexdigest()}


def test_put_merges_and_get_returns_only_set_keys(pve, level):
    pve.data('PUT', OPTIONS[level], SAMPLE[level])
    first = dict(SAMPLE[level])
    pve.data('PUT', OPTIONS[level], {'enable': '1'})
    expected = {key: TYPED.get(key, value) for key, value in first.items()}
    expected['enable'] = 1
    got = options(pve, level)
    digest = got.pop('digest')
    assert got == expected
    text = ''.join('%s:%s\n' % (key, got[key]) for key in sorted(got))
    assert digest == hashlib.sha1(text.encode('utf-8')).hexdigest()


def test_delete_removes_keys_and_unknown_key_is_refused(pve, level):
    pve.data('PUT', OPTIONS[level], SAMPLE[level])
    key = sorted(SAMPLE[level])[0]
    pve.data('PUT', OPTIONS[level], {'delete': key})
    assert key not in options(pve, level)
    second = sorted(SAMPLE[level])[1]
    _status, _reason, body = pve.error('PUT', OPTIONS[level], {'delete': '%s,nosuchoption' % second})
    assert body['errors'] == {'delete': "no such option 'nosuchoption'"}
    assert second in options(pve, level)


def test_digest_is_checked(pve, level):
    stale = options(pve, level)['digest']
    pve.data('PUT', OPTIONS[level], SAMPLE[level])
    status, reason, _body = pve.error('PUT', OPTIONS[level], {'enable': '1', 'digest': stale})
    assert (status, reason) == (500, MODIFIED)
    pve.data('PUT', OPTIONS[level], {'enable': '1', 'digest': options(pve, level)['digest']})


@pytest.mark.parametrize('level_name', ['host', 'vm', 'ct', 'vnet'])
def test_enable_booleans_reject_python_true(pve, level_name):
    _status, _reason, body = pve.error('PUT', OPTIONS[level_name], {'enable': 'True'})
    assert body['errors'] == {'enable': "type check ('boolean') failed - got 'True'"}


def test_cluster_enable_must_be_digits(pve):
    _status, _reason, body = pve.error('PUT', OPTIONS['cluster'], {'enable': 'True'})
    assert body['errors'] == {'enable': "type check ('integer') failed - got 'True'"}


def test_cluster_enable_above_one_stores_the_time_and_expires(pve):
    now = pve.side('GET', 'clock')['now']
    pve.data('PUT', OPTIONS['cluster'], {'enable': '2'})
    stamp = options(pve, 'cluster')['enable']
    assert abs(stamp - now) < 30
    assert 'enable: %d' % stamp in pve.fw_files()['firewall/cluster.fw']
    pve.side('POST', 'clock', {'advance': 59})
    assert options(pve, 'cluster')['enable'] == stamp
    pve.side('POST', 'clock', {'advance': 2})
    assert options(pve, 'cluster')['enable'] == 0


def test_cluster_enable_confirmed_within_the_window(pve):
    pve.data('PUT', OPTIONS['cluster'], {'enable': '2'})
    pve.side('POST', 'clock', {'advance': 30})
    pve.data('PUT', OPTIONS['cluster'], {'enable': '1'})
    pve.side('POST', 'clock', {'advance': 3600})
    assert options(pve, 'cluster')['enable'] == 1


def test_expired_enable_is_written_back_as_zero_on_the_next_write(pve):
    pve.data('PUT', OPTIONS['cluster'], {'enable': '2'})
    pve.side('POST', 'clock', {'advance': 61})
    pve.data('POST', '/cluster/firewall/groups', {'group': 'web'})
    assert 'enable: 0\n' in pve.fw_files()['firewall/cluster.fw']


def test_values_the_parser_cannot_read_are_lost(pve):
    pve.data('PUT', OPTIONS['host'], {'protection_synflood_rate': '-5', 'tcpflags': '1'})
    got = options(pve, 'host')
    assert 'protection_synflood_rate' not in got and got['tcpflags'] == 1


def test_options_at_unknown_node_or_vnet(pve):
    status, reason, _body = pve.error('GET', '/nodes/pve7/firewall/options')
    assert status == 500 and reason.startswith("hostname lookup 'pve7' failed")
    status, reason, _body = pve.error('GET', '/cluster/sdn/vnets/nope/firewall/options')
    assert status == 500 and reason.startswith('invalid vnet specified')
