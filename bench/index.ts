import { runCollectorBench } from './collector.ts';
import { runCorpusBench } from './corpus.ts';
import { runPlannerBench } from './planner.ts';

// `npm run bench`: every DESIGN section 6 figure, each as a ratio against a baseline measured in the
// same run (absolute times drift on shared machines). The sections print their own tables.
console.log('# Planner quality on the deploy corpus');
runCorpusBench();
console.log('\n# Planner speed and memory (1,000,000-key inventory, 100,000 changed keys)');
runPlannerBench();
console.log('\n# Collector: a 10,000-record SQS batch');
runCollectorBench();
