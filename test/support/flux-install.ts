// A cut-down gotk-components.yaml: what `flux bootstrap` commits beside the library's flux-system
// objects (the controllers Flux's sharding guide and the lockdown patch), for tests that build
// folders listing it as a user-owned file.
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';

const controller = (name: string, component = name) => ({
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: { name, namespace: 'flux-system', labels: { 'app.kubernetes.io/part-of': 'flux', 'app.kubernetes.io/component': component } },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'manager', image: `ghcr.io/fluxcd/${name}:v1.0.0`, args: ['--log-level=info', '--a', '--b', '--c', '--d', '--e', '--f'] }] } } },
});

/** The objects of the cut-down Flux install. */
export const FLUX_INSTALL = [
  ...['source-controller', 'kustomize-controller', 'helm-controller', 'notification-controller'].map((c) => controller(c)),
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'source-controller', namespace: 'flux-system', labels: { 'app.kubernetes.io/part-of': 'flux' } }, spec: { selector: { app: 'source-controller' }, ports: [{ port: 80 }] } },
];

/** The cut-down Flux install as a multi-document YAML file. */
export const FLUX_INSTALL_YAML = FLUX_INSTALL.map((o) => stringify(o)).join('---\n');

/**
 * Writes the cut-down Flux install as `gotk-components.yaml` next to every `kustomization.yaml`
 * under `root` that lists it and does not have it (a user-owned file: the library never writes
 * it); returns the files written (relative to `root`).
 */
export function writeFluxInstalls(root: string): string[] {
  const written: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'kustomization.yaml' && /^ {2}- gotk-components\.yaml$/m.test(fs.readFileSync(p, 'utf8')) && !fs.existsSync(path.join(d, 'gotk-components.yaml'))) {
        fs.writeFileSync(path.join(d, 'gotk-components.yaml'), FLUX_INSTALL_YAML);
        written.push(path.relative(root, path.join(d, 'gotk-components.yaml')));
      }
    }
  };
  walk(root);
  return written.sort();
}

/**
 * source-watcher as `flux bootstrap --components-extra=source-watcher` adds it (flux2
 * manifests/bases/source-watcher: every object labelled `app.kubernetes.io/component: source-watcher`).
 */
export const SOURCE_WATCHER_INSTALL = [
  controller('source-watcher'),
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'source-watcher', namespace: 'flux-system', labels: { 'app.kubernetes.io/part-of': 'flux', 'app.kubernetes.io/component': 'source-watcher' } }, spec: { selector: { app: 'source-watcher' }, ports: [{ port: 80 }] } },
];

/** The cut-down Flux install with source-watcher, as a multi-document YAML file. */
export const FLUX_INSTALL_WITH_SOURCE_WATCHER_YAML = [...FLUX_INSTALL, ...SOURCE_WATCHER_INSTALL].map((o) => stringify(o)).join('---\n');
