// Lint enforces the dependency direction of the house (see README "Architecture"):
// one module owns each heavy dependency, and the layers only point downwards.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const only = (pkg, owner) => ({ name: pkg, message: `Only ${owner} may import ${pkg}.` });

// kitten/ is the model domain, the bottom layer: transport-free, and it imports nothing from
// engine/, session/ or http/. A block's no-restricted-imports replaces the one above it for the
// files it matches, so the kitten blocks repeat the ownership rules (less the file's own package).
const kittenImports = (...owned) => [
  'error',
  {
    paths: [...['hono', 'ws'].map((p) => ({ name: p, message: 'The pipeline is transport-free.' })), ...owned],
    patterns: [{ group: ['**/http/*', '**/session/*', '**/engine/*'], message: 'kitten/ imports nothing from engine/, session/ or http/.' }],
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'src/http/public/**', 'test/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.ts', 'workers/**/*.ts'],
    ignores: ['src/engine/pool.ts', 'src/kitten/onnx.ts', 'src/config.ts', 'src/kitten/frontend/phonemize/espeak-wasm.ts', 'src/cli.ts', 'workers/tts-worker.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            only('piscina', 'src/engine/pool.ts'),
            only('onnxruntime-node', 'src/kitten/onnx.ts'),
            only('phonemizer', 'src/kitten/frontend/phonemize/espeak-wasm.ts'),
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only src/config.ts reads the environment.' },
      ],
    },
  },
  {
    files: ['src/session/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['hono', 'zod', 'piscina', 'ws'].map((p) => ({ name: p, message: 'session/ is transport-free.' })),
          patterns: [{ group: ['**/http/*', '**/engine/pool*'], message: 'session/ sees only the Engine interface.' }],
        },
      ],
    },
  },
  {
    // The worker is piscina's entry point: it imports piscina's move() for zero-copy results, and
    // otherwise only the KittenTTS pipeline.
    files: ['workers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['hono', 'ws'].map((p) => ({ name: p, message: 'The pipeline is transport-free.' })),
          patterns: [{ group: ['**/http/*', '**/session/*', '**/engine/pool*'], message: 'workers import only the KittenTTS pipeline.' }],
        },
      ],
    },
  },
  {
    files: ['src/kitten/**/*.ts'],
    ignores: ['src/kitten/onnx.ts', 'src/kitten/frontend/phonemize/espeak-wasm.ts'],
    rules: {
      'no-restricted-imports': kittenImports(
        only('piscina', 'src/engine/pool.ts'),
        only('onnxruntime-node', 'src/kitten/onnx.ts'),
        only('phonemizer', 'src/kitten/frontend/phonemize/espeak-wasm.ts'),
      ),
    },
  },
  {
    files: ['src/kitten/onnx.ts'],
    rules: {
      'no-restricted-imports': kittenImports(
        only('piscina', 'src/engine/pool.ts'),
        only('phonemizer', 'src/kitten/frontend/phonemize/espeak-wasm.ts'),
      ),
    },
  },
  {
    files: ['src/kitten/frontend/phonemize/espeak-wasm.ts'],
    rules: {
      'no-restricted-imports': kittenImports(
        only('piscina', 'src/engine/pool.ts'),
        only('onnxruntime-node', 'src/kitten/onnx.ts'),
      ),
    },
  },
  {
    files: ['examples/**/*.mjs'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly' } },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
