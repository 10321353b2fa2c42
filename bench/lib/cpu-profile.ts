import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  function: string;
  /** Where: a src/ file, a package, node's internals or V8's pseudo-frames. */
  location: string;
  percent: number;
}

/** Shortens a frame's URL to what a reader needs: the package or src/ path and the line. */
function locate(frame: ProfileNode['callFrame']): string {
  if (!frame.url) return '';
  const url = frame.url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/(dist|src)\/(.*)$/.exec(url);
  if (own) return `${own[1]}/${own[2]}:${frame.lineNumber + 1}`;
  return url.startsWith('node:') ? url : url.split('/').slice(-2).join('/');
}

/**
 * Self time per function of a V8 .cpuprofile (written by `node --cpu-prof`): each sample's time
 * delta is charged to the frame on top of the stack. Idle time (waiting on sockets) is left out,
 * so the percentages are of the time the thread was busy.
 */
export function topSelfTime(file: string, limit: number): { busyMs: number; top: SelfTime[]; byLocation: { location: string; percent: number }[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, { function: string; location: string; micros: number }>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') return;
    const delta = profile.timeDeltas[i] ?? 0;
    busy += delta;
    const location = locate(frame);
    const key = `${frame.functionName}@${location}`;
    const entry = totals.get(key) ?? { function: frame.functionName || '(anonymous)', location, micros: 0 };
    entry.micros += delta;
    totals.set(key, entry);
  });
  const top = [...totals.values()]
    .sort((a, b) => b.micros - a.micros)
    .slice(0, limit)
    .map((entry) => ({ function: entry.function, location: entry.location, percent: (100 * entry.micros) / busy }));
  // The same self time grouped by package or file (line numbers dropped): where the time goes.
  const byLocation = new Map<string, number>();
  for (const entry of totals.values()) {
    const location = entry.location.replace(/:\d+$/, '');
    byLocation.set(location, (byLocation.get(location) ?? 0) + entry.micros);
  }
  return {
    busyMs: busy / 1000,
    top,
    byLocation: [...byLocation.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([location, micros]) => ({ location, percent: (100 * micros) / busy })),
  };
}
