# A network share that stops answering, for the tests (test/helpers/hung-share.ts): a read-only
# FUSE passthrough of SRC mounted at MNT, where each call of kind WHAT (read, open, getattr,
# readdir) on a path that contains HANG does not return, as on a hard-mounted NFS or SMB share
# whose server went away: the caller waits in the kernel, whatever its flags. Each such call is
# written to LOG ("hanging <kind> <path>") as it starts to wait. Once the file RELEASE exists,
# the waiting calls fail with EIO and no call hangs any more, so nothing is left stuck in the
# kernel when the test unmounts (a server killed with a request in flight can leave its
# caller's page locked for good).
import errno, os, sys, threading, time
from fusepy import FUSE, FuseOSError, Operations

SRC, MNT, HANG, WHAT, LOG, RELEASE = sys.argv[1:7]
log_lock = threading.Lock()

def hang(kind, path):
    if kind != WHAT or HANG not in path or os.path.exists(RELEASE):
        return
    with log_lock, open(LOG, 'a') as log:
        log.write(f'hanging {kind} {path}\n')
    while not os.path.exists(RELEASE):
        time.sleep(0.05)
    raise FuseOSError(errno.EIO)

class HungShare(Operations):
    def _real(self, path):
        return os.path.join(SRC, path.lstrip('/'))

    def getattr(self, path, fh=None):
        hang('getattr', path)
        try:
            st = os.lstat(self._real(path))
        except OSError as error:
            raise FuseOSError(error.errno)
        return {key: getattr(st, key) for key in ('st_mode', 'st_nlink', 'st_size', 'st_mtime', 'st_ctime', 'st_atime', 'st_uid', 'st_gid')}

    def readdir(self, path, fh):
        hang('readdir', path)
        return ['.', '..'] + os.listdir(self._real(path))

    def open(self, path, flags):
        hang('open', path)
        return os.open(self._real(path), os.O_RDONLY)

    def read(self, path, size, offset, fh):
        hang('read', path)
        return os.pread(fh, size, offset)

    def release(self, path, fh):
        os.close(fh)

FUSE(HungShare(), MNT, foreground=True, nothreads=False, ro=True, allow_other=True)
