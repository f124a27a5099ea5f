// The platform picture: `cdk8s-platform graph` (see lib/cli/graph.ts).
export * from './tree';
export * from './environment';
export * from './graph';
export * from './mermaid';
export * from './markdown';
