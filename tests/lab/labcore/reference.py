# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Locate the shared reference data (never copied into the project).

The default is ``<repository>/../shared/reference``; ``ZONEWARDEN_REFERENCE`` overrides it.
Missing data is an error, never a reason to skip.
"""

import os

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
ENV_VAR = 'ZONEWARDEN_REFERENCE'


class ReferenceMissing(RuntimeError):
    """The shared reference data is not where it should be."""


def reference_root():
    return os.environ.get(ENV_VAR) or os.path.join(os.path.dirname(REPO_ROOT), 'shared', 'reference')


def reference_path(*parts, env_override=None):
    """Return an existing path inside the reference tree, or raise ReferenceMissing."""
    path = os.environ.get(env_override) if env_override else None
    path = path or os.path.join(reference_root(), *parts)
    if not os.path.exists(path):
        raise ReferenceMissing(
            'reference data not found at %s (set %s to the shared/reference folder)' % (path, env_override or ENV_VAR))
    return path
