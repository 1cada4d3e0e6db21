// Helpers for acknowledging cdk-nag findings by their exact ids. cdk-nag 3 reports each wildcard of an IAM policy
// as its own finding, `AwsSolutions-IAM5[Action::s3:GetObject*]` or `AwsSolutions-IAM5[Resource::<Ref.Arn>/*]`;
// resource ids name CloudFormation references the way cdk-nag flattens them, so they are computed, not typed.
import { Stack } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/** The finding id of a wildcard action. */
export function wildcardAction(action: string): string {
  return `AwsSolutions-IAM5[Action::${action}]`;
}

/** The finding id of a wildcard resource (an ARN that may hold tokens), as cdk-nag prints it. */
export function wildcardResource(scope: IConstruct, arn: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(arn))}]`;
}

/** The wildcard actions of `bucket.grantReadWrite()` (objects: read, write, delete, abort multipart uploads). */
export const BUCKET_READ_WRITE_ACTIONS = ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'];
