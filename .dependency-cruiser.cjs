// The house rules for imports, checked by `npm test` (npm run deps) — see docs/architecture.md.
// Dependencies point one way: http → session → engine → kitten (the worker imports only the
// KittenTTS pipeline); there are no import cycles; and one module owns each heavy dependency.
// (Reading process.env only in src/config.ts stays an eslint rule: it is not an import.)
const owner = (name, pkg, ...paths) => ({
  name,
  comment: `Only ${paths.join(' and ')} may import ${pkg}.`,
  severity: 'error',
  from: { pathNot: paths.map((p) => `^${p.replace(/\./g, '\\.')}$`) },
  // (^|/): a node_modules reached through a symlink (a git worktree's) resolves to a path outside.
  to: { path: `(^|/)node_modules/${pkg}/` },
});

const layer = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: following the imports leads back to this module.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    // The worker is piscina's entry point: it takes piscina's move() for zero-copy results.
    owner('piscina-owner', 'piscina', 'src/engine/pool.ts', 'workers/tts-worker.ts'),
    owner('onnxruntime-owner', 'onnxruntime-node', 'src/kitten/onnx.ts'),
    owner('phonemizer-owner', 'phonemizer', 'src/kitten/frontend/phonemize/espeak-wasm.ts'),
    owner('koffi-owner', 'koffi', 'src/kitten/frontend/phonemize/espeak-native.ts'),
    owner('bonjour-owner', 'bonjour-service', 'src/wyoming/zeroconf.ts'),
    layer(
      'wyoming-is-a-door',
      'The Wyoming door, like http/, sees sessions and the Engine interface: no routers, no pool.',
      { path: '^src/wyoming/' },
      {
        path: [
          '^src/http/',
          '^src/engine/(?!engine|protocol)',
          '(^|/)node_modules/(hono|ws|piscina)/',
        ],
      },
    ),
    layer(
      'doors-apart',
      'The HTTP doors and the Wyoming door do not import each other (gateway.ts wires both).',
      { path: '^src/http/' },
      { path: '^src/wyoming/' },
    ),
    owner('ioredis-owner', 'ioredis', 'src/cluster/redis.ts'),
    layer(
      'cluster-is-transport-free',
      'cluster/ (sessions shared through Redis) sits under http/ and over session/: no HTTP.',
      { path: '^src/cluster/' },
      { path: ['^src/http/', '^node_modules/(hono|ws)/'] },
    ),
    layer(
      'session-is-transport-free',
      'session/ sees only the Engine interface: no HTTP, no threads.',
      { path: '^src/session/' },
      {
        path: [
          '^src/http/',
          '^src/wyoming/',
          '^src/cluster/',
          '^src/engine/pool',
          '^node_modules/(hono|zod|piscina|ws|ioredis)/',
        ],
      },
    ),
    layer(
      'pipeline-is-transport-free',
      'The KittenTTS pipeline and the worker import only the pipeline: no HTTP, sessions or pool.',
      { path: ['^src/kitten/', '^workers/'] },
      {
        path: [
          '^src/http/',
          '^src/session/',
          '^src/engine/(?!protocol)',
          '^node_modules/(hono|ws)/',
        ],
      },
    ),
    layer(
      'ops-serves-the-doors',
      "ops/ is the process's own operations (metrics, readiness, shutdown, warm-up, stats): no door.",
      { path: '^src/ops/' },
      { path: ['^src/http/', '^src/wyoming/', '^src/cluster/'] },
    ),
    layer(
      'layers-below-ops',
      'Sessions, the engine, the pipeline, encoders and the worker report through their own types, never ops/.',
      { path: ['^src/(session|engine|kitten|audio)/', '^workers/'] },
      { path: '^src/ops/' },
    ),
    layer(
      'kitten-below-engine',
      'The model domain does not reach up into the engine (its thread protocol included).',
      { path: '^src/kitten/' },
      { path: '^src/engine/' },
    ),
    layer(
      'engine-below-session',
      'The engine knows nothing of sessions or HTTP.',
      { path: '^src/engine/' },
      { path: ['^src/session/', '^src/http/'] },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: {
      dot: { collapsePattern: 'node_modules/(@[^/]+/[^/]+|[^/]+)' },
    },
  },
};
