import { fileURLToPath } from 'node:url';

/**
 * The folder of the console's built files (index.html and hashed assets),
 * for a server to serve; `yarn build` fills it. The same from src/ and
 * dist/: both sit one level below the package.
 */
export function consoleAssetsDir(): string {
  return fileURLToPath(new URL('../dist/app/', import.meta.url));
}
