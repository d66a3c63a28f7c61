// `npm run dev`: rebuild the screens on every change and run the browser host from source.
import { spawn } from 'node:child_process';

const children = [
  spawn('npx', ['vite', 'build', '--watch', '--mode', 'development'], { stdio: 'inherit' }),
  spawn('npx', ['tsx', 'watch', 'electron/browser-host/main.ts'], { stdio: 'inherit' }),
];
const stop = () => children.forEach((child) => child.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
