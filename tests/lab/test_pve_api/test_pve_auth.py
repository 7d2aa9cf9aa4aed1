# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tickets with CSRF tokens, API tokens, and the 401 answers."""

import time

import pytest
from proxmoxer import AuthenticationError


def test_ticket_login_returns_ticket_and_csrf(pve):
    data = pve.ticket()
    assert data['username'] == 'root@pam'
    assert data['ticket'].startswith('PVE:root@pam:')
    assert data['CSRFPreventionToken'].split(':')[0] == data['ticket'].split(':')[2]


def test_ticket_cookie_reads_without_csrf(pve):
    ticket = pve.ticket()['ticket']
    answer = pve.raw('GET', '/cluster/firewall/rules', auth=False, cookies={'PVEAuthCookie': ticket})
    assert answer.status_code == 200


def test_write_with_ticket_needs_csrf_header(pve):
    data = pve.ticket()
    cookies = {'PVEAuthCookie': data['ticket']}
    refused = pve.raw('POST', '/cluster/firewall/groups', data={'group': 'web'}, auth=False, cookies=cookies)
    assert (refused.status_code, refused.reason) == (401, 'Permission denied - invalid csrf token')
    accepted = pve.raw('POST', '/cluster/firewall/groups', data={'group': 'web'}, auth=False, cookies=cookies,
                       headers={'CSRFPreventionToken': data['CSRFPreventionToken']})
    assert accepted.status_code == 200


def test_csrf_token_of_another_user_is_refused(pve):
    pve.side('POST', 'load', dict(pve.side('GET', 'state'), users={
        'root@pam': {'password': 'zonewarden-lab'}, 'ops@pve': {'password': 'ops-secret'}}))
    root = pve.ticket()
    ops = pve.ticket('ops@pve', 'ops-secret')
    answer = pve.raw('POST', '/cluster/firewall/groups', data={'group': 'web'}, auth=False,
                     cookies={'PVEAuthCookie': root['ticket']}, headers={'CSRFPreventionToken': ops['CSRFPreventionToken']})
    assert answer.status_code == 401


def test_ticket_in_authorization_header(pve):
    data = pve.ticket()
    answer = pve.raw('GET', '/version', auth=False, headers={'Authorization': 'PVEAuthCookie=%s' % data['ticket']})
    assert answer.status_code == 200


def test_api_token_writes_without_csrf(pve):
    answer = pve.raw('POST', '/cluster/firewall/groups', data={'group': 'web'})
    assert answer.status_code == 200


def test_missing_credentials_is_no_ticket(pve):
    answer = pve.raw('GET', '/version', auth=False)
    assert (answer.status_code, answer.reason, answer.content) == (401, 'No ticket', b'')


@pytest.mark.parametrize('header', [
    'PVEAPIToken=root@pam!zonewarden=00000000-0000-0000-0000-000000000000',
    'PVEAPIToken=root@pam!nosuchtoken=11111111-2222-3333-4444-555555555555',
    'PVEAPIToken=garbage',
])
def test_bad_token_is_authentication_failed(pve, header):
    answer = pve.raw('GET', '/version', auth=False, headers={'Authorization': header})
    assert (answer.status_code, answer.reason) == (401, 'Authentication failed!')


def test_forged_or_expired_ticket_fails(pve):
    ticket = pve.ticket()['ticket']
    forged = ticket[:-4] + ('AAAA' if not ticket.endswith('AAAA') else 'BBBB')
    answer = pve.raw('GET', '/version', auth=False, cookies={'PVEAuthCookie': forged})
    assert (answer.status_code, answer.reason) == (401, 'Authentication failed!')
    pve.side('POST', 'clock', {'advance': 7201})
    answer = pve.raw('GET', '/version', auth=False, cookies={'PVEAuthCookie': ticket})
    assert (answer.status_code, answer.reason) == (401, 'Authentication failed!')


def test_wrong_password_is_authentication_failure(pve):
    answer = pve.raw('POST', '/access/ticket', data={'username': 'root@pam', 'password': 'wrong'}, auth=False)
    assert (answer.status_code, answer.reason) == (401, 'authentication failure')
    assert answer.json() == {'data': None, 'message': 'authentication failure\n'}


def test_realm_parameter_and_ticket_renewal(pve):
    first = pve.raw('POST', '/access/ticket', data={'username': 'root', 'realm': 'pam', 'password': 'zonewarden-lab'},
                    auth=False).json()['data']
    renewed = pve.raw('POST', '/access/ticket', data={'username': 'root@pam', 'password': first['ticket']},
                      auth=False)
    assert renewed.status_code == 200
    assert renewed.json()['data']['username'] == 'root@pam'


def test_proxmoxer_password_and_token_clients(pve):
    assert pve.api(auth='password').version.get()['version'] == '9.1.9'
    assert pve.api().version.get()['version'] == '9.1.9'
    pve.api(auth='password').cluster.firewall.groups.post(group='web')
    assert [group['group'] for group in pve.api().cluster.firewall.groups.get()] == ['web']
    with pytest.raises(AuthenticationError):
        pve.api(auth='password', password='wrong')


def test_fixture_overrides_credentials(pve):
    state = pve.side('GET', 'state')
    state['users'] = {'admin@pve': {'password': 'other'}}
    state['tokens'] = {'admin@pve!ci': {'secret': 'abc-123'}}
    pve.side('POST', 'load', state)
    assert pve.raw('POST', '/access/ticket', data={'username': 'root@pam', 'password': 'zonewarden-lab'},
                   auth=False).status_code == 401
    assert pve.ticket('admin@pve', 'other')['username'] == 'admin@pve'
    answer = pve.raw('GET', '/version', auth=False, headers={'Authorization': 'PVEAPIToken=admin@pve!ci=abc-123'})
    assert answer.status_code == 200
    assert pve.raw('GET', '/version').status_code == 401


def test_disabled_user_and_expired_token(pve):
    state = pve.side('GET', 'state')
    state['users']['root@pam']['enable'] = 0
    pve.side('POST', 'load', state)
    assert pve.raw('GET', '/version').status_code == 401
    state['users']['root@pam']['enable'] = 1
    state['tokens']['root@pam!zonewarden']['expire'] = 1000
    pve.side('POST', 'load', state)
    assert pve.raw('GET', '/version').status_code == 401


def test_auth_failure_delay_is_optional(pve):
    pve.side('POST', 'auth-delay', {'seconds': 0.3})
    started = time.monotonic()
    assert pve.raw('GET', '/version', auth=False).status_code == 401
    assert time.monotonic() - started >= 0.3
    assert pve.raw('GET', '/version').status_code == 200
