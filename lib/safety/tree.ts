// Reading committed trees lives in the output-tree module (lib/tree); re-exported here for the
// destroy guard and plan.
export { EMPTY_TREE, isKustomizeConfig, LazyFiles, listedFiles, objectsOfFile, quickIdentity, readTree, readTreeAtRef } from '../tree/read';
export type { KnownFiles, TreeSnapshot } from '../tree/read';
export { baselineStateFile, gitHeadTree, readBaseline, saveBaseline } from '../tree/baseline';
export type { Baseline, BaselineSource } from '../tree/baseline';
export { manifestClusterOf } from '../tree/manifest';
