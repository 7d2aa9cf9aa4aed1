# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PAN-OS XML API emulator for the lab (test-only; nothing under plugins/ may import it).

Run it: ``PYTHONPATH=tests/lab python -m panos_xapi --port 8443 --ca-file ca.pem``;
in tests: ``labcore.control.start_thread(PanosApp())``.
"""

from .app import DEFAULT_SETTINGS, DEFAULT_USERS, PanosApp

__all__ = ['DEFAULT_SETTINGS', 'DEFAULT_USERS', 'PanosApp']
