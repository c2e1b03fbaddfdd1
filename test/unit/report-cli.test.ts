import { describe, expect, it } from 'vitest';
import { EXIT, runCli } from '../../shared/cli/main.ts';
import { runReport } from '../../shared/cli/report.ts';
import { defaultTableName, parseReportOptions } from '../../shared/cli/report-options.ts';
import { captureIo } from '../helpers/cli-io.ts';

// Nothing here reaches AWS: every case fails (or helps) before a client sends a request.
const UNREACHABLE = { env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } } as const;

async function run(argv: string[]) {
  const captured = captureIo();
  const code = await runReport(argv, captured.io, UNREACHABLE);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe('runReport', () => {
  describe('--help', () => {
    it('documents every flag and exits 0', async () => {
      // Act
      const result = await run(['--help']);
      // Assess
      expect(result.code).toBe(EXIT.ok);
      for (const flag of [
        '--stage',
        '--table',
        '--month',
        '--format',
        '--out',
        '--reconcile',
        '--distribution',
        '--budget',
        '--endpoint',
        '--help',
      ]) {
        expect(result.stdout).toContain(flag);
      }
      expect(result.stdout).toContain('table | json | csv | md | html');
    });

    it('is reachable through the invalidator command', async () => {
      // Prepare
      const captured = captureIo();
      // Act
      const code = await runCli(['report', '-h'], captured.io);
      // Assess
      expect(code).toBe(EXIT.ok);
      expect(captured.stdout()).toContain('Usage: invalidator report');
    });
  });

  describe('bad input', () => {
    it.each([
      [['--month', '2026-13'], '--month: expected YYYY-MM with a month 01..12 (e.g. 2025-03), got "2026-13"'],
      [['--month', 'march'], '--month: expected YYYY-MM with a month 01..12 (e.g. 2025-03), got "march"'],
      [['--format', 'xml'], '--format: expected one of table, json, csv, md, html, got "xml"'],
      [['--budget', 'lots'], '--budget: expected a whole number of paths, got "lots"'],
      [
        ['--endpoint', 'localhost:8000'],
        '--endpoint: expected an http(s) URL like http://127.0.0.1:8000, got "localhost:8000"',
      ],
      [
        ['--distribution', 'E1SITE0000000A'],
        '--distribution: expected --reconcile as well (it picks the distributions to reconcile)',
      ],
      [['--stage', 'prod/eu'], '--stage: expected letters, digits and dashes, got "prod/eu"'],
      [['--out', ''], '--out: expected a file name, got ""'],
    ])('rejects %j with one line on stderr and exit 2', async (argv, message) => {
      // Act
      const result = await run(argv);
      // Assess
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toBe(`invalidator report: ${message}\n`);
      expect(result.stdout).toBe('');
    });

    it('rejects an unknown flag', async () => {
      // Act
      const result = await run(['--months', '2026-10']);
      // Assess
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toMatch(/^invalidator report: Unknown option '--months'.*\n$/);
    });
  });
});

describe('parseReportOptions', () => {
  describe('no flags', () => {
    it('reads the dev stage table for the current month as a table', () => {
      // Act
      const options = parseReportOptions([]);
      // Assess
      expect(options).toMatchObject({
        stage: 'dev',
        tableName: 'invalidator-dev-ledger',
        month: undefined,
        format: 'table',
        reconcile: false,
        distributionIds: [],
      });
    });
  });

  describe('--table', () => {
    it('overrides the stage table and drops the default stage label', () => {
      // Act
      const options = parseReportOptions(['--table', 'my-ledger', '--format', 'html', '--month', '2026-02']);
      // Assess
      expect(options).toMatchObject({ stage: undefined, tableName: 'my-ledger', format: 'html', month: '2026-02' });
      expect(defaultTableName('prod')).toBe('invalidator-prod-ledger');
    });
  });

  describe('--reconcile with distributions', () => {
    it('collects every --distribution', () => {
      // Act
      const options = parseReportOptions(['--reconcile', '--distribution', 'E1', '--distribution', 'E2']);
      // Assess
      expect(options.distributionIds).toEqual(['E1', 'E2']);
    });
  });
});
