// The Fleet's management layout helpers. The build bound applies to every Flux Kustomization
// (lib/flux/build-size.ts); it is re-exported here, where it was first defined.
export { stableHash } from '../core/stable-hash';
export {
  DEFAULT_MAX_OBJECTS_PER_BUILD,
  KustomizationBuildSize,
  kustomizationBuildProblems,
  kustomizationBuildSizes,
  maxObjectsPerBuild,
  setMaxObjectsPerBuild,
} from '../flux/build-size';
