# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the PVE API emulator tests.

One emulator runs in-thread for the whole session (fast); every test starts from the default
fixture (side-door reset). TLS is verified against the emulator's CA in every call: proxmoxer
passes ``verify_ssl`` per request, and raw ``requests`` calls pass ``verify=`` per request,
because a Session's own ``verify`` loses against $REQUESTS_CA_BUNDLE when trust_env is on.
"""

import pytest
import requests
from proxmoxer import ProxmoxAPI

from labcore.control import start_thread
from pve_api import PveApp

TOKEN_ID = 'root@pam!zonewarden'
TOKEN_SECRET = '11111111-2222-3333-4444-555555555555'
PASSWORD = 'zonewarden-lab'
TOKEN_HEADER = {'Authorization': 'PVEAPIToken=%s=%s' % (TOKEN_ID, TOKEN_SECRET)}


class Lab:
    """A running emulator plus the clients the tests use."""

    def __init__(self, handle):
        self.handle = handle
        self.app = handle.server.app
        self.url = handle.url
        self.base = handle.url + '/api2/json'
        self.ca = handle.ca_file
        self.token_header = dict(TOKEN_HEADER)
        self._session = requests.Session()

    def api(self, auth='token', **extra):
        """A proxmoxer client (token by default, or auth='password')."""
        kwargs = dict(port=self.handle.port, verify_ssl=self.ca, timeout=10)
        if auth == 'token':
            kwargs.update(user='root@pam', token_name='zonewarden', token_value=TOKEN_SECRET)
        else:
            kwargs.update(user='root@pam', password=PASSWORD)
        kwargs.update(extra)
        return ProxmoxAPI('127.0.0.1', **kwargs)

    def raw(self, method, path, data=None, params=None, headers=None, auth=True, **kwargs):
        """A raw HTTP call (token auth unless auth=False); returns the requests.Response."""
        all_headers = dict(TOKEN_HEADER) if auth else {}
        all_headers.update(headers or {})
        return self._session.request(method, self.base + path, data=data, params=params, headers=all_headers,
                                     verify=self.ca, timeout=10, **kwargs)

    def data(self, method, path, data=None, params=None):
        """A call that must succeed; returns the 'data' member."""
        answer = self.raw(method, path, data=data, params=params)
        assert answer.status_code == 200, (answer.status_code, answer.reason, answer.text)
        return answer.json()['data']

    def error(self, method, path, data=None, params=None):
        """A call that must fail; returns (status, reason, body)."""
        answer = self.raw(method, path, data=data, params=params)
        assert answer.status_code != 200, answer.text
        body = answer.json() if answer.content else None
        return answer.status_code, answer.reason, body

    def ticket(self, user='root@pam', password=PASSWORD):
        answer = self.raw('POST', '/access/ticket', data={'username': user, 'password': password}, auth=False)
        assert answer.status_code == 200, answer.text
        return answer.json()['data']

    def side(self, method, route, data=None):
        """Side-door call over the kept-alive session (urllib would open a TLS connection per call)."""
        answer = self._session.request(method, self.url + '/_lab/' + route.lstrip('/'), json=data,
                                       headers={'X-Lab-Token': self.handle.token}, verify=self.ca, timeout=10)
        assert answer.status_code == 200, (answer.status_code, answer.text)
        return answer.json()

    def fw_files(self):
        return self.side('GET', 'fw-files')

    def rules(self, path):
        return self.data('GET', path)


@pytest.fixture(scope='session')
def pve_server(tmp_path_factory):
    handle = start_thread(PveApp(), workdir=str(tmp_path_factory.mktemp('pve-lab')))
    yield handle
    handle.stop()


@pytest.fixture(scope='session')
def pve_lab(pve_server):
    return Lab(pve_server)


@pytest.fixture
def pve(pve_lab):
    """The shared emulator, reset to the default fixture."""
    pve_lab.side('POST', 'reset')
    pve_lab.side('DELETE', 'faults')
    pve_lab.side('POST', 'latency', {'ms': 0})
    pve_lab.side('POST', 'auth-delay', {'seconds': 0})
    pve_lab.side('DELETE', 'log')
    return pve_lab


@pytest.fixture
def api(pve):
    return pve.api()
