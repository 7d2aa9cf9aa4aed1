# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared plumbing of the lab emulators: TLS, HTTP server, side door, CLI.

Test-only code: nothing under plugins/ may import it.
"""
