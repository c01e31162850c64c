// task-status-conflict: a task's status file (CP.<id>.RunNow.stat) says the task failed (5
// Failed, 8 Failed_Exception) while the logs say its run or its action completed. The .stat is
// evidence on its own (FORMATS.md): two records of one task that disagree are never a healthy
// device. The admin should look at the task's status in the console before trusting either.
import { STATUS_NAMES } from '../parsers/task-status.js';
import { FAILED_STATUSES, isDistribution, runCode, runFailed } from '../timeline/actions.js';
import { runNumberAt, templateRuns } from '../timeline/runs.js';
import type { ActionResult, Event, Rule, Window } from '../types.js';
import { TOLERANCE_MS, chain, decisiveEvent, eventsOfKind, runOfAction, sdclientRuns } from './facts.js';

const rule: Rule = {
  meta: {
    id: 'task-status-conflict',
    title: 'A task status file contradicts the logs',
    description: 'A CP.<id>.RunNow.stat says the task failed, while the sdclient or provisioning log says the same task or action completed.',
    explanation: 'A task\'s status file says it failed while the logs say it completed: the two records disagree, so the device cannot be called healthy; see the finding for both lines.',
    severity: 'error',
    fix: 'Open the task in the console and look at this device\'s status and return code for it; if the console agrees with the .stat, re-run the task (or the template) and gather the logs again, including sdclient_task<ID>.log. A .stat left from an earlier run of the same task is overwritten when the task runs again.',
    references: ['Ivanti: CP.<id>.RunNow.stat <Status> values (4 Success, 5 Failed, 8 Failed_Exception)'],
    falsePositives: ['A .stat left from an earlier run of the same task where the later run wrote none: a run of the task that began after the .stat\'s time is not judged against it.'],
    messages: {
      run: 'Task {task}\'s status file says {status}{code}, but its sdclient run ended with {runCode}.',
      action: 'Task {task}\'s status file says {status}{code}, but the provisioning log says action {action} completed.',
    },
  },
  create(context) {
    return {
      end() {
        const { timeline } = context;
        const failed = eventsOfKind(timeline, 'task-status').filter((e) => e.status !== undefined && FAILED_STATUSES.has(e.status) && e.taskId !== undefined);
        if (failed.length === 0) return;
        const runs = sdclientRuns(timeline);
        const logged = timeline.actions.filter((a) => a.event.source === 'provisioning' || a.event.source === 'provision-gui');
        // A .stat is judged against its own template run only: one written after every log line is a later run's.
        const split = templateRuns(timeline);
        const sameRun = (a: number, b: number): boolean => runNumberAt(split, a) === runNumberAt(split, b);
        for (const status of failed) {
          const data = {
            task: status.taskId ?? '?',
            status: `${STATUS_NAMES[status.status ?? -1] ?? 'failed'} (status ${status.status ?? '?'})`,
            code: status.code !== undefined ? `, return code ${status.code}` : '',
          };
          // The .stat is about the task's run that ended by its time; a later run of the task
          // (a re-run that wrote no new status) is not contradicted by an older status.
          const ofTask = runs.filter((r) => r.taskId === status.taskId);
          if (ofTask.some((r) => r.start > status.time + TOLERANCE_MS)) continue;
          const run = ofTask.filter((r) => r.end <= status.time + TOLERANCE_MS).pop() ?? ofTask[ofTask.length - 1];
          if (run) {
            const code = runCode(run);
            if (runFailed(run) || code === undefined || !sameRun(status.time, run.end)) continue;
            const action = actionOfRun(logged, run, timeline);
            context.report({
              messageId: 'run', data: { ...data, runCode: String(code) },
              evidence: chain(status, decisiveEvent(run), action?.event), confidence: 'high', time: status.time,
              ...(action ? { action } : {}), ...(run.packageName ? { packageName: run.packageName } : {}),
            });
            continue;
          }
          // No run of the task in these logs: where the provisioning log has actions and none of
          // them failed, the distribution it completed last by the .stat's time is the one the .stat is about.
          if (logged.length === 0 || logged.some((a) => a.failed)) continue;
          const action = lastCompletedBefore(logged, status);
          if (!action || !sameRun(status.time, action.event.time)) continue;
          context.report({
            messageId: 'action', data: { ...data, action: action.number ?? '?' },
            evidence: chain(status, action.event), confidence: 'medium', time: status.time, action,
          });
        }
      },
    };
  },
};

function actionOfRun(actions: readonly ActionResult[], run: Window, timeline: Parameters<typeof runOfAction>[0]): ActionResult | undefined {
  return actions.find((a) => runOfAction(timeline, a) === run);
}

function lastCompletedBefore(actions: readonly ActionResult[], status: Event): ActionResult | undefined {
  const completed = actions.filter((a) => !a.failed && isDistribution(a));
  const before = completed.filter((a) => a.event.time <= status.time + TOLERANCE_MS);
  return before[before.length - 1] ?? completed[completed.length - 1];
}

export default rule;
