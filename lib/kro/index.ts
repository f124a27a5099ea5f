// kro (kubernetes-sigs/kro v0.9.3): ResourceGraphDefinitions composing the library's constructs.
export * from './schema';
export * from './expressions';
export * from './rgd';
export * from './instance';
export * from './health';
