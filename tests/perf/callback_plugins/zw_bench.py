# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark callback: counts module invocations and the write commands modules report.

Enabled by the harness only (ANSIBLE_CALLBACK_PLUGINS pointing here, ANSIBLE_CALLBACKS_ENABLED=zw_bench);
writes one JSON file to $ZW_BENCH_STATS when the playbook ends. A looped task counts one invocation
per item, since each item runs the module once.
"""

from __future__ import annotations

import json
import os
from collections import Counter

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
name: zw_bench
type: aggregate
short_description: Count module invocations for the zonewarden.firewall benchmarks
description:
  - Writes invocation counts per action, changed and failed counts, and write commands to the file named by E(ZW_BENCH_STATS).
requirements:
  - enabled in callbacks_enabled
'''

READ_METHODS = ('GET', 'HEAD')
PANOS_READ_ACTIONS = ('get', 'show')


def write_commands(result):
    """How many of the module's reported commands were writes (PVE: method; PAN-OS: action or type)."""
    count = 0
    for command in result.get('commands') or []:
        if not isinstance(command, dict):
            count += 1
            continue
        method = str(command.get('method') or '').upper()
        action = str(command.get('action') or '').lower()
        if method:
            count += method not in READ_METHODS
        elif action:
            count += action not in PANOS_READ_ACTIONS
        else:
            count += 1
    return count


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'zw_bench'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.invocations = Counter()
        self.changed = Counter()
        self.write_commands = Counter()
        self.failures = []
        self.skipped = 0

    def _record(self, action, result, failed=False):
        self.invocations[action] += 1
        if result.get('changed'):
            self.changed[action] += 1
        self.write_commands[action] += write_commands(result)
        if failed:
            self.failures.append('%s: %s' % (action, str(result.get('msg') or result)[:500]))

    @staticmethod
    def _action(result):
        return result._task.action  # pylint: disable=protected-access

    @staticmethod
    def _is_loop_summary(result):
        """The final result of a looped task (its items were counted one by one already)."""
        items = result._result.get('results')  # pylint: disable=protected-access
        return isinstance(items, list) and bool(items) and isinstance(items[0], dict) and 'ansible_loop_var' in items[0]

    def v2_runner_on_ok(self, result):
        if not self._is_loop_summary(result):
            self._record(self._action(result), result._result)  # pylint: disable=protected-access

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if not self._is_loop_summary(result):
            self._record(self._action(result), result._result, failed=not ignore_errors)  # pylint: disable=protected-access

    def v2_runner_item_on_ok(self, result):
        self._record(self._action(result), result._result)  # pylint: disable=protected-access

    def v2_runner_item_on_failed(self, result):
        self._record(self._action(result), result._result, failed=True)  # pylint: disable=protected-access

    def v2_runner_on_skipped(self, result):
        self.skipped += 1

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get('ZW_BENCH_STATS')
        if not path:
            return
        data = {'invocations': dict(self.invocations), 'invocations_total': sum(self.invocations.values()),
                'changed': dict(self.changed), 'write_commands': dict(self.write_commands),
                'write_commands_total': sum(self.write_commands.values()), 'failures': self.failures,
                'skipped_tasks': self.skipped}
        with open(path, 'w', encoding='utf-8') as handle:
            json.dump(data, handle, indent=1, sort_keys=True)
