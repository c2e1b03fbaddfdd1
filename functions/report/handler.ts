import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { CloudFrontReconciler } from '../../shared/adapters/cloudfront-reconciler.ts';
import { DynamoReportReader } from '../../shared/adapters/dynamodb-report-reader.ts';
import { loadConfig, requireSetting } from '../../shared/config.ts';
import { AUTO_DISTRIBUTION } from '../../shared/domain/route-config.ts';
import { compileRoutes } from '../../shared/domain/routes.ts';
import { createCloudFrontClient, createDocumentClient } from '../../shared/runtime/clients.ts';
import { createObservability, toLog } from '../../shared/runtime/observability.ts';
import { runScheduledReport, type ScheduledReportDeps, type ScheduledReportResult } from './scheduled-report.ts';

// Everything below runs once per container (cold start): config validated, clients created.
const config = loadConfig();
const { logger } = createObservability('report', config.stage);
const tableName = requireSetting(config.tableName, 'TABLE_NAME');
const topicArn = requireSetting(config.topicArn, 'TOPIC_ARN');
const sns = new SNSClient({});
const deps: ScheduledReportDeps = {
  reader: new DynamoReportReader(createDocumentClient(), { tableName }),
  reconciler: new CloudFrontReconciler(createCloudFrontClient()),
  // "auto" routes are discovered at run time; the ledger names the distributions they used.
  distributionIds: compileRoutes(config.routes)
    .routes.map((route) => route.distributionId)
    .filter((id) => id !== AUTO_DISTRIBUTION),
  publish: async ({ subject, message, attributes }) => {
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: subject,
        Message: message,
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
        ),
      }),
    );
  },
  stage: config.stage,
  tableName,
  monthlyPathBudget: config.monthlyPathBudget,
  notify: config.notify,
  now: () => Date.now(),
  log: toLog(logger),
};

/** The bare handler (exported for tests): `{"kind":"monthly"}` or `{"kind":"daily"}` from EventBridge Scheduler. */
export async function report(event: unknown): Promise<ScheduledReportResult> {
  return runScheduledReport(event, deps);
}

/** The deployed handler; returns a summary (the report itself goes to SNS). */
export async function handler(event: unknown): Promise<Omit<ScheduledReportResult, 'report'>> {
  const { report: _report, ...summary } = await report(event);
  return summary;
}
