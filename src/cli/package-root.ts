import { fileURLToPath } from 'node:url';

/** The package's folder, from this file whether it runs compiled (dist/cli) or from source (src/cli). */
export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
