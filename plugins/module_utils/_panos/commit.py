# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: commit the candidate configuration and follow the job.

* Commits only when there is something to commit: the pending changes are listed first
  (``show config list changes``) and, for a partial commit, only those owned by the admins in
  scope count. Without a change nothing is sent; check mode reports what would be committed.
* A partial commit names the admins (by default the connecting ``username``), so another
  admin's pending work stays in the candidate configuration.
* "Commit in progress" and commit locks are retried with jittered backoff until the timeout.
* Both "no changes" answers (``<msg>`` and ``<msg><line>``) and an answer without a job id mean
  that nothing was committed.
* The job is polled until FIN; a FAIL result is an error carrying the job's detail lines.
"""

from __future__ import annotations

import time

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import (
    ApiError,
    AuthError,
    ConnectionFailure,
    LockError,
    TimeoutError,
    ValidationError,
)
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xml as pxml

SECTIONS = (('exclude_device_and_network', 'device-and-network'), ('exclude_shared_objects', 'shared-object'),
            ('exclude_policy_and_objects', 'policy-and-objects'))
LIST_CHANGES = '<show><config><list><changes/></list></config></show>'


def _lines(node):
    if node is None:
        return []
    lines = [(line.text or '').strip() for line in node.iter('line') if (line.text or '').strip()]
    if not lines and (node.text or '').strip():
        lines = [node.text.strip()]
    return lines


def pending_changes(client):
    """The pending changes as [{xpath, owner, action}], or None when the device cannot list them."""
    try:
        root = client.op(LIST_CHANGES, 'list the pending changes')
    except ApiError:
        return None
    if root.find('.//journal') is None:
        # An answer this module does not know how to read: let the caller fall back to "check pending-changes".
        return None
    changes = []
    for entry in root.iter('entry'):
        xpath = entry.findtext('xpath')
        if xpath is None:
            continue
        changes.append(dict(xpath=xpath.strip(), owner=(entry.findtext('owner') or entry.findtext('admin') or '').strip(),
                            action=(entry.findtext('action') or '').strip()))
    return changes


def any_pending(client):
    root = client.op('<check><pending-changes/></check>', 'check for pending changes')
    return (root.findtext('result') or '').strip() == 'yes'


def commit_cmd(params, admins):
    cmd = pxml.new('commit')
    if params.get('description'):
        cmd.append(pxml.new('description', params['description']))
    if params.get('partial'):
        partial = pxml.new('partial')
        partial.append(pxml.member_list('admin', admins))
        for option, tag in SECTIONS:
            if params.get(option):
                partial.append(pxml.new(tag, 'excluded'))
        cmd.append(partial)
    return pxml.to_string(cmd)


def _admins(params, client):
    if not params.get('partial'):
        return []
    admins = params.get('admins') or ([client.admin] if client.admin else [])
    if not admins:
        raise ValidationError('A partial commit needs the administrators whose changes it commits: set admins, or username '
                              '(the connecting administrator is the default)')
    return admins


def run_commit(module, client, sleep=time.sleep, clock=time.time):
    params = module.params
    admins = _admins(params, client)
    deadline = clock() + params['job_timeout']
    changes = pending_changes(client)
    if changes is None:
        ours = [dict(xpath='(the device does not list changes)', owner='', action='')] if any_pending(client) else []
    else:
        ours = [change for change in changes if not admins or change['owner'] in admins]
    others = [change for change in changes or [] if change not in ours]
    result = dict(changed=False, pending=ours, other_pending=others, admins=admins, commands=[])
    if not ours:
        result['msg'] = 'Nothing to commit' + (' for %s' % ', '.join(admins) if admins else '')
        return result
    cmd = commit_cmd(params, admins)
    action = 'partial' if params.get('partial') else None
    call = dict(type='commit', cmd=cmd)
    if action:
        call['action'] = action
    client.record(call)
    result['commands'] = client.commands()
    if module.check_mode:
        result.update(changed=True, msg='Would commit %d change(s)' % len(ours))
        return result
    job_id, answer = _submit(client, cmd, action, deadline, sleep, clock)
    if job_id is None:
        result['msg'] = answer or 'There are no changes to commit.'
        return result
    job = wait_for_job(client, job_id, deadline, params['poll_interval'], sleep, clock)
    result.update(changed=True, job=job, job_messages=job['details'], job_warnings=job['warnings'])
    for line in job['warnings']:
        module.warn('Commit job %s: %s' % (job_id, line))
    if job['result'] != 'OK':
        raise ApiError('Commit job %s failed: %s' % (job_id, ' '.join(job['details']) or job['result']), job=job)
    result['msg'] = 'Committed (job %s)' % job_id
    return result


def _submit(client, cmd, action, deadline, sleep, clock):
    """Send the commit; return (job id or None, message). Retries while a commit runs or a lock is held."""
    attempt = 0
    while True:
        try:
            # No inner retries: this loop waits for a running commit or a lock within the job timeout.
            root = client.request(dict(type='commit', cmd=cmd, **({'action': action} if action else {})), 'commit', write=True,
                                  retry_busy=True, retries=0)
            break
        except LockError as exc:
            attempt += 1
            wait = min(8.0, 0.5 * (2 ** (attempt - 1)))
            if clock() + wait / 2.0 > deadline:
                raise TimeoutError('Could not commit before the timeout: %s' % exc)
            sleep(client._rng.uniform(wait / 2.0, wait))
    job = root.findtext('result/job')
    message = ' '.join(_lines(root.find('msg')) or _lines(root.find('result/msg')))
    return ((job or '').strip() or None), message


def wait_for_job(client, job_id, deadline, interval, sleep, clock):
    """Poll ``show jobs id`` until FIN; tolerate a management plane that restarts meanwhile."""
    progress = []
    cmd = '<show><jobs><id>%s</id></jobs></show>' % job_id
    while True:
        try:
            root = client.op(cmd, 'read commit job %s' % job_id)
            job = root.find('result/job')
        except (ConnectionFailure, AuthError):
            job = None
        if job is not None:
            value = (job.findtext('progress') or '').strip()
            if value and (not progress or progress[-1] != value):
                progress.append(value)
            if (job.findtext('status') or '').strip() == 'FIN':
                return dict(id=job_id, status='FIN', result=(job.findtext('result') or '').strip(), user=job.findtext('user'),
                            description=job.findtext('description'), tenq=job.findtext('tenq'), tfin=job.findtext('tfin'),
                            progress=progress, details=_lines(job.find('details')), warnings=_lines(job.find('warnings')))
        if clock() + interval > deadline:
            raise TimeoutError('Commit job %s did not finish before the timeout (last progress %s%%)' % (
                job_id, progress[-1] if progress else '0'))
        sleep(interval)
