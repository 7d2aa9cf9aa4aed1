# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compare the parts of two PAN-OS configurations that a run does not manage (test-only tool).

    python panos_unmanaged.py --manifest managed.json BEFORE.xml AFTER.xml [AFTER2.xml ...]

The manifest is a JSON list of ``{"path": ..., "tag": ..., "names": [...] | null}``: below every
element found at ``path`` (an ElementTree path relative to <config>), the children ``tag`` whose
``name`` attribute or text is in ``names`` (all of them when ``names`` is null) are what the run
manages and are removed. Then empty leftovers go, the annotation attributes PAN-OS adds to changed
nodes (admin, dirtyId, time, uuid) are dropped, and both sides are put in C14N 2.0 form. Prints one
JSON line ``{"equal": ..., "elements": ..., "diff": [...]}``; exits 1 when a file differs from BEFORE.
Files may be a <config> document or an API/side-door answer that wraps one.
"""

import argparse
import copy
import difflib
import json
import sys
import xml.etree.ElementTree as ET

ANNOTATIONS = ('admin', 'dirtyId', 'time', 'uuid')


def load(path):
    root = ET.parse(path).getroot()
    if root.tag != 'config':
        found = root.find('.//config')
        if found is None:
            raise SystemExit('%s holds no <config> element' % path)
        root = found
    return root


def strip_managed(config, manifest):
    config = copy.deepcopy(config)
    for item in manifest:
        names = item.get('names')
        for holder in config.findall(item['path']):
            for child in list(holder):
                if child.tag != item['tag']:
                    continue
                if names is None or child.get('name') in names or (child.text or '').strip() in names:
                    holder.remove(child)
    _drop_empty(config)
    for node in config.iter():
        for attribute in ANNOTATIONS:
            node.attrib.pop(attribute, None)
    return config


def _drop_empty(node):
    for child in list(node):
        _drop_empty(child)
        if not len(child) and not (child.text or '').strip() and not child.attrib:
            node.remove(child)


def canonical(config):
    """C14N 2.0 without insignificant whitespace, one element per line so a diff is readable."""
    text = ET.canonicalize(ET.tostring(config, encoding='unicode'), strip_text=True)
    return text.replace('><', '>\n<').splitlines()


def compare(before, after, manifest):
    left = canonical(strip_managed(before, manifest))
    right = canonical(strip_managed(after, manifest))
    diff = list(difflib.unified_diff(left, right, 'before', 'after', lineterm='', n=2))
    return dict(equal=not diff, elements=sum(1 for line in left if line.startswith('<') and not line.startswith('</')),
                diff=diff[:200])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--manifest', required=True, help='JSON file: what the run manages')
    parser.add_argument('before')
    parser.add_argument('after', nargs='+')
    args = parser.parse_args(argv)
    with open(args.manifest, encoding='utf-8') as handle:
        manifest = json.load(handle)
    before = load(args.before)
    results = dict((path, compare(before, load(path), manifest)) for path in args.after)
    equal = all(result['equal'] for result in results.values())
    sys.stdout.write(json.dumps(dict(equal=equal, elements=min(r['elements'] for r in results.values()), files=results)) + '\n')
    return 0 if equal else 1


if __name__ == '__main__':
    sys.exit(main())
