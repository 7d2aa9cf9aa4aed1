# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: wait for a Proxmox VE task (UPID) to finish.

Calls that start work in the background (creating a guest, reloading the node network) answer
with a UPID. The task runs on the node named inside the UPID; its status is read there until it
stops. ``exitstatus`` is ``OK`` on success, ``WARNINGS: n`` on success with warnings, and the
error text otherwise.
"""

from __future__ import annotations

import time

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ApiError
from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import TimeoutError as TaskTimeout

LOG_TAIL = 10


def task_node(upid):
    """The node a UPID runs on (UPID:<node>:<pid>:<pstart>:<start>:<type>:<id>:<user>:)."""
    parts = str(upid or '').split(':')
    if len(parts) < 3 or parts[0] != 'UPID' or not parts[1]:
        raise ApiError('Proxmox VE answered %r where a task id (UPID) was expected' % (upid,))
    return parts[1]


def _log_tail(client, node, upid, desc):
    try:
        lines = client.get('nodes/%s/tasks/%s/log' % (node, upid), desc='read the log of the task that %s' % desc,
                           start=0, limit=500) or []
    except ApiError:
        return []
    texts = [str(line.get('t', '')) for line in lines if isinstance(line, dict)]
    return [text for text in texts if text and text != 'TASK OK'][-LOG_TAIL:]


def wait_task(client, upid, desc, timeout=600, sleep=time.sleep, clock=time.monotonic):
    """Poll the task until it stops; return its final status dict, or raise with the task's own words.

    ``desc`` is a verb phrase (``create VM 900``); the poll interval starts short and grows to 2 s.
    """
    node = task_node(upid)
    deadline = clock() + max(0, timeout)
    interval = 0.1
    while True:
        status = client.get('nodes/%s/tasks/%s/status' % (node, upid), desc='read the status of the task that %s' % desc) or {}
        if status.get('status') == 'stopped':
            exitstatus = str(status.get('exitstatus') or '')
            if exitstatus == 'OK' or exitstatus.startswith('WARNINGS'):
                return status
            tail = _log_tail(client, node, upid, desc)
            raise ApiError('Failed to %s: the task %s ended with %r%s' % (
                desc, upid, exitstatus or 'no exit status', (': ' + ' | '.join(tail)) if tail else ''),
                errors={'log': tail} if tail else None)
        if clock() >= deadline:
            raise TaskTimeout('Failed to %s: the task %s was still running after %ss; it goes on in the background' % (
                desc, upid, timeout))
        sleep(interval)
        interval = min(2.0, interval * 2)
