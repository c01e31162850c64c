import { describe, expect, it } from 'vitest';
import { logKindFromFileName, rotationIndex, skipReasonFromPath, taskIdFromFileName } from '../../src/ingest/names.js';
import type { LogKind } from '../../src/types.js';

describe('logKindFromFileName', () => {
  const cases: [string, LogKind | null][] = [
    ['sdclient.log', 'sdclient'],
    ['SDClient.LOG', 'sdclient'],
    ['sdclient_task1054.log', 'sdclient'],
    ['SDCLIENT_TASK1054.2.log', 'sdclient'],
    ['vulscan.log', 'vulscan'],
    ['vulscan.1.log', 'vulscan'],
    ['VulScan.12.Log', 'vulscan'],
    ['localsch.log', 'localsch'],
    ['LocalSchedulerTasks.log', 'scheduler-tasks'],
    ['localschedulertasks.LOG', 'scheduler-tasks'],
    ['PolicySync.exe.log', 'policysync'],
    ['policy.sync.log', 'policysync'],
    ['policysync.log', 'policysync'],
    ['CP.1054.RunNow.stat', 'task-status'],
    ['cp.1054.runnow.STAT', 'task-status'],
    ['ldprovisioning.log', 'provisioning'],
    // by base name, whatever the folders and slashes
    ['LAB-0101/ProgramData/LANDesk/Log/sdclient.log', 'sdclient'],
    ['C:\\ProgramData\\vulScan\\vulscan.2.log', 'vulscan'],
    // not ours
    ['sdclient.log.bak', null],
    ['sdclient_task.log', null],
    ['sdclient_taskABC.log', null],
    ['vulscan.x.log', null],
    ['vulscan.log.1', null],
    ['CP.1054.RunNow.xml', null],
    ['notes.txt', null],
    ['', null],
    // Seen in the field: the provisioning agent's own log, and older agents' per-task logs.
    ['ProvisionGUI.exe.log', 'provision-gui'],
    ['C:\\ldprovisioning\\provisiongui.exe.log', 'provision-gui'],
    ['SDClientTask.LDCORE01.1054.log', 'sdclient'],
    ['SDClientTask.ldcore01.lab.example.1054.log', 'sdclient'],
    ['SDClientTask.log', null],
  ];
  it.each(cases)('%s → %s', (name, kind) => {
    expect(logKindFromFileName(name)).toBe(kind);
  });
});

describe('taskIdFromFileName', () => {
  it('reads the task id of per-task files', () => {
    expect(taskIdFromFileName('sdclient_task1054.log')).toBe('1054');
    expect(taskIdFromFileName('Data/SDCLIENT_TASK77.3.log')).toBe('77');
    expect(taskIdFromFileName('CP.1054.RunNow.stat')).toBe('1054');
    expect(taskIdFromFileName('SDClientTask.ldcore01.lab.example.1054.log')).toBe('1054');
  });
  it('is null for other files', () => {
    expect(taskIdFromFileName('sdclient.log')).toBeNull();
    expect(taskIdFromFileName('vulscan.1.log')).toBeNull();
  });
});

describe('rotationIndex', () => {
  it('is 0 for the live file and n for rotated copies (higher = older)', () => {
    expect(rotationIndex('vulscan.log')).toBe(0);
    expect(rotationIndex('vulscan.1.log')).toBe(1);
    expect(rotationIndex('VULSCAN.10.LOG')).toBe(10);
    expect(rotationIndex('sdclient_task1054.log')).toBe(0);
    expect(rotationIndex('sdclient_task1054.2.log')).toBe(2);
    expect(rotationIndex('sdclient.log')).toBe(0);
  });
});

describe('skipReasonFromPath', () => {
  it.each([
    ['LAB/Windows/Panther/setupact.log', 'a Windows file the gathering script takes, not an EPM log'],
    ['LAB/Windows/Panther/UnattendGC/diag.log', 'in a Windows setup or event-log folder the gathering script takes, not an EPM log'],
    ['LAB/NetSetup.txt', 'a Windows file the gathering script takes, not an EPM log'],
    ['LAB/EventLogs/Application.evtx', 'a .evtx file, not an EPM text log'],
    ['LAB/registry/LANDesk.reg', 'a .reg file, not an EPM text log'],
    ['LAB/ProgramData/LANDesk/Policies/CP.3963.RunNow._pNdBhtCzhUV2ft00a51ngW6C86E=.xml', 'a .xml file, not an EPM text log'],
  ])('%s is skipped: %s', (path, reason) => {
    expect(skipReasonFromPath(path)).toBe(reason);
  });

  it('names the EPM files it does not read, and why', () => {
    expect(skipReasonFromPath('LAB/LDClient/Data/TaskHistory.xml')).toMatch(/^EPM file not read: the agent's task history/);
    expect(skipReasonFromPath('LAB/LDClient/CurrentDownloads.log')).toMatch(/^EPM file not read: the agent's download list/);
  });

  it('leaves a file whose name says nothing to be sniffed', () => {
    expect(skipReasonFromPath('LAB/Windows/Temp/provisioning-1.log')).toBeNull();
    expect(skipReasonFromPath('LAB/notes.txt')).toBeNull();
  });
});
