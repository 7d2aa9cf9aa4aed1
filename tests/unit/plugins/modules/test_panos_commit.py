# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""panos_commit end to end against the PAN-OS emulator."""

import ssl
import urllib.parse
import urllib.request

from ansible_collections.zonewarden.firewall.tests.unit.plugins.modules.panos_lab import VSYS

FAST = dict(poll_interval=0.02, job_timeout=20)
ADMIN_OBJECT = VSYS + "/address/entry[@name='admin-draft']"


def running_names(lab, container):
    node = lab.node('devices/entry/vsys/entry/%s' % container, which='running')
    return [] if node is None else [e.get('name') for e in node.findall('entry')]


def raw(lab, **params):
    """A request as another client (the admin user), outside the module."""
    context = ssl.create_default_context(cafile=lab.handle.ca_file)
    params.setdefault('user', 'admin')
    params.setdefault('password', 'zonewarden-lab')
    data = urllib.parse.urlencode(params).encode()
    with urllib.request.urlopen(lab.handle.url + '/api/', data=data, context=context, timeout=10) as answer:  # nosec - loopback lab
        return answer.read().decode()


def test_nothing_to_commit_sends_no_commit(panos_lab):
    result = panos_lab.run('panos_commit', **FAST)
    assert not result.failed, result
    assert result['changed'] is False and result['commands'] == []
    assert 'Nothing to commit for automation' in result['msg']
    assert panos_lab.counts().get('commit') is None


def test_partial_commit_leaves_another_admins_work_pending(panos_lab):
    panos_lab.apply_as('admin', action='set', xpath=ADMIN_OBJECT, element='<ip-netmask>192.0.2.99</ip-netmask>')
    panos_lab.run('panos_zones', config=[dict(name='dmz')])
    panos_lab.run('panos_address_objects', config=[dict(name='dmz-web', ip_netmask='10.0.2.10')])
    check = panos_lab.run('panos_commit', check_mode=True, **FAST)
    assert check['changed'] is True and 'Would commit 2 change(s)' == check['msg']
    assert sorted(c['xpath'] for c in check['pending']) == [VSYS + "/address/entry[@name='dmz-web']", VSYS + "/zone/entry[@name='dmz']"]
    assert [c['owner'] for c in check['other_pending']] == ['admin']
    assert check['commands'][0]['cmd'] == '<commit><partial><admin><member>automation</member></admin></partial></commit>'
    assert panos_lab.counts().get('commit') is None
    result = panos_lab.run('panos_commit', description='dmz', **FAST)
    assert not result.failed, result
    assert result['changed'] is True and result['job']['result'] == 'OK'
    assert 'Configuration committed successfully' in result['job_messages']
    assert result['job']['progress'][-1] == '100'
    assert running_names(panos_lab, 'address') == ['dmz-web']
    assert running_names(panos_lab, 'zone') == ['dmz']
    pending = panos_lab.changes()['changes']
    assert [(c['xpath'], c['admin']) for c in pending] == [(ADMIN_OBJECT, 'admin')]
    again = panos_lab.run('panos_commit', **FAST)
    assert again['changed'] is False and [c['owner'] for c in again['other_pending']] == ['admin']


def test_full_commit_takes_everyones_changes(panos_lab):
    panos_lab.apply_as('admin', action='set', xpath=ADMIN_OBJECT, element='<ip-netmask>192.0.2.99</ip-netmask>')
    result = panos_lab.run('panos_commit', partial=False, **FAST)
    assert result['changed'] is True and result['commands'][0] == {'type': 'commit', 'cmd': '<commit />'}
    assert running_names(panos_lab, 'address') == ['admin-draft']


def test_a_failed_job_fails_the_task_with_its_messages(panos_lab):
    panos_lab.run('panos_zones', config=[dict(name='dmz', interfaces=['ethernet1/9'])])  # no such interface
    result = panos_lab.run('panos_commit', **FAST)
    assert result.failed
    assert 'Commit job 1 failed: Validation Error:' in result['msg']
    assert "'ethernet1/9' is not a valid reference" in result['msg']
    assert result['job']['result'] == 'FAIL'


def test_waits_for_a_commit_that_is_running(panos_lab):
    panos_lab.settings(commit_delay=0.6)
    panos_lab.apply_as('admin', action='set', xpath=ADMIN_OBJECT, element='<ip-netmask>192.0.2.99</ip-netmask>')
    panos_lab.run('panos_zones', config=[dict(name='dmz')])
    assert 'jobid' in raw(panos_lab, type='commit', cmd='<commit><partial><admin><member>admin</member></admin></partial></commit>')
    result = panos_lab.run('panos_commit', **FAST)
    assert not result.failed, result
    assert result['job']['result'] == 'OK'
    assert panos_lab.counts()['commit'] >= 3  # the admin's, at least one refused as busy, ours


def test_a_commit_lock_held_by_someone_else_times_out_cleanly(panos_lab):
    panos_lab.run('panos_zones', config=[dict(name='dmz')])
    raw(panos_lab, type='op', cmd='<request><commit-lock><add><comment>maintenance</comment></add></commit-lock></request>')
    result = panos_lab.run('panos_commit', poll_interval=0.02, job_timeout=1)
    assert result.failed
    assert 'Could not commit before the timeout' in result['msg'] and 'Configuration is locked by admin' in result['msg']


def test_api_key_without_username_needs_admins(panos_lab):
    key = raw(panos_lab, type='keygen', user='automation', password='zonewarden-automation').split('<key>')[1].split('</key>')[0]
    args = dict(panos_lab.connection, api_key=key, username=None, password=None)
    panos_lab.run('panos_zones', config=[dict(name='dmz')])
    panos_lab.clear()
    result = panos_lab.run('panos_commit', **dict(args, **FAST))
    assert result.failed and 'A partial commit needs the administrators' in result['msg']
    result = panos_lab.run('panos_commit', admins=['automation'], **dict(args, **FAST))
    assert result['changed'] is True
    assert 'keygen' not in panos_lab.counts()  # an API key means no keygen at all
