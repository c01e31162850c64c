// Types of what the tests take from the bench script (a plain .js file run by node).
export function smallDevice(index: number): Record<string, string[]>;
export function writeDevice(root: string, files: Record<string, string[]>): void;
export function writeBigDevice(root: string, bytes: number): void;
export function writeManyRunsDevice(dir: string, runs: number): void;
