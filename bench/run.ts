// `npm run bench`: each figure beside a baseline measured in the same run; JSON in bench/results/.
// `npm run bench -- bill-run overview`: only the benches named (loaded on demand).
export {};

const benches: Record<string, () => Promise<void>> = {
  'ledger-write': async () => (await import('./ledger-write.bench.ts')).ledgerWriteBench(),
  overview: async () => (await import('./overview.bench.ts')).overviewBench(),
  'bill-run': async () => (await import('./bill-run.bench.ts')).billRunBench(),
  'screen-response': async () => (await import('./screen-response.bench.ts')).screenResponseBench(),
  'sync-push': async () => (await import('./sync-push.bench.ts')).syncPushBench(),
  'sync-pull': async () => (await import('./sync-pull.bench.ts')).syncPullBench(),
  'sync-fleet': async () => (await import('./sync-fleet.bench.ts')).syncFleetBench(),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in benches));
if (unknown.length > 0) {
  console.error(`Unknown bench: ${unknown.join(', ')}. Choose from: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
console.log('OneBill Kiosk benchmarks');
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length === 0 || wanted.includes(name)) await run();
}
