// A share that stops answering, for real: a FUSE file system (hung-share.py) whose chosen calls
// wait in the kernel as on a hard-mounted NFS or SMB share whose server went away. Needs
// /dev/fuse, the right to mount (root, or fusermount3) and Debian's python3-fusepy (.ci/run
// installs it); where any is missing, mountHungShare says why and the test skips.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const SERVER = path.join(import.meta.dirname, 'hung-share.py');
/** Debian's python, where apt's python3-fusepy lives (a pyenv's python on PATH has no fusepy). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

export type HungCall = 'read' | 'open' | 'getattr' | 'readdir';

export interface HungShare {
  /** Where the share is mounted: SRC's tree, as it was. */
  mount: string;
  /** Resolves once a call has started to wait (false if none did within `ms`). */
  hanging(ms?: number): Promise<boolean>;
  /** Fails the waiting calls (EIO) and unmounts: nothing is left waiting in the kernel. */
  close(): Promise<void>;
}

/** Mounts SRC at a new folder in `work`, where each `call` on a path containing `hang` waits; a string says why it cannot be done here. */
export async function mountHungShare(src: string, work: string, hang: string, call: HungCall): Promise<HungShare | string> {
  if (!existsSync('/dev/fuse')) return 'no /dev/fuse here';
  try {
    execFileSync(PYTHON, ['-c', 'import fusepy'], { stdio: 'ignore' });
  } catch {
    return `${PYTHON} has no fusepy (apt install python3-fusepy fuse3)`;
  }
  const mount = path.join(work, 'share');
  const log = path.join(work, 'hung.log');
  const release = path.join(work, 'release');
  mkdirSync(mount, { recursive: true });
  writeFileSync(log, '');
  const server: ChildProcess = spawn(PYTHON, [SERVER, src, mount, hang, call, log, release], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  server.stderr?.on('data', (chunk: Buffer) => { errors += chunk.toString(); });
  const exited = new Promise<void>((resolve) => server.on('exit', () => resolve()));
  const mounted = await until(() => readdirSafe(mount).length > 0 || server.exitCode !== null, 5_000);
  if (!mounted || server.exitCode !== null) {
    server.kill('SIGKILL');
    return `could not mount a FUSE file system here: ${errors.trim().split('\n').pop() ?? 'no answer'}`;
  }
  return {
    mount,
    hanging: (ms = 10_000) => until(() => readFileSync(log, 'utf8').includes('hanging '), ms),
    async close() {
      writeFileSync(release, '');
      // The waiting calls end within the server's poll (50 ms); then the mount can go.
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const unmount of [['fusermount3', '-u', mount], ['umount', mount], ['umount', '-l', mount]]) {
        try {
          execFileSync(unmount[0] ?? '', unmount.slice(1), { stdio: 'ignore' });
          break;
        } catch {
          // the next way
        }
      }
      const timer = setTimeout(() => server.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function readdirSafe(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

export async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}
