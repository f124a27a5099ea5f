// The shared vocabulary (docs/vocabulary.md), checked on the sources of every family: one L1 handle
// name, one base, one import shape, one Secret type. Parsed with the TypeScript compiler API.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const LIB = path.resolve(__dirname, '..', '..', 'lib');

function sources(): ts.SourceFile[] {
  const out: ts.SourceFile[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push(ts.createSourceFile(p, fs.readFileSync(p, 'utf8'), ts.ScriptTarget.Latest, true));
    }
  };
  walk(LIB);
  return out;
}

const FILES = sources();
const where = (sf: ts.SourceFile, node: ts.Node) => `${path.relative(LIB, sf.fileName)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;

function classes(): Array<{ sf: ts.SourceFile; cls: ts.ClassDeclaration }> {
  const out: Array<{ sf: ts.SourceFile; cls: ts.ClassDeclaration }> = [];
  for (const sf of FILES) {
    const visit = (n: ts.Node) => {
      if (ts.isClassDeclaration(n)) out.push({ sf, cls: n });
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

const memberName = (m: ts.ClassElement | ts.TypeElement) => (m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) ? m.name.text : undefined);
const baseOf = (cls: ts.ClassDeclaration) => cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression.getText();

test('the L1 handle is `apiObject` everywhere (no `resource` handle)', () => {
  const bad: string[] = [];
  for (const { sf, cls } of classes()) {
    for (const m of cls.members) {
      if ((ts.isPropertyDeclaration(m) || ts.isGetAccessorDeclaration(m)) && memberName(m) === 'resource' && !m.modifiers?.some((x) => x.kind === ts.SyntaxKind.PrivateKeyword)) {
        bad.push(`${where(sf, m)} ${cls.name?.text}.resource`);
      }
    }
  }
  expect(bad).toEqual([]);
});

test('a construct with an `apiObject` extends PlatformResource (or a family base of it)', () => {
  const bad: string[] = [];
  for (const { sf, cls } of classes()) {
    const hasApiObject = cls.members.some((m) => (ts.isPropertyDeclaration(m) || ts.isGetAccessorDeclaration(m)) && memberName(m) === 'apiObject');
    if (hasApiObject && baseOf(cls) === 'Construct' && cls.name?.text !== 'PlatformResource') bad.push(`${where(sf, cls)} ${cls.name?.text} extends Construct`);
  }
  expect(bad).toEqual([]);
});

test('every `fromName` takes (scope, id, { name, namespace, ... })', () => {
  const bad: string[] = [];
  let seen = 0;
  for (const { sf, cls } of classes()) {
    for (const m of cls.members) {
      if (!ts.isMethodDeclaration(m) || memberName(m) !== 'fromName' || !m.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword)) continue;
      seen++;
      const params = m.parameters.map((p) => `${p.name.getText()}: ${p.type?.getText()}`);
      const ok = params.length === 3 && params[0] === 'scope: Construct' && params[1] === 'id: string' && /Props$/.test(m.parameters[2].type?.getText() ?? '');
      if (!ok) bad.push(`${where(sf, m)} ${cls.name?.text}.fromName(${params.join(', ')})`);
    }
  }
  expect(seen).toBeGreaterThanOrEqual(20);
  expect(bad).toEqual([]);
});

test('a prop that takes a Secret takes an ISecretSource (no `…SecretName: string`, no `secretRef: string`)', () => {
  // Names of Secrets the object WRITES (an output name, not a reference to a Secret it reads).
  const OUTPUT_NAMES = new Set(['CompositeResourceProps.connectionSecretName', 'ClaimProps.connectionSecretName']);
  const bad: string[] = [];
  for (const sf of FILES) {
    const visit = (n: ts.Node) => {
      if (ts.isInterfaceDeclaration(n) && /Props$|Settings$|Spec$/.test(n.name.text)) {
        for (const m of n.members) {
          const name = memberName(m);
          const type = ts.isPropertySignature(m) ? m.type?.getText() : undefined;
          if (name === undefined || type === undefined) continue;
          if (/SecretName$/.test(name) && type === 'string' && !OUTPUT_NAMES.has(`${n.name.text}.${name}`)) bad.push(`${where(sf, m)} ${n.name.text}.${name}: ${type}`);
          if (name === 'secretRef' && type === 'string') bad.push(`${where(sf, m)} ${n.name.text}.${name}: ${type}`);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  expect(bad).toEqual([]);
});
