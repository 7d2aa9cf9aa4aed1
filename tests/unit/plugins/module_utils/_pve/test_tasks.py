# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""wait_task: polls on the UPID's node, reports the task's own words on failure, gives up at the timeout."""

import pytest

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ApiError, TimeoutError as TaskTimeout
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.tasks import task_node, wait_task

UPID = 'UPID:pve2:0000ABCD:00112233:6600AA00:qmcreate:900:root@pam:'


class FakeClient(object):
    def __init__(self, statuses, log=None):
        self.statuses = list(statuses)
        self.log = log or []
        self.paths = []

    def get(self, path, desc=None, **params):
        self.paths.append((path, params))
        if path.endswith('/log'):
            return self.log
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]


class FakeClock(object):
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_polls_on_the_node_of_the_upid_until_stopped():
    clock = FakeClock()
    client = FakeClient([{'status': 'running'}, {'status': 'running'}, {'status': 'stopped', 'exitstatus': 'OK', 'upid': UPID}])
    status = wait_task(client, UPID, 'create VM 900', timeout=30, sleep=clock.sleep, clock=clock)
    assert status['exitstatus'] == 'OK'
    assert [path for path, _params in client.paths] == ['nodes/pve2/tasks/%s/status' % UPID] * 3
    assert clock.sleeps == [0.1, 0.2]


def test_warnings_are_success():
    client = FakeClient([{'status': 'stopped', 'exitstatus': 'WARNINGS: 2'}])
    assert wait_task(client, UPID, 'create VM 900')['exitstatus'] == 'WARNINGS: 2'


def test_a_failed_task_reports_its_log_tail():
    log = [{'n': 1, 't': 'importing disk'}, {'n': 2, 't': "storage 'local' does not contain import/pa-vm.qcow2"},
           {'n': 3, 't': 'TASK ERROR: unable to import'}]
    client = FakeClient([{'status': 'stopped', 'exitstatus': 'unable to import'}], log=log)
    with pytest.raises(ApiError) as caught:
        wait_task(client, UPID, 'create VM 900')
    message = str(caught.value)
    assert message.startswith("Failed to create VM 900: the task %s ended with 'unable to import': importing disk" % UPID)
    assert "does not contain import/pa-vm.qcow2 | TASK ERROR" in message
    assert client.paths[-1] == ('nodes/pve2/tasks/%s/log' % UPID, {'start': 0, 'limit': 500})


def test_timeout_says_the_task_goes_on():
    clock = FakeClock()
    client = FakeClient([{'status': 'running'}])
    with pytest.raises(TaskTimeout) as caught:
        wait_task(client, UPID, 'create VM 900', timeout=5, sleep=clock.sleep, clock=clock)
    assert 'still running after 5s' in str(caught.value)
    assert max(clock.sleeps) == 2.0 and clock.now >= 5


def test_not_a_upid():
    with pytest.raises(ApiError):
        task_node('null')
    assert task_node(UPID) == 'pve2'
