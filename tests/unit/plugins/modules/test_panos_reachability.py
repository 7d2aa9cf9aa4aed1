# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""panos_reachability: offline from text and files, live against the in-thread PAN-OS emulator
(configuration loaded through its side door), expectations, the failure table, strict mode."""

from __future__ import annotations

import yaml

from labcore.reference import reference_path

from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.panos_reach import FLOW_OPTIONS, REACHABILITY_OPTIONS
from ansible_collections.zonewarden.firewall.plugins.modules import panos_reachability
from ansible_collections.zonewarden.firewall.tests.unit.plugins.module_utils._policy.panos_configs import dmz_config, rule
from ansible_collections.zonewarden.firewall.tests.unit.plugins.modules.panos_lab import run_module

VALVE_FLOWS = [
    dict(name='trust to dmz', source='10.0.1.20', dest='10.0.2.10', dport=443, expect='allow'),
    dict(name='trust to internet', from_zone='trust', source='10.0.1.20', dest='198.51.100.80', proto='udp', dport=5000, expect='allow'),
    dict(name='dmz to internet', source='10.0.2.10', dest='198.51.100.80', dport=443, expect='allow'),
    dict(name='dmz to trust', from_zone='dmz', to_zone='trust', dport=22, expect='deny', expect_rule='deny-dmz-to-trust'),
    dict(name='inbound to dmz', ingress_interface='ethernet1/1', source='198.51.100.7', dest='10.0.2.10', dport=22, expect='deny'),
    dict(name='published web', ingress_interface='ethernet1/1', source='198.51.100.7', dest='203.0.113.10', dport=443,
         expect='allow', expect_rule='web-published'),
]
LEAKY_RULE = rule('dmz-admin-to-trust', 'dmz', 'trust', destination='10.0.1.0/24', service='tcp-22-svc')
LEAKY_SERVICE = '<entry name="tcp-22-svc"><protocol><tcp><port>22</port></tcp></protocol></entry>'


def leaky_dmz():
    config = dmz_config(extra_rules=[LEAKY_RULE])
    return config.replace('<service>', '<service>' + LEAKY_SERVICE, 1)


def run(check_mode=False, **args):
    return run_module('panos_reachability', args, check_mode=check_mode)


# -- offline ---------------------------------------------------------------------------------------

def test_offline_valve_holds():
    result = run(config_xml=dmz_config(), flows=VALVE_FLOWS)
    assert not result.failed, result.get('msg')
    assert result['changed'] is False
    assert result['summary'] == {'flows': 6, 'checked': 6, 'passed': 6, 'failed': 0, 'uncertain': 0}
    assert [v['passed'] for v in result['verdicts']] == [True] * 6
    published = result['verdicts'][5]
    assert published['nat']['name'] == 'dnat-web' and published['zones']['to'] == 'dmz'
    assert result['config_origin'] == 'config_xml'


def test_failed_expectations_are_listed_in_a_table():
    flows = VALVE_FLOWS + [dict(source='10.0.2.10', dest='10.0.1.20', dport=22, expect='deny'),
                           dict(name='dmz to trust https', source='10.0.2.10', dest='10.0.1.20', dport=443, expect='deny'),
                           dict(name='trust to dmz mysql', source='10.0.1.20', dest='10.0.2.10', dport=3306, expect='allow')]
    result = run(config_xml=leaky_dmz(), flows=flows)
    assert result.failed
    assert result['summary'] == {'flows': 9, 'checked': 9, 'passed': 7, 'failed': 2, 'uncertain': 1}
    lines = result['msg'].splitlines()
    assert lines[0] == '2 of 9 flows do not meet their expectation:'
    assert lines[1].split() == ['flow', 'expected', 'verdict', 'decided', 'by']
    assert lines[2].split()[:8] == ['10.0.2.10', '(dmz)', '->', '10.0.1.20', '(trust)', 'tcp/22', 'deny', 'allow']
    assert lines[2].endswith('rule dmz-admin-to-trust (#5)')
    assert lines[3].split()[:6] == ['trust', 'to', 'dmz', 'mysql', 'allow', 'deny']
    assert lines[3].endswith('default rule interzone-default')
    assert [f['index'] for f in result['failures']] == [7, 9]
    # The zone-only flow still meets "deny", but the leak shows: the rule that may match is undecided.
    by_zone = result['verdicts'][3]
    assert by_zone['passed'] is True and not by_zone['certain']
    assert by_zone['undecided'][0]['name'] == 'dmz-admin-to-trust'


def test_expect_rule_alone_and_flows_without_expectation():
    flows = [dict(from_zone='trust', to_zone='dmz', source='10.0.1.20', dport=22, expect_rule='trust-to-dmz'),
             dict(from_zone='untrust', to_zone='dmz', dport=443)]
    result = run(config_xml=dmz_config(), flows=flows)
    assert not result.failed
    assert result['summary'] == {'flows': 2, 'checked': 1, 'passed': 1, 'failed': 0, 'uncertain': 1}
    inbound = result['verdicts'][1]
    assert inbound['passed'] is None and inbound['rule']['name'] == 'interzone-default'
    # Without a destination address the published rule (public-web only) can neither be ruled in nor out.
    assert [u['name'] for u in inbound['undecided']] == ['web-published'] and not inbound['certain']
    wrong = run(config_xml=dmz_config(), flows=[dict(from_zone='trust', to_zone='dmz', source='10.0.1.20', dport=22,
                                                     expect_rule='trust-to-untrust')])
    assert wrong.failed and 'expected rule trust-to-untrust' in wrong['failures'][0]['problem']


def test_strict_fails_uncertain_verdicts():
    config = dmz_config(extra_rules=[rule('cdn', 'dmz', 'trust', destination='not-defined-object')])
    flows = [dict(name='dmz to trust', from_zone='dmz', to_zone='trust', dest='10.0.1.20', dport=22, expect='deny')]
    lenient = run(config_xml=config, flows=flows)
    assert not lenient.failed and lenient['summary']['uncertain'] == 1
    assert lenient['verdicts'][0]['undecided'][0]['name'] == 'cdn'
    strict = run(config_xml=config, flows=flows, strict=True)
    assert strict.failed and '(uncertain)' in strict['msg']
    assert strict['failures'][0]['problem'].startswith('uncertain: security rule cdn undecided (destination not-defined-object is not defined)')


def test_config_file_and_the_reference_config():
    path = reference_path('panos', 'configs', 'trust-untrust-nat-ha-10.1.xml')
    flows = [dict(name='inbound web', ingress_interface='ethernet1/1', source='198.51.100.7', dest='203.0.113.20', dport=80,
                  expect='allow', expect_rule='inbound-web'),
             dict(name='trust intrazone', from_zone='trust', to_zone='trust', dport=443, application='ssl', expect='deny'),
             dict(name='health checks', ingress_interface='ethernet1/1', source='130.211.0.9', dest='203.0.113.20', dport=80,
                  expect='allow', expect_rule='health-probe')]
    result = run(config_file=path, flows=flows, host='ignored.example', check_mode=True)
    assert not result.failed, result.get('msg')
    assert result['config_origin'] == path
    assert result['verdicts'][2]['zones']['to'] == 'probes'


def test_interface_addresses_reach_the_evaluator(tmp_path):
    path = tmp_path / 'fw.xml'
    path.write_text(open(reference_path('panos', 'configs', 'trust-untrust-nat-ha-10.1.xml'), encoding='utf-8').read(), encoding='utf-8')
    flow = dict(source='10.0.2.7', dest='198.51.100.7', dport=443, application='ssl', expect='allow')
    result = run(config_file=str(path), flows=[flow], interface_addresses={'ethernet1/2': '10.0.2.2/24'})
    assert not result.failed, result.get('msg')
    assert result['verdicts'][0]['interfaces']['ingress'] == 'ethernet1/2'


def test_undefined_zone_warns():
    result = run(config_xml=dmz_config(), flows=[dict(from_zone='dmzz', to_zone='trust', expect='deny')])
    assert not result.failed
    assert 'zone dmzz is not defined in vsys1' in str(result['warnings'])


def test_errors_are_one_sentence():
    bad_flow = run(config_xml=dmz_config(), flows=[dict(from_zone='trust', dest='10.0.2.300')])
    assert bad_flow.failed and bad_flow['msg'].startswith('Flow 1 (') and 'invalid dest address' in bad_flow['msg']
    bad_xml = run(config_xml='<config>', flows=[dict(from_zone='trust', to_zone='dmz')])
    assert bad_xml.failed and 'not well-formed' in bad_xml['msg']
    missing = run(config_file='/nonexistent/zw-fw.xml', flows=[dict(from_zone='trust', to_zone='dmz')])
    assert missing.failed and 'Cannot read the configuration file' in missing['msg']
    both = run(config_file='x.xml', config_xml='<config/>', flows=[dict(from_zone='trust', to_zone='dmz')])
    assert both.failed and 'mutually exclusive' in both['msg']


def test_live_mode_needs_a_host(monkeypatch):
    monkeypatch.delenv('PANOS_HOST', raising=False)
    result = run(flows=[dict(from_zone='trust', to_zone='dmz')], api_key='x')
    assert result.failed and 'host' in result['msg']


def test_documentation_matches_the_argument_spec():
    doc = yaml.safe_load(panos_reachability.DOCUMENTATION)
    assert set(REACHABILITY_OPTIONS) | {'host'} == set(doc['options'])
    assert set(FLOW_OPTIONS) == set(doc['options']['flows']['suboptions'])
    for name, spec in REACHABILITY_OPTIONS.items():
        assert doc['options'][name]['type'] == spec['type'], name
        assert doc['options'][name].get('default') == spec.get('default'), name
        assert doc['options'][name].get('choices') == spec.get('choices'), name
    for name, spec in FLOW_OPTIONS.items():
        assert doc['options']['flows']['suboptions'][name]['type'] == spec['type'], name
        assert doc['options']['flows']['suboptions'][name].get('choices') == spec.get('choices'), name
    yaml.safe_load(panos_reachability.EXAMPLES)
    yaml.safe_load(panos_reachability.RETURN)


# -- live, against the emulator ----------------------------------------------------------------------

def load(panos_lab, xml_text):
    panos_lab.handle.load({'config_xml': xml_text, 'commit_delay': 0.05})
    panos_lab.clear()


def test_live_running_config_with_one_read(panos_lab):
    load(panos_lab, dmz_config())
    result = panos_lab.run('panos_reachability', flows=VALVE_FLOWS)
    assert not result.failed, result.get('msg')
    assert result['summary']['passed'] == 6
    assert result['config_origin'] == 'running configuration of 127.0.0.1'
    counts = panos_lab.counts()
    assert counts.get('config.show') == 1 and panos_lab.writes() == 0
    assert panos_lab.total() == counts.get('config.show') + counts.get('keygen', 0)


def test_live_candidate_sees_uncommitted_changes_running_does_not(panos_lab):
    load(panos_lab, dmz_config())
    vsys = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']"
    answer = panos_lab.apply_as('admin', action='set', xpath=vsys + '/service', element=LEAKY_SERVICE)
    assert answer['status'] == 'success', answer
    answer = panos_lab.apply_as('admin', action='edit', xpath=vsys + "/rulebase/security/rules/entry[@name='deny-dmz-to-trust']",
                                element=rule('deny-dmz-to-trust', 'dmz', 'trust', action='allow').replace(
                                    ' uuid="00000000-0000-0000-0000-000000000000"', ''))
    assert answer['status'] == 'success', answer
    flows = [dict(name='dmz to trust', from_zone='dmz', to_zone='trust', dport=22, expect='deny')]
    running = panos_lab.run('panos_reachability', flows=flows, config_source='running')
    assert not running.failed, running.get('msg')
    candidate = panos_lab.run('panos_reachability', flows=flows, config_source='candidate', check_mode=True)
    assert candidate.failed and candidate['failures'][0]['rule']['name'] == 'deny-dmz-to-trust'
    assert candidate['failures'][0]['action'] == 'allow'
    assert panos_lab.counts().get('config.get') == 1 and panos_lab.writes() == 0


def test_live_reference_config(panos_lab):
    panos_lab.handle.load({'config': 'trust-untrust-nat-ha-10.1', 'commit_delay': 0.05})
    flows = [dict(ingress_interface='ethernet1/1', source='198.51.100.7', dest='203.0.113.20', dport=22, expect='allow',
                  expect_rule='inbound-ssh')]
    result = panos_lab.run('panos_reachability', flows=flows)
    assert not result.failed, result.get('msg')
    assert result['verdicts'][0]['post_nat']['dest'] == '10.0.2.5'


def test_live_bad_credentials_fail_clearly(panos_lab):
    result = panos_lab.run('panos_reachability', flows=[dict(from_zone='trust', to_zone='dmz')], password='wrong')
    assert result.failed and 'credentials' in result['msg'].lower()
