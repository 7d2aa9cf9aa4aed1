# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Security groups (API-FACTS section 8)."""

import pytest

GROUPS = '/cluster/firewall/groups'
MODIFIED = 'detected modified configuration - file changed by other user? Try again.'


def groups(pve):
    return pve.data('GET', GROUPS)


def test_create_list_and_comment(pve):
    pve.data('POST', GROUPS, {'group': 'web', 'comment': 'web tier'})
    pve.data('POST', GROUPS, {'group': 'app'})
    listed = groups(pve)
    assert [(entry['group'], entry.get('comment')) for entry in listed] == [('app', None), ('web', 'web tier')]
    assert len({entry['digest'] for entry in listed}) == 1


def test_duplicate_is_a_parameter_error(pve):
    pve.data('POST', GROUPS, {'group': 'web'})
    _status, _reason, body = pve.error('POST', GROUPS, {'group': 'web'})
    assert body['errors'] == {'group': "Security group 'web' already exists"}


def test_names_are_lower_cased_on_read(pve):
    pve.data('POST', GROUPS, {'group': 'WebTier'})
    assert [entry['group'] for entry in groups(pve)] == ['webtier']
    status, reason, _body = pve.error('GET', GROUPS + '/WebTier')
    assert (status, reason) == (500, "no such security group 'WebTier'")
    assert pve.data('GET', GROUPS + '/webtier') == []


def test_comment_update_with_rename_equal_to_group(pve):
    pve.data('POST', GROUPS, {'group': 'web', 'comment': 'old'})
    pve.data('POST', GROUPS, {'group': 'web', 'rename': 'web', 'comment': 'new'})
    assert groups(pve)[0]['comment'] == 'new'


def test_rename_rewrites_references_but_not_vnet_rules(pve):
    pve.data('POST', GROUPS, {'group': 'old', 'comment': 'keep me'})
    pve.data('POST', GROUPS + '/old', {'type': 'in', 'action': 'ACCEPT', 'proto': 'tcp', 'dport': '80', 'enable': '1'})
    paths = ['/cluster/firewall/rules', '/nodes/pve1/firewall/rules', '/nodes/pve1/qemu/100/firewall/rules',
             '/nodes/pve1/lxc/200/firewall/rules', '/cluster/sdn/vnets/vnet10/firewall/rules']
    for path in paths:
        pve.data('POST', path, {'type': 'group', 'action': 'old', 'enable': '1'})
    pve.data('POST', GROUPS, {'group': 'new', 'rename': 'old'})
    assert [(entry['group'], entry.get('comment')) for entry in groups(pve)] == [('new', 'keep me')]
    assert pve.data('GET', GROUPS + '/new')[0]['dport'] == '80'
    assert [pve.rules(path)[0]['action'] for path in paths] == ['new', 'new', 'new', 'new', 'old']


def test_rename_errors(pve):
    pve.data('POST', GROUPS, {'group': 'a1'})
    pve.data('POST', GROUPS, {'group': 'b1'})
    _status, _reason, body = pve.error('POST', GROUPS, {'group': 'c1', 'rename': 'zz'})
    assert body['errors'] == {'group': "Security group 'zz' does not exist"}
    _status, _reason, body = pve.error('POST', GROUPS, {'group': 'b1', 'rename': 'a1'})
    assert body['errors'] == {'group': "Security group 'b1' does already exist"}


def test_digest_checked_only_with_rename(pve):
    pve.data('POST', GROUPS, {'group': 'a1'})
    pve.data('POST', GROUPS, {'group': 'b1', 'digest': 'f' * 40})
    status, reason, _body = pve.error('POST', GROUPS, {'group': 'c1', 'rename': 'a1', 'digest': 'f' * 40})
    assert (status, reason) == (500, MODIFIED)
    digest = groups(pve)[0]['digest']
    pve.data('POST', GROUPS, {'group': 'c1', 'rename': 'a1', 'digest': digest})
    assert [entry['group'] for entry in groups(pve)] == ['b1', 'c1']


def test_delete_only_when_empty(pve):
    pve.data('POST', GROUPS, {'group': 'web'})
    pve.data('POST', GROUPS + '/web', {'type': 'in', 'action': 'ACCEPT'})
    status, reason, _body = pve.error('DELETE', GROUPS + '/web')
    assert (status, reason) == (500, "Security group 'web' is not empty")
    pve.data('DELETE', GROUPS + '/web/0')
    pve.data('DELETE', GROUPS + '/web')
    assert groups(pve) == []


@pytest.mark.parametrize('method, suffix', [('GET', ''), ('POST', ''), ('DELETE', ''), ('GET', '/0'), ('PUT', '/0'),
                                            ('DELETE', '/0')])
def test_missing_group(pve, method, suffix):
    data = {'type': 'in', 'action': 'ACCEPT'} if method == 'POST' else None
    status, reason, _body = pve.error(method, GROUPS + '/nope' + suffix, data)
    assert (status, reason) == (500, "no such security group 'nope'")


def test_group_body_never_writes_iface(pve):
    pve.data('POST', GROUPS, {'group': 'web'})
    pve.data('POST', GROUPS + '/web', {'type': 'in', 'action': 'ACCEPT', 'macro': 'http', 'enable': '1'})
    assert '[group web]\n\nIN HTTP(ACCEPT)\n' in pve.fw_files()['firewall/cluster.fw']
