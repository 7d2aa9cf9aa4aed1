# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""type=config: reads of candidate and running, writes with PAN-OS envelopes and codes."""

import xml.etree.ElementTree as ET

from panos_xapi.testing import AUTOMATION, DEV, VSYS, message, status_of

RULES = VSYS + '/rulebase/security/rules'
ADDRESS = VSYS + '/address'


def rule(name, action='allow'):
    return ('<entry name="%s"><from><member>any</member></from><to><member>any</member></to><source><member>any</member>'
            '</source><destination><member>any</member></destination><service><member>any</member></service>'
            '<application><member>any</member></application><action>%s</action></entry>' % (name, action))


def rule_names(api, running=False):
    root = api.show(RULES) if running else api.get(RULES)
    return [e.get('name') for e in root.findall('result/rules/entry')]


def test_get_hit_has_code_19_and_counts(api):
    root = api.get(VSYS + '/zone')
    assert status_of(root) == ('success', '19')
    result = root.find('result')
    assert result.get('total-count') == '1' and result.get('count') == '1' and result[0].tag == 'zone'


def test_get_miss_is_success_code_7_with_empty_result(api):
    root = api.get(ADDRESS + "/entry[@name='nope']")
    assert status_of(root) == ('success', '7')
    assert len(root.find('result')) == 0


def test_set_merges_creates_missing_parents_and_answers_command_succeeded(api):
    root = api.set(ADDRESS, '<entry name="web"><ip-netmask>10.0.2.10</ip-netmask></entry>')
    assert status_of(root) == ('success', '20') and message(root) == 'command succeeded'
    api.set(ADDRESS + "/entry[@name='web']", '<description>web server</description><tag><member>dmz</member></tag>')
    entry = api.get(ADDRESS + "/entry[@name='web']").find('result/entry')
    assert entry.findtext('ip-netmask') == '10.0.2.10' and entry.findtext('description') == 'web server'
    api.set(ADDRESS + "/entry[@name='web']/tag", '<member>web</member>')
    members = [m.text for m in api.get(ADDRESS + "/entry[@name='web']/tag").findall('result/tag/member')]
    assert members == ['dmz', 'web']


def test_edit_replaces_the_whole_node(api):
    api.set(ADDRESS, '<entry name="web"><ip-netmask>10.0.2.10</ip-netmask><description>d</description></entry>')
    root = api.edit(ADDRESS + "/entry[@name='web']", '<entry name="web"><fqdn>web.example</fqdn></entry>')
    assert status_of(root) == ('success', '20')
    entry = api.get(ADDRESS + "/entry[@name='web']").find('result/entry')
    assert entry.find('ip-netmask') is None and entry.find('description') is None and entry.findtext('fqdn') == 'web.example'


def test_edit_creates_a_missing_node_and_refuses_a_mismatched_element(api):
    assert status_of(api.edit(ADDRESS + "/entry[@name='new']", '<entry name="new"><fqdn>n.example</fqdn></entry>')) == (
        'success', '20')
    root = api.edit(ADDRESS + "/entry[@name='new']", '<entry name="other"><fqdn>n.example</fqdn></entry>')
    assert status_of(root) == ('error', '12') and message(root).startswith('Edit breaks config validity')


def test_delete_one_and_several_and_a_missing_one(api):
    for name in ('a', 'b', 'c'):
        api.set(ADDRESS, '<entry name="%s"><ip-netmask>10.0.0.1</ip-netmask></entry>' % name)
    assert status_of(api.delete(ADDRESS + "/entry[@name='a' or @name='c']")) == ('success', '20')
    assert [e.get('name') for e in api.get(ADDRESS).findall('result/address/entry')] == ['b']
    root = api.delete(ADDRESS + "/entry[@name='zzz']")
    assert status_of(root) == ('success', '7') and message(root) == "Object doesn't exist"


def test_show_reads_running_and_demands_one_node(api):
    api.set(RULES, rule('r1'))
    assert rule_names(api) == ['r1']
    root = api.show(RULES)
    assert status_of(root) == ('error', '7') and message(root) == 'No such node'
    root = api.show(VSYS + '/*')
    assert status_of(root)[0] == 'error' and status_of(root)[1] == '8'
    api.commit_and_wait()
    assert rule_names(api, running=True) == ['r1']


def test_name_only_listing_and_union_reads(api):
    for name in ('r1', 'r2'):
        api.set(RULES, rule(name))
    root = api.get(RULES + '/entry/@name')
    assert [(e.tag, dict(e.attrib)) for e in root.find('result')] == [('entry', {'name': 'r1'}), ('entry', {'name': 'r2'})]
    assert root.find('result').get('count') == '2'
    root = api.get(RULES + "/entry[@name='r1']/action|" + RULES + "/entry[@name='r2']/action")
    assert [e.text for e in root.find('result')] == ['allow', 'allow']


def test_move_top_bottom_before_after_and_not_possible(api):
    for name in ('r1', 'r2', 'r3', 'r4'):
        api.set(RULES, rule(name))
    entry = RULES + "/entry[@name='%s']"
    steps = [('r4', {'where': 'top'}, ['r4', 'r1', 'r2', 'r3']),
             ('r4', {'where': 'bottom'}, ['r1', 'r2', 'r3', 'r4']),
             ('r1', {'where': 'after', 'dst': 'r3'}, ['r2', 'r3', 'r1', 'r4']),
             ('r4', {'where': 'before', 'dst': 'r2'}, ['r4', 'r2', 'r3', 'r1'])]
    for name, params, expected in steps:
        root = api.request(type='config', action='move', xpath=entry % name, **params)
        assert status_of(root) == ('success', '20')
        assert rule_names(api) == expected
    root = api.request(type='config', action='move', xpath=entry % 'r4', where='top')
    assert status_of(root) == ('error', '14')
    root = api.request(type='config', action='move', xpath=entry % 'r4', where='before', dst='ghost')
    assert status_of(root) == ('error', '13')
    root = api.request(type='config', action='move', xpath=entry % 'ghost', where='top')
    assert status_of(root) == ('error', '7')
    root = api.request(type='config', action='move', xpath=entry % 'r1', where='sideways')
    assert status_of(root) == ('error', '400')


def test_rename_updates_references_and_refuses_a_taken_name(api):
    api.set(ADDRESS, '<entry name="web"><ip-netmask>10.0.2.10</ip-netmask></entry><entry name="db"><ip-netmask>10.0.3.5</ip-netmask></entry>')
    api.set(RULES, rule('r1').replace('<destination><member>any</member>', '<destination><member>web</member>'))
    root = api.request(type='config', action='rename', xpath=ADDRESS + "/entry[@name='web']", newname='web-server')
    assert status_of(root) == ('success', '20')
    assert api.get(RULES + "/entry[@name='r1']/destination").findtext('result/destination/member') == 'web-server'
    root = api.request(type='config', action='rename', xpath=ADDRESS + "/entry[@name='db']", newname='web-server')
    assert status_of(root) == ('error', '12')


def test_clone_copies_an_entry_below_its_source_with_a_new_uuid(api):
    api.set(RULES, rule('r1') + rule('r2'))
    root = api.request(type='config', action='clone', xpath=RULES, **{'from': RULES + "/entry[@name='r1']", 'newname': 'r1-copy'})
    assert status_of(root) == ('success', '20')
    entries = api.get(RULES).findall('result/rules/entry')
    assert [e.get('name') for e in entries] == ['r1', 'r1-copy', 'r2']
    assert entries[0].get('uuid') != entries[1].get('uuid')


def test_rules_get_a_uuid_that_edit_keeps(api):
    api.set(RULES, rule('r1'))
    uuid = api.get(RULES + "/entry[@name='r1']").find('result/entry').get('uuid')
    assert uuid and len(uuid) == 36
    api.edit(RULES + "/entry[@name='r1']", rule('r1', 'deny'))
    entry = api.get(RULES + "/entry[@name='r1']").find('result/entry')
    assert entry.get('uuid') == uuid and entry.findtext('action') == 'deny'


def test_candidate_reads_mark_changed_nodes_like_panos(api):
    api.set(ADDRESS, '<entry name="web"><ip-netmask>10.0.2.10</ip-netmask></entry>')
    entry = api.get(ADDRESS + "/entry[@name='web']").find('result/entry')
    assert entry.get('admin') == 'admin' and entry.get('dirtyId') and entry.get('time')
    api.commit_and_wait()
    entry = api.get(ADDRESS + "/entry[@name='web']").find('result/entry')
    assert entry.get('admin') is None and entry.get('dirtyId') is None
    assert api.show(ADDRESS + "/entry[@name='web']").find('result/entry').get('admin') is None


def test_delete_of_a_referenced_object_is_refused_with_code_10(api):
    api.set(VSYS + '/zone', '<entry name="dmz"><network><layer3/></network></entry>')
    api.set(ADDRESS, '<entry name="web"><ip-netmask>10.0.2.10</ip-netmask></entry>')
    api.set(RULES, rule('r1').replace('<to><member>any', '<to><member>dmz').replace(
        '<destination><member>any', '<destination><member>web'))
    for xpath, name in ((ADDRESS + "/entry[@name='web']", 'web'), (VSYS + "/zone/entry[@name='dmz']", 'dmz')):
        root = api.delete(xpath)
        assert status_of(root) == ('error', '10')
        lines = [line.text for line in root.findall('msg/line')]
        assert lines[0] == '%s cannot be deleted because of references from:' % name
        assert lines[1].startswith('vsys -> vsys1 -> rulebase -> security -> rules -> r1 -> ')
    assert status_of(api.delete(RULES + "/entry[@name='r1']")) == ('success', '20')
    assert status_of(api.delete(ADDRESS + "/entry[@name='web']")) == ('success', '20')


def test_interface_in_a_zone_cannot_be_deleted(api):
    api.set(DEV + '/network/interface/ethernet', '<entry name="ethernet1/3"><layer3/></entry>')
    api.set(VSYS + '/zone', '<entry name="dmz"><network><layer3><member>ethernet1/3</member></layer3></network></entry>')
    assert status_of(api.delete(DEV + "/network/interface/ethernet/entry[@name='ethernet1/3']")) == ('error', '10')


def test_malformed_element_and_bad_xpath(api):
    root = api.set(ADDRESS, '<entry name="x">')
    assert status_of(root) == ('error', '18')
    root = api.get("/config/devices/entry[@name='x'")
    assert status_of(root) == ('error', '6')
    root = api.set(VSYS + '/address/*', '<entry name="x"/>')
    assert status_of(root) == ('error', '7')


def multi(*ops):
    return '<multi-config>%s</multi-config>' % ''.join(ops)


def test_multi_config_applies_all_sub_actions(api):
    element = multi('<set id="1" xpath="%s">%s</set>' % (RULES, rule('r1') + rule('r2')),
                    '<edit id="2" xpath="%s/entry[@name=\'r2\']">%s</edit>' % (RULES, rule('r2', 'deny')),
                    '<move id="3" xpath="%s/entry[@name=\'r2\']" where="top"/>' % RULES)
    root = api.request(type='config', action='multi-config', element=element)
    assert status_of(root) == ('success', '20')
    assert [(r.get('id'), r.get('status'), r.get('code')) for r in root.findall('response')] == [
        ('1', 'success', '20'), ('2', 'success', '20'), ('3', 'success', '20')]
    assert rule_names(api) == ['r2', 'r1']


def test_multi_config_is_all_or_nothing(api):
    api.set(RULES, rule('r0'))
    before = ET.tostring(api.get('/config').find('result/config'))
    element = multi('<set id="1" xpath="%s">%s</set>' % (RULES, rule('r1')),
                    '<delete id="2" xpath="%s/entry[@name=\'r0\']"/>' % RULES,
                    '<move id="3" xpath="%s/entry[@name=\'ghost\']" where="top"/>' % RULES)
    root = api.request(type='config', action='multi-config', element=element)
    assert status_of(root) == ('error', '7')
    assert message(root).startswith('multi-config request failed at id 3')
    assert [r.get('status') for r in root.findall('response')] == ['success', 'success', 'error']
    assert ET.tostring(api.get('/config').find('result/config')) == before
    changes = api.handle.side('GET', 'panos/changes')['changes']
    assert [c['xpath'] for c in changes] == [RULES]


def test_multi_config_strict_reverts_the_callers_pending_changes_first(api):
    # Entry-level writes keep ownership apart (a container write would take over the other's change).
    api.set(ADDRESS + "/entry[@name='mine']", '<ip-netmask>10.0.0.1</ip-netmask>')
    api.set(ADDRESS + "/entry[@name='theirs']", '<ip-netmask>10.0.0.2</ip-netmask>', user=AUTOMATION)
    element = multi('<set id="1" xpath="%s">%s</set>' % (RULES, rule('r1')))
    root = api.request(type='config', action='multi-config', element=element, **{'strict-transactional': 'yes'})
    assert status_of(root) == ('success', '20')
    names = [e.get('name') for e in api.get(ADDRESS).findall('result/address/entry')]
    assert names == ['theirs'] and rule_names(api) == ['r1']


def test_writes_by_another_admin_are_tracked_with_their_owner(api):
    api.set(ADDRESS, '<entry name="a"><ip-netmask>10.0.0.1</ip-netmask></entry>')
    answer = api.handle.side('POST', 'panos/apply', {'admin': 'alice', 'action': 'set', 'xpath': RULES, 'element': rule('r9')})
    assert answer['status'] == 'success'
    owners = {c['xpath']: c['admin'] for c in api.handle.side('GET', 'panos/changes')['changes']}
    assert owners == {ADDRESS: 'admin', RULES: 'alice'}
    answer = api.handle.side('POST', 'panos/apply', {'admin': 'alice', 'action': 'delete', 'xpath': RULES + "/entry[@name='r9']"})
    assert answer['status'] == 'success'
    assert {c['xpath'] for c in api.handle.side('GET', 'panos/changes')['changes']} == {ADDRESS}


def test_write_back_to_the_running_value_leaves_nothing_pending(api):
    api.set(ADDRESS, '<entry name="a"><ip-netmask>10.0.0.1</ip-netmask></entry>')
    assert api.op('<check><pending-changes/></check>').findtext('result') == 'yes'
    api.delete(ADDRESS + "/entry[@name='a']")
    assert api.op('<check><pending-changes/></check>').findtext('result') == 'no'


def test_container_write_takes_over_pending_changes_below_it(api):
    inner = rule('r1')[len('<entry name="r1">'):-len('</entry>')]
    api.handle.side('POST', 'panos/apply', {'admin': 'alice', 'action': 'set', 'xpath': RULES + "/entry[@name='r1']", 'element': inner})
    api.set(RULES, rule('r2'))
    owners = {c['xpath']: c['admin'] for c in api.handle.side('GET', 'panos/changes')['changes']}
    assert owners == {RULES: 'admin'}


def test_settings_switch_off_annotations_uuids_and_reference_checks(api):
    api.handle.side('POST', 'panos/settings', {'annotate_changes': False, 'rule_uuids': False, 'reference_checks': False})
    api.set(ADDRESS, '<entry name="web"><ip-netmask>10.0.2.10</ip-netmask></entry>')
    api.set(RULES, rule('r1').replace('<destination><member>any', '<destination><member>web'))
    entry = api.get(RULES + "/entry[@name='r1']").find('result/entry')
    assert entry.get('admin') is None and entry.get('uuid') is None
    assert status_of(api.delete(ADDRESS + "/entry[@name='web']")) == ('success', '20')


def test_noop_writes_can_be_made_dirty(api):
    api.handle.side('POST', 'panos/settings', {'noop_writes_dirty': True})
    api.set(ADDRESS, '<entry name="a"><ip-netmask>10.0.0.1</ip-netmask></entry>')
    api.delete(ADDRESS + "/entry[@name='a']")
    assert api.op('<check><pending-changes/></check>').findtext('result') == 'yes'


def test_multi_config_strict_is_refused_while_a_commit_runs(api):
    api.handle.side('POST', 'panos/settings', {'commit_delay': 0.5})
    api.set(ADDRESS, '<entry name="a"><ip-netmask>10.0.0.1</ip-netmask></entry>')
    job_id = api.commit().findtext('result/job')
    element = multi('<set id="1" xpath="%s">%s</set>' % (RULES, rule('r1')))
    root = api.request(type='config', action='multi-config', element=element, **{'strict-transactional': 'yes'})
    assert root.get('status') == 'error' and message(root).startswith('A commit is in progress.')
    assert status_of(api.request(type='config', action='multi-config', element=element)) == ('success', '20')
    api.wait_job(job_id)
