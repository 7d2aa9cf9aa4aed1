#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: panos_commit
short_description: Commit the PAN-OS candidate configuration, only when there is something to commit
version_added: 0.1.0
description:
  - Lists the pending changes first and commits only when there are some in scope; without any it reports
    C(changed=false) and sends no commit.
  - By default the commit is partial - it takes only the changes made by the administrators in O(admins), which default
    to the connecting O(username). Another administrator's unfinished work stays in the candidate configuration. The
    collection's modules write at each object's own xpath, so their changes belong to the automation administrator only.
  - Polls the commit job until it finishes or O(job_timeout) passes, and returns the job's messages and warnings
    (warnings are also shown as task warnings). A failed job fails the task with the job's messages.
  - Retries with jittered backoff while another commit runs or a commit lock is held, until O(job_timeout).
  - Both forms of the "no changes to commit" answer are understood.
  - In check mode nothing is committed; the result says whether a commit would happen and lists the changes it would take.
  - Roles notify a handler that runs this module once, after all changes.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._panos
  - zonewarden.firewall._attributes
  - zonewarden.firewall._attributes.actiongroup_panos
attributes:
  check_mode:
    support: full
    details: Reports whether a commit would happen and the pending changes it would take; nothing is sent.
  diff_mode:
    support: none
  idempotent:
    support: full
    details: A second run finds nothing to commit.
options:
  partial:
    description:
      - Commit only the changes of O(admins). With V(false), commit every administrator's changes.
    type: bool
    default: true
  admins:
    description:
      - The administrators whose changes a partial commit takes. Defaults to O(username); required for a partial commit
        that authenticates with O(api_key) only.
    type: list
    elements: str
  exclude_device_and_network:
    description: Leave device and network changes (interfaces, zones' network settings, routers, profiles) out of a partial commit.
    type: bool
    default: false
  exclude_shared_objects:
    description: Leave shared objects out of a partial commit.
    type: bool
    default: false
  exclude_policy_and_objects:
    description: Leave policies and vsys objects out of a partial commit.
    type: bool
    default: false
  description:
    description: Commit description, shown in the device's commit history.
    type: str
  job_timeout:
    description: Seconds to wait for the commit, including waiting for another commit to finish.
    type: int
    default: 600
  poll_interval:
    description: Seconds between two reads of the commit job.
    type: float
    default: 2.0
seealso:
  - module: zonewarden.firewall.panos_info
'''

EXAMPLES = r'''
# In a role: tasks notify "commit panos"; the handler runs once.
- name: Commit panos
  zonewarden.firewall.panos_commit:
    description: three-zone DMZ by zonewarden
  listen: commit panos

- name: Would anything be committed?
  zonewarden.firewall.panos_commit:
  check_mode: true
  register: pending
'''

RETURN = r'''
pending:
  description: The pending changes in scope (what was or would be committed), with xpath, owner and action.
  returned: always
  type: list
  elements: dict
  sample: [{"xpath": "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/zone/entry[@name='dmz']",
            "owner": "automation", "action": "set"}]
other_pending:
  description: Pending changes of other administrators, left in the candidate configuration by a partial commit.
  returned: always
  type: list
  elements: dict
  sample: []
admins:
  description: The administrators whose changes were in scope (empty for a full commit).
  returned: always
  type: list
  elements: str
  sample: [automation]
commands:
  description: The commit request sent, or that would be sent in check mode.
  returned: always
  type: list
  elements: dict
  sample: [{"type": "commit", "action": "partial", "cmd": "<commit><partial><admin><member>automation</member></admin></partial></commit>"}]
job:
  description: The finished commit job - id, status, result, user, description, tenq, tfin, progress (the values seen), details, warnings.
  returned: when a commit was made
  type: dict
  sample: {"id": "12", "status": "FIN", "result": "OK", "progress": ["45", "100"], "details": ["Configuration committed successfully"],
           "warnings": []}
job_messages:
  description: The detail lines of the commit job.
  returned: when a commit was made
  type: list
  elements: str
job_warnings:
  description: The warning lines of the commit job.
  returned: when a commit was made
  type: list
  elements: str
msg:
  description: What happened, in one sentence.
  returned: always
  type: str
  sample: Committed (job 12)
'''

from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.commit import run_commit
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.module import run


def argument_spec():
    return dict(
        partial=dict(type='bool', default=True),
        admins=dict(type='list', elements='str'),
        exclude_device_and_network=dict(type='bool', default=False),
        exclude_shared_objects=dict(type='bool', default=False),
        exclude_policy_and_objects=dict(type='bool', default=False),
        description=dict(type='str'),
        job_timeout=dict(type='int', default=600),
        poll_interval=dict(type='float', default=2.0),
    )


def main():
    run(argument_spec(), run_commit)


if __name__ == '__main__':
    main()
