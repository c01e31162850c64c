// vulscan-blocked-sdclient: the security scan fired during provisioning (installing the agent
// schedules it at once, with up to an hour's random delay), waited for a distribution to end,
// then scanned; the next distribution found vulscan.exe running and refused. The template
// fails on a different package each time, or not at all: admins chase the packages, while
// the fix is in the agent configuration.
import { blockedByBackgroundTask, raceMessages, RACE_FIX } from './background-task.js';

export default blockedByBackgroundTask('vulscan', {
  id: 'vulscan-blocked-sdclient',
  title: 'The security scan blocked a distribution',
  description: 'A vulscan run began while an sdclient run was open (waiting), began scanning when that sdclient closed, and the next sdclient refused to run because vulscan was running, so that distribution action failed.',
  explanation: 'The security scan (vulscan) started while a software distribution was running, waited for it to finish, then began scanning; the next distribution found vulscan running and refused to start.',
  severity: 'error',
  fix: RACE_FIX,
  references: [
    'Ivanti: "a task is already in progress" when a provisioning template runs Distribute software actions after the agent install',
    'Ivanti: vulscan waits for sdclient.exe to close, then scans (LANDesk Local Scheduler, /start /freq /autodelay)',
  ],
  falsePositives: [
    'A package whose own installer failed while vulscan happened to be waiting on it: that is package-install-failed, and this rule does not claim it.',
    'Windows-only findings (no line names the conflict) rest on timing: check the evidence lines.',
  ],
  messages: raceMessages(),
});
