# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

import pytest

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve import ipsets
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.addresses import ipset_entry
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.targets import Target

CLUSTER = Target('cluster', base='cluster/firewall')


def have_sets(**sets):
    result = {}
    for name, members in sets.items():
        result[name] = dict(comment='', raw_name=name, members=dict(
            (ipset_entry('m', cidr), dict(cidr=cidr, nomatch=nomatch, comment=comment)) for cidr, nomatch, comment in members))
    return result


def calls_of(calls):
    return [(c.method, c.path, c.params) for c in calls]


@pytest.mark.parametrize('given, stored', [
    ('10.0.0.11/24', '10.0.0.0/24'),
    ('10.0.0.5/32', '10.0.0.5'),
    ('10.0.0.5', '10.0.0.5'),
    ('2001:0DB8::1/64', '2001:db8::/64'),
    ('2001:DB8::1/128', '2001:db8::1'),
    ('dc/MgmtHosts', 'dc/mgmthosts'),
    ('webservers', 'webservers'),
])
def test_entries_normalised_as_pve_stores_them(given, stored):
    assert ipset_entry('x', given) == stored


@pytest.mark.parametrize('bad, fragment', [
    ('0.0.0.0/0', 'zero prefix'),
    ('10.0.0.300', 'not a valid IP address'),
    ('1bad', 'not a valid IP address'),
    ('has space', 'neither an IP address'),
])
def test_bad_entries_are_refused_with_field_and_value(bad, fragment):
    with pytest.raises(ValidationError) as error:
        ipsets.normalize_want([dict(name='web', members=[dict(cidr=bad)])])
    assert fragment in str(error.value)
    assert 'config[0].members[0].cidr=%r' % bad in str(error.value)


def test_duplicate_members_after_normalisation_are_refused():
    with pytest.raises(ValidationError) as error:
        ipsets.normalize_want([dict(name='web', members=[dict(cidr='10.0.0.5'), dict(cidr='10.0.0.5/32')])])
    assert 'members[1].cidr' in str(error.value)


def test_bad_and_duplicate_set_names():
    with pytest.raises(ValidationError):
        ipsets.normalize_want([dict(name='9lives')])
    with pytest.raises(ValidationError) as error:
        ipsets.normalize_want([dict(name='Web'), dict(name='web')])
    assert 'listed twice' in str(error.value)


def test_merged_adds_missing_members_only():
    wanted = ipsets.normalize_want([dict(name='web', members=[dict(cidr='10.0.0.1'), dict(cidr='10.0.0.2/32')])])
    calls, after = ipsets.plan(CLUSTER, have_sets(web=[('10.0.0.1', False, ''), ('10.0.0.9', False, '')]), wanted, 'merged')
    assert calls_of(calls) == [('POST', 'cluster/firewall/ipset/web', {'cidr': '10.0.0.2'})]
    assert sorted(after['web']['members']) == ['10.0.0.1', '10.0.0.2', '10.0.0.9']


def test_replaced_adds_before_it_removes_and_updates_in_place():
    wanted = ipsets.normalize_want([dict(name='web', members=[dict(cidr='10.0.0.1', nomatch=True), dict(cidr='10.0.0.3')])])
    calls, _after = ipsets.plan(CLUSTER, have_sets(web=[('10.0.0.1', False, 'x'), ('10.0.0.2', False, '')]), wanted, 'replaced')
    assert calls_of(calls) == [
        ('POST', 'cluster/firewall/ipset/web', {'cidr': '10.0.0.3'}),
        ('PUT', 'cluster/firewall/ipset/web/10.0.0.1', {'nomatch': '1', 'comment': ''}),
        ('DELETE', 'cluster/firewall/ipset/web/10.0.0.2', {}),
    ]
    assert [c.guard for c in calls] == [None, 'cluster/firewall/ipset/web', 'cluster/firewall/ipset/web']


def test_merged_member_update_keeps_the_field_not_named():
    # PUT replaces nomatch and comment together, so an unnamed comment is sent back unchanged.
    wanted = ipsets.normalize_want([dict(name='web', members=[dict(cidr='10.0.0.1', nomatch=True)])])
    calls, _after = ipsets.plan(CLUSTER, have_sets(web=[('10.0.0.1', False, 'keep me')]), wanted, 'merged')
    assert calls_of(calls) == [('PUT', 'cluster/firewall/ipset/web/10.0.0.1', {'nomatch': '1', 'comment': 'keep me'})]


def test_stored_spelling_is_used_in_paths():
    # A bare IPv6 address typed in the GUI is stored as typed; the path must use that spelling.
    wanted = ipsets.normalize_want([dict(name='v6', members=[])])
    calls, _after = ipsets.plan(CLUSTER, have_sets(v6=[('2001:DB8:0::1', False, '')]), wanted, 'replaced')
    assert calls_of(calls) == [('DELETE', 'cluster/firewall/ipset/v6/2001:DB8:0::1', {})]


def test_no_change_means_no_calls():
    wanted = ipsets.normalize_want([dict(name='web', comment='', members=[dict(cidr='10.0.0.1/32', nomatch=False, comment='')])])
    for state in ('merged', 'replaced', 'overridden'):
        calls, _after = ipsets.plan(CLUSTER, have_sets(web=[('10.0.0.1', False, '')]), wanted, state)
        assert calls == []


def test_overridden_deletes_unlisted_sets_last_with_force():
    wanted = ipsets.normalize_want([dict(name='new', members=[dict(cidr='10.1.0.0/16')])])
    calls, after = ipsets.plan(CLUSTER, have_sets(old=[('10.0.0.1', False, '')]), wanted, 'overridden')
    assert calls_of(calls) == [
        ('POST', 'cluster/firewall/ipset', {'name': 'new'}),
        ('POST', 'cluster/firewall/ipset/new', {'cidr': '10.1.0.0/16'}),
        ('DELETE', 'cluster/firewall/ipset/old', {'force': '1'}),
    ]
    assert sorted(after) == ['new']
    assert ipsets.deleted_set_names(calls, 'cluster/firewall/ipset') == ['old']


def test_deleted_members_or_whole_sets():
    have = have_sets(web=[('10.0.0.1', False, ''), ('10.0.0.2', False, '')], old=[])
    wanted = ipsets.normalize_want([dict(name='web', members=[dict(cidr='10.0.0.2'), dict(cidr='10.0.0.7')]), dict(name='old'),
                                    dict(name='absent')])
    calls, _after = ipsets.plan(CLUSTER, have, wanted, 'deleted')
    assert calls_of(calls) == [('DELETE', 'cluster/firewall/ipset/web/10.0.0.2', {}),
                               ('DELETE', 'cluster/firewall/ipset/old', {'force': '1'})]


def test_comment_change_uses_rename_to_itself_with_a_digest_guard():
    have = have_sets(web=[])
    wanted = ipsets.normalize_want([dict(name='web', comment='front end')])
    calls, _after = ipsets.plan(CLUSTER, have, wanted, 'merged')
    assert calls_of(calls) == [('POST', 'cluster/firewall/ipset', {'name': 'web', 'rename': 'web', 'comment': 'front end'})]
    assert calls[0].guard == 'cluster/firewall/ipset'
