/** A compiled CloudFormation template, as `serverless package` writes it. */
export interface CfnTemplate {
  readonly Resources: Readonly<Record<string, CfnResource>>;
  readonly Conditions?: Readonly<Record<string, unknown>>;
  readonly Outputs?: Readonly<Record<string, unknown>>;
}

/** One resource; properties stay loosely typed, tests compare them with `toEqual`/`toMatchObject`. */
export interface CfnResource {
  readonly Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: template JSON, narrowed by the assertions that read it
  readonly Properties: Record<string, any>;
  readonly DependsOn?: string | readonly string[];
  readonly Condition?: string;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** An IAM policy statement after conditions are applied. */
export interface IamStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | readonly string[];
  readonly Resource: unknown;
}

/**
 * The resource with this logical id.
 *
 * @throws Error naming the id when the template does not have it
 */
export function resourceOf(template: CfnTemplate, logicalId: string): CfnResource {
  const found = template.Resources[logicalId];
  if (found === undefined) throw new Error(`expected resource ${logicalId} in the template, got none`);
  return found;
}

/** Logical ids of every resource of one type, sorted. */
export function idsOfType(template: CfnTemplate, type: string): string[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id]) => id)
    .sort();
}

/**
 * Evaluates the template's conditions. serverless.yml writes them as `Fn::Equals` of two texts
 * known at package time, so they can be decided here exactly as CloudFormation will.
 */
export function evaluateConditions(template: CfnTemplate): Record<string, boolean> {
  const results: Record<string, boolean> = {};
  const evaluate = (value: unknown): boolean => {
    const [fn, args] = Object.entries(value as Record<string, unknown>)[0] ?? [];
    const list = args as unknown[];
    if (fn === 'Fn::Equals') return list[0] === list[1];
    if (fn === 'Fn::Not') return !evaluate(list[0]);
    if (fn === 'Fn::And') return list.every(evaluate);
    if (fn === 'Fn::Or') return list.some(evaluate);
    if (fn === 'Condition') return results[args as string] ?? evaluate(template.Conditions?.[args as string]);
    throw new Error(`expected a condition function CloudFormation knows, got ${String(fn)}`);
  };
  for (const [name, condition] of Object.entries(template.Conditions ?? {})) results[name] = evaluate(condition);
  return results;
}

/** The value with every `Fn::If` replaced by its chosen branch and every `AWS::NoValue` removed. */
export function applyConditions(value: unknown, conditions: Readonly<Record<string, boolean>>): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => applyConditions(item, conditions)).filter((item) => item !== NO_VALUE);
  }
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record.Ref === 'AWS::NoValue') return NO_VALUE;
  if (Array.isArray(record['Fn::If'])) {
    const [name, whenTrue, whenFalse] = record['Fn::If'] as [string, unknown, unknown];
    return applyConditions(conditions[name] ? whenTrue : whenFalse, conditions);
  }
  const entries = Object.entries(record).map(([key, item]) => [key, applyConditions(item, conditions)] as const);
  return Object.fromEntries(entries.filter(([, item]) => item !== NO_VALUE));
}

const NO_VALUE = Symbol('AWS::NoValue');

/**
 * The effective statements (conditions applied) of an IAM role: its inline policies and every
 * `AWS::IAM::Policy` resource attached to it.
 */
export function roleStatements(template: CfnTemplate, roleId: string): IamStatement[] {
  const role = resourceOf(template, roleId);
  const conditions = evaluateConditions(template);
  const attached = Object.values(template.Resources).filter(
    (resource) =>
      resource.Type === 'AWS::IAM::Policy' &&
      (resource.Properties.Roles as unknown[]).some((ref) => JSON.stringify(ref) === JSON.stringify({ Ref: roleId })),
  );
  const documents = [
    ...((role.Properties.Policies ?? []) as { PolicyDocument: unknown }[]).map((policy) => policy.PolicyDocument),
    ...attached.map((policy) => policy.Properties.PolicyDocument as unknown),
  ] as { Statement: unknown[] }[];
  return documents.flatMap((document) => applyConditions(document.Statement, conditions) as IamStatement[]);
}

/** The effective statements (conditions applied) of the change queue's policy. */
export function changeQueueStatements(template: CfnTemplate): unknown[] {
  const policy = resourceOf(template, 'ChangeQueuePolicy').Properties;
  return applyConditions(policy.PolicyDocument.Statement, evaluateConditions(template)) as unknown[];
}

/** A statement's actions as a list. */
export function actionsOf(statement: IamStatement): readonly string[] {
  return typeof statement.Action === 'string' ? [statement.Action] : statement.Action;
}

/** A statement's resources as a list. */
export function resourcesOf(statement: IamStatement): readonly unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** Every (action, resource) pair a role allows, for least-privilege assertions. */
export function grantsOf(template: CfnTemplate, roleId: string): { action: string; resource: unknown }[] {
  return roleStatements(template, roleId)
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) =>
      actionsOf(statement).flatMap((action) => resourcesOf(statement).map((resource) => ({ action, resource }))),
    );
}

/** The resources a role allows one action on. */
export function resourcesAllowed(template: CfnTemplate, roleId: string, action: string): unknown[] {
  return grantsOf(template, roleId)
    .filter((grant) => grant.action === action)
    .map((grant) => grant.resource);
}

/** `{ "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/<id>" }`. */
export function distributionArn(id: string): unknown {
  return { 'Fn::Sub': `arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/${id}` };
}

/** `{ "Fn::Sub": "arn:${AWS::Partition}:s3:::<bucket>" }`. */
export function bucketArn(bucket: string): unknown {
  return { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${bucket}` };
}

/** `{ "Fn::GetAtt": [logicalId, "Arn"] }`. */
export function arnOf(logicalId: string): unknown {
  return { 'Fn::GetAtt': [logicalId, 'Arn'] };
}
