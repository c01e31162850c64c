// The rule registry: one module per rule id (the file name is the id, the test name and the
// docs anchor). `satisfies` checks the names; a test checks that files and keys agree.
import type { Rule } from '../types.js';
import actionFailed from './action-failed.js';
import clockJump from './clock-jump.js';
import downloadFailed from './download-failed.js';
import packageInstallFailed from './package-install-failed.js';
import policysyncBlockedSdclient from './policysync-blocked-sdclient.js';
import provisioningAgentActive from './provisioning-agent-active.js';
import scanDuringProvisioning from './scan-during-provisioning.js';
import sdclientOverlap from './sdclient-overlap.js';
import strayLog from './stray-log.js';
import taskStatusConflict from './task-status-conflict.js';
import vulscanBlockedSdclient from './vulscan-blocked-sdclient.js';

export const rules = {
  'vulscan-blocked-sdclient': vulscanBlockedSdclient,
  'policysync-blocked-sdclient': policysyncBlockedSdclient,
  'sdclient-overlap': sdclientOverlap,
  'package-install-failed': packageInstallFailed,
  'download-failed': downloadFailed,
  'task-status-conflict': taskStatusConflict,
  'action-failed': actionFailed,
  'scan-during-provisioning': scanDuringProvisioning,
  'provisioning-agent-active': provisioningAgentActive,
  'clock-jump': clockJump,
  'stray-log': strayLog,
} satisfies Record<string, Rule>;
