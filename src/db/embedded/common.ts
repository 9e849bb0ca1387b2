import { execFile, type ChildProcess } from 'node:child_process';
import { promises as fsp } from 'node:fs';

// What the parts of the embedded server share: the superuser's credentials, the mark on our
// postmasters, the stop timeout and small process helpers.

export const SUPERUSER = 'postgres';
export const PASSWORD = 'password';
/** Custom setting on the postmaster's command line naming the process that started it. */
export const OWNER_SETTING = 'embedded_hub.owner_pid';
export const STOP_TIMEOUT_MS = 30_000;

export function pipeLines(child: ChildProcess, label: string, sink: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) sink(`${label}: ${line}`);
    });
    stream.on('end', () => {
      if (pending.trim()) sink(`${label}: ${pending}`);
      pending = '';
    });
  }
}

export function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding: 'utf8' }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
