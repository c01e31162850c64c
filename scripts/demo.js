// `npm run demo`: diagnose the bundled samples. The samples are failed devices on purpose,
// so exit code 1 ("a device failed") is the expected outcome here, not an npm error.
import { main } from '../dist/cli.js';

const code = await main(['diagnose', 'samples/', ...process.argv.slice(2)]);
process.exitCode = code === 1 ? 0 : code;
