# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Commit jobs as ``show jobs id N`` reports them: PEND, ACT, then FIN with result OK or FAIL.

pan-os-python reads status, result, id, user, tenq and tfin, plus details/line and warnings.
"""

import time
import xml.etree.ElementTree as ET

from . import responses
from .tree import parse_xml
from .xpath import path_from_json, path_to_json


def _stamp(when):
    return time.strftime('%Y/%m/%d %H:%M:%S', time.localtime(when))


class Job:
    """One commit job; the configuration it will activate is computed when it starts."""

    def __init__(self, job_id, user, description, enqueued, admins=None, excluded=(), partial=False):
        self.id = job_id
        self.user = user
        self.description = description
        self.enqueued = enqueued
        self.admins = admins
        self.excluded = list(excluded)
        self.partial = partial
        self.status = 'PEND'
        self.result = 'PEND'
        self.start = None
        self.finish_at = float('inf')
        self.new_running = None
        self.committed = {}
        self.failure = []
        self.details = []

    def begin(self, start, finish_at, new_running, committed, failure):
        self.status = 'ACT'
        self.start = start
        self.finish_at = finish_at
        self.new_running = new_running
        self.committed = committed
        self.failure = list(failure)

    def end(self, partial_line=None):
        self.status = 'FIN'
        if self.failure:
            self.result = 'FAIL'
            self.details = list(self.failure)
        else:
            self.result = 'OK'
            self.details = ([partial_line] if partial_line else []) + ['Configuration committed successfully']
        self.new_running = None
        self.committed = {}

    def progress(self, now=None):
        if self.status == 'FIN':
            return 100
        if self.status == 'PEND' or self.start is None:
            return 0
        span = max(self.finish_at - self.start, 1e-6)
        return max(1, min(99, int(100 * ((now or time.time()) - self.start) / span)))

    def to_xml(self):
        fin = self.status == 'FIN'
        pairs = [('tenq', _stamp(self.enqueued)),
                 ('tdeq', time.strftime('%H:%M:%S', time.localtime(self.start or self.enqueued))),
                 ('id', self.id), ('user', self.user), ('type', 'Commit'), ('status', self.status),
                 ('queued', 'YES' if self.status == 'PEND' else 'NO'), ('stoppable', 'no' if fin else 'yes'),
                 ('result', self.result), ('tfin', _stamp(self.finish_at) if fin else None),
                 ('description', self.description), ('positionInQ', 0), ('progress', self.progress())]
        details = ''.join(responses.element('line', line) for line in self.details)
        return '<job>%s<details>%s</details><warnings/></job>' % (responses.fields(pairs), details)

    def to_json(self, brief=False):
        data = {'id': self.id, 'user': self.user, 'description': self.description, 'enqueued': self.enqueued,
                'admins': self.admins, 'excluded': self.excluded, 'partial': self.partial, 'status': self.status,
                'result': self.result, 'start': self.start,
                'finish_at': None if self.finish_at == float('inf') else self.finish_at,
                'failure': self.failure, 'details': self.details}
        if not brief:
            data['new_running'] = None
            if self.new_running is not None:
                data['new_running'] = ET.tostring(self.new_running, encoding='unicode')
            data['committed'] = [[path_to_json(path), dirty] for path, dirty in self.committed.items()]
        return data

    @classmethod
    def from_json(cls, data):
        job = cls(data['id'], data['user'], data.get('description'), data['enqueued'], data.get('admins'),
                  data.get('excluded') or (), data.get('partial', False))
        job.status, job.result, job.start = data['status'], data['result'], data.get('start')
        job.finish_at = data['finish_at'] if data.get('finish_at') is not None else float('inf')
        job.failure, job.details = list(data.get('failure') or []), list(data.get('details') or [])
        if data.get('new_running'):
            job.new_running = parse_xml(data['new_running'])
        job.committed = {path_from_json(path): dirty for path, dirty in data.get('committed') or []}
        return job
