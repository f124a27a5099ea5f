// Fuzz target of offline sealing: sealSecret() with a throwaway test certificate, then the sealed
// document in a SealedSecret construct. Invalid input must give a SealError naming the Secret and
// the field and never showing a value (reported here as a PropError of the construct about to be
// created, so the harness classifies it); valid input must unseal (with the test key, as the
// controller does) to exactly the values sealed.
import * as fc from 'fast-check';
import { PropError } from '../../../lib';
import { parseSealingCert, SealedSecret, SealError, sealSecret, SealingScope } from '../../../lib/sealing';
import { keyPair, KeyPair, tmpDir, unseal } from '../../sealing/fixtures';
import { FuzzTarget, target } from '../harness';
import { chance, dnsLabel, k8sName, oddString, opt, stringMap } from './common';

let pair: KeyPair | undefined;
/** One sealing key pair per process (openssl, in a temporary directory outside the checkout). */
function testKeys(): KeyPair {
  pair ??= keyPair(tmpDir('fuzz'), 'fuzz');
  return pair;
}

/** Values that look like secrets (distinctive, so a message quoting one is caught) and odd ones. */
const secretValue = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 8, maxLength: 16 }).map((h) => `pw-${h}`) },
  { weight: 1, arbitrary: fc.string({ minLength: 6, maxLength: 12 }).map((x) => `s3cr3t${x}`) },
);
const secretKey = fc.oneof({ weight: 30, arbitrary: fc.constantFrom('password', 'username', 'tls.crt', 'API_KEY') }, { weight: 1, arbitrary: fc.constantFrom('a b', 'x/y', '', 'ü') });

const sealSpec = fc.record({
  apiVersion: fc.oneof({ weight: 40, arbitrary: fc.constant('v1') }, { weight: 1, arbitrary: fc.constantFrom('v2', 'apps/v1') }),
  kind: fc.oneof({ weight: 40, arbitrary: fc.constant('Secret') }, { weight: 1, arbitrary: fc.constantFrom('ConfigMap', 'SealedSecret') }),
  name: fc.oneof({ weight: 30, arbitrary: dnsLabel }, { weight: 1, arbitrary: k8sName() }, { weight: 1, arbitrary: fc.constant(undefined) }),
  namespace: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('apps', 'data') }, { weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: k8sName() }),
  labels: opt(fc.oneof({ weight: 5, arbitrary: stringMap(fc.constant('app'), dnsLabel) }, { weight: 1, arbitrary: stringMap(fc.constantFrom('app', 'a b'), oddString) }), 4),
  annotations: opt(fc.dictionary(fc.constantFrom('sealedsecrets.bitnami.com/cluster-wide', 'sealedsecrets.bitnami.com/namespace-wide', 'kubectl.kubernetes.io/last-applied-configuration', 'team'), fc.constantFrom('true', 'false', '{"data":{}}'), { maxKeys: 2 }), 4),
  extraMetadata: opt(fc.constantFrom('uid', 'ownerReferences', 'generateName'), 20),
  extraField: opt(fc.constantFrom('spec', 'status'), 30),
  data: opt(fc.dictionary<[string, boolean]>(secretKey, fc.tuple(secretValue, fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) })), { maxKeys: 2 }), 2),
  stringData: opt(fc.dictionary(secretKey, secretValue, { maxKeys: 3 }), 1),
  nonStringValue: chance(5),
  type: opt(fc.constantFrom('Opaque', 'kubernetes.io/dockerconfigjson', 'kubernetes.io/tls'), 3),
  immutable: opt(fc.boolean(), 4),
  scope: opt(fc.oneof({ weight: 10, arbitrary: fc.constantFrom<SealingScope | 'global'>('strict', 'namespace-wide', 'cluster-wide') }, { weight: 1, arbitrary: fc.constant('global' as const) }), 3),
  allowEmptyData: opt(fc.boolean(), 4),
  cert: fc.oneof({ weight: 12, arbitrary: fc.constantFrom('pem', 'parsed') }, { weight: 1, arbitrary: fc.constantFrom('garbage', 'none') }),
  constructNamespace: opt(fc.constantFrom('apps', 'data', 'Bad_NS'), 4),
});

export const SEALING_TARGETS: FuzzTarget[] = [
  target({
    name: 'SealedSecret', family: 'sealing', arbitrary: sealSpec,
    build: (ctx, s) => {
      const keys = testKeys();
      const values: string[] = [];
      const data = s.data === undefined ? undefined : Object.fromEntries(Object.entries(s.data).map(([k, [v, base64]]) => {
        values.push(v);
        return [k, base64 ? Buffer.from(v).toString('base64') : v];
      }));
      if (s.stringData) values.push(...Object.values(s.stringData));
      const secret: any = {
        apiVersion: s.apiVersion, kind: s.kind,
        metadata: { name: s.name, namespace: s.namespace, labels: s.labels, annotations: s.annotations, ...(s.extraMetadata ? { [s.extraMetadata]: 'x' } : {}) },
        data, stringData: s.nonStringValue && s.stringData ? { ...s.stringData, count: 3 } : s.stringData, type: s.type, immutable: s.immutable,
        ...(s.extraField ? { [s.extraField]: {} } : {}),
      };
      const cert = s.cert === 'pem' ? keys.certPem : s.cert === 'parsed' ? parseSealingCert(keys.certPem) : s.cert === 'garbage' ? '-----BEGIN CERTIFICATE-----\nnot a cert\n-----END CERTIFICATE-----\n' : undefined;
      let sealed;
      try {
        sealed = sealSecret(secret, { cert: cert as never, scope: s.scope as SealingScope, allowEmptyData: s.allowEmptyData });
      } catch (e) {
        if (!(e instanceof SealError)) throw e;
        const shown = values.find((v) => e.message.includes(v) || e.message.includes(Buffer.from(v).toString('base64')));
        if (shown !== undefined) throw new Error(`SealError shows a secret value: ${e.message}`);
        throw new PropError(`${ctx.folder.node.path}/sealed`, 'secret', e.message);
      }
      // What the controller would decrypt: exactly the values given (stringData wins on a shared key;
      // a data value given as is was accepted as base64, so it stands for its decoded bytes).
      const expected: Record<string, string> = {
        ...Object.fromEntries(Object.entries(s.data ?? {}).map(([k, [v, base64]]) => [k, base64 ? Buffer.from(v).toString('base64') : Buffer.from(v, 'base64').toString('base64')])),
        ...Object.fromEntries(Object.entries(s.stringData ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      };
      const got = Object.fromEntries(Object.entries(unseal(sealed, keys.privateKey)).map(([k, v]) => [k, v.toString('base64')]));
      if (JSON.stringify(Object.entries(got).sort()) !== JSON.stringify(Object.entries(expected).sort())) throw new Error(`unsealing does not give the values sealed (keys ${Object.keys(got).join(', ')})`);
      new SealedSecret(ctx.folder, 'sealed', { sealed, namespace: s.constructNamespace });
    },
  }),
];
