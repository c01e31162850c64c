// vulscan.log and its rotations vulscan.<n>.log: the security scanner.
//   Mon, 09 Mar 2026 09:58:41 Another task is running (sdclient.exe, pid 3312); waiting for it to finish
//   Mon, 09 Mar 2026 10:02:06 Scanning for vulnerabilities
import { timestampedLogParser } from './line-log.js';

export default timestampedLogParser({ kind: 'vulscan', label: 'vulscan' });
