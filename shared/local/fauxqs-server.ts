import { startFauxqs } from 'fauxqs';

/** A running in-process fauxqs (SQS + SNS + S3 on one endpoint). */
export interface FauxqsServer {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts fauxqs in this process on a free loopback port, with its request log off. */
export async function startFauxqsServer(): Promise<FauxqsServer> {
  const server = await startFauxqs({ port: 0, logger: false });
  return {
    endpoint: `http://127.0.0.1:${server.port}`,
    port: server.port,
    async stop() {
      await server.stop();
    },
  };
}
