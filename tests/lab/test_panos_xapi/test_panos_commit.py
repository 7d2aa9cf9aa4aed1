# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""type=commit: jobs, validation, partial commits per admin, the two no-change shapes, conflicts."""

import time

import pytest

from panos_xapi.testing import AUTOMATION, DEV, VSYS, message, status_of

ADDRESS = VSYS + '/address'
RULES = VSYS + '/rulebase/security/rules'
PENDING = '<check><pending-changes/></check>'


def address(api, name, ip, user=None):
    kwargs = {'user': user} if user else {}
    return api.set(ADDRESS + "/entry[@name='%s']" % name, '<ip-netmask>%s</ip-netmask>' % ip, **kwargs)


def running_addresses(api):
    root = api.show(ADDRESS)
    return sorted(e.get('name') for e in root.findall('result/address/entry'))


def test_commit_enqueues_a_job_that_goes_act_then_fin_ok(api):
    api.handle.side('POST', 'panos/settings', {'commit_delay': 0.4})
    address(api, 'a', '10.0.0.1')
    root = api.commit('<commit><description>first</description></commit>')
    assert status_of(root) == ('success', '19')
    job_id = root.findtext('result/job')
    assert message(root) == 'Commit job enqueued with jobid %s' % job_id
    job = api.op('<show><jobs><id>%s</id></jobs></show>' % job_id).find('result/job')
    assert job.findtext('status') == 'ACT' and job.findtext('result') == 'PEND'
    assert api.show(ADDRESS).get('status') == 'error'
    job = api.wait_job(job_id)
    assert (job.findtext('result'), job.findtext('user'), job.findtext('description')) == ('OK', 'admin', 'first')
    assert job.findtext('tenq') and job.findtext('tfin') and job.findtext('id') == job_id
    assert [line.text for line in job.findall('details/line')] == ['Configuration committed successfully']
    assert running_addresses(api) == ['a']
    assert api.op(PENDING).findtext('result') == 'no'


def test_job_ids_increase(api):
    ids = []
    for index in range(3):
        address(api, 'a%d' % index, '10.0.0.%d' % (index + 1))
        ids.append(int(api.commit_and_wait().findtext('id')))
    assert ids == sorted(ids) and len(set(ids)) == 3


@pytest.mark.parametrize('version, shape', [('10.2.10', 'msg'), ('11.1.6', 'line')])
def test_no_changes_shape_follows_the_version(api, version, shape):
    api.handle.side('POST', 'panos/settings', {'sw_version': version})
    root = api.commit()
    assert status_of(root) == ('success', '19') and root.find('result/job') is None
    if shape == 'msg':
        assert root.findtext('msg') == 'There are no changes to commit.' and root.find('msg/line') is None
    else:
        assert root.findtext('msg/line') == 'There are no changes to commit.'


def test_no_changes_shape_can_be_forced(api):
    api.handle.side('POST', 'panos/settings', {'sw_version': '11.1.6', 'no_changes_shape': 'msg'})
    assert api.commit().findtext('msg') == 'There are no changes to commit.'


def test_force_commits_without_changes(api):
    root = api.commit('<commit><force/></commit>')
    assert root.findtext('result/job')


def test_commit_while_another_runs_is_refused(api):
    api.handle.side('POST', 'panos/settings', {'commit_delay': 0.5})
    address(api, 'a', '10.0.0.1')
    first = api.commit().findtext('result/job')
    address(api, 'b', '10.0.0.2')
    root = api.commit()
    assert root.get('status') == 'error'
    assert message(root) == 'Another commit/validate is in progress. Please try again later'
    api.wait_job(first)
    assert api.commit().findtext('result/job')


def test_queued_commits_run_in_order(api):
    api.handle.side('POST', 'panos/settings', {'commit_delay': 0.2, 'commit_conflict': 'queue'})
    address(api, 'a', '10.0.0.1')
    first = api.commit().findtext('result/job')
    address(api, 'b', '10.0.0.2')
    second = api.commit().findtext('result/job')
    job = api.op('<show><jobs><id>%s</id></jobs></show>' % second).find('result/job')
    assert job.findtext('status') == 'PEND' and job.findtext('queued') == 'YES'
    assert api.wait_job(second).findtext('result') == 'OK'
    assert api.wait_job(first).findtext('result') == 'OK'
    assert running_addresses(api) == ['a', 'b']


def test_writes_during_a_commit_stay_pending(api):
    api.handle.side('POST', 'panos/settings', {'commit_delay': 0.3})
    address(api, 'a', '10.0.0.1')
    job_id = api.commit().findtext('result/job')
    address(api, 'late', '10.0.0.99')
    api.wait_job(job_id)
    assert running_addresses(api) == ['a']
    assert api.op(PENDING).findtext('result') == 'yes'


def failing_commit(api):
    job = api.commit_and_wait()
    assert job.findtext('result') == 'FAIL'
    return [line.text for line in job.findall('details/line')]


def test_rule_naming_missing_zone_address_and_service_fails_the_job(api):
    api.set(RULES, '<entry name="r1"><from><member>dmz</member></from><to><member>any</member></to><source><member>any</member>'
                   '</source><destination><member>web</member></destination><service><member>tcp-8443</member></service>'
                   '<application><member>any</member></application><action>allow</action></entry>')
    lines = failing_commit(api)
    assert lines[0] == 'Validation Error:' and lines[-1] == 'Commit failed'
    assert "vsys -> vsys1 -> rulebase -> security -> rules -> r1 -> from 'dmz' is not a valid reference" in lines
    assert "vsys -> vsys1 -> rulebase -> security -> rules -> r1 -> destination 'web' is not a valid reference" in lines
    assert "vsys -> vsys1 -> rulebase -> security -> rules -> r1 -> service 'tcp-8443' is not a valid reference" in lines
    assert api.show(RULES).get('status') == 'error'
    assert api.op(PENDING).findtext('result') == 'yes'


def test_nat_rule_naming_a_missing_zone_fails_the_job(api):
    api.set(VSYS + '/rulebase/nat/rules', '<entry name="snat"><from><member>trust</member></from><to><member>untrust</member>'
                                          '</to><source><member>any</member></source><destination><member>any</member>'
                                          '</destination><service>any</service></entry>')
    lines = failing_commit(api)
    assert "vsys -> vsys1 -> rulebase -> nat -> rules -> snat -> from 'trust' is not a valid reference" in lines


def test_interface_in_two_zones_fails_the_job(api):
    api.set(DEV + '/network/interface/ethernet', '<entry name="ethernet1/1"><layer3/></entry>')
    for zone in ('trust', 'untrust'):
        api.set(VSYS + "/zone/entry[@name='%s']/network/layer3" % zone, '<member>ethernet1/1</member>')
    assert any("interface ethernet1/1 is already assigned to zone 'trust'" in line for line in failing_commit(api))


def test_interface_in_two_virtual_routers_fails_the_job(api):
    api.set(DEV + '/network/interface/ethernet', '<entry name="ethernet1/1"><layer3/></entry>')
    for router in ('default', 'vr2'):
        api.set(DEV + "/network/virtual-router/entry[@name='%s']/interface" % router, '<member>ethernet1/1</member>')
    assert any("is already assigned to virtual router 'default'" in line for line in failing_commit(api))


def test_static_ip_with_dhcp_fails_the_job(api):
    api.set(DEV + '/network/interface/ethernet', '<entry name="ethernet1/1"><layer3><ip><entry name="10.0.0.1/24"/></ip>'
                                                 '<dhcp-client><enable>yes</enable></dhcp-client></layer3></entry>')
    assert any(line.endswith('DHCP interface IP address must be empty') for line in failing_commit(api))


def test_injected_job_failure(api):
    address(api, 'a', '10.0.0.1')
    api.handle.side('POST', 'panos/job-fault', {'lines': ['Commit failed: disk full']})
    assert failing_commit(api) == ['Commit failed: disk full']
    assert api.commit_and_wait().findtext('result') == 'OK'


def test_partial_commit_takes_only_that_admins_changes(api):
    address(api, 'mine', '10.0.0.1')
    address(api, 'theirs', '10.0.0.2', user=AUTOMATION)
    root = api.request(AUTOMATION, type='commit', action='partial',
                       cmd='<commit><partial><admin><member>automation</member></admin></partial></commit>')
    job = api.wait_job(root.findtext('result/job'), AUTOMATION)
    assert job.findtext('result') == 'OK' and job.findtext('user') == 'automation'
    assert job.findtext('details/line').startswith('Partial changes to commit: changes to configuration by administrators: automation')
    assert running_addresses(api) == ['theirs']
    changes = api.handle.side('GET', 'panos/changes')['changes']
    assert [(c['admin'], c['xpath']) for c in changes] == [('admin', ADDRESS + "/entry[@name='mine']")]
    assert api.op(PENDING).findtext('result') == 'yes'
    root = api.commit('<commit><partial><admin><member>automation</member></admin></partial></commit>', user=AUTOMATION)
    assert root.find('result/job') is None and 'no changes' in message(root)


def test_partial_commit_of_a_container_write_pulls_other_admins_changes_along(api):
    address(api, 'theirs', '10.0.0.2', user=AUTOMATION)
    api.set(ADDRESS, '<entry name="mine"><ip-netmask>10.0.0.1</ip-netmask></entry>')
    api.commit_and_wait('<commit><partial><admin><member>admin</member></admin></partial></commit>')
    assert running_addresses(api) == ['mine', 'theirs']
    assert api.op(PENDING).findtext('result') == 'no'


def test_partial_commit_keeps_rule_order_from_the_candidate(api):
    for name in ('r1', 'r2', 'r3'):
        api.set(RULES + "/entry[@name='%s']" % name, '<action>allow</action>')
    api.commit_and_wait()
    api.request(AUTOMATION, type='config', action='move', xpath=RULES + "/entry[@name='r3']", where='top')
    api.set(RULES + "/entry[@name='r9']", '<action>deny</action>')
    api.commit_and_wait('<commit><partial><admin><member>automation</member></admin></partial></commit>', user=AUTOMATION)
    assert [e.get('name') for e in api.show(RULES).findall('result/rules/entry')] == ['r3', 'r1', 'r2']
    api.commit_and_wait()
    assert [e.get('name') for e in api.show(RULES).findall('result/rules/entry')] == ['r3', 'r1', 'r2', 'r9']


def test_partial_commit_with_an_exclusion(api):
    address(api, 'a', '10.0.0.1')
    api.set(DEV + '/network/interface/ethernet', '<entry name="ethernet1/5"><layer3/></entry>')
    api.commit_and_wait('<commit><partial><device-and-network>excluded</device-and-network></partial></commit>')
    assert running_addresses(api) == ['a']
    assert api.show(DEV + "/network/interface/ethernet/entry[@name='ethernet1/5']").get('status') == 'error'


def test_partial_commit_fails_on_the_merged_result(api):
    api.set(RULES + "/entry[@name='r1']", '<from><member>dmz</member></from><to><member>any</member></to>', user=AUTOMATION)
    api.set(VSYS + "/zone/entry[@name='dmz']", '<network><layer3/></network>')
    job = api.commit_and_wait('<commit><partial><admin><member>automation</member></admin></partial></commit>', user=AUTOMATION)
    assert job.findtext('result') == 'FAIL'
    assert job.findtext('result') == 'FAIL' and api.op(PENDING).findtext('result') == 'yes'
    assert api.commit_and_wait().findtext('result') == 'OK'


def test_jobs_finish_without_polling(api):
    api.handle.side('POST', 'panos/settings', {'commit_delay': 0.1})
    address(api, 'a', '10.0.0.1')
    job_id = api.commit().findtext('result/job')
    time.sleep(0.2)
    jobs = {j['id']: j for j in api.handle.side('GET', 'panos/jobs')['jobs']}
    assert jobs[int(job_id)]['status'] == 'FIN' and jobs[int(job_id)]['result'] == 'OK'


def test_commit_action_all_is_refused_on_a_firewall(api):
    root = api.request(type='commit', action='all', cmd='<commit-all/>')
    assert status_of(root) == ('error', '400')
