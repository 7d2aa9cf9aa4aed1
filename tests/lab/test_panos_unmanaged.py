# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""panos_unmanaged.py: managed nodes and annotations are ignored, every other difference is found."""

import json

from labcore.reference import reference_path

import panos_unmanaged

MANIFEST = [
    {'path': 'devices/entry/vsys/entry/zone', 'tag': 'entry', 'names': ['dmz']},
    {'path': 'devices/entry/vsys/entry/import/network/interface', 'tag': 'member', 'names': ['ethernet1/3']},
]
BEFORE = ('<config><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1"><zone/>'
          '<address><entry name="a"><ip-netmask>10.0.0.1</ip-netmask></entry></address></entry></vsys></entry></devices></config>')


def run(tmp_path, before, after, manifest=None):
    paths = []
    for name, text in (('before.xml', before), ('after.xml', after), ('manifest.json', json.dumps(manifest or MANIFEST))):
        path = tmp_path / name
        path.write_text(text, encoding='utf-8')
        paths.append(str(path))
    return panos_unmanaged.main(['--manifest', paths[2], paths[0], paths[1]])


def test_managed_additions_and_annotations_are_ignored(tmp_path, capsys):
    after = BEFORE.replace('<zone/>', '<zone><entry name="dmz" admin="automation" dirtyId="3" time="x"><network/></entry></zone>'
                           '<import><network><interface><member>ethernet1/3</member></interface></network></import>')
    after = after.replace('<entry name="a">', '<entry name="a" uuid="1234">')
    assert run(tmp_path, BEFORE, after) == 0
    assert json.loads(capsys.readouterr().out)['equal'] is True


def test_an_unmanaged_change_is_found(tmp_path, capsys):
    after = BEFORE.replace('10.0.0.1', '10.0.0.2')
    assert run(tmp_path, BEFORE, after) == 1
    result = json.loads(capsys.readouterr().out)
    assert result['equal'] is False
    assert '-<ip-netmask>10.0.0.1</ip-netmask>' in result['files'][str(tmp_path / 'after.xml')]['diff']


def test_an_unmanaged_zone_that_disappears_is_found(tmp_path):
    before = BEFORE.replace('<zone/>', '<zone><entry name="guest"><network/></entry></zone>')
    assert run(tmp_path, before, BEFORE) == 1


def test_iron_skillet_against_itself_counts_its_elements(tmp_path, capsys):
    with open(reference_path('panos', 'configs', 'iron-skillet-full-11.0.xml'), encoding='utf-8') as handle:
        text = handle.read()
    assert run(tmp_path, text, text) == 0
    assert json.loads(capsys.readouterr().out)['elements'] > 1000
