import { IConstruct } from 'constructs';
import { checkString, DNS_LABEL, propError } from '../core/errors';
import { scopeNamespace, setScopeNamespace } from '../core/resource';
import type { ISecretSource } from '../core/secret';

/** Defaults an `AsoCredentialScope` gives the constructs created under it. */
export interface AsoScopeDefaults {
  /** Namespace of the ASO resources (and Secrets) under the scope (also given with `setScopeNamespace`). */
  readonly namespace: string;
  /** Credential Secret (`serviceoperator.azure.com/credential-from`) of the ASO resources under the scope. */
  readonly credential?: ISecretSource | string;
  /** The subscription the credential acts in, when known (role definition ARM ids need it). */
  readonly subscriptionId?: string;
}

const SCOPE = Symbol.for('cdk8s-platform.AsoScopeDefaults');

/**
 * Marks `scope` as giving `defaults` to the constructs below it; its namespace is given with the
 * core `setScopeNamespace`, so `scopeNamespace(...)` (every family) and {@link namespaceOf} agree.
 */
export function setScopeDefaults(scope: IConstruct, defaults: AsoScopeDefaults): void {
  Object.defineProperty(scope, SCOPE, { value: defaults });
  setScopeNamespace(scope, defaults.namespace);
}

/** The defaults of the nearest scope above `c` (itself excluded) that set some. */
export function scopeDefaults(c: IConstruct): AsoScopeDefaults | undefined {
  for (let s = c.node.scope; s; s = s.node.scope) {
    const d = (s as unknown as Record<symbol, AsoScopeDefaults | undefined>)[SCOPE];
    if (d) return d;
  }
  return undefined;
}

/**
 * The namespace a construct's objects get: `explicit`, else the default namespace at `scope`
 * (core `scopeNamespace`: the nearest `AsoCredentialScope`'s, else its folder's). ASO resources
 * are namespaced, so one of them is required.
 */
export function namespaceOf(scope: IConstruct, prop: string, explicit?: string): string {
  const ns = explicit ?? scopeNamespace(scope);
  if (ns === undefined) {
    throw propError(scope, prop, 'is required: set it, or create the construct in a Folder or AsoCredentialScope with a namespace');
  }
  return checkString(scope, prop, ns, DNS_LABEL);
}
