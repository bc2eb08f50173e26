// A scratch copy of wxauth's built dist/ with proposed hot-path changes applied, so that a
// benchmark measures their effect in the same run as the code as it is. src/ is never touched.
import { cp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = fileURLToPath(new URL('../..', import.meta.url))
const scratch = fileURLToPath(new URL('../.scratch', import.meta.url))

/** Each change: what it replaces in which file of dist/, and why. */
export const CLIENT_PATCHES = [
  {
    name: 'timeout without AbortSignal',
    file: 'client/http.js',
    what: 'src/client/http.ts attemptOnce: `AbortSignal.timeout()` per attempt (an AbortSignal, an EventTarget listener in undici and a timer left pending for the whole timeout) → one cleared `setTimeout` driving an EventEmitter signal, which undici `request()` accepts; keep AbortSignal only for a caller signal and for the fetch transport',
    from: `    const timeoutSignal = AbortSignal.timeout(ctx.timeout);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeoutSignal]) : timeoutSignal;`,
    to: `    const timeoutSignal = new EventEmitter();
    timeoutSignal.aborted = false;
    const timer = setTimeout(() => { timeoutSignal.aborted = true; timeoutSignal.emit('abort'); }, ctx.timeout);
    const signal = callerSignal ? AbortSignal.any([callerSignal, AbortSignal.timeout(ctx.timeout)]) : timeoutSignal;
    try {`,
    extra: [
      {
        from: `    return parseResponse(endpoint, response, secrets);
}`,
        to: `    return parseResponse(endpoint, response, secrets);
    } finally { clearTimeout(timer); }
}`,
      },
      {
        from: `import { VERSION } from './version.js';`,
        to: `import { VERSION } from './version.js';\nimport { EventEmitter } from 'node:events';`,
      },
    ],
  },
  {
    name: 'URL by concatenation',
    file: 'client/http.js',
    what: 'src/client/http.ts callWeChat: `new URL()` + `searchParams.append()` per call → the base URL (already checked) + endpoint + `encodeURIComponent` query built as a string',
    from: `    const url = new URL(endpoint, ctx.apiBaseUrl.endsWith('/') ? ctx.apiBaseUrl : \`\${ctx.apiBaseUrl}/\`);
    for (const [name, value] of Object.entries(params))
        url.searchParams.append(name, value);`,
    to: `    let query = '';
    for (const name in params)
        query += \`\${query === '' ? '?' : '&'}\${name}=\${encodeURIComponent(params[name])}\`;
    const url = { href: \`\${ctx.apiBaseUrl.endsWith('/') ? ctx.apiBaseUrl : \`\${ctx.apiBaseUrl}/\`}\${endpoint}\${query}\` };`,
  },
  {
    name: 'body read by events',
    file: 'client/transport.js',
    what: "src/client/transport.ts undiciTransport: `for await` over the body (an async iterator, a promise per chunk) and Buffer.concat → 'data'/'end' listeners with the same size limit, no concat for a single chunk",
    from: `        const chunks = [];
        let size = 0;
        for await (const chunk of response.body) {
            size += chunk.length;
            if (size > maxBodySize) {
                response.body.destroy();
                throw new BodyTooLargeError(maxBodySize);
            }
            chunks.push(chunk);
        }
        const body = Buffer.concat(chunks).toString('utf8');`,
    to: `        const body = await new Promise((resolve, reject) => {
            const chunks = [];
            let size = 0;
            const stream = response.body;
            stream.on('data', (chunk) => {
                size += chunk.length;
                if (size > maxBodySize) {
                    stream.destroy();
                    reject(new BodyTooLargeError(maxBodySize));
                    return;
                }
                chunks.push(chunk);
            });
            stream.on('end', () => resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8')));
            stream.on('error', reject);
        });`,
  },
]

/** Import time: jose's package entry loads all of jose (JWKS, JWS, keys…); wxauth needs three parts. */
export const IMPORT_PATCHES = [
  {
    name: 'jose by subpath',
    file: 'flow/seal.js',
    what: "src/flow/seal.ts and src/flow/session.ts: `import { base64url, EncryptJWT, jwtDecrypt } from 'jose'` → `import * as base64url from 'jose/base64url'`, `import { EncryptJWT } from 'jose/jwt/encrypt'`, `import { jwtDecrypt } from 'jose/jwt/decrypt'` (subpaths jose exports), so that only the JWE code is loaded",
    from: "import { base64url, EncryptJWT, jwtDecrypt } from 'jose';",
    to: "import * as base64url from 'jose/base64url';\nimport { EncryptJWT } from 'jose/jwt/encrypt';\nimport { jwtDecrypt } from 'jose/jwt/decrypt';",
    also: [
      {
        file: 'flow/session.js',
        from: "import { base64url } from 'jose';",
        to: "import * as base64url from 'jose/base64url';",
      },
    ],
  },
]

/**
 * Copies dist/ to bench/.scratch/<name> and applies `patches`.
 * @returns {Promise<{ entry: string, applied: object[], missing: object[] }>} `entry` is the
 *   patched `wxauth` main module's URL.
 */
export async function preparePatchedWxauth(patches = CLIENT_PATCHES, name = 'wxauth-patched') {
  const target = join(scratch, name)
  await rm(target, { recursive: true, force: true })
  await mkdir(target, { recursive: true })
  await cp(join(repo, 'dist'), join(target, 'dist'), { recursive: true })
  await cp(join(repo, 'package.json'), join(target, 'package.json'))
  await symlink(join(repo, 'node_modules'), join(target, 'node_modules'), 'dir')
  const applied = []
  const missing = []
  for (const patch of patches) {
    // `extra` steps edit the same file; `also` steps edit other files.
    const steps = [
      { file: patch.file, from: patch.from, to: patch.to },
      ...(patch.extra ?? []).map((s) => ({ ...s, file: patch.file })),
      ...(patch.also ?? []),
    ]
    const texts = new Map()
    for (const step of steps) {
      if (!texts.has(step.file))
        texts.set(step.file, await readFile(join(target, 'dist', step.file), 'utf8'))
    }
    if (steps.every((step) => texts.get(step.file).includes(step.from))) {
      for (const step of steps)
        texts.set(step.file, texts.get(step.file).replace(step.from, step.to))
      for (const [file, text] of texts) await writeFile(join(target, 'dist', file), text)
      applied.push(patch)
    } else {
      missing.push(patch)
    }
  }
  return { entry: new URL(`file://${join(target, 'dist/index.js')}`).href, applied, missing }
}
