# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

import pytest

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve import aliases
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.targets import Target

CLUSTER = Target('cluster', base='cluster/firewall')


def have(*items):
    return dict((name.lower(), dict(name=name, cidr=cidr, comment=comment)) for name, cidr, comment in items)


def calls_of(calls):
    return [(c.method, c.path, c.params) for c in calls]


def test_names_are_case_insensitive_and_cidr_compared_as_stored():
    wanted = aliases.normalize_want([dict(name='MGMT_net', cidr='192.0.2.0/24'), dict(name='host1', cidr='192.0.2.5/32')], state='merged')
    calls, _after = aliases.plan(CLUSTER, have(('mgmt_net', '192.0.2.0/24', ''), ('Host1', '192.0.2.5', '')), wanted, 'merged')
    assert calls == []


def test_host_bits_are_kept_like_pve_does():
    assert aliases.normalize_want([dict(name='gw', cidr='10.0.0.1/24')], state='merged')['gw']['cidr'] == '10.0.0.1/24'


def test_update_sends_cidr_and_keeps_unnamed_comment_in_merged():
    wanted = aliases.normalize_want([dict(name='gw', cidr='10.0.0.2')], state='merged')
    calls, after = aliases.plan(CLUSTER, have(('gw', '10.0.0.1', 'router')), wanted, 'merged')
    assert calls_of(calls) == [('PUT', 'cluster/firewall/aliases/gw', {'cidr': '10.0.0.2', 'comment': 'router'})]
    assert calls[0].guard == 'cluster/firewall/aliases'
    assert after['gw']['comment'] == 'router'


def test_replaced_clears_an_omitted_comment():
    wanted = aliases.normalize_want([dict(name='gw', cidr='10.0.0.1')], state='replaced')
    calls, _after = aliases.plan(CLUSTER, have(('gw', '10.0.0.1', 'router')), wanted, 'replaced')
    assert calls_of(calls) == [('PUT', 'cluster/firewall/aliases/gw', {'cidr': '10.0.0.1', 'comment': ''})]


def test_overridden_creates_then_deletes_unlisted():
    wanted = aliases.normalize_want([dict(name='new', cidr='10.9.0.0/16')], state='overridden')
    calls, after = aliases.plan(CLUSTER, have(('Old', '10.0.0.1', '')), wanted, 'overridden')
    assert calls_of(calls) == [('POST', 'cluster/firewall/aliases', {'name': 'new', 'cidr': '10.9.0.0/16'}),
                               ('DELETE', 'cluster/firewall/aliases/Old', {})]
    assert sorted(after) == ['new']


def test_deleted_needs_no_cidr_and_ignores_missing():
    wanted = aliases.normalize_want([dict(name='old'), dict(name='never')], state='deleted')
    calls, _after = aliases.plan(CLUSTER, have(('OLD', '10.0.0.1', '')), wanted, 'deleted')
    assert calls_of(calls) == [('DELETE', 'cluster/firewall/aliases/OLD', {})]


@pytest.mark.parametrize('item, fragment', [
    (dict(name='x', cidr='10.0.0.1'), "config[0].name='x' is not a valid Proxmox VE name"),
    (dict(name='gw', cidr='10.0.0.256'), "config[0].cidr='10.0.0.256' is not a valid IP address"),
    (dict(name='gw'), 'config[0].cidr is required for alias gw'),
])
def test_bad_input(item, fragment):
    with pytest.raises(ValidationError) as error:
        aliases.normalize_want([item], state='merged')
    assert fragment in str(error.value)
