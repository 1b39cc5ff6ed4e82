// Resident memory of a process and all its descendants (the driver and its ffmpeg encoder), read
// from Linux /proc: every process's parent from /proc/<pid>/stat, VmRSS from /proc/<pid>/status.
// Used by the soak benchmark (soak.ts) to sample memory over time. Elsewhere (no /proc) it
// answers undefined rather than a made-up figure.
import { readdirSync, readFileSync } from 'node:fs';

const KIB = 1024;

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: fields restart after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return undefined;
  }
}

function rssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * KIB : 0;
  } catch {
    return 0;
  }
}

/** The pids of root and every descendant alive now. */
export function processTree(root: number): number[] {
  let pids: number[];
  try {
    pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const pid of pids) {
    const parent = parentOf(pid);
    if (parent === undefined) continue;
    const list = children.get(parent) ?? [];
    list.push(pid);
    children.set(parent, list);
  }
  const tree: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    tree.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** RSS of root and its descendants in bytes; undefined when /proc cannot tell (not Linux, root gone). */
export function processTreeRss(root: number): number | undefined {
  const own = rssBytes(root);
  if (own === 0) return undefined;
  return processTree(root).reduce((sum, pid) => sum + (pid === root ? own : rssBytes(pid)), 0);
}
