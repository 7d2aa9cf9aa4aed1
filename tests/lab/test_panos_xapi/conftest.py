# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the PAN-OS emulator tests: a server per module, reset before every test."""

import os
import ssl
import sys

import pytest

LAB_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if LAB_DIR not in sys.path:
    sys.path.insert(0, LAB_DIR)

from labcore.control import start_thread  # noqa: E402 pylint: disable=wrong-import-position
from panos_xapi import PanosApp  # noqa: E402 pylint: disable=wrong-import-position
from panos_xapi.testing import Api  # noqa: E402 pylint: disable=wrong-import-position


@pytest.fixture(scope='module')
def lab(tmp_path_factory):
    app = PanosApp(settings={'commit_delay': 0.05})
    handle = start_thread(app, workdir=str(tmp_path_factory.mktemp('panos')))
    handle.app = app
    yield handle
    handle.stop()


@pytest.fixture
def panos(lab):
    """The module's emulator, back to factory state with fast commits."""
    lab.reset()
    return lab


@pytest.fixture
def api(panos):
    return Api(panos)


@pytest.fixture
def tls_context(panos):
    return ssl.create_default_context(cafile=panos.ca_file)
