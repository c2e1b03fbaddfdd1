import { runCollectorBench } from './collector.ts';
import { runCorpusBench } from './corpus.ts';
import { runPlannerBench } from './planner.ts';

// `npm run bench`: every DESIGN section 6 figure, each as a ratio against a baseline measured in the
// same run (absolute times drift on shared machines). The sections print their own tables.
// `npm run bench -- cold` runs one section; `e2e` (the 100,000-object deploy) runs only when named.
const SECTIONS = {
  corpus: {
    title: 'Planner quality on the deploy corpus',
    run: () => runCorpusBench(),
  },
  planner: {
    title: 'Planner speed and memory (1,000,000-key inventory, 100,000 changed keys)',
    run: () => runPlannerBench(),
  },
  collector: {
    title: 'Collector: a 10,000-record SQS batch',
    run: () => runCollectorBench(),
  },
  cold: {
    title: 'Lambda bundles and cold init against the bare SDK clients',
    run: async () => (await import('./cold.ts')).runColdBench(),
  },
  e2e: {
    title: 'End to end: a 100,000-object deploy through the local stack',
    run: async () => (await import('./e2e.ts')).runEndToEndBench(),
  },
} as const;
type Section = keyof typeof SECTIONS;
const DEFAULT_SECTIONS: readonly Section[] = ['corpus', 'planner', 'collector', 'cold'];

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in SECTIONS));
if (unknown.length > 0) {
  console.error(
    `npm run bench -- [${Object.keys(SECTIONS).join('|')}]...: expected a section, got ${unknown.join(' ')}`,
  );
  process.exit(2);
}
const sections = asked.length === 0 ? DEFAULT_SECTIONS : (asked as Section[]);
for (const [index, name] of sections.entries()) {
  console.log(`${index === 0 ? '' : '\n'}# ${SECTIONS[name].title}`);
  await SECTIONS[name].run();
}
