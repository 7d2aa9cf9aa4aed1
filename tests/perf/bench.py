#!/usr/bin/env python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark harness: our playbooks against generated labs, side by side with a community.proxmox baseline.

Each run is one whole ``ansible-playbook`` process against the emulators (tests/lab), started once
as processes on loopback with an injected latency per request. A generated lab is loaded through
the side door before every run, so every run starts from the same state:

  first     a fresh cluster / an empty rulebase: everything is created
  nochange  the state the first deployment left (the nightly case)
  drift     that state with 5% of the objects changed, each repairable with one write

Sides: ``ours`` (tests/perf/playbooks/pve_enforce.yml, or --ours-playbook), ``ours-rules`` (the
same limited to what community.proxmox manages too) and ``baseline`` (community.proxmox from
.build/bench-baseline-venv, one task per guest). PAN-OS: the three-zone DMZ deployment and
rulebases of R rules with our modules.

    python tests/perf/bench.py                       the full benchmark (make bench)
    python tests/perf/bench.py --guests 30 --rules 50 --runs 1 --no-baseline
    python tests/perf/bench.py --smoke               the small CI size, a few seconds per run

Results go to tests/perf/results/ (bench-<time>.json, .md, .png); --docs also rewrites the
figures in docs/performance.md.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

PERF_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(PERF_DIR))
LAB_DIR = os.path.join(REPO, 'tests', 'lab')
for _path in (PERF_DIR, LAB_DIR):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import labgen  # noqa: E402  pylint: disable=wrong-import-position
import report  # noqa: E402  pylint: disable=wrong-import-position
import runner  # noqa: E402  pylint: disable=wrong-import-position
from labcore.control import start_process  # noqa: E402  pylint: disable=wrong-import-position

PLAYBOOKS = os.path.join(PERF_DIR, 'playbooks')
INVENTORY = os.path.join(PLAYBOOKS, 'inventory.yml')
BASELINE_VENV = os.path.join(REPO, '.build', 'bench-baseline-venv')
ROLE_PLAYBOOK = os.path.join(REPO, 'playbooks', 'microsegment.yml')
DMZ_PLAYBOOK = os.path.join(REPO, 'playbooks', 'dmz.yml')
PVE_TOKEN = ('root@pam', 'zonewarden', '11111111-2222-3333-4444-555555555555')
PANOS_USER = ('admin', 'zonewarden-lab')
SCENARIOS = ('first', 'nochange', 'drift')
DMZ_ANCHOR_REQUESTS = {'first': 82, 'nochange': 61}


class Lab:
    """Both emulators as processes, reused for every run; state is loaded before each run."""

    def __init__(self, workdir, latency_ms, panos=True):
        self.workdir = workdir
        self.latency_ms = latency_ms
        self.pve = start_process('pve_api', workdir=workdir)
        self.panos = start_process('panos_xapi', workdir=workdir, args=['--commit-delay', '0.2']) if panos else None
        self.panos_key = None
        for handle in self.handles():
            handle.latency(latency_ms)

    def handles(self):
        return [h for h in (self.pve, self.panos) if h is not None]

    def pve_env(self):
        user, token, secret = PVE_TOKEN
        return {'PROXMOX_HOST': '127.0.0.1', 'PROXMOX_PORT': str(self.pve.port), 'PROXMOX_USER': user,
                'PROXMOX_TOKEN_ID': token, 'PROXMOX_TOKEN_SECRET': secret, 'PROXMOX_CA_PATH': self.pve.ca_file,
                # community.proxmox verifies TLS through proxmoxer/requests.
                'PROXMOX_VALIDATE_CERTS': 'true', 'REQUESTS_CA_BUNDLE': self.pve.ca_file}

    def panos_env(self):
        if self.panos_key is None:
            self.panos_key = panos_api_key(self.panos)
        return {'PANOS_HOST': '127.0.0.1', 'PANOS_PORT': str(self.panos.port), 'PANOS_USERNAME': PANOS_USER[0],
                'PANOS_API_KEY': self.panos_key, 'PANOS_CA_PATH': self.panos.ca_file}

    def stop(self):
        for handle in self.handles():
            handle.stop()


def panos_api_key(handle):
    """An API key for the admin, made once (a nightly job is given a key, it does not log in each task)."""
    import ssl  # pylint: disable=import-outside-toplevel
    import urllib.parse  # pylint: disable=import-outside-toplevel
    import urllib.request  # pylint: disable=import-outside-toplevel
    import xml.etree.ElementTree as ET  # pylint: disable=import-outside-toplevel
    body = urllib.parse.urlencode({'type': 'keygen', 'user': PANOS_USER[0], 'password': PANOS_USER[1]}).encode()
    context = ssl.create_default_context(cafile=handle.ca_file)
    with urllib.request.urlopen(handle.url + '/api/', data=body, timeout=10, context=context) as answer:  # nosec - loopback lab
        return ET.fromstring(answer.read()).findtext('.//key')


# -- sides -----------------------------------------------------------------------------------------

class Side:
    """How one side runs: which ansible-playbook, which playbook, which variables."""

    def __init__(self, name, playbook, ansible_playbook, extra=(), vars_kind='bench', scope='full'):
        self.name = name
        self.playbook = playbook
        self.ansible_playbook = ansible_playbook
        self.extra = list(extra)
        self.vars_kind = vars_kind
        self.scope = scope


def make_sides(args):
    ours_bin = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    playbook = args.ours_playbook or os.path.join(PLAYBOOKS, 'pve_enforce.yml')
    vars_kind = 'bench'
    if args.use_role:
        if not os.path.exists(ROLE_PLAYBOOK):
            raise SystemExit('bench: --use-role needs %s, which does not exist yet' % os.path.relpath(ROLE_PLAYBOOK, REPO))
        playbook, vars_kind = ROLE_PLAYBOOK, 'role'
    sides = {'ours': Side('ours', playbook, ours_bin, ['-e', 'bench_scope=full'], vars_kind, 'full'),
             'ours-rules': Side('ours-rules', os.path.join(PLAYBOOKS, 'pve_enforce.yml'), ours_bin,
                                ['-e', 'bench_scope=rules'], 'bench', 'rules')}
    baseline_bin = os.path.join(BASELINE_VENV, 'bin', 'ansible-playbook')
    if args.baseline:
        if not os.path.exists(baseline_bin):
            raise SystemExit('bench: the baseline needs %s (make bench creates it; or pass --no-baseline)' % baseline_bin)
        sides['baseline'] = Side('baseline', os.path.join(PLAYBOOKS, 'baseline_community_proxmox.yml'), baseline_bin,
                                 [], 'baseline', 'rules')
    return sides


def base_env():
    env = dict(os.environ)
    env.update({
        'ANSIBLE_COLLECTIONS_PATH': os.path.join(REPO, '.build', 'collections'),
        'ANSIBLE_CALLBACK_PLUGINS': os.path.join(PERF_DIR, 'callback_plugins'),
        'ANSIBLE_CALLBACKS_ENABLED': 'zw_bench',
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_LOCALHOST_WARNING': '0',
    })
    # The baseline's own virtual environment must not see our checkout's PYTHONPATH.
    env.pop('PYTHONPATH', None)
    return env


def ensure_collection_link():
    link = os.path.join(REPO, '.build', 'collections', 'ansible_collections', 'zonewarden', 'firewall')
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(os.path.relpath(REPO, os.path.dirname(link)), link)


class Bench:
    """Runs measured playbook runs and keeps every measurement."""

    def __init__(self, args, lab, workdir):
        self.args = args
        self.lab = lab
        self.workdir = workdir
        self.env = base_env()
        self.runs = []
        self.counter = 0
        self.started = time.time()

    def elapsed(self):
        return time.time() - self.started

    def run(self, side, handle, kind, command_extra, env_extra, load):
        """One measured run: load the lab state, clear the logs, run the playbook, read the logs."""
        load()
        handle.clear_log()
        if kind == 'panos':
            handle.side('DELETE', 'panos/requests')
        self.counter += 1
        stats = os.path.join(self.workdir, 'stats-%d.json' % self.counter)
        log = os.path.join(self.workdir, 'run-%03d-%s.log' % (self.counter, side.name))
        command = [side.ansible_playbook, '-i', INVENTORY, side.playbook] + side.extra + command_extra
        env = dict(self.env, **env_extra)
        measured = runner.run_playbook(command, env, REPO, stats, log)
        if kind == 'pve':
            measured.update(runner.pve_requests(handle, self.lab.latency_ms))
        else:
            measured.update(runner.panos_requests(handle, self.lab.latency_ms))
        if measured['returncode'] != 0 or measured['failures']:
            print('bench: %s run failed (exit %s); log %s\n%s' % (side.name, measured['returncode'], log, runner.tail(log)),
                  file=sys.stderr)
        return measured

    def repeat(self, count, *run_args):
        return [self.run(*run_args) for _index in range(count)]


# -- PVE -------------------------------------------------------------------------------------------

def write_vars(workdir, guests, kind):
    policy = labgen.pve_policy(guests)
    if kind == 'baseline':
        data = labgen.baseline_vars(policy)
    elif kind == 'role':
        data = labgen.role_vars(guests)
    else:
        data = policy
    path = os.path.join(workdir, 'vars-%s-%d.json' % (kind, guests))
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(data, handle)
    return path, policy


def pve_side(bench, side, guests, runs, scenarios):
    """Scenarios of one side at one size; returns {scenario: [runs]} plus the drift expectation."""
    lab = bench.lab
    fixture = labgen.pve_fixture(guests)
    vars_file, policy = write_vars(bench.workdir, guests, side.vars_kind)
    extra = ['-e', '@' + vars_file]
    env = lab.pve_env()
    out = {}
    first_runs = runs.get('first', 1) if 'first' in scenarios else 1
    measured = bench.repeat(max(1, first_runs), side, lab.pve, 'pve', extra, env, lambda: lab.pve.load(fixture))
    if 'first' in scenarios:
        out['first'] = measured
    converged = lab.pve.state()
    if 'nochange' in scenarios:
        out['nochange'] = bench.repeat(runs.get('nochange', 1), side, lab.pve, 'pve', extra, env, lambda: lab.pve.load(converged))
    if bench.args.emulators and side.name == 'ours':
        out['emulator'] = pve_throughput(lab, guests)
    if 'drift' in scenarios:
        try:
            drifted, counts = labgen.apply_drift(converged, policy, side.scope)
        except (KeyError, ValueError) as exc:
            # Another playbook (--ours-playbook, --use-role) may leave a state the drift generator does not know.
            print('bench: no drift scenario for %s: %s' % (side.name, exc), file=sys.stderr)
        else:
            out['drift'] = bench.repeat(runs.get('drift', 1), side, lab.pve, 'pve', extra, env, lambda: lab.pve.load(drifted))
            out['drift_objects'] = counts
    out['read_lower_bound'] = labgen.collections_to_compare(guests, side.scope)
    return out


# -- PAN-OS ----------------------------------------------------------------------------------------

def panos_running_xml(handle):
    return handle.side('GET', 'panos/config?which=running')['xml']


def panos_dmz(bench, side, runs):
    """The three-zone DMZ on a factory-default firewall, then the same playbook again."""
    lab = bench.lab
    env = lab.panos_env()
    playbook = Side(side.name, DMZ_PLAYBOOK if bench.args.use_role and os.path.exists(DMZ_PLAYBOOK)
                    else os.path.join(PLAYBOOKS, 'panos_dmz.yml'), side.ansible_playbook)
    out = {'first': bench.repeat(runs, playbook, lab.panos, 'panos', [], env, lambda: lab.panos.load({}))}
    converged = {'config_xml': panos_running_xml(lab.panos)}
    out['nochange'] = bench.repeat(runs, playbook, lab.panos, 'panos', [], env, lambda: lab.panos.load(converged))
    out['anchor_requests'] = DMZ_ANCHOR_REQUESTS
    return out, converged


def panos_rulebase(bench, side, rules, runs, base, scenarios):
    lab = bench.lab
    env = lab.panos_env()
    policy = labgen.panos_policy(rules)
    path = os.path.join(bench.workdir, 'vars-panos-%d.json' % rules)
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(policy, handle)
    playbook = Side(side.name, os.path.join(PLAYBOOKS, 'panos_rulebase.yml'), side.ansible_playbook)
    extra = ['-e', '@' + path]
    out = {}
    measured = bench.repeat(runs.get('first', 1) if 'first' in scenarios else 1, playbook, lab.panos, 'panos', extra, env,
                            lambda: lab.panos.load(base))
    if 'first' in scenarios:
        out['first'] = measured
    converged_xml = panos_running_xml(lab.panos)
    if 'nochange' in scenarios:
        out['nochange'] = bench.repeat(runs.get('nochange', 1), playbook, lab.panos, 'panos', extra, env,
                                       lambda: lab.panos.load({'config_xml': converged_xml}))
    if bench.args.emulators:
        out['emulator'] = panos_throughput(lab, rules)
    if 'drift' in scenarios:
        drifted, count = labgen.panos_drift(converged_xml, policy)
        out['drift'] = bench.repeat(runs.get('drift', 1), playbook, lab.panos, 'panos', extra, env,
                                    lambda: lab.panos.load({'config_xml': drifted}))
        out['drift_objects'] = {'security_rules': count}
    out['read_lower_bound'] = 4
    return out


# -- emulator throughput ---------------------------------------------------------------------------

def with_latency_off(lab, handle, measure):
    handle.latency(0)
    try:
        return measure()
    finally:
        handle.latency(lab.latency_ms)


def pve_throughput(lab, guests, count=600):
    """Reads per second the PVE emulator serves for a no-change run's per-guest reads (lab loaded)."""
    import bench_pve_emulator  # pylint: disable=import-outside-toplevel
    paths = []
    for guest in labgen.guest_list(guests, labgen.node_count(guests)):
        base = '/nodes/%s/%s/%d' % (guest['node'], 'qemu' if guest['type'] == 'vm' else 'lxc', guest['vmid'])
        paths += [base + '/firewall/rules', base + '/firewall/options', base + '/config']
    return with_latency_off(lab, lab.pve, lambda: {
        'reads_per_s': bench_pve_emulator.paths_rate(lab.pve.port, lab.pve.ca_file, paths, count),
        'cluster_resources_per_s': bench_pve_emulator.paths_rate(lab.pve.port, lab.pve.ca_file, ['/cluster/resources'], 50)})


def panos_throughput(lab, rules, count=100):
    import bench_panos_emulator  # pylint: disable=import-outside-toplevel
    return with_latency_off(lab, lab.panos, lambda: bench_panos_emulator.rulebase_reads(lab.panos, rules, count))


# -- machine ---------------------------------------------------------------------------------------

def machine_info(sides):
    def version_of(binary):
        try:
            out = subprocess.run([binary, '--version'], capture_output=True, text=True, check=False, timeout=60).stdout
            return out.splitlines()[0].split('[core')[-1].strip(' ]') if out else None
        except OSError:
            return None
    memory = None
    try:
        with open('/proc/meminfo', encoding='utf-8') as handle:
            memory = round(int(handle.readline().split()[1]) / 1024.0 / 1024.0, 1)
    except OSError:
        pass
    info = {'nproc': os.cpu_count(), 'memory_gb': memory, 'python': platform.python_version(),
            'platform': platform.platform(), 'cpu': _cpu_model(),
            'ansible_core': version_of(sides['ours'].ansible_playbook)}
    if 'baseline' in sides:
        info['baseline_ansible_core'] = version_of(sides['baseline'].ansible_playbook)
        info['baseline_community_proxmox'] = _baseline_collection_version()
    return info


def _cpu_model():
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as handle:
            for line in handle:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _baseline_collection_version():
    for root, _dirs, files in os.walk(os.path.join(BASELINE_VENV, 'lib')):
        if root.endswith(os.path.join('community', 'proxmox')) and 'MANIFEST.json' in files:
            with open(os.path.join(root, 'MANIFEST.json'), encoding='utf-8') as handle:
                return json.load(handle)['collection_info']['version']
    return None


# -- orchestration ---------------------------------------------------------------------------------

def parse_sizes(text):
    return [int(part) for part in str(text).split(',') if part.strip()]


def plan_runs(args, side, guests):
    """Run counts per scenario: the baseline above --baseline-full-max guests gets --baseline-large-runs."""
    runs = args.runs
    if side == 'baseline' and guests > args.baseline_full_max:
        runs = args.baseline_large_runs
    return dict((scenario, runs) for scenario in SCENARIOS)


def run_all(args):
    ensure_collection_link()
    sides = make_sides(args)
    workdir = tempfile.mkdtemp(prefix='zw-bench-')
    lab = Lab(workdir, args.latency, panos=bool(args.rules) or args.dmz)
    bench = Bench(args, lab, workdir)
    results = {'started': time.strftime('%Y-%m-%dT%H:%M:%S%z'), 'latency_ms': args.latency, 'runs_per_scenario': args.runs,
               'machine': machine_info(sides), 'command': ' '.join(['python', 'tests/perf/bench.py'] + (args.argv or [])),
               'pve': {}, 'panos': {}}
    scenarios = args.scenarios
    try:
        for guests in args.guests:
            results['pve'][str(guests)] = {}
            for name in ('ours', 'ours-rules', 'baseline'):
                if name not in sides or (name != 'ours' and guests > args.baseline_max_guests):
                    continue
                if name == 'ours-rules' and 'baseline' not in sides:
                    continue
                print('bench: PVE %d guests, %s (%.0fs so far)' % (guests, name, bench.elapsed()), flush=True)
                chosen = scenarios
                if name == 'baseline' and guests > args.baseline_full_max:
                    chosen = [s for s in scenarios if s in args.baseline_large_scenarios]
                results['pve'][str(guests)][name] = pve_side(bench, sides[name], guests, plan_runs(args, name, guests), chosen)
        if args.dmz or args.rules:
            # The rulebases sit on top of the DMZ (its zones and ports); converge it even when it is not measured.
            print('bench: PAN-OS three-zone DMZ (%.0fs so far)' % bench.elapsed(), flush=True)
            dmz, base = panos_dmz(bench, sides['ours'], args.runs if args.dmz else 1)
            if args.dmz:
                results['panos']['dmz'] = dmz
        for rules in args.rules:
            print('bench: PAN-OS %d rules (%.0fs so far)' % (rules, bench.elapsed()), flush=True)
            results['panos'][str(rules)] = panos_rulebase(bench, sides['ours'], rules, plan_runs(args, 'ours', 0), base, scenarios)
    finally:
        lab.stop()
    results['elapsed_s'] = round(bench.elapsed(), 1)
    results['summary'] = report.summarize(results)
    return results


def build_parser():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--guests', type=parse_sizes, default=[30, 300, 1000], help='lab sizes in guests (default 30,300,1000)')
    parser.add_argument('--rules', type=parse_sizes, default=[50, 200, 500], help='PAN-OS rulebase sizes (default 50,200,500)')
    parser.add_argument('--runs', type=int, default=3, help='runs per scenario (default %(default)s); the median is reported')
    parser.add_argument('--latency', type=float, default=5.0, help='injected latency per API request in ms (default %(default)s)')
    parser.add_argument('--scenarios', type=lambda text: [s for s in text.split(',') if s], default=list(SCENARIOS),
                        help='comma list of first, nochange, drift (default all)')
    parser.add_argument('--no-baseline', dest='baseline', action='store_false', help='skip the community.proxmox baseline')
    parser.add_argument('--baseline-max-guests', type=int, default=1000,
                        help='largest lab the baseline runs on (default %(default)s; about 0.5 s per guest and run)')
    parser.add_argument('--baseline-full-max', type=int, default=30,
                        help='above this many guests the baseline runs --baseline-large-runs times (default %(default)s)')
    parser.add_argument('--baseline-large-runs', type=int, default=1, help='(default %(default)s)')
    parser.add_argument('--baseline-large-scenarios', type=lambda text: [s for s in text.split(',') if s], default=['first', 'nochange'],
                        help='scenarios of the baseline above --baseline-full-max guests (default first,nochange)')
    parser.add_argument('--ours-playbook', help='playbook for the "ours" side (default tests/perf/playbooks/pve_enforce.yml)')
    parser.add_argument('--use-role', action='store_true', help='run playbooks/microsegment.yml (roles/microsegmented_host) as "ours"')
    parser.add_argument('--no-dmz', dest='dmz', action='store_false', help='skip the PAN-OS three-zone DMZ scenario')
    parser.add_argument('--no-emulators', dest='emulators', action='store_false', help='skip the emulator throughput measurement')
    parser.add_argument('--out', default=os.path.join(PERF_DIR, 'results'), help='result folder (default tests/perf/results)')
    parser.add_argument('--docs', action='store_true', help='also rewrite the figures in docs/performance.md')
    parser.add_argument('--smoke', action='store_true', help='the small CI size only; exit code 0 when the harness works')
    return parser


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    if args.smoke:
        return smoke()
    args.argv = argv
    results = run_all(args)
    paths = report.write_all(results, args.out, docs=args.docs)
    print(report.markdown(results))
    print('bench: wrote %s' % ', '.join(os.path.relpath(p, REPO) for p in paths))
    return 0 if not report.failed_runs(results) else 1


# -- smoke (CI) ------------------------------------------------------------------------------------

SMOKE_GUESTS = 6
SMOKE_RULES = 10


def smoke():
    """The harness end to end at a tiny size, ours only; returns an exit code (0 = the harness works).

    Checks what a broken harness or a regression would change: every run succeeds, the
    no-change run writes nothing and changes nothing, the drift run writes exactly the drifted
    objects, and the reports can be written.
    """
    args = build_parser().parse_args(['--guests', str(SMOKE_GUESTS), '--rules', str(SMOKE_RULES), '--runs', '1',
                                      '--no-baseline', '--no-emulators', '--latency', '1'])
    args.argv = ['--smoke']
    started = time.time()
    results = run_all(args)
    problems = report.failed_runs(results) + report.smoke_problems(results)
    out = tempfile.mkdtemp(prefix='zw-bench-smoke-')
    report.write_all(results, out, with_plot=False)
    for problem in problems:
        print('bench smoke: %s' % problem, file=sys.stderr)
    print('bench smoke: %s in %.0fs' % ('ok' if not problems else 'FAILED', time.time() - started))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
