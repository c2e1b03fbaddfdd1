import { describe, expect, it } from 'vitest';
import { describeNameLimits, findNameLimitViolations } from '../../shared/deploy/name-limits.ts';

/** The role and queue names serverless.yml writes, for one stage. */
function resourcesFor(stage: string) {
  return {
    NotificationsRole: {
      Type: 'AWS::IAM::Role',
      Properties: { RoleName: { 'Fn::Sub': `invalidator-${stage}-notifications-\${AWS::Region}` } },
    },
    ChangeDlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `invalidator-${stage}-changes-dlq` } },
    ChangeQueuePolicy: { Type: 'AWS::SQS::QueuePolicy', Properties: { Queues: [{ Ref: 'ChangeQueue' }] } },
  };
}

describe('findNameLimitViolations', () => {
  it('resolves the region in Fn::Sub names and finds a role name over 64 characters', () => {
    // Prepare: 12 + 20 + 15 + 14 = 61 fits in us-east-1 (9), 66 does not in ap-southeast-3 (14).
    const stage = 'a'.repeat(25);
    // Act
    const east = findNameLimitViolations(resourcesFor(stage), 'us-east-1');
    const southeast = findNameLimitViolations(resourcesFor(stage), 'ap-southeast-3');
    // Assess
    expect(east).toEqual([]);
    expect(southeast).toEqual([
      {
        logicalId: 'NotificationsRole',
        name: `invalidator-${stage}-notifications-ap-southeast-3`,
        max: 64,
        what: 'IAM role name',
      },
    ]);
  });
});

describe('describeNameLimits', () => {
  it('names the limit, the name and the longest stage that fits', () => {
    // Prepare
    const stage = 'feature-branch-with-a-long-name';
    const violations = findNameLimitViolations(resourcesFor(stage), 'us-east-1');
    // Act
    const message = describeNameLimits({ stage, stackName: `invalidator-${stage}`, violations });
    // Assess
    expect(message).toBe(
      `stage "${stage}" is too long: IAM role name invalidator-${stage}-notifications-us-east-1 (NotificationsRole) has 67 characters, expected at most 64 (the IAM role name limit); use a stage name at most 28 characters long`,
    );
    const shorter = stage.slice(0, 28);
    expect(
      describeNameLimits({
        stage: shorter,
        stackName: `invalidator-${shorter}`,
        violations: findNameLimitViolations(resourcesFor(shorter), 'us-east-1'),
      }),
    ).toBeUndefined();
  });

  it('refuses characters a queue name or a notification Id cannot hold', () => {
    // Act
    const message = describeNameLimits({ stage: 'dev:2', stackName: 'invalidator-dev:2', violations: [] });
    // Assess
    expect(message).toMatch(/stage "dev:2": expected letters, digits and "-" only/);
  });
});
