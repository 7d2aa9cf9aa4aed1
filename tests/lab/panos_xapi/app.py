# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The PAN-OS XML API emulator: ``/api/`` on top of labcore's HTTPS server.

Request types: keygen, config (get/show/set/edit/delete/move/rename/clone/multi-config), op,
commit and version. Behaviour follows shared/reference/panos/XMLAPI-FACTS.md; the side
door routes (``/_lab/panos/...``) are listed in :meth:`PanosApp.side_door`.
"""

import base64
import copy
import hashlib
import hmac
import re
import secrets
import time
import xml.etree.ElementTree as ET
from collections import Counter
from xml.sax.saxutils import quoteattr

from labcore.server import LabApp, Response

from . import ops, responses, semantics
from .configs import DEFAULT_CONFIG, load_config
from .jobs import Job
from .store import SECTIONS, WRITE_ACTIONS, ConfigStore, ParamError, panos_time
from .tree import Journal, TreeError, parse_xml
from .xpath import find_child, is_prefix

DEFAULT_USERS = {'admin': 'zonewarden-lab', 'automation': 'zonewarden-automation'}
DEFAULT_SETTINGS = {
    'sw_version': '11.1.6',
    'model': 'PA-VM',
    'family': 'vm',
    'serial': '007954000123456',
    'hostname': 'zonewarden-lab-fw',
    'app_version': '8950-9312',
    'threat_version': '8950-9312',
    'mgmt_ip': '192.0.2.10',
    'multi_vsys': 'off',
    'advanced_routing': 'off',
    # Seconds a commit job stays ACT before FIN.
    'commit_delay': 0.3,
    # 'error': a commit while another runs is refused; 'queue': it waits (PEND) for its turn.
    'commit_conflict': 'error',
    # 'msg' (<msg>text</msg>), 'line' (<msg><line>text</line></msg>) or 'auto' (line from 11.0 on).
    'no_changes_shape': 'auto',
    # 'xml': HTTP 200 + status="error" code="403"; 'http': the same body with HTTP status 403.
    'auth_failure': 'xml',
    # Candidate reads carry admin/dirtyId/time on changed nodes, as PAN-OS does.
    'annotate_changes': True,
    'noop_writes_dirty': False,
    'reference_checks': True,
    'rule_uuids': True,
}
MAX_JOURNAL = 20000
_STATUS = re.compile(rb'<response status="(\w+)"(?: code="(\d+)")?')
_VERSION = re.compile(r'^(\d+)\.(\d+)\.(\d+)')
NOT_FOUND = '<html><head><title>404 Not Found</title></head><body>Not Found</body></html>'


def version_tuple(version):
    match = _VERSION.match(version or '')
    if not match:
        raise ValueError('sw_version must look like 11.1.6 or 10.2.10-h3, not %r' % version)
    return tuple(int(part) for part in match.groups())


class PanosApp(LabApp):
    """State and request handling of one emulated firewall."""

    name = 'panos_xapi'

    def __init__(self, config=None, sw_version=None, settings=None, fixture=None):
        super().__init__()
        defaults = dict(DEFAULT_SETTINGS)
        defaults.update(settings or {})
        if sw_version:
            defaults['sw_version'] = sw_version
        version_tuple(defaults['sw_version'])
        self.default_config = config or DEFAULT_CONFIG
        self.default_settings = defaults
        # A start-up fixture (CLI --fixture) is what reset goes back to; later loads are not.
        self.base_fixture = fixture
        self.secret = secrets.token_bytes(32)
        self._label = None
        self.reset()

    # -- state ----------------------------------------------------------------------------------
    def reset(self):
        self._pristine()
        if self.base_fixture:
            self._apply_fixture(self.base_fixture)

    def _pristine(self):
        self.settings = dict(self.default_settings)
        self.store = ConfigStore(load_config(self.default_config), settings=self.settings)
        self.set_users(DEFAULT_USERS)
        self.jobs = {}
        self.next_job_id = 1
        self.last_finish = 0.0
        self.config_locks = {}
        self.commit_locks = {}
        self.job_faults = []
        self.stats = Counter()
        self.journal = []

    def load_fixture(self, data):
        """Start over from the defaults with a fixture applied (it is not kept for reset)."""
        self._pristine()
        self._apply_fixture(data)

    def _apply_fixture(self, data):
        """Fixture keys: config (reference name or file), config_xml, users, settings (or its keys at top level)."""
        settings = dict(data.get('settings') or {})
        settings.update({k: v for k, v in data.items() if k in DEFAULT_SETTINGS})
        self.update_settings(settings)
        if data.get('config') or data.get('config_xml'):
            self.store = ConfigStore(load_config(data.get('config'), data.get('config_xml')), settings=self.settings)
        if data.get('users'):
            users = data['users']
            if isinstance(users, list):
                users = {item['name']: item['password'] for item in users}
            self.set_users(users)
        if data.get('next_job_id'):
            self.next_job_id = int(data['next_job_id'])

    def update_settings(self, values):
        unknown = sorted(set(values) - set(DEFAULT_SETTINGS))
        if unknown:
            raise ValueError('unknown settings: %s' % ', '.join(unknown))
        if 'sw_version' in values:
            version_tuple(values['sw_version'])
        if 'commit_delay' in values:
            values['commit_delay'] = float(values['commit_delay'])
        self.settings.update(values)

    def dump_state(self):
        self.tick()
        state = self.store.dump()
        state.update({'settings': self.settings, 'users': self.users, 'secret': base64.b64encode(self.secret).decode('ascii'),
                      'jobs': [job.to_json() for job in sorted(self.jobs.values(), key=lambda j: j.id)],
                      'next_job_id': self.next_job_id, 'last_finish': self.last_finish,
                      'config_locks': self.config_locks, 'commit_locks': self.commit_locks})
        return state

    def load_state(self, data):
        if 'candidate' not in data:
            self.load_fixture(data)
            return
        self._pristine()
        self.update_settings(dict(data.get('settings') or {}))
        self.store = ConfigStore(parse_xml(data['candidate']), parse_xml(data['running']), settings=self.settings)
        self.store.load_changes(data.get('changes') or [], int(data.get('dirty_seq') or 0))
        if data.get('secret'):
            self.secret = base64.b64decode(data['secret'])
        self.set_users(data.get('users') or DEFAULT_USERS)
        self.jobs = {item['id']: Job.from_json(item) for item in data.get('jobs') or []}
        self.next_job_id = int(data.get('next_job_id') or 1)
        self.last_finish = float(data.get('last_finish') or 0.0)
        self.config_locks = dict(data.get('config_locks') or {})
        self.commit_locks = dict(data.get('commit_locks') or {})

    # -- users and keys -------------------------------------------------------------------------
    def set_users(self, users):
        self.users = dict(users)
        self.keys = {self.key_for(user, password): user for user, password in self.users.items()}

    def set_password(self, user, password):
        users = dict(self.users)
        users[user] = password
        self.set_users(users)

    def key_for(self, user, password):
        """Stable per (user, password), like PAN-OS: a new password invalidates the old key."""
        digest = hmac.new(self.secret, ('%s\0%s' % (user, password)).encode('utf-8'), hashlib.sha256).digest()
        # pan-python appends the key to the body without URL-encoding, so avoid '+' (read as a space).
        return 'LUFRPT' + base64.b64encode(digest).decode('ascii').replace('+', 'k').replace('/', 'z')

    def is_superuser(self, user):
        return user == 'admin'

    def _authenticate(self, request, params):
        key = params.get('key') or request.headers.get('X-PAN-KEY')
        if key:
            return self.keys.get(key)
        user, password = params.get('user'), params.get('password')
        if user and password is not None and self.users.get(user) == password:
            return user
        return None

    def _auth_failure(self):
        status = 403 if self.settings['auth_failure'] == 'http' else 200
        return responses.result_error(403, 'Invalid credentials.', status=status)

    # -- request dispatch -----------------------------------------------------------------------
    def is_write(self, request):
        params = request.params()
        rtype = params.get('type')
        if rtype == 'config':
            return params.get('action') not in ('get', 'show')
        return rtype in ('commit', 'op')

    def handle(self, request):
        self.tick()
        if request.path not in ('/api', '/api/'):
            return Response(404, NOT_FOUND, content_type='text/html', reason='Not Found')
        if request.method not in ('GET', 'POST'):
            return Response(405, NOT_FOUND, content_type='text/html', reason='Method Not Allowed')
        params = request.params()
        rtype = params.get('type')
        self._label = rtype
        admin = None
        try:
            if rtype == 'keygen':
                response = self._keygen(params)
            else:
                admin = self._authenticate(request, params)
                response = self._auth_failure() if admin is None else self._dispatch(rtype, admin, params)
        except ParamError as exc:
            response = responses.result_error(400, str(exc))
        except TreeError as exc:
            response = responses.error(exc.code, *exc.lines)
        self._count(params, admin, response)
        return response

    def _dispatch(self, rtype, admin, params):
        if not rtype:
            raise ParamError('Missing value for parameter "type".')
        handler = {'config': self._config, 'op': self._op, 'commit': self._commit, 'version': self._version}.get(rtype)
        if handler is None:
            raise ParamError('Illegal value for parameter "type" [%s].' % rtype)
        return handler(admin, params)

    def note_label(self, label):
        self._label = label

    def _count(self, params, admin, response):
        label = self._label or 'unknown'
        self.stats[label] += 1
        if len(self.journal) < MAX_JOURNAL:
            match = _STATUS.search(response.body[:120])
            self.journal.append({'label': label, 'admin': admin, 'xpath': params.get('xpath'),
                                 'http_status': response.status, 'status': match.group(1).decode() if match else None,
                                 'code': match.group(2).decode() if match and match.group(2) else None})

    def _keygen(self, params):
        user, password = params.get('user'), params.get('password')
        if not user or password is None or self.users.get(user) != password:
            return self._auth_failure()
        return responses.result('<key>%s</key>' % self.key_for(user, password))

    def _version(self, _admin, _params):
        info = dict(self.system_info())
        return responses.result(responses.fields([(k, info[k]) for k in ('sw-version', 'multi-vsys', 'model', 'serial')]))

    # -- type=config ----------------------------------------------------------------------------
    def _config(self, admin, params):
        action = params.get('action')
        self._label = 'config.%s' % action
        if action in ('get', 'show'):
            return self._config_read(action, params)
        if action == 'multi-config':
            return self._multi_config(admin, params)
        if action not in WRITE_ACTIONS:
            raise ParamError('Illegal value for parameter "action" [%s].' % action)
        self.store.check_locks(admin, params.get('xpath'), self.config_locks)
        code, message = self.store.write(admin, action, params)
        return responses.success(code, responses.msg(message))

    def _config_read(self, action, params):
        running = action == 'show'
        nodes = self.store.get(params.get('xpath') or '/config', running=running)
        if running:
            if not nodes:
                raise TreeError(7, 'No such node')
            if len(nodes) > 1:
                raise TreeError(8, 'Object not unique: %d nodes match the xpath' % len(nodes))
            return responses.result(self._render(nodes, annotate=False), code=19)
        if not nodes:
            return responses.success(7, '<result/>')
        count = len(nodes)
        return responses.result(self._render(nodes, annotate=True), code=19,
                                attrs=' total-count="%d" count="%d"' % (count, count))

    def _render(self, nodes, annotate):
        parts = []
        for node in nodes:
            if hasattr(node, 'name'):
                parts.append('<%s %s=%s/>' % (node.element.tag, node.name, quoteattr(node.element.get(node.name))))
            elif annotate:
                parts.append(self.render_candidate(node.element, node.path))
            else:
                parts.append(ET.tostring(node.element, encoding='unicode'))
        return ''.join(parts)

    def render_candidate(self, element, path):
        """Serialize a candidate node, marking changed nodes with admin/dirtyId/time like PAN-OS."""
        if not self.settings['annotate_changes'] or not self.store.changes:
            return ET.tostring(element, encoding='unicode')
        relevant = [(p, c) for p, c in self.store.changes.items() if is_prefix(path, p) or is_prefix(p, path)]
        if not relevant:
            return ET.tostring(element, encoding='unicode')
        clone = copy.deepcopy(element)
        for change_path, change in relevant:
            targets = [clone]
            node = clone
            for comp in change_path[len(path):]:
                node = find_child(node, comp)
                if node is None:
                    break
                targets.append(node)
            for target in targets:
                if int(target.get('dirtyId') or 0) < change.dirty_id:
                    target.set('admin', change.admin)
                    target.set('dirtyId', str(change.dirty_id))
                    target.set('time', change.time)
        return ET.tostring(clone, encoding='unicode')

    def _multi_config(self, admin, params):
        batch = parse_xml(params.get('element') or '')
        if batch.tag != 'multi-config':
            raise TreeError(18, 'Malformed Request', 'element must be <multi-config>')
        if params.get('strict-transactional') == 'yes':
            if self.active_job():
                raise TreeError(13, 'A commit is in progress. Please try again later.')
            self.store.revert([admin])
        journal, answers = Journal(), []
        for sub in batch:
            sub_params = dict(sub.attrib)
            sub_id = quoteattr(sub.get('id')) if sub.get('id') is not None else None
            id_attr = ' id=%s' % sub_id if sub_id else ''
            if sub.tag in ('set', 'edit'):
                sub_params['element'] = ''.join(ET.tostring(child, encoding='unicode') for child in sub)
            try:
                self.store.check_locks(admin, sub_params.get('xpath'), self.config_locks)
                code, message = self.store.write(admin, sub.tag, sub_params, journal)
            except (TreeError, ParamError) as exc:
                journal.rollback()
                code = exc.code if isinstance(exc, TreeError) else 400
                texts = exc.lines if isinstance(exc, TreeError) else [str(exc)]
                answers.append(responses.envelope('error', code, responses.lines(*texts), attrs=id_attr))
                head = responses.lines('multi-config request failed at id %s: %s' % (sub.get('id'), texts[0]))
                return responses.xml(responses.envelope('error', code, head + ''.join(answers)))
            answers.append(responses.envelope('success', code, responses.msg(message), attrs=id_attr))
        return responses.xml(responses.envelope('success', 20, ''.join(answers)))

    # -- type=op --------------------------------------------------------------------------------
    def _op(self, admin, params):
        self._label = 'op'
        return ops.run(self, admin, params)

    def system_info(self):
        s = self.settings
        running = self.store.running
        hostname = running.findtext('devices/entry/deviceconfig/system/hostname') or s['hostname']
        mgmt_ip = running.findtext('devices/entry/deviceconfig/system/ip-address') or s['mgmt_ip']
        pairs = [('hostname', hostname), ('ip-address', mgmt_ip), ('public-ip-address', 'unknown'),
                 ('netmask', '255.255.255.0'), ('default-gateway', '192.0.2.1'), ('is-dhcp', 'no'),
                 ('ipv6-address', 'unknown'), ('mac-address', '52:54:00:5a:77:01'),
                 ('time', time.strftime('%a %b %d %H:%M:%S %Y')), ('uptime', '0 days, 1:00:00'),
                 ('devicename', hostname), ('family', s['family']), ('model', s['model']), ('serial', s['serial']),
                 ('vm-mac-base', '7c:89:c1:00:00:00'), ('vm-mac-count', '256'), ('vm-license', 'VM-100'),
                 ('vm-mode', 'KVM'), ('cloud-mode', 'non-cloud'), ('sw-version', s['sw_version']),
                 ('global-protect-client-package-version', '0.0.0'), ('app-version', s['app_version']),
                 ('app-release-date', '2026/01/05 18:02:44 PST'), ('av-version', '0'),
                 ('threat-version', s['threat_version']), ('wf-private-version', '0'), ('url-db', 'paloaltonetworks'),
                 ('wildfire-version', '0'), ('url-filtering-version', '20260105.20001'),
                 ('logdb-version', '%d.%d.2' % version_tuple(s['sw_version'])[:2]), ('platform-family', 'vm'),
                 ('vpn-disable-mode', 'off'), ('multi-vsys', s['multi_vsys']), ('ZTP', 'Disabled'),
                 ('operational-mode', 'normal')]
        if version_tuple(s['sw_version']) >= (10, 2, 0):
            pairs.append(('advanced-routing', s['advanced_routing']))
        pairs.append(('device-certificate-status', 'None'))
        return pairs

    def new_lock(self, admin, comment):
        return {'admin': admin, 'comment': comment or '', 'created': panos_time()}

    # -- type=commit ----------------------------------------------------------------------------
    def _commit(self, admin, params):
        self._label = 'commit'
        action = params.get('action')
        if action not in (None, '', 'partial'):
            raise ParamError('Illegal value for parameter "action" [%s].' % action)
        cmd = parse_xml(params.get('cmd') or '<commit/>')
        if cmd.tag != 'commit':
            raise TreeError(17, '%s is unexpected' % cmd.tag)
        partial = cmd.find('partial')
        admins = [m.text for m in partial.findall('admin/member')] if partial is not None else []
        excluded = [s for s in SECTIONS if partial is not None and partial.findtext(s) == 'excluded']
        is_partial = bool(admins or excluded)
        for scope, lock in self.commit_locks.items():
            if lock['admin'] != admin:
                raise TreeError(15, 'Configuration is locked by %s (commit lock for scope %s)' % (lock['admin'], scope))
        if self.active_job() and self.settings['commit_conflict'] == 'error':
            raise TreeError(13, 'Another commit/validate is in progress. Please try again later')
        selected = self.store.select_changes(set(admins) if admins else None, excluded) if is_partial else self.store.changes
        if not selected and cmd.find('force') is None:
            return self._no_changes()
        job = Job(self.next_job_id, admin, cmd.findtext('description'), time.time(),
                  admins if admins else None, excluded, is_partial)
        self.next_job_id += 1
        self.jobs[job.id] = job
        self.tick()
        inner = responses.lines('Commit job enqueued with jobid %d' % job.id) + responses.element('job', job.id)
        return responses.result(inner, code=19)

    def _no_changes(self):
        shape = self.settings['no_changes_shape']
        if shape == 'auto':
            shape = 'line' if version_tuple(self.settings['sw_version']) >= (11, 0, 0) else 'msg'
        text = 'There are no changes to commit.'
        return responses.success(19, responses.lines(text) if shape == 'line' else responses.msg(text))

    def active_job(self):
        return next((job for job in self.jobs.values() if job.status != 'FIN'), None)

    def tick(self, now=None):
        """Advance commit jobs: start the next queued one, finish those whose time has come."""
        now = time.time() if now is None else now
        for job in sorted((j for j in self.jobs.values() if j.status != 'FIN'), key=lambda j: j.id):
            if job.status == 'PEND':
                self._start_job(job, max(job.enqueued, self.last_finish))
            if job.finish_at > now:
                break
            self._finish_job(job)

    def _start_job(self, job, start):
        store = self.store
        if job.partial:
            committed = store.select_changes(set(job.admins) if job.admins else None, job.excluded)
        else:
            committed = {path: change.dirty_id for path, change in store.changes.items()}
        new_running = store.build_running(committed, job.partial)
        errors = semantics.validate(new_running)
        failure = ['Validation Error:'] + errors + ['Commit failed'] if errors else []
        if self.job_faults:
            failure = self.job_faults.pop(0)
        job.begin(start, start + self.settings['commit_delay'], new_running, committed, failure)

    def _finish_job(self, job):
        if not job.failure:
            self.store.finish_commit(job.new_running, job.committed)
        job.end(self._partial_line(job))
        self.last_finish = job.finish_at
        for scope in [s for s, lock in self.commit_locks.items() if lock['admin'] == job.user]:
            del self.commit_locks[scope]

    @staticmethod
    def _partial_line(job):
        if not job.partial:
            return None
        parts = []
        if job.admins:
            parts.append('changes to configuration by administrators: %s' % ', '.join(job.admins))
        parts.extend('%s: excluded' % section for section in job.excluded)
        return 'Partial changes to commit: %s' % '; '.join(parts)

    # -- side door ------------------------------------------------------------------------------
    def side_door(self, request):
        """Routes under /_lab/panos/ (JSON in and out):

        POST   password     {"user", "password"}: set (or create) a user's password
        POST   apply        {"admin", "action", "xpath", "element", "where", "dst", "newname", "from"}
        GET    config       ?which=candidate|running -> {"xml": ...}
        GET    changes      pending-change records with owners
        POST   settings     update emulator settings (commit_delay, sw_version, ...)
        GET    settings
        GET    requests     counts by request kind and the request journal; DELETE clears them
        POST   job-fault    {"lines": [...]}: the next commit job fails with these lines
        GET    jobs         all commit jobs
        """
        self.tick()
        route = (request.method, request.path[len('/_lab/panos/'):] if request.path.startswith('/_lab/panos/') else None)
        handler = {
            ('POST', 'password'): self._side_password,
            ('POST', 'apply'): self._side_apply,
            ('GET', 'config'): self._side_config,
            ('GET', 'changes'): lambda r: {'changes': self.store.changes_json(), 'pending': self.store.pending()},
            ('POST', 'settings'): self._side_settings,
            ('GET', 'settings'): lambda r: dict(self.settings),
            ('GET', 'requests'): lambda r: {'counts': dict(self.stats), 'total': sum(self.stats.values()),
                                            'requests': list(self.journal)},
            ('DELETE', 'requests'): self._side_clear_requests,
            ('POST', 'job-fault'): self._side_job_fault,
            ('GET', 'jobs'): lambda r: {'jobs': [j.to_json(brief=True) for j in sorted(self.jobs.values(), key=lambda j: j.id)]},
        }.get(route)
        if handler is None:
            return None
        return Response.json(handler(request))

    def _side_password(self, request):
        data = request.json()
        self.set_password(data['user'], data['password'])
        return {'user': data['user'], 'key': self.key_for(data['user'], data['password'])}

    def _side_apply(self, request):
        data = dict(request.json())
        admin = data.pop('admin')
        action = data.pop('action')
        try:
            if action == 'multi-config':
                body = self._multi_config(admin, data).body.decode('utf-8')
                return {'status': 'success' if 'status="success"' in body[:40] else 'error', 'xml': body}
            code, message = self.store.write(admin, action, data)
        except (TreeError, ParamError) as exc:
            code = getattr(exc, 'code', 400)
            return {'status': 'error', 'code': code, 'msg': getattr(exc, 'lines', [str(exc)])}
        return {'status': 'success', 'code': code, 'msg': [message]}

    def _side_config(self, request):
        which = request.query.get('which', 'candidate')
        if which not in ('candidate', 'running'):
            raise ValueError('which must be candidate or running')
        tree = self.store.running if which == 'running' else self.store.candidate
        return {'which': which, 'xml': ET.tostring(tree, encoding='unicode')}

    def _side_settings(self, request):
        self.update_settings(dict(request.json()))
        return dict(self.settings)

    def _side_clear_requests(self, _request):
        self.stats = Counter()
        self.journal = []
        return {'status': 'cleared'}

    def _side_job_fault(self, request):
        lines = request.json().get('lines') or ['Validation Error:', 'injected failure', 'Commit failed']
        self.job_faults.append([str(line) for line in lines])
        return {'pending_faults': len(self.job_faults)}
