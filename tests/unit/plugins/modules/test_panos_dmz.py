# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The three-zone DMZ through every PAN-OS module: request budget, check mode, other admins, Iron Skillet.

Reference numbers (XMLAPI-FACTS.md section 9): paloaltonetworks.panos needs 82 requests for a first run of a
similar DMZ and 61 for a no-change rerun. Here a run is 9 module calls (profile, interfaces, zones, router,
addresses, services, security rules, NAT rules, commit), each with one keygen (username/password) or none (API key).
"""

import copy
import xml.etree.ElementTree as ET

from labcore.reference import reference_path

from ansible_collections.zonewarden.firewall.tests.unit.plugins.modules.panos_lab import DMZ, VSYS, apply_dmz

# Requests of a run, by kind, with username/password. Commit job polls depend on timing and are counted apart.
FIRST_RUN = {'keygen': 9, 'config.get': 14, 'config.set': 1, 'config.multi-config': 7, 'op.show.config.list.changes': 1,
             'commit': 1}
RERUN = {'keygen': 9, 'config.get': 9, 'op.show.config.list.changes': 1}


def without_polls(counts):
    return dict((k, v) for k, v in counts.items() if k != 'op.show.jobs.id')


def test_first_run_and_rerun_request_budget(panos_lab):
    results = apply_dmz(panos_lab)
    counts = panos_lab.counts()
    assert all(result['changed'] for result in results.values())
    assert without_polls(counts) == FIRST_RUN
    assert counts['op.show.jobs.id'] >= 1
    assert panos_lab.handle.log()['total'] == sum(counts.values())
    assert sum(FIRST_RUN.values()) == 33  # plus the job polls (35 in a typical run)
    assert results['panos_commit']['job']['result'] == 'OK'
    panos_lab.clear()
    again = apply_dmz(panos_lab)
    assert not any(result['changed'] for result in again.values())
    assert panos_lab.counts() == RERUN
    assert panos_lab.writes() == 0
    assert panos_lab.total() == 19
    assert panos_lab.handle.log()['total'] == 19  # the HTTP request log agrees


def test_with_an_api_key_there_is_no_keygen_at_all(panos_lab):
    key = panos_lab.handle.side('POST', 'panos/password', {'user': 'automation', 'password': 'zonewarden-automation'})['key']
    panos_lab.connection.update(api_key=key, password=None)
    apply_dmz(panos_lab)
    assert 'keygen' not in panos_lab.counts()
    panos_lab.clear()
    apply_dmz(panos_lab)
    assert panos_lab.total() == 10 and panos_lab.writes() == 0


def test_check_mode_of_the_whole_dmz_writes_nothing(panos_lab):
    results = apply_dmz(panos_lab, check_mode=True)
    assert all(result['changed'] for name, result in results.items() if name != 'panos_commit')
    # The zones and objects do not exist yet (their tasks ran in check mode too): warnings, not failures.
    assert "config[0].from_zones[0]='trust' is not a zone defined in this task or on the device (check mode" in \
        str(results['panos_security_rules']['warnings'][0])
    assert results['panos_commit']['changed'] is False  # nothing was written, so nothing to commit
    assert panos_lab.writes() == 0
    assert panos_lab.changes()['changes'] == []
    # The plan of every module is what a real run then does.
    real = apply_dmz(panos_lab)
    for name, result in results.items():
        if name != 'panos_commit':
            assert real[name]['commands'] == result['commands'], name


def test_another_admins_pending_change_survives_our_partial_commit(panos_lab):
    draft = VSYS + "/address/entry[@name='admin-draft']"
    rule = VSYS + "/rulebase/security/rules/entry[@name='admin-rule']"
    panos_lab.apply_as('admin', action='set', xpath=draft, element='<ip-netmask>192.0.2.99</ip-netmask>')
    panos_lab.apply_as('admin', action='set', xpath=rule, element='<from><member>any</member></from><to><member>any</member></to>'
                       '<source><member>any</member></source><destination><member>admin-draft</member></destination>'
                       '<application><member>any</member></application><service><member>any</member></service>'
                       '<action>allow</action>')
    results = apply_dmz(panos_lab)
    assert results['panos_commit']['job']['result'] == 'OK'
    running = panos_lab.config('running')
    assert running.find("devices/entry/vsys/entry/address/entry[@name='dmz-web']") is not None
    assert running.find("devices/entry/vsys/entry/address/entry[@name='admin-draft']") is None
    assert running.find("devices/entry/vsys/entry/rulebase/security/rules/entry[@name='admin-rule']") is None
    pending = panos_lab.changes()['changes']
    assert sorted((c['xpath'], c['admin']) for c in pending) == [(draft, 'admin'), (rule, 'admin')]
    candidate = panos_lab.config()
    assert candidate.find("devices/entry/vsys/entry/address/entry[@name='admin-draft']") is not None


# -- Iron Skillet: everything we do not manage stays exactly as it was ---------------------------------

MANAGED = [
    ('devices/entry/network/interface/ethernet', 'entry', ('ethernet1/1', 'ethernet1/2', 'ethernet1/3')),
    ('devices/entry/vsys/entry/import/network/interface', 'member', ('ethernet1/1', 'ethernet1/2', 'ethernet1/3')),
    ('devices/entry/vsys/entry/zone', 'entry', ('untrust', 'trust', 'dmz')),
    ("devices/entry/network/virtual-router/entry[@name='default']", 'interface', None),
    ("devices/entry/network/virtual-router/entry[@name='default']/routing-table/ip/static-route", 'entry', ('default-route',)),
    ('devices/entry/network/profiles/interface-management-profile', 'entry', ('allow-ping',)),
    ('devices/entry/vsys/entry/address', 'entry', ('dmz-web', 'dmz-net', 'trust-net', 'public-web')),
    ('devices/entry/vsys/entry/service', 'entry', ('tcp-8443', 'udp-514')),
    ('devices/entry/vsys/entry/rulebase/security/rules', 'entry', tuple(r['name'] for r in dict(DMZ)['panos_security_rules']['config'])),
    ('devices/entry/vsys/entry/rulebase/nat/rules', 'entry', ('snat-outbound', 'dnat-web')),
]


def unmanaged(config):
    """A canonical string of the configuration without the nodes the DMZ manages (and without empty leftovers)."""
    config = copy.deepcopy(config)
    for path, tag, names in MANAGED:
        for holder in config.findall(path):
            for child in list(holder):
                if child.tag == tag and (names is None or child.get('name') in names or (child.text or '') in names):
                    holder.remove(child)
    _drop_empty(config)
    for node in config.iter():
        for attribute in ('admin', 'dirtyId', 'time', 'uuid'):
            node.attrib.pop(attribute, None)
        node.tail = None
        if node.text is not None and not node.text.strip():
            node.text = None
    return ET.tostring(config, encoding='unicode')


def _drop_empty(node):
    for child in list(node):
        _drop_empty(child)
        if not len(child) and not (child.text or '').strip() and not child.attrib:
            node.remove(child)


def test_iron_skillet_keeps_everything_we_do_not_manage(panos_lab):
    panos_lab.load_config(reference_path('panos', 'configs', 'iron-skillet-full-11.0.xml'))
    before = panos_lab.config()
    rules_before = [e.get('name') for e in before.findall('devices/entry/vsys/entry/rulebase/security/rules/entry')]
    assert rules_before == ['Outbound Block Rule', 'Inbound Block Rule']
    results = apply_dmz(panos_lab)
    assert results['panos_commit']['job']['result'] == 'OK', results['panos_commit']
    after = panos_lab.config()
    assert unmanaged(after) == unmanaged(before)
    rules_after = [e.get('name') for e in after.findall('devices/entry/vsys/entry/rulebase/security/rules/entry')]
    assert rules_after[:2] == rules_before and rules_after[2:] == list(MANAGED[8][2])
    router = after.find("devices/entry/network/virtual-router/entry[@name='default']")
    assert router.findtext('protocol/bgp/dampening-profile/entry/cutoff') == '1.25'
    panos_lab.clear()
    apply_dmz(panos_lab)
    assert panos_lab.writes() == 0
