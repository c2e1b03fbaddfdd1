'use strict';
// esbuild plugins that keep each Lambda bundle small while the AWS SDK stays bundled at our pinned
// version. serverless-esbuild loads this file (`custom.esbuild.plugins` in serverless.yml), and so does
// shared/deploy/function-bundles.ts (the bundle test and `npm run bench -- cold`), so both build the
// same bytes. docs/benchmarks.md shows what each plugin saves; the metafile shows the rest.

const { readFile } = require('node:fs/promises');

/**
 * The SDK's schema modules (`dist-es/schemas/schemas_N.js`) declare one array per shape and operation,
 * e.g. `export var X$ = [9, n0, _X, { [_h]: ["POST", "/path", 200] }, () => In$, () => Out$]`.
 * esbuild keeps a statement whose object literal has a computed key (`[_h]`: converting the key could
 * run code), so every operation of the service stayed in every bundle (CloudFront: ~85 KB). The keys
 * are `const` strings of the same module; writing them as literals lets esbuild drop what no command
 * of ours reaches. The module's values are unchanged (test/unit/esbuild-plugins.test.ts compares them).
 */
const SCHEMA_MODULE = /[\\/]node_modules[\\/]@aws-sdk[\\/].+[\\/]dist-es[\\/](?:.+[\\/])?schemas[\\/]schemas_\d+\.js$/;
const CONST_STRING = /^const (\w+) = ("(?:[^"\\\n]|\\.)*");$/gm;
const COMPUTED_KEY = /([{,]\s*)\[(\w+)\]:/g;

/**
 * Rewrites `{ [_name]: value }` to `{ "literal": value }` where `_name` is a module-level `const` string.
 *
 * @returns the new text and how many keys were rewritten
 */
function literalSchemaKeys(source) {
  const literals = new Map();
  for (const [, name, literal] of source.matchAll(CONST_STRING)) literals.set(name, literal);
  let rewritten = 0;
  const text = source.replace(COMPUTED_KEY, (match, before, name) => {
    const literal = literals.get(name);
    if (literal === undefined) return match;
    rewritten++;
    return `${before}${literal}:`;
  });
  return { text, rewritten };
}

const schemaLiteralKeys = {
  name: 'sdk-schema-literal-keys',
  setup(build) {
    build.onLoad({ filter: SCHEMA_MODULE }, async (args) => ({
      contents: literalSchemaKeys(await readFile(args.path, 'utf8')).text,
      loader: 'js',
    }));
  },
};

/**
 * The default credential chain imports the profile, SSO, process and web-identity providers (and with
 * them the STS, SSO, SSO-OIDC and sign-in clients: ~90 KB) on demand. In Lambda the first link, the
 * environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN of the execution role),
 * always answers; the container and instance-metadata link stays bundled. Each left-out provider
 * declines the way a provider without configuration does (`tryNextLink`), so the chain moves on.
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
 */
const LEFT_OUT_PROVIDERS = /^@aws-sdk\/credential-provider-(?:sso|ini|process|web-identity)$/;
const PROVIDER_NAMES = ['fromSSO', 'fromIni', 'fromProcess', 'fromTokenFile'];

const lambdaCredentialsOnly = {
  name: 'lambda-credentials-only',
  setup(build) {
    build.onResolve({ filter: LEFT_OUT_PROVIDERS }, (args) =>
      args.kind === 'dynamic-import' ? { path: args.path, namespace: 'left-out-provider' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'left-out-provider' }, (args) => ({
      contents: [
        'const leftOut = () => async () => {',
        `  const error = new Error(${JSON.stringify(`${args.path} is not bundled: Lambda provides credentials in the environment`)});`,
        "  error.name = 'CredentialsProviderError';",
        '  error.tryNextLink = true;',
        '  throw error;',
        '};',
        ...PROVIDER_NAMES.map((name) => `export const ${name} = leftOut;`),
      ].join('\n'),
      loader: 'js',
    }));
  },
};

/**
 * Each SDK client imports its whole package.json (2-3.5 KB: scripts, dependency lists) to read
 * `version` for the User-Agent header; name and version are all it needs.
 */
const SDK_PACKAGE_JSON = /[\\/]node_modules[\\/]@aws-sdk[\\/][^\\/]+[\\/]package\.json$/;

const sdkPackageVersionOnly = {
  name: 'sdk-package-version-only',
  setup(build) {
    build.onLoad({ filter: SDK_PACKAGE_JSON }, async (args) => {
      const { name, version } = JSON.parse(await readFile(args.path, 'utf8'));
      return { contents: JSON.stringify({ name, version }), loader: 'json' };
    });
  },
};

/**
 * The event-stream codec (~15 KB) serves operations that stream events (S3 SelectObjectContent among
 * our clients); no function sends one. The S3 client still resolves an event-stream marshaller when it
 * is created, so this module resolves one that refuses to run, with a message that says why. An import
 * of any other name fails the build, so nothing can start using it unnoticed.
 */
const EVENT_STREAMS = /^@smithy\/core\/event-streams$/;
const EVENT_STREAMS_MODULE = `const refuse = () => {
  throw new Error('@smithy/core/event-streams is not bundled: expected no event-stream operation, got one (shared/deploy/esbuild-plugins.cjs)');
};
export const resolveEventStreamSerdeConfig = (input) =>
  Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });
export const eventStreamSerdeProvider = () => ({ serialize: refuse, deserialize: refuse });
export class EventStreamSerde {
  constructor() {
    refuse();
  }
}`;

const eventStreamsLeftOut = {
  name: 'event-streams-left-out',
  setup(build) {
    build.onResolve({ filter: EVENT_STREAMS }, (args) => ({ path: args.path, namespace: 'left-out-event-streams' }));
    build.onLoad({ filter: /.*/, namespace: 'left-out-event-streams' }, () => ({
      contents: EVENT_STREAMS_MODULE,
      loader: 'js',
    }));
  },
};

/**
 * Each client's `models/errors.js` declares one class per modelled error (CloudFront: 152 classes,
 * ~34 KB), all kept because the schema module registers every one with the error registry. They share
 * one shape: fields `name` and `$fault`, optional initialised fields (`$retryable = {}`), declared
 * fields copied from the options, `Object.setPrototypeOf`. This writes each as one call of a factory
 * that builds the same class: same name, same own fields defined in the same order with the same
 * values, same prototype chain. A module holding anything else is left as it is.
 * test/unit/esbuild-plugins.test.ts compares every error of every client we bundle.
 */
const ERRORS_MODULE = /[\\/]node_modules[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]models[\\/]errors\.js$/;
const ERROR_CLASS =
  /^export class (\w+) extends __BaseException \{\n((?: {4}[$\w]+(?: = [^\n]+)?;\n)*) {4}constructor\(opts\) \{\n {8}super\(\{\n {12}name: "(\w+)",\n {12}\$fault: "(\w+)",\n {12}\.\.\.opts,\n {8}\}\);\n {8}Object\.setPrototypeOf\(this, (\w+)\.prototype\);\n((?: {8}this\.(\w+) = opts\.\w+;\n)*) {4}\}\n\}\n/gm;
const FIELD = /^ {4}([$\w]+)(?: = ([^\n]+))?;$/;
const ERROR_FACTORY = `const __field = (o, k, v) => Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
const __errorClass = (name, fault, fields, init = {}) => {
  const C = { [name]: class extends __BaseException {
    constructor(opts) {
      super({ name, $fault: fault, ...opts });
      __field(this, "name", name);
      __field(this, "$fault", fault);
      for (const k of fields) __field(this, k, Object.hasOwn(init, k) ? init[k]() : undefined);
      Object.setPrototypeOf(this, C.prototype);
      for (const k of fields) if (!Object.hasOwn(init, k)) this[k] = opts[k];
    }
  } }[name];
  return C;
};
`;

/**
 * Rewrites every error class of a client's errors module as a factory call.
 *
 * @returns the new text and how many classes were rewritten, or the source unchanged (0) when any
 *   class does not have the expected shape
 */
function compactErrorClasses(source) {
  let rewritten = 0;
  let unexpected = false;
  const text = source.replace(ERROR_CLASS, (match, name, fieldBlock, superName, fault, protoName, copies) => {
    const lines = fieldBlock.split('\n').filter((line) => line !== '');
    const fields = lines.map((line) => FIELD.exec(line));
    const [first, second, ...rest] = fields;
    const copied = [...copies.matchAll(/this\.(\w+) = opts\.(\w+);/g)];
    const declared = rest.filter((field) => field[2] === undefined).map((field) => field[1]);
    const ok =
      first?.[1] === 'name' &&
      first[2] === JSON.stringify(name) &&
      second?.[1] === '$fault' &&
      second[2] === JSON.stringify(fault) &&
      superName === name &&
      protoName === name &&
      copied.every(([, to, from]) => to === from) &&
      copied.map(([, to]) => to).join() === declared.join();
    if (!ok) {
      unexpected = true;
      return match;
    }
    rewritten++;
    const init = rest
      .filter((field) => field[2] !== undefined)
      .map((field) => `${JSON.stringify(field[1])}: () => (${field[2]})`);
    const names = JSON.stringify(rest.map((field) => field[1]));
    return `export const ${name} = __errorClass(${JSON.stringify(name)}, ${JSON.stringify(fault)}, ${names}${init.length === 0 ? '' : `, { ${init.join(', ')} }`});\n`;
  });
  if (unexpected || rewritten === 0 || /^export class /m.test(text)) return { text: source, rewritten: 0 };
  const importEnd = text.indexOf('\n', text.indexOf('__BaseException')) + 1;
  return { text: `${text.slice(0, importEnd)}${ERROR_FACTORY}${text.slice(importEnd)}`, rewritten };
}

const compactErrors = {
  name: 'sdk-compact-error-classes',
  setup(build) {
    build.onLoad({ filter: ERRORS_MODULE }, async (args) => ({
      contents: compactErrorClasses(await readFile(args.path, 'utf8')).text,
      loader: 'js',
    }));
  },
};

/**
 * @middy/core imports `ReadableStream` from `node:stream/web` and `setTimeout` from `node:timers` at
 * the top of its module. Loading `node:stream/web` loads Node's whole web-streams implementation, and
 * the `node:timers` module namespace loads `timers/promises` (together about 4 ms of every cold start,
 * docs/benchmarks.md), for handlers that stream their response, which none of ours does. Node's
 * globals are the same class and function (the global `ReadableStream` loads on first use), so the
 * module reads the globals instead. If middy's source no longer has exactly these imports and one
 * `instanceof ReadableStream`, the build fails.
 */
const MIDDY_CORE = /[\\/]node_modules[\\/]@middy[\\/]core[\\/]index\.js$/;
const MIDDY_BUILTIN_IMPORTS = [
  'import { ReadableStream } from "node:stream/web";\n',
  'import { setTimeout } from "node:timers";\n',
];
const WEB_STREAMS_USE = 'instanceof ReadableStream';

function middyGlobalBuiltins(source) {
  const count = (text) => source.split(text).length - 1;
  const found = [...MIDDY_BUILTIN_IMPORTS, WEB_STREAMS_USE].map(count);
  if (found.some((n) => n !== 1)) {
    throw new Error(
      `@middy/core: expected each of ${JSON.stringify([...MIDDY_BUILTIN_IMPORTS, WEB_STREAMS_USE])} once, got ${found.join(', ')} (shared/deploy/esbuild-plugins.cjs)`,
    );
  }
  return MIDDY_BUILTIN_IMPORTS.reduce((text, line) => text.replace(line, ''), source).replace(
    WEB_STREAMS_USE,
    'instanceof globalThis.ReadableStream',
  );
}

const middyGlobalsOnUse = {
  name: 'middy-globals-on-use',
  setup(build) {
    build.onLoad({ filter: MIDDY_CORE }, async (args) => ({
      contents: middyGlobalBuiltins(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};

module.exports = [
  schemaLiteralKeys,
  compactErrors,
  lambdaCredentialsOnly,
  sdkPackageVersionOnly,
  eventStreamsLeftOut,
  middyGlobalsOnUse,
];
module.exports.literalSchemaKeys = literalSchemaKeys;
module.exports.compactErrorClasses = compactErrorClasses;
module.exports.middyGlobalBuiltins = middyGlobalBuiltins;
