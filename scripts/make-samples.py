#!/usr/bin/env python3
"""Writes the synthetic device bundles in samples/ (and samples/README.md, samples/expected.json).

The bundles are written from the documented behaviour in /work/shared/FORMATS.md: they are
not real customer logs. Every device tells one story, with one clock: the sdclient runs, the
vulscan and policy sync runs, the scheduler's launches, the provisioning actions and the
.stat files agree to the second where they describe the same moment.

    python3 scripts/make-samples.py            # rewrites samples/

Deterministic: the same script writes the same bytes (fixed seeds, no "now").
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import shutil
import zipfile
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "samples")

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

LDCLIENT = r"C:\Program Files (x86)\LANDesk\LDClient"
VULSCAN_EXE = LDCLIENT + r"\vulscan.exe"
POLICYSYNC_EXE = LDCLIENT + r"\PolicySync.exe"
SDCLIENT_EXE = LDCLIENT + r"\sdclient.exe"
POLICIES = r"C:\ProgramData\LANDesk\Policies"

SUCCESS = 229965824  # 0x0DB50000
BUSY = -1916  # an earlier FORMATS.md: "result -1916 (0x8DB50084)" (LAB-0101 to LAB-0111)
BUSY_HEX = -1917517692  # the revised FORMATS.md: "result -1917517692 (0x8DB50084)", the two forms agreeing
IVANTI = r"C:\Program Files (x86)\Ivanti\EPM Agent"


def hexcode(code: int) -> str:
    if code == BUSY:
        return "0x8DB50084"  # as FORMATS.md's modeled line writes it
    return "0x%08X" % (code & 0xFFFFFFFF)


def sec(n: float) -> timedelta:
    return timedelta(seconds=n)


# ---------------------------------------------------------------- timestamps

def ts(t: datetime, style: str, weekday: str | None = None) -> str:
    if style == "std":
        wd = weekday or DAYS[t.weekday()]
        return "%s, %02d %s %04d %02d:%02d:%02d" % (wd, t.day, MONTHS[t.month - 1], t.year, t.hour, t.minute, t.second)
    if style == "iso":
        return "%04d-%02d-%02d %02d:%02d:%02d.%03d" % (t.year, t.month, t.day, t.hour, t.minute, t.second, t.microsecond // 1000)
    if style == "us":
        return "%02d/%02d/%04d %02d:%02d:%02d" % (t.month, t.day, t.year, t.hour, t.minute, t.second)
    if style == "sch":
        return "%02d %s %04d %02d:%02d:%02d" % (t.day, MONTHS[t.month - 1], t.year, t.hour, t.minute, t.second)
    if style == "gui":
        # ProvisionGUI.exe.log (FORMATS.md): ISO date, (pid-tid) glued to the seconds
        return "%04d-%02d-%02d %02d:%02d:%02d(2212-2240)" % (t.year, t.month, t.day, t.hour, t.minute, t.second)
    raise ValueError(style)


def sch_time(t: datetime) -> str:
    """The scheduler's /start="DD Mon YYYY HH:MM:SS"."""
    return ts(t, "sch")


# ---------------------------------------------------------------- files

class LogFile:
    """One log file: lines in file order, written with the device's line ends and encoding."""

    def __init__(self, path: str, style: str = "std", eol: str = "\r\n", enc: str = "utf-8", bom: bool = False):
        self.path = path
        self.style = style
        self.eol = eol
        self.enc = enc
        self.bom = bom
        self.items: list[str | bytes] = []
        self.marks: dict[str, tuple[int, str]] = {}
        self.final_newline = True
        self.cut_last_line_at: int | None = None

    def add(self, t: datetime, msg: str, mark: str | None = None, weekday: str | None = None) -> int:
        self.items.append(ts(t, self.style, weekday) + " " + msg)
        n = len(self.items)
        if mark:
            self.marks[mark] = (n, self.items[-1])
        return n

    def cont(self, text: str) -> None:
        """A continuation line: no timestamp, continues the entry above."""
        self.items.append(text)

    def text_line(self, text: str, mark: str | None = None) -> None:
        self.items.append(text)
        if mark:
            self.marks[mark] = (len(self.items), text)

    def raw(self, data: bytes) -> None:
        self.items.append(data)

    def render(self) -> bytes:
        out = bytearray()
        if self.bom:
            out += "\ufeff".encode(self.enc if self.enc != "utf-8" else "utf-8")
        n = len(self.items)
        for i, item in enumerate(self.items):
            last = i == n - 1
            if isinstance(item, bytes):
                out += item
            else:
                if last and self.cut_last_line_at is not None:
                    item = item[: self.cut_last_line_at]
                out += item.encode(self.enc)
            if not last or self.final_newline:
                out += self.eol.encode(self.enc)
        return bytes(out)


class StatFile:
    def __init__(self, path: str, task: int, status: int, code: int, end_local: datetime, zone_hours: float,
                 eol: str = "\r\n", enc: str = "utf-8"):
        self.path = path
        self.task = task
        self.status = status
        self.code = code
        utc = end_local.replace(tzinfo=timezone(timedelta(hours=zone_hours)))
        self.epoch = int(utc.timestamp())
        self.utc_text = utc.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        self.eol = eol
        self.enc = enc
        self.marks: dict[str, tuple[int, str]] = {}

    def lines(self) -> list[str]:
        decl = "utf-16" if self.enc == "utf-16-le" else "utf-8"
        return [
            '<?xml version="1.0" encoding="%s"?>' % decl,
            "<TaskStatus>",
            "  <TaskIdn>%d</TaskIdn>" % self.task,
            "  <Status>%d</Status>" % self.status,
            "  <ReturnCode>%d</ReturnCode>" % self.code,
            "  <LastRunTime>%d</LastRunTime>" % self.epoch,
            "</TaskStatus>",
        ]

    def render(self) -> bytes:
        text = self.eol.join(self.lines()) + self.eol
        if self.enc == "utf-16-le":
            return ("\ufeff" + text).encode("utf-16-le")
        return text.encode(self.enc)


class Device:
    def __init__(self, name: str, date: datetime, zone_hours: float, zone_name: str, eol: str = "\r\n",
                 enc: str = "utf-8", bom: bool = False):
        self.name = name
        self.date = date
        self.zone = zone_hours
        self.zone_name = zone_name
        self.eol = eol
        self.enc = enc
        self.bom = bom
        self.files: dict[str, LogFile | StatFile | bytes] = {}
        self.key_lines: list[tuple[str, str, str]] = []  # (path, mark, why)
        self.zip = False
        # A zip named otherwise than <name>.zip (the gathering script's), and a folder its entries sit in.
        self.zip_name: str | None = None
        self.zip_prefix = ""

    def at(self, h: int, m: int, s: int, ms: int = 0) -> datetime:
        return self.date.replace(hour=h, minute=m, second=s, microsecond=ms * 1000)

    def log(self, path: str, style: str = "std", **kw) -> LogFile:
        kw.setdefault("eol", self.eol)
        kw.setdefault("enc", self.enc)
        kw.setdefault("bom", self.bom)
        f = LogFile(path, style, **kw)
        self.files[path] = f
        return f

    def stat(self, task: int, status: int, code: int, end_local: datetime) -> StatFile:
        path = "ProgramData/LANDesk/Policies/CP.%d.RunNow.stat" % task
        enc = "utf-16-le" if self.enc == "utf-16-le" else "utf-8"
        s = StatFile(path, task, status, code, end_local, self.zone, eol=self.eol, enc=enc)
        self.files[path] = s
        return s

    def key(self, path: str, mark: str, why: str) -> None:
        self.key_lines.append((path, mark, why))

    def line_of(self, path: str, mark: str) -> tuple[int, str]:
        f = self.files[path]
        assert isinstance(f, LogFile), path
        return f.marks[mark]


# ---------------------------------------------------------------- building blocks

def fakehash(name: str) -> str:
    return hashlib.md5(name.encode("utf-8")).hexdigest().upper()


def steps(f: LogFile, t: datetime, items) -> datetime:
    """items: (dt, msg[, mark]) adds a line dt seconds after the previous one; ("+", text) a continuation line."""
    for it in items:
        if it[0] == "+":
            f.cont(it[1])
            continue
        dt, msg = it[0], it[1]
        mark = it[2] if len(it) > 2 else None
        t = t + sec(dt)
        f.add(t, msg, mark)
    return t


def sd_banner(version: str, task: int, package: str, policy_dir: str = POLICIES, weekday_pkg: str | None = None):
    return [
        (0, "---------- SDClient starting (version %s) ----------" % version, "start"),
        (0, 'Command line: /policyfile="%s\\CP.%d.RunNow.xml" /taskid=%d' % (policy_dir, task, task)),
        (0, 'Package: "%s"' % package, "package"),
    ]


def sd_preamble(task: int, core: str, policy_dir: str = POLICIES):
    return [
        (0, "Self update: files are up to date."),
        (1, "Check last error after load library.  Error: 126"),
        (0, "Info: Core did not find file"),
        ("+", "RebootBehavior_Apply.zip"),
        (0, "Reading policy file %s\\CP.%d.RunNow.xml" % (policy_dir, task)),
        (0, "Using core %s (LAN, 1000 Mbps)" % core),
    ]


def sd_download(core: str, pkgdir: str, filename: str, size: int, seconds: int, peers: bool = True):
    """Download lines spread over `seconds` (>= 4)."""
    url = "http://%s/packages/%s/%s" % (core, pkgdir, filename)
    out = [
        (1, "Task status: Downloading"),
        (0, "Downloading file %s" % url),
    ]
    if peers:
        out.append((1, "sdmcache: looking for peers with %s" % filename))
    left = seconds - 2
    chunks = max(1, left // 40)
    for i in range(chunks):
        done = size * (i + 1) // (chunks + 1)
        out.append((left // (chunks + 1), "sdmcache: received %d of %d bytes of %s" % (done, size, filename)))
    out.append((left - (left // (chunks + 1)) * chunks, "Download complete: %s (%d bytes)" % (filename, size)))
    h = fakehash(filename)
    out.append((0, "Hash check: %s expected MD5 %s, computed %s: OK" % (filename, h, h)))
    out.append((0, "sdmcache: added packages/%s/%s to the cache" % (pkgdir, filename)))
    return out


def sd_install(cmd: str, seconds: int, exit_code: int, waiting_pid: int | None = None):
    out = [(1, "Task status: Installing"), (0, "Executing: %s" % cmd)]
    left = seconds - 1
    if waiting_pid and left > 90:
        n = left // 60
        for _ in range(n):
            out.append((60, "Waiting for installer to finish (pid %d)" % waiting_pid))
        left -= 60 * n
    out.append((left, "Installer exited, exit code %d" % exit_code))
    return out


def sd_finish(task: int, result: int, reboot: str = "no reboot required (RebootBehavior=NoReboot)", exit_code: int | None = None):
    out = []
    if reboot:
        out.append((1, "Reboot behavior: %s" % reboot))
    out += [
        (0, "processing of package is complete, result %d (%s)" % (result, hexcode(result)), "result"),
        (0, "Sending task status, cmd line: -taskid=%d -retcode=%d -complete" % (task, result), "status"),
        (1, "SDClient exiting, return code %d" % (result if exit_code is None else exit_code), "exit"),
    ]
    return out


def sd_busy(task: int, blocker: str, pid: int, code: int = BUSY):
    return [
        (0, "Self update: files are up to date."),
        (1, "Another task is already in progress: %s (pid %d) is running" % (blocker, pid), "busy"),
        (0, "processing of package is complete, result %d (%s)" % (code, hexcode(code)), "result"),
        (0, "Sending task status, cmd line: -taskid=%d -retcode=%d -complete" % (task, code), "status"),
        (0, "SDClient exiting, return code %d" % code, "exit"),
    ]


def vs_banner(version: str, cmd: str = "/AgentBehavior=ERSC_Default /Scan"):
    return [
        (0, "Vulscan.exe version %s starting" % version, "start"),
        (0, "Command line: %s" % cmd),
        (0, "Self update: files are up to date."),
    ]


def vs_scan(core: str, seconds: int, seed: int, behavior: str = "ERSC_Default", first_dt: int = 0):
    """'Scanning for vulnerabilities' then scan noise for `seconds`, then the finish line."""
    rnd = random.Random(seed)
    out = [(first_dt, "Scanning for vulnerabilities", "scanning"),
           (1, "Downloading file http://%s/ldlogon/VulnerabilityData/%s.xml.gz" % (core, behavior)),
           (2, "Check last error after load library.  Error: 126"),
           (0, "Info: Core did not find file"),
           ("+", "vulscan_overrides.xml"),
           (1, "Loaded 1642 vulnerability definitions (%s)" % behavior)]
    used = 4
    kbs = ["KB5034441", "KB5034763", "KB5034122", "KB5035845", "KB5036892", "KB890830", "KB5034439"]
    names = ["Microsoft Edge", "Windows 10 cumulative update", ".NET Framework cumulative update",
             "Malicious Software Removal Tool", "Microsoft Defender platform", "Adobe Acrobat Reader", "Google Chrome"]
    done = 0
    while used < seconds - 40:
        dt = rnd.randint(25, 70)
        if used + dt > seconds - 40:
            break
        used += dt
        done = min(1640, 1642 * used // seconds)
        i = rnd.randrange(len(kbs))
        if rnd.random() < 0.35:
            out.append((dt, "Detected: %s (%s) - autofix disabled" % (kbs[i], names[i])))
        else:
            out.append((dt, "Scanned %d of 1642 definitions" % done))
    out.append((seconds - 40 - used + 20, "Scanned 1642 of 1642 definitions"))
    out.append((12, "Sending scan results to core %s" % core))
    out.append((8, "Vulscan finished, return code 0", "exit"))
    return out


def policysync_run(core: str, scrub_skipped: bool = False, wait_for: tuple[str, int] | None = None):
    out = [(0, "Run PolicySync", "start"),
           (0, "Info: Core did not find file"),
           ("+", "ClientPolicyOverrides.xml"),
           (1, "Requesting policies from https://%s/landesk/managementsuite/core/ssl/information/policy" % core)]
    return out


def localsch_added(f: LogFile, t: datetime, n: int, exe: str, args: str, start: str, mark: str | None = None):
    a = (" " + args) if args else ""
    f.add(t, 'Added task %d: "%s"%s /start="%s" /freq=86400 /autodelay="0|60"' % (n, exe, a, start), mark)


def localsch_launch(f: LogFile, t: datetime, n: int, exe: str, args: str, pid: int, mark: str | None = None):
    a = (" " + args) if args else ""
    f.add(t, 'Launching task %d: "%s"%s' % (n, exe, a), mark)
    f.add(t, "Task %d started, pid %d" % (n, pid))


def tasks_listing(tasks: list[tuple[int, str, str]], eol: str = "\r\n") -> str:
    blocks = []
    for n, command, start in tasks:
        blocks.append("\n".join([
            "Task ID: %d" % n,
            "  Command: %s" % command,
            "  Start: %s" % start,
            "  Frequency: 86400",
            "  Random delay: 3600",
        ]))
    return ("\n\n".join(blocks) + "\n").replace("\n", eol)


def inventory_cmd(core: str) -> str:
    return '"%s\\LDISCN32.EXE" /NTT=%s:5007 /S="%s" /I=HTTP://%s/ldlogon/ldappl3.ldz /NOUI' % (LDCLIENT, core, core, core)


class Prov:
    """The provisioning log: template, actions, reboots."""

    def __init__(self, f: LogFile, template: str, total: int):
        self.f = f
        self.template = template
        self.total = total

    def header(self, t: datetime, version: str, core: str, template_id: int) -> datetime:
        return steps(self.f, t, [
            (0, "Provisioning agent version %s starting (WinPE)" % version),
            (0, "Core: %s" % core),
            (1, 'Template "%s" (id %d): %d actions' % (self.template, template_id, self.total)),
        ])

    def action(self, t0: datetime, t1: datetime, n: int, name: str, typ: str, code: int = 0, failed: bool = False,
               body: list | None = None, mark: str | None = None) -> datetime:
        self.f.add(t0, 'Starting action %d of %d "%s" (%s)' % (n, self.total, name, typ))
        t = t0
        for it in body or []:
            if it[0] == "+":
                self.f.cont(it[1])
                continue
            t = it[0]
            self.f.add(t, it[1], it[2] if len(it) > 2 else None)
        word = "failed" if failed else "completed"
        self.f.add(t1, 'Action %d of %d "%s" (%s) %s, return code %d' % (n, self.total, name, typ, word, code),
                   mark or "action%d" % n)
        return t1

    def distribute(self, t_start: datetime, t_exec: datetime, t_end: datetime, n: int, name: str, task: int,
                   pid: int, code: int = 0, failed: bool = False) -> datetime:
        body = [
            (t_exec, 'Executing: "%s" /policyfile="%s\\CP.%d.RunNow.xml" /taskid=%d' % (SDCLIENT_EXE, POLICIES, task, task)),
            (t_exec, "Process started, pid %d" % pid),
        ]
        return self.action(t_start, t_end, n, name, "Distribute software", code, failed, body)

    def stopped(self, t: datetime, n: int) -> None:
        self.f.add(t, 'Template "%s" stopped: action %d failed' % (self.template, n), "stopped")
        self.f.add(t + sec(1), "Uploading provisioning log to core")

    def completed(self, t: datetime) -> None:
        self.f.add(t, 'Template "%s" completed: %d of %d actions succeeded' % (self.template, self.total, self.total),
                   "completed")
        self.f.add(t + sec(1), "Uploading provisioning log to core")


class ProvGui:
    """ProvisionGUI.exe.log (the provisioning agent's own log, seen): "set print" lines name each action,
    the result follows as SUCCESS / FAILED with return:<code> (FORMATS.md's modeled lines)."""

    def __init__(self, f: LogFile, template: str):
        self.f = f
        self.template = template

    def action(self, t0: datetime, t1: datetime, n: int, name: str, typ: str, code: int = 0,
               body: list | None = None, mark: str | None = None) -> datetime:
        self.f.add(t0, "Recieved command to set print: Action")
        self.f.add(t0, name)
        self.f.add(t0, "Recieved command to set print: <Action><ActionId>%d</ActionId><ActionName>%s</ActionName><Type>%s</Type></Action>"
                   % (n, name, typ), "announce%d" % n)
        for it in body or []:
            self.f.add(it[0], it[1], it[2] if len(it) > 2 else None)
        word = "SUCCESS" if code in (0, 3010) else "FAILED"
        self.f.add(t1, "Action %d %s, return:%d" % (n, word, code), mark or "action%d" % n)
        return t1

    def stopped(self, t: datetime, n: int) -> None:
        self.f.add(t, 'Template "%s" stopped: action %d failed' % (self.template, n), "stopped")

    def completed(self, t: datetime) -> None:
        self.f.add(t, 'Template "%s" completed' % self.template, "completed")


def winpe_phase(d: Device, p: Prov, t: datetime, image: str, core: str) -> datetime:
    """Actions 1-4: partition, image, drivers, reboot. Returns when Windows' provisioning agent resumes."""
    t1 = t + sec(35)
    p.action(t, t1, 1, "Partition disk", "Partition", body=[
        (t + sec(4), "Running diskpart script X:\\ldprovisioning\\partition_uefi.txt"),
        (t + sec(31), "diskpart exited, exit code 0"),
    ])
    t2s = t1 + sec(1)
    t2 = t2s + sec(1577)
    p.action(t2s, t2, 2, "Deploy %s image" % image, "Deploy image", body=[
        (t2s + sec(2), "Downloading file http://%s/images/%s.wim" % (core, image.replace(" ", "_"))),
        (t2s + sec(3), "Check last error after load library.  Error: 126"),
        (t2s + sec(400), "Applying image: 25%"),
        (t2s + sec(790), "Applying image: 50%"),
        (t2s + sec(1180), "Applying image: 75%"),
        (t2s + sec(1570), "Applying image: 100%"),
    ])
    t3s = t2 + sec(1)
    t3 = t3s + sec(136)
    p.action(t3s, t3, 3, "Inject drivers", "Inject drivers", body=[
        (t3s + sec(2), "Info: Core did not find file"),
        ("+", "drivers\\HP EliteBook 840 G10\\manifest.xml"),
        (t3s + sec(5), "Injecting 37 drivers into C:\\Windows"),
    ])
    t4s = t3 + sec(1)
    p.action(t4s, t4s + sec(1), 4, "Reboot", "Reboot")
    p.f.add(t4s + sec(1), "Rebooting the device")
    return t4s + sec(275)


# ---------------------------------------------------------------- devices

def lab_0101() -> Device:
    """THE RACE: vulscan waits on action 6's sdclient, scans one second after it exits; action 7 is refused."""
    d = Device("LAB-0101", datetime(2026, 2, 17), -5, "UTC-5 (US Eastern, standard time)")
    V, core = "11.0.5.361", "ldcore01.lab.example"
    sd = d.log("ProgramData/LANDesk/Log/sdclient.log")
    vs = d.log("ProgramData/LANDesk/Log/vulscan.log")
    ps = d.log("ProgramData/LANDesk/Log/PolicySync.exe.log")
    ls = d.log("ProgramData/LANDesk/Log/localsch.log")
    pv = d.log("ldprovisioning/ldprovisioning.log")
    p = Prov(pv, "Win10 Lab build", 12)

    t = p.header(d.at(8, 51, 40), V, core, 27)
    t = winpe_phase(d, p, t + sec(4), "Win10 22H2", core)          # resumes 09:26:.. in Windows
    steps(pv, t, [(0, "Provisioning agent version %s starting" % V), (1, 'Resuming template "Win10 Lab build" at action 5')])

    # action 5: the agent install registers the scan and the sync, first start = now, delay 0..60 min
    a5s, added, a5e = d.at(9, 26, 45), d.at(9, 40, 31), d.at(9, 40, 55)
    p.action(a5s, a5e, 5, "Install LANDesk agent", "Install service", body=[
        (a5s + sec(2), "Downloading file http://%s/ldlogon/AdvanceAgent/Win10_Lab_agent.exe" % core),
        (a5s + sec(40), "Running agent installer (configuration \"Lab standard\")"),
        (a5s + sec(41), "Check last error after load library.  Error: 126"),
        (d.at(9, 40, 52), "Agent installer exited, exit code 0"),
    ])
    steps(ls, d.at(9, 40, 18), [(0, "Local scheduler service starting (version %s)" % V), (0, "Loaded 0 tasks")])
    localsch_added(ls, added, 1, LDCLIENT + r"\LDISCN32.EXE", '/NTT=%s:5007 /S="%s" /I=HTTP://%s/ldlogon/ldappl3.ldz /NOUI' % (core, core, core), sch_time(added + timedelta(days=1)))
    localsch_added(ls, added, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Default /Scan", sch_time(added), "add-vulscan")
    localsch_added(ls, added, 4, POLICYSYNC_EXE, "", sch_time(added), "add-policysync")
    ls.add(added + sec(1), "Task 3: next run 17 Feb 2026 09:41:12 (random delay 41 s)")
    ls.add(added + sec(1), "Task 4: next run 17 Feb 2026 10:19:03 (random delay 2312 s)")

    # action 6: 7-Zip (task 1054), sdclient pid 3312
    a6s, x6 = d.at(9, 40, 56), d.at(9, 40, 58)
    t = steps(sd, x6, sd_banner(V, 1054, "7-Zip 23.01") + sd_preamble(1054, core)
              + sd_download(core, "7-Zip", "7z2301-x64.msi", 1902592, 44)
              + sd_install('msiexec.exe /i "C:\\ProgramData\\LANDesk\\sdmcache\\packages\\7-Zip\\7z2301-x64.msi" /qn /norestart', 33, 0)
              + sd_finish(1054, 0))
    sd.marks["exit6"] = sd.marks.pop("exit")
    end6 = t
    p.distribute(a6s, x6, end6 + sec(1), 6, "7-Zip 23.01", 1054, 3312)
    d.stat(1054, 4, 0, end6)

    # the scheduler fires the scan 41 s after the install, during action 6
    launch = d.at(9, 41, 12)
    localsch_launch(ls, launch, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Default /Scan", 4412, "launch-vulscan")
    t = steps(vs, launch, vs_banner(V) + [
        (1, "Another task is running (sdclient.exe, pid 3312); waiting for it to finish", "waiting")])
    wait_end = end6 + sec(1)
    vs.add(wait_end, "Wait finished; no other task is running", "wait-finished")
    t = steps(vs, wait_end, vs_scan(core, 927, 101))
    scan_end = t
    ls.add(scan_end, "Task 3 finished, exit code 0")

    # action 7: Adobe Reader DC (task 1055), refused 4 s after vulscan started scanning
    a7s, x7 = end6 + sec(2), end6 + sec(4)
    t = steps(sd, x7, sd_banner(V, 1055, "Adobe Reader DC") + sd_busy(1055, "vulscan.exe", 4412))
    end7 = t
    p.distribute(a7s, x7, end7 + sec(1), 7, "Adobe Reader DC", 1055, 5096, BUSY, failed=True)
    p.stopped(end7 + sec(1), 7)
    d.stat(1055, 5, BUSY, end7)

    # the policy sync fires later, alone: harmless
    pl = d.at(10, 19, 3)
    localsch_launch(ls, pl, 4, POLICYSYNC_EXE, "", 6120, "launch-policysync")
    t = steps(ps, pl, policysync_run(core) + [
        (2, "Received 4 policies (4 unchanged)"),
        (1, "PolicyScrubber.ScrubPolicies: 0 expired policies removed"),
        (31, "Exit PolicySync", "exit")])
    ls.add(t, "Task 4 finished, exit code 0")

    d.files["LocalSchedulerTasks.log"] = tasks_listing([
        (1, inventory_cmd(core), sch_time(added + timedelta(days=1))),
        (3, '"%s" /AgentBehavior=ERSC_Default /Scan' % VULSCAN_EXE, sch_time(added)),
        (4, '"%s"' % POLICYSYNC_EXE, sch_time(added)),
    ]).encode()

    S, VS, L, P = "ProgramData/LANDesk/Log/sdclient.log", "ProgramData/LANDesk/Log/vulscan.log", "ProgramData/LANDesk/Log/localsch.log", "ldprovisioning/ldprovisioning.log"
    d.key(L, "add-vulscan", "agent install registers the scan, first start = install time, delay 0-60 min")
    d.key(L, "launch-vulscan", "scheduler launches vulscan (pid 4412) during action 6")
    d.key(VS, "waiting", "vulscan waits for action 6's sdclient (pid 3312)")
    d.key(S, "exit6", "action 6's sdclient exits OK")
    d.key(VS, "wait-finished", "one second later the wait ends")
    d.key(VS, "scanning", "and the scan starts")
    d.key(S, "busy", "action 7's sdclient is refused: vulscan.exe (pid 4412) is running")
    d.key(S, "result", "result -1916")
    d.key(P, "action7", "provisioning: action 7 failed, return code -1916")
    d.key(P, "stopped", "template stopped")
    d.key(VS, "exit", "vulscan finishes its scan 15 minutes later")
    return d


def lab_0102() -> Device:
    """CLEAN: provisioning-only agent (scan and sync in the year 3000), production agent last."""
    d = Device("LAB-0102", datetime(2026, 3, 11), 1, "UTC+1 (Central European, standard time)")
    V, core = "11.0.4.733", "epm.corp.example"
    sd = d.log("ProgramData/LANDesk/Log/sdclient.log")
    vs = d.log("ProgramData/LANDesk/Log/vulscan.log")
    ls = d.log("ProgramData/LANDesk/Log/localsch.log")
    pv = d.log("ldprovisioning/ldprovisioning.log", bom=True)       # UTF-8 with BOM
    p = Prov(pv, "Win11 Office build", 12)
    d.log("ProgramData/LANDesk/Log/PolicySync.exe.log")              # created by the install, still empty of runs

    t = p.header(d.at(7, 30, 2), V, core, 41)
    t = winpe_phase(d, p, t + sec(3), "Win11 23H2", core)
    steps(pv, t, [(0, "Provisioning agent version %s starting" % V), (2, 'Resuming template "Win11 Office build" at action 5')])

    a5s, added, a5e = t + sec(5), t + sec(612), t + sec(640)
    p.action(a5s, a5e, 5, "Install LANDesk agent", "Install service", body=[
        (a5s + sec(1), "Downloading file http://%s/ldlogon/AdvanceAgent/Provisioning_agent.exe" % core),
        (a5s + sec(30), 'Running agent installer (configuration "Provisioning - scan and sync in year 3000")'),
        (a5e - sec(2), "Agent installer exited, exit code 0"),
    ])
    steps(ls, added - sec(14), [(0, "Local scheduler service starting (version %s)" % V), (0, "Loaded 0 tasks")])
    localsch_added(ls, added, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Default /Scan", "01 Jan 3000 00:00:00", "add-vulscan")
    localsch_added(ls, added, 4, POLICYSYNC_EXE, "", "01 Jan 3000 00:00:00", "add-policysync")
    ls.add(added + sec(1), "Task 3: next run 01 Jan 3000 00:24:51 (random delay 1491 s)")
    ls.add(added + sec(1), "Task 4: next run 01 Jan 3000 00:51:09 (random delay 3069 s)")
    # the installer applies the agent settings once (no scan)
    cs = added - sec(9)
    steps(vs, cs, vs_banner(V, "/ChangeSettings /AgentBehavior=ERSC_Default") + [
        (1, "Applying agent behavior ERSC_Default"),
        (2, "Check last error after load library.  Error: 126"),
        (1, "Settings applied"),
        (1, "Vulscan finished, return code 0")])

    pkgs = [
        (6, "Microsoft Office 2021 LTSC", 2201, "Office2021", "setup.exe", 3865411584 // 1000, 190, 'setup.exe /configure "C:\\ProgramData\\LANDesk\\sdmcache\\packages\\Office2021\\config.xml"', 611, 7720),
        (7, "Adobe Reader DC", 2202, "AdobeReaderDC", "AcroRdrDCx642300820360_MUI.exe", 379012352, 61, "AcroRdrDCx642300820360_MUI.exe /sAll /rs /msi EULA_ACCEPT=YES", 148, 7964),
        (8, "Mozilla Firefox ESR 115", 2203, "Firefox", "Firefox Setup 115.8.0esr.msi", 58093568, 22, 'msiexec.exe /i "Firefox Setup 115.8.0esr.msi" /qn', 41, 8012),
        (9, "VLC media player 3.0.20", 2204, "VLC", "vlc-3.0.20-win64.msi", 44371968, 17, 'msiexec.exe /i "vlc-3.0.20-win64.msi" /qn', 29, 8240),
        (10, "7-Zip 23.01", 2205, "7-Zip", "7z2301-x64.msi", 1902592, 6, 'msiexec.exe /i "7z2301-x64.msi" /qn /norestart', 12, 8396),
    ]
    t = a5e
    for n, name, task, pdir, fn, size, dl, cmd, inst, pid in pkgs:
        ast, x = t + sec(1), t + sec(3)
        e = steps(sd, x, sd_banner(V, task, name) + sd_preamble(task, core) + sd_download(core, pdir, fn, size, dl)
                  + sd_install(cmd, inst, 0, pid + 4) + sd_finish(task, SUCCESS))
        sd.marks["result%d" % n] = sd.marks.pop("result")
        p.distribute(ast, x, e + sec(1), n, name, task, pid)
        d.stat(task, 4, SUCCESS, e)
        t = e + sec(1)
    r = t + sec(1)
    p.action(r, r + sec(1), 11, "Reboot", "Reboot")
    pv.add(r + sec(1), "Rebooting the device")
    t = r + sec(190)
    steps(pv, t, [(0, "Provisioning agent version %s starting" % V), (1, 'Resuming template "Win11 Office build" at action 12')])
    a12 = t + sec(3)
    p.action(a12, a12 + sec(402), 12, "Install production agent", "Install service", body=[
        (a12 + sec(1), "Downloading file http://%s/ldlogon/AdvanceAgent/Win11_Standard_agent.exe" % core),
        (a12 + sec(21), 'Running agent installer (configuration "Win11 Standard")'),
        (a12 + sec(400), "Agent installer exited, exit code 0"),
    ])
    ls.add(a12 + sec(398), "Local scheduler service stopping (agent update)")
    p.completed(a12 + sec(403))

    d.files["LocalSchedulerTasks.log"] = tasks_listing([
        (3, '"%s" /AgentBehavior=ERSC_Default /Scan' % VULSCAN_EXE, "01 Jan 3000 00:00:00"),
        (4, '"%s"' % POLICYSYNC_EXE, "01 Jan 3000 00:00:00"),
    ]).encode()
    L, P = "ProgramData/LANDesk/Log/localsch.log", "ldprovisioning/ldprovisioning.log"
    d.key(L, "add-vulscan", "the scan's first start is 01 Jan 3000 (provisioning-only agent)")
    d.key(L, "add-policysync", "so is the policy sync's")
    d.key("LocalSchedulerTasks.log", "-", "Start: 01 Jan 3000 00:00:00 for tasks 3 and 4")
    d.key(P, "action12", "production agent installed as the last action")
    d.key(P, "completed", "template completed")
    return d


def lab_0103() -> Device:
    """OLDER LAYOUT, per-task logs, rotated vulscan: Java's own installer fails (1603) while vulscan waits on it."""
    d = Device("LAB-0103", datetime(2026, 1, 22), -6, "UTC-6 (US Central, standard time)")
    V, core = "10.1.40.212", "ldcore.eng.example"
    LD = "Program Files (x86)/LANDesk/LDClient"
    gen = d.log(LD + "/sdclient.log")
    ls = d.log(LD + "/localsch.log")
    ps = d.log(LD + "/policy.sync.log")
    vs2 = d.log("ProgramData/vulScan/vulscan.2.log")
    vs1 = d.log("ProgramData/vulScan/vulscan.1.log")
    vs0 = d.log("ProgramData/vulScan/vulscan.log")
    pv = d.log("ldprovisioning/ldprovisioning.log")
    p = Prov(pv, "Win10 Engineering", 13)

    t = p.header(d.at(9, 12, 30), V, core, 12)
    t = winpe_phase(d, p, t + sec(2), "Win10 21H2", core)
    steps(pv, t, [(0, "Provisioning agent version %s starting" % V), (1, 'Resuming template "Win10 Engineering" at action 5')])
    a5s = t + sec(4)
    added = d.at(10, 2, 14)
    a5e = d.at(10, 2, 40)
    p.action(a5s, a5e, 5, "Install LANDesk agent", "Install service", body=[
        (a5s + sec(2), "Downloading file http://%s/ldlogon/AdvanceAgent/Engineering_agent.exe" % core),
        (a5s + sec(44), 'Running agent installer (configuration "Engineering")'),
        (a5e - sec(3), "Agent installer exited, exit code 0"),
    ])
    steps(ls, added - sec(20), [(0, "Local scheduler service starting (version %s)" % V), (0, "Loaded 0 tasks")])
    localsch_added(ls, added, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Default /Scan", sch_time(added), "add-vulscan")
    localsch_added(ls, added, 4, POLICYSYNC_EXE, "", sch_time(added), "add-policysync")
    # install-time runs: sdclient self update (general log), vulscan settings (oldest rotated vulscan log)
    steps(gen, added - sec(40), [
        (0, "---------- SDClient starting (version %s) ----------" % V),
        (0, "Command line: /selfupdate"),
        (0, "Self update: checking http://%s/ldlogon/sdclient_update.ini" % core),
        (1, "Check last error after load library.  Error: 126"),
        (1, "Info: Core did not find file"),
        ("+", "sdclient_update.ini"),
        (0, "Self update: files are up to date."),
        (1, "SDClient exiting, return code 0")])
    steps(vs2, added - sec(30), vs_banner(V, "/ChangeSettings /AgentBehavior=ERSC_Default") + [
        (1, "Applying agent behavior ERSC_Default"), (2, "Settings applied"), (1, "Vulscan finished, return code 0")])

    data = LD + "/Data"
    # action 6: .NET Framework 4.8.1 (task 1201): the installer reboots mid-task; the first part is rotated to .1
    a6s, x6 = a5e + sec(1), a5e + sec(3)
    t61 = d.log(data + "/sdclient_task1201.1.log")
    t = steps(t61, x6, sd_banner(V, 1201, ".NET Framework 4.8.1", ) + sd_preamble(1201, core)
              + sd_download(core, "DotNet481", "ndp481-x86-x64-allos-enu.exe", 74997504, 48)
              + [(1, "Task status: Installing"), (0, "Executing: ndp481-x86-x64-allos-enu.exe /q /norestart"),
                 (212, "Installer exited, exit code 3010"),
                 (1, "Reboot behavior: reboot required (RebootBehavior=RebootIfNeeded)"),
                 (0, "Rebooting the device to complete the installation")])
    pv.add(a6s, 'Starting action 6 of 13 ".NET Framework 4.8.1" (Distribute software)')
    pv.add(x6, 'Executing: "%s" /policyfile="%s\\CP.1201.RunNow.xml" /taskid=1201' % (SDCLIENT_EXE, POLICIES))
    pv.add(x6, "Process started, pid 2804")
    pv.add(t, "Action 6: the package requested a reboot; the template resumes after restart")
    boot = t + sec(143)
    ls.add(boot - sec(2), "Local scheduler service starting (version %s)" % V)
    ls.add(boot - sec(2), "Loaded 2 tasks")
    steps(pv, boot, [(0, "Provisioning agent version %s starting" % V), (1, 'Resuming template "Win10 Engineering" at action 6')])
    x6b = boot + sec(6)
    pv.add(x6b, 'Executing: "%s" /policyfile="%s\\CP.1201.RunNow.xml" /taskid=1201' % (SDCLIENT_EXE, POLICIES))
    pv.add(x6b, "Process started, pid 3016")
    t60 = d.log(data + "/sdclient_task1201.log")
    e6 = steps(t60, x6b, sd_banner(V, 1201, ".NET Framework 4.8.1") + [
        (0, "Self update: files are up to date."),
        (1, "Resuming task 1201 after reboot"),
        (1, "Check last error after load library.  Error: 126"),
        (2, "Verifying package installation: detection rule satisfied (Release >= 533320)")] + sd_finish(1201, 0, reboot=""))
    pv.add(e6 + sec(1), 'Action 6 of 13 ".NET Framework 4.8.1" (Distribute software) completed, return code 0', "action6")
    d.stat(1201, 4, 0, e6)

    # action 7: Chrome (task 1202)
    a7s, x7 = e6 + sec(2), e6 + sec(4)
    t7 = d.log(data + "/sdclient_task1202.log")
    e7 = steps(t7, x7, sd_banner(V, 1202, "Google Chrome Enterprise") + sd_preamble(1202, core)
               + sd_download(core, "Chrome", "googlechromestandaloneenterprise64.msi", 117440512, 95)
               + sd_install('msiexec.exe /i "googlechromestandaloneenterprise64.msi" /qn', 118, 0, 3410) + sd_finish(1202, 0))
    p.distribute(a7s, x7, e7 + sec(1), 7, "Google Chrome Enterprise", 1202, 3388)
    d.stat(1202, 4, 0, e7)

    # action 8: Java (task 1203) fails on its own installer, 1603; vulscan happens to be waiting on it
    a8s, x8 = e7 + sec(2), e7 + sec(3)
    t8 = d.log(data + "/sdclient_task1203.log")
    e8 = steps(t8, x8, sd_banner(V, 1203, "Java Runtime 8u401") + sd_preamble(1203, core)
               + sd_download(core, "Java8", "jre-8u401-windows-x64.exe", 65011712, 88)
               + sd_install("jre-8u401-windows-x64.exe INSTALL_SILENT=1 AUTO_UPDATE=0 /L C:\\Windows\\Temp\\jre8u401.log", 149, 1603, 3560)
               + [(0, "Installer log: C:\\Windows\\Temp\\jre8u401.log"),
                  (0, "Error 1722. There is a problem with this Windows Installer package. A program run as part of the setup did not finish as expected.")]
               + sd_finish(1203, 1603, reboot="no reboot required (RebootBehavior=NoReboot)"))
    p.distribute(a8s, x8, e8 + sec(1), 8, "Java Runtime 8u401", 1203, 3536, 1603, failed=True)
    p.stopped(e8 + sec(1), 8)
    d.stat(1203, 5, 1603, e8)

    launch = x8 + sec(97)
    localsch_launch(ls, launch, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Default /Scan", 4120, "launch-vulscan")
    steps(vs1, launch, vs_banner(V) + [(1, "Another task is running (sdclient.exe, pid 3536); waiting for it to finish", "waiting")])
    vs1.add(e8 + sec(1), "Wait finished; no other task is running", "wait-finished")
    scan_end = steps(vs1, e8 + sec(1), vs_scan(core, 803, 103))
    ls.add(scan_end, "Task 3 finished, exit code 0")
    # the newest vulscan log: the settings run the policy sync triggers afterwards
    pl = scan_end + sec(377)
    localsch_launch(ls, pl, 4, POLICYSYNC_EXE, "", 4688, "launch-policysync")
    t = steps(ps, pl, policysync_run(core) + [(2, "Received 6 policies (1 changed: agent behavior ERSC_Default)"),
                                             (1, "PolicyScrubber.ScrubPolicies: 0 expired policies removed")])
    cs = t + sec(2)
    steps(vs0, cs, vs_banner(V, "/ChangeSettings /AgentBehavior=ERSC_Default") + [
        (1, "Applying agent behavior ERSC_Default"), (3, "Settings applied"), (1, "Vulscan finished, return code 0")])
    t = steps(ps, cs + sec(7), [(0, "Exit PolicySync", "exit")])
    ls.add(t, "Task 4 finished, exit code 0")

    d.files["LocalSchedulerTasks.log"] = tasks_listing([
        (3, '"%s" /AgentBehavior=ERSC_Default /Scan' % VULSCAN_EXE, sch_time(added)),
        (4, '"%s"' % POLICYSYNC_EXE, sch_time(added)),
    ]).encode()
    T8, P, VS1 = data + "/sdclient_task1203.log", "ldprovisioning/ldprovisioning.log", "ProgramData/vulScan/vulscan.1.log"
    d.key(VS1, "waiting", "vulscan waits for Java's sdclient (pid 3536): the scan did not block anything")
    d.key(T8, "result", "Java's own installer: result 1603, no busy message in the run")
    d.key(P, "action8", "provisioning: action 8 failed, return code 1603")
    d.key(P, "stopped", "template stopped")
    d.key(VS1, "wait-finished", "vulscan's wait ends after sdclient; no sdclient run follows")
    return d


def lab_0104() -> Device:
    """ZIP bundle: the policy sync race."""
    d = Device("LAB-0104", datetime(2026, 3, 2), 1, "UTC+1 (Central European, standard time)")
    d.zip = True
    V, core = "11.0.5.520", "epm01.fin.example"
    sd = d.log("ProgramData/LANDesk/Log/sdclient.log", bom=True)
    vs = d.log("ProgramData/LANDesk/Log/vulscan.log")
    ps = d.log("ProgramData/LANDesk/Log/PolicySync.exe.log")
    ls = d.log("ProgramData/LANDesk/Log/localsch.log")
    pv = d.log("ldprovisioning/ldprovisioning.log")
    p = Prov(pv, "Win11 Finance", 11)

    t = p.header(d.at(12, 31, 10), V, core, 58)
    t = winpe_phase(d, p, t + sec(2), "Win11 23H2", core)
    steps(pv, t, [(0, "Provisioning agent version %s starting" % V), (1, 'Resuming template "Win11 Finance" at action 5')])
    a5s, added, a5e = t + sec(3), d.at(13, 10, 20), d.at(13, 10, 41)
    p.action(a5s, a5e, 5, "Install LANDesk agent", "Install service", body=[
        (a5s + sec(1), "Downloading file http://%s/ldlogon/AdvanceAgent/Finance_agent.exe" % core),
        (a5s + sec(27), 'Running agent installer (configuration "Finance")'),
        (a5e - sec(2), "Agent installer exited, exit code 0")])
    steps(ls, added - sec(11), [(0, "Local scheduler service starting (version %s)" % V), (0, "Loaded 0 tasks")])
    localsch_added(ls, added, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Finance /Scan", sch_time(added), "add-vulscan")
    localsch_added(ls, added, 4, POLICYSYNC_EXE, "", sch_time(added), "add-policysync")

    # action 6: Teams (task 3301, pid 5120)
    a6s, x6 = a5e + sec(1), a5e + sec(4)
    e6 = steps(sd, x6, sd_banner(V, 3301, "Microsoft Teams (machine-wide) 1.7") + sd_preamble(3301, core)
               + sd_download(core, "Teams", "Teams_windows_x64.msi", 135266304, 121)
               + sd_install('msiexec.exe /i "Teams_windows_x64.msi" ALLUSERS=1 /qn', 221, 0, 5388) + sd_finish(3301, 0))
    sd.marks["exit6"] = sd.marks.pop("exit")
    p.distribute(a6s, x6, e6 + sec(1), 6, "Microsoft Teams (machine-wide) 1.7", 3301, 5120)
    d.stat(3301, 4, 0, e6)

    # the scheduler fires the policy sync during action 6; it waits for sdclient, then works while action 7 starts
    pl = x6 + sec(197)
    localsch_launch(ls, pl, 4, POLICYSYNC_EXE, "", 7784, "launch-policysync")
    steps(ps, pl, policysync_run(core) + [
        (0, "Another task is running (sdclient.exe, pid 5120); waiting for it to finish", "waiting")])
    ps.add(e6 + sec(1), "Wait finished; no other task is running", "wait-finished")
    ps.add(e6 + sec(1), "Downloading file https://%s/landesk/managementsuite/core/ssl/information/policy/ClientPolicies.xml" % core)

    # action 7: SAP GUI (task 3302) refused: PolicySync.exe is running
    a7s, x7 = e6 + sec(2), e6 + sec(5)
    e7 = steps(sd, x7, sd_banner(V, 3302, "SAP GUI 7.70") + sd_busy(3302, "PolicySync.exe", 7784))
    p.distribute(a7s, x7, e7 + sec(1), 7, "SAP GUI 7.70", 3302, 5632, BUSY, failed=True)
    p.stopped(e7 + sec(1), 7)
    d.stat(3302, 5, BUSY, e7)
    t = steps(ps, e7, [
        (0, "PolicyScrubber.ScrubPolicies: sdclient or vulscan is currently running, skipping policy scrub.", "scrub-skipped"),
        (3, "Received 7 policies (2 new)"),
        (1, "Check last error after load library.  Error: 126"),
        (27, "Exit PolicySync", "exit")])
    ls.add(t, "Task 4 finished, exit code 0")

    # the scan fires much later, alone
    vl = d.at(13, 56, 48)
    localsch_launch(ls, vl, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Finance /Scan", 8012, "launch-vulscan")
    e = steps(vs, vl, vs_banner(V, "/AgentBehavior=ERSC_Finance /Scan") + vs_scan(core, 688, 104, "ERSC_Finance", first_dt=1))
    ls.add(e, "Task 3 finished, exit code 0")

    d.files["LocalSchedulerTasks.log"] = tasks_listing([
        (3, '"%s" /AgentBehavior=ERSC_Finance /Scan' % VULSCAN_EXE, sch_time(added)),
        (4, '"%s"' % POLICYSYNC_EXE, sch_time(added)),
    ]).encode()
    S, PS, L, P = "ProgramData/LANDesk/Log/sdclient.log", "ProgramData/LANDesk/Log/PolicySync.exe.log", "ProgramData/LANDesk/Log/localsch.log", "ldprovisioning/ldprovisioning.log"
    d.key(L, "launch-policysync", "scheduler launches PolicySync.exe (pid 7784) during action 6")
    d.key(PS, "start", "Run PolicySync")
    d.key(PS, "waiting", "policy sync waits for action 6's sdclient (pid 5120)")
    d.key(S, "exit6", "action 6's sdclient exits OK")
    d.key(PS, "wait-finished", "one second later the policy sync goes on")
    d.key(S, "busy", "action 7's sdclient is refused: PolicySync.exe (pid 7784) is running")
    d.key(PS, "scrub-skipped", "policy sync skips its scrub (sdclient was running)")
    d.key(P, "action7", "provisioning: action 7 failed, return code -1916")
    d.key(PS, "exit", "Exit PolicySync")
    return d


def lab_0105() -> Device:
    """UTF-16LE with BOM: a download error."""
    d = Device("LAB-0105", datetime(2026, 2, 24), -8, "UTC-8 (US Pacific, standard time)", enc="utf-16-le", bom=True)
    V, core = "11.0.3.116", "ldcore-w.kiosk.example"
    sd = d.log("ProgramData/LANDesk/Log/sdclient.log")
    vs = d.log("ProgramData/LANDesk/Log/vulscan.log")
    ps = d.log("ProgramData/LANDesk/Log/PolicySync.exe.log")
    ls = d.log("ProgramData/LANDesk/Log/localsch.log")
    pv = d.log("ldprovisioning/ldprovisioning.log")
    p = Prov(pv, "Win10 Kiosk", 10)
    t = p.header(d.at(14, 2, 51), V, core, 7)
    t = winpe_phase(d, p, t + sec(3), "Win10 LTSC 2021", core)
    steps(pv, t, [(0, "Provisioning agent version %s starting" % V), (1, 'Resuming template "Win10 Kiosk" at action 5')])
    a5s, added, a5e = t + sec(4), d.at(14, 41, 37), d.at(14, 41, 59)
    p.action(a5s, a5e, 5, "Install LANDesk agent", "Install service", body=[
        (a5s + sec(1), "Downloading file http://%s/ldlogon/AdvanceAgent/Kiosk_agent.exe" % core),
        (a5e - sec(2), "Agent installer exited, exit code 0")])
    steps(ls, added - sec(9), [(0, "Local scheduler service starting (version %s)" % V), (0, "Loaded 0 tasks")])
    localsch_added(ls, added, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Kiosk /Scan", sch_time(added), "add-vulscan")
    localsch_added(ls, added, 4, POLICYSYNC_EXE, "", sch_time(added), "add-policysync")

    t = a5e
    for n, name, task, pdir, fn, size, dl, cmd, inst, pid in [
        (6, "Google Chrome Enterprise", 4401, "Chrome", "googlechromestandaloneenterprise64.msi", 117440512, 63, 'msiexec.exe /i "googlechromestandaloneenterprise64.msi" /qn', 97, 6204),
        (7, "Zoom Workplace 6.0", 4402, "Zoom", "ZoomInstallerFull.msi", 92274688, 51, 'msiexec.exe /i "ZoomInstallerFull.msi" /qn ZoomAutoUpdate=false', 58, 6480),
    ]:
        ast, x = t + sec(1), t + sec(3)
        e = steps(sd, x, sd_banner(V, task, name) + sd_preamble(task, core) + sd_download(core, pdir, fn, size, dl)
                  + sd_install(cmd, inst, 0) + sd_finish(task, 0))
        p.distribute(ast, x, e + sec(1), n, name, task, pid)
        d.stat(task, 4, 0, e)
        t = e + sec(1)

    # action 8: VLC (task 4403): access denied on the package share, then a corrupt peer copy
    code = -2147024891  # 0x80070005
    a8s, x8 = t + sec(1), t + sec(3)
    url = "http://%s/packages/VLC/vlc-3.0.20-win64.msi" % core
    e8 = steps(sd, x8, sd_banner(V, 4403, "VLC media player 3.0.20") + sd_preamble(4403, core) + [
        (1, "Task status: Downloading"),
        (0, "Downloading file %s" % url),
        (1, "Download Error: %s (0x80070005) Access is denied." % url, "download-error"),
        (0, "sdmcache: trying peer download for vlc-3.0.20-win64.msi"),
        (4, "sdmcache: received 44371968 of 44371968 bytes of vlc-3.0.20-win64.msi from peer 10.20.4.117"),
        (1, "sdmcache: hash mismatch for vlc-3.0.20-win64.msi (expected MD5 %s, computed MD5 %s)" % (fakehash("vlc"), fakehash("vlc-bad")), "hash-mismatch"),
        (0, "sdmcache: removed vlc-3.0.20-win64.msi from the cache"),
        (0, "Download Error: %s (0x80070005) retry 1 of 1 failed" % url),
        (0, "processing of package is complete, result %d (%s)" % (code, hexcode(code)), "result"),
        (0, "Sending task status, cmd line: -taskid=4403 -retcode=%d -complete" % code, "status"),
        (1, "SDClient exiting, return code %d" % code, "exit")])
    p.distribute(a8s, x8, e8 + sec(1), 8, "VLC media player 3.0.20", 4403, 6712, code, failed=True)
    p.stopped(e8 + sec(1), 8)
    d.stat(4403, 5, code, e8)

    vl = d.at(15, 22, 6)
    localsch_launch(ls, vl, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Kiosk /Scan", 7040)
    e = steps(vs, vl, vs_banner(V, "/AgentBehavior=ERSC_Kiosk /Scan") + vs_scan(core, 541, 105, "ERSC_Kiosk", first_dt=1))
    ls.add(e, "Task 3 finished, exit code 0")
    pl = d.at(15, 37, 44)
    localsch_launch(ls, pl, 4, POLICYSYNC_EXE, "", 7316)
    e = steps(ps, pl, policysync_run(core) + [(2, "Received 3 policies (3 unchanged)"),
                                             (1, "PolicyScrubber.ScrubPolicies: 0 expired policies removed"), (19, "Exit PolicySync")])
    ls.add(e, "Task 4 finished, exit code 0")
    d.files["LocalSchedulerTasks.log"] = ("\ufeff" + tasks_listing([
        (3, '"%s" /AgentBehavior=ERSC_Kiosk /Scan' % VULSCAN_EXE, sch_time(added)),
        (4, '"%s"' % POLICYSYNC_EXE, sch_time(added)),
    ])).encode("utf-16-le")
    S, P = "ProgramData/LANDesk/Log/sdclient.log", "ldprovisioning/ldprovisioning.log"
    d.key(S, "download-error", "Download Error ... (0x80070005) Access is denied.")
    d.key(S, "hash-mismatch", "sdmcache: hash mismatch on the peer copy")
    d.key(S, "result", "result -2147024891 (0x80070005)")
    d.key(P, "action8", "provisioning: action 8 failed, return code -2147024891")
    return d


def lab_0106() -> Device:
    """BAD INPUT around an sdclient overlap: a pushed task still runs when action 7's sdclient starts."""
    d = Device("LAB-0106", datetime(2026, 2, 10), 0, "UTC+0 (UK, standard time)")
    V, core = "11.0.5.361", "ldcore.shared.example"
    LD = "Program Files (x86)/LANDesk/LDClient"
    gen = d.log("ProgramData/LANDesk/Log/sdclient.log")
    vs = d.log("ProgramData/LANDesk/Log/vulscan.log")
    ps = d.log("ProgramData/LANDesk/Log/PolicySync.exe.log")
    ls = d.log("ProgramData/LANDesk/Log/localsch.log")
    pv = d.log("ldprovisioning/ldprovisioning.log")
    p = Prov(pv, "Win10 Shared PC", 12)
    t = p.header(d.at(9, 48, 5), V, core, 33)
    t = winpe_phase(d, p, t + sec(2), "Win10 22H2", core)
    steps(pv, t, [(0, "Provisioning agent version %s starting" % V), (1, 'Resuming template "Win10 Shared PC" at action 5')])
    a5s, added, a5e = t + sec(2), d.at(10, 31, 9), d.at(10, 31, 30)
    p.action(a5s, a5e, 5, "Install LANDesk agent", "Install service", body=[
        (a5s + sec(1), "Downloading file http://%s/ldlogon/AdvanceAgent/SharedPC_agent.exe" % core),
        (a5e - sec(2), "Agent installer exited, exit code 0")])

    # localsch.log: a 5 MB blob line, an impossible date
    steps(ls, added - sec(12), [(0, "Local scheduler service starting (version %s)" % V), (0, "Loaded 0 tasks")])
    localsch_added(ls, added, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Default /Scan", sch_time(added), "add-vulscan")
    localsch_added(ls, added, 4, POLICYSYNC_EXE, "", sch_time(added), "add-policysync")
    ls.add(added + sec(2), "Received agent settings blob from core (base64):")
    rnd = random.Random(106)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    ls.text_line("".join(rnd.choice(alphabet) for _ in range(5 * 1024 * 1024)) + "==", "blob")
    ls.add(added + sec(3), "Agent settings applied (12 keys)", "after-blob")

    # general sdclient.log: the install-time self update, with binary junk lines
    steps(gen, added - sec(35), [
        (0, "---------- SDClient starting (version %s) ----------" % V),
        (0, "Command line: /selfupdate"),
        (1, "Check last error after load library.  Error: 126")])
    gen.raw(bytes([0, 0, 0, 0x17, 0xFF, 0xFE, 0x80, 0x81, 0x9D, 0xC3, 0x28, 0xA0, 0xA1, 0, 0xE2, 0x28, 0xA1, 0xF0, 0x90, 0x28, 0xBC]))
    gen.raw(bytes(rnd.choice([b for b in range(256) if b not in (10, 13)]) for _ in range(160)))
    steps(gen, added - sec(33), [
        (0, "Info: Core did not find file"),
        ("+", "sdclient_update.ini"),
        (0, "Self update: files are up to date.")])
    gen.raw(b"\x00" * 48)
    steps(gen, added - sec(32), [(0, "SDClient exiting, return code 0")])

    # action 6: Notepad++ (task 5506)
    data = LD + "/Data"
    a6s, x6 = a5e + sec(1), a5e + sec(3)
    f6 = d.log(data + "/sdclient_task5506.log")
    e6 = steps(f6, x6, sd_banner(V, 5506, "Notepad++ 8.6.4") + sd_preamble(5506, core)
               + sd_download(core, "NotepadPP", "npp.8.6.4.Installer.x64.exe", 5017600, 9)
               + sd_install("npp.8.6.4.Installer.x64.exe /S", 15, 0) + sd_finish(5506, 0))
    p.distribute(a6s, x6, e6 + sec(1), 6, "Notepad++ 8.6.4", 5506, 6212)
    d.stat(5506, 4, 0, e6)

    # a task pushed from the core by another admin (task 2210) starts between actions 6 and 7, pid 6640
    xp = e6 + sec(1)
    fp = d.log(data + "/sdclient_task2210.log")
    ep = steps(fp, xp, sd_banner(V, 2210, "Zoom Workplace 6.0 (push)")
               + [(0, "Started by a core request (scheduled task \"Zoom rollout - Shared PCs\"), process id 6640", "pid")]
               + sd_preamble(2210, core)
               + sd_download(core, "Zoom", "ZoomInstallerFull.msi", 92274688, 140)
               + sd_install('msiexec.exe /i "ZoomInstallerFull.msi" /qn ZoomAutoUpdate=false', 93, 0) + sd_finish(2210, 0))
    d.stat(2210, 4, 0, ep)

    # action 7: VC++ (task 5507) refused: sdclient.exe (pid 6640) is running. Its Package line has the wrong weekday.
    a7s, x7 = e6 + sec(2), e6 + sec(4)
    f7 = d.log(data + "/sdclient_task5507.log")
    f7.add(x7, "---------- SDClient starting (version %s) ----------" % V, "start")
    f7.add(x7, 'Command line: /policyfile="%s\\CP.5507.RunNow.xml" /taskid=5507' % POLICIES)
    f7.add(x7, 'Package: "Microsoft Visual C++ 2015-2022 Redistributable"', "package", weekday="Wed")
    e7 = steps(f7, x7, sd_busy(5507, "sdclient.exe", 6640))
    p.distribute(a7s, x7, e7 + sec(1), 7, "Microsoft Visual C++ 2015-2022 Redistributable", 5507, 6796, BUSY, failed=True)
    p.stopped(e7 + sec(1), 7)
    d.stat(5507, 5, BUSY, e7)

    # localsch: an impossible date among ordinary lines
    ls.add(d.at(10, 35, 0), "Checking missed tasks")
    ls.text_line("Tue, 31 Feb 2026 10:35:00 Task 1: next run recalculated", "impossible-date")
    ls.add(d.at(10, 35, 1), "No missed tasks")

    # the scan later, alone; the file is cut mid-line
    vl = d.at(11, 12, 40)
    localsch_launch(ls, vl, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Default /Scan", 7208)
    steps(vs, vl, vs_banner(V) + vs_scan(core, 700, 106, first_dt=1)[:-3])
    vs.final_newline = False
    vs.cut_last_line_at = len(vs.items[-1]) - 9
    pl = d.at(11, 19, 17)
    localsch_launch(ls, pl, 4, POLICYSYNC_EXE, "", 7650)
    e = steps(ps, pl, policysync_run(core) + [(2, "Received 5 policies (5 unchanged)"),
                                             (1, "PolicyScrubber.ScrubPolicies: sdclient or vulscan is currently running, skipping policy scrub."),
                                             (22, "Exit PolicySync")])
    ls.add(e, "Task 4 finished, exit code 0")

    rb = random.Random(1060)
    d.files["ProgramData/LANDesk/Log/notes.bin"] = bytes(rb.randrange(256) for _ in range(4096))
    d.files["LocalSchedulerTasks.log"] = tasks_listing([
        (3, '"%s" /AgentBehavior=ERSC_Default /Scan' % VULSCAN_EXE, sch_time(added)),
        (4, '"%s"' % POLICYSYNC_EXE, sch_time(added)),
    ]).encode()
    TP, T7, P, L = data + "/sdclient_task2210.log", data + "/sdclient_task5507.log", "ldprovisioning/ldprovisioning.log", "ProgramData/LANDesk/Log/localsch.log"
    d.key(TP, "start", "a pushed task's sdclient (task 2210, pid 6640) starts after action 6")
    d.key(TP, "pid", "its process id, 6640")
    d.key(T7, "start", "action 7's sdclient starts 3 s later while task 2210 still runs")
    d.key(T7, "package", "Package line: weekday Wed disagrees with 10 Feb 2026 (a Tuesday): valid, parse it")
    d.key(T7, "busy", "refused: sdclient.exe (pid 6640) is running")
    d.key(P, "action7", "provisioning: action 7 failed, return code -1916")
    d.key(TP, "exit", "task 2210 ends minutes later")
    d.key(L, "blob", "one line of 5 MB without a timestamp")
    d.key(L, "impossible-date", "31 Feb 2026: an impossible date")
    return d


def lab_0107() -> Device:
    """Windows-1252, older layout: vulscan scans during provisioning, between two actions; nothing fails."""
    d = Device("LAB-0107", datetime(2026, 2, 19), 1, "UTC+1 (Central European, standard time)", enc="cp1252")
    V, core = "10.1.30.344", "ldcore.compta.example"
    LD = "Program Files (x86)/LANDesk/LDClient"
    sd = d.log(LD + "/sdclient.log")
    vs = d.log(LD + "/vulscan.log")
    ps = d.log(LD + "/policy.sync.log")
    ls = d.log(LD + "/localsch.log")
    pv = d.log("ldprovisioning/ldprovisioning.log")
    p = Prov(pv, "Win10 Comptabilité", 12)
    t = p.header(d.at(8, 58, 14), V, core, 5)
    t = winpe_phase(d, p, t + sec(2), "Win10 22H2 fr-FR", core)
    steps(pv, t, [(0, "Provisioning agent version %s starting" % V), (1, 'Resuming template "Win10 Comptabilité" at action 5')])
    a5s, added, a5e = t + sec(3), d.at(9, 45, 2), d.at(9, 45, 25)
    p.action(a5s, a5e, 5, "Install LANDesk agent", "Install service", body=[
        (a5s + sec(1), "Downloading file http://%s/ldlogon/AdvanceAgent/Comptabilité_agent.exe" % core),
        (a5e - sec(2), "Agent installer exited, exit code 0")])
    steps(ls, added - sec(10), [(0, "Local scheduler service starting (version %s)" % V), (0, "Loaded 0 tasks")])
    localsch_added(ls, added, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Défaut /Scan", sch_time(added), "add-vulscan")
    localsch_added(ls, added, 4, POLICYSYNC_EXE, "", sch_time(added), "add-policysync")

    def run(n, name, task, pdir, fn, size, dl, cmd, inst, pid, t):
        ast, x = t + sec(1), t + sec(3)
        e = steps(sd, x, sd_banner(V, task, name) + sd_preamble(task, core) + sd_download(core, pdir, fn, size, dl)
                  + sd_install(cmd, inst, 0, pid + 2) + sd_finish(task, SUCCESS))
        for k in ("start", "result", "exit"):
            sd.marks["%s%d" % (k, n)] = sd.marks.pop(k)
        p.distribute(ast, x, e + sec(1), n, name, task, pid)
        d.stat(task, 4, SUCCESS, e)
        return x, e

    _, e6 = run(6, "Mozilla Firefox ESR 115 (fr)", 6601, "Firefox", "Firefox Setup 115.8.0esr fr.msi", 58720256, 20,
                'msiexec.exe /i "Firefox Setup 115.8.0esr fr.msi" /qn', 44, 5004, a5e)
    x7, e7 = run(7, "Logiciel Comptabilité 2024", 6602, "Comptabilité 2024", "Comptabilité2024_Setup.msi", 412090368, 212,
                 'msiexec.exe /i "C:\\ProgramData\\LANDesk\\sdmcache\\packages\\Comptabilité 2024\\Comptabilité2024_Setup.msi" INSTALLDIR="C:\\Program Files\\Comptabilité" /qn', 241, 5320, e6 + sec(1))
    # the scan fires during action 7, waits, and scans while action 8 (a script) runs
    vl = x7 + sec(168)
    localsch_launch(ls, vl, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Défaut /Scan", 5788, "launch-vulscan")
    steps(vs, vl, vs_banner(V, "/AgentBehavior=ERSC_Défaut /Scan") + [
        (1, "Another task is running (sdclient.exe, pid 5320); waiting for it to finish", "waiting")])
    vs.add(e7 + sec(1), "Wait finished; no other task is running", "wait-finished")
    scan_end = steps(vs, e7 + sec(1), vs_scan(core, 246, 107, "ERSC_Défaut"))
    ls.add(scan_end, "Task 3 finished, exit code 0")
    a8s = e7 + sec(2)
    a8e = scan_end + sec(61)
    p.action(a8s, a8e, 8, "Paramètres régionaux français", "Execute file", body=[
        (a8s + sec(1), 'Executing: powershell.exe -ExecutionPolicy Bypass -File "C:\\ldprovisioning\\Paramètres_régionaux.ps1"'),
        (a8s + sec(2), "Process started, pid 5912"),
        (a8s + sec(95), "Installing language pack fr-FR (Français)"),
        (a8e - sec(1), "Process exited, exit code 0")])
    _, e9 = run(9, "Gestion Trésorerie € Pro 5.2", 6603, "Tresorerie", "Trésorerie€Pro_5.2.msi", 88080384, 34,
                'msiexec.exe /i "Trésorerie€Pro_5.2.msi" DEVISE=€ /qn', 66, 6140, a8e)
    _, e10 = run(10, "Übersetzungshilfe DE-FR 3.1", 6604, "Uebersetzung", "Übersetzungshilfe_3.1.msi", 20971520, 11,
                 'msiexec.exe /i "Übersetzungshilfe_3.1.msi" /qn', 23, 6388, e9 + sec(1))
    r = e10 + sec(2)
    p.action(r, r + sec(1), 11, "Redémarrage", "Reboot")
    pv.add(r + sec(1), "Rebooting the device")
    b = r + sec(166)
    ls.add(b - sec(3), "Local scheduler service starting (version %s)" % V)
    ls.add(b - sec(3), "Loaded 2 tasks")
    steps(pv, b, [(0, "Provisioning agent version %s starting" % V), (1, 'Resuming template "Win10 Comptabilité" at action 12')])
    _, e12 = run(12, "Outil de Sauvegarde Réseau 2.0", 6605, "Sauvegarde", "SauvegardeRéseau_2.0.msi", 15728640, 9,
                 'msiexec.exe /i "SauvegardeRéseau_2.0.msi" /qn', 19, 6720, b + sec(2))
    p.completed(e12 + sec(2))
    pl = e12 + sec(423)
    localsch_launch(ls, pl, 4, POLICYSYNC_EXE, "", 7012)
    e = steps(ps, pl, policysync_run(core) + [(2, "Received 5 policies (5 unchanged)"),
                                             (1, "PolicyScrubber.ScrubPolicies: 0 expired policies removed"), (15, "Exit PolicySync")])
    ls.add(e, "Task 4 finished, exit code 0")
    d.files["LocalSchedulerTasks.log"] = tasks_listing([
        (3, '"%s" /AgentBehavior=ERSC_Défaut /Scan' % VULSCAN_EXE, sch_time(added)),
        (4, '"%s"' % POLICYSYNC_EXE, sch_time(added)),
    ]).encode("cp1252")
    S, VS, P = LD + "/sdclient.log", LD + "/vulscan.log", "ldprovisioning/ldprovisioning.log"
    d.key(LD + "/localsch.log", "launch-vulscan", "scheduler launches vulscan during action 7")
    d.key(VS, "waiting", "vulscan waits for action 7's sdclient (pid 5320)")
    d.key(S, "exit7", "action 7 ends OK")
    d.key(VS, "scanning", "vulscan scans while action 8 (a script, no sdclient) runs")
    d.key(VS, "exit", "scan finished")
    d.key(S, "start9", "action 9's sdclient starts after the scan finished: not refused")
    d.key(P, "completed", "template completed")
    return d


def lab_0108() -> Device:
    """THE RACE in words no default pattern knows: seen from the windows only."""
    d = Device("LAB-0108", datetime(2026, 3, 6), 9, "UTC+9 (Japan)")
    V, core = "11.0.7.118", "epm.tokyo.example"
    LD = "Program Files (x86)/LANDesk/LDClient"
    vs = d.log("ProgramData/LANDesk/Log/vulscan.log")
    ps = d.log("ProgramData/LANDesk/Log/PolicySync.exe.log")
    ls = d.log("ProgramData/LANDesk/Log/localsch.log")
    pv = d.log("ldprovisioning/ldprovisioning.log")
    p = Prov(pv, "Win11 Sales", 12)
    t = p.header(d.at(10, 4, 40), V, core, 19)
    t = winpe_phase(d, p, t + sec(2), "Win11 23H2 ja-JP", core)
    steps(pv, t, [(0, "Provisioning agent version %s starting" % V), (1, 'Resuming template "Win11 Sales" at action 5')])
    a5s, added, a5e = t + sec(3), d.at(10, 44, 51), d.at(10, 45, 13)
    p.action(a5s, a5e, 5, "Install LANDesk agent", "Install service", body=[
        (a5s + sec(1), "Downloading file http://%s/ldlogon/AdvanceAgent/Sales_agent.exe" % core),
        (a5e - sec(2), "Agent installer exited, exit code 0")])
    steps(ls, added - sec(13), [(0, "Local scheduler service starting (version %s)" % V), (0, "Loaded 0 tasks")])
    localsch_added(ls, added, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Default /Scan", sch_time(added), "add-vulscan")
    localsch_added(ls, added, 4, POLICYSYNC_EXE, "", sch_time(added), "add-policysync")

    data = LD + "/Data"
    def banner(task, pkg):
        return [(0, "=== Software distribution client 2024.3 start ===", "start"),
                (0, "Args: -policy %s\\CP.%d.RunNow.xml -task %d" % (POLICIES, task, task)),
                (0, "Job: %s" % pkg),
                (0, "Self update: files are up to date."),
                (1, "Check last error after load library.  Error: 126")]

    # action 6: Office (task 7701), 19 minutes
    a6s, x6 = a5e + sec(1), a5e + sec(3)
    f6 = d.log(data + "/sdclient_task7701.log")
    items = banner(7701, "Microsoft Office 2021 LTSC") + [
        (1, "Fetching http://%s/packages/Office2021/setup.exe" % core),
        (2, "Fetching http://%s/packages/Office2021/Office/Data/16.0.14332.20615/stream.x64.x-none.dat" % core)]
    for i in range(1, 9):
        items.append((45, "Fetched %d%% of 3865 MB" % (i * 11)))
    items += [(41, "Fetched 100% of 3865 MB"), (0, "Verified 212 files"),
              (1, 'Run: setup.exe /configure "config.xml"')]
    for i in range(12):
        items.append((60, "Setup still running (pid 9120)"))
    items += [(14, "Setup exited with 0"), (1, "Reboot: not needed"),
              (0, "Job done, reporting 0 to core"), (1, "Finished with code 0", "exit")]
    e6 = steps(f6, x6, items)
    p.distribute(a6s, x6, e6 + sec(1), 6, "Microsoft Office 2021 LTSC", 7701, 8876)
    d.stat(7701, 4, 0, e6)

    vl = x6 + sec(741)
    localsch_launch(ls, vl, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Default /Scan", 9540, "launch-vulscan")
    vitems = [(0, "VULSCAN 2024.3 started", "start"), (0, "Args: /AgentBehavior=ERSC_Default /Scan"),
              (1, "Detected running process sdclient.exe - deferring scan", "deferring")]
    tt = vl + sec(1)
    while tt + sec(30) < e6:
        vitems.append((30, "Deferred: sdclient.exe still running"))
        tt += sec(30)
    steps(vs, vl, vitems)
    vs.add(e6 + sec(1), "Resuming scan", "resuming")
    vs.add(e6 + sec(1), "Fetching definitions http://%s/ldlogon/VulnerabilityData/ERSC_Default.xml.gz" % core)
    rnd = random.Random(108)
    tt = e6 + sec(1)
    done = 0
    for _ in range(17):
        tt += sec(rnd.randint(30, 55))
        done += rnd.randint(80, 110)
        vs.add(tt, "Checked %d/1642 rules" % min(done, 1642))
    tt += sec(21)
    vs.add(tt, "Results posted to %s" % core)
    vs.add(tt + sec(3), "Scan complete, exit 0", "exit")
    ls.add(tt + sec(3), "Task 3 finished, exit code 0")

    # action 7: Slack (task 7702), refused in words the pattern pack does not know
    a7s, x7 = e6 + sec(3), e6 + sec(6)
    f7 = d.log(data + "/sdclient_task7702.log")
    e7 = steps(f7, x7, banner(7702, "Slack 4.36") + [
        (0, "Cannot continue: another agent task (vulscan) holds the lock", "refused"),
        (0, "Job aborted, reporting -1916 to core"),
        (0, "Finished with code -1916", "exit")])
    p.distribute(a7s, x7, e7 + sec(1), 7, "Slack 4.36", 7702, 9688, BUSY, failed=True)
    p.stopped(e7 + sec(1), 7)
    d.stat(7702, 5, BUSY, e7)

    pl = d.at(11, 38, 2)
    localsch_launch(ls, pl, 4, POLICYSYNC_EXE, "", 10220)
    e = steps(ps, pl, policysync_run(core) + [(2, "Received 4 policies (4 unchanged)"),
                                             (1, "PolicyScrubber.ScrubPolicies: 0 expired policies removed"), (17, "Exit PolicySync")])
    ls.add(e, "Task 4 finished, exit code 0")
    d.files["LocalSchedulerTasks.log"] = tasks_listing([
        (3, '"%s" /AgentBehavior=ERSC_Default /Scan' % VULSCAN_EXE, sch_time(added)),
        (4, '"%s"' % POLICYSYNC_EXE, sch_time(added)),
    ]).encode()
    T6, T7, VS, L, P = data + "/sdclient_task7701.log", data + "/sdclient_task7702.log", "ProgramData/LANDesk/Log/vulscan.log", "ProgramData/LANDesk/Log/localsch.log", "ldprovisioning/ldprovisioning.log"
    d.key(L, "launch-vulscan", "standard scheduler line: vulscan launched during action 6 (task 7701)")
    d.key(VS, "start", "vulscan window opens (unknown banner) inside task 7701's window")
    d.key(T6, "exit", "task 7701's window closes")
    d.key(VS, "resuming", "vulscan goes on after it (outlasts the sdclient window)")
    d.key(T7, "start", "task 7702's window opens 6 s after task 7701's closed")
    d.key(T7, "exit", "and closes in the same second (short window)")
    d.key(P, "action7", "provisioning: action 7 failed, return code -1916")
    d.key("ProgramData/LANDesk/Policies/CP.7702.RunNow.stat", "-", "Status 5, ReturnCode -1916")
    d.key(VS, "exit", "the scan ends 13 minutes later")
    return d


def lab_0109() -> Device:
    """CLOCK JUMP + RACE, LF line ends, other timestamp shapes."""
    d = Device("LAB-0109", datetime(2026, 2, 13), -5, "UTC-5 (US Eastern, standard time) after the time sync; the clock ran 59 min 58 s fast before it", eol="\n")
    V, core = "11.0.5.361", "ldcore.field.example"
    sd = d.log("ProgramData/LANDesk/Log/sdclient.log")
    vs = d.log("ProgramData/vulScan/vulscan.log")
    ps = d.log("ProgramData/LANDesk/Log/PolicySync.exe.log", "us")
    ls = d.log("ProgramData/LANDesk/Log/localsch.log", "sch")
    pv = d.log("ldprovisioning/ldprovisioning.log", "iso")
    p = Prov(pv, "Win10 Field build", 12)
    JUMP = timedelta(minutes=59, seconds=58)
    t = p.header(d.at(13, 24, 9, 114), V, core, 64)
    t = winpe_phase(d, p, t + sec(2.231), "Win10 22H2", core)
    steps(pv, t, [(0, "Provisioning agent version %s starting" % V), (1.048, 'Resuming template "Win10 Field build" at action 5')])
    a5s, added, a5e = t + sec(3.5), d.at(14, 2, 31), d.at(14, 3, 2, 377)
    p.action(a5s, a5e, 5, "Install LANDesk agent", "Install service", body=[
        (a5s + sec(1.2), "Downloading file http://%s/ldlogon/AdvanceAgent/Field_agent.exe" % core),
        (a5e - sec(2.9), "Agent installer exited, exit code 0")], mark="action5")
    steps(ls, added - sec(12), [(0, "Local scheduler service starting (version %s)" % V), (0, "Loaded 0 tasks")])
    localsch_added(ls, added, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Default /Scan", sch_time(added), "add-vulscan")
    localsch_added(ls, added, 4, POLICYSYNC_EXE, "", sch_time(added), "add-policysync")
    ls.add(added + sec(1), "Task 3: next run 13 Feb 2026 14:11:31 (random delay 540 s)")
    ls.add(added + sec(1), "Task 4: next run 13 Feb 2026 14:58:40 (random delay 3369 s)")
    # install-time runs before the jump
    steps(vs, added - sec(6), vs_banner(V, "/ChangeSettings /AgentBehavior=ERSC_Default") + [
        (1, "Applying agent behavior ERSC_Default"), (2, "Settings applied"), (1, "Vulscan finished, return code 0", "cs-exit")])
    steps(ps, added + sec(19), policysync_run(core) + [(2, "Received 5 policies (5 new)"),
                                                       (1, "PolicyScrubber.ScrubPolicies: 0 expired policies removed"),
                                                       (27, "Exit PolicySync", "exit-install")])

    # action 6: the domain-join package syncs the time: the clock goes back 59 min 58 s inside the run
    a6s, x6 = d.at(14, 3, 3, 402), d.at(14, 3, 5)
    before = d.at(14, 5, 10)
    t = steps(sd, x6, sd_banner(V, 8806, "Domain Join & Time Sync 1.2") + sd_preamble(8806, core)
              + sd_download(core, "DomainJoin", "DomainJoin_1.2.zip", 48128, 4)
              + [(1, "Task status: Installing"),
                 (0, 'Executing: powershell.exe -ExecutionPolicy Bypass -File "DomainJoin.ps1" -Domain field.example'),
                 (40, "Joined domain field.example; restarting time service")])
    assert t < before
    sd.add(before, "Waiting for installer to finish (pid 3904)", "before-jump")
    after = before - JUMP                                               # 13:05:12
    sd.add(after, "Installer exited, exit code 0", "after-jump")
    e6 = steps(sd, after, sd_finish(8806, 0))
    pv.add(a6s, 'Starting action 6 of 12 "Domain Join & Time Sync 1.2" (Distribute software)')
    pv.add(x6, 'Executing: "%s" /policyfile="%s\\CP.8806.RunNow.xml" /taskid=8806' % (SDCLIENT_EXE, POLICIES))
    pv.add(x6, "Process started, pid 3880")
    pv.add(before - sec(0.75), "Waiting for process 3880", "before-jump")
    pv.add(after + sec(2.5), "Time changed by the system (w32tm): -3598 s", "after-jump")
    pv.add(e6 + sec(1.01), 'Action 6 of 12 "Domain Join & Time Sync 1.2" (Distribute software) completed, return code 0', "action6")
    ls.add(before - sec(3), "Task 3: waiting (next run 13 Feb 2026 14:11:31)", "before-jump")
    ls.add(after, "System time changed (-3598 s); schedule kept in local time", "after-jump")
    d.stat(8806, 4, 0, e6)

    # actions 7-9 after the jump
    t = e6 + sec(1.01)
    runs = [
        (7, "Microsoft Office 2021 LTSC", 8807, "Office2021", "setup.exe", 3865411, 301, 'setup.exe /configure "config.xml"', 1685, 4212),
        (8, "Microsoft Teams (machine-wide) 1.7", 8808, "Teams", "Teams_windows_x64.msi", 135266304, 611, 'msiexec.exe /i "Teams_windows_x64.msi" ALLUSERS=1 /qn', 750, 4840),
        (9, "Citrix Workspace 2311", 8809, "Citrix", "CitrixWorkspaceApp.exe", 318767104, 402, "CitrixWorkspaceApp.exe /silent /noreboot", 264, 5312),
    ]
    for n, name, task, pdir, fn, size, dl, cmd, inst, pid in runs:
        ast = t + sec(1.2)
        x = ast.replace(microsecond=0) + sec(2)
        e = steps(sd, x, sd_banner(V, task, name) + sd_preamble(task, core) + sd_download(core, pdir, fn, size, dl)
                  + sd_install(cmd, inst, 0, pid + 6) + sd_finish(task, 0))
        sd.marks["exit%d" % n] = sd.marks.pop("exit")
        sd.marks["start%d" % n] = sd.marks.pop("start")
        p.distribute(ast, x, e + sec(1.07), n, name, task, pid)
        d.stat(task, 4, 0, e)
        t = e + sec(1.07)
    e9 = t - sec(1.07)
    assert d.at(14, 11, 31) < e9, e9

    # the scan fires at its (pre-jump) time 14:11:31, now an hour later in true time, during action 9
    vl = d.at(14, 11, 31)
    localsch_launch(ls, vl, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Default /Scan", 5990, "launch-vulscan")
    steps(vs, vl, vs_banner(V) + [(1, "Another task is running (sdclient.exe, pid 5312); waiting for it to finish", "waiting")])
    vs.add(e9 + sec(1), "Wait finished; no other task is running", "wait-finished")
    scan_end = steps(vs, e9 + sec(1), vs_scan(core, 865, 109))
    ls.add(scan_end, "Task 3 finished, exit code 0")

    # action 10: Cisco AnyConnect (task 8810) refused
    a10s = e9 + sec(1.07) + sec(1.2)
    x10 = e9 + sec(4)
    e10 = steps(sd, x10, sd_banner(V, 8810, "Cisco AnyConnect 4.10") + sd_busy(8810, "vulscan.exe", 5990))
    p.distribute(a10s, x10, e10 + sec(1.31), 10, "Cisco AnyConnect 4.10", 8810, 5544, BUSY, failed=True)
    p.stopped(e10 + sec(1.33), 10)
    d.stat(8810, 5, BUSY, e10)

    pl = d.at(14, 58, 40)
    localsch_launch(ls, pl, 4, POLICYSYNC_EXE, "", 6402)
    e = steps(ps, pl, policysync_run(core) + [(2, "Received 5 policies (5 unchanged)"),
                                             (1, "PolicyScrubber.ScrubPolicies: 0 expired policies removed"), (14, "Exit PolicySync")])
    ls.add(e, "Task 4 finished, exit code 0")
    d.files["LocalSchedulerTasks.log"] = tasks_listing([
        (3, '"%s" /AgentBehavior=ERSC_Default /Scan' % VULSCAN_EXE, sch_time(added)),
        (4, '"%s"' % POLICYSYNC_EXE, sch_time(added)),
    ], eol="\n").encode()
    S, VS, L, P = "ProgramData/LANDesk/Log/sdclient.log", "ProgramData/vulScan/vulscan.log", "ProgramData/LANDesk/Log/localsch.log", "ldprovisioning/ldprovisioning.log"
    d.key(S, "before-jump", "sdclient.log: 14:05:10 ...")
    d.key(S, "after-jump", "... next line 13:05:12: the clock went back 59 min 58 s")
    d.key(P, "after-jump", "provisioning log: the jump, and the reason")
    d.key(L, "after-jump", "localsch.log: the jump")
    d.key(L, "launch-vulscan", "vulscan launched at 14:11:31 (after the jump) during action 9")
    d.key(VS, "waiting", "vulscan waits for action 9's sdclient (pid 5312)")
    d.key(S, "exit9", "action 9's sdclient exits OK")
    d.key(VS, "wait-finished", "one second later the wait ends")
    d.key(S, "busy", "action 10's sdclient refused: vulscan.exe (pid 5990) is running")
    d.key(P, "action10", "provisioning: action 10 failed, return code -1916")
    return d


def lab_0110() -> Device:
    """UNEXPLAINED: the task handler crashes; no busy message, no download error, no installer result."""
    d = Device("LAB-0110", datetime(2026, 2, 26), -7, "UTC-7 (US Mountain, standard time)")
    V, core = "11.0.4.733", "ldcore.labb.example"
    sd = d.log("ProgramData/LANDesk/Log/sdclient.log")
    vs = d.log("ProgramData/LANDesk/Log/vulscan.log")
    ls = d.log("ProgramData/LANDesk/Log/localsch.log")
    pv = d.log("ldprovisioning/ldprovisioning.log")
    d.log("ProgramData/LANDesk/Log/PolicySync.exe.log")
    p = Prov(pv, "Win10 Lab B", 11)
    t = p.header(d.at(15, 10, 2), V, core, 71)
    t = winpe_phase(d, p, t + sec(4), "Win10 22H2", core)
    steps(pv, t, [(0, "Provisioning agent version %s starting" % V), (1, 'Resuming template "Win10 Lab B" at action 5')])
    a5s, added, a5e = t + sec(3), d.at(15, 49, 40), d.at(15, 50, 6)
    p.action(a5s, a5e, 5, "Install LANDesk agent", "Install service", body=[
        (a5s + sec(1), "Downloading file http://%s/ldlogon/AdvanceAgent/Provisioning_agent.exe" % core),
        (a5s + sec(22), 'Running agent installer (configuration "Provisioning - scan and sync in year 3000")'),
        (a5e - sec(2), "Agent installer exited, exit code 0")])
    steps(ls, added - sec(15), [(0, "Local scheduler service starting (version %s)" % V), (0, "Loaded 0 tasks")])
    localsch_added(ls, added, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Default /Scan", "01 Jan 3000 00:00:00", "add-vulscan")
    localsch_added(ls, added, 4, POLICYSYNC_EXE, "", "01 Jan 3000 00:00:00", "add-policysync")
    steps(vs, added - sec(8), vs_banner(V, "/ChangeSettings /AgentBehavior=ERSC_Default") + [
        (1, "Applying agent behavior ERSC_Default"), (2, "Settings applied"), (1, "Vulscan finished, return code 0")])

    t = a5e
    for n, name, task, pdir, fn, size, dl, cmd, inst, pid in [
        (6, "Microsoft Edge WebView2 Runtime", 9906, "WebView2", "MicrosoftEdgeWebView2RuntimeInstallerX64.exe", 170917888, 44, "MicrosoftEdgeWebView2RuntimeInstallerX64.exe /silent /install", 61, 4120),
        (7, "Python 3.12", 9907, "Python312", "python-3.12.2-amd64.exe", 26214400, 13, "python-3.12.2-amd64.exe /quiet InstallAllUsers=1 PrependPath=1", 84, 4486),
    ]:
        ast, x = t + sec(1), t + sec(3)
        e = steps(sd, x, sd_banner(V, task, name) + sd_preamble(task, core) + sd_download(core, pdir, fn, size, dl)
                  + sd_install(cmd, inst, 0) + sd_finish(task, 0))
        p.distribute(ast, x, e + sec(1), n, name, task, pid)
        d.stat(task, 4, 0, e)
        t = e + sec(1)

    code = -2147467259  # 0x80004005
    a8s, x8 = t + sec(1), t + sec(3)
    e8 = steps(sd, x8, sd_banner(V, 9908, "Microsoft Visual Studio Code 1.86") + sd_preamble(9908, core)
               + sd_download(core, "VSCode", "VSCodeSetup-x64-1.86.2.exe", 95420416, 26) + [
                   (1, "Task status: Installing"),
                   (0, "Loading package handler for type EXE"),
                   (0, "Unexpected error in task handler: Object reference not set to an instance of an object.", "error"),
                   ("+", "   at LANDesk.SD.Handlers.ExeHandler.BuildCommandLine(PackageInfo pkg)"),
                   ("+", "   at LANDesk.SD.TaskHandler.Run(Task task)"),
                   (0, "Sending task status, cmd line: -taskid=9908 -retcode=%d -complete" % code, "status"),
                   (1, "SDClient exiting, return code %d" % code, "exit")])
    p.distribute(a8s, x8, e8 + sec(1), 8, "Microsoft Visual Studio Code 1.86", 9908, 4812, code, failed=True)
    p.stopped(e8 + sec(1), 8)
    d.stat(9908, 8, code, e8)
    d.files["LocalSchedulerTasks.log"] = tasks_listing([
        (3, '"%s" /AgentBehavior=ERSC_Default /Scan' % VULSCAN_EXE, "01 Jan 3000 00:00:00"),
        (4, '"%s"' % POLICYSYNC_EXE, "01 Jan 3000 00:00:00"),
    ]).encode()
    S, P = "ProgramData/LANDesk/Log/sdclient.log", "ldprovisioning/ldprovisioning.log"
    d.key(S, "error", "Unexpected error in task handler (a stack trace follows on continuation lines)")
    d.key(S, "exit", "sdclient exits -2147467259 (0x80004005), no package result line")
    d.key(P, "action8", "provisioning: action 8 failed, return code -2147467259")
    d.key("ProgramData/LANDesk/Policies/CP.9908.RunNow.stat", "-", "Status 8 (Failed_Exception)")
    return d


EVIL_PKG = '=HYPERLINK("http://evil.example","click") <script>alert(1)</script> | `rm`'


def lab_0111() -> Device:
    """INJECTION: hostile text in package names and messages; the installer fails with 1603."""
    d = Device("LAB-0111", datetime(2026, 3, 4), 5.5, "UTC+5:30 (India)")
    V, core = "11.0.5.361", "ldcore.blr.example"
    sd = d.log("ProgramData/LANDesk/Log/sdclient.log")
    vs = d.log("ProgramData/LANDesk/Log/vulscan.log")
    ps = d.log("ProgramData/LANDesk/Log/PolicySync.exe.log")
    ls = d.log("ProgramData/LANDesk/Log/localsch.log")
    pv = d.log("ldprovisioning/ldprovisioning.log")
    p = Prov(pv, 'Win10 "><img src=x onerror=alert(1)> \x1b[31mbuild\x1b[0m\x1b]0;pwned\x07', 12)
    t = p.header(d.at(11, 0, 12), V, core, 66)
    t = winpe_phase(d, p, t + sec(2), "Win10 22H2", core)
    steps(pv, t, [(0, "Provisioning agent version %s starting" % V), (1, "Resuming template at action 5 \x1b]0;pwned\x07")])
    a5s, added, a5e = t + sec(3), d.at(11, 39, 28), d.at(11, 39, 50)
    p.action(a5s, a5e, 5, "Install LANDesk agent", "Install service", body=[
        (a5s + sec(1), "Downloading file http://%s/ldlogon/AdvanceAgent/Lab_agent.exe" % core),
        (a5e - sec(2), "Agent installer exited, exit code 0")])
    steps(ls, added - sec(10), [(0, "Local scheduler service starting (version %s)" % V), (0, "Loaded 0 tasks")])
    localsch_added(ls, added, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Default /Scan", sch_time(added))
    localsch_added(ls, added, 4, POLICYSYNC_EXE, "", sch_time(added))

    # action 6: a package named like a spreadsheet formula, succeeds
    a6s, x6 = a5e + sec(1), a5e + sec(3)
    e6 = steps(sd, x6, sd_banner(V, 1106, "+cmd|' /C calc'!A0") + [
        (0, "Self update: files are up to date."),
        (1, "Check last error after load library.  Error: 126"),
        (0, "Info: Core did not find file \x1b[31mRebootBehavior_Apply.zip\x1b[0m"),
        ("+", "\x1b[2J\x1b[HRebootBehavior_Apply.zip"),
        (0, "Reading policy file %s\\CP.1106.RunNow.xml" % POLICIES)]
        + sd_download(core, "calc%7C", "calc|tool.msi", 1048576, 5)
        + sd_install('msiexec.exe /i "calc|tool.msi" /qn NOTE="`whoami` $(id) | tee"', 9, 0) + sd_finish(1106, 0))
    p.distribute(a6s, x6, e6 + sec(1), 6, "+cmd|' /C calc'!A0", 1106, 3014)
    d.stat(1106, 4, 0, e6)

    # action 7: ordinary name, hostile text in its messages
    a7s, x7 = e6 + sec(2), e6 + sec(4)
    e7 = steps(sd, x7, sd_banner(V, 1107, "Notepad++ 8.6") + sd_preamble(1107, core)
               + sd_download(core, "NotepadPP", "npp.8.6.Installer.x64.exe", 4915200, 7)
               + [(0, 'Info: Core did not find file "><img src=x onerror=alert(1)>.ini')]
               + sd_install("npp.8.6.Installer.x64.exe /S", 12, 0) + sd_finish(1107, 0))
    p.distribute(a7s, x7, e7 + sec(1), 7, "Notepad++ 8.6", 1107, 3290)
    d.stat(1107, 4, 0, e7)

    # action 8: the hostile package name; its own installer fails, 1603
    a8s, x8 = e7 + sec(2), e7 + sec(3)
    e8 = steps(sd, x8, sd_banner(V, 1108, EVIL_PKG) + sd_preamble(1108, core)
               + sd_download(core, "evil", "payload<script>.msi", 2097152, 6)
               + [(0, "\x1b[31mWARNING\x1b[0m: package description: <script>alert(1)</script> | `rm -rf /`")]
               + sd_install('msiexec.exe /i "payload<script>.msi" /qn', 14, 1603)
               + sd_finish(1108, 1603))
    p.distribute(a8s, x8, e8 + sec(1), 8, EVIL_PKG, 1108, 3544, 1603, failed=True)
    p.stopped(e8 + sec(1), 8)
    d.stat(1108, 5, 1603, e8)

    vl = d.at(12, 20, 55)
    localsch_launch(ls, vl, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Default /Scan", 4400)
    e = steps(vs, vl, vs_banner(V) + [(1, "Info: Core did not find file =cmd|' /C calc'!A0"), ("+", "\x1b[2J")]
              + vs_scan(core, 480, 111, first_dt=0))
    ls.add(e, "Task 3 finished, exit code 0")
    pl = d.at(12, 33, 19)
    localsch_launch(ls, pl, 4, POLICYSYNC_EXE, "", 4712)
    e = steps(ps, pl, policysync_run(core) + [(2, 'Received policy "<script>alert(1)</script>" | `rm`'),
                                             (1, "PolicyScrubber.ScrubPolicies: 0 expired policies removed"), (13, "Exit PolicySync")])
    ls.add(e, "Task 4 finished, exit code 0")
    d.files["LocalSchedulerTasks.log"] = tasks_listing([
        (3, '"%s" /AgentBehavior=ERSC_Default /Scan' % VULSCAN_EXE, sch_time(added)),
        (4, '"%s"' % POLICYSYNC_EXE, sch_time(added)),
    ]).encode()
    S, P = "ProgramData/LANDesk/Log/sdclient.log", "ldprovisioning/ldprovisioning.log"
    d.key(S, "package", "Package: the hostile name (formula, script tag, pipe, backticks)")
    d.key(S, "result", "result 1603, no busy message")
    d.key(P, "action8", "provisioning: action 8 failed, return code 1603")
    return d


def lab_0112() -> Device:
    """THE RACE as real devices log it: ProvisionGUI.exe.log only (no ldprovisioning.log), Ivanti EPM Agent paths."""
    d = Device("LAB-0112", datetime(2026, 4, 14), 2, "UTC+2 (Central European, summer time)")
    V, core = "2024.3.0.183", "epm2024.branch.example"
    vul_exe = IVANTI + r"\Patch Management\vulscan.exe"
    sync_exe = IVANTI + r"\SWD\PolicySync.exe"
    sd = d.log("ProgramData/LANDesk/Log/sdclient.log")
    vs = d.log("ProgramData/LANDesk/Log/vulscan.log")
    ls = d.log("ProgramData/LANDesk/Log/localsch.log")
    pg = d.log("ldprovisioning/ProvisionGUI.exe.log", style="gui")
    p = ProvGui(pg, "Win11 Branch build")
    G = "ldprovisioning/ProvisionGUI.exe.log"

    pg.add(d.at(10, 2, 11), "ProvisionGUI starting, version %s" % V)
    p.action(d.at(10, 2, 15), d.at(10, 31, 40), 1, "Deploy Win11 23H2 image", "Deploy image")
    p.action(d.at(10, 31, 41), d.at(10, 33, 2), 2, "Join domain", "Join domain")
    a3s, added, a3e = d.at(10, 33, 3), d.at(10, 44, 51), d.at(10, 45, 10)
    p.action(a3s, a3e, 3, "Install EPM agent", "Configure agent", body=[
        (a3s + sec(20), 'Running agent installer (configuration "Branch standard")'),
    ])
    steps(ls, added - sec(12), [(0, "Local scheduler service starting (version %s)" % V), (0, "Loaded 0 tasks")])
    localsch_added(ls, added, 3, vul_exe, "/AgentBehavior=ERSC_Default /Scan", sch_time(added), "add-vulscan")
    localsch_added(ls, added, 4, sync_exe, "/enforce", sch_time(added), "add-policysync")
    ls.add(added + sec(1), "Task 3: next run 14 Apr 2026 11:12:37 (random delay 1666 s)")

    # action 4: Notepad++ (task 3101), a long install; vulscan fires during it
    a4s, x4 = a3e + sec(1), a3e + sec(3)
    t = steps(sd, x4, sd_banner(V, 3101, "Notepad++ 8.6.4") + sd_preamble(3101, core)
              + sd_download(core, "NotepadPP", "npp.8.6.4.Installer.x64.exe", 5023744, 18)
              + sd_install('"C:\\ProgramData\\LANDesk\\sdmcache\\packages\\NotepadPP\\npp.8.6.4.Installer.x64.exe" /S', 1720, 0, 6611)
              + sd_finish(3101, 0))
    sd.marks["exit4"] = sd.marks.pop("exit")
    end4 = t
    p.action(a4s, end4 + sec(1), 4, "Notepad++ 8.6.4", "Distribute software")

    launch = d.at(11, 12, 37)
    localsch_launch(ls, launch, 3, vul_exe, "/AgentBehavior=ERSC_Default /Scan", 9120, "launch-vulscan")
    steps(vs, launch, vs_banner(V) + [
        (1, "Another task is running (sdclient.exe, pid 6608); waiting for it to finish", "waiting")])
    wait_end = end4 + sec(1)
    vs.add(wait_end, "Wait finished; no other task is running", "wait-finished")
    t = steps(vs, wait_end, vs_scan(core, 1311, 112))
    ls.add(t, "Task 3 finished, exit code 0")

    # action 5: Zoom (task 3102) refused: vulscan.exe is scanning
    a5s, x5 = end4 + sec(2), end4 + sec(3)
    t = steps(sd, x5, sd_banner(V, 3102, "Zoom Workplace 6.0") + sd_busy(3102, "vulscan.exe", 9120, BUSY_HEX))
    end5 = t
    p.action(a5s, end5 + sec(1), 5, "Zoom Workplace 6.0", "Distribute software", BUSY_HEX)
    p.stopped(end5 + sec(1), 5)
    d.stat(3101, 4, 0, end4)
    d.stat(3102, 5, BUSY_HEX, end5)

    S, VS, L = "ProgramData/LANDesk/Log/sdclient.log", "ProgramData/LANDesk/Log/vulscan.log", "ProgramData/LANDesk/Log/localsch.log"
    d.key(L, "add-vulscan", "the agent install registers the scan (Ivanti EPM Agent path), first start = install time")
    d.key(L, "launch-vulscan", "the scheduler launches vulscan during action 4")
    d.key(VS, "waiting", "vulscan waits for action 4's sdclient")
    d.key(S, "exit4", "action 4's sdclient exits OK")
    d.key(VS, "scanning", "vulscan scans")
    d.key(S, "busy", "action 5's sdclient is refused: vulscan.exe is running")
    d.key(S, "result", "result -1917517692 (0x8DB50084): both forms agree")
    d.key(G, "announce5", "ProvisionGUI announces action 5 as an XML fragment")
    d.key(G, "action5", "ProvisionGUI: action 5 FAILED, return:-1917517692")
    d.key(G, "stopped", "template stopped")
    return d


def lab_0113() -> Device:
    """HEALTHY, OLDER SHAPES: SDClientTask.<Core>.<task>.log, /exe= /cmd= scheduler lines, a UTF-16LE task list, year 3000."""
    d = Device("LAB-0113", datetime(2026, 4, 20), -4, "UTC-4 (US Eastern, summer time)")
    V, core = "11.0.3.2", "LDCORE02"
    base = "Program Files (x86)/LANDesk/LDClient/"
    ls = d.log(base + "localsch.log")
    pg = d.log("ldprovisioning/ProvisionGUI.exe.log", style="gui")
    p = ProvGui(pg, "Win10 Kiosk build")
    G, L = "ldprovisioning/ProvisionGUI.exe.log", base + "localsch.log"

    a1s, added, a1e = d.at(8, 10, 0), d.at(8, 21, 30), d.at(8, 21, 52)
    pg.add(d.at(8, 9, 58), "ProvisionGUI starting, version %s" % V)
    p.action(a1s, a1e, 1, "Install agent (provisioning)", "Configure agent", body=[
        (a1s + sec(12), 'Running agent installer (configuration "Provisioning - scan and sync in year 3000")'),
    ])
    steps(ls, added - sec(10), [(0, "Local scheduler service starting (version %s)" % V), (0, "Loaded 0 tasks")])
    ls.add(added, 'Added task 3: /exe="%s" /cmd="/AgentBehavior=ERSC_Default /Scan" /start="01 Jan 3000 00:00:00" /freq=86400 /autodelay="0|60" /taskid=3' % VULSCAN_EXE, "add-vulscan")
    ls.add(added, 'Added task 4: /exe="%s" /cmd="/enforce" /start="01 Jan 3000 00:00:00" /freq=86400 /autodelay="0|60" /taskid=4' % POLICYSYNC_EXE, "add-policysync")

    t = a1e
    runs = [(2, "Google Chrome 124", 4401, "Chrome", "googlechromestandaloneenterprise64.msi", 112, 7101),
            (3, "Kiosk shell config", 4402, "KioskCfg", "kiosk.cmd", 9, 7140)]
    for n, name, task, pdir, fn, inst, pid in runs:
        path = base + "SDClientTask.%s.%d.log" % (core, task)
        f = d.log(path)
        x = t + sec(3)
        e = steps(f, x, sd_banner(V, task, name) + sd_preamble(task, core) + sd_download(core, pdir, fn, 4_000_000, 8)
                  + sd_install('"%s"' % fn, inst, 0, pid) + sd_finish(task, SUCCESS))
        p.action(t + sec(1), e + sec(1), n, name, "Distribute software")
        t = e + sec(2)
    p.action(t, t + sec(380), 4, "Install production agent", "Configure agent", mark="action4")
    p.completed(t + sec(381))

    # LocalSchedulerTasks.log as the gathering script writes it: LocalSch.exe /tasks | Out-File (UTF-16LE with BOM)
    listing = tasks_listing([
        (3, '/exe="%s" /cmd="/AgentBehavior=ERSC_Default /Scan"' % VULSCAN_EXE, "01 Jan 3000 00:00:00"),
        (4, '/exe="%s" /cmd="/enforce"' % POLICYSYNC_EXE, "01 Jan 3000 00:00:00"),
    ])
    d.files["LocalSchedulerTasks.log"] = ("\ufeff" + listing).encode("utf-16-le")
    # What else the gathering script takes: listed as skipped, never read as EPM logs.
    d.files["Windows/Panther/setupact.log"] = (
        "2026-04-20 08:02:11, Info                  [Setup.exe] Task 3 added to the setup queue\r\n"
        "2026-04-20 08:02:12, Info                  [Setup.exe] Another task is already in progress: waiting\r\n").encode()
    d.files["NetSetup.txt"] = b"04/20/2026 08:05:44:120 NetpDoDomainJoin\r\n04/20/2026 08:05:47:901 NetpDoDomainJoin: status: 0x0\r\n"
    d.files[base + "Data/TaskHistory.xml"] = b'<?xml version="1.0"?>\r\n<TaskHistory><Task id="4401" result="0"/><Task id="4402" result="0"/></TaskHistory>\r\n'
    d.files[base + "CurrentDownloads.log"] = b"4401,googlechromestandaloneenterprise64.msi,complete\r\n4402,kiosk.cmd,complete\r\n"

    d.key(L, "add-vulscan", "the scan registered in the /exe= /cmd= form, first start 01 Jan 3000")
    d.key(L, "add-policysync", "so is the policy sync")
    d.key("LocalSchedulerTasks.log", "-", "UTF-16LE with BOM (PowerShell Out-File), Start: 01 Jan 3000 00:00:00 for tasks 3 and 4")
    d.key(G, "action4", "the production agent installed as the last action")
    d.key(G, "completed", "template completed")
    return d


def lab_0114() -> Device:
    """THE RACE FROM THE AGENT HEALTH TASK: the year-3000 agent is in place, but the Windows scheduled task
    "LANDESK Agent Health Bootstrap Task" (9 PM) launches vulscan during an evening build."""
    d = Device("LAB-0114", datetime(2026, 5, 6), 0, "UTC+0 (UK, winter clock kept)")
    V, core = "2022.3.4.12", "epm.lab.example"
    sd = d.log("ProgramData/LANDesk/Log/sdclient.log")
    vs = d.log("ProgramData/LANDesk/Log/vulscan.log")
    ls = d.log("ProgramData/LANDesk/Log/localsch.log")
    pv = d.log("ldprovisioning/ldprovisioning.log")
    pg = d.log("ldprovisioning/ProvisionGUI.exe.log", style="gui")
    p = Prov(pv, "Evening rebuild", 9)
    q = ProvGui(pg, "Evening rebuild")

    a5s, added, a5e = d.at(20, 31, 0), d.at(20, 40, 11), d.at(20, 40, 30)
    p.action(a5s, a5e, 5, "Install agent (provisioning)", "Configure agent")
    q.action(a5s, a5e, 5, "Install agent (provisioning)", "Configure agent")
    steps(ls, added - sec(9), [(0, "Local scheduler service starting (version %s)" % V), (0, "Loaded 0 tasks")])
    localsch_added(ls, added, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Default /Scan", "01 Jan 3000 00:00:00", "add-vulscan")
    localsch_added(ls, added, 4, POLICYSYNC_EXE, "", "01 Jan 3000 00:00:00")

    # action 6: Office (task 5201), long; at 21:00:19 the Agent Health task starts vulscan
    a6s, x6 = a5e + sec(1), a5e + sec(3)
    t = steps(sd, x6, sd_banner(V, 5201, "Microsoft 365 Apps") + sd_preamble(5201, core)
              + sd_download(core, "M365", "setup.exe", 7_300_000, 30)
              + sd_install('setup.exe /configure config.xml', 1680, 0, 7733) + sd_finish(5201, 0))
    sd.marks["exit6"] = sd.marks.pop("exit")
    end6 = t
    p.distribute(a6s, x6, end6 + sec(1), 6, "Microsoft 365 Apps", 5201, 7730)
    q.action(a6s, end6 + sec(1), 6, "Microsoft 365 Apps", "Distribute software")

    h = d.at(21, 0, 19)
    # The advisory's real lines (seen), then the modeled wait.
    steps(vs, h, [
        (0, "Vulscan.exe version %s starting" % V, "start"),
        (0, "Command line: /AgentBehavior=ERSC_Default /Scan"),
        (0, "Info: Core did not find file RebootBehavior_Apply.zip"),
        (0, "Last status: File not found on core"),
        (0, "Self update: files are up to date."),
        (1, "Check last error after load library.  Error: 126"),
        (1, "Another task is running (sdclient.exe, pid 7733); waiting for it to finish", "waiting"),
    ])
    vs.add(end6 + sec(1), "Wait finished; no other task is running", "wait-finished")
    steps(vs, end6 + sec(1), vs_scan(core, 840, 114))

    a7s, x7 = end6 + sec(2), end6 + sec(3)
    t = steps(sd, x7, sd_banner(V, 5202, "Teams Machine-Wide 2.1") + sd_busy(5202, "vulscan.exe", 8121, BUSY_HEX))
    end7 = t
    p.distribute(a7s, x7, end7 + sec(1), 7, "Teams Machine-Wide 2.1", 5202, 8120, BUSY_HEX, failed=True)
    p.stopped(end7 + sec(1), 7)
    q.action(a7s, end7 + sec(1), 7, "Teams Machine-Wide 2.1", "Distribute software", BUSY_HEX)
    q.stopped(end7 + sec(1), 7)

    S, VS, L, P, G = "ProgramData/LANDesk/Log/sdclient.log", "ProgramData/LANDesk/Log/vulscan.log", "ProgramData/LANDesk/Log/localsch.log", "ldprovisioning/ldprovisioning.log", "ldprovisioning/ProvisionGUI.exe.log"
    d.key(L, "add-vulscan", "the provisioning-only agent: the scan's first start is 01 Jan 3000; localsch.log never launches it")
    d.key(VS, "start", "yet vulscan starts at 21:00:19: the Agent Health Bootstrap Task's hour")
    d.key(VS, "waiting", "it waits for action 6's sdclient")
    d.key(S, "exit6", "action 6's sdclient exits")
    d.key(S, "busy", "action 7's sdclient is refused: vulscan.exe is running")
    d.key(P, "action7", "ldprovisioning.log: action 7 failed")
    d.key(G, "action7", "ProvisionGUI.exe.log: the same action's result (counted once)")
    return d


def lab_0115() -> Device:
    """A DEVICE'S HISTORY: the race at 08:10 (run 1), then the template re-run at 13:40 with the provisioning-only
    agent (scan and sync in the year 3000) and the production agent last, which completes (run 2): the latest run decides."""
    d = Device("LAB-0115", datetime(2026, 4, 14), 2, "UTC+2 (Central European, summer time)")
    V, core = "11.0.5.361", "ldcore01.lab.example"
    sd = d.log("ProgramData/LANDesk/Log/sdclient.log")
    vs = d.log("ProgramData/LANDesk/Log/vulscan.log")
    ls = d.log("ProgramData/LANDesk/Log/localsch.log")
    pv = d.log("ldprovisioning/ldprovisioning.log")
    p = Prov(pv, "Win11 Lab build", 9)
    pkgs = [(6, "7-Zip 23.01", 1054, "7-Zip", "7z2301-x64.msi", 1902592, 44, 'msiexec.exe /i "C:\\ProgramData\\LANDesk\\sdmcache\\packages\\7-Zip\\7z2301-x64.msi" /qn /norestart', 33, 3312),
            (7, "Notepad++ 8.6.4", 1055, "NotepadPP", "npp.8.6.4.Installer.x64.exe", 5177344, 9, "npp.8.6.4.Installer.x64.exe /S", 21, 5096),
            (8, "Google Chrome 122", 1056, "Chrome", "googlechromestandaloneenterprise64.msi", 121634816, 31, 'msiexec.exe /i "googlechromestandaloneenterprise64.msi" /qn', 64, 5480)]

    # ---- run 1, 08:10: the agent registers the scan due at once; it fires during 7-Zip and refuses Notepad++
    t = p.header(d.at(7, 31, 10), V, core, 31)
    t = winpe_phase(d, p, t + sec(4), "Win11 23H2", core)
    steps(pv, t, [(0, "Provisioning agent version %s starting" % V), (1, 'Resuming template "Win11 Lab build" at action 5')])
    a5s, added, a5e = t + sec(5), t + sec(300), t + sec(320)
    p.action(a5s, a5e, 5, "Install LANDesk agent", "Install service", body=[
        (a5s + sec(2), "Downloading file http://%s/ldlogon/AdvanceAgent/Win11_Lab_agent.exe" % core),
        (a5s + sec(40), 'Running agent installer (configuration "Lab standard")'),
        (a5e - sec(3), "Agent installer exited, exit code 0"),
    ])
    steps(ls, added - sec(12), [(0, "Local scheduler service starting (version %s)" % V), (0, "Loaded 0 tasks")])
    localsch_added(ls, added, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Default /Scan", sch_time(added), "add-vulscan-1")
    localsch_added(ls, added, 4, POLICYSYNC_EXE, "", sch_time(added), "add-policysync-1")
    ls.add(added + sec(1), "Task 3: next run %s (random delay 37 s)" % sch_time(added + sec(37)))
    n, name, task, pdir, fn, size, dl, cmd, inst, pid = pkgs[0]
    a6s, x6 = a5e + sec(1), a5e + sec(3)
    t = steps(sd, x6, sd_banner(V, task, name) + sd_preamble(task, core) + sd_download(core, pdir, fn, size, dl) + sd_install(cmd, inst, 0) + sd_finish(task, 0))
    sd.marks["exit6-1"] = sd.marks.pop("exit")
    end6 = t
    p.distribute(a6s, x6, end6 + sec(1), n, name, task, pid)
    launch = added + sec(37)
    localsch_launch(ls, launch, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Default /Scan", 4412, "launch-vulscan-1")
    steps(vs, launch, vs_banner(V) + [(1, "Another task is running (sdclient.exe, pid %d); waiting for it to finish" % pid, "waiting-1")])
    vs.add(end6 + sec(1), "Wait finished; no other task is running", "wait-finished-1")
    scan_end = steps(vs, end6 + sec(1), vs_scan(core, 860, 115))
    ls.add(scan_end, "Task 3 finished, exit code 0")
    n, name, task, pdir, fn, size, dl, cmd, inst, pid = pkgs[1]
    a7s, x7 = end6 + sec(2), end6 + sec(4)
    end7 = steps(sd, x7, sd_banner(V, task, name) + sd_busy(task, "vulscan.exe", 4412))
    sd.marks["busy-1"] = sd.marks.pop("busy")
    p.distribute(a7s, x7, end7 + sec(1), n, name, task, pid, BUSY, failed=True)
    pv.marks["action7-1"] = pv.marks.pop("action7")
    p.stopped(end7 + sec(1), n)
    pv.marks["stopped-1"] = pv.marks.pop("stopped")

    # ---- run 2, 13:40: the admin re-runs the template with the provisioning-only agent; the production agent is last
    t = p.header(d.at(13, 40, 2), V, core, 31)
    pv.marks["header-2"] = (len(pv.items), pv.items[-1])
    t = winpe_phase(d, p, t + sec(4), "Win11 23H2", core)
    steps(pv, t, [(0, "Provisioning agent version %s starting" % V), (1, 'Resuming template "Win11 Lab build" at action 5')])
    a5s, added, a5e = t + sec(5), t + sec(290), t + sec(311)
    p.action(a5s, a5e, 5, "Install LANDesk agent", "Install service", body=[
        (a5s + sec(2), "Downloading file http://%s/ldlogon/AdvanceAgent/Provisioning_agent.exe" % core),
        (a5s + sec(38), 'Running agent installer (configuration "Provisioning - scan and sync in year 3000")'),
        (a5e - sec(3), "Agent installer exited, exit code 0"),
    ])
    steps(ls, added - sec(11), [(0, "Local scheduler service starting (version %s)" % V), (0, "Loaded 0 tasks")])
    localsch_added(ls, added, 3, VULSCAN_EXE, "/AgentBehavior=ERSC_Default /Scan", "01 Jan 3000 00:00:00", "add-vulscan-2")
    localsch_added(ls, added, 4, POLICYSYNC_EXE, "", "01 Jan 3000 00:00:00", "add-policysync-2")
    t = a5e
    for n, name, task, pdir, fn, size, dl, cmd, inst, pid in pkgs:
        ast, x = t + sec(1), t + sec(3)
        e = steps(sd, x, sd_banner(V, task, name) + sd_preamble(task, core) + sd_download(core, pdir, fn, size, dl) + sd_install(cmd, inst, 0, pid + 4) + sd_finish(task, 0))
        sd.marks.pop("exit", None)
        p.distribute(ast, x, e + sec(1), n, name, task, pid)
        d.stat(task, 4, 0, e)
        t = e + sec(1)
    a9 = t + sec(2)
    p.action(a9, a9 + sec(380), 9, "Install production agent", "Install service", body=[
        (a9 + sec(1), "Downloading file http://%s/ldlogon/AdvanceAgent/Win11_Standard_agent.exe" % core),
        (a9 + sec(20), 'Running agent installer (configuration "Win11 Standard")'),
        (a9 + sec(378), "Agent installer exited, exit code 0"),
    ])
    ls.add(a9 + sec(376), "Local scheduler service stopping (agent update)")
    p.completed(a9 + sec(381))
    pv.marks["completed-2"] = pv.marks.pop("completed")

    d.files["LocalSchedulerTasks.log"] = tasks_listing([
        (3, '"%s" /AgentBehavior=ERSC_Default /Scan' % VULSCAN_EXE, "01 Jan 3000 00:00:00"),
        (4, '"%s"' % POLICYSYNC_EXE, "01 Jan 3000 00:00:00"),
    ]).encode()
    S, VS, L, P = "ProgramData/LANDesk/Log/sdclient.log", "ProgramData/LANDesk/Log/vulscan.log", "ProgramData/LANDesk/Log/localsch.log", "ldprovisioning/ldprovisioning.log"
    d.key(L, "add-vulscan-1", "run 1: the agent install registers the scan due at once")
    d.key(VS, "waiting-1", "run 1: vulscan waits for 7-Zip's sdclient")
    d.key(S, "busy-1", "run 1: Notepad++'s sdclient is refused: vulscan.exe is running")
    d.key(P, "action7-1", "run 1: action 7 failed")
    d.key(P, "header-2", "run 2 begins at 13:40: the template runs again from the start")
    d.key(L, "add-vulscan-2", "run 2: the provisioning-only agent's scan starts in the year 3000")
    d.key(P, "completed-2", "run 2: the template completes; the latest run decides: no-failure")
    return d


def lab_0116() -> Device:
    """THE GATHERING SCRIPT'S LAYOUT: LAB-0101's race as the vendor's script gathers it: All_Zipped_Logs_<NAME>_<MMddyyyy>.zip
    holding PS1_Log_Script/ with Log/, Policies/Policies/, Provisioning/ and the script's own outputs at its top."""
    d = lab_0101()
    d.name = "LAB-0116"
    d.zip = True
    d.zip_name = "All_Zipped_Logs_LAB-0116_02172026.zip"
    d.zip_prefix = "PS1_Log_Script/"
    moved = {}
    def where(path: str) -> str:
        for old, new in (("ProgramData/LANDesk/Log/", "Log/"), ("ProgramData/LANDesk/Policies/", "Policies/Policies/"), ("ldprovisioning/", "Provisioning/")):
            if path.startswith(old):
                return new + path[len(old):]
        return path
    for path, f in list(d.files.items()):
        moved[where(path)] = f
    d.files = moved
    d.key_lines = [(where(path), mark, why) for path, mark, why in d.key_lines]
    utf16 = lambda text: ("\ufeff" + text).encode("utf-16-le")
    # The script's own outputs: command outputs at its top (UTF-16LE, as Out-File writes), registry exports under a .log name, PXE checks.
    d.files["Hostname_IP_Info.log"] = utf16("Hostname: LAB-0116\r\nIPv4 Address: 10.20.4.116\r\n")
    d.files["SystemInfo.log"] = utf16("\r\nHost Name:                 LAB-0116\r\nOS Name:                   Microsoft Windows 10 Enterprise\r\n")
    d.files["Process_Running.log"] = utf16("Name            Id\r\n----            --\r\nvulscan       4412\r\nexplorer      2210\r\n")
    d.files["Process_Commandline.log"] = ("\ufeffName CommandLine\r\nexplorer.exe C:\\Windows\\explorer.exe\r\n"
        "vulscan.exe \"C:\\Program Files (x86)\\LANDesk\\LDClient\\vulscan.exe\" /AgentBehavior=ERSC_Default /Scan\r\n").encode("utf-8")
    d.files["RegistryInfo/LANDesk_Registry.log"] = utf16("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\LANDesk\\ManagementSuite\\WinClient]\r\n\"Version\"=\"11.0.5.361\"\r\n")
    d.files["Log/PXETroubleshooting/PXENetStat.log"] = b"Active Connections\r\n  Proto  Local Address  Foreign Address  State\r\n"
    return d


DEVICES = [
    (lab_0101, "vulscan-blocked-sdclient", "Adobe Reader DC", 7, "EPM 2016+ layout, UTF-8, CRLF", "the vulscan race (modeled wording)"),
    (lab_0102, "no-failure", None, None, "EPM 2016+ layout, UTF-8 (provisioning log with BOM), CRLF", "clean run with the provisioning-only agent (year 3000), production agent last"),
    (lab_0103, "package-install-failed", "Java Runtime 8u401", 8, "older layout (LDClient, per-task logs, rotated vulscan in ProgramData/vulScan), UTF-8, CRLF", "Java's own installer fails (1603) while vulscan waits on it"),
    (lab_0104, "policysync-blocked-sdclient", "SAP GUI 7.70", 7, "ZIP bundle, EPM 2016+ layout, UTF-8 (sdclient.log with BOM), CRLF", "the policy sync race"),
    (lab_0105, "download-failed", "VLC media player 3.0.20", 8, "EPM 2016+ layout, every file UTF-16LE with BOM, CRLF", "download error (access denied, then a hash mismatch)"),
    (lab_0106, "sdclient-overlap", "Microsoft Visual C++ 2015-2022 Redistributable", 7, "mixed layout with per-task logs, UTF-8 with junk, CRLF", "a pushed task's sdclient is still running when action 7's starts; bad input all around"),
    (lab_0107, "no-failure", None, None, "older layout (LDClient, policy.sync.log), Windows-1252, CRLF", "a scan during provisioning that blocks nothing"),
    (lab_0108, "vulscan-blocked-sdclient", "Slack 4.36", 7, "EPM 2016+ layout with per-task logs, UTF-8, CRLF", "the vulscan race in unknown wording (windows only)"),
    (lab_0109, "vulscan-blocked-sdclient", "Cisco AnyConnect 4.10", 10, "EPM 2016+ layout, vulscan in ProgramData/vulScan, UTF-8, LF; other timestamp shapes", "a clock jump (-59 min 58 s), then the vulscan race"),
    (lab_0110, "unexplained-failure", "Microsoft Visual Studio Code 1.86", 8, "EPM 2016+ layout, UTF-8, CRLF", "the task handler crashes: nothing explains it"),
    (lab_0111, "package-install-failed", EVIL_PKG, 8, "EPM 2016+ layout, UTF-8 with ESC bytes, CRLF", "hostile text; the installer fails (1603)"),
    (lab_0112, "vulscan-blocked-sdclient", "Zoom Workplace 6.0", 5, "EPM 2016+ layout, Ivanti EPM Agent paths, `ldprovisioning/ProvisionGUI.exe.log` only, UTF-8, CRLF", "the vulscan race, the provisioning agent's own log (seen shape)"),
    (lab_0113, "no-failure", None, None, "older layout (LDClient, `SDClientTask.<Core>.<task>.log`), `/exe= /cmd=` scheduler lines, UTF-16LE task list, non-EPM files", "clean run, provisioning-only agent in place"),
    (lab_0114, "vulscan-blocked-sdclient", "Teams Machine-Wide 2.1", 7, "EPM 2016+ layout, both provisioning logs, UTF-8, CRLF", "the year-3000 agent is in place, but the Agent Health task launches vulscan at 9 PM"),
    (lab_0115, "no-failure", None, None, "EPM 2016+ layout, UTF-8, CRLF; two template runs in one bundle", "re-provisioned: the race at 08:10 (run 1), then a re-run at 13:40 with the year-3000 agent that completes (run 2): the latest run decides"),
    (lab_0116, "vulscan-blocked-sdclient", "Adobe Reader DC", 7, "the vendor's gathering script's zip (`All_Zipped_Logs_LAB-0116_02172026.zip` → `PS1_Log_Script/`), UTF-8 and UTF-16LE, CRLF", "LAB-0101's race as the vendor's script gathers it, vulscan still running at gathering time"),
]


# ---------------------------------------------------------------- writing

def render(d: Device) -> dict[str, bytes]:
    out = {}
    for path, f in d.files.items():
        out[path] = f if isinstance(f, bytes) else f.render()
    return out


def line_text(d: Device, path: str, mark: str) -> tuple[str, str]:
    if mark == "-":
        return path, ""
    n, text = d.line_of(path, mark)
    return "%s:%d" % (path, n), text


def zone_short(h: float) -> str:
    sign = "+" if h >= 0 else "-"
    m = int(round(abs(h) * 60))
    return "UTC%s%d%s" % (sign, m // 60, (":%02d" % (m % 60)) if m % 60 else "")


def md_escape(s: str) -> str:
    s = "".join(("\\x%02x" % ord(c)) if ord(c) < 32 else c for c in s)
    return s.replace("<", "&lt;").replace(">", "&gt;")


def code_span(s: str, in_table: bool = False) -> str:
    s = "".join(("\\x%02x" % ord(c)) if ord(c) < 32 else c for c in s)
    if in_table:
        s = s.replace("|", "\\|")
    return "`` %s ``" % s if "`" in s else "`%s`" % s


def main() -> None:
    if os.path.isdir(OUT):
        for name in os.listdir(OUT):
            p = os.path.join(OUT, name)
            if name.startswith("LAB-") or name.startswith("All_Zipped_Logs_"):
                shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
    os.makedirs(OUT, exist_ok=True)

    expected = {}
    readme_rows = []
    readme_keys = []
    for fn, verdict, pkg, action, layout, scenario in DEVICES:
        d = fn()
        files = render(d)
        if d.zip:
            zpath = os.path.join(OUT, d.zip_name or d.name + ".zip")
            with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
                for path in sorted(files):
                    zi = zipfile.ZipInfo(d.zip_prefix + path, date_time=(2026, 3, 2, 14, 30, 0))
                    zi.compress_type = zipfile.ZIP_DEFLATED
                    z.writestr(zi, files[path])
            where = d.zip_name or d.name + ".zip"
        else:
            for path, data in files.items():
                full = os.path.join(OUT, d.name, path)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "wb") as fh:
                    fh.write(data)
            where = d.name + "/"
        expected[d.name] = {"verdict": verdict, "package": pkg, "action": action}
        readme_rows.append("| `%s` | %s | %s | %s | `%s` | %s | %s |" % (
            where, layout, zone_short(d.zone),
            scenario, verdict, code_span(pkg, True) if pkg else "–", action if action else "–"))
        keys = ["### %s — `%s`" % (d.name, verdict), "", "Device clock: %s. Files: `%s`." % (d.zone_name, where), ""]
        for path, mark, why in d.key_lines:
            loc, text = line_text(d, path, mark)
            prefix = ((d.zip_name or d.name + ".zip") + ":" + d.zip_prefix if d.zip else d.name + "/")
            if text:
                keys.append("- `%s%s` %s — %s" % (prefix, loc, code_span(text if len(text) < 200 else text[:60] + "…"), md_escape(why)))
            else:
                keys.append("- `%s%s` — %s" % (prefix, loc, md_escape(why)))
        stats = [(p, f) for p, f in d.files.items() if isinstance(f, StatFile)]
        for p, s in sorted(stats):
            keys.append("- `%s%s`: TaskIdn %d, Status %d, ReturnCode %d, LastRunTime %d (%s)" % (
                ((d.zip_name or d.name + ".zip") + ":" + d.zip_prefix if d.zip else d.name + "/"), p, s.task, s.status, s.code, s.epoch, s.utc_text))
        keys.append("")
        readme_keys.append("\n".join(keys))

    with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8", newline="\n") as fh:
        json.dump(expected, fh, indent=2, ensure_ascii=False)
        fh.write("\n")

    with open(os.path.join(OUT, ".gitattributes"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(GITATTRIBUTES)

    readme = README_HEAD + "\n".join(readme_rows) + "\n\n" + README_MID + "\n".join(readme_keys) + README_TAIL
    with open(os.path.join(OUT, "README.md"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(readme)


GITATTRIBUTES = """# The bundles' bytes are the test data: CRLF and LF line ends, UTF-16 and Windows-1252 files,
# binary junk and a truncated last line must reach the tests exactly as written.
* -text
README.md text eol=lf
expected.json text eol=lf
"""

README_HEAD = """# Sample device bundles

**These bundles are synthetic.** They were written by `scripts/make-samples.py` from the documented
behaviour in `FORMATS.md` (the project's log reference); they are not real customer logs, and
the wording that FORMATS.md marks *modeled* is the project's default pattern pack, not a quote
from any agent version. Regenerate with `python3 scripts/make-samples.py` (deterministic).

Each bundle is one device: a folder (or a `.zip`, device name = file name without `.zip`)
holding the files a gathering script copies. Within a device one clock is used throughout: an
sdclient run's lines, vulscan's wait and scan lines, the scheduler's launch lines and the
provisioning log's action lines agree to the second where they describe the same moment; the
scheduler launches a task and the process's banner follows in the same second; task ids match
between sdclient's `/taskid=`, the per-task log names and `CP.<id>.RunNow.stat`; pids match between
the scheduler's `Task N started, pid P`, the provisioning log's `Process started, pid P`, and the
busy / waiting messages. `.stat` `<LastRunTime>` is the end of the task's sdclient run (its exit
line), local time converted to UTC with the device's zone below.

`expected.json` is the oracle the tests use: verdict, failed package and action number per device
(`null` where nothing failed).

| Bundle | Layout / encoding | Zone | Scenario | Expected verdict | Failed package | Action |
|---|---|---|---|---|---|---|
"""

README_MID = """
Common to all bundles: CRLF line ends unless said otherwise (LAB-0109 uses LF), UTF-8 without BOM
unless said otherwise, `LocalSchedulerTasks.log` at the bundle root, `ldprovisioning/ldprovisioning.log`
for the provisioning agent, `ProgramData/LANDesk/Policies/CP.<id>.RunNow.stat` for every distribution
task that ran. Ordinary noise lines (`Info: Core did not find file` followed by a wrapped line,
`Self update: files are up to date.`, `Check last error after load library.  Error: 126`,
`Downloading file …`, `sdmcache: …`, `Hash check: …`, `Reboot behavior: …`) appear in every run.
Successful runs end with `result 0 (0x00000000)`, except LAB-0102 and LAB-0107, which use the
documented success code `result 229965824 (0x0DB50000)` (provisioning still logs `return code 0`).

## Key lines per device

Line numbers are 1-based, counting every line of the file (continuation lines included).

"""

README_TAIL = """
## Per-device notes

- **LAB-0101**: the scheduler's random delay for the scan came out at 41 s, so the scan fires during
  action 6 (7-Zip). The policy sync runs alone at 10:19 and scrubs normally. The inventory task (1) is
  scheduled for the next day and never runs.
- **LAB-0102**: the bundle was gathered right after the template completed: the production agent's
  installer stopped the scheduler service ("Local scheduler service stopping (agent update)") before
  it could register its own tasks, so `LocalSchedulerTasks.log` still shows the provisioning agent's
  year-3000 tasks. vulscan.log holds one `/ChangeSettings` run (no scan) during the agent install.
  `PolicySync.exe.log` is empty (0 bytes).
- **LAB-0103**: `sdclient_task1201.1.log` is the first half of action 6 (.NET 4.8.1): the installer
  returned 3010, sdclient rebooted the device and its log ends there (no exit line);
  `sdclient_task1201.log` is the run that resumed after the reboot and completed. The general
  `LDClient/sdclient.log` holds only the install-time self-update run. vulscan logs: `.2` = install-time
  `/ChangeSettings` run, `.1` = the scheduled scan (which waited on the Java run), current `vulscan.log` =
  a later `/ChangeSettings` run triggered by the policy sync. The Java failure is the package's own:
  no sdclient run follows the Java one, so vulscan blocked nothing.
- **LAB-0104**: a ZIP without a folder prefix (entries start at `ProgramData/`, `ldprovisioning/`,
  `LocalSchedulerTasks.log`). The scan runs alone at 13:56.
- **LAB-0105**: every file, the `.stat` XML and `LocalSchedulerTasks.log` included, is UTF-16LE with a
  BOM (`.stat` files declare `encoding="utf-16"`). Code -2147024891 = 0x80070005 (access denied),
  the same in sdclient, the `.stat` file and the provisioning log. vulscan and the policy sync run after
  the template stopped.
- **LAB-0106**: bad input on top of an sdclient overlap. Per-task logs are under
  `Program Files (x86)/LANDesk/LDClient/Data/` while the other logs use the 2016+ folders. Task 2210 is
  a task pushed from the core (not a template action), started 1 s after action 6's sdclient exited;
  action 7's sdclient (task 5507) starts 3 s after that and is refused. Junk:
  `ProgramData/LANDesk/Log/sdclient.log` has three lines of binary junk (NUL bytes, invalid UTF-8)
  between its ordinary lines; `ProgramData/LANDesk/Log/vulscan.log` is cut in the middle of its last
  line (no final newline); `ProgramData/LANDesk/Log/notes.bin` is 4 KiB of random bytes;
  `localsch.log` holds one 5 MiB base64-looking line without a timestamp, followed by normal lines;
  `localsch.log` has a line dated `Tue, 31 Feb 2026` (impossible); the `Package:` line of
  `sdclient_task5507.log` says `Wed, 10 Feb 2026` though 10 Feb 2026 is a Tuesday (valid: ignore the
  weekday). The later policy sync logs "skipping policy scrub" because vulscan is scanning then: it
  blocks nothing.
- **LAB-0107**: Windows-1252 without BOM: é, è, ü, Ü and € (0x80) in package names, paths, the template
  name and the agent behaviour name `ERSC_Défaut`. Older layout: `LDClient/sdclient.log`, `vulscan.log`,
  `localsch.log`, `policy.sync.log`. vulscan waits on action 7's sdclient, scans while action 8 (an
  Execute file script, no sdclient) runs, and finishes 61 s before action 9's sdclient starts.
- **LAB-0108**: the agent writes per-task sdclient logs (`LDClient/Data/sdclient_task<ID>.log`, one run
  each) and none of its sdclient or vulscan lines match the modeled wording (`=== Software
  distribution client 2024.3 start ===`, `Cannot continue: another agent task (vulscan) holds the lock`,
  `Finished with code -1916`; `VULSCAN 2024.3 started`, `Detected running process sdclient.exe -
  deferring scan`, `Resuming scan`, `Scan complete, exit 0`). vulscan logs a line every 30 s while it
  defers, so its window has no gap. The scheduler, policy sync, provisioning log and `.stat` files use
  the modeled wording.
- **LAB-0109**: the device clock ran 59 min 58 s fast until action 6 (a domain-join package) synced it.
  The scheduler registered the scan at 14:02:31 on the fast clock with a 540 s delay; it keeps the
  schedule in local time, so the scan fires at 14:11:31 on the corrected clock, an hour later in true
  time, during action 9. Timestamps 14:0x therefore appear both before the jump (agent install, install-time
  policy sync and `/ChangeSettings` vulscan run) and after it (the race): only file order separates them.
  Shapes: `YYYY-MM-DD HH:MM:SS.fff` in ldprovisioning.log, `MM/DD/YYYY HH:MM:SS` in PolicySync.exe.log,
  `DD Mon YYYY HH:MM:SS` in localsch.log, the standard shape elsewhere. Every `.stat` time is after the
  sync, so the UTC anchors agree with the corrected clock (UTC-5).
- **LAB-0110**: provisioning-only agent (year 3000), so no scan or sync runs; vulscan.log holds only the
  install-time `/ChangeSettings` run and `PolicySync.exe.log` is empty (0 bytes). Action 8's run has no `processing of package is complete` line:
  the task handler throws (stack trace on continuation lines), sdclient sends -2147467259 (0x80004005)
  and exits. `.stat` Status 8 (Failed_Exception).
- **LAB-0111**: hostile text: the failed package is
  `` =HYPERLINK("http://evil.example","click") <script>alert(1)</script> | `rm` `` (note the inner double
  quotes: the `Package: "…"` and `Action 8 of 12 "…"` lines must be read up to the *last* quote);
  action 6's package is `+cmd|' /C calc'!A0`; the template name contains `"><img src=x onerror=alert(1)>`;
  messages carry real ESC bytes (`\\x1b[31m`, `\\x1b[0m`, `\\x1b[2J`, `\\x1b[H`, `\\x1b]0;pwned\\x07`), pipes
  and backticks. The scan and the policy sync run after the template stopped.
- **LAB-0112**: the provisioning agent's own log as real devices write it (`ldprovisioning/ProvisionGUI.exe.log`,
  FORMATS.md's seen name and modeled lines): `Recieved command to set print: Action`, the name on the next
  line, the `<Action><ActionId>…` XML fragment, then `Action N SUCCESS|FAILED, return:<code>`. There is no
  `ldprovisioning.log`. The agent's paths are the newer `Ivanti\EPM Agent\` tree. The busy code is written
  `-1917517692 (0x8DB50084)`, the two forms agreeing (the revised FORMATS.md).
- **LAB-0113**: older per-task logs `SDClientTask.LDCORE02.<task>.log`; the scheduler's `/exe="…" /cmd="…"`
  form in `localsch.log` and in `LocalSchedulerTasks.log`, which is UTF-16LE with a BOM as PowerShell's
  `Out-File` writes it. The bundle also holds files the gathering script takes that are not EPM logs
  (`Windows/Panther/setupact.log`, whose lines would match EPM patterns if sniffed; `NetSetup.txt`) and EPM
  files the tool does not read (`TaskHistory.xml`, `CurrentDownloads.log`): all are listed as skipped, with
  the reason.
- **LAB-0114**: the fix is in place (the scheduler's scan and sync start in the year 3000 and localsch.log
  never launches them), yet vulscan starts at 21:00:19, the hour of the Windows scheduled task
  "LANDESK Agent Health Bootstrap Task" (daily, 9 PM by default), which launches vulscan too. Its first
  lines are the 2025 advisory's real ones. Both `ldprovisioning.log` and `ProvisionGUI.exe.log` record the
  actions: each action is counted once.
- **LAB-0115**: one bundle, two template runs, as a re-provisioned device's logs are: every log holds run 1
  (08:10, the vulscan race refuses action 7, Notepad++) and then run 2 (13:40, the same template with the
  provisioning-only agent, which completes). The `.stat` files and `LocalSchedulerTasks.log` are snapshots:
  run 2's. The verdict is run 2's (no-failure); run 1 is the device's history, and the fleet's first-attempt
  figures count it.
- **LAB-0116**: LAB-0101's bundle as the vendor's gathering script lays it out, zipped as the script
  names it: the device's name and the gathering date come from the zip's name; `Log/`, `Policies/Policies/`
  and `Provisioning/` hold the logs; the script's own outputs at the top (`SystemInfo.log`,
  `Hostname_IP_Info.log`, `Process_Running.log`, UTF-16LE), `RegistryInfo/*.log` (a `.reg` export) and
  `Log/PXETroubleshooting/` are skipped by name; `Process_Commandline.log` (UTF-8 with BOM) shows vulscan
  still running when the logs were gathered.
"""


if __name__ == "__main__":
    main()
