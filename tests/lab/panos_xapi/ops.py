# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``type=op`` commands: the ones pan-os-python and the collection send.

Commands are XML (pan-os-python turns ``show system info`` into ``<show><system><info/></system></show>``).
The grammar below is walked tag by tag; anything else answers like PAN-OS does for an unknown
command: ``status="error"`` code 17 with ``<path> -> <tag> is unexpected``.
"""

import time
import xml.etree.ElementTree as ET
from xml.sax.saxutils import quoteattr

from . import responses
from .store import ParamError
from .tree import TreeError, parse_xml

GRAMMAR = {
    'show': {
        'system': {'info': 'system_info'},
        'jobs': {'id': 'job', 'all': 'jobs_all', 'processed': 'jobs_all', 'pending': 'jobs_pending'},
        'config': {'running': 'config_running', 'candidate': 'config_candidate', 'list': {'changes': 'list_changes'}},
        'config-locks': 'config_locks',
        'commit-locks': 'commit_locks',
        'clock': 'clock',
    },
    'check': {'pending-changes': 'pending_changes'},
    'request': {
        'config-lock': {'add': 'config_lock_add', 'remove': 'config_lock_remove'},
        'commit-lock': {'add': 'commit_lock_add', 'remove': 'commit_lock_remove'},
    },
    'revert': {'config': 'revert_config'},
    'load': {'config': {'from': 'load_config_from'}},
}


def resolve(cmd_text):
    """Return (handler name, command element, label) or raise TreeError like PAN-OS."""
    if not cmd_text:
        raise ParamError('Missing value for parameter "cmd".')
    command = parse_xml(cmd_text)
    grammar, node, trail = GRAMMAR, command, []
    while True:
        entry = grammar.get(node.tag) if isinstance(grammar, dict) else None
        if entry is None:
            where = ' -> '.join(trail + [node.tag])
            raise TreeError(17, '%s is unexpected' % where if trail else 'Unknown command: %s' % node.tag)
        trail.append(node.tag)
        if isinstance(entry, str):
            return entry, node, '.'.join(trail)
        children = list(node)
        if not children:
            raise TreeError(17, '%s is incomplete' % ' -> '.join(trail))
        grammar, node = entry, children[0]


def run(app, admin, params):
    name, node, label = resolve(params.get('cmd'))
    app.note_label('op.' + label)
    return globals()['op_' + name](app, admin, node, params)


# -- system ---------------------------------------------------------------------------------------

def op_system_info(app, _admin, _node, _params):
    return responses.result('<system>%s</system>' % responses.fields(app.system_info()))


def op_clock(_app, _admin, _node, _params):
    return responses.result(time.strftime('%a %b %d %H:%M:%S UTC %Y', time.gmtime()))


# -- jobs -------------------------------------------------------------------------------------------

def op_job(app, _admin, node, _params):
    job_id = (node.text or '').strip()
    job = app.jobs.get(int(job_id)) if job_id.isdigit() else None
    if job is None:
        raise TreeError(None, 'job %s not found' % job_id)
    return responses.result(job.to_xml())


def op_jobs_all(app, _admin, _node, _params):
    return responses.result(''.join(job.to_xml() for job in sorted(app.jobs.values(), key=lambda j: -j.id)))


def op_jobs_pending(app, _admin, _node, _params):
    jobs = [job for job in app.jobs.values() if job.status != 'FIN']
    return responses.result(''.join(job.to_xml() for job in sorted(jobs, key=lambda j: j.id)))


# -- configuration --------------------------------------------------------------------------------

def op_config_running(app, _admin, _node, _params):
    return responses.result(ET.tostring(app.store.running, encoding='unicode'))


def op_config_candidate(app, _admin, _node, _params):
    return responses.result(app.render_candidate(app.store.candidate, (('config', None),)))


def op_list_changes(app, _admin, _node, _params):
    entries = []
    for item in app.store.changes_json():
        others = sorted({c['admin'] for c in app.store.changes_json()} - {item['admin']})
        entries.append('<entry>%s%s</entry>' % (
            responses.fields([('xpath', item['xpath']), ('owner', item['admin']), ('action', item['action']),
                              ('dirty-id', item['dirty_id']), ('time', item['time'])]),
            '<other-admins>%s</other-admins>' % ''.join(responses.element('member', a) for a in others)))
    return responses.result('<journal>%s</journal>' % ''.join(entries))


def op_pending_changes(app, _admin, _node, _params):
    return responses.result('yes' if app.store.pending() else 'no')


def op_revert_config(app, _admin, node, _params):
    admins = [m.text for m in node.findall('partial/admin/member')]
    app.store.revert(admins or None)
    return responses.result('Config reverted')


def op_load_config_from(app, _admin, node, _params):
    if (node.text or '').strip() != 'running-config.xml':
        raise TreeError(17, 'load -> config -> from: only running-config.xml can be loaded in the lab')
    app.store.revert()
    return responses.result('Config loaded from running-config.xml')


# -- locks ------------------------------------------------------------------------------------------

def _scope(params):
    return params.get('vsys') or 'shared'


def op_config_lock_add(app, admin, node, params):
    scope = _scope(params)
    lock = app.config_locks.get(scope)
    if lock is not None and lock['admin'] == admin:
        raise TreeError(None, 'You already own a config lock for scope %s' % scope)
    if lock is not None:
        raise TreeError(None, 'Config for scope %s is currently locked by %s' % (scope, lock['admin']))
    app.config_locks[scope] = app.new_lock(admin, node.findtext('comment'))
    return responses.result('Successfully acquired lock. Other administrators will not be able to modify '
                            'configuration for scope %s until lock is released by %s.' % (scope, admin))


def op_config_lock_remove(app, admin, _node, params):
    scope = _scope(params)
    lock = app.config_locks.get(scope)
    if lock is None:
        raise TreeError(None, 'Config is not currently locked for scope %s' % scope)
    if lock['admin'] != admin and not app.is_superuser(admin):
        raise TreeError(None, 'Config lock for scope %s is held by %s' % (scope, lock['admin']))
    del app.config_locks[scope]
    return responses.result('Config lock released for scope %s' % scope)


def op_commit_lock_add(app, admin, node, params):
    scope = _scope(params)
    lock = app.commit_locks.get(scope)
    if lock is not None:
        raise TreeError(None, 'Commit lock is already held by %s' % lock['admin'])
    app.commit_locks[scope] = app.new_lock(admin, node.findtext('comment'))
    return responses.result('Successfully acquired commit lock. Other administrators will not be able to commit '
                            'for scope %s until lock is released by %s.' % (scope, admin))


def op_commit_lock_remove(app, admin, node, params):
    scope = _scope(params)
    owner = node.findtext('admin') or admin
    lock = app.commit_locks.get(scope)
    if lock is None or lock['admin'] != owner:
        raise TreeError(None, 'Commit lock is not currently held by %s' % owner)
    del app.commit_locks[scope]
    return responses.result('Commit lock released for scope %s' % scope)


def _locks_xml(tag, locks):
    entries = ''.join('<entry name=%s>%s</entry>' % (
        quoteattr(lock['admin']),
        responses.fields([('name', lock['admin']), ('vsys', scope), ('type', tag.split('-')[0]),
                          ('created', lock['created']), ('last-activity', lock['created']), ('loggedin', 'yes'),
                          ('comment', lock.get('comment') or '')]))
        for scope, lock in sorted(locks.items()))
    return '<%s>%s</%s>' % (tag, entries, tag)


def op_config_locks(app, _admin, _node, _params):
    return responses.result(_locks_xml('config-locks', app.config_locks))


def op_commit_locks(app, _admin, _node, _params):
    return responses.result(_locks_xml('commit-locks', app.commit_locks))
