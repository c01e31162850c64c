// localsch.log: the local scheduler registering and launching tasks.
//   Mon, 09 Mar 2026 09:41:02 Added task 3: "C:\Program Files (x86)\LANDesk\LDClient\vulscan.exe" /AgentBehavior=ERSC_Default /Scan /start="09 Mar 2026 09:41:02" /freq=86400 /autodelay="0|60"
//   Mon, 09 Mar 2026 09:58:39 Launching task 3: "C:\Program Files (x86)\LANDesk\LDClient\vulscan.exe" /AgentBehavior=ERSC_Default /Scan
import { timestampedLogParser } from './line-log.js';

export default timestampedLogParser({ kind: 'localsch', label: 'local scheduler' });
