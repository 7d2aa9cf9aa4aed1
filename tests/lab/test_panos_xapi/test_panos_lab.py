# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator as a process (CLI options, state file), fixtures, labcore faults and the side door."""

import json
import os

import pytest
from panos import errors
from panos.network import Zone
from panos.objects import AddressObject

from labcore.control import start_process
from labcore.server import Request
from panos_xapi import PanosApp
from panos_xapi.testing import ADMIN, VSYS, Api, verified_firewall

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'panos_xapi', 'fixtures')


def test_process_with_reference_config_version_and_state_survives_a_restart(tmp_path):
    state = str(tmp_path / 'panos-state.json')
    args = ['--config', 'trust-untrust-nat-ha-10.1', '--sw-version', '10.2.10', '--commit-delay', '0.05', '--state', state]
    handle = start_process('panos_xapi', workdir=str(tmp_path), args=args)
    try:
        fw = verified_firewall(handle)
        assert fw.refresh_system_info().version == '10.2.10'
        assert sorted(z.name for z in Zone.refreshall(fw)) == ['probes', 'trust', 'untrust']
        fw.add(AddressObject('committed', '10.0.9.1')).create()
        assert fw.commit(sync=True)['success']
        fw.add(AddressObject('pending', '10.0.9.2')).apply()
        handle.side('POST', 'panos/password', {'user': 'netops', 'password': 'netops-pass'})
        key = fw.api_key
    finally:
        handle.stop()
    with open(state, encoding='utf-8') as stream:
        saved = json.load(stream)
    assert saved['settings']['sw_version'] == '10.2.10' and 'netops' in saved['users']
    handle = start_process('panos_xapi', workdir=str(tmp_path), args=['--state', state])
    try:
        api = Api(handle)
        assert api.call({'type': 'op', 'cmd': '<check><pending-changes/></check>', 'key': key})[1].findtext('result') == 'yes'
        assert api.key(('netops', 'netops-pass'))
        running = [e.get('name') for e in api.show(VSYS + '/address').findall('result/address/entry')]
        assert 'committed' in running and 'pending' not in running
        changes = handle.side('GET', 'panos/changes')['changes']
        assert [c['xpath'] for c in changes] == [VSYS + "/address/entry[@name='pending']"]
    finally:
        handle.stop()


def test_process_loads_a_json_fixture(tmp_path):
    handle = start_process('panos_xapi', workdir=str(tmp_path),
                           args=['--fixture', os.path.join(FIXTURES, 'trust-untrust-10.2.json')])
    try:
        api = Api(handle)
        assert api.key(('netops', 'zonewarden-netops'))
        assert api.op('<show><system><info/></system></show>').findtext('result/system/sw-version') == '10.2.10-h3'
        assert handle.side('GET', 'panos/settings')['commit_delay'] == 0.1
        handle.load({'users': {'other': 'other-pass'}})
        assert handle.side('GET', 'panos/settings')['sw_version'] == '11.1.6'
        handle.reset()
        assert Api(handle).key(('netops', 'zonewarden-netops'))
        assert handle.side('GET', 'panos/settings')['sw_version'] == '10.2.10-h3'
    finally:
        handle.stop()


def test_process_refuses_an_unknown_config(tmp_path):
    with pytest.raises(RuntimeError, match='panos_xapi: .*not-a-config'):
        start_process('panos_xapi', workdir=str(tmp_path), args=['--config', 'not-a-config'])


def test_own_exported_config_file(panos, tmp_path):
    exported = tmp_path / 'my-running.xml'
    exported.write_text('<config version="11.1.0"><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1">'
                        '<zone><entry name="mine"><network><layer3/></network></entry></zone></entry></vsys></entry>'
                        '</devices></config>')
    panos.load({'config': str(exported)})
    api = Api(panos)
    assert [e.get('name') for e in api.show(VSYS + '/zone').findall('result/zone/entry')] == ['mine']


def test_lab_fixture_config_by_name(panos):
    panos.load({'config': 'vm-series-factory-vwire', 'sw_version': '11.1.4'})
    fw = verified_firewall(panos)
    assert sorted(z.name for z in Zone.refreshall(fw)) == ['trust', 'untrust']


def test_bad_fixture_is_a_side_door_400(panos):
    with pytest.raises(Exception, match='400'):
        panos.load({'settings': {'no_such_setting': 1}})


def test_labcore_fault_injection_reaches_pan_os_python(panos):
    fw = verified_firewall(panos)
    panos.fault(status=503, count=1, path='^/api/')
    with pytest.raises(errors.PanURLError, match='503'):
        fw.refresh_system_info()
    assert fw.refresh_system_info().platform == 'PA-VM'
    panos.fault(drop=True, count=1)
    # pan-python wraps only URLError; a connection closed before the answer surfaces as is.
    with pytest.raises(ConnectionError):
        fw.refresh_system_info()
    assert fw.refresh_system_info().platform == 'PA-VM'


def test_request_counts_support_request_budgets(panos):
    fw = verified_firewall(panos)
    fw.refresh_system_info()
    fw.add(AddressObject('a', '10.0.0.1')).create()
    panos.side('DELETE', 'panos/requests')
    Zone.refreshall(fw)
    AddressObject.refreshall(fw)
    fw.add(AddressObject('a')).refresh()
    answer = panos.side('GET', 'panos/requests')
    assert answer['counts'] == {'config.get': 3} and answer['total'] == 3
    assert all(r['status'] == 'success' and r['admin'] == 'admin' for r in answer['requests'])
    assert panos.log()['total'] >= 3


def test_side_door_config_and_apply_errors(panos):
    assert panos.side('GET', 'panos/config?which=running')['xml'].startswith('<config')
    answer = panos.side('POST', 'panos/apply',
                        {'admin': 'bob', 'action': 'move', 'xpath': VSYS + "/zone/entry[@name='x']", 'where': 'top'})
    assert answer['status'] == 'error' and answer['code'] == 7
    batch = '<multi-config><set id="1" xpath="%s/zone"><entry name="z"/></set></multi-config>' % VSYS
    answer = panos.side('POST', 'panos/apply', {'admin': 'bob', 'action': 'multi-config', 'element': batch})
    assert answer['status'] == 'success'
    with pytest.raises(Exception, match='400'):
        panos.side('GET', 'panos/config?which=both')


def test_state_round_trip_keeps_a_running_job(tmp_path):
    app = PanosApp(settings={'commit_delay': 30})
    app.store.write('admin', 'set', {'xpath': VSYS + '/address', 'element': '<entry name="a"><fqdn>a.example</fqdn></entry>'})
    key = app.key_for(*ADMIN)
    request = Request('POST', '/api/', {'Content-Type': 'application/x-www-form-urlencoded'},
                      ('type=commit&cmd=%3Ccommit%2F%3E&key=' + key).encode())
    assert b'<job>' in app.handle(request).body
    state = json.loads(json.dumps(app.dump_state()))
    assert state['jobs'][0]['status'] == 'ACT' and state['jobs'][0]['new_running']
    clone = PanosApp()
    clone.load_state(state)
    clone.tick(now=clone.jobs[1].finish_at + 1)
    assert clone.jobs[1].result == 'OK'
    assert clone.store.running.find("devices/entry/vsys/entry/address/entry[@name='a']") is not None
    assert clone.key_for(*ADMIN) == key
