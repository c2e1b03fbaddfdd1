import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One PutJobSuccessResult / PutJobFailureResult call as the recorder received it. */
export interface PipelineCall {
  readonly action: string;
  readonly body: {
    jobId: string;
    continuationToken?: string;
    executionDetails?: { summary: string; externalExecutionId?: string };
    outputVariables?: Record<string, string>;
    failureDetails?: { type: string; message: string; externalExecutionId?: string };
  };
}

/**
 * CodePipeline has no emulator: a loopback endpoint that records the real SDK client's
 * PutJobSuccessResult / PutJobFailureResult calls and answers them as CodePipeline does (`{}`).
 */
export async function startRecordingCodePipeline(): Promise<{
  endpoint: string;
  calls: PipelineCall[];
  reported: Set<string>;
  server: Server;
}> {
  const calls: PipelineCall[] = [];
  /** Job ids CodePipeline treats as already reported (it answers InvalidJobStateException). */
  const reported = new Set<string>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const action =
        String(request.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as PipelineCall['body'];
      calls.push({ action, body });
      if (reported.has(body.jobId)) {
        const error = { __type: 'InvalidJobStateException', message: 'The job is not in a state that allows it' };
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(error));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, reported, server };
}
