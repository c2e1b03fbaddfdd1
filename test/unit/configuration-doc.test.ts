import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PARAM_NAMES, readStageParams } from '../../shared/deploy/stage-params.ts';

const DOC = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

describe('docs/configuration.md', () => {
  it('documents every stage param', () => {
    // Act
    const documented = [...DOC.matchAll(/^\| `(\w+)`\s+\|/gm)].map((match) => match[1]);
    // Assess
    expect(PARAM_NAMES.filter((name) => !documented.includes(name))).toEqual([]);
  });

  it("states the local stage's overrides as serverless.yml sets them", () => {
    // Prepare
    const params = readStageParams('local') as unknown as Record<string, unknown>;
    const row = /^\| `local` \| (.*) \|$/m.exec(DOC)?.[1] ?? '';
    // Act
    const stated = [...row.matchAll(/`(\w+): (\w+)`/g)].map(([, name, value]) => [name, value] as const);
    // Assess
    expect(stated.length).toBeGreaterThan(5);
    for (const [name, value] of stated) {
      const actual =
        name === 'inventory'
          ? params.routes && (params.routes as { inventory: boolean }[])[0]?.inventory
          : params[name as string];
      expect(String(actual), `${name} in the local row`).toBe(value);
    }
    const [route] = params.routes as { bucket: string; distributionId: string }[];
    expect(row).toContain(`\`${route?.bucket}\` → \`${route?.distributionId}\``);
  });
});
