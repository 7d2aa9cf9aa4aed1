# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unmodified pan-os-python (and pan.xapi) against the emulator."""

import ssl

import pan.xapi
import pytest
from panos import errors
from panos.firewall import Firewall, FirewallCommit
from panos.network import EthernetInterface, ManagementProfile, StaticRoute, VirtualRouter, Zone
from panos.objects import AddressObject, ServiceObject
from panos.policies import NatRule, Rulebase, SecurityRule

from panos_xapi.testing import ADMIN, AUTOMATION, VSYS, verified_firewall


@pytest.fixture
def fw(panos):
    # pan-os-python polls jobs every 0.5 s; commits that finish at once keep these tests quick.
    panos.side('POST', 'panos/settings', {'commit_delay': 0})
    return verified_firewall(panos)


def build_dmz(fw):
    """The three-zone DMZ of XMLAPI-FACTS.md section 9, created object by object."""
    profile = ManagementProfile('allow-ping', ping=True)
    fw.add(profile).create()
    for name, ip in (('ethernet1/1', '203.0.113.2/24'), ('ethernet1/2', '10.0.1.1/24'), ('ethernet1/3', '10.0.2.1/24')):
        fw.add(EthernetInterface(name, mode='layer3', ip=(ip,), management_profile='allow-ping')).create()
    for zone, interface in (('untrust', 'ethernet1/1'), ('trust', 'ethernet1/2'), ('dmz', 'ethernet1/3')):
        fw.add(Zone(zone, mode='layer3', interface=[interface])).create()
    router = fw.add(VirtualRouter('default', interface=['ethernet1/1', 'ethernet1/2', 'ethernet1/3']))
    router.create()
    router.add(StaticRoute('default-route', destination='0.0.0.0/0', nexthop='203.0.113.1', interface='ethernet1/1')).create()
    fw.add(AddressObject('web-server', '10.0.2.10')).create()
    fw.add(ServiceObject('tcp-8443', protocol='tcp', destination_port='8443')).create()
    rulebase = fw.add(Rulebase())
    rules = [SecurityRule('untrust-to-dmz-web', fromzone=['untrust'], tozone=['dmz'], destination=['web-server'],
                          application=['ssl'], service=['tcp-8443'], action='allow'),
             SecurityRule('trust-to-any', fromzone=['trust'], tozone=['untrust', 'dmz'], action='allow'),
             SecurityRule('dmz-to-trust-deny', fromzone=['dmz'], tozone=['trust'], service=['any'], action='deny')]
    for rule in rules:
        rulebase.add(rule).create()
    nat = NatRule('snat-trust', fromzone=['trust'], tozone=['untrust'], to_interface='ethernet1/1',
                  source_translation_type='dynamic-ip-and-port', source_translation_address_type='interface-address',
                  source_translation_interface='ethernet1/1')
    rulebase.add(nat).create()
    return rulebase


def test_refresh_system_info_over_verified_tls(panos, fw):
    info = fw.refresh_system_info()
    assert (info.version, info.platform, info.serial) == ('11.1.6', 'PA-VM', '007954000123456')
    assert fw.multi_vsys is False and fw.content_version == '8950-9312'
    panos.side('POST', 'panos/settings', {'sw_version': '10.2.10-h3'})
    assert fw.refresh_system_info().version == '10.2.10-h3' and fw._version_info == (10, 2, 10)  # pylint: disable=protected-access


def test_username_password_connection_as_pan_os_ansible_makes_it(panos):
    firewall = Firewall(hostname='127.0.0.1', api_username=AUTOMATION[0], api_password=AUTOMATION[1], port=panos.port)
    assert firewall.refresh_system_info().platform == 'PA-VM'
    counts = panos.side('GET', 'panos/requests')['counts']
    assert counts['keygen'] == 1 and counts['op.show.system.info'] == 1


def test_certificate_verification_is_enforced_through_the_xapi_context(panos, fw):
    fw.xapi.ssl_context = ssl.create_default_context()
    with pytest.raises(errors.PanURLError, match='CERTIFICATE_VERIFY_FAILED'):
        fw.refresh_system_info()


def test_wrong_password_raises_invalid_credentials_or_url_error(panos):
    firewall = Firewall(hostname='127.0.0.1', api_username='admin', api_password='nope', port=panos.port)
    with pytest.raises(errors.PanInvalidCredentials):
        firewall.refresh_system_info()
    panos.side('POST', 'panos/settings', {'auth_failure': 'http'})
    firewall = Firewall(hostname='127.0.0.1', api_username='admin', api_password='nope', port=panos.port)
    with pytest.raises(errors.PanURLError, match='code: 403'):
        firewall.refresh_system_info()


def test_build_a_dmz_commit_and_read_it_back(panos, fw):
    rulebase = build_dmz(fw)
    assert fw.pending_changes() is True
    result = fw.commit(sync=True, exception=True)
    assert result['success'] is True and result['result'] == 'OK' and result['user'] == 'admin'
    assert result['messages'] == ['Configuration committed successfully']

    fresh = verified_firewall(panos)
    fresh_rulebase = fresh.add(Rulebase())
    rules = SecurityRule.refreshall(fresh_rulebase, running_config=True)
    assert [r.name for r in rules] == ['untrust-to-dmz-web', 'trust-to-any', 'dmz-to-trust-deny']
    assert rules[0].destination == ['web-server'] and rules[0].uuid
    assert sorted(z.name for z in Zone.refreshall(fresh)) == ['dmz', 'trust', 'untrust']
    assert {z.name: z.interface for z in Zone.refreshall(fresh)}['dmz'] == ['ethernet1/3']
    interfaces = {i.name: i for i in EthernetInterface.refreshall(fresh)}
    assert interfaces['ethernet1/3'].ip == ['10.0.2.1/24'] and interfaces['ethernet1/3'].mode == 'layer3'
    router = VirtualRouter.refreshall(fresh)[0]
    assert router.interface == ['ethernet1/1', 'ethernet1/2', 'ethernet1/3']
    assert [r.nexthop for r in router.findall(StaticRoute)] == ['203.0.113.1']
    nat = NatRule.refreshall(fresh_rulebase)[0]
    assert (nat.source_translation_address_type, nat.source_translation_interface) == ('interface-address', 'ethernet1/1')
    imported = panos.side('GET', 'panos/config?which=running')['xml']
    assert '<member>ethernet1/3</member>' in imported.split('<import>')[1]
    assert len(rulebase.children) == 4


def test_apply_replaces_and_delete_removes(panos, fw):
    address = fw.add(AddressObject('web-server', '10.0.2.10', description='old'))
    address.create()
    address.value, address.description = '10.0.2.11', None
    address.apply()
    again = fw.add(AddressObject('web-server'))
    again.refresh()
    assert (again.value, again.description) == ('10.0.2.11', None)
    address.delete()
    with pytest.raises(errors.PanObjectMissing):
        fw.add(AddressObject('web-server')).refresh()
    assert AddressObject.refreshall(fw) == []


def test_refreshall_name_only_and_running_config_refresh(panos, fw):
    rulebase = fw.add(Rulebase())
    for name in ('a', 'b', 'c'):
        rulebase.add(SecurityRule(name, action='allow')).create()
    assert [r.name for r in SecurityRule.refreshall(rulebase, name_only=True)] == ['a', 'b', 'c']
    rule = rulebase.add(SecurityRule('a'))
    with pytest.raises(errors.PanObjectMissing):
        rule.refresh(running_config=True)
    fw.commit(sync=True)
    rule.refresh(running_config=True)
    assert rule.action == 'allow'


def test_rule_move(panos, fw):
    rulebase = fw.add(Rulebase())
    rules = [rulebase.add(SecurityRule(name, action='allow')) for name in ('r1', 'r2', 'r3')]
    for rule in rules:
        rule.create()
    rules[2].move('top')
    rules[0].move('after', 'r2')
    rules[1].move('before', 'r3')
    assert [r.name for r in SecurityRule.refreshall(fw.add(Rulebase()), name_only=True)] == ['r2', 'r3', 'r1']
    with pytest.raises(errors.PanDeviceXapiError):
        rules[1].move('top')


def test_delete_similar_uses_or_lists(panos, fw):
    objects = [fw.add(AddressObject('h%d' % i, '10.0.0.%d' % i)) for i in range(1, 6)]
    objects[0].create_similar()
    assert len(AddressObject.refreshall(fw)) == 5
    objects[0].delete_similar()
    assert AddressObject.refreshall(fw) == []
    log = panos.side('GET', 'panos/requests')['requests']
    assert sum(1 for r in log if r['label'] == 'config.delete') == 1


def test_firewall_commit_object_with_description(panos, fw):
    fw.add(AddressObject('a', '10.0.0.1')).create()
    result = fw.commit(sync=True, cmd=FirewallCommit(description='zonewarden test'))
    assert result['success'] and result['xml'].findtext('./result/job/description') == 'zonewarden test'


def test_partial_commit_with_admins_writing_at_entry_xpaths(panos):
    admin_fw, automation_fw = verified_firewall(panos, ADMIN), verified_firewall(panos, AUTOMATION)
    admin_fw.add(AddressObject('by-admin', '10.0.0.1')).apply()
    automation_fw.add(AddressObject('by-automation', '10.0.0.2')).apply()
    result = automation_fw.commit(sync=True, cmd=FirewallCommit(admins=['automation']))
    assert result['success'] and result['user'] == 'automation'
    running = [a.name for a in AddressObject.refreshall(admin_fw, running_config=True)]
    assert running == ['by-automation']
    assert admin_fw.pending_changes() is True


def test_partial_commit_after_create_pulls_in_the_other_admins_object(panos):
    """pan-os-python create() writes at the container and takes it over (pan-os-ansible #642)."""
    admin_fw, automation_fw = verified_firewall(panos, ADMIN), verified_firewall(panos, AUTOMATION)
    admin_fw.add(AddressObject('by-admin', '10.0.0.1')).create()
    automation_fw.add(AddressObject('by-automation', '10.0.0.2')).create()
    automation_fw.commit(sync=True, admins=['automation'])
    assert sorted(a.name for a in AddressObject.refreshall(admin_fw, running_config=True)) == ['by-admin', 'by-automation']


def test_commit_validation_failure_is_reported(panos, fw):
    rulebase = fw.add(Rulebase())
    rulebase.add(SecurityRule('bad', fromzone=['nowhere'], action='allow')).create()
    result = fw.commit(sync=True)
    assert result['success'] is False and result['result'] == 'FAIL'
    assert "vsys -> vsys1 -> rulebase -> security -> rules -> bad -> from 'nowhere' is not a valid reference" in result['messages']
    with pytest.raises(errors.PanCommitFailed):
        fw.commit(sync=True, exception=True)


def test_no_changes_on_10_2_is_commit_not_needed(panos, fw):
    panos.side('POST', 'panos/settings', {'sw_version': '10.2.10'})
    assert fw.commit(sync=True) is None
    with pytest.raises(errors.PanCommitNotNeeded):
        fw.commit(sync=True, exception=True)


def test_no_changes_on_11_reproduces_pan_os_python_issue_569(panos, fw):
    """The <msg><line> shape breaks _commit() unless exception=True (XMLAPI-FACTS.md pitfall 4)."""
    with pytest.raises(TypeError):
        fw.commit(sync=True)
    with pytest.raises(UnboundLocalError):
        fw.commit(sync=False)
    with pytest.raises(errors.PanCommitNotNeeded):
        fw.commit(sync=True, exception=True)


def test_commit_in_progress_is_classified(panos, fw):
    panos.side('POST', 'panos/settings', {'commit_delay': 1.0})
    fw.add(AddressObject('a', '10.0.0.1')).create()
    job_id = fw.commit(sync=False)
    assert job_id
    fw.add(AddressObject('b', '10.0.0.2')).create()
    with pytest.raises(errors.PanCommitInProgress):
        fw.commit(sync=False)
    assert fw.syncjob(job_id)['success']


def test_config_lock_through_pan_os_python(panos, fw):
    other = verified_firewall(panos, AUTOMATION)
    assert fw.add_config_lock(comment='change window') is True
    assert other.check_config_locks() is True
    with pytest.raises(errors.PanLockError):
        other.add(AddressObject('x', '10.9.9.9')).create()
    with pytest.raises(errors.PanLockError):
        other.add_config_lock()
    assert fw.remove_config_lock() is True
    assert other.check_config_locks() is False
    other.add(AddressObject('x', '10.9.9.9')).create()


def test_commit_lock_through_pan_os_python(panos, fw):
    assert fw.add_commit_lock() is True
    assert fw.check_commit_locks() is True
    with pytest.raises(errors.PanLockError):
        verified_firewall(panos, AUTOMATION).add_commit_lock()
    assert fw.remove_commit_lock() is True
    assert fw.check_commit_locks() is False


def test_revert_to_running_configuration(panos, fw):
    fw.add(AddressObject('a', '10.0.0.1')).create()
    fw.revert_to_running_configuration()
    assert fw.pending_changes() is False
    assert AddressObject.refreshall(fw) == []


def test_reference_setters_read_modify_write(panos, fw):
    """set_zone / set_virtual_router read every zone and router, then edit member lists (section 7)."""
    interface = fw.add(EthernetInterface('ethernet1/4', mode='layer3', ip=('10.0.4.1/24',)))
    interface.create()
    panos.side('DELETE', 'panos/requests')
    interface.set_zone('dmz', mode='layer3', refresh=True, update=True)
    interface.set_virtual_router('default', refresh=True, update=True)
    assert {z.name: z.interface for z in Zone.refreshall(fw)}['dmz'] == ['ethernet1/4']
    assert VirtualRouter.refreshall(fw)[0].interface == ['ethernet1/4']
    counts = panos.side('GET', 'panos/requests')['counts']
    assert counts['config.edit'] == 2 and counts['op.show.system.info'] == 2
    assert fw.commit(sync=True)['success']


def test_pan_xapi_directly_with_get_requests(panos):
    context = ssl.create_default_context(cafile=panos.ca_file)
    xapi = pan.xapi.PanXapi(api_username=ADMIN[0], api_password=ADMIN[1], hostname='127.0.0.1', port=panos.port,
                            ssl_context=context, use_get=True)
    xapi.set(xpath=VSYS + "/address/entry[@name='g']", element='<fqdn>g.example</fqdn>')
    xapi.get(xpath=VSYS + "/address/entry[@name='g']/fqdn")
    assert xapi.status == 'success' and xapi.status_code == '19' and 'g.example' in xapi.xml_result()
    xapi.commit(cmd='<commit></commit>', sync=True, interval=0.05)
    xapi.show(xpath=VSYS + "/address/entry[@name='g']")
    assert 'g.example' in xapi.xml_result()
    with pytest.raises(pan.xapi.PanXapiError, match='No such node'):
        xapi.show(xpath=VSYS + "/address/entry[@name='missing']")
