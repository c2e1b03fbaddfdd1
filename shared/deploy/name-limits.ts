/**
 * AWS name limits a stage name can break: every name the stack sets contains the stage, so a long
 * stage makes the first deploy fail half way (an IAM role name over 64 characters, say). The package
 * step checks the compiled template against these limits instead (shared/deploy/name-limits-plugin.cjs).
 */

/** One limit: the resource type, the property holding the name, its maximum length, and whose limit it is. */
interface NameLimit {
  readonly type: string;
  readonly property: string;
  readonly max: number;
  readonly what: string;
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html,
// https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html,
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html,
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html, and the other APIs' pages.
const NAME_LIMITS: readonly NameLimit[] = [
  { type: 'AWS::IAM::Role', property: 'RoleName', max: 64, what: 'IAM role name' },
  { type: 'AWS::IAM::Policy', property: 'PolicyName', max: 128, what: 'IAM policy name' },
  { type: 'AWS::Lambda::Function', property: 'FunctionName', max: 64, what: 'Lambda function name' },
  { type: 'AWS::SQS::Queue', property: 'QueueName', max: 80, what: 'SQS queue name' },
  { type: 'AWS::DynamoDB::Table', property: 'TableName', max: 255, what: 'DynamoDB table name' },
  { type: 'AWS::SNS::Topic', property: 'TopicName', max: 256, what: 'SNS topic name' },
  { type: 'AWS::CloudWatch::Alarm', property: 'AlarmName', max: 255, what: 'CloudWatch alarm name' },
  { type: 'AWS::Logs::LogGroup', property: 'LogGroupName', max: 512, what: 'log group name' },
  { type: 'AWS::Events::Rule', property: 'Name', max: 64, what: 'EventBridge rule name' },
];

/** CloudFormation stack names: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html */
export const MAX_STACK_NAME_LENGTH = 128;

/** Stage names the stack accepts: they end up in queue names (letters, digits, `-`, `_`) and Id prefixes (no `:`). */
const STAGE_PATTERN = /^[a-zA-Z0-9-]+$/;

/** A name that breaks its limit. */
export interface NameLimitViolation {
  readonly logicalId: string;
  readonly name: string;
  readonly max: number;
  readonly what: string;
}

/**
 * The names of a compiled template that break AWS's limits. `Fn::Sub` names are resolved for the
 * deploy's region and partition (the account id counts 12 characters); names from `Ref`/`Fn::GetAtt`
 * are AWS-generated and always fit.
 *
 * @param resources - the template's `Resources`
 * @param region - the region the stage deploys to
 */
export function findNameLimitViolations(
  resources: Readonly<Record<string, { Type?: string; Properties?: Record<string, unknown> }>>,
  region: string,
): NameLimitViolation[] {
  const violations: NameLimitViolation[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    for (const limit of NAME_LIMITS) {
      if (resource.Type !== limit.type) continue;
      const name = literalName(resource.Properties?.[limit.property], region);
      if (name !== undefined && name.length > limit.max)
        violations.push({ logicalId, name, max: limit.max, what: limit.what });
    }
  }
  return violations;
}

/**
 * One clear line for the first violation: the name, its length, the limit, and how much shorter the
 * stage must be.
 *
 * @returns undefined when the stage and its names fit
 */
export function describeNameLimits(input: {
  stage: string;
  stackName: string;
  violations: readonly NameLimitViolation[];
}): string | undefined {
  const { stage, stackName, violations } = input;
  if (!STAGE_PATTERN.test(stage)) {
    return `stage "${stage}": expected letters, digits and "-" only (queue names and notification Ids hold it), got other characters`;
  }
  const all = [...violations];
  if (stackName.length > MAX_STACK_NAME_LENGTH) {
    all.push({ logicalId: 'stack', name: stackName, max: MAX_STACK_NAME_LENGTH, what: 'CloudFormation stack name' });
  }
  const worst = all.sort((a, b) => b.name.length - b.max - (a.name.length - a.max))[0];
  if (worst === undefined) return undefined;
  const over = worst.name.length - worst.max;
  return `stage "${stage}" is too long: ${worst.what} ${worst.name} (${worst.logicalId}) has ${worst.name.length} characters, expected at most ${worst.max} (the ${worst.what} limit); use a stage name at most ${Math.max(1, stage.length - over)} characters long`;
}

function literalName(value: unknown, region: string): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const sub = (value as Record<string, unknown>)['Fn::Sub'];
  if (typeof sub !== 'string') return undefined;
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  const pseudo: Record<string, string> = { Region: region, Partition: partition, AccountId: '123456789012' };
  return sub.replace(/\$\{AWS::(\w+)\}/g, (whole, name: string) => pseudo[name] ?? whole);
}
