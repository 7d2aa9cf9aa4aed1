# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the module tests: the PAN-OS emulator in-thread (see panos_lab.py)."""

from ansible_collections.zonewarden.firewall.tests.unit.plugins.modules.panos_lab import panos_lab, panos_lab_handle

__all__ = ['panos_lab', 'panos_lab_handle']
