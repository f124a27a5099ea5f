// Safety features: destroy guard and plan, secret hygiene, secure-baseline report.
export * from './baseline-report';
export * from './guard';
export * from './plan';
export * from './protection';
export * from './secrets';
export * from './tree';
