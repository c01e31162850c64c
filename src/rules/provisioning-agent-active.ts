// provisioning-agent-active: the scheduler's scan and policy sync tasks first start far in
// the future (the year 2100 or later): the provisioning-only agent, the documented fix for
// the vulscan race, is in place on this device.
import type { Event, Rule } from '../types.js';
import { isFarFuture } from './background-task.js';
import { chain } from './facts.js';

const rule: Rule = {
  meta: {
    id: 'provisioning-agent-active',
    title: 'The provisioning-only agent is in place',
    description: 'The scheduler\'s scan and sync tasks start far in the future (year 2100 or later): the fix is in place.',
    explanation: 'The provisioning-only agent is in place: the scheduler\'s scan and policy sync will not fire during provisioning.',
    severity: 'info',
    fix: 'Nothing to change. Keep the production agent as the template\'s last action, so the device gets its real scan and sync schedule once provisioning is done.',
    references: ['Ivanti: a provisioning-only agent configuration whose security scan and policy sync start in the year 3000'],
    falsePositives: ['A device that kept the provisioning-only agent after provisioning: it will never scan. Check that the production agent was installed at the end.'],
    messages: {
      active: 'The scheduler\'s {tasks} first start on {start}: the agent\'s scheduler will not fire them during provisioning (the Windows scheduled task "LANDESK Agent Health Bootstrap Task" can still launch vulscan, daily at 9 PM by default).',
    },
  },
  create(context) {
    const future: Event[] = [];
    return {
      event(event) {
        if ((event.kind === 'task-added' || event.kind === 'task-listed') && (event.process === 'vulscan' || event.process === 'policysync') && isFarFuture(event.start)) {
          future.push(event);
        }
      },
      end() {
        // The scheduler's own "Added task" lines date the finding; the task listing has no time but the start.
        future.sort((a, b) => Number(a.kind === 'task-listed') - Number(b.kind === 'task-listed'));
        const first = future[0];
        if (!first) return;
        const processes = [...new Set(future.map((e) => (e.process === 'vulscan' ? 'security scan' : 'policy sync')))];
        context.report({
          messageId: 'active',
          data: { tasks: processes.join(' and '), start: first.startText ?? '' },
          evidence: chain(future.slice(0, 4)),
          confidence: 'high',
          time: first.time,
        });
      },
    };
  },
};

export default rule;
