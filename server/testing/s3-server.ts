import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import type { S3Settings } from '../env.ts';

/**
 * A real S3-compatible server for the tests (s3rver, files in a temp directory), on a free
 * loopback port with one bucket. s3rver accepts the fixed S3RVER/S3RVER key pair.
 */
export interface LocalS3 {
  settings: S3Settings;
  /** Objects in the bucket, listed through the S3 API (nothing left behind by a failed put). */
  objectCount(): Promise<number>;
  stop(): Promise<void>;
}

export async function startLocalS3(bucket = 'parley-test'): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 'parley-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const settings: S3Settings = {
    bucket,
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
  };
  const client = new S3Client({ region: settings.region, endpoint: settings.endpoint!, credentials: settings.credentials!, forcePathStyle: true });
  return {
    settings,
    async objectCount() {
      let total = 0;
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
        total += page.KeyCount ?? 0;
        token = page.NextContinuationToken;
      } while (token);
      return total;
    },
    async stop() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
