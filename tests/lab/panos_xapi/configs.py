# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Starting configurations: a reference config by name, a user's exported file, or XML text.

Reference configs are read from the shared reference folder at run time (never copied here).
"""

import os

from labcore.reference import reference_path

from .tree import parse_xml

DEFAULT_CONFIG = 'factory-baseline-11.0'
ALIASES = {'factory-default': DEFAULT_CONFIG, 'factory': DEFAULT_CONFIG}
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')


def reference_config_names():
    folder = reference_path('panos', 'configs')
    return sorted(name[:-4] for name in os.listdir(folder) if name.endswith('.xml'))


def lab_config_names():
    return sorted(name[:-4] for name in os.listdir(FIXTURES) if name.endswith('.xml'))


def config_text(spec):
    """The XML text for ``spec``: a file path, a lab fixture name or a reference config name (.xml optional)."""
    spec = ALIASES.get(spec, spec)
    if os.path.isfile(spec):
        with open(spec, encoding='utf-8') as handle:
            return handle.read()
    name = os.path.basename(spec)
    if name != spec:
        raise ValueError('configuration file not found: %s' % spec)
    if not name.endswith('.xml'):
        name += '.xml'
    path = os.path.join(FIXTURES, name)
    if not os.path.isfile(path):
        path = reference_path('panos', 'configs', name)
    with open(path, encoding='utf-8') as handle:
        return handle.read()


def load_config(spec=None, xml_text=None):
    """Parse a starting configuration into a <config> element (exported API answers are unwrapped)."""
    root = parse_xml(xml_text if xml_text is not None else config_text(spec or DEFAULT_CONFIG))
    if root.tag == 'response':
        inner = root.find('result/config')
        if inner is None:
            raise ValueError('API answer holds no result/config element')
        root = inner
    if root.tag != 'config':
        raise ValueError('a configuration must have a <config> root, not <%s>' % root.tag)
    return root
