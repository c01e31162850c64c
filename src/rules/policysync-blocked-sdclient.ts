// policysync-blocked-sdclient: the same race as vulscan-blocked-sdclient with the policy sync
// in vulscan's place: the agent install schedules it at once; it fires during a distribution,
// and the next distribution finds PolicySync.exe running and refuses.
import { blockedByBackgroundTask, raceMessages, RACE_FIX } from './background-task.js';

export default blockedByBackgroundTask('policysync', {
  id: 'policysync-blocked-sdclient',
  title: 'The policy sync blocked a distribution',
  description: 'A policy sync run began while an sdclient run was open, was still running when that sdclient closed, and the next sdclient refused to run because the policy sync was running, so that distribution action failed.',
  explanation: 'The policy sync (PolicySync.exe) started while a software distribution was running and was still running when it finished; the next distribution found the policy sync running and refused to start.',
  severity: 'error',
  fix: RACE_FIX,
  references: [
    'Ivanti: "a task is already in progress" when a provisioning template runs Distribute software actions after the agent install',
    'PolicySync.exe.log: "PolicyScrubber.ScrubPolicies: sdclient or vulscan is currently running, skipping policy scrub."',
  ],
  falsePositives: [
    'A package whose own installer failed while the policy sync happened to run: that is package-install-failed.',
  ],
  messages: raceMessages(),
});
