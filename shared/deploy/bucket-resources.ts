import {
  encodeFilterValue,
  NOTIFICATION_EVENTS,
  notificationIdPrefix,
  notificationPrefixes,
} from './bucket-notifications.ts';
import { StageParamsError } from './errors.ts';
import type { CfnValue } from './stack-values.ts';
import { DELIVERY_MODE, type StageParams } from './stage-params.ts';

/** How long CloudFormation waits for the notifications custom resource before failing it. */
export const CUSTOM_RESOURCE_TIMEOUT_SECONDS = 300;

/**
 * One resource set per route bucket, which a template cannot loop over by itself: a created bucket
 * (with its notifications), or for an existing bucket a notifications custom resource plus the IAM
 * policy that lets the custom resource's function touch that bucket only.
 *
 * @param params - from `parseStageParams`
 * @param service - serverless.yml `service` (part of the notification Id prefix)
 * @returns CloudFormation resources by logical id
 * @throws StageParamsError when two bucket names map to the same logical id
 */
export function bucketResources(params: StageParams, service: string): Record<string, unknown> {
  const resources: Record<string, unknown> = {};
  const queueArn = { 'Fn::GetAtt': ['ChangeQueue', 'Arn'] };
  const add = (logicalId: string, resource: unknown, bucket: string) => {
    if (logicalId in resources) {
      throw new StageParamsError(
        `params.${params.stage}.routes: bucket ${bucket} maps to logical id ${logicalId} twice`,
      );
    }
    resources[logicalId] = resource;
  };
  for (const bucket of params.createBuckets) {
    const prefixes = notificationPrefixes(params.routes, bucket);
    const notifications =
      params.delivery === DELIVERY_MODE.eventbridge
        ? { EventBridgeConfiguration: { EventBridgeEnabled: true } }
        : { QueueConfigurations: queueConfigurations(prefixes, queueArn) };
    add(`Bucket${pascal(bucket)}`, createdBucket(bucket, notifications), bucket);
  }
  for (const bucket of params.existingBuckets) {
    // One policy per bucket, which the custom resource depends on: when a bucket leaves the routes,
    // CloudFormation deletes the custom resource (our entries leave the bucket) before its policy.
    // A single policy on the role would lose the bucket in the update, before that cleanup runs.
    const policyId = `BucketNotificationsPolicy${pascal(bucket)}`;
    add(policyId, bucketPolicy(bucket), bucket);
    const resource = {
      Type: 'Custom::BucketNotifications',
      // S3 sends a test event to check the destination, so the queue policy must exist first.
      DependsOn: ['ChangeQueuePolicy', policyId],
      Properties: {
        ServiceToken: { 'Fn::GetAtt': ['NotificationsLambdaFunction', 'Arn'] },
        ServiceTimeout: CUSTOM_RESOURCE_TIMEOUT_SECONDS,
        Bucket: bucket,
        QueueArn: queueArn,
        IdPrefix: notificationIdPrefix(service, params.stage),
        Stage: params.stage,
        Delivery: params.delivery,
        Prefixes: notificationPrefixes(params.routes, bucket),
      },
    };
    add(`BucketNotifications${pascal(bucket)}`, resource, bucket);
  }
  return resources;
}

function bucketPolicy(bucket: string): unknown {
  return {
    Type: 'AWS::IAM::Policy',
    Properties: {
      PolicyName: `notifications-${bucket}`,
      Roles: [{ Ref: 'NotificationsRole' }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ExistingBucketNotifications',
            Effect: 'Allow',
            // GetBucketLocation: the custom resource checks the bucket's region before it writes.
            Action: ['s3:GetBucketLocation', 's3:GetBucketNotification', 's3:PutBucketNotification'],
            Resource: bucketArn(bucket),
          },
        ],
      },
    },
  };
}

function queueConfigurations(prefixes: readonly string[], queueArn: unknown): unknown[] {
  return prefixes.flatMap((prefix) =>
    NOTIFICATION_EVENTS.map((event) => ({
      Event: event,
      Queue: queueArn,
      ...(prefix === ''
        ? {}
        : { Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: encodeFilterValue(prefix) }] } } }),
    })),
  );
}

function createdBucket(bucket: string, notifications: Record<string, unknown>): unknown {
  return {
    Type: 'AWS::S3::Bucket',
    // Content outlives the stack: `serverless remove` keeps the bucket. The rollback of the deploy that
    // created it deletes it (still empty), so the next attempt can create the fixed name again.
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
    DeletionPolicy: 'RetainExceptOnCreate',
    UpdateReplacePolicy: 'Retain',
    DependsOn: ['ChangeQueuePolicy'],
    Properties: {
      BucketName: bucket,
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      NotificationConfiguration: notifications,
    },
  };
}

/** `arn:<partition>:s3:::<bucket>`, partition and all resolved by CloudFormation. */
export function bucketArn(bucket: string): CfnValue {
  return { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${bucket}` };
}

function pascal(name: string): string {
  return name
    .split(/[^a-z0-9]+/i)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
