# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The XPath subset: the forms pan-os-python sends, and the errors for the rest."""

import xml.etree.ElementTree as ET

import pytest

from panos_xapi import xpath

TREE = ET.fromstring(
    "<config><devices><entry name='localhost.localdomain'><vsys><entry name='vsys1'>"
    "<address><entry name='a'><ip-netmask>10.0.0.1</ip-netmask></entry><entry name=\"o'brien\"/>"
    "<entry name='b'><fqdn>x.example</fqdn></entry></address>"
    "<import><network><interface><member>ethernet1/1</member><member>ethernet1/2</member></interface></network></import>"
    "</entry></vsys></entry></devices><shared><address><entry name='s1'/></address></shared></config>")
VSYS = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']"


def names(nodes):
    return [n.element.get('name') or n.element.text for n in nodes]


def test_absolute_entry_path_selects_one_node_with_its_path():
    nodes = xpath.select(TREE, VSYS + "/address/entry[@name='a']")
    assert names(nodes) == ['a']
    assert nodes[0].path[-1] == ('entry', ('name', 'a'))
    assert xpath.path_to_string(nodes[0].path) == VSYS + "/address/entry[@name='a']"


def test_or_list_selects_several_entries_in_document_order():
    nodes = xpath.select(TREE, VSYS + "/address/entry[@name='b' or @name='a']")
    assert names(nodes) == ['a', 'b']


def test_quotes_and_concat_literals():
    assert names(xpath.select(TREE, VSYS + '/address/entry[@name="o\'brien"]')) == ["o'brien"]
    assert names(xpath.select(TREE, VSYS + "/address/entry[@name=concat('o', \"'\", 'brien')]")) == ["o'brien"]


def test_member_text_predicate_and_wildcard_and_position():
    base = VSYS + '/import/network/interface'
    assert names(xpath.select(TREE, base + "/member[text()='ethernet1/2']")) == ['ethernet1/2']
    assert names(xpath.select(TREE, base + "/member[text()='ethernet1/1' or text()='ethernet1/2']")) == ['ethernet1/1', 'ethernet1/2']
    assert names(xpath.select(TREE, VSYS + '/address/*')) == ['a', "o'brien", 'b']
    assert names(xpath.select(TREE, VSYS + '/address/entry[2]')) == ["o'brien"]
    assert names(xpath.select(TREE, VSYS + '/address/entry[fqdn]')) == ['b']


def test_name_attribute_step_and_union_and_descendant():
    attrs = xpath.select(TREE, VSYS + '/address/entry/@name')
    assert [a.element.get(a.name) for a in attrs] == ['a', "o'brien", 'b']
    union = xpath.select(TREE, VSYS + "/address/entry[@name='a']/ip-netmask|" + VSYS + "/address/entry[@name='b']/fqdn")
    assert [n.element.text for n in union] == ['10.0.0.1', 'x.example']
    assert sorted(names(xpath.select(TREE, "//address/entry[@name='s1' or @name='a']"))) == ['a', 's1']


def test_missing_node_selects_nothing():
    assert not xpath.select(TREE, VSYS + "/address/entry[@name='nope']")
    assert not xpath.select(TREE, '/other')


@pytest.mark.parametrize('bad', ['', 'config/devices', '/config/[', "/config/entry[@name='x'", '/config/@name/x',
                                 "/config/entry[@name=='x']", '/config/a b'])
def test_bad_xpaths_raise(bad):
    with pytest.raises(xpath.XPathError):
        xpath.parse(bad)


def test_creatable_path_only_for_plain_steps():
    assert xpath.parse(VSYS + "/zone/entry[@name='dmz']").creatable_path()[-1] == ('entry', ('name', 'dmz'))
    assert xpath.parse(VSYS + "/zone/entry[@name='a' or @name='b']").creatable_path() is None
    assert xpath.parse(VSYS + '/zone/*').creatable_path() is None


def test_literal_round_trip_through_parser():
    for value in ['plain', "it's", 'say "hi"', 'both \' and "']:
        parsed = xpath.parse("/config/entry[@name=%s]" % xpath.literal(value))
        element = ET.fromstring('<config/>')
        element.append(ET.Element('entry', name=value))
        assert len(xpath.select(element, parsed)) == 1


def test_locate_by_path_and_json_round_trip():
    node = xpath.select(TREE, VSYS + "/import/network/interface/member[text()='ethernet1/2']")[0]
    found, parent = xpath.locate(TREE, node.path)
    assert found is node.element and parent.tag == 'interface'
    assert xpath.path_from_json(xpath.path_to_json(node.path)) == node.path
    assert xpath.locate(TREE, (('config', None), ('nothing', None))) == (None, None)
