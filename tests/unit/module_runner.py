# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's main() in the test process, and put the lab packages on sys.path.

Shared by tests/unit/conftest.py (PVE) and tests/unit/plugins/modules/panos_lab.py (PAN-OS).
"""

import contextlib
import importlib
import io
import json
import os
import sys

from ansible.module_utils import _internal as ansible_internal
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args

LAB_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), 'lab')
if LAB_DIR not in sys.path:
    sys.path.insert(0, LAB_DIR)

MODULES = 'ansible_collections.zonewarden.firewall.plugins.modules.'


class ModuleRun(dict):
    """The JSON a module printed, plus whether it failed."""

    @property
    def failed(self):
        return bool(self.get('failed'))


def run_module(name, args, check_mode=False, diff=False):
    """Run plugins/modules/<name>.py's main() in this process and return its result."""
    module = importlib.import_module(MODULES + name)
    args = dict(args)
    args['_ansible_check_mode'] = check_mode
    args['_ansible_diff'] = diff
    # A real module runs in a process of its own; here ansible's process-wide warning and
    # deprecation lists would carry one run's messages into the next result.
    for store_name in ('_global_warnings', '_global_deprecations'):
        store = getattr(ansible_warnings, store_name, None)
        if store is not None:
            store.clear()
    out = io.StringIO()
    # Once a test imported controller code (the role template tests do), ansible treats this process
    # as the controller and prints module warnings instead of returning them: run as a module would.
    was_controller = ansible_internal.is_controller
    ansible_internal.is_controller = False
    try:
        with patch_module_args(args), contextlib.redirect_stdout(out):
            try:
                module.main()
            except SystemExit:
                pass
    finally:
        ansible_internal.is_controller = was_controller
    text = out.getvalue().strip()
    return ModuleRun(json.loads(text.splitlines()[-1] if text else '{}'))
