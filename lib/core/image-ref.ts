// OCI references (`registry[:port]/path/name[:tag][@digest]`): container images, Crossplane packages.

/** The name of an image reference, without tag or digest. */
export function imageName(ref: string): string {
  const noDigest = ref.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** The tag of a reference (`v1.2.3`), undefined when it has none or names a digest. */
export function imageTag(ref: string): string | undefined {
  if (ref.includes('@')) return undefined;
  const name = imageName(ref);
  return name.length < ref.length ? ref.slice(name.length + 1) : undefined;
}
