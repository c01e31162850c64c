// C:\ldprovisioning\ldprovisioning.log: the provisioning template's actions.
//   Mon, 09 Mar 2026 10:02:13 Action 7 of 12 "Office 2016 ProPlus" (Distribute software) failed, return code -1916
//   Mon, 09 Mar 2026 10:02:13 Template "Win10 Lab build" stopped: action 7 failed
import { timestampedLogParser } from './line-log.js';

export default timestampedLogParser({ kind: 'provisioning', label: 'provisioning' });
