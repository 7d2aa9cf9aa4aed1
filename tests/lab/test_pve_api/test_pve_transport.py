# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTPS, base path, envelopes and error shapes (API-FACTS sections 1 and 12)."""

import http.client
import json
import ssl
import urllib.request

import pytest
import requests
from proxmoxer.core import ResourceException


def test_https_with_the_written_ca_only(pve):
    assert pve.url.startswith('https://127.0.0.1:')
    with open(pve.ca, encoding='ascii') as handle:
        assert 'BEGIN CERTIFICATE' in handle.read()
    answer = pve.raw('GET', '/version')
    assert answer.status_code == 200
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(pve.base + '/version', verify=True, timeout=5)


def test_keep_alive_serves_many_requests_on_one_connection(pve):
    context = ssl.create_default_context(cafile=pve.ca)
    connection = http.client.HTTPSConnection('127.0.0.1', pve.handle.port, context=context, timeout=5)
    first_socket = None
    for _attempt in range(5):
        connection.request('GET', '/api2/json/version', headers=pve.token_header)
        answer = connection.getresponse()
        assert answer.status == 200
        answer.read()
        first_socket = first_socket or connection.sock
        assert connection.sock is first_socket
    connection.close()


def test_success_envelope_is_data_only(pve):
    answer = pve.raw('GET', '/version')
    assert answer.reason == 'OK'
    assert answer.headers['Content-Type'].startswith('application/json')
    body = answer.json()
    assert set(body) == {'data'}
    assert body['data']['release'] == '9.1'


def test_writes_return_data_null(pve):
    answer = pve.raw('POST', '/cluster/firewall/groups', data={'group': 'web'})
    assert answer.status_code == 200
    assert answer.json() == {'data': None}


def test_parameter_error_shape(pve):
    status, reason, body = pve.error('POST', '/cluster/firewall/rules', data={'type': 'in', 'action': 'ACCEPT',
                                                                              'enable': 'yes'})
    assert status == 400
    assert reason == 'Parameter verification failed.'
    assert body == {'data': None, 'message': 'Parameter verification failed.\n',
                    'errors': {'enable': "type check ('integer') failed - got 'yes'"}}


def test_schema_errors_report_every_bad_property(pve):
    _status, _reason, body = pve.error('POST', '/cluster/firewall/rules', data={'type': 'sideways', 'action': '1x',
                                                                                'log': 'loud'})
    assert set(body['errors']) == {'type', 'action', 'log'}


def test_handler_parameter_error_has_exactly_one_key(pve):
    _status, _reason, body = pve.error('POST', '/nodes/pve1/qemu/100/firewall/rules',
                                       data={'type': 'forward', 'action': 'REJECT', 'iface': 'eth0'})
    assert body['errors'] == {'type': "invalid rule type 'forward' for rule_env 'vm'"}


def test_plain_error_shape(pve):
    status, reason, body = pve.error('GET', '/cluster/firewall/rules/7')
    assert (status, reason) == (500, 'no rule at position 7')
    assert body == {'data': None, 'message': 'no rule at position 7\n'}


@pytest.mark.parametrize('method, path', [
    ('GET', '/cluster/firewall/nothing'),
    ('PATCH', '/cluster/firewall/rules'),
    ('DELETE', '/cluster/firewall/rules'),
    ('GET', '/nodes/pve1/firewall/ipset'),
    ('GET', '/nodes/pve1/firewall/aliases'),
    ('GET', '/cluster/sdn/vnets/vnet10/firewall/ipset'),
    ('GET', '/cluster/sdn/vnets/vnet10/firewall/aliases'),
])
def test_unknown_path_or_method_is_501(pve, method, path):
    answer = pve.raw(method, path)
    message = "Method '%s %s' not implemented" % (method, path)
    assert answer.status_code == 501
    assert answer.reason == message
    assert answer.json() == {'data': None, 'message': message}


def test_body_on_get_is_refused(pve):
    answer = pve.raw('GET', '/version', data='x=1', headers={'Content-Type': 'application/x-www-form-urlencoded'})
    assert answer.status_code == 501
    assert answer.reason == "Unexpected content for method 'GET'"


def test_body_above_64_kib_is_refused(pve):
    answer = pve.raw('POST', '/cluster/firewall/rules', data={'type': 'in', 'action': 'ACCEPT', 'comment': 'x' * 70000})
    assert (answer.status_code, answer.reason) == (501, 'for data too large')
    assert pve.rules('/cluster/firewall/rules') == []


def test_conflicting_uri_parameter(pve):
    status, _reason, body = pve.error('POST', '/nodes/pve1/firewall/rules', data={'node': 'pve2', 'type': 'in',
                                                                                  'action': 'ACCEPT'})
    assert status == 400
    assert body['errors'] == {'node': 'duplicate parameter (already defined in URI) with conflicting values!'}


def test_query_parameters_override_body_parameters(pve):
    pve.data('POST', '/cluster/firewall/groups?comment=from-query', data={'group': 'web', 'comment': 'from-body'})
    assert pve.data('GET', '/cluster/firewall/groups')[0]['comment'] == 'from-query'


def test_json_bodies_are_accepted(pve):
    answer = pve.raw('POST', '/cluster/firewall/rules', data=json.dumps({'type': 'in', 'action': 'ACCEPT', 'enable': 1}),
                     headers={'Content-Type': 'application/json'})
    assert answer.status_code == 200
    assert pve.rules('/cluster/firewall/rules')[0]['enable'] == 1


def test_proxmoxer_surfaces_reason_and_errors(api):
    with pytest.raises(ResourceException) as caught:
        api.cluster.firewall.rules.post(type='in', action='ACCEPT', enable=True)
    assert caught.value.status_code == 400
    assert caught.value.content == 'Parameter verification failed.'
    assert caught.value.errors == {'enable': "type check ('integer') failed - got 'True'"}
    with pytest.raises(ResourceException) as caught:
        api.cluster.firewall.rules(3).delete()
    assert (caught.value.status_code, caught.value.content) == (500, 'no rule at position 3')


def test_outside_the_api_base_is_not_implemented(pve):
    context = ssl.create_default_context(cafile=pve.ca)
    request = urllib.request.Request(pve.url + '/api2/xml/version')
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, context=context, timeout=5)  # nosec - loopback lab
    assert caught.value.code == 501


def test_proxmoxer_verifies_against_the_lab_ca_despite_requests_ca_bundle(pve, monkeypatch):
    # requests lets $REQUESTS_CA_BUNDLE override a Session's verify, but proxmoxer passes verify_ssl
    # with every request, and per-request values win.
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', requests.certs.where())
    assert pve.api().version.get()['release'] == '9.1'
    with pytest.raises(requests.exceptions.SSLError):
        pve.api(verify_ssl=True).version.get()
