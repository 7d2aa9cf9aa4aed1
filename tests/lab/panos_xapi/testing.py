# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client helpers for tests that talk to the emulator: raw XML API calls and pan-os-python devices."""

import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

ADMIN = ('admin', 'zonewarden-lab')
AUTOMATION = ('automation', 'zonewarden-automation')
DEV = "/config/devices/entry[@name='localhost.localdomain']"
VSYS = DEV + "/vsys/entry[@name='vsys1']"


class Api:
    """A raw XML API client: what pan-python does, without its interpretation."""

    def __init__(self, handle):
        self.handle = handle
        self.context = ssl.create_default_context(cafile=handle.ca_file)
        self._keys = {}

    def call(self, params, method='POST', headers=None):
        """Return (http status, parsed <response>, raw body)."""
        data = urllib.parse.urlencode(params)
        url = self.handle.url + '/api/'
        if method == 'GET':
            request = urllib.request.Request(url + '?' + data, headers=headers or {})
        else:
            request = urllib.request.Request(url, data=data.encode('utf-8'), headers=headers or {})
        try:
            with urllib.request.urlopen(request, context=self.context, timeout=10) as answer:  # nosec - loopback lab
                body, status, ctype = answer.read(), answer.status, answer.headers.get('Content-Type')
        except urllib.error.HTTPError as exc:
            body, status, ctype = exc.read(), exc.code, exc.headers.get('Content-Type')
        root = ET.fromstring(body) if ctype and 'xml' in ctype else None
        return status, root, body

    def key(self, user=ADMIN):
        if user not in self._keys:
            _status, root, _body = self.call({'type': 'keygen', 'user': user[0], 'password': user[1]})
            self._keys[user] = root.findtext('result/key')
        return self._keys[user]

    def request(self, user=ADMIN, **params):
        params['key'] = self.key(user)
        _status, root, _body = self.call(params)
        return root

    def get(self, xpath, user=ADMIN):
        return self.request(user, type='config', action='get', xpath=xpath)

    def show(self, xpath, user=ADMIN):
        return self.request(user, type='config', action='show', xpath=xpath)

    def set(self, xpath, element, user=ADMIN):
        return self.request(user, type='config', action='set', xpath=xpath, element=element)

    def edit(self, xpath, element, user=ADMIN):
        return self.request(user, type='config', action='edit', xpath=xpath, element=element)

    def delete(self, xpath, user=ADMIN):
        return self.request(user, type='config', action='delete', xpath=xpath)

    def op(self, cmd, user=ADMIN, **extra):
        return self.request(user, type='op', cmd=cmd, **extra)

    def commit(self, cmd='<commit></commit>', user=ADMIN):
        return self.request(user, type='commit', cmd=cmd)

    def wait_job(self, job_id, user=ADMIN, timeout=10.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            job = self.op('<show><jobs><id>%s</id></jobs></show>' % job_id, user).find('result/job')
            if job.findtext('status') == 'FIN':
                return job
            time.sleep(0.02)
        raise AssertionError('job %s did not finish' % job_id)

    def commit_and_wait(self, cmd='<commit></commit>', user=ADMIN):
        answer = self.commit(cmd, user)
        job_id = answer.findtext('result/job')
        assert job_id, ET.tostring(answer)
        return self.wait_job(job_id, user)


def status_of(root):
    return root.get('status'), root.get('code')


def message(root):
    """The message text the way pan-python reads it (line elements joined)."""
    for path in ('./msg/line', './result/msg/line'):
        found = root.findall(path)
        if found:
            return '\n'.join(line.text or '' for line in found)
    for path in ('./result/msg', './msg'):
        found = root.find(path)
        if found is not None:
            return found.text
    return None


def verified_firewall(handle, user=ADMIN, **kwargs):
    """A pan-os-python Firewall whose every request verifies the lab CA.

    pan-os-python passes no ssl_context to pan.xapi (which then skips verification), so the key
    is made with a verifying PanXapi and the context is set on the Firewall's xapi object.
    """
    import pan.xapi  # pylint: disable=import-outside-toplevel
    from panos.firewall import Firewall  # pylint: disable=import-outside-toplevel
    context = ssl.create_default_context(cafile=handle.ca_file)
    key = pan.xapi.PanXapi(api_username=user[0], api_password=user[1], hostname='127.0.0.1', port=handle.port,
                           ssl_context=context, timeout=10).keygen()
    firewall = Firewall('127.0.0.1', api_key=key, port=handle.port, **kwargs)
    firewall.xapi.ssl_context = context
    return firewall
