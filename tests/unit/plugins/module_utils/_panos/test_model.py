# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The field model: narrow writes, unmodelled children kept, effective defaults."""

import xml.etree.ElementTree as ET

from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xml as pxml
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.interfaces import PHYSICAL
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.model import Schema, diff_node, leaf, member_list, tree
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.rules import SECURITY

X = "/e[@name='a']"


def ops(have, want, schema):
    return [(op.action, op.xpath, op.element) for op in diff_node(pxml.parse(have) if have else None, pxml.parse(want), X, schema)]


def test_leaf_and_list():
    assert ops('<d>old</d>', '<d>new</d>', leaf()) == [('edit', X, '<d>new</d>')]
    assert ops('<d>same</d>', '<d>same</d>', leaf()) == []
    assert ops('<l><member>a</member></l>', '<l><member>b</member><member>a</member></l>', member_list()) == [
        ('set', X, '<member>b</member>')]
    assert ops('<l><member>a</member><member>b</member></l>', '<l><member>b</member><member>a</member></l>', member_list()) == []
    assert ops('<l><member>a</member><member>b</member></l>', '<l><member>b</member></l>', member_list()) == [
        ('edit', X, '<l><member>b</member></l>')]
    assert ops(None, '<l><member>b</member></l>', member_list()) == [('edit', X, '<l><member>b</member></l>')]


def test_names_add_and_remove_single_entries():
    assert ops('<ip><entry name="1"/><entry name="2"/></ip>', '<ip><entry name="2"/><entry name="3"/></ip>', Schema('names')) == [
        ('set', X, '<entry name="3" />'), ('delete', X + "/entry[@name='1']", None)]


def test_tree_keeps_unknown_children_and_choices_drop_the_other_branch():
    schema = tree(exclusive=True, tcp=tree(port=leaf()), udp=tree(port=leaf()))
    assert ops('<p><tcp><port>80</port><override>x</override></tcp></p>', '<p><tcp><port>81</port></tcp></p>', schema) == [
        ('edit', X + '/tcp/port', '<port>81</port>')]
    assert sorted(ops('<p><tcp><port>80</port></tcp><unknown/></p>', '<p><udp><port>80</port></udp></p>', schema)) == [
        ('delete', X + '/tcp', None), ('delete', X + '/unknown', None), ('edit', X + '/udp', '<udp><port>80</port></udp>')]
    plain = tree(a=leaf())
    assert ops('<p><a>1</a><keep>me</keep></p>', '<p><a>2</a></p>', plain) == [('edit', X + '/a', '<a>2</a>')]


def test_a_missing_parent_is_created_at_the_deepest_existing_node():
    entry = ET.fromstring('<entry name="ethernet1/1"><comment>x</comment></entry>')
    have = PHYSICAL.read(entry)
    item, in_play = PHYSICAL.desired(have, dict(name='ethernet1/1', management_profile='p', mtu=1400), 'merged')
    result = [(op.action, op.xpath.split("']")[-1], op.element) for op in PHYSICAL.ops(entry, "/e[@name='ethernet1/1']", have, item, in_play)]
    # The first field creates layer3 with its value; the second then writes below the layer3 node that now exists.
    assert result == [('edit', '/layer3', '<layer3><interface-management-profile>p</interface-management-profile></layer3>'),
                      ('edit', '/layer3/mtu', '<mtu>1400</mtu>')]


def test_explicit_defaults_on_the_device_are_not_a_change():
    entry = ET.fromstring('<entry name="r"><from><member>any</member></from><to><member>any</member></to>'
                          '<source><member>any</member></source><destination><member>any</member></destination>'
                          '<source-user><member>any</member></source-user><category><member>any</member></category>'
                          '<application><member>any</member></application><service><member>application-default</member></service>'
                          '<action>allow</action><negate-source>no</negate-source><log-end>yes</log-end><disabled>no</disabled>'
                          '<rule-type>universal</rule-type></entry>')
    have = SECURITY.read(entry)
    item, in_play = SECURITY.desired(have, dict(name='r'), 'replaced')
    assert SECURITY.ops(entry, X, have, item, in_play) == []
    assert SECURITY.compact(have) == {'name': 'r', 'from_zones': ['any'], 'to_zones': ['any'], 'source_addresses': ['any'],
                                      'destination_addresses': ['any'], 'source_users': ['any'], 'categories': ['any'],
                                      'applications': ['any'], 'services': ['application-default'], 'action': 'allow'}


def test_canonical_ignores_audit_attributes_and_member_order():
    a = pxml.parse('<e name="x" admin="me" dirtyId="3" uuid="u"><m><member>b</member><member>a</member></m></e>')
    b = pxml.parse('<e name="x"><m><member>a</member><member>b</member></m></e>')
    assert pxml.canonical(a) == pxml.canonical(b)
