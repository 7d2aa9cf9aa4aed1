# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transport and authentication: TLS with the lab CA, keygen, where the key may travel, 403 shapes."""

import ssl
import urllib.error
import urllib.request

import pytest

from panos_xapi.testing import ADMIN, AUTOMATION, message, status_of

SYSTEM_INFO = '<show><system><info/></system></show>'


def test_https_with_the_lab_ca_and_xml_content_type(api):
    status, root, _body = api.call({'type': 'keygen', 'user': ADMIN[0], 'password': ADMIN[1]})
    assert status == 200 and root.get('status') == 'success'
    request = urllib.request.Request(api.handle.url + '/api/?type=version&key=' + api.key())
    with urllib.request.urlopen(request, context=api.context, timeout=10) as answer:  # nosec - loopback lab
        assert answer.headers['Content-Type'] == 'application/xml; charset=utf-8'


def test_tls_verification_fails_without_the_lab_ca(api):
    context = ssl.create_default_context()
    with pytest.raises(urllib.error.URLError, match='CERTIFICATE_VERIFY_FAILED'):
        urllib.request.urlopen(api.handle.url + '/api/?type=version', context=context, timeout=10)  # nosec - loopback lab


def test_keygen_is_stable_per_password_and_differs_per_user(api):
    keys = set()
    for method in ('GET', 'POST'):
        _status, root, _body = api.call({'type': 'keygen', 'user': ADMIN[0], 'password': ADMIN[1]}, method=method)
        keys.add(root.findtext('result/key'))
    assert len(keys) == 1 and keys.pop().startswith('LUFRPT')
    assert api.key(ADMIN) != api.key(AUTOMATION)
    assert '+' not in api.key(ADMIN)


@pytest.mark.parametrize('where', ['body', 'query', 'header'])
def test_key_accepted_in_body_query_and_header(api, where):
    key = api.key()
    params = {'type': 'op', 'cmd': SYSTEM_INFO}
    headers = {}
    if where == 'header':
        headers['X-PAN-KEY'] = key
    else:
        params['key'] = key
    status, root, _body = api.call(params, method='GET' if where == 'query' else 'POST', headers=headers)
    assert status == 200 and status_of(root) == ('success', None)
    assert root.findtext('result/system/model') == 'PA-VM'


def test_user_and_password_work_instead_of_a_key(api):
    _status, root, _body = api.call({'type': 'op', 'cmd': SYSTEM_INFO, 'user': AUTOMATION[0], 'password': AUTOMATION[1]})
    assert root.get('status') == 'success'


@pytest.mark.parametrize('params', [
    {'type': 'keygen', 'user': 'admin', 'password': 'wrong'},
    {'type': 'keygen', 'user': 'nobody', 'password': 'zonewarden-lab'},
    {'type': 'op', 'cmd': SYSTEM_INFO, 'key': 'LUFRPTnotakey='},
    {'type': 'op', 'cmd': SYSTEM_INFO},
])
def test_bad_credentials_answer_403_in_the_body_with_http_200(api, params):
    status, root, body = api.call(params)
    assert status == 200
    assert body == b'<response status="error" code="403"><result><msg>Invalid credentials.</msg></result></response>'
    assert message(root) == 'Invalid credentials.'


def test_http_403_variant_is_configurable(api):
    api.handle.side('POST', 'panos/settings', {'auth_failure': 'http'})
    status, root, _body = api.call({'type': 'keygen', 'user': 'admin', 'password': 'wrong'})
    assert status == 403 and status_of(root) == ('error', '403')


def test_password_change_invalidates_the_old_key_only_for_that_user(api):
    old_admin, automation = api.key(ADMIN), api.key(AUTOMATION)
    answer = api.handle.side('POST', 'panos/password', {'user': 'admin', 'password': 'n3w-secret'})
    for key, expected in ((old_admin, 'error'), (automation, 'success'), (answer['key'], 'success')):
        _status, root, _body = api.call({'type': 'op', 'cmd': SYSTEM_INFO, 'key': key})
        assert root.get('status') == expected
    _status, root, _body = api.call({'type': 'keygen', 'user': 'admin', 'password': 'n3w-secret'})
    assert root.findtext('result/key') == answer['key']


def test_users_come_from_the_fixture(api):
    api.handle.load({'users': {'ops': 'ops-pass'}})
    _status, root, _body = api.call({'type': 'keygen', 'user': 'ops', 'password': 'ops-pass'})
    assert root.findtext('result/key')
    _status, root, _body = api.call({'type': 'keygen', 'user': ADMIN[0], 'password': ADMIN[1]})
    assert root.get('code') == '403'


@pytest.mark.parametrize('params, text', [
    ({'type': 'bogus'}, 'Illegal value for parameter "type" [bogus].'),
    ({}, 'Missing value for parameter "type".'),
    ({'type': 'config', 'action': 'frobnicate'}, 'Illegal value for parameter "action" [frobnicate].'),
    ({'type': 'config', 'action': 'set', 'element': '<x/>'}, 'Missing value for parameter "xpath".'),
])
def test_parameter_errors_are_code_400_in_result_msg(api, params, text):
    params['key'] = api.key()
    status, root, _body = api.call(params)
    assert status == 200 and status_of(root) == ('error', '400')
    assert root.findtext('result/msg') == text


def test_other_paths_are_plain_404(api):
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(api.handle.url + '/php/login.php', context=api.context, timeout=10)  # nosec - loopback lab
    assert info.value.code == 404


def test_type_version(api):
    root = api.request(type='version')
    assert root.findtext('result/sw-version') == '11.1.6' and root.findtext('result/multi-vsys') == 'off'
