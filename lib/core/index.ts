export * from './baseline';
export * from './cluster';
export * from './duration';
export * from './errors';
export * from './kinds';
export * from './references';
export * from './removal-policy';
export * from './exported-value';
