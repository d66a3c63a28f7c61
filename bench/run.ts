import { overviewBench } from './overview.bench.ts';
import { ledgerWriteBench } from './ledger-write.bench.ts';

// `npm run bench`: each figure beside a baseline measured in the same run; JSON in bench/results/.
console.log('OneBill Kiosk benchmarks');
await ledgerWriteBench();
await overviewBench();
