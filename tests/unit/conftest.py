# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit-test plumbing: the lab packages on sys.path, a PVE emulator per session, a module runner."""

import json
import os

import pytest

from ansible_collections.zonewarden.firewall.tests.unit.module_runner import LAB_DIR, run_module

LAB_TOKEN_SECRET = '11111111-2222-3333-4444-555555555555'


class PveLab(object):
    """The in-thread PVE emulator as module tests use it."""

    def __init__(self, handle):
        self.handle = handle
        self.connection = dict(api_host='127.0.0.1', api_port=handle.port, api_user='root@pam', api_token_id='zonewarden',
                               api_token_secret=LAB_TOKEN_SECRET, ca_path=handle.ca_file)

    def run(self, name, check_mode=False, diff=False, **args):
        merged = dict(self.connection)
        merged.update(args)
        return run_module(name, merged, check_mode=check_mode, diff=diff)

    def writes(self):
        return self.handle.log()['writes']

    def reads(self):
        return self.handle.log()['reads']


@pytest.fixture(scope='session')
def pve_lab_handle(tmp_path_factory):
    from labcore.control import start_thread  # pylint: disable=import-outside-toplevel
    from pve_api import PveApp  # pylint: disable=import-outside-toplevel

    handle = start_thread(PveApp(), workdir=str(tmp_path_factory.mktemp('pve-lab')))
    fixture = os.path.join(LAB_DIR, 'pve_api', 'fixtures', 'default.json')
    with open(fixture, encoding='utf-8') as stream:
        handle.load(json.load(stream))
    yield handle
    handle.stop()


@pytest.fixture
def pve_lab(pve_lab_handle):
    """A freshly reset emulator with an empty request log for each test."""
    pve_lab_handle.reset()
    pve_lab_handle.clear_faults()
    pve_lab_handle.clear_log()
    return PveLab(pve_lab_handle)


@pytest.fixture
def module_runner():
    """run_module for tests that need no lab (offline states)."""
    return run_module
