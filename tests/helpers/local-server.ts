import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertKeepsContract } from './openapi-contract';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LISTENING = /^Channel Orchestrator API listening on (http:\/\/127\.0\.0\.1:\d+\/api\/orchestration)$/m;

export interface LocalServerOptions {
  /** Keep the state in this directory (see `temporaryDataDir`); in memory when absent. */
  dataDir?: string;
  apiToken?: string;
  /** Extra environment for the server. */
  env?: Record<string, string>;
  /** How long to wait for the listening line. */
  startTimeoutMs?: number;
}

/** One answer of the API: status, headers, and the body parsed as JSON when it is JSON. */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is, instead of JSON.stringify(body). */
  rawBody?: string;
  headers?: Record<string, string>;
}

/**
 * `npm start` as a child process (`node --import tsx infra/local/server.ts`)
 * on a free port, and an HTTP client for it. Start it in beforeAll, stop it
 * in afterAll.
 */
export class LocalServer {
  /** http://127.0.0.1:<port>/api/orchestration */
  readonly url: string;
  /** When the process was spawned (epoch ms): startup is measured from here. */
  readonly spawnedAt: number;
  private readonly exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    url: string,
    spawnedAt: number,
    private readonly output: () => string,
  ) {
    this.url = url;
    this.spawnedAt = spawnedAt;
    this.exited = child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Spawns the server and resolves once it prints its URL. */
  static async start(options: LocalServerOptions = {}): Promise<LocalServer> {
    const spawnedAt = Date.now();
    const env: Record<string, string | undefined> = {
      ...process.env,
      PORT: '0',
      DATA_DIR: options.dataDir,
      ORCHESTRATOR_API_TOKEN: options.apiToken,
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR',
      ...options.env,
    };
    for (const name of Object.keys(env)) if (env[name] === undefined) delete env[name];
    const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/server.ts'], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Should the test process end without afterAll, the server does not outlive it.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const output = () => `--- stdout\n${stdout}\n--- stderr\n${stderr}`;

    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the local server did not start within ${options.startTimeoutMs ?? 30_000} ms\n${output()}`));
      }, options.startTimeoutMs ?? 30_000);
      const onData = () => {
        const found = LISTENING.exec(stdout)?.[1];
        if (!found) return;
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(found);
      };
      child.stdout?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the local server exited (${code}) before listening\n${output()}`));
      });
    });
    return new LocalServer(child, url, spawnedAt, output);
  }

  /** Calls `method path` (relative to /api/orchestration) with a JSON body. */
  async request<T = any>(method: string, pathAndQuery: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const hasBody = options.rawBody !== undefined || options.body !== undefined;
    const response = await fetch(`${this.url}${pathAndQuery}`, {
      method,
      headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...options.headers },
      ...(hasBody ? { body: options.rawBody ?? JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    let body: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') body = JSON.parse(text);
    // Every answer is checked against the OpenAPI document: one that breaks it fails the test that met it.
    assertKeepsContract({ method, path: new URL(this.url).pathname + pathAndQuery }, { status: response.status, headers: response.headers, raw: text });
    return { status: response.status, headers: response.headers, body: body as T };
  }

  /** What the server printed so far (for failure messages). */
  log(): string {
    return this.output();
  }

  /** Sends SIGTERM (as Ctrl-C would SIGINT) and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A fresh directory for DATA_DIR, and its removal. */
export async function temporaryDataDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'orchestrator-e2e-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
