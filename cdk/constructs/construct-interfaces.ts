import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as s3 from 'aws-cdk-lib/aws-s3';

// aws-cdk-lib is not written for exactOptionalPropertyTypes: Bucket, Vpc and Cluster declare members as
// `T | undefined` that IBucket, IVpc and ICluster declare as `?: T`, so the compiler refuses a class where its
// own interface is asked for (aws/aws-cdk#37996). Each object is that interface at run time; these say so in
// one place instead of at every call site. Remove them once the library's types line up.

/** A bucket this stack creates, where an `s3.IBucket` is asked for. */
export function asIBucket(bucket: s3.Bucket): s3.IBucket {
  return bucket as s3.IBucket;
}

/** A VPC this stack creates, where an `ec2.IVpc` is asked for. */
export function asIVpc(vpc: ec2.Vpc): ec2.IVpc {
  return vpc as ec2.IVpc;
}

/** A cluster this stack creates, where an `ecs.ICluster` is asked for. */
export function asICluster(cluster: ecs.Cluster): ecs.ICluster {
  return cluster as ecs.ICluster;
}
