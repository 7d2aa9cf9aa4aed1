# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Commit answers and job polling, with a scripted client."""

import random
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ConnectionFailure, LockError, TimeoutError
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import commit


class Scripted(object):
    """Answers requests from a list: an XML string or an exception per call."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.sent = []
        self._rng = random.Random(1)

    def request(self, query, desc, **_kwargs):
        self.sent.append(query)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return ET.fromstring(answer)

    def op(self, cmd, desc, write=False):
        return self.request({'type': 'op', 'cmd': cmd}, desc)


class Clock(object):
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


@pytest.mark.parametrize('answer', [
    '<response status="success" code="19"><msg>There are no changes to commit.</msg></response>',
    '<response status="success" code="19"><msg><line>There are no changes to commit.</line></msg></response>',
    '<response status="success"><result><msg>nothing</msg></result></response>',
])
def test_every_no_changes_shape_means_nothing_committed(answer):
    clock = Clock()
    job, message = commit._submit(Scripted([answer]), '<commit/>', None, 100, clock.sleep, clock)
    assert job is None
    assert message in ('There are no changes to commit.', 'nothing')


def test_busy_is_retried_until_accepted():
    clock = Clock()
    client = Scripted([LockError('Another commit/validate is in progress'), LockError('Configuration is locked by admin'),
                       '<response status="success" code="19"><result><msg><line>Commit job enqueued with jobid 7</line></msg>'
                       '<job>7</job></result></response>'])
    job, _message = commit._submit(client, '<commit/>', 'partial', 100, clock.sleep, clock)
    assert job == '7' and len(client.sent) == 3 and 0 < clock.now < 2


def test_polling_survives_a_restarting_management_plane_and_collects_progress():
    clock = Clock()
    job = '<response status="success"><result><job><id>7</id><status>%s</status><result>%s</result><progress>%s</progress>' \
          '<details><line>%s</line></details><warnings><line>%s</line></warnings></job></result></response>'
    client = Scripted([job % ('ACT', 'PEND', '10', '', ''), ConnectionFailure('reset'), job % ('ACT', 'PEND', '60', '', ''),
                       job % ('FIN', 'OK', '100', 'Configuration committed successfully', 'rule shadowed')])
    result = commit.wait_for_job(client, '7', 100, 1.0, clock.sleep, clock)
    assert result['result'] == 'OK' and result['progress'] == ['10', '60', '100']
    assert result['details'] == ['Configuration committed successfully'] and result['warnings'] == ['rule shadowed']


def test_polling_times_out():
    clock = Clock()
    job = '<response status="success"><result><job><id>7</id><status>ACT</status><progress>5</progress></job></result></response>'
    with pytest.raises(TimeoutError) as error:
        commit.wait_for_job(Scripted([job] * 20), '7', 3, 1.0, clock.sleep, clock)
    assert 'Commit job 7 did not finish before the timeout (last progress 5%)' in str(error.value)


def test_commit_command():
    params = dict(partial=True, description='a & b', exclude_shared_objects=True)
    assert commit.commit_cmd(params, ['automation']) == (
        '<commit><description>a &amp; b</description><partial><admin><member>automation</member></admin>'
        '<shared-object>excluded</shared-object></partial></commit>')
    assert commit.commit_cmd(dict(partial=False), []) == '<commit />'


def test_an_unknown_change_list_falls_back_to_pending_changes():
    client = Scripted(['<response status="success"><result><something/></result></response>'])
    assert commit.pending_changes(client) is None
    client = Scripted(['<response status="success"><result><journal><entry><xpath>/config/x</xpath><owner>automation</owner>'
                       '<action> SET</action></entry></journal></result></response>'])
    assert commit.pending_changes(client) == [dict(xpath='/config/x', owner='automation', action='SET')]
