// sdclient.log and the per-task sdclient_task<ID>[.<n>].log: the software distribution client.
//   Mon, 09 Mar 2026 10:02:12 Another task is already in progress: vulscan.exe (pid 4412) is running
//   Mon, 09 Mar 2026 10:02:12 processing of package is complete, result -1916 (0x8DB50084)
import { taskIdFromFileName } from '../ingest/names.js';
import { timestampedLogParser } from './line-log.js';

export default timestampedLogParser({
  kind: 'sdclient',
  label: 'sdclient',
  decorator(context) {
    // A per-task log is one task's run: every line of it belongs to that task.
    const taskId = taskIdFromFileName(context.fileName);
    if (!taskId) return null;
    return (event) => {
      if (event.taskId === undefined) event.taskId = taskId;
    };
  },
});
