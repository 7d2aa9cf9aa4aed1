#!/usr/bin/env python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the whole test suite and print a short summary; exit non-zero on any failure.

Stages: sanity (ansible-test), units (pytest tests/unit), lab (the emulators' own tests),
molecule (extensions/molecule), lint (ansible-lint, antsibull-changelog), bench (the benchmark
harness at smoke size). ``--only`` and
``--skip`` select stages. Run it through ``make test``, which prepares the virtual environment.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(REPO, '.build')
COLLECTIONS = os.path.join(BUILD, 'collections')
SKIP_DIRS = {'.git', '.venv', '.build', '.lab', '__pycache__', 'output', '.pytest_cache', '.molecule', 'results'}
STAGES = ('sanity', 'units', 'lab', 'molecule', 'lint', 'bench')


def bin_path(name):
    return os.path.join(os.path.dirname(sys.executable), name)


def base_env():
    env = dict(os.environ)
    env['PATH'] = os.pathsep.join([os.path.dirname(sys.executable), env.get('PATH', '')])
    env['ANSIBLE_COLLECTIONS_PATH'] = COLLECTIONS
    env['PYTHONPATH'] = os.pathsep.join([COLLECTIONS] + [p for p in [env.get('PYTHONPATH')] if p])
    env.setdefault('ANSIBLE_FORCE_COLOR', '0')
    env['PY_COLORS'] = '0'
    return env


def link_collection():
    parent = os.path.join(COLLECTIONS, 'ansible_collections', 'zonewarden')
    os.makedirs(parent, exist_ok=True)
    link = os.path.join(parent, 'firewall')
    if not os.path.islink(link):
        if os.path.exists(link):
            shutil.rmtree(link)
        os.symlink(os.path.relpath(REPO, parent), link)


def project_files():
    """Files of the project as git sees them (tracked or new, not ignored); a walk when git is absent."""
    try:
        out = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard', '-z'], cwd=REPO, check=True,
                             capture_output=True).stdout.decode('utf-8')
        return [path for path in out.split('\0') if path and os.path.isfile(os.path.join(REPO, path))]
    except (OSError, subprocess.CalledProcessError):
        found = []
        for root, dirs, files in os.walk(REPO):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            found += [os.path.relpath(os.path.join(root, name), REPO) for name in files]
        return found


def run(command, env, cwd=REPO, capture=False):
    """Run a command with its output streamed; with capture, also return the output."""
    print('$ ' + ' '.join(command), flush=True)
    if not capture:
        return subprocess.call(command, env=env, cwd=cwd)
    lines = []
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # pylint: disable=consider-using-with
    for line in process.stdout:
        lines.append(line.decode('utf-8', 'replace'))
        sys.stdout.buffer.write(line)
        sys.stdout.flush()
    return process.wait(), ''.join(lines)


def junit_counts(path):
    if not os.path.exists(path):
        return None
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == 'testsuite' else list(root)
    total = sum(int(s.get('tests', 0)) for s in suites)
    failed = sum(int(s.get('failures', 0)) + int(s.get('errors', 0)) for s in suites)
    skipped = sum(int(s.get('skipped', 0)) for s in suites)
    return total - failed - skipped, failed, skipped


def stage_sanity(env):
    # ansible-test needs the collection under ansible_collections/<ns>/<name>. The copy lives outside
    # this checkout: inside it, git would report the copy as ignored and every target would be skipped.
    workdir = tempfile.mkdtemp(prefix='zonewarden-sanity-')
    root = os.path.join(workdir, 'ansible_collections', 'zonewarden', 'firewall')
    try:
        for rel in project_files():
            target = os.path.join(root, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(os.path.join(REPO, rel), target)
        install_pip_bootstrap()
        version = '%d.%d' % sys.version_info[:2]
        code, output = run([bin_path('ansible-test'), 'sanity', '--python', version, '--color', 'no'], env, cwd=root, capture=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if code == 0 and 'All targets skipped' in output:
        print('sanity: ansible-test found nothing to test; that is a failure, not a pass')
        code = 1
    return code, None


def install_pip_bootstrap():
    """ansible-test downloads a pip bootstrap script from a host outside the package index; provide our own."""
    import ansible_test  # pylint: disable=import-outside-toplevel
    source = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    with open(source, encoding='utf-8') as handle:
        match = re.search(r"pip='([0-9.]+)'", handle.read())
    pip_version = match.group(1) if match else '24.2'
    cache = os.path.expanduser('~/.ansible/test/cache')
    os.makedirs(cache, exist_ok=True)
    target = os.path.join(cache, 'get_pip_%s.py' % pip_version.replace('.', '_'))
    if not os.path.exists(target):
        shutil.copy(os.path.join(REPO, 'tests', 'sanity', 'bootstrap_pip.py'), target)


def _pytest(env, name, paths, extra=()):
    junit = os.path.join(BUILD, 'junit-%s.xml' % name)
    if os.path.exists(junit):
        os.unlink(junit)
    command = [sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider', '--import-mode=importlib', '-q',
               '--rootdir', REPO, '--junitxml', junit] + list(extra) + paths
    code = run(command, env)
    if code == 5:
        print('%s: pytest collected no tests' % name)
        return 1, (0, 0, 0)
    return code, junit_counts(junit)


def stage_units(env):
    return _pytest(env, 'units', ['tests/unit'])


def stage_lab(env):
    return _pytest(env, 'lab', ['tests/lab'])


def stage_molecule(env):
    """All scenarios in one molecule run: the default scenario starts the lab first and stops it last."""
    scenarios = sorted(d for d in os.listdir(os.path.join(REPO, 'extensions', 'molecule'))
                       if os.path.isfile(os.path.join(REPO, 'extensions', 'molecule', d, 'molecule.yml')))
    env = dict(env)
    env.update(MOLECULE_NO_LOG='false', NO_COLOR='1', ANSIBLE_NOCOLOR='1')
    code, output = run([bin_path('molecule'), 'test', '--all'], env, capture=True)
    failed = set(re.findall(r'^(\S+) > \S+: Executed: Failed', output, re.M))
    if code != 0 and not failed:
        failed = set(['(molecule)'])
    return code, (len(scenarios) - len(failed & set(scenarios)), len(failed), 0)


def stage_lint(env):
    targets = [path for path in ('playbooks', 'roles', 'extensions/molecule') if os.path.isdir(os.path.join(REPO, path))]
    code = run([bin_path('ansible-lint'), '--profile', 'production', '--offline'] + targets, env)
    code = run([bin_path('antsibull-changelog'), 'lint'], env) or code
    return code, None


def stage_bench(env):
    """The benchmark harness at smoke size (the full benchmark is `make bench`), and its own tests."""
    code, counts = _pytest(env, 'bench', ['tests/perf/test_harness.py'])
    smoke = run([sys.executable, os.path.join('tests', 'perf', 'bench.py'), '--smoke'], env)
    return code or smoke, counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--only', nargs='*', choices=STAGES, help='run only these stages')
    parser.add_argument('--skip', nargs='*', choices=STAGES, default=[], help='skip these stages')
    args = parser.parse_args(argv)
    stages = [s for s in (args.only or STAGES) if s not in args.skip]
    os.makedirs(BUILD, exist_ok=True)
    link_collection()
    env = base_env()
    results = []
    for stage in stages:
        print('\n=== %s ===' % stage, flush=True)
        started = time.time()
        code, counts = globals()['stage_' + stage](env)
        results.append((stage, code, time.time() - started, counts))
    print('\n=== summary ===')
    for stage, code, seconds, counts in results:
        detail = '' if counts is None else ' (%d passed, %d failed, %d skipped)' % counts
        print('%-9s %-4s %6.1fs%s' % (stage, 'ok' if code == 0 else 'FAIL', seconds, detail))
    failed = sum(1 for _s, code, _t, _c in results if code != 0)
    tests_passed = sum(c[0] for _s, _code, _t, c in results if c)
    tests_failed = sum(c[1] for _s, _code, _t, c in results if c)
    print('tests: %d passed, %d failed' % (tests_passed, tests_failed))
    print('stages: %d passed, %d failed' % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
