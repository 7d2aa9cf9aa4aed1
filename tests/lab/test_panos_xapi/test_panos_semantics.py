# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tree operations and commit validation, without the HTTP layer."""

import copy
import xml.etree.ElementTree as ET

import pytest

from panos_xapi import semantics, tree
from panos_xapi.configs import load_config, reference_config_names
from panos_xapi.store import ConfigStore

VSYS = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']"
DEV = "/config/devices/entry[@name='localhost.localdomain']"


def test_reference_configs_are_found_and_each_validates_cleanly():
    names = reference_config_names()
    assert {'factory-baseline-11.0', 'iron-skillet-full-11.0', 'trust-untrust-nat-ha-10.1'} <= set(names)
    for name in names:
        root = load_config(name)
        assert root.tag == 'config'
        assert semantics.validate(root) == [], name


def test_missing_reference_data_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv('ZONEWARDEN_REFERENCE', str(tmp_path / 'nowhere'))
    with pytest.raises(RuntimeError, match='reference data not found'):
        load_config('factory-baseline-11.0')


def test_exported_api_answer_is_unwrapped(tmp_path):
    exported = tmp_path / 'running.xml'
    exported.write_text('<response status="success"><result><config version="11.1.0"><shared/></config></result></response>')
    assert load_config(str(exported)).get('version') == '11.1.0'
    with pytest.raises(ValueError):
        load_config(xml_text='<notconfig/>')


def test_merge_adds_and_updates_but_never_removes():
    target = tree.parse_xml('<entry name="r"><from><member>a</member></from><action>allow</action><x>1</x></entry>')
    source = tree.parse_xml('<entry name="r"><from><member>b</member></from><action>deny</action></entry>')
    journal = tree.Journal()
    before = copy.deepcopy(target)
    tree.merge(journal, target, source)
    assert [m.text for m in target.find('from')] == ['a', 'b']
    assert target.findtext('action') == 'deny' and target.findtext('x') == '1'
    journal.rollback()
    assert tree.equal(target, before)


def test_equal_ignores_audit_attributes_and_whitespace():
    left = tree.parse_xml('<entry name="a" admin="x" dirtyId="3" time="t">\n  <v>1</v>\n</entry>')
    right = tree.parse_xml('<entry name="a"><v>1</v></entry>')
    assert tree.equal(left, right)
    assert not tree.equal(left, tree.parse_xml('<entry name="a"><v>2</v></entry>'))


def test_malformed_fragment_is_code_18():
    with pytest.raises(tree.TreeError) as info:
        tree.parse_fragment('<entry name="x">')
    assert info.value.code == 18


def _store(name='factory-baseline-11.0'):
    return ConfigStore(load_config(name), settings={})


def _rule(name, src_zone, dst_zone, dst='any', service='application-default'):
    return ('<entry name="%s"><from><member>%s</member></from><to><member>%s</member></to><source><member>any</member>'
            '</source><destination><member>%s</member></destination><service><member>%s</member></service>'
            '<application><member>any</member></application><action>allow</action></entry>' % (name, src_zone, dst_zone, dst, service))


def test_validation_flags_dangling_zone_address_and_service():
    store = _store()
    store.write('admin', 'set', {'xpath': VSYS + '/rulebase/security/rules',
                                 'element': _rule('r1', 'dmz', 'any', 'web-server', 'tcp-8080')})
    errors = semantics.validate(store.candidate)
    assert any("rules -> r1 -> from 'dmz' is not a valid reference" in e for e in errors)
    assert any("destination 'web-server' is not a valid reference" in e for e in errors)
    assert any("service 'tcp-8080' is not a valid reference" in e for e in errors)
    store.write('admin', 'set', {'xpath': VSYS + '/zone', 'element': '<entry name="dmz"><network><layer3/></network></entry>'})
    store.write('admin', 'set', {'xpath': VSYS + '/address', 'element': '<entry name="web-server"><ip-netmask>10.0.2.5</ip-netmask></entry>'})
    store.write('admin', 'set', {'xpath': '/config/shared/service',
                                 'element': '<entry name="tcp-8080"><protocol><tcp><port>8080</port></tcp></protocol></entry>'})
    assert semantics.validate(store.candidate) == []


def test_validation_accepts_literals_regions_and_predefined_lists():
    store = _store()
    for index, dst in enumerate(['10.0.0.0/8', '10.0.0.1-10.0.0.9', '2001:db8::1', 'US', 'panw-known-ip-list']):
        store.write('admin', 'set', {'xpath': VSYS + '/rulebase/security/rules', 'element': _rule('r%d' % index, 'any', 'any', dst)})
    assert semantics.validate(store.candidate) == []


def test_validation_flags_interface_in_two_zones_and_two_routers_and_dhcp_with_static_ip():
    store = _store()
    store.write('admin', 'set', {'xpath': DEV + '/network/interface/ethernet', 'element':
                                 '<entry name="ethernet1/1"><layer3><ip><entry name="10.0.0.1/24"/></ip>'
                                 '<dhcp-client><enable>yes</enable></dhcp-client></layer3></entry>'})
    for zone in ('trust', 'untrust'):
        store.write('admin', 'set', {'xpath': VSYS + '/zone', 'element':
                                     '<entry name="%s"><network><layer3><member>ethernet1/1</member></layer3></network></entry>' % zone})
    for router in ('default', 'vr2'):
        store.write('admin', 'set', {'xpath': DEV + '/network/virtual-router/entry[@name=\'%s\']/interface' % router,
                                     'element': '<member>ethernet1/1</member>'})
    errors = semantics.validate(store.candidate)
    assert any("interface ethernet1/1 is already assigned to zone 'trust'" in e for e in errors)
    assert any("interface ethernet1/1 is already assigned to virtual router 'default'" in e for e in errors)
    assert any('DHCP interface IP address must be empty' in e for e in errors)
    store.write('admin', 'set', {'xpath': DEV + "/network/interface/ethernet/entry[@name='ethernet1/1']/layer3/dhcp-client",
                                 'element': '<enable>no</enable>'})
    assert not any('DHCP' in e for e in semantics.validate(store.candidate))


def test_validation_flags_zone_member_that_is_not_an_interface():
    store = _store()
    store.write('admin', 'set', {'xpath': VSYS + '/zone', 'element':
                                 '<entry name="dmz"><network><layer3><member>ethernet1/9</member></layer3></network></entry>'})
    assert semantics.validate(store.candidate) == [
        "vsys -> vsys1 -> zone -> dmz -> network -> layer3 'ethernet1/9' is not a valid reference"]


def test_nat_references_are_checked():
    store = _store('trust-untrust-nat-ha-10.1')
    store.write('admin', 'set', {'xpath': VSYS + '/rulebase/nat/rules', 'element':
                                 '<entry name="snat"><from><member>trust</member></from><to><member>untrust</member></to>'
                                 '<source><member>any</member></source><destination><member>any</member></destination>'
                                 '<service>any</service><to-interface>ethernet1/7</to-interface><source-translation>'
                                 '<dynamic-ip-and-port><interface-address><interface>ethernet1/8</interface></interface-address>'
                                 '</dynamic-ip-and-port></source-translation></entry>'})
    errors = semantics.validate(store.candidate)
    assert any("to-interface 'ethernet1/7' is not a valid reference" in e for e in errors)
    assert any("interface 'ethernet1/8' is not a valid reference" in e for e in errors)
    assert len(errors) == 2


def test_referrers_respect_vsys_shadowing_of_shared_objects():
    root = load_config(xml_text=(
        "<config><shared><address><entry name='x'/></address></shared><devices><entry name='localhost.localdomain'>"
        "<vsys><entry name='vsys1'><address><entry name='x'/></address><rulebase><security><rules><entry name='r'>"
        "<source><member>x</member></source></entry></rules></security></rulebase></entry></vsys></entry></devices></config>"))
    assert semantics.referrers(root, ('address', 'x', None)) == []
    assert [r.label for r in semantics.referrers(root, ('address', 'x', 'vsys1'))] == [
        'vsys -> vsys1 -> rulebase -> security -> rules -> r -> source']


def test_object_at_recognises_referencable_objects():
    store = _store()
    node = store.get(VSYS + '/zone')[0]
    assert semantics.object_at(node.path + (('entry', ('name', 'z')),)) == ('zone', 'z', 'vsys1')
    assert semantics.object_at((('config', None), ('shared', None), ('address', None), ('entry', ('name', 'a')))) == (
        'address', 'a', None)
    assert semantics.object_at(node.path) is None
    assert ET.iselement(node.element)


def test_factory_vwire_ports_must_be_freed_before_they_become_layer3():
    store = _store('vm-series-factory-vwire')
    eth1 = DEV + "/network/interface/ethernet/entry[@name='ethernet1/1']"
    store.write('admin', 'edit', {'xpath': eth1, 'element': '<entry name="ethernet1/1"><layer3/></entry>'})
    errors = semantics.validate(store.candidate)
    assert 'network -> virtual-wire -> default-vwire -> interface1: ethernet1/1 is not a virtual-wire interface' in errors
    assert 'vsys -> vsys1 -> zone -> untrust -> network -> virtual-wire: ethernet1/1 is not a virtual-wire interface' in errors
    with pytest.raises(tree.TreeError) as info:
        store.write('admin', 'delete', {'xpath': eth1})
    assert info.value.code == 10 and 'network -> virtual-wire -> default-vwire -> interface1' in info.value.lines
    for xpath in (VSYS + "/rulebase/security/rules/entry[@name='rule1']", VSYS + "/zone/entry[@name='trust' or @name='untrust']",
                  DEV + "/network/virtual-wire/entry[@name='default-vwire']"):
        assert store.write('admin', 'delete', {'xpath': xpath})[0] == 20
    assert semantics.validate(store.candidate) == []


def test_routers_need_layer3_interfaces():
    store = _store('vm-series-factory-vwire')
    store.write('admin', 'set', {'xpath': DEV + "/network/virtual-router/entry[@name='default']/interface",
                                 'element': '<member>ethernet1/2</member>'})
    assert ('network -> virtual-router -> default -> interface: ethernet1/2 is not a layer3 interface'
            in semantics.validate(store.candidate))
