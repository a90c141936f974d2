import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** What else the machine did while a scenario ran; shares are of the whole machine (all cores). */
export interface NoiseReading {
  seconds: number;
  /** 1-minute load average: mean of one sample a second. Includes the bench's own processes. */
  load1: number;
  /** CPU time the hypervisor gave to other guests, %; null where /proc/stat is missing. */
  stealPercent: number | null;
  /** The machine's busy time, % (steal excluded). */
  busyPercent: number | null;
  /** Busy time of this process and its children (servers, redis-server, PostgreSQL), %. */
  benchPercent: number | null;
  /** Busy time of everything else on the machine, %. */
  otherPercent: number | null;
}

interface Ticks {
  total: number;
  busy: number;
  steal: number;
  /** The bench's process tree, in the same clock ticks. */
  tree: number;
}

/** `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal … (clock ticks). */
function machineTicks(): Omit<Ticks, 'tree'> | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [
      user = 0,
      nice = 0,
      system = 0,
      idle = 0,
      iowait = 0,
      irq = 0,
      softirq = 0,
      steal = 0,
    ] = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = user + nice + system + irq + softirq;
    return { total: busy + idle + iowait + steal, busy, steal };
  } catch {
    return null;
  }
}

/** utime, stime, cutime, cstime of every process, with its parent. */
function processTicks(): Map<number, { ppid: number; ticks: number }> {
  const table = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After the command name in parentheses (which may hold spaces): state, ppid, … utime is the 12th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = [11, 12, 13, 14]
        .map((i) => Number(fields[i] ?? 0))
        .reduce((a, b) => a + b, 0);
      table.set(Number(entry), { ppid: Number(fields[1]), ticks });
    } catch {
      // Gone between the listing and the read.
    }
  }
  return table;
}

/**
 * This process and its live descendants. Children that exited were reaped by
 * their parent, so their time is already in its cutime/cstime.
 */
function treeTicks(): number {
  const table = processTicks();
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of table)
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let ticks = 0;
  const queue = [process.pid];
  while (queue.length > 0) {
    const pid = queue.pop() ?? 0;
    ticks += table.get(pid)?.ticks ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return ticks;
}

function snapshot(): Ticks | null {
  const machine = machineTicks();
  return machine ? { ...machine, tree: treeTicks() } : null;
}

/** Starts measuring; `stop()` returns the reading since. */
export function startNoiseMeter(): { stop(): NoiseReading } {
  const started = performance.now();
  const before = snapshot();
  const loads = [loadavg()[0] ?? 0];
  const timer = setInterval(() => loads.push(loadavg()[0] ?? 0), 1_000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const after = snapshot();
      const seconds = (performance.now() - started) / 1_000;
      const load1 = loads.reduce((a, b) => a + b, 0) / loads.length;
      const total = before && after ? after.total - before.total : 0;
      if (!before || !after || total <= 0)
        return {
          seconds,
          load1,
          stealPercent: null,
          busyPercent: null,
          benchPercent: null,
          otherPercent: null,
        };
      const pct = (ticks: number) => (ticks / total) * 100;
      const busy = after.busy - before.busy;
      const bench = Math.min(busy, after.tree - before.tree);
      return {
        seconds,
        load1,
        stealPercent: pct(after.steal - before.steal),
        busyPercent: pct(busy),
        benchPercent: pct(bench),
        otherPercent: pct(Math.max(0, busy - bench)),
      };
    },
  };
}
