# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one ansible-playbook process and measure it: wall time, peak memory, invocations, API requests.

Memory is sampled from /proc every 50 ms over the whole process tree of ansible-playbook (the
controller process, its forked workers and the module processes they start): the peak of the
summed PSS (shared pages counted once, proportionally) and the largest single RSS. Short-lived
module processes between two samples can be missed; the kernel's own maximum RSS of the children
(getrusage) is reported beside it as a cross-check.
"""

import json
import os
import resource
import subprocess
import threading
import time

SAMPLE_SECONDS = 0.05


def _children_map():
    """{ppid: [pid, ...]} from /proc."""
    children = {}
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % name, encoding='utf-8', errors='replace') as handle:
                fields = handle.read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(name))
    return children


def _tree(root):
    children = _children_map()
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _memory_kb(pid):
    """(pss_kb, rss_kb) of one process; zeros when it is gone."""
    pss = rss = 0
    try:
        with open('/proc/%d/smaps_rollup' % pid, encoding='utf-8') as handle:
            for line in handle:
                if line.startswith('Pss:'):
                    pss = int(line.split()[1])
                elif line.startswith('Rss:'):
                    rss = int(line.split()[1])
    except OSError:
        pass
    return pss, rss


class MemorySampler(threading.Thread):
    """Peak PSS sum and peak single RSS of a process tree, sampled until stopped."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_pss_kb = 0
        self.peak_rss_kb = 0
        self.peak_processes = 0
        self.samples = 0
        self.available = os.path.exists('/proc/self/smaps_rollup')
        self._stop_event = threading.Event()

    def run(self):
        while self.available and not self._stop_event.is_set():
            pids = _tree(self.pid)
            total_pss = 0
            for pid in pids:
                pss, rss = _memory_kb(pid)
                total_pss += pss
                self.peak_rss_kb = max(self.peak_rss_kb, rss)
            self.peak_pss_kb = max(self.peak_pss_kb, total_pss)
            self.peak_processes = max(self.peak_processes, len(pids))
            self.samples += 1
            self._stop_event.wait(SAMPLE_SECONDS)

    def stop(self):
        self._stop_event.set()
        self.join(timeout=5)


def run_playbook(command, env, cwd, stats_file, log_file, timeout=3600):
    """Run ``command`` (an ansible-playbook call); return the measurements of the run."""
    if os.path.exists(stats_file):
        os.unlink(stats_file)
    env = dict(env, ZW_BENCH_STATS=stats_file)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    with open(log_file, 'wb') as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,  # pylint: disable=consider-using-with
                                   stdin=subprocess.DEVNULL)
        sampler = MemorySampler(process.pid)
        sampler.start()
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        finally:
            sampler.stop()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    stats = {}
    if os.path.exists(stats_file):
        with open(stats_file, encoding='utf-8') as handle:
            stats = json.load(handle)
    return {
        'returncode': code,
        'wall_s': round(wall, 3),
        'peak_pss_mb': round(sampler.peak_pss_kb / 1024.0, 1) if sampler.samples else None,
        'peak_rss_single_mb': round(sampler.peak_rss_kb / 1024.0, 1) if sampler.samples else None,
        # ru_maxrss only rises: it names a new maximum when this run set one, else the earlier one.
        'maxrss_children_mb': round(max(before, after) / 1024.0, 1),
        'memory_samples': sampler.samples,
        'processes_peak': sampler.peak_processes,
        'invocations': stats.get('invocations_total'),
        'invocations_by_action': stats.get('invocations', {}),
        'changed_by_action': stats.get('changed', {}),
        # Configuration writes the modules report; a commit is counted apart (commits).
        'module_write_commands': sum(count for action, count in stats.get('write_commands', {}).items()
                                     if not action.endswith('panos_commit')) if stats else None,
        'failures': stats.get('failures', []),
        'log_file': log_file,
    }


def tail(path, lines=40):
    try:
        with open(path, encoding='utf-8', errors='replace') as handle:
            return ''.join(handle.readlines()[-lines:])
    except OSError:
        return ''


# -- emulator request logs ------------------------------------------------------------------------

def pve_requests(handle, latency_ms):
    """Reads, writes and the emulator's own service time from the PVE emulator's request log."""
    log = handle.log()
    entries = log.get('entries') or []
    busy_ms = sum(max(0.0, entry['ms'] - latency_ms) for entry in entries)
    errors = sum(1 for entry in entries if entry.get('status', 200) >= 400)
    by_path = {}
    for key, count in log.get('by_path', {}).items():
        method, path = key.split(' ', 1)
        by_path[method + ' ' + _path_kind(path)] = by_path.get(method + ' ' + _path_kind(path), 0) + count
    return {'requests': log['total'], 'reads': log['reads'], 'writes': log['writes'], 'errors': errors,
            'emulator_busy_s': round(busy_ms / 1000.0, 3), 'by_kind': by_path}


def _path_kind(path):
    """Collapse ids in a PVE path so the log groups by endpoint (nodes/pve1/qemu/1000 -> nodes/N/qemu/ID)."""
    parts = path.split('/')
    out = []
    for index, part in enumerate(parts):
        previous = parts[index - 1] if index else ''
        if previous == 'nodes':
            out.append('N')
        elif previous in ('qemu', 'lxc') and part.isdigit():
            out.append('ID')
        elif previous in ('ipset', 'groups', 'rules', 'aliases') and part:
            out.append('X')
        else:
            out.append(part)
    return '/'.join(out)


PANOS_READ_LABELS = ('config.get', 'config.show', 'keygen', 'version')


def panos_requests(handle, latency_ms):
    """Reads, writes (commit apart) and service time from the PAN-OS emulator's logs."""
    log = handle.log()
    entries = log.get('entries') or []
    busy_ms = sum(max(0.0, entry['ms'] - latency_ms) for entry in entries)
    counts = handle.side('GET', 'panos/requests').get('counts', {})
    reads = writes = commits = 0
    for label, count in counts.items():
        if label == 'commit':
            commits += count
        elif label in PANOS_READ_LABELS or label.startswith('op.show') or label == 'op':
            reads += count
        else:
            writes += count
    return {'requests': log['total'], 'reads': reads, 'writes': writes + commits, 'commits': commits,
            'emulator_busy_s': round(busy_ms / 1000.0, 3), 'by_kind': counts}
