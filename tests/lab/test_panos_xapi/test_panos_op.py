# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""type=op: system info, pending changes, configs, locks, revert, unknown commands."""

import re

import pytest

from panos_xapi.testing import AUTOMATION, VSYS, message, status_of

ADDRESS = VSYS + '/address'
PENDING = '<check><pending-changes/></check>'


@pytest.mark.parametrize('version, advanced_routing', [('10.2.10-h3', 'off'), ('11.1.6', 'off'), ('10.1.14', None)])
def test_show_system_info_reports_the_configured_version(api, version, advanced_routing):
    api.handle.side('POST', 'panos/settings', {'sw_version': version, 'hostname': 'fw-a', 'serial': '007900000000042'})
    system = api.op('<show><system><info/></system></show>').find('result/system')
    assert system.findtext('sw-version') == version
    assert system.findtext('model') == 'PA-VM' and system.findtext('serial') == '007900000000042'
    assert system.findtext('hostname') == 'fw-a' and system.findtext('multi-vsys') == 'off'
    assert system.findtext('app-version')
    assert system.findtext('advanced-routing') == advanced_routing


def test_hostname_follows_the_running_config(api):
    api.handle.load({'config': 'iron-skillet-full-11.0'})
    assert api.op('<show><system><info/></system></show>').findtext('result/system/hostname') == 'lab-fw01'


def test_bad_sw_version_is_refused_by_the_side_door(api):
    with pytest.raises(Exception, match='400'):
        api.handle.side('POST', 'panos/settings', {'sw_version': 'eleven'})


def test_check_pending_changes(api):
    assert api.op(PENDING).findtext('result') == 'no'
    api.set(ADDRESS, '<entry name="a"><ip-netmask>10.0.0.1</ip-netmask></entry>')
    assert api.op(PENDING).findtext('result') == 'yes'


def test_show_config_running_and_candidate(api):
    api.set(ADDRESS, '<entry name="a"><ip-netmask>10.0.0.1</ip-netmask></entry>')
    running = api.op('<show><config><running/></config></show>').find('result/config')
    candidate = api.op('<show><config><candidate/></config></show>').find('result/config')
    path = "devices/entry/vsys/entry/address/entry[@name='a']"
    assert running.find(path) is None and candidate.find(path) is not None


def test_list_changes_names_owner_and_other_admins(api):
    api.set(ADDRESS + "/entry[@name='a']", '<ip-netmask>10.0.0.1</ip-netmask>')
    api.set(ADDRESS + "/entry[@name='b']", '<ip-netmask>10.0.0.2</ip-netmask>', user=AUTOMATION)
    entries = api.op('<show><config><list><changes/></list></config></show>').findall('result/journal/entry')
    seen = {e.findtext('owner'): (e.findtext('xpath'), [m.text for m in e.findall('other-admins/member')]) for e in entries}
    assert seen == {'admin': (ADDRESS + "/entry[@name='a']", ['automation']),
                    'automation': (ADDRESS + "/entry[@name='b']", ['admin'])}


def test_revert_config_all_and_per_admin(api):
    api.set(ADDRESS + "/entry[@name='a']", '<ip-netmask>10.0.0.1</ip-netmask>')
    api.set(ADDRESS + "/entry[@name='b']", '<ip-netmask>10.0.0.2</ip-netmask>', user=AUTOMATION)
    root = api.op('<revert><config><partial><admin><member>automation</member></admin></partial></config></revert>')
    assert status_of(root)[0] == 'success'
    assert [e.get('name') for e in api.get(ADDRESS).findall('result/address/entry')] == ['a']
    api.op('<revert><config/></revert>')
    assert api.op(PENDING).findtext('result') == 'no'
    assert api.get(ADDRESS + '/entry').get('code') == '7'


def test_load_running_config_is_how_pan_os_python_reverts(api):
    api.set(ADDRESS, '<entry name="a"><ip-netmask>10.0.0.1</ip-netmask></entry>')
    api.op('<load><config><from>running-config.xml</from></config></load>')
    assert api.op(PENDING).findtext('result') == 'no'


def test_config_lock_blocks_other_admins_until_removed(api):
    root = api.op('<request><config-lock><add><comment>maintenance</comment></add></config-lock></request>', vsys='shared')
    assert status_of(root)[0] == 'success'
    locks = api.op('<show><config-locks/></show>').findall('result/config-locks/entry')
    assert [(e.get('name'), e.findtext('comment')) for e in locks] == [('admin', 'maintenance')]
    root = api.set(ADDRESS, '<entry name="x"><ip-netmask>10.0.0.9</ip-netmask></entry>', user=AUTOMATION)
    assert root.get('status') == 'error' and message(root) == 'Configuration is locked by admin for scope shared'
    assert api.set(ADDRESS, '<entry name="y"><ip-netmask>10.0.0.8</ip-netmask></entry>').get('status') == 'success'
    root = api.op('<request><config-lock><add/></config-lock></request>', user=AUTOMATION)
    assert message(root) == 'Config for scope shared is currently locked by admin'
    root = api.op('<request><config-lock><add/></config-lock></request>')
    assert message(root) == 'You already own a config lock for scope shared'
    api.commit_and_wait()
    assert api.op('<show><config-locks/></show>').find('result/config-locks/entry') is not None
    assert api.op('<request><config-lock><remove/></config-lock></request>').get('status') == 'success'
    root = api.op('<request><config-lock><remove/></config-lock></request>')
    assert message(root) == 'Config is not currently locked for scope shared'
    assert api.set(ADDRESS, '<entry name="x"><ip-netmask>10.0.0.9</ip-netmask></entry>', user=AUTOMATION).get('status') == 'success'


def test_commit_lock_blocks_other_admins_commits_and_is_released_by_the_holders_commit(api):
    assert api.op('<request><commit-lock><add/></commit-lock></request>').get('status') == 'success'
    assert message(api.op('<request><commit-lock><add/></commit-lock></request>', user=AUTOMATION)).startswith(
        'Commit lock is already held by admin')
    api.set(ADDRESS, '<entry name="x"><ip-netmask>10.0.0.9</ip-netmask></entry>', user=AUTOMATION)
    root = api.commit(user=AUTOMATION)
    assert root.get('status') == 'error' and message(root).startswith('Configuration is locked by admin')
    assert api.op('<show><commit-locks/></show>').find('result/commit-locks/entry').get('name') == 'admin'
    api.commit_and_wait()
    assert api.op('<show><commit-locks/></show>').find('result/commit-locks/entry') is None
    root = api.op('<request><commit-lock><remove/></commit-lock></request>')
    assert message(root) == 'Commit lock is not currently held by admin'


@pytest.mark.parametrize('cmd, text', [
    ('<show><bogus/></show>', 'show -> bogus is unexpected'),
    ('<frobnicate/>', 'Unknown command: frobnicate'),
    ('<show><system/></show>', 'show -> system is incomplete'),
])
def test_unknown_op_commands_answer_code_17(api, cmd, text):
    root = api.op(cmd)
    assert status_of(root) == ('error', '17') and message(root) == text


def test_malformed_op_xml_is_code_18(api):
    assert status_of(api.op('<show><system>'))[1] == '18'


def test_show_jobs_for_an_unknown_id(api):
    root = api.op('<show><jobs><id>999</id></jobs></show>')
    assert root.get('status') == 'error' and message(root) == 'job 999 not found'


def test_show_clock(api):
    assert re.match(r'^\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$', api.op('<show><clock/></show>').findtext('result'))


def test_vsys_config_lock_blocks_only_that_vsys(api):
    api.op('<request><config-lock><add/></config-lock></request>', vsys='vsys1')
    root = api.set(ADDRESS, '<entry name="x"><ip-netmask>10.0.0.9</ip-netmask></entry>', user=AUTOMATION)
    assert message(root) == 'Configuration is locked by admin for scope vsys1'
    assert api.set('/config/shared/address', '<entry name="s"><ip-netmask>10.0.0.8</ip-netmask></entry>',
                   user=AUTOMATION).get('status') == 'success'
    assert api.op('<request><config-lock><remove/></config-lock></request>', vsys='vsys1').get('status') == 'success'


def test_show_jobs_all_and_pending(api):
    api.handle.side('POST', 'panos/settings', {'commit_delay': 0.5})
    api.set(ADDRESS, '<entry name="a"><ip-netmask>10.0.0.1</ip-netmask></entry>')
    job_id = api.commit().findtext('result/job')
    assert [j.findtext('id') for j in api.op('<show><jobs><pending/></jobs></show>').findall('result/job')] == [job_id]
    api.wait_job(job_id)
    assert api.op('<show><jobs><pending/></jobs></show>').find('result/job') is None
    assert [j.findtext('status') for j in api.op('<show><jobs><all/></jobs></show>').findall('result/job')] == ['FIN']


def test_load_config_from_another_file_is_refused(api):
    root = api.op('<load><config><from>backup.xml</from></config></load>')
    assert status_of(root) == ('error', '17')
