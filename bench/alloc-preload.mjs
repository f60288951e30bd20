// Preloaded into a server by bench/alloc-top.ts: SIGUSR2 starts V8's sampling heap profiler, counting
// what the young and old collections free too (the garbage is the point), and the next SIGUSR2
// writes the profile to the file SYSSTATUS_ALLOC_PROFILE names.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const session = new Session();
session.connect();
let sampling = false;
process.on('SIGUSR2', () => {
  if (!sampling) {
    sampling = true;
    session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    return;
  }
  sampling = false;
  session.post('HeapProfiler.stopSampling', (error, result) => {
    if (error) throw error;
    writeFileSync(process.env.SYSSTATUS_ALLOC_PROFILE, JSON.stringify(result.profile));
  });
});
