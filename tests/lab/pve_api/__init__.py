# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Proxmox VE REST API emulator (test lab): the firewall API with PVE's quirks, on labcore.

Start it with ``PYTHONPATH=tests/lab python -m pve_api --port 8006`` or, in tests, with
``labcore.control.start_thread(PveApp())``. Test-only code: nothing under plugins/ imports it.
"""

from .app import PveApp
from .state import DEFAULT_FIXTURE, load_default_fixture

__all__ = ['PveApp', 'DEFAULT_FIXTURE', 'load_default_fixture', 'render_fw_files']


def render_fw_files(app):
    """The emulator's firewall state as .fw file texts keyed by their path under /etc/pve."""
    return app.fw_files()
