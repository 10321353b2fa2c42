// Fault injection for the stress suite, loaded into the server with --import: SIGKILLs the whole
// process at one point of a snapshot, chosen by STRESS_KILL_AT:
//   writing          when the snapshot worker starts writing the BM25 file into its staging folder
//   between-renames  after the served folder was moved aside, before the new one is moved in
//   after-swap       after the new folder is in place, before the old one and the log are cleaned up
// or sends it SIGTERM (a shutdown):
//   sigterm-in-graph at the worker's first nearest-neighbour search, which then keeps the worker
//                    busy in the HNSW add-on for two seconds, as a large collection's lists do
// The snapshot runs in a worker thread, which --import does not reach: the main thread wraps
// Worker so that each eval'd worker loads this module first. Plain JavaScript, so it loads
// before tsx is registered in the worker.
import fs from 'node:fs/promises';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import workerThreads from 'node:worker_threads';

const point = process.env.STRESS_KILL_AT;
const die = () => process.kill(process.pid, 'SIGKILL');

if (workerThreads.isMainThread) {
  const OriginalWorker = workerThreads.Worker;
  const self = JSON.stringify(import.meta.url);
  workerThreads.Worker = class extends OriginalWorker {
    constructor(code, options) {
      super(options?.eval ? `import(${self}).then(() => ${code})` : code, options);
    }
  };
} else if (point === 'sigterm-in-graph') {
  const hnswlib = createRequire(import.meta.url)('hnswlib-node');
  const Graph = hnswlib.HierarchicalNSW;
  let signalled = false;
  hnswlib.HierarchicalNSW = class extends Graph {
    searchKnn(...query) {
      if (!signalled) {
        signalled = true;
        process.kill(process.pid, 'SIGTERM');
        const until = performance.now() + 2_000;
        while (performance.now() < until) super.searchKnn(...query);
      }
      return super.searchKnn(...query);
    }
  };
} else if (point) {
  const { rename, writeFile } = fs;
  fs.writeFile = async (path, ...rest) => {
    if (point === 'writing' && String(path).includes('.building-')) die();
    return writeFile(path, ...rest);
  };
  fs.rename = async (from, to) => {
    await rename(from, to);
    if (point === 'between-renames' && String(to).includes('.old-')) die();
    if (point === 'after-swap' && String(from).includes('.building-')) die();
  };
}
syncBuiltinESMExports();
