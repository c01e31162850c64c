// PolicySync.exe.log (EPM 2016+) and policy.sync.log (older agents): the policy sync.
//   Thu, 10 Feb 2022 21:04:02 Run PolicySync
//   Thu, 10 Feb 2022 21:04:03 PolicyScrubber.ScrubPolicies: sdclient or vulscan is currently running, skipping policy scrub.
import { timestampedLogParser } from './line-log.js';

export default timestampedLogParser({ kind: 'policysync', label: 'policy sync' });
