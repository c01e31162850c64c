// What a return code means, where it is a well-known one. A provisioning action's code is the
// code of whatever it ran: a Windows system error (winerror.h), a Windows Installer error (the
// 16xx range, also winerror.h), an HRESULT (0x8007xxxx wraps a Windows error), the agent's own
// 0x8DB5xxxx, or an installer wrapper's (PSAppDeployToolkit's documented ranges). A small
// table of the codes admins meet, with where each comes from, so a report can say it plainly.
import { hexCode } from './codes.js';

export interface CodeMeaning {
  /** The symbolic name, where the source gives one (ERROR_ACCESS_DENIED). */
  name?: string;
  /** What it says, in the source's words or close to them. */
  text: string;
  /** Where the meaning comes from. */
  source: string;
}

const WINERROR = 'Windows system error code (winerror.h)';
const MSI = 'Windows Installer error (winerror.h)';
const NETERR = 'Windows network management error (lmerr.h)';

const WIN32: ReadonlyMap<number, Omit<CodeMeaning, 'source'> & { source?: string }> = new Map([
  [1, { name: 'ERROR_INVALID_FUNCTION', text: 'Incorrect function (also the generic "failed" exit code of many programs and scripts)' }],
  [2, { name: 'ERROR_FILE_NOT_FOUND', text: 'The system cannot find the file specified' }],
  [3, { name: 'ERROR_PATH_NOT_FOUND', text: 'The system cannot find the path specified' }],
  [5, { name: 'ERROR_ACCESS_DENIED', text: 'Access is denied' }],
  [32, { name: 'ERROR_SHARING_VIOLATION', text: 'The file is being used by another process' }],
  [53, { name: 'ERROR_BAD_NETPATH', text: 'The network path was not found' }],
  [87, { name: 'ERROR_INVALID_PARAMETER', text: 'The parameter is incorrect' }],
  [112, { name: 'ERROR_DISK_FULL', text: 'There is not enough space on the disk' }],
  [258, { name: 'WAIT_TIMEOUT', text: 'The wait operation timed out' }],
  [267, { name: 'ERROR_DIRECTORY', text: 'The directory name is invalid' }],
  [1115, { name: 'ERROR_SHUTDOWN_IN_PROGRESS', text: 'A system shutdown is in progress' }],
  [1190, { name: 'ERROR_SHUTDOWN_IS_SCHEDULED', text: 'A system shutdown has already been scheduled' }],
  [1219, { name: 'ERROR_SESSION_CREDENTIAL_CONFLICT', text: 'Multiple connections to a server by the same user, using more than one user name, are not allowed' }],
  [1223, { name: 'ERROR_CANCELLED', text: 'The operation was canceled by the user' }],
  [1326, { name: 'ERROR_LOGON_FAILURE', text: 'The user name or password is incorrect' }],
  [1355, { name: 'ERROR_NO_SUCH_DOMAIN', text: 'The specified domain either does not exist or could not be contacted' }],
  [1460, { name: 'ERROR_TIMEOUT', text: 'This operation returned because the timeout period expired' }],
  [1602, { name: 'ERROR_INSTALL_USEREXIT', text: 'User cancelled installation', source: MSI }],
  [1603, { name: 'ERROR_INSTALL_FAILURE', text: 'Fatal error during installation', source: MSI }],
  [1618, { name: 'ERROR_INSTALL_ALREADY_RUNNING', text: 'Another installation is already in progress (Windows Installer\'s own lock, not the agent\'s busy refusal)', source: MSI }],
  [1619, { name: 'ERROR_INSTALL_PACKAGE_OPEN_FAILED', text: 'This installation package could not be opened', source: MSI }],
  [1620, { name: 'ERROR_INSTALL_PACKAGE_INVALID', text: 'This installation package could not be opened (not a valid package)', source: MSI }],
  [1625, { name: 'ERROR_INSTALL_PACKAGE_REJECTED', text: 'This installation is forbidden by system policy', source: MSI }],
  [1633, { name: 'ERROR_INSTALL_PLATFORM_UNSUPPORTED', text: 'This installation package is not supported by this processor type', source: MSI }],
  [1638, { name: 'ERROR_PRODUCT_VERSION', text: 'Another version of this product is already installed', source: MSI }],
  [1641, { name: 'ERROR_SUCCESS_REBOOT_INITIATED', text: 'The installer has initiated a restart (success)', source: MSI }],
  [2224, { name: 'NERR_UserExists', text: 'The account already exists (a domain join finding the computer account already there)', source: NETERR }],
  [2691, { name: 'NERR_SetupAlreadyJoined', text: 'This computer is already joined to a domain', source: NETERR }],
  [2692, { name: 'NERR_SetupNotJoined', text: 'This computer is not currently joined to a domain', source: NETERR }],
  [3010, { name: 'ERROR_SUCCESS_REBOOT_REQUIRED', text: 'A restart is required to complete the install (success)', source: MSI }],
]);

const HRESULTS: ReadonlyMap<number, CodeMeaning> = new Map([
  [0x80004005 | 0, { name: 'E_FAIL', text: 'Unspecified error', source: 'COM HRESULT (winerror.h)' }],
  [0x80004004 | 0, { name: 'E_ABORT', text: 'Operation aborted', source: 'COM HRESULT (winerror.h)' }],
  [0x8000ffff | 0, { name: 'E_UNEXPECTED', text: 'Catastrophic failure', source: 'COM HRESULT (winerror.h)' }],
]);

/** The meaning of a code, where it is one of the well-known ones; undefined otherwise. */
export function codeMeaning(code: number): CodeMeaning | undefined {
  const win32 = WIN32.get(code);
  if (win32) return { ...win32, source: win32.source ?? WINERROR };
  const hresult = HRESULTS.get(code);
  if (hresult) return hresult;
  const unsigned = code >>> 0;
  // HRESULT_FROM_WIN32: 0x8007xxxx carries a Windows error in its low 16 bits.
  if ((unsigned & 0xffff0000) >>> 0 === 0x80070000) {
    const inner = WIN32.get(unsigned & 0xffff);
    const what = inner ? `${inner.name ?? ''}${inner.name ? ': ' : ''}${inner.text}` : `Windows error ${unsigned & 0xffff}`;
    return { text: `${what}, as an HRESULT`, source: `HRESULT wrapping a Windows error (HRESULT_FROM_WIN32 of ${unsigned & 0xffff})` };
  }
  if ((unsigned & 0xffff0000) >>> 0 === 0x8db50000) {
    return { text: 'the EPM agent\'s own code (not an installer\'s)', source: 'Ivanti EPM agent (0x8DB5xxxx)' };
  }
  if (code >= 60000 && code <= 68999) return { text: 'PSAppDeployToolkit\'s own error (its reserved range 60000-68999)', source: 'PSAppDeployToolkit exit code ranges' };
  if (code >= 69000 && code <= 69999) return { text: 'an exit code defined in a PSAppDeployToolkit deployment script (69000-69999)', source: 'PSAppDeployToolkit exit code ranges' };
  if (code >= 70000 && code <= 79999) return { text: 'an exit code defined in a PSAppDeployToolkit extension (70000-79999)', source: 'PSAppDeployToolkit exit code ranges' };
  return undefined;
}

/** "1355 (0x0000054B): ERROR_NO_SUCH_DOMAIN, the specified domain … (Windows system error code)", or the code and hex alone. */
export function describeCode(code: number): string {
  const meaning = codeMeaning(code);
  const head = `${code} (${hexCode(code)})`;
  if (!meaning) return head;
  return `${head}: ${meaning.name ? `${meaning.name}, ` : ''}"${meaning.text}" (${meaning.source})`;
}
